import { describe, expect, it, vi } from 'vitest'
import { fireEvent, render, waitFor } from '@testing-library/react'
import { TOKEN_KEY } from '../src/api/client'
import OrderPage from '../src/pages/order/index'
import { installFakeOrders, landPayment, makeOrder, priced, wechatPaymentOf } from './fake-orders'
import { routerParams, taroMock } from './taro-mock'

// This file plays the WeChat mini-program build: WeChat Pay runs in the app (wx.requestPayment).
vi.mock('../src/pages/order/pay', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../src/pages/order/pay')>()),
  WECHAT_PAY_IN_APP: true,
}))

const $ = (c: HTMLElement, sel: string) => c.querySelector<HTMLElement>(sel)
const CONFIG = priced('yuanshan-s5', 'S5_520_RWD', ['PAINT_LAKE_BLUE'])

function open(params: Record<string, string> = {}) {
  taroMock.setStorageSync(TOKEN_KEY, 'tok-buyer')
  const order = makeOrder(CONFIG)
  const bff = installFakeOrders([order])
  Object.assign(routerParams, { orderNo: order.orderNo, ...params })
  const { container } = render(<OrderPage />)
  return { c: container, bff, order }
}

describe('paying in the WeChat mini-program', () => {
  it('while WeChat Pay is down, says so and copies the Alipay wap link (Alipay cannot run inside WeChat)', async () => {
    taroMock.setStorageSync(TOKEN_KEY, 'tok-buyer')
    const order = makeOrder(CONFIG)
    const bff = installFakeOrders([order])
    bff.wechatDown = true
    Object.assign(routerParams, { orderNo: order.orderNo })
    const { container: c } = render(<OrderPage />)
    await waitFor(() => expect($(c, '.pay-notice')?.textContent).toBe('微信支付暂时不可用，请使用支付宝支付'))
    const link = $(c, '.pay-method[data-method="wap"]')!
    expect(link.textContent).toBe('复制支付宝付款链接')
    expect(c.textContent).toContain('复制链接后在手机浏览器中打开')
    fireEvent.click(link)
    await waitFor(() => expect(taroMock.setClipboardData).toHaveBeenCalledWith({ data: expect.stringContaining('#cashier-wap') }))
    expect(bff.calls.filter((x) => x.method === 'POST' && x.path.endsWith('/payments')).map((x) => x.data)).toEqual([{ method: 'wap', platform: 'weapp' }])
    expect(taroMock.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: expect.stringContaining('已复制支付宝付款链接') }))
  })

  it("calls Taro.requestPayment with exactly the server's parameters, then trusts only the server's order state", async () => {
    const { c, bff, order } = open({ pay: '1' })
    // The payment lands when the BFF gets WeChat's notify, i.e. after requestPayment returns.
    taroMock.requestPayment.mockImplementation(async () => {
      landPayment(bff, order.orderNo)
      return { errMsg: 'requestPayment:ok' }
    })
    await waitFor(() => expect(taroMock.requestPayment).toHaveBeenCalledTimes(1))
    const { appId: _appId, ...expected } = wechatPaymentOf(order).requestPayment
    expect(taroMock.requestPayment).toHaveBeenCalledWith(expected)
    await waitFor(() => expect($(c, '.order-state')!.dataset.state).toBe('deposit_paid'))
    expect($(c, '.pay-wechat')).toBeNull() // no "pay in WeChat" panel inside WeChat
    expect(taroMock.showToast).toHaveBeenCalledWith({ title: '支付成功', icon: 'success' })
    // Read again after requestPayment: the result came from GET /orders/:orderNo.
    expect(bff.calls.filter((x) => x.method === 'GET' && x.path === `/api/v1/orders/${order.orderNo}`).length).toBeGreaterThanOrEqual(2)
  })

  it('a cancelled payment sheet leaves the order pending and says so; 去支付 tries again', async () => {
    const { c, bff, order } = open()
    await waitFor(() => expect($(c, '.order-action[data-action="pay"]')).toBeTruthy())
    taroMock.requestPayment.mockRejectedValueOnce({ errMsg: 'requestPayment:fail cancel' })
    fireEvent.click($(c, '.order-action[data-action="pay"]')!)
    await waitFor(() => expect($(c, '.pay-result')).toBeTruthy(), { timeout: 5000 })
    expect($(c, '.pay-result')!.dataset.outcome).toBe('cancelled')
    expect($(c, '.pay-result')!.textContent).toContain('已取消支付')
    expect($(c, '.order-state')!.dataset.state).toBe('pending_payment')

    taroMock.requestPayment.mockImplementationOnce(async () => {
      landPayment(bff, order.orderNo)
      return { errMsg: 'requestPayment:ok' }
    })
    fireEvent.click($(c, '.order-action[data-action="pay"]')!)
    await waitFor(() => expect($(c, '.order-state')!.dataset.state).toBe('deposit_paid'))
    expect(taroMock.requestPayment).toHaveBeenCalledTimes(2)
    expect(bff.calls.filter((x) => x.path.endsWith('/payments/wechat'))).toHaveLength(2)
  })

  it('a payment that "succeeded" on the phone but never reached the server is not shown as paid', async () => {
    const { c, bff } = open({ pay: '1' })
    await waitFor(() => expect(taroMock.requestPayment).toHaveBeenCalled())
    await waitFor(() => expect($(c, '.pay-result')).toBeTruthy(), { timeout: 12_000 })
    expect($(c, '.pay-result')!.textContent).toContain('支付结果确认中')
    expect($(c, '.order-state')!.dataset.state).toBe('pending_payment')
    // After polling, the server was asked to check with WeChat Pay once (nothing there either).
    expect(bff.calls.filter((x) => x.method === 'POST' && x.path.endsWith('/payments/sync'))).toHaveLength(1)
  }, 15_000)

  it('a late notify: the server finds the payment when asked to sync with WeChat Pay', async () => {
    const { c, bff, order } = open({ pay: '1' })
    bff.onSync = (o) => landPayment(bff, o.orderNo)
    await waitFor(() => expect($(c, '.order-state')!.dataset.state).toBe('deposit_paid'), { timeout: 12_000 })
    expect($(c, '.pay-result')).toBeNull()
    expect(bff.calls.filter((x) => x.method === 'POST' && x.path === `/api/v1/orders/${order.orderNo}/payments/sync`)).toHaveLength(1)
  }, 15_000)
})
