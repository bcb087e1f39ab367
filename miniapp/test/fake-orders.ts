/**
 * A fake BFF for the order pages behind the Taro.request spy: deposit terms, configuration pricing
 * with the real lineup and engine, and orders that follow the shared state machine. Every request
 * is recorded with its headers so tests can check the Idempotency-Key.
 */
import {
  CURRENT_DEPOSIT_TERMS,
  ORDER_STATE_LABELS,
  ORDER_TRANSITIONS,
  availableEvents,
  deliveryCentres,
  resolveConfiguration,
  type OrderEvent,
  type OrderState,
  type ResolvedConfig,
} from '@carmall/shared-types'
import type { Order, WechatPayment } from '../src/api/orders'
import { METHOD_CHANNEL, METHOD_LABEL, PLATFORM_METHODS, TRADE_LETTER, type ClientPlatform, type PayMethod } from '@carmall/shared-types'
import { AT, lineupModel } from './fake-bff'
import { ok } from './fixtures'
import { taroMock } from './taro-mock'

export const CREATED_AT = '2026-11-20T04:00:00.000Z' // 12:00 in Shanghai

export interface Call {
  method: string
  path: string
  data: any
  header: Record<string, string>
}

/** A reply the fake gives instead of its default: a Taro.request result, or 'network' (reject). */
export type Reply = ReturnType<typeof ok> | 'network'

export interface FakeOrdersBff {
  calls: Call[]
  orders: Map<string, Order>
  /** Queued replies for `POST /api/v1/orders`, used first-in first-out before the default. */
  createReplies: Reply[]
  /** Order numbers by Idempotency-Key: a repeated key returns the first order, like the BFF. */
  byKey: Map<string, string>
  /** Called on every `GET /orders/:orderNo` before answering (e.g. to land a payment). */
  onRead?: (order: Order, reads: number) => void
  /** Added to every total this BFF prices from now on (an operator changed a price). */
  surchargeFen: number
  /** Called on `POST /orders/:orderNo/payments/sync` (the BFF asking WeChat Pay) before answering. */
  onSync?: (order: Order) => void
  /** WeChat Pay is down: payment-options offer the backup channel (Alipay) instead. */
  wechatDown?: boolean
  /** Override any route: return a reply or undefined to fall through. */
  override?: (call: Call) => Reply | undefined
}

export const apiError = (status: number, code: string, message: string, details?: unknown) =>
  ok({ error: { code, message, details, requestId: 'r-test' } }, status)

export function priced(modelCode: string, trimCode: string, selections: string[]): ResolvedConfig {
  const r = resolveConfiguration(lineupModel(modelCode), trimCode, selections, AT)
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`)
  return r.config
}

let seq = 0
/** An order like the BFF presents it; `state` and `timeline` are consistent when built with `advance`. */
export function makeOrder(config: ResolvedConfig, over: Partial<Order> = {}): Order {
  const model = lineupModel(config.modelCode)
  const trim = model.trims.find((t) => t.code === config.trimCode)!
  const orderNo = `CM2026112000000${String(++seq).padStart(3, '0')}`.slice(0, 18)
  const state: OrderState = 'pending_payment'
  return {
    id: `o${seq}`,
    orderNo,
    state,
    stateLabel: ORDER_STATE_LABELS[state],
    modelCode: model.code,
    modelName: model.name,
    trimCode: trim.code,
    trimName: trim.name,
    config,
    totalFen: config.totalFen,
    depositFen: CURRENT_DEPOSIT_TERMS.intentDepositFen,
    terms: CURRENT_DEPOSIT_TERMS,
    paymentDeadline: new Date(Date.now() + 15 * 60_000).toISOString(),
    payments: [],
    refunds: [],
    timeline: [{ event: 'created', from: null, to: state, actor: { kind: 'buyer' }, at: CREATED_AT }],
    actions: availableEvents(state, 'buyer'),
    createdAt: CREATED_AT,
    ...over,
  }
}

/** Apply a state-machine event the way the BFF records it. */
export function advance(order: Order, event: OrderEvent, at: string, actor: Order['timeline'][number]['actor'], note?: string): Order {
  const rule = ORDER_TRANSITIONS[event]
  if (!rule.from.includes(order.state)) throw new Error(`${event} not allowed from ${order.state}`)
  const next: Order = {
    ...order,
    state: rule.to,
    stateLabel: ORDER_STATE_LABELS[rule.to],
    actions: availableEvents(rule.to, 'buyer'),
    timeline: [...order.timeline, { event, from: order.state, to: rule.to, actor, at, ...(note ? { note } : {}) }],
  }
  if (event === 'pay') {
    next.payments = [{ outTradeNo: `${order.orderNo}P1`, channel: 'wechat', amountFen: order.depositFen, status: 'paid', paidAt: at }]
  }
  if (event === 'refund_requested') {
    next.refunds = [{ outRefundNo: `${order.orderNo}R1`, amountFen: order.depositFen, status: 'processing', requestedAt: at }]
  }
  return next
}

export const wechatPaymentOf = (order: Order): WechatPayment => ({
  orderNo: order.orderNo,
  outTradeNo: `${order.orderNo}P1`,
  amountFen: order.depositFen,
  requestPayment: {
    appId: 'wx0000000000000000',
    timeStamp: '1763611200',
    nonceStr: 'n0nce5tr1ng',
    package: `prepay_id=wx${order.orderNo}`,
    signType: 'RSA',
    paySign: 'c2lnbmF0dXJl',
  },
})

export function installFakeOrders(initial: Order[] = []): FakeOrdersBff {
  const bff: FakeOrdersBff = { calls: [], orders: new Map(initial.map((o) => [o.orderNo, o])), createReplies: [], byKey: new Map(), surchargeFen: 0 }
  const reads = new Map<string, number>()
  const price = (d: any): ResolvedConfig => {
    const config = priced(d.modelCode, d.trimCode, d.selections)
    return bff.surchargeFen ? { ...config, totalFen: config.totalFen + bff.surchargeFen } : config
  }

  taroMock.request.mockImplementation(async (opts: any) => {
    const url = new URL(opts.url)
    const call: Call = { method: opts.method ?? 'GET', path: url.pathname, data: opts.data, header: opts.header ?? {} }
    bff.calls.push(call)
    const reply = (r: Reply) => {
      if (r === 'network') return Promise.reject({ errMsg: 'request:fail timeout' })
      return r
    }
    const over = bff.override?.(call)
    if (over) return reply(over)
    if (!call.header.Authorization && call.path.startsWith('/api/v1/orders') && call.path !== '/api/v1/orders/terms') {
      return apiError(401, 'UNAUTHENTICATED', '请先登录')
    }

    const { method, path, data } = call
    let m: RegExpMatchArray | null
    if (method === 'GET' && path === '/api/v1/orders/terms') return ok(CURRENT_DEPOSIT_TERMS)
    if (method === 'GET' && path === '/api/v1/delivery-centres') return ok({ items: deliveryCentres() })
    if (method === 'POST' && path === '/api/v1/configurations') {
      return ok({ config: price(data), modelVersion: 1 })
    }
    if (method === 'POST' && path === '/api/v1/orders') {
      const queued = bff.createReplies.shift()
      if (queued) return reply(queued)
      const key = call.header['Idempotency-Key']
      if (!key) return apiError(400, 'IDEMPOTENCY_KEY_REQUIRED', '缺少 Idempotency-Key')
      const existing = bff.byKey.get(key)
      if (existing) return ok(bff.orders.get(existing), 201)
      const config = price(data)
      if (data.expectedTotalFen !== undefined && data.expectedTotalFen !== config.totalFen) {
        return apiError(409, 'PRICE_CHANGED', '价格已更新，请确认新价格后再下单', { totalFen: config.totalFen })
      }
      const order = makeOrder(config)
      bff.orders.set(order.orderNo, order)
      bff.byKey.set(key, order.orderNo)
      return ok(order, 201)
    }
    if (method === 'GET' && path === '/api/v1/orders') {
      return ok({ items: [...bff.orders.values()].reverse() })
    }
    if ((m = path.match(/^\/api\/v1\/orders\/(CM\d+)(\/.*)?$/))) {
      const order = bff.orders.get(m[1])
      if (!order) return apiError(404, 'NOT_FOUND', '订单不存在')
      const sub = m[2] ?? ''
      const now = new Date().toISOString()
      if (method === 'GET' && sub === '') {
        const n = (reads.get(order.orderNo) ?? 0) + 1
        reads.set(order.orderNo, n)
        bff.onRead?.(order, n)
        return ok(bff.orders.get(order.orderNo))
      }
      if (method === 'POST' && sub === '/payments/wechat') {
        if (order.state !== 'pending_payment') return apiError(409, 'ORDER_STATE_INVALID', '订单无需支付')
        return ok(wechatPaymentOf(order))
      }
      if (method === 'GET' && sub === '/payment-options') {
        const platform = (url.searchParams.get('platform') ?? opts.data?.platform) as ClientPlatform
        const table = PLATFORM_METHODS[platform]
        const entries = [...table.primary.map((x) => ({ ...x, backup: false })), ...(bff.wechatDown ? table.backup.map((x) => ({ ...x, backup: true })) : [])]
        const methods = entries.map((x) => {
          const down = bff.wechatDown && METHOD_CHANNEL[x.method] === 'wechat'
          return { channel: METHOD_CHANNEL[x.method], method: x.method, label: METHOD_LABEL[x.method], delivery: x.delivery, available: !down, reason: down ? '微信支付暂时不可用，请使用支付宝支付' : null, backup: x.backup }
        })
        const notice = bff.wechatDown ? '微信支付暂时不可用，请使用支付宝支付' : null
        return ok({ orderNo: order.orderNo, state: order.state, payable: order.state === 'pending_payment', amountFen: order.depositFen, paymentDeadline: order.paymentDeadline, platform, backup: !!bff.wechatDown, notice, methods, open: null })
      }
      if (method === 'POST' && sub === '/payments') {
        if (order.state !== 'pending_payment') return apiError(409, 'ORDER_STATE_INVALID', '订单无需支付')
        const { method: pm, platform } = data as { method: PayMethod; platform: ClientPlatform }
        const offered = [...PLATFORM_METHODS[platform].primary, ...PLATFORM_METHODS[platform].backup].find((x) => x.method === pm)
        if (!offered) return apiError(409, 'PAYMENT_METHOD_UNAVAILABLE', '不能在此平台使用')
        const base = { orderNo: order.orderNo, outTradeNo: `${order.orderNo}${TRADE_LETTER[pm]}1`, channel: METHOD_CHANNEL[pm], method: pm, amountFen: order.depositFen, delivery: offered.delivery, expiresAt: order.paymentDeadline }
        // The cashier "URL" is a hash on this page: jsdom cannot navigate elsewhere.
        return ok(pm === 'native' ? { ...base, codeUrl: `weixin://wxpay/bizpayurl?pr=${order.orderNo.slice(-6)}` } : { ...base, payUrl: `${window.location.origin}${window.location.pathname}#cashier-${pm}` })
      }
      if (method === 'POST' && sub === '/payments/alipay') {
        if (order.state !== 'pending_payment') return apiError(409, 'ORDER_STATE_INVALID', '订单无需支付')
        return ok({ orderNo: order.orderNo, outTradeNo: `${order.orderNo}A1`, amountFen: order.depositFen, tradeNO: `2026${order.orderNo.slice(2)}` })
      }
      if (method === 'POST' && sub === '/payments/sync') {
        bff.onSync?.(order)
        return ok(bff.orders.get(order.orderNo))
      }
      if (method === 'POST' && (sub === '/cancel' || sub === '/lock')) {
        const event: OrderEvent = sub === '/lock' ? 'lock' : order.state === 'pending_payment' ? 'cancel' : 'refund_requested'
        if (!order.actions.includes(event)) return apiError(409, 'ORDER_STATE_INVALID', '订单状态已变化，请刷新')
        const next = advance(order, event, now, { kind: 'buyer' })
        bff.orders.set(order.orderNo, next)
        return ok(next)
      }
    }
    return apiError(404, 'NOT_FOUND', `fake BFF has no ${method} ${path}`)
  })
  return bff
}

/** Land the deposit payment on an order, as the WeChat Pay notify would on the BFF. */
export function landPayment(bff: FakeOrdersBff, orderNo: string, at = '2026-11-20T04:05:30.000Z') {
  const order = bff.orders.get(orderNo)!
  bff.orders.set(orderNo, advance(order, 'pay', at, { kind: 'payment' }))
}
