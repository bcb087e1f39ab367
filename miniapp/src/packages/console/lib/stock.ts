import type { StockAdjustment, StockRow } from '@carmall/shared-types/schemas'

/** The stock dialog's pure checks (the BFF checks the same again: 400 for the shape, 409 STOCK_BELOW_HELD). */
export interface AdjustmentForm {
  kind: 'inbound' | 'adjustment'
  /** As typed: "5", "-2". */
  delta: string
  reason: string
}

export const KIND_LABELS: Record<StockAdjustment['kind'], string> = { inbound: '入库', adjustment: '调整', set: '设定总数' }
/** Regions as shown; only the national pool exists today. */
export const REGION_LABELS: Record<string, string> = { national: '全国' }

export function adjustmentProblems(form: AdjustmentForm, row: Pick<StockRow, 'total' | 'held'>): { delta: number | null; after: number | null; problems: { delta?: string; reason?: string } } {
  const problems: { delta?: string; reason?: string } = {}
  const text = form.delta.trim().replace(/^\+/, '')
  const delta = /^-?\d{1,6}$/.test(text) ? Number(text) : null
  if (delta === null) problems.delta = '请填写整数数量'
  else if (delta === 0) problems.delta = '数量不能为 0'
  else if (form.kind === 'inbound' && delta < 0) problems.delta = '入库数量必须为正数；减少请用「调整」'
  else if (row.total + delta < row.held) problems.delta = `调整后 ${row.total + delta} 台，少于订单已占用的 ${row.held} 台`
  if (form.reason.trim().length < 2) problems.reason = '请填写原因（至少 2 个字）'
  return { delta, after: delta === null ? null : row.total + delta, problems }
}
