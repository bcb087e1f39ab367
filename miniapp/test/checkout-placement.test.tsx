import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { fireEvent, render } from '@testing-library/react'
import { TOKEN_KEY } from '../src/api/client'
import { orderDetailPath } from '../src/api/orders'
import CheckoutPage from '../src/pages/checkout/index'
import { placementProgress } from '../src/components/PlacementProgress'
import { apiError, installFakeOrders, makeOrder, priced, type FakeOrdersBff } from './fake-orders'
import { ok } from './fixtures'
import { routerParams, taroMock } from './taro-mock'
import { advance, settle } from './fake-timers'

const $ = (c: HTMLElement, sel: string) => c.querySelector<HTMLElement>(sel)
const creates = (bff: FakeOrdersBff) => bff.calls.filter((x) => x.method === 'POST' && x.path === '/api/v1/orders')
const placementCalls = (bff: FakeOrdersBff) => bff.calls.filter((x) => x.method === 'GET' && x.path.endsWith('/placement'))

const TRIM = 'S5_520_RWD'
const SELECTIONS = ['PAINT_LAKE_BLUE']
const CONFIG = priced('yuanshan-s5', TRIM, SELECTIONS)
const ORDER_NO = 'CM2026112000004242'

beforeEach(() => {
  vi.useFakeTimers()
  vi.setSystemTime(new Date('2026-11-20T04:00:00.000Z'))
})
afterEach(() => vi.useRealTimers())

/** Checkout under load: POST /orders answers 202 creating; placements answer from `placements`. */
async function checkoutUnderLoad(placements: ReturnType<typeof ok>[]) {
  taroMock.setStorageSync(TOKEN_KEY, 'tok-buyer')
  Object.assign(routerParams, { model: 'yuanshan-s5', trim: TRIM, selections: SELECTIONS.join(','), total: String(CONFIG.totalFen) })
  const bff = installFakeOrders()
  bff.createReplies.push(ok({ status: 'creating', orderNo: ORDER_NO, pollAfterMs: 1500 }, 202))
  bff.override = (call) => (call.method === 'GET' && call.path === `/api/v1/orders/${ORDER_NO}/placement` ? placements.shift() : undefined)
  const { container: c } = render(<CheckoutPage />)
  await settle()
  fireEvent.click($(c, '.terms-agree')!)
  fireEvent.click($(c, '.checkout-pay')!)
  await settle()
  return { bff, c }
}

describe('checkout: 202 creating from POST /orders', () => {
  it('shows 你已锁定名额，正在生成订单, polls the placement at its pollAfterMs, then opens the order page', async () => {
    const order = makeOrder(CONFIG, { orderNo: ORDER_NO })
    const { bff, c } = await checkoutUnderLoad([
      ok({ status: 'creating', orderNo: ORDER_NO, pollAfterMs: 2000 }),
      ok({ status: 'created', orderNo: ORDER_NO, order }),
    ])
    expect(creates(bff)).toHaveLength(1)
    expect($(c, '.checkout-creating')!.textContent).toContain('你已锁定名额，正在生成订单')
    expect($(c, '.checkout-creating')!.dataset.orderNo).toBe(ORDER_NO)
    expect(taroMock.redirectTo).not.toHaveBeenCalled()

    await advance(1499)
    expect(placementCalls(bff)).toHaveLength(0)
    await advance(1)
    expect(placementCalls(bff)).toHaveLength(1)
    await advance(1999)
    expect(placementCalls(bff)).toHaveLength(1)
    await advance(1)
    await settle()
    expect(placementCalls(bff)).toHaveLength(2)
    expect(taroMock.redirectTo).toHaveBeenCalledWith({ url: orderDetailPath(ORDER_NO, { pay: true }) })
    expect(creates(bff)).toHaveLength(1) // followed, not placed again
  })

  it('a failed placement shows its reason; the next tap is a new attempt (new Idempotency-Key)', async () => {
    const { bff, c } = await checkoutUnderLoad([ok({ status: 'failed', orderNo: ORDER_NO, reason: '车辆已售出，订单未能生成' })])
    await advance(1500)
    await settle()
    expect($(c, '.checkout-creating')).toBeNull()
    expect($(c, '.checkout-notice')!.textContent).toBe('车辆已售出，订单未能生成')
    expect(taroMock.redirectTo).not.toHaveBeenCalled()
    fireEvent.click($(c, '.checkout-pay')!)
    await settle()
    const [a, b] = creates(bff)
    expect(b.header['Idempotency-Key']).toMatch(/^[A-Za-z0-9_-]{8,64}$/)
    expect(b.header['Idempotency-Key']).not.toBe(a.header['Idempotency-Key'])
    expect(taroMock.redirectTo).toHaveBeenCalledTimes(1) // the fake's default 201 this time
  })

  it('LAUNCH_ONLY: this paint is reserved for a launch, and says so', async () => {
    taroMock.setStorageSync(TOKEN_KEY, 'tok-buyer')
    Object.assign(routerParams, { model: 'yuanshan-s5', trim: TRIM, selections: SELECTIONS.join(','), total: String(CONFIG.totalFen) })
    const bff = installFakeOrders()
    bff.createReplies.push(apiError(409, 'LAUNCH_ONLY', '仅限首发'))
    const { container: c } = render(<CheckoutPage />)
    await settle()
    fireEvent.click($(c, '.terms-agree')!)
    fireEvent.click($(c, '.checkout-pay')!)
    await settle()
    expect($(c, '.checkout-notice--launch')!.textContent).toContain('正在首发抢购中，仅限抢购获得资格的用户下单')
    expect($(c, '.checkout-change-paint')).toBeTruthy()
  })

  it('the progress bar moves with time and never reaches the end by itself', () => {
    expect(placementProgress(0)).toBeCloseTo(0.1)
    expect(placementProgress(6000)).toBeGreaterThan(placementProgress(1000))
    expect(placementProgress(10 * 60_000)).toBe(0.95)
  })
})
