import { shanghaiDay } from '@carmall/shared-types'

const DAY_MS = 86_400_000

/** The default range: the last 14 Shanghai days, today included. */
export function defaultRange(now: number): { from: string; to: string } {
  const to = shanghaiDay(now)
  return { from: new Date(Date.parse(`${to}T00:00:00Z`) - 13 * DAY_MS).toISOString().slice(0, 10), to }
}

/** 0.256 → "25.6%"; null → "—". */
export const percent = (r: number | null) => (r === null ? '—' : `${(Math.round(r * 1000) / 10).toFixed(1)}%`)

/** "2026-03-10" → "3/10" for chart axes. */
export const shortDay = (d: string) => `${Number(d.slice(5, 7))}/${Number(d.slice(8, 10))}`
