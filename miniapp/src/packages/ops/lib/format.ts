/**
 * Text for the operator dashboard: percentages, the CI of a difference in percentage points,
 * significance and SRM wording, Shanghai date ranges. Pure, unit-tested.
 */

/** 0.1234 → "12.3%". */
export function pct(x: number, digits = 1): string {
  return `${(x * 100).toFixed(digits)}%`
}

/** A difference of rates in percentage points with a sign: 0.023 → "+2.3pp". */
export function pp(x: number): string {
  const v = x * 100
  return `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(1)}pp`
}

export function ciText(ci: [number, number] | null, confidence = 0.95): string {
  if (!ci) return '数据不足'
  return `${Math.round(confidence * 100)}% 置信区间 [${pp(ci[0])}, ${pp(ci[1])}]`
}

export function significanceText(r: { pValue: number | null; significant: boolean } | null): string {
  if (!r || r.pValue === null) return '数据不足'
  const p = r.pValue < 0.001 ? 'p < 0.001' : `p = ${r.pValue.toFixed(3)}`
  return r.significant ? `显著（${p}）` : `不显著（${p}）`
}

export function srmText(srm: { mismatch: boolean; pValue: number }): string | null {
  return srm.mismatch ? `样本比例异常（SRM，p = ${srm.pValue < 0.0001 ? '< 0.0001' : srm.pValue.toFixed(4)}）：分流或埋点可能有问题，结果不可信` : null
}

/** The last `days` Asia/Shanghai days up to today, as the report's from/to. */
export function lastDays(days: number, now = Date.now()): { from: string; to: string } {
  const day = (t: number) => new Date(t + 8 * 3_600_000).toISOString().slice(0, 10)
  return { from: day(now - (days - 1) * 86_400_000), to: day(now) }
}

/** Chinese names of the tracked events (unknown names shown as they are). */
export const EVENT_LABELS: Record<string, string> = {
  page_view: '浏览页面',
  view_model: '查看车型',
  configure: '选配',
  open_finance: '查看金融方案',
  start_checkout: '点击下定',
  order_created: '创建订单',
  pay_success: '支付成功',
}
export const eventLabel = (name: string) => EVENT_LABELS[name] ?? name

/** Bar width for a count against the largest (at least a sliver when not zero, so it shows). */
export function barWidth(count: number, max: number): string {
  if (max <= 0 || count <= 0) return '0%'
  return `${Math.max(2, Math.round((count / max) * 100))}%`
}
