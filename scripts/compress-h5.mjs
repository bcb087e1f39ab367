#!/usr/bin/env node
// Writes x.br and x.gz beside every compressible file of the H5 build (JS, CSS, HTML, SVG, JSON),
// once at build time at the highest levels, so the BFF sends them without compressing per request
// (bff/src/infra/static.ts). Prints what it saved.   node scripts/compress-h5.mjs [dir]
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'

const dir = process.argv[2] ?? 'miniapp/dist/h5'
const COMPRESSIBLE = /\.(js|css|html|svg|json|txt)$/
const walk = (d) => readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)]))

let raw = 0
let br = 0
let gz = 0
for (const file of walk(dir)) {
  if (!COMPRESSIBLE.test(file) || file.endsWith('.LICENSE.txt')) continue
  const body = readFileSync(file)
  if (body.length < 512) continue // not worth a second request header's size
  const b = brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } })
  const g = gzipSync(body, { level: 9 })
  writeFileSync(`${file}.br`, b)
  writeFileSync(`${file}.gz`, g)
  raw += body.length
  br += b.length
  gz += g.length
}
const kb = (n) => `${(n / 1024).toFixed(0)} KB`
console.log(`compress-h5: ${kb(raw)} -> brotli ${kb(br)}, gzip ${kb(gz)} (${dir})`)
