import { formatDateTimeCN, priceAt, type PriceEntry } from '@carmall/shared-types'
import type { CatalogChange } from '@carmall/shared-types/schemas'
import { shortId } from './timeline'

/**
 * The catalog editor's pure parts: prices typed in ¥ (stored as fen), times typed in Asia/Shanghai
 * (stored in UTC), and a price form (the price in force, one scheduled change) turned into the
 * price list the BFF stores.
 */

/** "169,800" / "¥169800.5" → 16980050 fen; null when it is not an amount of yuan with at most 2 decimals. */
export function yuanTextToFen(text: string): number | null {
  const t = text.replace(/[¥,，\s]/g, '')
  const m = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(t)
  if (!m) return null
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'))
}

/** 16980050 → "169800.5" (what the input shows; no separators, so it edits cleanly). */
export function fenToYuanText(fen: number): string {
  const yuan = Math.floor(fen / 100)
  const cents = fen % 100
  return cents === 0 ? String(yuan) : `${yuan}.${String(cents).padStart(2, '0').replace(/0$/, '')}`
}

const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000

/** "2026-12-20 10:00" (Asia/Shanghai) → the instant; null when it is not such a date and time. */
export function parseShanghaiDateTime(text: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})$/.exec(text.trim())
  if (!m) return null
  const [y, mo, d, h, mi] = m.slice(1).map(Number)
  const ms = Date.UTC(y, mo - 1, d, h, mi) - SHANGHAI_OFFSET_MS
  const back = new Date(ms + SHANGHAI_OFFSET_MS)
  // Reject 2026-02-30 and 25:00 (Date.UTC would roll them over).
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || back.getUTCHours() !== h || back.getUTCMinutes() !== mi) return null
  return new Date(ms)
}

/** The price as typed: the price in force, and (optionally) one scheduled change. */
export interface PriceForm {
  current: string
  scheduledAmount: string
  scheduledAt: string
}

const fromMs = (e: PriceEntry) => Date.parse(e.effectiveFrom)

/** The form of a stored price list at `at`: the price in force, and the first change after it. */
export function priceFormOf(prices: readonly PriceEntry[], at: Date): PriceForm {
  const cur = priceAt(prices, at)
  const next = prices.filter((e) => fromMs(e) > at.getTime()).sort((a, b) => fromMs(a) - fromMs(b))[0]
  return {
    current: cur ? fenToYuanText(cur.amountFen) : '',
    scheduledAmount: next ? fenToYuanText(next.amountFen) : '',
    scheduledAt: next ? formatDateTimeCN(next.effectiveFrom) : '',
  }
}

export interface PriceFormProblems {
  current?: string
  scheduledAmount?: string
  scheduledAt?: string
}

/**
 * The price list a form stands for, at `at` (the instant the editor loaded the model: the server's
 * pricedAt, so a new price is in force on the server as soon as it is saved). Ended entries are
 * kept (history); a changed current price closes the old entry at `at` and starts the new one
 * there; the scheduled change replaces the first future entry; later future entries are kept.
 */
export function pricesFromForm(prices: readonly PriceEntry[], form: PriceForm, at: Date): { prices: PriceEntry[] | null; problems: PriceFormProblems } {
  const problems: PriceFormProblems = {}
  const currentFen = yuanTextToFen(form.current)
  if (currentFen === null) problems.current = form.current.trim() ? '价格格式不正确（元，最多两位小数）' : '请填写价格'
  const wantsSchedule = form.scheduledAmount.trim() !== '' || form.scheduledAt.trim() !== ''
  let scheduledFen: number | null = null
  let scheduledAt: Date | null = null
  if (wantsSchedule) {
    scheduledFen = yuanTextToFen(form.scheduledAmount)
    if (scheduledFen === null) problems.scheduledAmount = form.scheduledAmount.trim() ? '价格格式不正确（元，最多两位小数）' : '请填写定时价格'
    scheduledAt = parseShanghaiDateTime(form.scheduledAt)
    if (!scheduledAt) problems.scheduledAt = '生效时间格式为 YYYY-MM-DD HH:mm（北京时间）'
    else if (scheduledAt.getTime() <= at.getTime()) problems.scheduledAt = '生效时间必须晚于现在'
  }
  if (Object.keys(problems).length || currentFen === null) return { prices: null, problems }
  // Untouched: the list as stored (the form rounds times to the minute).
  const untouched = priceFormOf(prices, at)
  if (untouched.current === form.current && untouched.scheduledAmount === form.scheduledAmount && untouched.scheduledAt === form.scheduledAt) return { prices: [...prices], problems }

  const t = at.getTime()
  const cur = priceAt(prices, at)
  const past = prices.filter((e) => e !== cur && e.effectiveTo !== undefined && Date.parse(e.effectiveTo) <= t)
  const future = prices.filter((e) => fromMs(e) > t).sort((a, b) => fromMs(a) - fromMs(b))
  const later = future.slice(1)
  const endOfCurrent = scheduledAt?.toISOString() ?? later[0]?.effectiveFrom ?? (future.length === 0 && cur?.amountFen === currentFen ? cur.effectiveTo : undefined)
  const out: PriceEntry[] = [...past]
  if (cur && cur.amountFen === currentFen) out.push(entry(currentFen, cur.effectiveFrom, endOfCurrent))
  else {
    if (cur && fromMs(cur) < t) out.push(entry(cur.amountFen, cur.effectiveFrom, at.toISOString()))
    out.push(entry(currentFen, at.toISOString(), endOfCurrent))
  }
  if (scheduledAt && scheduledFen !== null) out.push(entry(scheduledFen, scheduledAt.toISOString(), later[0]?.effectiveFrom))
  out.push(...later)
  return { prices: out, problems }
}

function entry(amountFen: number, effectiveFrom: string, effectiveTo: string | undefined): PriceEntry {
  return effectiveTo === undefined ? { amountFen, effectiveFrom } : { amountFen, effectiveFrom, effectiveTo }
}

/** "PKG_A, PKG_B" ↔ ['PKG_A', 'PKG_B'] for the rule fields. */
export const codesOf = (text: string) => [...new Set(text.split(/[,，\s]+/).map((c) => c.trim()).filter(Boolean))]
export const codesText = (codes: readonly string[] | undefined) => (codes ?? []).join(', ')

export const CATALOG_ACTION_LABELS: Record<string, string> = {
  'trim.prices': '修改版本价格',
  'option.update': '修改选装项',
  'model.publish': '上架车型',
  'model.unpublish': '下架车型',
}

/** One line of the 409's "what changed since you loaded it". */
export function changeText(c: CatalogChange): string {
  return `${formatDateTimeCN(c.at)} ${shortId(c.actorId)} ${CATALOG_ACTION_LABELS[c.action] ?? c.action} ${c.target}${c.note ? `（${c.note}）` : ''}`
}
