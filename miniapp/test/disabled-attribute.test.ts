import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

// Taro H5 greys out any element that has a `disabled` attribute, even disabled="false": a button
// passed `disabled={false}` looks dead (获取验证码 rendered as a blank box). Every `disabled` must
// be either true or absent: `disabled={cond || undefined}`.
const SRC = join(__dirname, '..', 'src')
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.tsx') ? [p] : []
  })

describe('disabled attributes', () => {
  it('are never given a false value (true or absent only)', () => {
    const bad: string[] = []
    for (const file of files(SRC)) {
      // Comments (which quote the trap) do not count.
      const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1')
      for (const m of text.matchAll(/(?<![-\w])disabled=(\{[^{}]*\}|'[^']*'|"[^"]*")/g)) {
        const value = m[1]
        const ok = /\|\|\s*undefined\s*\}$/.test(value) || value === '{true}'
        if (!ok) bad.push(`${file.slice(SRC.length + 1)}: disabled=${value}`)
      }
    }
    expect(bad).toEqual([])
  })
})
