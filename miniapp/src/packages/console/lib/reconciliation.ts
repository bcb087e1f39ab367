import { addDays, shanghaiDate } from '@carmall/shared-types'
import type { MismatchKind } from '@carmall/shared-types/schemas'
import type { ReconciliationReport } from '../../../api/reconciliation'

/** What each mismatch means to the finance people reading the report. */
export const MISMATCH_LABELS: Record<MismatchKind, string> = {
  missing_local: '微信已收款，我方未入账',
  unknown_trade: '账单中有我方不认识的交易',
  missing_remote: '我方已入账，账单中没有',
  amount_mismatch: '金额不一致',
  paid_date_mismatch: '支付日期不一致',
  refund_missing_local: '微信已退款，我方无记录',
  refund_missing_remote: '我方已退款，账单中没有',
  refund_amount_mismatch: '退款金额不一致',
  refund_date_mismatch: '退款日期不一致',
  bill_summary_mismatch: '账单汇总与明细不符',
  query_failed: '支付宝查单失败，下次对账重试',
}

/** The last `n` Shanghai days, newest first (today included: a partial day can be reconciled). */
export function recentDays(now: Date, n = 7): string[] {
  const today = shanghaiDate(now)
  return Array.from({ length: n }, (_, i) => addDays(today, -i))
}

/** The bars of the amounts side by side: each side's share of the larger one (0..1). */
export function amountBars(r: Pick<ReconciliationReport, 'bill' | 'ours'>): { label: string; billFen: number; oursFen: number; billShare: number; oursShare: number }[] {
  const rows = [
    { label: '收款', billFen: r.bill.paidFen, oursFen: r.ours.paidFen },
    { label: '退款', billFen: r.bill.refundedFen, oursFen: r.ours.refundedFen },
  ]
  return rows.map((x) => {
    const max = Math.max(x.billFen, x.oursFen, 1)
    return { ...x, billShare: x.billFen / max, oursShare: x.oursFen / max }
  })
}
