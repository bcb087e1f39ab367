import { describe, expect, it } from 'vitest'
import { fireEvent, render, waitFor } from '@testing-library/react'
import { CURRENT_DEPOSIT_TERMS, ORDER_STATE_LABELS, ORDER_TRANSITIONS, formatDateTimeCN, formatFen } from '@carmall/shared-types'
import { TOKEN_KEY } from '../src/api/client'
import { checkoutPath, newIdempotencyKey, orderDetailPath } from '../src/api/orders'
import CheckoutPage from '../src/pages/checkout/index'
import ModelPage from '../src/pages/model/index'
import OrderPage from '../src/pages/order/index'
import OrdersPage from '../src/pages/orders/index'
import { installFakeBff } from './fake-bff'
import { advance, apiError, installFakeOrders, landPayment, makeOrder, priced, type FakeOrdersBff } from './fake-orders'
import { routerParams, taroMock } from './taro-mock'

const $ = (c: HTMLElement, sel: string) => c.querySelector<HTMLElement>(sel)
const $$ = (c: HTMLElement, sel: string) => Array.from(c.querySelectorAll<HTMLElement>(sel))
const signIn = () => taroMock.setStorageSync(TOKEN_KEY, 'tok-buyer')
const creates = (bff: FakeOrdersBff) => bff.calls.filter((x) => x.method === 'POST' && x.path === '/api/v1/orders')
const posts = (bff: FakeOrdersBff, suffix: string) => bff.calls.filter((x) => x.method === 'POST' && x.path.endsWith(suffix))

const TRIM = 'S5_520_RWD'
const SELECTIONS = ['PAINT_LAKE_BLUE']
const CONFIG = priced('yuanshan-s5', TRIM, SELECTIONS)
const DEPOSIT = formatFen(CURRENT_DEPOSIT_TERMS.intentDepositFen)

async function openCheckout(opts: { total?: number; signedIn?: boolean } = {}) {
  if (opts.signedIn !== false) signIn()
  Object.assign(routerParams, {
    model: 'yuanshan-s5',
    trim: TRIM,
    selections: SELECTIONS.join(','),
    total: String(opts.total ?? CONFIG.totalFen),
    name: encodeURIComponent('远山 S5'),
  })
  const bff = installFakeOrders()
  const view = render(<CheckoutPage />)
  const c = view.container
  await waitFor(() => expect($(c, '.checkout-terms')).toBeTruthy())
  return { c, bff, view }
}

const agree = (c: HTMLElement) => fireEvent.click($(c, '.terms-agree')!)
const pay = (c: HTMLElement) => fireEvent.click($(c, '.checkout-pay')!)

describe('checkout', () => {
  it('shows the configuration, its line items and total, and the deposit terms before paying', async () => {
    const { c } = await openCheckout()
    expect(c.textContent).toContain('远山 S5')
    for (const l of CONFIG.lineItems) expect($(c, `.line-item[data-code="${l.code}"]`)).toBeTruthy()
    expect(Number($(c, '.checkout-total')!.dataset.totalFen)).toBe(CONFIG.totalFen)
    expect($(c, '.checkout-total')!.textContent).toBe(formatFen(CONFIG.totalFen))
    for (const line of CURRENT_DEPOSIT_TERMS.text) expect($(c, '.checkout-terms')!.textContent).toContain(line)
    expect($(c, '.terms-agree')!.textContent).toContain('我已阅读并同意')
    expect($(c, '.terms-agree')!.dataset.checked).toBe('false')
    expect($(c, '.checkout-pay')!.textContent).toBe(`支付意向金 ${DEPOSIT}`)
    expect(DEPOSIT).toBe('¥5,000')
  })

  it('will not place the order until the terms are agreed', async () => {
    const { c, bff } = await openCheckout()
    pay(c)
    await waitFor(() => expect($(c, '.checkout-notice')!.textContent).toContain('请先阅读并同意意向金条款'))
    expect(creates(bff)).toHaveLength(0)

    agree(c)
    expect($(c, '.terms-agree')!.dataset.checked).toBe('true')
    pay(c)
    await waitFor(() => expect(taroMock.redirectTo).toHaveBeenCalled())
    expect(creates(bff)).toHaveLength(1)
    expect(creates(bff)[0].data).toEqual({
      modelCode: 'yuanshan-s5',
      trimCode: TRIM,
      selections: SELECTIONS,
      expectedTotalFen: CONFIG.totalFen,
      deliveryCentreCode: 'SHA',
    })
    const [order] = [...bff.orders.values()]
    expect(taroMock.redirectTo).toHaveBeenCalledWith({ url: orderDetailPath(order.orderNo, { pay: true }) })
  })

  it('lets the buyer pick the delivery centre (the first one by default) and sends it with the order', async () => {
    const { c, bff } = await openCheckout()
    await waitFor(() => expect($$(c, '.centre-picker__item')).toHaveLength(5))
    expect($$(c, '.centre-picker__item').map((e) => e.textContent)).toEqual(['上海交付中心', '北京交付中心', '广州交付中心', '成都交付中心', '西安交付中心'])
    expect($(c, '.centre-picker__item[data-selected="true"]')!.dataset.code).toBe('SHA')
    fireEvent.click($(c, '.centre-picker__item[data-code="CTU"]')!)
    expect($(c, '.centre-picker__item[data-selected="true"]')!.dataset.code).toBe('CTU')
    agree(c)
    pay(c)
    await waitFor(() => expect(creates(bff)).toHaveLength(1))
    expect(creates(bff)[0].data.deliveryCentreCode).toBe('CTU')
  })

  it('still places the order (BFF default centre) when the centre list cannot be loaded', async () => {
    const { bff, view } = await openCheckout()
    bff.override = (call) => (call.path === '/api/v1/delivery-centres' ? apiError(503, 'UPSTREAM_UNAVAILABLE', '服务暂不可用') : undefined)
    // The list was already requested on mount: open the page again with the failure in place.
    view.unmount()
    const again = render(<CheckoutPage />).container
    await waitFor(() => expect($(again, '.centre-picker__note')?.textContent).toContain('默认交付至上海交付中心'))
    agree(again)
    pay(again)
    await waitFor(() => expect(creates(bff)).toHaveLength(1))
    expect(creates(bff)[0].data).not.toHaveProperty('deliveryCentreCode')
  })

  it('sends an Idempotency-Key and reuses it when retrying; a double tap sends one request', async () => {
    const { c, bff } = await openCheckout()
    bff.createReplies.push('network')
    agree(c)
    pay(c)
    await waitFor(() => expect($(c, '.checkout-notice')!.textContent).toContain('网络异常'))
    const first = creates(bff)[0].header['Idempotency-Key']
    expect(first).toMatch(/^[A-Za-z0-9_-]{8,64}$/)
    expect(taroMock.redirectTo).not.toHaveBeenCalled()

    // Retry with a double tap: one request, same key, one order.
    pay(c)
    pay(c)
    await waitFor(() => expect(taroMock.redirectTo).toHaveBeenCalledTimes(1))
    expect(creates(bff)).toHaveLength(2)
    expect(creates(bff)[1].header['Idempotency-Key']).toBe(first)
    expect(bff.orders.size).toBe(1)

    // A new checkout (a new attempt) gets a new key.
    expect(newIdempotencyKey()).not.toBe(first)
  })

  it('PRICE_CHANGED: shows the new price, and places the order at it once the buyer confirms (same key)', async () => {
    const { c, bff } = await openCheckout()
    const newTotal = CONFIG.totalFen + 3_000_00
    bff.surchargeFen = 3_000_00 // an operator raised the price after the page loaded
    agree(c)
    pay(c)
    await waitFor(() => expect($(c, '.checkout-notice--price')).toBeTruthy())
    expect($(c, '.checkout-notice--price')!.textContent).toContain(`${formatFen(CONFIG.totalFen)} → ${formatFen(newTotal)}`)
    expect(Number($(c, '.checkout-total')!.dataset.totalFen)).toBe(newTotal)
    expect(taroMock.redirectTo).not.toHaveBeenCalled()

    fireEvent.click($(c, '.price-confirm')!)
    await waitFor(() => expect(taroMock.redirectTo).toHaveBeenCalledTimes(1))
    const [a, b] = creates(bff)
    expect(b.data.expectedTotalFen).toBe(newTotal)
    expect(b.header['Idempotency-Key']).toBe(a.header['Idempotency-Key'])
  })

  it('OUT_OF_STOCK: says 已售罄 with the paint and offers to change it', async () => {
    const { c, bff } = await openCheckout()
    bff.createReplies.push(apiError(409, 'OUT_OF_STOCK', '该版本与颜色已无库存'))
    agree(c)
    pay(c)
    await waitFor(() => expect($(c, '.checkout-notice--soldout')).toBeTruthy())
    expect($(c, '.checkout-notice--soldout')!.textContent).toContain('已售罄')
    expect($(c, '.checkout-notice--soldout')!.textContent).toContain('「澜湖蓝」已售罄，请返回更换其他颜色')
    fireEvent.click($(c, '.checkout-change-paint')!)
    expect(taroMock.navigateBack).toHaveBeenCalled()
    expect(taroMock.redirectTo).not.toHaveBeenCalled()
  })

  it('asks to log in without a session, and when the BFF answers 401', async () => {
    const { c, bff } = await openCheckout({ signedIn: false })
    expect($(c, '.checkout-pay')).toBeNull()
    expect($(c, '.login-prompt')!.textContent).toContain('登录后即可下定')
    expect(creates(bff)).toHaveLength(0)

    // Signed in, but the session expired on the server.
    const again = await openCheckout()
    again.bff.createReplies.push(apiError(401, 'UNAUTHENTICATED', '请先登录'))
    agree(again.c)
    pay(again.c)
    await waitFor(() => expect($(again.c, '.login-prompt')).toBeTruthy())
  })

  it('tells the buyer when the price moved since the configurator', async () => {
    const { c } = await openCheckout({ total: CONFIG.totalFen - 1_000_00 })
    expect($(c, '.checkout-note')!.textContent).toContain(`配置页显示 ${formatFen(CONFIG.totalFen - 1_000_00)}，当前价格 ${formatFen(CONFIG.totalFen)}`)
  })
})

describe('configurator 立即下定', () => {
  it('opens checkout with the current configuration and total', async () => {
    Object.assign(routerParams, { code: 'yuanshan-s5' })
    installFakeBff()
    const { container: c } = render(<ModelPage />)
    await waitFor(() => expect($(c, '.config-total')).toBeTruthy())
    fireEvent.click($(c, '.option-item[data-code="PAINT_LAKE_BLUE"]')!)
    await waitFor(() => expect($(c, '.config-bar__label')!.textContent).toBe('总价'))
    fireEvent.click($(c, '.order-now')!)
    const total = Number($(c, '.config-total')!.dataset.totalFen)
    const url = (taroMock.navigateTo.mock.calls.at(-1) as unknown as [{ url: string }])[0].url
    expect(url).toBe(checkoutPath({ modelCode: 'yuanshan-s5', trimCode: TRIM, explicit: ['PAINT_LAKE_BLUE'], totalFen: total }, '远山 S5'))
    expect(url).toContain('selections=PAINT_LAKE_BLUE')
  })
})

describe('order detail', () => {
  async function openOrder(orders: ReturnType<typeof makeOrder>[], params: Record<string, string> = {}) {
    signIn()
    const bff = installFakeOrders(orders)
    Object.assign(routerParams, { orderNo: orders[0].orderNo, ...params })
    const view = render(<OrderPage />)
    await waitFor(() => expect($(view.container, '.order-state')).toBeTruthy())
    return { c: view.container, bff }
  }

  it('renders the state, the timeline with labels and Shanghai times, and the actions the server allows', async () => {
    const paidAt = '2026-11-20T04:05:30.000Z'
    const order = advance(makeOrder(CONFIG), 'pay', paidAt, { kind: 'payment' })
    const { c } = await openOrder([order])

    expect($(c, '.order-state')!.dataset.state).toBe('deposit_paid')
    expect($(c, '.order-state')!.textContent).toBe('已付意向金')
    expect(c.textContent).toContain(order.orderNo)
    expect(c.textContent).toContain('远山 S5')
    expect(c.textContent).toContain(formatFen(CONFIG.totalFen))

    const items = $$(c, '.timeline-item')
    expect(items.map((i) => i.dataset.event)).toEqual(['pay', 'created']) // newest first
    expect(items[0].textContent).toContain(`${ORDER_TRANSITIONS.pay.label} · ${ORDER_STATE_LABELS.deposit_paid}`)
    expect(items[0].textContent).toContain('2026-11-20 12:05')
    expect(items[0].textContent).toContain(formatDateTimeCN(paidAt))
    expect(items[1].textContent).toContain('提交订单 · 待支付意向金')
    expect(items[1].textContent).toContain('2026-11-20 12:00')

    // deposit_paid: the buyer may lock or ask for a refund; nothing to pay, nothing to cancel.
    expect(order.actions).toEqual(['lock', 'refund_requested'])
    const actions = $$(c, '.order-action').map((b) => b.dataset.action)
    expect(actions.sort()).toEqual(['lock', 'refund_requested'])
    expect($(c, '.order-action[data-action="lock"]')!.textContent).toBe('确认锁单')
    expect($(c, '.order-action[data-action="refund_requested"]')!.textContent).toBe('申请退款')
    expect($(c, '.order-countdown')).toBeNull()
  })

  it('an unpaid order on an H5 phone shows a countdown, 微信支付 / 支付宝 and 取消订单; cancel asks, then calls the API', async () => {
    const order = makeOrder(CONFIG, { paymentDeadline: new Date(Date.now() + 10 * 60_000 - 200).toISOString() })
    const { c, bff } = await openOrder([order])
    expect($(c, '.order-state')!.dataset.state).toBe('pending_payment')
    expect($(c, '.order-countdown')!.textContent).toMatch(/请在 (10:00|09:59) 内支付意向金/)
    // A phone browser: WeChat H5 pay and Alipay wap (the mini-programs' 去支付 is their SDK's).
    await waitFor(() => expect($$(c, '.pay-method').map((b) => `${b.dataset.method}:${b.textContent}`)).toEqual(['h5:微信支付', 'wap:支付宝']))
    expect($(c, '.order-action[data-action="pay"]')).toBeNull()
    expect($(c, '.order-action[data-action="cancel"]')!.textContent).toBe('取消订单')

    // The buyer changes their mind in the modal: nothing is sent.
    taroMock.showModal.mockResolvedValueOnce({ confirm: false, cancel: true })
    fireEvent.click($(c, '.order-action[data-action="cancel"]')!)
    await waitFor(() => expect(taroMock.showModal).toHaveBeenCalledTimes(1))
    expect(posts(bff, '/cancel')).toHaveLength(0)

    fireEvent.click($(c, '.order-action[data-action="cancel"]')!)
    await waitFor(() => expect($(c, '.order-state')!.dataset.state).toBe('cancelled'))
    expect(posts(bff, '/cancel').map((x) => x.path)).toEqual([`/api/v1/orders/${order.orderNo}/cancel`])
    expect($$(c, '.timeline-item')[0].dataset.event).toBe('cancel')
    expect($(c, '.order-action')).toBeNull()
    expect($(c, '.order-countdown')).toBeNull()
    expect($(c, '.pay-web')).toBeNull()
  })

  it('确认锁单 explains the deposit becomes non-refundable, then calls lock', async () => {
    const order = advance(makeOrder(CONFIG), 'pay', '2026-11-20T04:05:30.000Z', { kind: 'payment' })
    const { c, bff } = await openOrder([order])
    fireEvent.click($(c, '.order-action[data-action="lock"]')!)
    await waitFor(() => expect($(c, '.order-state')!.dataset.state).toBe('locked'))
    const modal = (taroMock.showModal.mock.calls[0] as unknown as [{ title: string; content: string }])[0]
    expect(modal.title).toBe('确认锁单')
    expect(modal.content).toContain('不予退还')
    expect(posts(bff, '/lock').map((x) => x.path)).toEqual([`/api/v1/orders/${order.orderNo}/lock`])
    expect($(c, '.order-state')!.textContent).toBe('已锁单')
    // After locking the deposit is called 定金, not 「意向金（已支付）」.
    const depositRow = $$(c, '.order-sum__row').find((r) => r.textContent?.startsWith('定金'))
    expect(depositRow?.textContent).toContain('（意向金已转为定金）')
    expect(c.textContent).not.toContain('意向金（已支付）')
  })

  it('申请退款 calls cancel on a paid intent deposit (→ 退款中)', async () => {
    const order = advance(makeOrder(CONFIG), 'pay', '2026-11-20T04:05:30.000Z', { kind: 'payment' })
    const { c, bff } = await openOrder([order])
    fireEvent.click($(c, '.order-action[data-action="refund_requested"]')!)
    await waitFor(() => expect($(c, '.order-state')!.dataset.state).toBe('refunding'))
    expect(posts(bff, '/cancel')).toHaveLength(1)
    expect($(c, '.order-refund')!.textContent).toContain('处理中')
  })

  it('on an H5 phone, 微信支付 starts WeChat H5 pay and goes to its cashier; the page follows the server to 已付意向金', async () => {
    const order = makeOrder(CONFIG)
    const { c, bff } = await openOrder([order], { pay: '1' })
    await waitFor(() => expect($(c, '.pay-method[data-method="h5"]')).toBeTruthy())
    expect(posts(bff, '/payments')).toHaveLength(0) // nothing leaves the page by itself
    fireEvent.click($(c, '.pay-method[data-method="h5"]')!)
    await waitFor(() => expect(window.location.hash).toBe('#cashier-h5'))
    expect(posts(bff, '/payments').map((x) => x.data)).toEqual([{ method: 'h5', platform: 'h5-mobile' }])
    expect(taroMock.requestPayment).not.toHaveBeenCalled()

    landPayment(bff, order.orderNo) // the buyer paid at WeChat's cashier; the notify reached the BFF
    await waitFor(() => expect($(c, '.order-state')!.dataset.state).toBe('deposit_paid'), { timeout: 5000 })
    expect($(c, '.pay-web')).toBeNull()
    expect($$(c, '.timeline-item')[0].dataset.event).toBe('pay')
    expect(taroMock.showToast).toHaveBeenCalledWith({ title: '支付成功', icon: 'success' })
    window.location.hash = ''
  })

  it('on a desktop screen (≥1280 px), shows the WeChat Pay QR code at once and 支付宝; with WeChat Pay down, says so', async () => {
    const matchMedia = window.matchMedia
    window.matchMedia = ((q: string) => ({ matches: q.includes('1280'), media: q, addEventListener() {}, removeEventListener() {} })) as never
    try {
      const order = makeOrder(CONFIG)
      const { c, bff } = await openOrder([order], { pay: '1' })
      await waitFor(() => expect($(c, '.pay-qr')).toBeTruthy())
      expect($(c, '.pay-qr')!.dataset.codeUrl).toBe(`weixin://wxpay/bizpayurl?pr=${order.orderNo.slice(-6)}`)
      expect($(c, '.pay-qr')!.textContent).toContain('请使用微信扫一扫完成支付')
      expect($(c, '.pay-qr')!.textContent).toContain(DEPOSIT)
      expect($$(c, '.pay-method').map((b) => b.dataset.method)).toEqual(['native', 'page'])
      expect(posts(bff, '/payments').map((x) => x.data)).toEqual([{ method: 'native', platform: 'h5-desktop' }])

      const other = makeOrder(CONFIG)
      bff.orders.set(other.orderNo, other)
      bff.wechatDown = true
      Object.assign(routerParams, { orderNo: other.orderNo, pay: undefined })
      const view = render(<OrderPage />)
      await waitFor(() => expect($(view.container, '.pay-notice')?.textContent).toBe('微信支付暂时不可用，请使用支付宝支付'))
      expect($(view.container, '.pay-method[data-method="native"]')!.dataset.available).toBe('false')
      expect($(view.container, '.pay-method[data-method="page"]')!.dataset.available).toBe('true')
    } finally {
      window.matchMedia = matchMedia
    }
  })

  it('shows the login prompt when the BFF answers 401', async () => {
    const order = makeOrder(CONFIG)
    installFakeOrders([order])
    Object.assign(routerParams, { orderNo: order.orderNo })
    const { container: c } = render(<OrderPage />) // no token
    await waitFor(() => expect($(c, '.login-prompt')).toBeTruthy())
  })
})

describe('order detail: delivery', () => {
  it('shows the delivery centre and, once the car is on its way, 查看物流 to the tracking page', async () => {
    signIn()
    let order = makeOrder(CONFIG, { deliveryCentre: { code: 'CTU', name: '成都交付中心' } })
    for (const [event, actor] of [['pay', 'payment'], ['lock', 'buyer'], ['allocate', 'staff'], ['ship', 'staff']] as const) order = advance(order, event, '2026-11-21T04:00:00.000Z', { kind: actor })
    installFakeOrders([order])
    routerParams.orderNo = order.orderNo
    const { container: c } = render(<OrderPage />)
    await waitFor(() => expect($(c, '.order-state')).toBeTruthy())
    expect($(c, '.order-centre')!.textContent).toBe('交付中心成都交付中心')
    fireEvent.click($(c, '.tracking-entry')!)
    expect(taroMock.navigateTo).toHaveBeenCalledWith({ url: `/pages/tracking/index?orderNo=${order.orderNo}` })
  })
})

describe('订单 tab', () => {
  it('asks to log in without a session and sends nothing', () => {
    installFakeOrders()
    const { container: c } = render(<OrdersPage />)
    expect($(c, '.login-prompt')!.textContent).toContain('登录后查看您的订单')
    // H5: sign in right here with an SMS code (no false 「仅支持在微信小程序中使用」).
    expect($(c, '.login-prompt')!.textContent).not.toContain('仅支持')
    expect($(c, '.login-prompt .sms-form')).toBeTruthy()
    expect(taroMock.request).not.toHaveBeenCalled()
  })

  it('lists orders as cards with state, model/trim, total, deposit and created time; a card opens its order', async () => {
    signIn()
    const paid = advance(makeOrder(CONFIG), 'pay', '2026-11-20T04:05:30.000Z', { kind: 'payment' })
    const pending = makeOrder(priced('yuanshan-s5', TRIM, []))
    installFakeOrders([paid, pending])
    const { container: c } = render(<OrdersPage />)
    await waitFor(() => expect($$(c, '.order-card')).toHaveLength(2))
    const cards = $$(c, '.order-card')
    expect(cards.map((x) => x.dataset.orderNo)).toEqual([pending.orderNo, paid.orderNo])
    const card = cards[1]
    expect($(card, '.order-state')!.dataset.state).toBe('deposit_paid')
    expect($(card, '.order-state')!.textContent).toBe('已付意向金')
    expect(card.textContent).toContain('远山 S5')
    expect(card.textContent).toContain(paid.trimName)
    expect(card.textContent).toContain(formatFen(paid.totalFen))
    expect(card.textContent).toContain(DEPOSIT)
    expect(card.textContent).toContain('2026-11-20 12:00')
    expect(cards[0].textContent).toContain('前支付意向金')

    fireEvent.click(card)
    expect(taroMock.navigateTo).toHaveBeenCalledWith({ url: orderDetailPath(paid.orderNo) })
  })

  it('empty: says so and links to 车型', async () => {
    signIn()
    installFakeOrders()
    const { container: c } = render(<OrdersPage />)
    await waitFor(() => expect($(c, '.orders-empty')).toBeTruthy())
    expect(c.textContent).toContain('还没有订单')
    fireEvent.click($(c, '.orders-empty__go')!)
    expect(taroMock.switchTab).toHaveBeenCalledWith({ url: '/pages/models/index' })
  })

  it('a failed load shows the error with 重试', async () => {
    signIn()
    const bff = installFakeOrders()
    bff.override = (call) => (call.path === '/api/v1/orders' ? apiError(503, 'UPSTREAM_UNAVAILABLE', '服务繁忙，请稍后重试') : undefined)
    const { container: c } = render(<OrdersPage />)
    await waitFor(() => expect(c.textContent).toContain('服务繁忙，请稍后重试'))
    bff.override = undefined
    fireEvent.click($(c, '.status-view__retry')!)
    await waitFor(() => expect($(c, '.orders-empty')).toBeTruthy())
  })
})
