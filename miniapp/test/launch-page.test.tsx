import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { fireEvent, render } from '@testing-library/react'
import { formatFen } from '@carmall/shared-types'
import { analytics } from '../src/analytics'
import { TOKEN_KEY } from '../src/api/client'
import { orderDetailPath } from '../src/api/orders'
import LaunchPage from '../src/pages/launch/index'
import { formatLaunchCountdown, launchMemoryKey, opensAtLabel, type LaunchMemory } from '../src/utils/launch'
import { backoffMs } from '../src/utils/placement'
import { ApiError } from '../src/api/client'
import { V1, V1_PRICE, V2, admitted, callsTo, early, installFakeLaunches, waiting, type FakeLaunchBff } from './fake-launches'
import { apiError } from './fake-orders'
import { ok } from './fixtures'
import { routerParams, taroMock, triggerDidHide, triggerDidShow } from './taro-mock'
import { advance, settle } from './fake-timers'

const $ = (c: HTMLElement, sel: string) => c.querySelector<HTMLElement>(sel)
const $$ = (c: HTMLElement, sel: string) => Array.from(c.querySelectorAll<HTMLElement>(sel))
const signIn = () => taroMock.setStorageSync(TOKEN_KEY, 'tok-buyer')
const variant = (c: HTMLElement, v: { trimCode: string; paintCode: string }) => $(c, `.launch-variant[data-trim="${v.trimCode}"][data-paint="${v.paintCode}"]`)!
const status = (c: HTMLElement) => $(c, '.launch-queue')!.dataset.status
const joins = (bff: FakeLaunchBff) => callsTo(bff, 'POST', '/s5-launch/queue')
const polls = (bff: FakeLaunchBff) => callsTo(bff, 'GET', '/s5-launch/queue')
const orders = (bff: FakeLaunchBff) => callsTo(bff, 'POST', '/s5-launch/orders')
const placements = (bff: FakeLaunchBff) => callsTo(bff, 'GET', '/placement')

/** 2026-11-20 12:00:00 in Shanghai. */
const PHONE_NOW = new Date('2026-11-20T04:00:00.000Z')

beforeEach(() => {
  vi.useFakeTimers()
  vi.setSystemTime(PHONE_NOW)
  routerParams.code = 's5-launch'
})
afterEach(() => {
  vi.useRealTimers()
})

async function open(opts: { startsInMs?: number; serverOffsetMs?: number; signedIn?: boolean; setup?: (bff: FakeLaunchBff) => void } = {}) {
  if (opts.signedIn !== false) signIn()
  const bff = installFakeLaunches(opts)
  opts.setup?.(bff)
  const view = render(<LaunchPage />)
  await settle()
  return { bff, c: view.container, view }
}

/** Open at the launch, pick V2 and tap 立即抢购. */
async function joinWith(v = V2, opts: Parameters<typeof open>[0] = {}) {
  const o = await open(opts)
  fireEvent.click(variant(o.c, v))
  fireEvent.click($(o.c, '.launch-join')!)
  await settle()
  return o
}

describe('launch helpers', () => {
  it('formats the countdown and the opening time in Shanghai time', () => {
    expect(formatLaunchCountdown(90_000)).toBe('00:01:30')
    expect(formatLaunchCountdown(1)).toBe('00:00:01') // rounded up: 00:00:00 is the open itself
    expect(formatLaunchCountdown(2 * 86_400_000 + 3_723_000)).toBe('2天 01:02:03')
    const now = Date.parse('2026-11-20T15:30:00Z') // 23:30 in Shanghai
    expect(opensAtLabel('2026-11-20T15:45:00Z', now)).toBe('今天 23:45')
    expect(opensAtLabel('2026-11-20T16:10:00Z', now)).toBe('明天 00:10') // after midnight in Shanghai
    expect(opensAtLabel('2026-12-08T12:00:00Z', now)).toBe('12月8日 20:00')
  })

  it('backs off: doubling from the normal interval, never below it, Retry-After wins', () => {
    expect(backoffMs(3000, 1)).toBe(3000)
    expect(backoffMs(3000, 2)).toBe(6000)
    expect(backoffMs(1000, 1)).toBe(2000)
    expect(backoffMs(3000, 10)).toBe(30_000)
    expect(backoffMs(3000, 1, new ApiError('RATE_LIMITED', '请求过于频繁', 429, undefined, undefined, 12_000))).toBe(12_000)
    expect(backoffMs(3000, 1, new ApiError('RATE_LIMITED', '请求过于频繁', 429, { retryAfterSeconds: 9 }))).toBe(9000)
  })
})

describe('首发抢购 page', () => {
  it('counts down to the open on the server clock (the phone is 10 minutes fast), then 立即抢购 works', async () => {
    // The phone says 12:00:00, the server 11:50:00; the launch opens at 11:51:30 (server). By the
    // phone's clock it would have opened already.
    const { bff, c } = await open({ startsInMs: 90_000, serverOffsetMs: -600_000 })
    expect(c.textContent).toContain('远山 S5 首发抢购')
    expect(c.textContent).toContain('开售时间 2026-11-20 11:51（北京时间）')
    expect($(c, '.launch-phase')!.dataset.phase).toBe('scheduled')
    expect($(c, '.launch-countdown')!.textContent).toBe('距开售00:01:30')
    expect(Number($(c, '.launch-countdown')!.dataset.remainingMs)).toBe(90_000)
    // Variants with their price and cars left.
    expect(variant(c, V1).textContent).toContain(formatFen(V1_PRICE))
    expect(variant(c, V2).textContent).toContain('剩余 4 / 4 辆')
    expect($(c, '.launch-available')!.textContent).toBe('剩余 10 辆')

    // Before the open the button says when, and does nothing.
    const button = $(c, '.launch-join')!
    expect(button.textContent).toBe('今天 11:51 开售')
    expect(button.dataset.open).toBe('false')
    fireEvent.click(variant(c, V2))
    fireEvent.click(button)
    await settle()
    expect(joins(bff)).toHaveLength(0)

    await advance(89_000)
    expect($(c, '.launch-countdown')!.textContent).toBe('距开售00:00:01')
    await advance(1000)
    expect($(c, '.launch-countdown')).toBeNull()
    expect($(c, '.launch-phase')!.dataset.phase).toBe('open')
    expect($(c, '.launch-join')!.textContent).toBe('立即抢购')
    fireEvent.click($(c, '.launch-join')!)
    await settle()
    expect(joins(bff)).toHaveLength(1)
    expect(status(c)).toBe('waiting')
  })

  it('early joining: from preQueueAt the buyer joins before the open, is told the draw, and polls after the open', async () => {
    // Opens in 90 s; early joining from 60 s before the open.
    const { bff, c, view } = await open({
      startsInMs: 90_000,
      setup: (b) => {
        b.launch.preQueueAt = new Date(Date.parse(b.launch.startsAt) - 60_000).toISOString()
      },
    })
    expect($(c, '.launch-hero__prequeue')!.textContent).toBe('2026-11-20 12:00 起可提前排队，开售时随机排序')
    expect($(c, '.launch-join')!.dataset.open).toBe('false')
    fireEvent.click(variant(c, V2))
    fireEvent.click($(c, '.launch-join')!)
    await settle()
    expect(joins(bff)).toHaveLength(0)

    await advance(30_000)
    expect($(c, '.launch-hero__prequeue')).toBeNull()
    expect($(c, '.launch-join')!.textContent).toBe('提前排队')
    expect($(c, '.launch-join')!.dataset.open).toBe('true')
    expect($(c, '.launch-join')!.hasAttribute('disabled')).toBe(false)
    bff.joinReplies.push(ok(early(321, 61_500, bff.launch.startsAt)))
    bff.pollReplies.push(ok(waiting(40, 3000, 40)))
    fireEvent.click($(c, '.launch-join')!)
    await settle()
    expect(joins(bff)).toHaveLength(1)
    expect(status(c)).toBe('early')
    expect($(c, '.launch-early__count')!.textContent).toBe('已有 321 人提前排队')
    expect($(c, '.launch-early')!.textContent).toContain('随机排序')
    expect($(c, '.launch-early')!.textContent).toContain('620 超长续航后驱版 · 澜湖蓝')
    expect($(c, '.launch-join')).toBeNull() // joined: no second button
    expect($(c, '.launch-countdown')!.textContent).toBe('距开售00:01:00')
    expect(JSON.parse(JSON.stringify(taroMock.getStorageSync(launchMemoryKey('s5-launch'))))).toMatchObject({ early: true })

    // Not a poll before the time the server gave (after the open), then the drawn place.
    await advance(61_499)
    expect(polls(bff)).toHaveLength(0)
    await advance(1)
    expect(polls(bff)).toHaveLength(1)
    expect(status(c)).toBe('waiting')
    expect($(c, '.launch-ahead')!.textContent).toBe('前面还有 40 人')
    expect((taroMock.getStorageSync(launchMemoryKey('s5-launch')) as LaunchMemory).early).toBeUndefined()
    view.unmount()
  })

  it('an early buyer who reopens the page before the open is put back in the early queue', async () => {
    taroMock.setStorageSync(launchMemoryKey('s5-launch'), { early: true, trimCode: V2.trimCode, paintCode: V2.paintCode } satisfies LaunchMemory)
    const { bff, c } = await open({
      startsInMs: 20_000,
      setup: (b) => {
        b.launch.preQueueAt = new Date(Date.parse(b.launch.startsAt) - 60_000).toISOString()
        b.pollReplies.push(ok(early(900, 21_000, b.launch.startsAt)))
      },
    })
    expect(polls(bff)).toHaveLength(1)
    expect(status(c)).toBe('early')
    expect($(c, '.launch-early__count')!.textContent).toBe('已有 900 人提前排队')
  })

  it('join → 前面还有 N 人 with progress, polled at pollAfterMs → admitted → the order with the chosen variant → order page', async () => {
    const { bff, c } = await joinWith(V2, {
      setup: (b) => b.pollReplies.push(ok(waiting(617, 4000)), ok(admitted())),
    })
    const join = joins(bff)[0]
    expect(join.header['X-Device-Id']).toBe(analytics().anonId)
    expect(join.header['X-Device-Id']).toMatch(/^[A-Za-z0-9_-]{8,64}$/)
    expect(join.header.Authorization).toBe('Bearer tok-buyer')
    expect(status(c)).toBe('waiting')
    expect($(c, '.launch-ahead')!.dataset.ahead).toBe('1234')
    expect($(c, '.launch-ahead')!.textContent).toBe('前面还有 1,234 人')
    expect($(c, '.launch-progress')!.dataset.progress).toBe('0')

    // The first answer said pollAfterMs 3000: not a request sooner.
    await advance(2999)
    expect(polls(bff)).toHaveLength(0)
    await advance(1)
    expect(polls(bff)).toHaveLength(1)
    expect($(c, '.launch-ahead')!.textContent).toBe('前面还有 617 人')
    expect($(c, '.launch-progress')!.dataset.progress).toBe('50') // half the people ahead have gone

    // That answer said 4000.
    await advance(3999)
    expect(polls(bff)).toHaveLength(1)
    expect(orders(bff)).toHaveLength(0)
    await advance(1)
    await settle()
    expect(polls(bff)).toHaveLength(2)
    // Admitted: the order is placed at once, with the variant picked before joining.
    expect(orders(bff)).toHaveLength(1)
    expect(orders(bff)[0].data).toEqual({ admissionToken: expect.stringMatching(/^1235\./), trimCode: V2.trimCode, paintCode: V2.paintCode })
    expect(orders(bff)[0].header['Idempotency-Key']).toMatch(/^[A-Za-z0-9_-]{8,64}$/)
    const [order] = [...bff.orders.values()]
    expect(order.trimCode).toBe(V2.trimCode)
    expect(taroMock.redirectTo).toHaveBeenCalledWith({ url: orderDetailPath(order.orderNo, { pay: true }) })
    expect((taroMock.redirectTo.mock.calls[0] as unknown as [{ url: string }])[0].url).toBe(`/pages/order/index?orderNo=${order.orderNo}&pay=1`)
  })

  it('a lost order answer is retried with the same Idempotency-Key; 202 creating → 你已锁定名额 → placement polled → order page', async () => {
    const orderNo = 'CM2026112000009999'
    const { bff, c } = await joinWith(V1, {
      setup: (b) => {
        b.joinReplies.push(ok(admitted()))
        b.orderReplies.push('network', ok({ status: 'creating', orderNo, pollAfterMs: 1500 }, 202))
        b.placementReplies.push(ok({ status: 'creating', orderNo, pollAfterMs: 2500 }))
      },
    })
    expect(status(c)).toBe('admitted')
    expect($(c, '.launch-admitted')!.textContent).toContain('资格有效期 5 分钟，剩余 05:00')
    expect(orders(bff)).toHaveLength(1)
    expect($(c, '.launch-notice')!.textContent).toBe('网络不稳定，正在重试下单…')

    await advance(2000)
    await settle()
    expect(orders(bff)).toHaveLength(2)
    const [first, second] = orders(bff)
    expect(second.header['Idempotency-Key']).toBe(first.header['Idempotency-Key'])
    expect(second.data).toEqual(first.data)
    expect(second.data.trimCode).toBe(V1.trimCode)

    expect(status(c)).toBe('creating')
    expect($(c, '.launch-creating')!.textContent).toContain('你已锁定名额，正在生成订单')
    expect($(c, '.launch-creating .placement__bar')).toBeTruthy()
    await advance(1499)
    expect(placements(bff)).toHaveLength(0)
    await advance(1)
    expect(placements(bff)).toHaveLength(1)
    expect(placements(bff)[0].path).toBe(`/api/v1/orders/${orderNo}/placement`)
    expect(taroMock.redirectTo).not.toHaveBeenCalled()
    await advance(2499)
    expect(placements(bff)).toHaveLength(1)
    await advance(1)
    await settle()
    expect(placements(bff)).toHaveLength(2)
    expect(taroMock.redirectTo).toHaveBeenCalledWith({ url: orderDetailPath(orderNo, { pay: true }) })
  })

  it('keeps the attempt’s Idempotency-Key in storage: the reopened page retries the same request', async () => {
    const { bff, view } = await joinWith(V2, {
      setup: (b) => {
        b.joinReplies.push(ok(admitted()))
        b.orderReplies.push(apiError(503, 'SERVICE_UNAVAILABLE', '服务繁忙'))
      },
    })
    const key = orders(bff)[0].header['Idempotency-Key']
    expect((taroMock.getStorageSync(launchMemoryKey('s5-launch')) as LaunchMemory).attempt).toMatchObject({ ticket: 1235, ...V2, key })
    view.unmount() // the app was closed
    bff.pollReplies.push(ok(admitted()))
    render(<LaunchPage />)
    await settle()
    // Resumed from storage: asked where it stands, still admitted, ordered with the same key and variant.
    expect(polls(bff)).toHaveLength(1)
    expect(orders(bff)).toHaveLength(2)
    expect(orders(bff)[1].header['Idempotency-Key']).toBe(key)
    expect(orders(bff)[1].data.paintCode).toBe(V2.paintCode)
    expect(taroMock.redirectTo).toHaveBeenCalledTimes(1)
  })

  it('sold_out is shown at once to a waiting buyer, polling stops, and it leads back to the catalog', async () => {
    const { bff, c } = await joinWith(V2, { setup: (b) => b.pollReplies.push(ok({ status: 'sold_out', ticket: 1235 })) })
    expect(status(c)).toBe('waiting')
    await advance(3000)
    expect(status(c)).toBe('sold_out')
    expect($(c, '.launch-soldout')!.textContent).toContain('已售罄')
    expect($(c, '.launch-phase')!.dataset.phase).toBe('sold_out')
    expect($(c, '.launch-ahead')).toBeNull()
    expect($(c, '.launch-join')).toBeNull()
    await advance(60_000)
    expect(polls(bff)).toHaveLength(1)
    fireEvent.click($(c, '.launch-catalog')!)
    expect(taroMock.switchTab).toHaveBeenCalledWith({ url: '/pages/models/index' })
  })

  it('expired: explains and offers 重新排队, which joins again (a new ticket at the end)', async () => {
    const { bff, c } = await joinWith(V2, {
      setup: (b) => {
        b.pollReplies.push(ok({ status: 'expired', ticket: 1235 }))
        b.joinReplies.push(ok(waiting(1234)), ok(waiting(4000, 3000, 5300)))
      },
    })
    await advance(3000)
    expect(status(c)).toBe('expired')
    expect($(c, '.launch-expired')!.textContent).toContain('未在规定时间内下单')
    const rejoin = $(c, '.launch-rejoin')!
    expect(rejoin.textContent).toBe('重新排队')
    fireEvent.click(rejoin)
    await settle()
    expect(joins(bff)).toHaveLength(2)
    expect(status(c)).toBe('waiting')
    expect($(c, '.launch-ahead')!.textContent).toBe('前面还有 4,000 人')
    expect($(c, '.launch-progress')!.dataset.progress).toBe('0') // a new ticket: progress from its own start
    expect(taroMock.getStorageSync(launchMemoryKey('s5-launch'))).toMatchObject({ ticket: 5300, joinedAhead: 4000 })
  })

  it('LAUNCH_NOT_OPEN: says when it opens (Shanghai time) and takes the server clock again', async () => {
    const { bff, c } = await open({
      setup: (b) => b.joinReplies.push(apiError(409, 'LAUNCH_NOT_OPEN', '抢购尚未开始', { startsAt: '2026-11-20T04:00:02.000Z' })),
    })
    expect(callsTo(bff, 'GET', '/launches/s5-launch')).toHaveLength(1)
    fireEvent.click(variant(c, V1))
    fireEvent.click($(c, '.launch-join')!)
    await settle()
    expect($(c, '.launch-notice')!.dataset.code).toBe('LAUNCH_NOT_OPEN')
    expect($(c, '.launch-notice')!.textContent).toBe('抢购尚未开始，将于 2026-11-20 12:00（北京时间）开售')
    expect(status(c)).toBe('idle')
    expect(callsTo(bff, 'GET', '/launches/s5-launch')).toHaveLength(2)
  })

  it('ALREADY_HOLDING opens the order the buyer already holds', async () => {
    const { c } = await joinWith(V2, {
      setup: (b) => {
        b.joinReplies.push(ok(admitted()))
        b.orderReplies.push(apiError(409, 'ALREADY_HOLDING', '每人限购一辆', { orderNo: 'CM2026112000000777' }))
      },
    })
    expect($(c, '.launch-notice')!.textContent).toContain('您已锁定本次首发的一辆车')
    expect(taroMock.redirectTo).toHaveBeenCalledWith({ url: orderDetailPath('CM2026112000000777', { pay: true }) })
  })

  it('ADMISSION_EXPIRED: the admission ran out, 重新排队 is offered', async () => {
    const { bff, c } = await joinWith(V2, {
      setup: (b) => {
        b.joinReplies.push(ok(admitted()))
        b.orderReplies.push(apiError(409, 'ADMISSION_EXPIRED', '购买资格已过期'))
      },
    })
    expect(status(c)).toBe('expired')
    expect($(c, '.launch-expired')!.textContent).toContain('资格已失效')
    expect($(c, '.launch-rejoin')!.textContent).toBe('重新排队')
    expect(orders(bff)).toHaveLength(1) // not retried: only a new admission helps
    expect(taroMock.redirectTo).not.toHaveBeenCalled()
  })

  it('OUT_OF_STOCK for the chosen paint: marks it 已抢完, the buyer picks another and orders with a new key', async () => {
    const { bff, c } = await joinWith(V2, {
      setup: (b) => {
        b.joinReplies.push(ok(admitted()))
        b.orderReplies.push(apiError(409, 'OUT_OF_STOCK', '已无库存'))
        // The last 澜湖蓝 went while this buyer was being admitted.
        b.override = (call) => {
          if (call.path.endsWith('/orders')) {
            b.launch.variants[1].available = 0
            b.launch.available = 6
          }
          return undefined
        }
      },
    })
    expect(status(c)).toBe('admitted')
    expect($(c, '.launch-notice')!.textContent).toContain('该版本与颜色已抢完')
    expect(variant(c, V2).textContent).toContain('已抢完')
    fireEvent.click(variant(c, V1))
    expect(variant(c, V1).dataset.selected).toBe('true')
    const retry = $(c, '.launch-order')!
    expect(retry.textContent).toBe(`立即下单 ${formatFen(V1_PRICE)}`)
    fireEvent.click(retry)
    await settle()
    const [a, b] = orders(bff)
    expect(b.data).toMatchObject(V1)
    expect(b.data.admissionToken).toBe(a.data.admissionToken)
    expect(b.header['Idempotency-Key']).not.toBe(a.header['Idempotency-Key'])
    expect(taroMock.redirectTo).toHaveBeenCalledTimes(1)
  })

  it('backs off on errors and waits Retry-After on 429, never polling faster than pollAfterMs', async () => {
    const { bff, c } = await joinWith(V2, {
      setup: (b) => {
        b.pollReplies.push('network', { ...apiError(429, 'RATE_LIMITED', '请求过于频繁'), header: { 'Retry-After': '20' } }, ok(waiting(100)))
      },
    })
    await advance(3000)
    expect(polls(bff)).toHaveLength(1) // network error: next after 3 s (backoff 1)
    expect($(c, '.launch-notice')!.textContent).toBe('网络不稳定，正在重试…')
    expect(status(c)).toBe('waiting')
    await advance(3000)
    expect(polls(bff)).toHaveLength(2) // 429 with Retry-After: 20 s
    expect($(c, '.launch-notice')!.textContent).toBe('排队人数较多，20 秒后自动刷新')
    await advance(19_999)
    expect(polls(bff)).toHaveLength(2)
    await advance(1)
    expect(polls(bff)).toHaveLength(3)
    expect($(c, '.launch-notice')).toBeNull()
    expect($(c, '.launch-ahead')!.textContent).toBe('前面还有 100 人')
    const gaps = polls(bff).map((p, i, all) => (i === 0 ? p.at - joins(bff)[0].at : p.at - all[i - 1].at))
    expect(gaps).toEqual([3000, 3000, 20_000])
  })

  it('pauses polling while the page is hidden and asks at once when it shows again', async () => {
    const { bff } = await joinWith(V2)
    triggerDidHide()
    await advance(30_000)
    expect(polls(bff)).toHaveLength(0)
    triggerDidShow()
    await settle()
    expect(polls(bff)).toHaveLength(1)
  })

  it('DEVICE_LIMIT and a missing variant choice are explained; nothing is joined without a choice', async () => {
    const { bff, c } = await open({ setup: (b) => b.joinReplies.push(apiError(409, 'DEVICE_LIMIT', '设备受限')) })
    fireEvent.click($(c, '.launch-join')!)
    await settle()
    expect($(c, '.launch-notice')!.textContent).toBe('请先选择版本与颜色')
    expect(joins(bff)).toHaveLength(0)
    fireEvent.click(variant(c, V1))
    fireEvent.click($(c, '.launch-join')!)
    await settle()
    expect($(c, '.launch-notice')!.dataset.code).toBe('DEVICE_LIMIT')
    expect($(c, '.launch-notice')!.textContent).toContain('每台设备仅限一个账号参与')
  })

  it('signed out: shows the login panel instead of 立即抢购', async () => {
    const { bff, c } = await open({ signedIn: false })
    expect($(c, '.launch-join')).toBeNull()
    expect($(c, '.launch-login')!.textContent).toContain('登录后即可参与抢购')
    expect($(c, '.me-login')).toBeTruthy() // the shared LoginPanel
    expect(joins(bff)).toHaveLength(0)
  })

  it('a buyer who ordered already sees 抢购成功 with the order when reopening the page', async () => {
    taroMock.setStorageSync(launchMemoryKey('s5-launch'), { ticket: 3, joinedAhead: 2, ...V1 })
    const { c } = await open({ setup: (b) => b.pollReplies.push(ok({ status: 'ordered', ticket: 3, orderNo: 'CM2026112000000888' })) })
    expect(status(c)).toBe('ordered')
    expect(variant(c, V1).dataset.selected).toBe('true')
    expect(taroMock.redirectTo).not.toHaveBeenCalled()
    fireEvent.click($(c, '.launch-open-order')!)
    expect(taroMock.redirectTo).toHaveBeenCalledWith({ url: orderDetailPath('CM2026112000000888', { pay: true }) })
  })

  it('an unknown launch says so', async () => {
    routerParams.code = 'no-such-launch'
    const { c } = await open()
    expect(c.textContent).toContain('没有找到这场首发活动')
    expect($$(c, '.launch-variant')).toHaveLength(0)
  })
})
