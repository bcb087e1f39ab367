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
import { catalogEditProblems, type CatalogModel } from '@carmall/shared-types'
import type { AdminOrderDetail, AdminOrderRow, CatalogChange, StockAdjustment, StockRow } from '@carmall/shared-types/schemas'
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
  /** The catalog editor's model, its version and what others changed (for the 409). */
  catalog: { model: CatalogModel; version: number; published: boolean; changes: CatalogChange[] }
  stock: StockRow[]
  adjustments: StockAdjustment[]
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

const PRICE = (amountFen: number) => [{ amountFen, effectiveFrom: '2020-01-01T00:00:00.000Z' }]
const opt = (code: string, group: CatalogModel['options'][number]['group'], name: string, amountFen: number, more: Partial<CatalogModel['options'][number]> = {}) => ({ code, group, name, prices: PRICE(amountFen), availableOn: ['T1', 'T2'], ...more })
/** A small model with the rules the editor checks: two trims, paints, one wheel, one interior, a package. */
export function catalogModel(): CatalogModel {
  const specs = { rangeKm: 520, fuelLPer100km: null, powerKw: 200, torqueNm: 400, accel0to100s: 6, seats: 5, lengthMm: 4800, widthMm: 1900, heightMm: 1600, wheelbaseMm: 2900, batteryKwh: 80, drive: 'RWD' as const, warranty: '8年/16万公里' }
  return {
    code: 'yuanshan-s5',
    name: '远山 S5',
    series: '远山',
    bodyType: 'suv',
    energyType: 'bev',
    tagline: '',
    featured: false,
    coverColor: '#334455',
    trims: [
      { code: 'T1', name: '520 后驱版', prices: PRICE(16_980_000), specs, defaults: ['P_WHITE', 'W_19', 'I_BLACK'] },
      { code: 'T2', name: '600 四驱版', prices: PRICE(19_980_000), specs: { ...specs, drive: 'AWD' }, defaults: ['P_WHITE', 'W_19', 'I_BLACK'] },
    ],
    options: [
      opt('P_WHITE', 'paint', '冰川白', 0),
      opt('P_BLUE', 'paint', '澜湖蓝', 500_000),
      opt('W_19', 'wheels', '19英寸轮毂', 0),
      opt('I_BLACK', 'interior', '曜石黑内饰', 0),
      opt('PKG_PILOT', 'package', '高阶智驾包', 1_200_000),
    ],
  }
}

export function installFakeConsole(over: Partial<FakeConsole> = {}): FakeConsole {
  const fake: FakeConsole = {
    roles: ['service'],
    orders: [],
    calls: [],
    catalog: { model: catalogModel(), version: 3, published: true, changes: [] },
    stock: [{ key: 'national:yuanshan-s5:T1:P_WHITE', modelCode: 'yuanshan-s5', trimCode: 'T1', paintCode: 'P_WHITE', region: 'national', total: 5, held: 3, available: 2, launchCode: null, updatedAt: null }],
    adjustments: [],
    ...over,
  }
  const editor = () => fake.roles.some((r) => r === 'operator' || r === 'admin')
  const catalogDetail = () => ({ model: fake.catalog.model, version: fake.catalog.version, published: fake.catalog.published, updatedAt: null, pricedAt: '2026-12-09T08:00:00.000Z', problems: catalogEditProblems(fake.catalog.model, new Date('2026-12-09T08:00:00.000Z')) })
  const write = (data: { expectedVersion: number }, apply: () => void) => {
    if (data.expectedVersion !== fake.catalog.version) {
      return err(409, 'VERSION_CONFLICT', '车型数据已被他人修改，请重新加载后再改', { currentVersion: fake.catalog.version, yourVersion: data.expectedVersion, changes: fake.catalog.changes })
    }
    apply()
    fake.catalog.version += 1
    return ok(catalogDetail())
  }
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
    if (path.startsWith('/api/v1/admin/catalog/models') || path.startsWith('/api/v1/admin/stock')) {
      if (!editor()) return err(403, 'FORBIDDEN', '没有权限执行此操作')
      const base = `/api/v1/admin/catalog/models/${fake.catalog.model.code}`
      if (method === 'GET' && path === '/api/v1/admin/catalog/models') {
        const m = fake.catalog.model
        return ok({ items: [{ code: m.code, name: m.name, series: m.series, bodyType: m.bodyType, energyType: m.energyType, published: fake.catalog.published, version: fake.catalog.version, startingPriceFen: m.trims[0].prices[0].amountFen, trims: m.trims.length, options: m.options.length, nextPriceChangeAt: null, updatedAt: null }] })
      }
      if (method === 'GET' && path === base) return ok(catalogDetail())
      if (method === 'PUT' && (m = path.match(/\/trims\/([^/]+)\/prices$/))) return write(opts.data, () => (fake.catalog.model.trims.find((t) => t.code === m![1])!.prices = opts.data.prices))
      if (method === 'PATCH' && (m = path.match(/\/options\/([^/]+)$/))) {
        const { expectedVersion: _v, note: _n, ...patch } = opts.data
        return write(opts.data, () => Object.assign(fake.catalog.model.options.find((o) => o.code === m![1])!, patch))
      }
      if (method === 'PUT' && path === `${base}/publication`) return write(opts.data, () => (fake.catalog.published = opts.data.published))
      if (method === 'GET' && path === '/api/v1/admin/stock') return ok({ items: fake.stock })
      if (method === 'GET' && path === '/api/v1/admin/stock/adjustments') return ok({ items: fake.adjustments })
      if (method === 'POST' && path === '/api/v1/admin/stock/adjustments') {
        const row = fake.stock.find((r) => r.trimCode === opts.data.trimCode && r.paintCode === opts.data.paintCode)!
        const after = row.total + opts.data.delta
        if (after < row.held) return err(409, 'STOCK_BELOW_HELD', `调整后库存 ${after} 台少于订单已占用的 ${row.held} 台`)
        const a: StockAdjustment = { id: opts.header['Idempotency-Key'], key: row.key, modelCode: row.modelCode, trimCode: row.trimCode, paintCode: row.paintCode, region: row.region, kind: opts.data.kind, delta: opts.data.delta, before: row.total, after, reason: opts.data.reason, actorId: 'op0000000001', status: 'applied', at: '2026-12-09T08:01:00.000Z' }
        Object.assign(row, { total: after, available: after - row.held })
        fake.adjustments.unshift(a)
        return ok({ adjustment: a, stock: row }, 201)
      }
      return err(404, 'NOT_FOUND', '资源不存在')
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
