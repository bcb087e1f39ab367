#!/usr/bin/env node
/**
 * H5 browser e2e of paying a deposit on the PC site (1440×900): the order page shows the WeChat Pay
 * Native QR code; the test reads its code_url and tells the WeChat Pay simulator the buyer scanned
 * and paid it; the page follows the order to 已付意向金. Then, with WeChat Pay failing (the
 * simulator answers SYSTEM_ERROR), a second order's page says 微信支付暂时不可用，请使用支付宝支付 and
 * pays by Alipay page pay: the browser goes to the Alipay simulator's cashier, 确认付款, and comes
 * back (return_url → the order page), which shows the order paid — once.
 *
 * Env: E2E_BASE_URL, E2E_WECHAT_SIM_URL, E2E_WXPAY_SIM_URL, E2E_ARTIFACTS_DIR, E2E_CHROMIUM.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { ARTIFACTS, BASE, E2EFailure, check, checkNoPageErrors, failWith, http, launch, run, storeToken, watchErrors, wechatSignIn, yuan } from './lib.mjs'

const trim = (u) => (u || '').replace(/\/+$/, '')
const WECHAT_SIM = trim(process.env.E2E_WECHAT_SIM_URL)
const WXPAY_SIM = trim(process.env.E2E_WXPAY_SIM_URL)
const MODEL = 'yuanshan-s5'
const PAGE = '.taro_page_stationed'

async function main() {
  check(WECHAT_SIM, 'E2E_WECHAT_SIM_URL is not set (the WeChat login simulator)')
  check(WXPAY_SIM, 'E2E_WXPAY_SIM_URL is not set (the WeChat Pay simulator)')
  mkdirSync(ARTIFACTS, { recursive: true })
  const { token } = await wechatSignIn(WECHAT_SIM)
  const { model } = await http('GET', `${BASE}/api/v1/catalog/models/${MODEL}`)
  const place = () =>
    http('POST', `${BASE}/api/v1/orders`, { token, headers: { 'idempotency-key': `e2e-pay-${Date.now()}-${Math.random().toString(36).slice(2, 10)}` }, body: { modelCode: MODEL, trimCode: model.trims[0].code, selections: [] } })

  const profile = mkdtempSync(path.join(tmpdir(), 'carmall-e2e-'))
  const context = await launch(profile)
  await storeToken(context, token)
  const page = context.pages()[0] ?? (await context.newPage())
  await page.setViewportSize({ width: 1440, height: 900 })
  const pageErrors = watchErrors(page)
  const orders = []
  try {
    // 1. The QR code: from checkout (pay=1) the desktop order page shows it at once.
    const order = await place()
    orders.push(order.orderNo)
    await page.goto(`${BASE}/#/pages/order/index?orderNo=${order.orderNo}&pay=1`, { waitUntil: 'domcontentloaded' })
    const qr = await page.waitForSelector(`${PAGE} .pay-qr[data-code-url]`, { timeout: 20_000 }).catch(async () => {
      throw new E2EFailure(`no WeChat Pay QR code on the desktop order page; it shows: ${(await page.textContent(PAGE).catch(() => '')).slice(0, 300)}`)
    })
    const codeUrl = await qr.getAttribute('data-code-url')
    check(/^weixin:\/\/wxpay\/bizpayurl\?pr=/.test(codeUrl), `the QR code holds ${codeUrl}`)
    const img = await page.$(`${PAGE} .pay-qr__code img, ${PAGE} img.pay-qr__code, ${PAGE} .pay-qr__code`)
    check(img && (await img.boundingBox())?.width >= 150, 'the QR code is not drawn large enough to scan')
    const qrText = await page.textContent(`${PAGE} .pay-qr`)
    check(qrText.includes('请使用微信扫一扫完成支付') && qrText.includes(yuan(order.depositFen)), `the QR panel says: ${qrText}`)
    const methods = await page.$$eval(`${PAGE} .pay-method`, (els) => els.map((e) => e.getAttribute('data-method')))
    check(methods.join(',') === 'native,page', `the desktop page offers [${methods}], expected native,page`)
    check(/请在 \d{2}:\d{2} 内支付意向金/.test(await page.textContent(`${PAGE} .order-countdown`)), 'no payment countdown')
    await page.screenshot({ path: path.join(ARTIFACTS, 'pay-qr.png') })
    console.log(`order ${order.orderNo}: QR code ${codeUrl}`)

    const scanned = await http('POST', `${WXPAY_SIM}/__sim/wxpay/scan`, { body: { code_url: codeUrl } })
    check(scanned.trade_state === 'SUCCESS', `the simulator could not pay the QR code: ${JSON.stringify(scanned).slice(0, 200)}`)
    await page.waitForSelector(`${PAGE} .order-state[data-state="deposit_paid"]`, { timeout: 20_000 }).catch(() => {
      throw new E2EFailure('the page never showed 已付意向金 after the QR code was paid')
    })
    check(!(await page.$(`${PAGE} .pay-qr`)), 'the QR code is still shown after payment')
    const paid = await http('GET', `${BASE}/api/v1/orders/${order.orderNo}`, { token })
    check(paid.payments.some((p) => p.method === 'native' && p.status === 'paid'), `the order's payments: ${JSON.stringify(paid.payments)}`)
    console.log('paid by the QR code: 已付意向金')

    // 2. WeChat Pay failing: the backup channel (Alipay page pay).
    await http('POST', `${WXPAY_SIM}/__sim/wxpay/fail`, { body: { times: 200, status: 500, code: 'SYSTEM_ERROR' } })
    const second = await place()
    orders.push(second.orderNo)
    await page.goto('about:blank')
    await page.goto(`${BASE}/#/pages/order/index?orderNo=${second.orderNo}&pay=1`, { waitUntil: 'domcontentloaded' })
    await page.waitForFunction((sel) => (document.querySelector(sel)?.textContent ?? '').includes('微信支付暂时不可用，请使用支付宝支付'), `${PAGE} .pay-notice`, { timeout: 20_000 }).catch(async () => {
      throw new E2EFailure(`no backup notice while WeChat Pay fails; the page shows: ${(await page.textContent(PAGE).catch(() => '')).slice(0, 300)}`)
    })
    check((await page.getAttribute(`${PAGE} .pay-method[data-method="native"]`, 'data-available')) === 'false', 'WeChat Pay is still offered while it fails')
    await page.screenshot({ path: path.join(ARTIFACTS, 'pay-backup.png') })
    await page.click(`${PAGE} .pay-method[data-method="page"]`)
    await page.waitForSelector('button.pay', { timeout: 20_000 }).catch(() => { throw new E2EFailure('the browser never reached the Alipay cashier') })
    check((await page.textContent('.amount')).includes(`${(second.depositFen / 100).toFixed(2)}`), 'the Alipay cashier shows another amount')
    await page.screenshot({ path: path.join(ARTIFACTS, 'pay-alipay-cashier.png') })
    await page.click('button.pay')
    await page.waitForURL((u) => u.toString().startsWith(BASE) && u.hash.includes(second.orderNo), { timeout: 20_000 }).catch(() => {
      throw new E2EFailure(`Alipay did not bring the browser back to the order page (at ${page.url()})`)
    })
    await page.waitForSelector(`${PAGE} .order-state[data-state="deposit_paid"]`, { timeout: 20_000 }).catch(() => {
      throw new E2EFailure('back from Alipay, the page never showed 已付意向金')
    })
    const second2 = await http('GET', `${BASE}/api/v1/orders/${second.orderNo}`, { token })
    check(second2.timeline.filter((e) => e.event === 'pay').length === 1, 'the order was paid more than once')
    check(second2.payments.some((p) => p.method === 'page' && p.status === 'paid'), `the order's payments: ${JSON.stringify(second2.payments)}`)
    await page.screenshot({ path: path.join(ARTIFACTS, 'pay-paid.png') })
    console.log('paid by Alipay page pay while WeChat Pay was failing: 已付意向金, once')
    checkNoPageErrors(pageErrors.filter((e) => !/503|UPSTREAM_UNAVAILABLE|Failed to load resource/.test(e)))
    console.log(`PASS: screenshots in ${ARTIFACTS}/pay-qr.png, pay-backup.png, pay-alipay-cashier.png, pay-paid.png`)
  } catch (err) {
    await failWith(page, 'pay', pageErrors, err)
  } finally {
    await http('POST', `${WXPAY_SIM}/__sim/wxpay/fail`, { body: { times: 0, status: 500, code: 'SYSTEM_ERROR' } }).catch(() => {})
    await context.close()
    rmSync(profile, { recursive: true, force: true })
    for (const no of orders) await http('POST', `${BASE}/api/v1/orders/${no}/cancel`, { token }).catch(() => {})
  }
}

run('pay', main)
