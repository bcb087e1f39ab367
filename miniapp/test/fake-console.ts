/**
 * A fake BFF for the staff console behind the Taro.request spy: orders with their state machine,
 * the actions per role computed by shared-types (as the BFF does), audit entries, bulk results and
 * the catalog section's 403.
 */
import {
  checkStaffVin,
  classifyOrderSearch,
  ORDER_STATE_LABELS,
  STAFF_ACTION_RULES,
  STAFF_ACTION_TARGET,
  staffActionsFor,
  type DeliveryCentre,
  type OrderState,
} from '@carmall/shared-types'
import type { AdminOrderDetail, AdminOrderRow } from '@carmall/shared-types/schemas'
import { ok } from './fixtures'
import { taroMock } from './taro-mock'

const err = (status: number, code: string, message: string, details?: unknown) => ok({ error: { code, message, details, requestId: 'r-test-1234' } }, status)

export interface FakeOrder {
  orderNo: string
  state: OrderState
  phone: string
  buyerPhoneMasked: string
  modelCode: string
  centre: DeliveryCentre
  vin: string | null
  totalFen: number
  createdAt: string
  timeline: AdminOrderDetail['timeline']
  audit: AdminOrderDetail['audit']
}

export interface FakeConsole {
  roles: string[]
  orders: FakeOrder[]
  calls: { method: string; path: string; query: URLSearchParams; data: any }[]
}

const CENTRES: Record<DeliveryCentre, { name: string; city: string }> = {
  SHA: { name: '上海交付中心', city: '上海' },
  BJS: { name: '北京交付中心', city: '北京' },
  CAN: { name: '广州交付中心', city: '广州' },
  CTU: { name: '成都交付中心', city: '成都' },
  XIY: { name: '西安交付中心', city: '西安' },
}

export function order(no: number, state: OrderState, over: Partial<FakeOrder> = {}): FakeOrder {
  const phone = over.phone ?? `1391234000${no}`
  return {
    orderNo: `CM20261209000000${String(no).padStart(2, '0')}`,
    state,
    phone,
    buyerPhoneMasked: `${phone.slice(0, 3)}****${phone.slice(-4)}`,
    modelCode: 'yuanshan-s5',
    centre: 'SHA',
    vin: null,
    totalFen: 25_980_000 + no * 100_000,
    createdAt: `2026-12-09T0${no}:00:00.000Z`,
    timeline: [{ event: 'created', label: '创建订单', from: null, to: 'pending_payment', toLabel: '待支付意向金', actor: { kind: 'buyer', id: 'b1' }, at: `2026-12-09T0${no}:00:00.000Z`, note: null }],
    audit: [],
    ...over,
  }
}

function row(o: FakeOrder, roles: string[]): AdminOrderRow {
  return {
    orderNo: o.orderNo,
    state: o.state,
    stateLabel: ORDER_STATE_LABELS[o.state],
    modelCode: o.modelCode,
    modelName: '远山 S5',
    trimCode: 'S5_520_RWD',
    trimName: '520 长续航后驱版',
    paintName: '雾山灰',
    totalFen: o.totalFen,
    depositFen: 500_000,
    depositLabel: '意向金',
    createdAt: o.createdAt,
    stateSince: o.timeline.at(-1)!.at,
    paymentDeadline: '2026-12-09T10:00:00.000Z',
    deliveryCentre: { code: o.centre, ...CENTRES[o.centre] },
    vin: o.vin,
    buyer: { id: 'b1', phone: o.buyerPhoneMasked },
    advisor: null,
    launchCode: null,
    overdue: o.state === 'locked' ? { label: '锁单超过 14 天未配车', daysOver: 2 } : null,
    actions: staffActionsFor(o.state, roles),
  }
}

function detail(o: FakeOrder, roles: string[]): AdminOrderDetail {
  return {
    order: { ...row(o, roles), buyer: { id: 'b1', phone: o.buyerPhoneMasked, name: '张*' }, lineItems: [], latePayment: false },
    timeline: o.timeline,
    audit: o.audit,
    payments: [{ outTradeNo: `${o.orderNo}P1`, channel: 'wechat', amountFen: 500_000, status: 'paid', transactionId: 't1', paidAt: '2026-12-09T02:00:00.000Z' }],
    refunds: [],
    outbox: [{ id: 'dms-order-locked', type: 'dms.order_locked', status: 'delivered', attempts: 1, lastError: null, ref: 'DMS-1', createdAt: '2026-12-09T03:00:00.000Z', deliveredAt: '2026-12-09T03:00:01.000Z' }],
    tracking: o.state === 'in_transit' ? { shipmentNo: 'TMS0001', vin: o.vin ?? '', status: 'created', statusLabel: '待发车', destination: { code: o.centre, name: CENTRES[o.centre].name }, lastMilestone: null, eta: null, arrived: false, updatedAt: '2026-12-09T05:00:00.000Z' } : null,
  }
}

let clock = Date.parse('2026-12-09T08:00:00.000Z')
function step(o: FakeOrder, action: keyof typeof STAFF_ACTION_RULES, roles: string[], extra: { vin?: string; centre?: DeliveryCentre } = {}) {
  const to = STAFF_ACTION_TARGET[action]
  const at = new Date((clock += 60_000)).toISOString()
  const rule = STAFF_ACTION_RULES[action]
  o.timeline.push({ event: rule.event, label: rule.label, from: o.state, to, toLabel: ORDER_STATE_LABELS[to], actor: { kind: 'staff', id: 'staff000001' }, at, note: extra.vin ? `分配车辆 VIN ${extra.vin}` : null })
  o.audit.push({ id: `a${o.audit.length + 1}`, at, action: `order.${action}`, actorId: 'staff000001', actorRoles: roles, reason: null, before: { state: o.state }, after: { state: to, ...(extra.vin ? { vin: extra.vin } : {}), ...(extra.centre ? { centre: extra.centre } : {}) }, requestId: 'req-abcdef123' })
  o.state = to
  if (extra.vin) o.vin = extra.vin
  if (extra.centre) o.centre = extra.centre
}

export function installFakeConsole(over: Partial<FakeConsole> = {}): FakeConsole {
  const fake: FakeConsole = { roles: ['service'], orders: [], calls: [], ...over }
  const desk = () => fake.roles.some((r) => ['service', 'operator', 'admin'].includes(r))
  taroMock.request.mockImplementation(async (opts: any) => {
    const url = new URL(opts.url)
    const method = opts.method ?? 'GET'
    const path = url.pathname
    fake.calls.push({ method, path, query: url.searchParams, data: opts.data })
    let m: RegExpMatchArray | null
    if (method === 'GET' && path === '/api/v1/me') return ok({ id: 'u1', roles: fake.roles, phone: null, realName: null, idCardNo: null, driverLicenceNo: null, channels: ['wechat'], createdAt: null })
    if (method === 'GET' && path === '/api/v1/catalog/models') return ok({ items: [{ code: 'yuanshan-s5', name: '远山 S5' }, { code: 'yuanshan-s7', name: '远山 S7' }], page: 1, pageSize: 50, total: 2 })
    if (method === 'GET' && path === '/api/v1/admin/catalog/audit') {
      if (!fake.roles.some((r) => r === 'operator' || r === 'admin')) return err(403, 'FORBIDDEN', '没有权限执行此操作')
      return ok({ items: [{ id: 'c1', modelCode: 'yuanshan-s5', actorId: 'op0000000001', action: 'trim.prices', target: 'S5_520_RWD', before: null, after: null, note: '年终调价', fromVersion: 3, status: 'applied', at: '2026-12-08T02:00:00.000Z' }] })
    }
    if (!path.startsWith('/api/v1/admin/orders')) return err(404, 'NOT_FOUND', '资源不存在')
    if (!desk()) return err(403, 'FORBIDDEN', '没有权限执行此操作')
    if (method === 'GET' && path === '/api/v1/admin/orders') {
      let list = [...fake.orders]
      const q = url.searchParams.get('q')
      let search: { kind: string; text: string } | null = null
      if (q) {
        const s = classifyOrderSearch(q)
        if (s.kind === 'invalid') return err(400, 'VALIDATION_FAILED', s.message)
        if (s.kind === 'phone') {
          list = list.filter((o) => o.phone === s.phone)
          search = { kind: 'phone', text: `${s.phone.slice(0, 3)}****${s.phone.slice(-4)}` }
        } else if (s.kind === 'orderNo') list = list.filter((o) => o.orderNo === s.orderNo)
      }
      const states = url.searchParams.get('state')?.split(',')
      if (states) list = list.filter((o) => states.includes(o.state))
      const sort = url.searchParams.get('sort') ?? '-createdAt'
      const key = sort.replace('-', '') === 'totalFen' ? 'totalFen' : 'createdAt'
      list.sort((a, b) => (a[key] < b[key] ? -1 : a[key] > b[key] ? 1 : 0) * (sort.startsWith('-') ? -1 : 1))
      const page = Number(url.searchParams.get('page') ?? 1)
      const size = Number(url.searchParams.get('pageSize') ?? 20)
      return ok({ items: list.slice((page - 1) * size, page * size).map((o) => row(o, fake.roles)), page, pageSize: size, total: list.length, search })
    }
    if (method === 'POST' && path === '/api/v1/admin/orders/bulk-events') {
      const { action, items, centre } = opts.data
      const results = items.map((i: { orderNo: string; vin?: string }) => {
        const o = fake.orders.find((x) => x.orderNo === i.orderNo)
        if (!o) return { orderNo: i.orderNo, status: 'failed', state: null, code: 'NOT_FOUND', message: '订单不存在' }
        if (o.state === STAFF_ACTION_TARGET[action as 'ship']) return { orderNo: o.orderNo, status: 'unchanged', state: o.state, code: null, message: '此前已完成' }
        if (!staffActionsFor(o.state, fake.roles).includes(action)) return { orderNo: o.orderNo, status: 'failed', state: o.state, code: 'ORDER_STATE_INVALID', message: `订单当前为「${ORDER_STATE_LABELS[o.state]}」，不能${STAFF_ACTION_RULES[action as 'ship'].label}` }
        step(o, action, fake.roles, { ...(i.vin ? { vin: i.vin } : {}), ...(centre ? { centre } : {}) })
        return { orderNo: o.orderNo, status: 'applied', state: o.state, code: null, message: null }
      })
      const count = (s: string) => results.filter((r: { status: string }) => r.status === s).length
      return ok({ action, results, summary: { applied: count('applied'), unchanged: count('unchanged'), failed: count('failed') } })
    }
    if ((m = path.match(/^\/api\/v1\/admin\/orders\/(CM\d{16})(\/events|\/refund)?$/))) {
      const o = fake.orders.find((x) => x.orderNo === m![1])
      if (!o) return err(404, 'NOT_FOUND', '订单不存在')
      if (method === 'GET' && !m[2]) return ok(detail(o, fake.roles))
      if (method === 'POST' && m[2] === '/events') {
        const event = opts.data.event as 'allocate' | 'ship' | 'arrive' | 'deliver'
        if (!staffActionsFor(o.state, fake.roles).includes(event)) return err(409, 'ORDER_STATE_INVALID', `订单当前为「${ORDER_STATE_LABELS[o.state]}」，不能${STAFF_ACTION_RULES[event].label}`)
        if (event === 'allocate') {
          const v = checkStaffVin(opts.data.vin ?? '')
          if (!v.ok) return err(400, 'VALIDATION_FAILED', 'VIN 应为 17 位字母数字（不含 I、O、Q）')
          if (fake.orders.some((x) => x !== o && x.vin === v.vin)) return err(409, 'VIN_IN_USE', `该车架号已分配给订单 ${fake.orders.find((x) => x.vin === v.vin)!.orderNo}`)
        }
        step(o, event, fake.roles, { ...(opts.data.vin ? { vin: opts.data.vin } : {}), ...(opts.data.centre ? { centre: opts.data.centre } : {}) })
        return ok({ order: { orderNo: o.orderNo, state: o.state }, shipment: null })
      }
      if (method === 'POST' && m[2] === '/refund') {
        if (!fake.roles.some((r) => r === 'operator' || r === 'admin')) return err(403, 'FORBIDDEN', '没有权限执行此操作')
        if (!staffActionsFor(o.state, fake.roles).includes('refund')) return err(409, 'ORDER_STATE_INVALID', '订单状态不能退款')
        step(o, 'refund', fake.roles)
        o.audit.at(-1)!.reason = opts.data.reason
        return ok(detail(o, fake.roles))
      }
    }
    return err(404, 'NOT_FOUND', '资源不存在')
  })
  return fake
}

export const callsTo = (fake: FakeConsole, method: string, path: string) => fake.calls.filter((c) => c.method === method && c.path === path)
