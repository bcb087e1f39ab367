#!/usr/bin/env node
/**
 * Run every H5 browser test (`e2e/*.e2e.mjs`) one after another against the same BFF, then report
 * which passed. Each file is its own process, so one failure does not hide the others; the exit
 * code is non-zero when any failed.
 *
 *   E2E_BASE_URL=http://127.0.0.1:3000 pnpm --filter @carmall/miniapp e2e            # all
 *   E2E_BASE_URL=http://127.0.0.1:3000 pnpm --filter @carmall/miniapp e2e configure  # names containing "configure"
 *
 * Env is passed through unchanged (E2E_BASE_URL, E2E_ARTIFACTS_DIR, E2E_CHROMIUM).
 */
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const filters = process.argv.slice(2)
// The 车型 list test first (it checks the build is served at all), then the rest by name.
const files = readdirSync(here)
  .filter((f) => f.endsWith('.e2e.mjs'))
  .sort((a, b) => (a === 'models.e2e.mjs' ? -1 : b === 'models.e2e.mjs' ? 1 : a.localeCompare(b)))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))

if (files.length === 0) {
  console.error(`no e2e file matches ${filters.join(', ')}`)
  process.exit(1)
}

const results = []
for (const file of files) {
  console.log(`\n=== ${file}`)
  const started = Date.now()
  const r = spawnSync(process.execPath, [path.join(here, file)], { stdio: 'inherit', env: process.env })
  const ok = r.status === 0
  results.push({ file, ok, seconds: ((Date.now() - started) / 1000).toFixed(1), why: r.signal ? `killed by ${r.signal}` : `exit ${r.status}` })
}

console.log('\n=== e2e summary')
for (const r of results) console.log(`${r.ok ? 'PASS' : 'FAIL'}  ${r.file}  (${r.seconds}s${r.ok ? '' : `, ${r.why}`})`)
process.exit(results.every((r) => r.ok) ? 0 : 1)
