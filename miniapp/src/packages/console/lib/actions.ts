import { checkStaffVin, STAFF_ACTION_RULES, type BulkOrderAction, type DeliveryCentre, type StaffOrderAction } from '@carmall/shared-types'
import type { AdminOrderRow, BulkEventsAnswer } from '@carmall/shared-types/schemas'

export interface ActionInput {
  vin: string
  centre: '' | DeliveryCentre
  reason: string
}

/** What must be fixed before the action can be sent (Chinese), or null. */
export function actionProblem(action: StaffOrderAction, input: ActionInput): string | null {
  const needs = STAFF_ACTION_RULES[action].needs
  if (needs.includes('vin')) {
    const v = checkStaffVin(input.vin)
    if (!v.ok) return v.message
  }
  if (needs.includes('centre') && !input.centre) return '请选择交付中心'
  if (needs.includes('reason') && input.reason.trim().length < 2) return '请填写退款原因（至少 2 个字）'
  return null
}

/** The selected rows an action can be applied to now, and those it cannot (their actions say). */
export function splitForBulk<T extends Pick<AdminOrderRow, 'orderNo' | 'actions'>>(rows: T[], action: BulkOrderAction): { eligible: T[]; skipped: T[] } {
  return { eligible: rows.filter((r) => r.actions.includes(action)), skipped: rows.filter((r) => !r.actions.includes(action)) }
}

/** Problems with the VINs typed for a bulk allocation, by order number. */
export function bulkVinProblems(vins: Record<string, string>, orderNos: string[]): Record<string, string> {
  const out: Record<string, string> = {}
  const seen = new Map<string, string>()
  for (const no of orderNos) {
    const v = checkStaffVin(vins[no] ?? '')
    if (!v.ok) out[no] = v.message
    else if (seen.has(v.vin)) out[no] = `与订单 ${seen.get(v.vin)} 的车架号重复`
    else seen.set(v.vin, no)
  }
  return out
}

export const RESULT_LABELS: Record<BulkEventsAnswer['results'][number]['status'], string> = { applied: '已完成', unchanged: '此前已完成', failed: '失败' }

export function bulkSummaryText(a: BulkEventsAnswer): string {
  const label = STAFF_ACTION_RULES[a.action].label
  return `批量${label}：完成 ${a.summary.applied} 单，此前已完成 ${a.summary.unchanged} 单，失败 ${a.summary.failed} 单`
}
