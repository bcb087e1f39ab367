import {
  classifyOrderSearch,
  DELIVERY_CENTRES,
  dateRangeProblem,
  ORDER_CITIES,
  ORDER_STATE_LABELS,
  PLACES,
  type AdminOrderSort,
  type DeliveryCentre,
  type OrderState,
} from '@carmall/shared-types'
import type { Query } from '../../../api/client'

/** The filter bar as typed: strings as in the inputs, lists as chosen. */
export interface OrderFilterForm {
  q: string
  states: OrderState[]
  modelCode: string
  centre: '' | DeliveryCentre
  city: string
  from: string
  to: string
  advisor: string
  overdue: boolean
}

export const EMPTY_FILTERS: OrderFilterForm = { q: '', states: [], modelCode: '', centre: '', city: '', from: '', to: '', advisor: '', overdue: false }

/** The state chips, in the order staff work through them. */
export const STATE_CHIPS: OrderState[] = ['pending_payment', 'deposit_paid', 'locked', 'allocated', 'in_transit', 'ready_for_delivery', 'delivered', 'refunding', 'refunded', 'cancelled']
export const stateLabel = (s: OrderState) => ORDER_STATE_LABELS[s]
export const CENTRE_CHIPS = DELIVERY_CENTRES.map((code) => ({ code, name: PLACES[code].name }))
export const CITY_CHIPS = ORDER_CITIES

const ADVISOR_ID = /^[0-9a-f]{24}$/i

/** What is wrong with the filters (Chinese), empty when they can be sent. */
export function filterProblems(f: OrderFilterForm): string[] {
  const p: string[] = []
  if (f.q.trim()) {
    const s = classifyOrderSearch(f.q)
    if (s.kind === 'invalid') p.push(s.message)
  }
  const dates = dateRangeProblem(f.from.trim() || undefined, f.to.trim() || undefined)
  if (dates) p.push(dates)
  const advisor = f.advisor.trim()
  if (advisor && advisor !== 'none' && !ADVISOR_ID.test(advisor)) p.push('顾问 ID 应为 24 位字符（或 none：无顾问）')
  return p
}

/** The BFF query of the filters, sort and page (empty filters send nothing). */
export function queryOf(f: OrderFilterForm, sort: AdminOrderSort, page?: number, pageSize?: number): Query {
  return {
    q: f.q.trim() || undefined,
    state: f.states.length ? f.states : undefined,
    modelCode: f.modelCode || undefined,
    centre: f.centre || undefined,
    city: f.city || undefined,
    from: f.from.trim() || undefined,
    to: f.to.trim() || undefined,
    advisor: f.advisor.trim() || undefined,
    overdue: f.overdue ? 'true' : undefined,
    sort: sort === '-createdAt' ? undefined : sort,
    page: page && page > 1 ? page : undefined,
    pageSize,
  }
}

export type SortColumn = 'createdAt' | 'totalFen' | 'stateSince'

/** A header tap: the same column flips its direction, another column starts with the largest/newest first. */
export function toggleSort(current: AdminOrderSort, column: SortColumn): AdminOrderSort {
  if (current === `-${column}`) return column
  if (current === column) return `-${column}` as AdminOrderSort
  return `-${column}` as AdminOrderSort
}

export function sortMark(current: AdminOrderSort, column: SortColumn): '' | '↑' | '↓' {
  if (current === column) return '↑'
  if (current === `-${column}`) return '↓'
  return ''
}

export const pageCount = (total: number, pageSize: number) => Math.max(1, Math.ceil(total / pageSize))

/** A state chip tap: add or remove it. */
export const toggleState = (states: OrderState[], s: OrderState) => (states.includes(s) ? states.filter((x) => x !== s) : [...states, s])
