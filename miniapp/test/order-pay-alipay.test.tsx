import { describe, expect, it, vi } from 'vitest'
import { render, waitFor } from '@testing-library/react'
import { TOKEN_KEY } from '../src/api/client'
import OrderPage from '../src/pages/order/index'
import { installFakeOrders, landPayment, makeOrder, priced } from './fake-orders'
import { routerParams, taroMock } from './taro-mock'

// This file plays the Alipay mini-program build: the deposit is paid with my.tradePay.
vi.mock('../src/pages/order/pay', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../src/pages/order/pay')>()),
  WECHAT_PAY_IN_APP: false,
  ALIPAY_IN_APP: true,
}))

const $ = (c: HTMLElement, sel: string) => c.querySelector<HTMLElement>(sel)
const CONFIG = priced('yuanshan-s5', 'S5_520_RWD', ['PAINT_LAKE_BLUE'])

function open() {
  taroMock.setStorageSync(TOKEN_KEY, 'tok-buyer')
  const order = makeOrder(CONFIG)
  const bff = installFakeOrders([order])
  Object.assign(routerParams, { orderNo: order.orderNo, pay: '1' })
  const { container } = render(<OrderPage />)
  return { c: container, bff, order }
}

describe('paying in the Alipay mini-program', () => {
  it("calls my.tradePay with the server's trade number and shows the server's state", async () => {
    const { c, bff, order } = open()
    taroMock.tradePay.mockImplementation(async () => {
      landPayment(bff, order.orderNo)
      return { resultCode: '9000' }
    })
    await waitFor(() => expect(taroMock.tradePay).toHaveBeenCalledWith({ tradeNO: `2026${order.orderNo.slice(2)}` }))
    await waitFor(() => expect($(c, '.order-state')!.dataset.state).toBe('deposit_paid'))
    expect(taroMock.requestPayment).not.toHaveBeenCalled()
    expect($(c, '.pay-wechat')).toBeNull() // no "pay in WeChat" panel inside Alipay
  })

  it('on result code 6004 (unknown) asks the BFF to sync with Alipay instead of guessing', async () => {
    const { c, bff, order } = open()
    taroMock.tradePay.mockResolvedValue({ resultCode: '6004' })
    bff.onSync = () => landPayment(bff, order.orderNo)
    await waitFor(() => expect($(c, '.order-state')!.dataset.state).toBe('deposit_paid'), { timeout: 15_000 })
    expect(bff.calls.some((x) => x.method === 'POST' && x.path.endsWith('/payments/sync'))).toBe(true)
  })
})
