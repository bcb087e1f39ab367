/**
 * A fake BFF for the launch (首发抢购) pages behind the Taro.request spy: one launch of 远山 S5 with
 * two variants priced by the real engine, a waiting room whose answers a test scripts, launch
 * orders that follow the Idempotency-Key like the BFF, and placements. Every request is recorded
 * with its headers and the phone time it was made at.
 */
import type { LaunchView, QueueStatus } from '@carmall/shared-types'
import type { Order } from '../src/api/orders'
import { apiError, makeOrder, priced, type Reply } from './fake-orders'
import { ok } from './fixtures'
import { taroMock } from './taro-mock'

export const MODEL = 'yuanshan-s5'
export const V1 = { trimCode: 'S5_520_RWD', paintCode: 'PAINT_GLACIER_WHITE' }
export const V2 = { trimCode: 'S5_620_RWD', paintCode: 'PAINT_LAKE_BLUE' }
export const V1_PRICE = priced(MODEL, V1.trimCode, [V1.paintCode]).totalFen
export const V2_PRICE = priced(MODEL, V2.trimCode, [V2.paintCode]).totalFen

export interface LaunchCall {
  method: string
  path: string
  data: any
  header: Record<string, string>
  /** Phone clock (Date.now()) when the request was made. */
  at: number
}

export interface FakeLaunchBff {
  calls: LaunchCall[]
  /** The launch as stored; serverTime is filled in per answer. */
  launch: Omit<LaunchView, 'serverTime'>
  /** Server clock minus phone clock (a phone whose clock is wrong). */
  serverOffsetMs: number
  /** Answers to POST /queue, first in first out; by default: waiting with 1,234 ahead. */
  joinReplies: Reply[]
  /** Answers to GET /queue, first in first out; when empty the last one repeats. */
  pollReplies: Reply[]
  /** Answers to POST /launches/:code/orders; by default 201 created (same key = same order). */
  orderReplies: Reply[]
  /** Answers to GET /orders/:orderNo/placement; by default created. */
  placementReplies: Reply[]
  /** Orders created, by order number. */
  orders: Map<string, Order>
  byKey: Map<string, string>
  /** GET /launches answers with these (default: the launch). */
  list?: Reply
  override?: (call: LaunchCall) => Reply | undefined
}

export const waiting = (ahead: number, pollAfterMs = 3000, ticket = 1235, available = 10): QueueStatus => ({ status: 'waiting', ticket, ahead, pollAfterMs, available })
export const early = (joined: number, pollAfterMs: number, opensAt: string): QueueStatus => ({ status: 'early', opensAt, joined, pollAfterMs })
export const admitted = (ticket = 1235, untilMs = Date.now() + 300_000): QueueStatus => ({
  status: 'admitted',
  ticket,
  admissionToken: `${ticket}.${untilMs}.signature-of-the-bff-0000000000000000000000`,
  admittedUntil: new Date(untilMs).toISOString(),
  available: 9,
})

export function installFakeLaunches(opts: { startsInMs?: number; serverOffsetMs?: number } = {}): FakeLaunchBff {
  const serverOffsetMs = opts.serverOffsetMs ?? 0
  const startsAt = new Date(Date.now() + serverOffsetMs + (opts.startsInMs ?? -10_000)).toISOString()
  const bff: FakeLaunchBff = {
    calls: [],
    serverOffsetMs,
    launch: {
      code: 's5-launch',
      title: '远山 S5 首发抢购',
      modelCode: MODEL,
      modelName: '远山 S5',
      startsAt,
      endsAt: null,
      phase: 'scheduled',
      admitPerSecond: 20,
      admissionSeconds: 300,
      preQueueAt: null,
      variants: [
        { ...V1, trimName: '520 长续航后驱版', paintName: '冰川白', priceFen: V1_PRICE, stock: 6, available: 6 },
        { ...V2, trimName: '620 超长续航后驱版', paintName: '澜湖蓝', priceFen: V2_PRICE, stock: 4, available: 4 },
      ],
      available: 10,
    },
    joinReplies: [],
    pollReplies: [],
    orderReplies: [],
    placementReplies: [],
    orders: new Map(),
    byKey: new Map(),
  }
  let lastPoll: Reply | undefined
  const serverNow = () => Date.now() + bff.serverOffsetMs
  const view = (): LaunchView => {
    const now = serverNow()
    const phase = bff.launch.phase === 'ended' ? 'ended' : now < Date.parse(bff.launch.startsAt) ? 'scheduled' : bff.launch.available === 0 ? 'sold_out' : 'open'
    return { ...bff.launch, phase, serverTime: new Date(now).toISOString() }
  }

  taroMock.request.mockImplementation(async (opts: any) => {
    const url = new URL(opts.url)
    const call: LaunchCall = { method: opts.method ?? 'GET', path: url.pathname, data: opts.data, header: opts.header ?? {}, at: Date.now() }
    bff.calls.push(call)
    const reply = (r: Reply) => (r === 'network' ? Promise.reject({ errMsg: 'request:fail timeout' }) : r)
    const over = bff.override?.(call)
    if (over) return reply(over)
    const { method, path } = call
    const code = bff.launch.code
    const signedIn = !!call.header.Authorization

    if (method === 'GET' && path === '/api/v1/launches') return reply(bff.list ?? ok({ items: [view()] }))
    if (method === 'GET' && path === `/api/v1/launches/${code}`) return ok(view())
    if (path.startsWith(`/api/v1/launches/${code}/`) || path.startsWith('/api/v1/orders/')) {
      if (!signedIn) return apiError(401, 'UNAUTHENTICATED', '请先登录')
    }
    if (method === 'POST' && path === `/api/v1/launches/${code}/queue`) {
      if (!/^[A-Za-z0-9_-]{8,64}$/.test(call.header['X-Device-Id'] ?? '')) return apiError(400, 'VALIDATION_FAILED', '缺少或格式错误的 X-Device-Id 请求头')
      const queued = bff.joinReplies.shift()
      if (queued) return reply(queued)
      if (serverNow() < Date.parse(bff.launch.startsAt)) return apiError(409, 'LAUNCH_NOT_OPEN', '抢购尚未开始', { startsAt: bff.launch.startsAt })
      return ok(waiting(1234))
    }
    if (method === 'GET' && path === `/api/v1/launches/${code}/queue`) {
      const next = bff.pollReplies.shift() ?? lastPoll
      if (!next) return apiError(404, 'NOT_IN_QUEUE', '您还没有排队')
      lastPoll = next
      return reply(next)
    }
    if (method === 'POST' && path === `/api/v1/launches/${code}/orders`) {
      const key = call.header['Idempotency-Key']
      if (!/^[A-Za-z0-9_-]{8,64}$/.test(key ?? '')) return apiError(400, 'IDEMPOTENCY_KEY_REQUIRED', '缺少 Idempotency-Key')
      const queued = bff.orderReplies.shift()
      if (queued) return reply(queued)
      const existing = bff.byKey.get(key)
      const order = existing ? bff.orders.get(existing)! : makeOrder(priced(MODEL, call.data.trimCode, [call.data.paintCode]))
      bff.orders.set(order.orderNo, order)
      bff.byKey.set(key, order.orderNo)
      return ok({ status: 'created', orderNo: order.orderNo, order }, 201)
    }
    let m: RegExpMatchArray | null
    if (method === 'GET' && (m = path.match(/^\/api\/v1\/orders\/([^/]+)\/placement$/))) {
      const queued = bff.placementReplies.shift()
      if (queued) return reply(queued)
      const order = bff.orders.get(m[1]) ?? makeOrder(priced(MODEL, V2.trimCode, [V2.paintCode]), { orderNo: m[1] })
      return ok({ status: 'created', orderNo: m[1], order })
    }
    return apiError(404, 'NOT_FOUND', `fake BFF has no ${method} ${path}`)
  })
  return bff
}

export const callsTo = (bff: { calls: LaunchCall[] }, method: string, suffix: string) => bff.calls.filter((c) => c.method === method && c.path.endsWith(suffix))
