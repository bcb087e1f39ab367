#!/usr/bin/env node
/**
 * H5 browser e2e from a configuration to a paid intent deposit and the order timeline, against the
 * real BFF (serving the H5 build, seeded, WeChat Pay configured) and the WeChat login and WeChat
 * Pay simulators. Build first: `pnpm --filter @carmall/miniapp build:h5`.
 *
 *   E2E_BASE_URL=http://127.0.0.1:3000 E2E_WECHAT_SIM_URL=http://127.0.0.1:3901 \
 *   E2E_WXPAY_SIM_URL=http://127.0.0.1:3902 pnpm --filter @carmall/miniapp e2e order
 *
 * Env: E2E_BASE_URL, E2E_WECHAT_SIM_URL, E2E_WXPAY_SIM_URL, E2E_ARTIFACTS_DIR, E2E_CHROMIUM.
 *
 * H5 has no wx.login, so the test signs in outside the browser the way WeChat would (a code from
 * the WeChat simulator, exchanged at POST /api/v1/auth/wechat) and puts the token where Taro H5's
 * setStorageSync keeps it (localStorage 'carmall.token' = JSON {"data": token}) before the app
 * loads. In the browser: configurator → 立即下定 → checkout (terms, agree) → 支付意向金 → the order
 * page offers 微信支付 (H5 pay) and 支付宝 (wap); 微信支付 sends the browser to WeChat's H5 cashier
 * (the simulator's h5_url), 确认支付 pays (the signed notify reaches the BFF) and brings the browser
 * back to the order page, which shows 已付意向金 and the timeline.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { ARTIFACTS, BASE, E2EFailure, check, checkNoPageErrors, failWith, http, launch, priceAt, run, watchErrors, yuan } from './lib.mjs'

const trim = (u) => (u || '').replace(/\/+$/, '')
const WECHAT_SIM = trim(process.env.E2E_WECHAT_SIM_URL)
const WXPAY_SIM = trim(process.env.E2E_WXPAY_SIM_URL)
const MODEL = 'yuanshan-s5'
const TOKEN_KEY = 'carmall.token'
const PAGE = '.taro_page_stationed'

async function main() {
  check(WECHAT_SIM, 'E2E_WECHAT_SIM_URL is not set (the WeChat login simulator)')
  check(WXPAY_SIM, 'E2E_WXPAY_SIM_URL is not set (the WeChat Pay simulator)')
  mkdirSync(ARTIFACTS, { recursive: true })

  // 1. Sign in like the mini-program would: wx.login's code (from the simulator) → BFF session.
  const { code } = await http('POST', `${WECHAT_SIM}/__sim/wechat/codes`, { body: {} })
  const { token } = await http('POST', `${BASE}/api/v1/auth/wechat`, { body: { code } })
  check(typeof token === 'string' && token.length > 0, 'POST /auth/wechat returned no token')
  const terms = await http('GET', `${BASE}/api/v1/orders/terms`)
  console.log(`signed in; deposit terms ${terms.version}: ${yuan(terms.intentDepositFen)}, ${terms.paymentWindowMinutes} min to pay`)

  // 2. The configuration: the first trim with a rule-free paint other than its default.
  const { model, pricedAt } = await http('GET', `${BASE}/api/v1/catalog/models/${MODEL}`)
  const at = Date.parse(pricedAt)
  const firstTrim = model.trims[0]
  const opt = (c) => model.options.find((o) => o.code === c)
  const defaultPaint = firstTrim.defaults.find((c) => opt(c).group === 'paint')
  const paint = model.options.find(
    (o) => o.group === 'paint' && o.code !== defaultPaint && o.availableOn.includes(firstTrim.code) &&
      !o.requires && !o.requiresAny && !o.excludes && priceAt(o.prices, at) !== priceAt(opt(defaultPaint).prices, at),
  )
  check(paint, `no rule-free paint on ${firstTrim.name} besides the default`)
  console.log(`configuring ${model.name} ${firstTrim.name} in ${paint.name}`)

  // 3. Browser with the session already in storage (as Taro H5's setStorageSync writes it).
  const profile = mkdtempSync(path.join(tmpdir(), 'carmall-e2e-'))
  const context = await launch(profile)
  await context.addInitScript(
    ([key, value]) => {
      try {
        if (location.protocol.startsWith('http')) localStorage.setItem(key, value)
      } catch {
        // about:blank and friends have no localStorage
      }
    },
    [TOKEN_KEY, JSON.stringify({ data: token })],
  )
  const page = context.pages()[0] ?? (await context.newPage())
  const pageErrors = watchErrors(page)

  /** Scroll to the middle of the screen (clear of fixed bottom bars), then tap. */
  const tap = async (selector) => {
    const el = await page.waitForSelector(selector, { timeout: 15_000 }).catch(() => {
      throw new E2EFailure(`nothing matches ${selector}`)
    })
    await el.evaluate((e) => e.scrollIntoView({ block: 'center' }))
    await el.click()
  }
  const textOf = (selector) => page.textContent(selector).catch(() => '(none)')

  let orderNo = null
  try {
    // 4. Configurator: pick the paint, wait for the server to confirm the price.
    await page.goto(`${BASE}/#/pages/model/index?code=${MODEL}`, { waitUntil: 'domcontentloaded' })
    await page.waitForSelector(`${PAGE} .config-total`, { timeout: 20_000 }).catch(() => {
      throw new E2EFailure('the configurator never showed a total; is the H5 build served at /?')
    })
    const confirmed = () =>
      page.waitForFunction((sel) => document.querySelector(sel)?.textContent === '总价', `${PAGE} .config-bar__label`, { timeout: 10_000 })
    await confirmed()
    await tap(`${PAGE} .option-item[data-code="${paint.code}"]`)
    await page.waitForSelector(`${PAGE} .option-item[data-code="${paint.code}"][data-selected="true"]`, { timeout: 10_000 })
    await confirmed().catch(() => { throw new E2EFailure(`the server never confirmed ${paint.name}`) })
    const total = Number(await page.getAttribute(`${PAGE} .config-total`, 'data-total-fen'))
    console.log(`configured: ${yuan(total)}`)
    await page.screenshot({ path: path.join(ARTIFACTS, 'order-configure.png') })

    // 5. 立即下定 → checkout: summary, total, the terms before paying.
    await tap(`${PAGE} .order-now`)
    await page.waitForSelector(`${PAGE}.checkout-page .checkout-pay, ${PAGE} .checkout-page .checkout-pay`, { timeout: 20_000 })
      .catch(() => { throw new E2EFailure('立即下定 did not open checkout with a pay button') })
    const checkout = `${PAGE} .checkout-page`
    await page.waitForTimeout(300) // page transition settles
    const shownTotal = Number(await page.getAttribute(`${checkout} .checkout-total`, 'data-total-fen'))
    check(shownTotal === total, `checkout shows ${yuan(shownTotal)}, the configurator showed ${yuan(total)}`)
    const paintLine = await page.$(`${checkout} .line-item[data-code="${paint.code}"]`)
    check(paintLine, `checkout line items do not include ${paint.name}`)
    const termsText = await textOf(`${checkout} .checkout-terms`)
    for (const line of terms.text) check(termsText.includes(line), `checkout does not show the term "${line}"`)
    const payText = (await textOf(`${checkout} .checkout-pay`)).trim()
    check(payText === `支付意向金 ${yuan(terms.intentDepositFen)}`, `the pay button says "${payText}"`)

    // Paying without agreeing is refused in the page.
    await tap(`${checkout} .checkout-pay`)
    await page.waitForFunction((sel) => (document.querySelector(sel)?.textContent ?? '').includes('请先阅读并同意'), `${checkout} .checkout-notice`, { timeout: 5_000 })
      .catch(() => { throw new E2EFailure('paying before agreeing to the terms was not refused') })
    await tap(`${checkout} .terms-agree`)
    check((await page.getAttribute(`${checkout} .terms-agree`, 'data-checked')) === 'true', '我已阅读并同意 did not check')
    await page.screenshot({ path: path.join(ARTIFACTS, 'order-checkout.png') })

    // 6. 支付意向金: the order is placed, the order page asks for the WeChat payment.
    const created = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/v1/orders', { timeout: 20_000 })
    await tap(`${checkout} .checkout-pay`)
    const createdRes = await created.catch(() => { throw new E2EFailure('支付意向金 sent no POST /api/v1/orders') })
    check(createdRes.status() === 201, `POST /orders -> ${createdRes.status()}: ${(await createdRes.text()).slice(0, 300)}`)
    check(/^[A-Za-z0-9_-]{8,64}$/.test(createdRes.request().headers()['idempotency-key'] ?? ''), 'POST /orders had no valid Idempotency-Key')
    const order = await createdRes.json()
    orderNo = order.orderNo
    check(order.totalFen === total, `the order's total is ${yuan(order.totalFen)}, the page showed ${yuan(total)}`)
    console.log(`order ${orderNo}: ${order.modelName} ${order.trimName} ${yuan(order.totalFen)}, deposit ${yuan(order.depositFen)}`)

    // A phone browser: the order page offers WeChat H5 pay and Alipay wap (nothing starts by itself).
    const panel = `${PAGE} .pay-methods`
    const orderPage = `${PAGE}.order-page, ${PAGE} .order-page`
    await page.waitForSelector(`${panel} .pay-method[data-method="h5"]`, { timeout: 15_000 }).catch(async () => {
      throw new E2EFailure(`the order page offers no 微信支付 (H5); it shows: ${(await textOf(orderPage)).slice(0, 300)}`)
    })
    const methods = await page.$$eval(`${PAGE} .pay-method`, (els) => els.map((e) => `${e.getAttribute('data-method')}:${e.textContent.trim()}`))
    check(methods.join(',') === 'h5:微信支付,wap:支付宝', `the phone page offers [${methods}], expected 微信支付 (h5) and 支付宝 (wap)`)
    check((await page.getAttribute(`${PAGE} .order-state`, 'data-state')) === 'pending_payment', 'the new order is not 待支付')
    check(/请在 \d{2}:\d{2} 内支付意向金/.test(await textOf(`${PAGE} .order-countdown`)), 'no payment countdown')
    await page.screenshot({ path: path.join(ARTIFACTS, 'order-pay.png') })

    // 7. 微信支付: the browser goes to WeChat's H5 cashier (the simulator's h5_url), the buyer pays,
    // WeChat notifies the BFF and sends the browser back to the order page, which follows the server.
    const prepay = page.waitForResponse((r) => r.request().method() === 'POST' && /\/api\/v1\/orders\/CM\d+\/payments$/.test(new URL(r.url()).pathname), { timeout: 30_000 })
    await tap(`${panel} .pay-method[data-method="h5"]`)
    const prepayRes = await prepay.catch(() => { throw new E2EFailure('微信支付 asked the BFF for no payment') })
    // The page leaves for the cashier at once: the answer's body is gone, the API has the payment.
    check(prepayRes.status() === 200, `POST /payments -> ${prepayRes.status()}`)
    const payment = (await http('GET', `${BASE}/api/v1/orders/${orderNo}`, { token })).payments.at(-1)
    check(payment?.outTradeNo === `${orderNo}H1` && payment.method === 'h5', `the payment is ${JSON.stringify(payment)}, expected ${orderNo}H1 (h5)`)
    await page.waitForSelector('button.pay', { timeout: 20_000 }).catch(() => { throw new E2EFailure(`the browser never reached WeChat's H5 cashier (at ${page.url()})`) })
    check((await page.getAttribute('.amount', 'data-total')) === String(payment.amountFen), 'the WeChat cashier shows another amount')
    console.log(`WeChat H5 cashier for ${payment.outTradeNo} ${yuan(payment.amountFen)}`)
    await page.click('button.pay')
    await page.waitForURL((u) => u.toString().startsWith(BASE) && u.hash.includes(orderNo), { timeout: 20_000 }).catch(() => {
      throw new E2EFailure(`WeChat did not bring the browser back to the order page (at ${page.url()})`)
    })
    await page.waitForSelector(`${PAGE} .order-state[data-state="deposit_paid"]`, { timeout: 30_000 }).catch(async () => {
      const api = await http('GET', `${BASE}/api/v1/orders/${orderNo}`, { token }).catch((e) => ({ state: e.message }))
      throw new E2EFailure(`the order page never showed 已付意向金 (page: ${await textOf(`${PAGE} .order-state`)}, API: ${api.state})`)
    })
    const stateText = (await textOf(`${PAGE} .order-state`)).trim()
    check(stateText === '已付意向金', `the state reads "${stateText}"`)
    const events = await page.$$eval(`${PAGE} .timeline-item`, (els) => els.map((e) => e.getAttribute('data-event')))
    check(events.includes('pay') && events.includes('created'), `the timeline has [${events}], expected pay and created`)
    const payLine = await textOf(`${PAGE} .timeline-item[data-event="pay"]`)
    check(payLine.includes('支付意向金'), `the pay line of the timeline reads "${payLine}"`)
    check(!(await page.$(panel)), 'the payment methods are still shown after payment')
    const actions = await page.$$eval(`${PAGE} .order-action`, (els) => els.map((e) => e.getAttribute('data-action')).sort())
    check(actions.join(',') === 'lock,refund_requested', `the paid order offers [${actions}], expected lock and refund_requested`)
    const apiOrder = await http('GET', `${BASE}/api/v1/orders/${orderNo}`, { token })
    check(apiOrder.state === 'deposit_paid', `the API says ${apiOrder.state}`)
    console.log(`paid: 已付意向金; timeline [${events.join(', ')}]: ${payLine.trim()}`)
    await page.waitForTimeout(300)
    await page.screenshot({ path: path.join(ARTIFACTS, 'order.png'), fullPage: true })

    // 8. Tab 订单 lists it as paid.
    await page.goto('about:blank')
    await page.goto(`${BASE}/#/pages/orders/index`, { waitUntil: 'domcontentloaded' })
    await page.waitForSelector(`.order-card[data-order-no="${orderNo}"] .order-state[data-state="deposit_paid"]`, { timeout: 15_000 })
      .catch(() => { throw new E2EFailure(`tab 订单 does not list ${orderNo} as 已付意向金`) })
    console.log(`tab 订单 lists ${orderNo} as 已付意向金`)

    checkNoPageErrors(pageErrors)
    console.log(`PASS: screenshots in ${ARTIFACTS}/order-configure.png, order-checkout.png, order-pay.png, order.png`)
  } catch (err) {
    await failWith(page, 'order', pageErrors, err)
  } finally {
    await context.close()
    rmSync(profile, { recursive: true, force: true })
    // Give the car back (the paid intent deposit is refundable; an unpaid order just cancels), so
    // repeated runs against one database do not use up the demo stock. Best effort.
    if (orderNo) {
      await http('POST', `${BASE}/api/v1/orders/${orderNo}/cancel`, { token })
        .then((o) => console.log(`cleanup: ${orderNo} -> ${o.state}`))
        .catch((e) => console.log(`cleanup of ${orderNo} skipped: ${e.message}`))
    }
  }
}

run('order', main)
