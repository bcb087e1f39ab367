import type { ClientPlatform, DepositTerms, OrderEvent, PayChannel, PayMethod, OrderPlacement, OrderState, OrderTimelineEntry, ResolvedConfig } from '@carmall/shared-types'
import { get, post, request } from './client'
import type { ConfigurationRequest } from './configurations'

export interface OrderPayment {
  outTradeNo: string
  channel: string
  amountFen: number
  status: string
  paidAt: string | null
}

export interface OrderRefund {
  outRefundNo: string
  amountFen: number
  status: string
  requestedAt: string
}

/** An order as the BFF presents it (`presentOrder`). */
export interface Order {
  id: string
  orderNo: string
  state: OrderState
  stateLabel: string
  modelCode: string
  modelName: string
  trimCode: string
  trimName: string
  /** The configuration frozen with the prices it was ordered at. */
  config: ResolvedConfig
  totalFen: number
  depositFen: number
  terms: DepositTerms
  /** ISO UTC; after it an unpaid order is cancelled and its car released. */
  paymentDeadline: string
  payments: OrderPayment[]
  refunds: OrderRefund[]
  timeline: OrderTimelineEntry[]
  /** Events the buyer can trigger now (e.g. 'lock', 'refund_requested', 'cancel'). */
  actions: OrderEvent[]
  /** Where the car is delivered (chosen at checkout). */
  deliveryCentre?: { code: string; name: string }
  createdAt: string
}

export interface CreateOrderRequest extends ConfigurationRequest {
  /** The total the buyer saw; the BFF answers 409 PRICE_CHANGED (details.totalFen) if it differs. */
  expectedTotalFen?: number
  /** The delivery centre the buyer picked (GET /delivery-centres); the BFF uses the first one when absent. */
  deliveryCentreCode?: string
}

/** `wx.requestPayment` parameters (the appId is for reference; requestPayment does not take it). */
export interface WechatPayParams {
  appId: string
  timeStamp: string
  nonceStr: string
  package: string
  signType: 'RSA' | 'MD5' | 'HMAC-SHA256'
  paySign: string
}

export interface WechatPayment {
  orderNo: string
  outTradeNo: string
  amountFen: number
  requestPayment: WechatPayParams
}

const orderPath = (orderNo: string) => `/api/v1/orders/${encodeURIComponent(orderNo)}`

/**
 * A fresh Idempotency-Key (the BFF accepts 8-64 of `[A-Za-z0-9_-]`). One per checkout attempt,
 * reused for every retry of that attempt so a double tap or a retry never creates two orders.
 * Mini-program runtimes have no crypto.randomUUID everywhere, so time + random base-36 it is.
 */
export function newIdempotencyKey(): string {
  let rand = ''
  while (rand.length < 20) rand += Math.random().toString(36).slice(2)
  return `co-${Date.now().toString(36)}-${rand.slice(0, 20)}`
}

/** `GET /api/v1/orders/terms`: the deposit terms shown before paying. */
export function getDepositTerms(): Promise<DepositTerms> {
  return get<DepositTerms>('/api/v1/orders/terms')
}

/** Where an order being placed is (`GET /orders/:orderNo/placement`, and the 202 answers of placing one). */
export type Placement = OrderPlacement<Order>
/** 202 「你已锁定名额，正在生成订单」: the car is held, the order is being written. */
export type PlacementCreating = Extract<Placement, { status: 'creating' }>

export const isCreating = (r: Order | Placement): r is PlacementCreating => (r as PlacementCreating).status === 'creating'

/**
 * `POST /api/v1/orders` (signed in) → 201 the order, or under load 202 `{ status: 'creating', orderNo,
 * pollAfterMs }` (follow `getPlacement`). 409 OUT_OF_STOCK / PRICE_CHANGED / LAUNCH_ONLY.
 */
export function createOrder(body: CreateOrderRequest, idempotencyKey: string): Promise<Order | PlacementCreating> {
  return request<Order | PlacementCreating>('/api/v1/orders', { method: 'POST', body, headers: { 'Idempotency-Key': idempotencyKey } })
}

/** `GET /api/v1/orders/:orderNo/placement` (signed in): creating (ask again after pollAfterMs), created (with the order) or failed (a Chinese reason). */
export function getPlacement(orderNo: string): Promise<Placement> {
  return get<Placement>(`${orderPath(orderNo)}/placement`)
}

/** `GET /api/v1/orders` (signed in): my orders, newest first. */
export function listOrders(): Promise<{ items: Order[] }> {
  return get<{ items: Order[] }>('/api/v1/orders')
}

/** `GET /api/v1/orders/:orderNo` */
export function getOrder(orderNo: string): Promise<Order> {
  return get<Order>(orderPath(orderNo))
}

/** `POST /api/v1/orders/:orderNo/payments/wechat`: prepay (repeatable: the same prepay each time). */
export function createWechatPayment(orderNo: string): Promise<WechatPayment> {
  return post<WechatPayment>(`${orderPath(orderNo)}/payments/wechat`)
}

export interface AlipayPayment {
  orderNo: string
  outTradeNo: string
  amountFen: number
  /** For my.tradePay. */
  tradeNO: string
}

/** `POST /api/v1/orders/:orderNo/payments/alipay`: Alipay trade for my.tradePay (repeatable: the same trade each time). */
export function createAlipayPayment(orderNo: string): Promise<AlipayPayment> {
  return post<AlipayPayment>(`${orderPath(orderNo)}/payments/alipay`)
}

/** One way to pay on this platform (`GET /orders/:orderNo/payment-options`). */
export interface PayMethodOption {
  channel: PayChannel
  method: PayMethod
  label: string
  /** sdk: requestPayment/tradePay; qr: show codeUrl; redirect: open payUrl; link: copy payUrl. */
  delivery: 'sdk' | 'qr' | 'redirect' | 'link'
  available: boolean
  reason: string | null
  /** Offered only because WeChat Pay is down. */
  backup: boolean
}

export interface PaymentOptions {
  orderNo: string
  state: OrderState
  payable: boolean
  amountFen: number
  paymentDeadline: string
  platform: ClientPlatform
  /** WeChat Pay is down and Alipay is offered instead. */
  backup: boolean
  notice: string | null
  methods: PayMethodOption[]
  open: { channel: PayChannel; method: PayMethod; outTradeNo: string } | null
}

export interface StartedPayment {
  orderNo: string
  outTradeNo: string
  channel: PayChannel
  method: PayMethod
  amountFen: number
  delivery: PayMethodOption['delivery']
  expiresAt: string
  requestPayment?: WechatPayParams
  tradeNO?: string
  codeUrl?: string
  payUrl?: string
}

/** `GET /api/v1/orders/:orderNo/payment-options?platform=`: what works here now (and the backup channel). */
export function getPaymentOptions(orderNo: string, platform: ClientPlatform): Promise<PaymentOptions> {
  return get<PaymentOptions>(`${orderPath(orderNo)}/payment-options`, { platform })
}

/** `POST /api/v1/orders/:orderNo/payments`: start or resume one method (503 details.backup when WeChat Pay fails). */
export function startPayment(orderNo: string, method: PayMethod, platform: ClientPlatform): Promise<StartedPayment> {
  return post<StartedPayment>(`${orderPath(orderNo)}/payments`, { method, platform })
}

/**
 * `POST /api/v1/orders/:orderNo/payments/sync`: ask the providers now whether the deposit was paid
 * (a client-side result the server has not seen yet) → the order.
 */
export function syncPayments(orderNo: string): Promise<Order> {
  return post<Order>(`${orderPath(orderNo)}/payments/sync`)
}

/** `POST /api/v1/orders/:orderNo/cancel`: cancel an unpaid order, or request the refund of a paid intent deposit. */
export function cancelOrder(orderNo: string): Promise<Order> {
  return post<Order>(`${orderPath(orderNo)}/cancel`)
}

/** `POST /api/v1/orders/:orderNo/lock`: the deposit becomes non-refundable, the configuration frozen. */
export function lockOrder(orderNo: string): Promise<Order> {
  return post<Order>(`${orderPath(orderNo)}/lock`)
}

/** Path of the order detail page; `pay` starts the payment at once (coming from checkout). */
export const orderDetailPath = (orderNo: string, opts: { pay?: boolean } = {}) =>
  `/pages/order/index?orderNo=${encodeURIComponent(orderNo)}${opts.pay ? '&pay=1' : ''}`

/** Path of the checkout page for a configuration (`selections` = the config's explicit choices). */
export function checkoutPath(
  c: { modelCode: string; trimCode: string; explicit: readonly string[]; totalFen: number },
  modelName?: string,
): string {
  const q = [
    `model=${encodeURIComponent(c.modelCode)}`,
    `trim=${encodeURIComponent(c.trimCode)}`,
    `selections=${c.explicit.map(encodeURIComponent).join(',')}`,
    `total=${c.totalFen}`,
  ]
  if (modelName) q.push(`name=${encodeURIComponent(modelName)}`)
  return `/pages/checkout/index?${q.join('&')}`
}
