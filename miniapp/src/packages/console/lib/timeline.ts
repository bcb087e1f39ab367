import type { AdminOrderDetail } from '@carmall/shared-types/schemas'
import { PLACES } from '@carmall/shared-types'
import { rolesText } from './menu'

/** One line of the order page's timeline: a state change, or a staff audit entry about the order. */
export interface ConsoleTimelineEntry {
  key: string
  kind: 'state' | 'audit'
  at: string
  title: string
  detail: string
  who: string
}

export const AUDIT_ACTION_LABELS: Record<string, string> = {
  'order.allocate': '配车',
  'order.ship': '发车',
  'order.arrive': '到店',
  'order.deliver': '交付',
  'order.refund': '退款',
}

const ACTOR_LABELS: Record<string, string> = { buyer: '买家', staff: '工作人员', system: '系统', payment: '支付平台' }
/** A user id shown short (the last 6 characters): enough to tell staff apart on one page. */
export const shortId = (id: string | null | undefined) => (id ? `…${id.slice(-6)}` : '')

function auditDetail(a: AdminOrderDetail['audit'][number]): string {
  const after = a.after ?? {}
  const parts: string[] = []
  if (typeof after.vin === 'string') parts.push(`车架号 ${after.vin}`)
  if (typeof after.centre === 'string') parts.push(`发往${PLACES[after.centre]?.name ?? after.centre}`)
  if (typeof after.shipmentNo === 'string') parts.push(`运单 ${after.shipmentNo}`)
  if (after.bulk === true) parts.push('批量')
  if (a.reason) parts.push(`原因：${a.reason}`)
  if (a.requestId) parts.push(`请求 ${a.requestId.slice(0, 8)}`)
  return parts.join(' · ')
}

/** The order's state changes and the staff audit entries about it, in time order (oldest first). */
export function mergeTimeline(d: Pick<AdminOrderDetail, 'timeline' | 'audit'>): ConsoleTimelineEntry[] {
  const states: ConsoleTimelineEntry[] = d.timeline.map((e, i) => ({
    key: `t${i}`,
    kind: 'state',
    at: e.at,
    title: `${e.label} → ${e.toLabel}`,
    detail: e.note ?? '',
    who: `${ACTOR_LABELS[e.actor.kind] ?? e.actor.kind}${e.actor.kind === 'staff' ? ` ${shortId(e.actor.id)}` : ''}`,
  }))
  const audits: ConsoleTimelineEntry[] = d.audit.map((a) => ({
    key: `a${a.id}`,
    kind: 'audit',
    at: a.at,
    title: `审计：${AUDIT_ACTION_LABELS[a.action] ?? a.action}`,
    detail: auditDetail(a),
    who: `${rolesText(a.actorRoles)} ${shortId(a.actorId)}`.trim(),
  }))
  // A state change and its audit entry share the moment; the change comes first.
  return [...states, ...audits].sort((x, y) => Date.parse(x.at) - Date.parse(y.at) || (x.kind === y.kind ? 0 : x.kind === 'state' ? -1 : 1))
}
