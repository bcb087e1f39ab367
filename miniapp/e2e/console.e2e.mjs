#!/usr/bin/env node
/**
 * H5 browser e2e of the staff console's orders (管理后台, packages/console) at 1440×900, against
 * the real BFF and the WeChat login, SMS, WeChat Pay and TMS simulators (`bash scripts/e2e.sh
 * console` starts them all). Build first: `pnpm --filter @carmall/miniapp build:h5`.
 *
 * Env: E2E_BASE_URL, E2E_WECHAT_SIM_URL, E2E_SMS_SIM_URL, E2E_WXPAY_SIM_URL, E2E_TMS_SIM_URL,
 * E2E_STAFF_OPENID (service role) and E2E_OPERATOR_OPENID (operator role), both made by
 * scripts/e2e.sh; E2E_ARTIFACTS_DIR, E2E_CHROMIUM.
 *
 * Outside the browser: a buyer signs in with WeChat, binds a phone (SMS code from the simulator),
 * orders a car to the 广州 centre, pays the deposit (WeChat Pay simulator) and locks it.
 * In the browser, as the service-role staff member: 管理后台 · 订单 finds the order by the buyer's
 * whole phone number (the row shows it masked, the page never has it in full), opens it beside the
 * table, allocates a VIN (a wrong check digit is said as typed), ships it to its centre (the TMS
 * shipment shows), marks it arrived and delivered — each step confirmed, with its progress, and
 * seen in the timeline with its audit entry. The service user's menu has no 商品目录 and its URL
 * shows 无权限 (the BFF's 403); an operator's has it. Screenshots: console-search.png,
 * console-allocate.png, console-delivered.png, console-phone.png (390×844: stacked), console-vehicles.png
 * (the delivered car found in 车辆 by the buyer's phone), console-forbidden.png.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { ARTIFACTS, BASE, E2EFailure, api, check, checkNoPageErrors, failWith, http, launch, openPage, run, storeToken, until, watchErrors, shot, textOf, waitShown, wechatSignIn } from './lib.mjs'

const trim = (u) => (u || '').replace(/\/+$/, '')
const WECHAT_SIM = trim(process.env.E2E_WECHAT_SIM_URL)
const SMS_SIM = trim(process.env.E2E_SMS_SIM_URL)
const WXPAY_SIM = trim(process.env.E2E_WXPAY_SIM_URL)
const TMS_SIM = trim(process.env.E2E_TMS_SIM_URL)
const STAFF_OPENID = process.env.E2E_STAFF_OPENID
const OPERATOR_OPENID = process.env.E2E_OPERATOR_OPENID
const PAGE = '.taro_page_stationed'
const DESKTOP = { width: 1440, height: 900 }
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

const signIn = (openid) => wechatSignIn(WECHAT_SIM, openid)

/** A VIN with the right check digit (ISO 3779, as shared-types computes it). */
function vinWithCheckDigit(body17) {
  const tr = { A: 1, B: 2, C: 3, D: 4, E: 5, F: 6, G: 7, H: 8, J: 1, K: 2, L: 3, M: 4, N: 5, P: 7, R: 9, S: 2, T: 3, U: 4, V: 5, W: 6, X: 7, Y: 8, Z: 9 }
  const weights = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]
  const sum = [...body17].reduce((s, c, i) => s + (/\d/.test(c) ? Number(c) : tr[c]) * weights[i], 0)
  const r = sum % 11
  return body17.slice(0, 8) + (r === 10 ? 'X' : String(r)) + body17.slice(9)
}

const text = textOf

/** One action from the order panel: its button, the dialog (with `fill`), 确认 with its progress, then the next state's button. */
async function act(page, action, label, { fill, then }) {
  await page.click(`${PAGE} .order-panel .order-action--${action}`)
  await waitShown(page, `.action-dialog--${action}`, `the ${label} dialog`)
  check((await text(page, '.action-dialog__title')).startsWith(label), `the dialog reads "${await text(page, '.action-dialog__title')}"`)
  if (fill) await fill()
  await page.click(`${PAGE} .action-dialog__confirm`)
  await page.waitForSelector(`${PAGE} .action-dialog`, { state: 'detached', timeout: 20_000 }).catch(async () => {
    throw new E2EFailure(`the ${label} dialog never closed: ${await text(page, '.action-dialog').catch(() => '')}`)
  })
  await waitShown(page, then, `after ${label}`)
}

async function main() {
  for (const [v, name] of [[WECHAT_SIM, 'E2E_WECHAT_SIM_URL'], [SMS_SIM, 'E2E_SMS_SIM_URL'], [WXPAY_SIM, 'E2E_WXPAY_SIM_URL'], [TMS_SIM, 'E2E_TMS_SIM_URL'], [STAFF_OPENID, 'E2E_STAFF_OPENID'], [OPERATOR_OPENID, 'E2E_OPERATOR_OPENID']])
    check(v, `${name} is not set (run through scripts/e2e.sh)`)
  mkdirSync(ARTIFACTS, { recursive: true })

  // 1. A buyer with a verified phone and a paid, locked order to 广州; the carrier's clock stands still.
  await http('POST', `${TMS_SIM}/__sim/tms/clock`, { body: { paused: true } })
  const phone = `139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`
  const masked = `${phone.slice(0, 3)}****${phone.slice(-4)}`
  const { token } = await signIn()
  await http('POST', `${BASE}/api/v1/auth/sms/send`, { body: { phone } })
  const sms = await until(`an SMS code for ${phone}`, () => http('GET', `${SMS_SIM}/__sim/sms/last?phone=${phone}`).then((m) => m.code), 10_000)
  await http('POST', `${BASE}/api/v1/me/phone`, { token, body: { phone, code: sms } })
  const { model } = await http('GET', `${BASE}/api/v1/catalog/models/yuanshan-s5`)
  const order = await http('POST', `${BASE}/api/v1/orders`, {
    token,
    headers: { 'Idempotency-Key': `e2e-console-${Date.now()}` },
    body: { modelCode: model.code, trimCode: model.trims[0].code, selections: [], deliveryCentreCode: 'CAN' },
  })
  const { outTradeNo } = await http('POST', `${BASE}/api/v1/orders/${order.orderNo}/payments/wechat`, { token })
  await http('POST', `${WXPAY_SIM}/__sim/wxpay/pay`, { body: { out_trade_no: outTradeNo } })
  await until('the deposit to be paid', async () => (await http('GET', `${BASE}/api/v1/orders/${order.orderNo}`, { token })).state === 'deposit_paid')
  await http('POST', `${BASE}/api/v1/orders/${order.orderNo}/lock`, { token })
  const staff = await signIn(STAFF_OPENID)
  check(staff.user.roles.includes('service') && !staff.user.roles.includes('operator'), `${STAFF_OPENID} should be service only: ${JSON.stringify(staff.user.roles)}`)
  console.log(`order ${order.orderNo} paid and locked, buyer ${masked}`)

  const stamp = String(Date.now()).slice(-6)
  const vin = vinWithCheckDigit(`LLYS5A1R0RS${stamp}`)
  const wrongVin = vin.slice(0, 8) + (vin[8] === '1' ? '2' : '1') + vin.slice(9)

  const profiles = [mkdtempSync(path.join(tmpdir(), 'carmall-e2e-console-')), mkdtempSync(path.join(tmpdir(), 'carmall-e2e-console-op-'))]
  const context = await launch(profiles[0])
  await storeToken(context, staff.token)
  const page = context.pages()[0] ?? (await context.newPage())
  await page.setViewportSize(DESKTOP)
  const pageErrors = watchErrors(page)
  let current = page
  let currentErrors = pageErrors
  let opContext = null
  try {
    // 2. Find the order by the buyer's whole phone number.
    await openPage(page, 'packages/console/pages/orders')
    await waitShown(page, '.console-nav__item[data-key="orders"]', 'the console menu')
    await waitShown(page, '.order-row', 'the order table')
    const menu = await page.$$eval(`${PAGE} .console-nav__item`, (els) => els.map((e) => e.getAttribute('data-key')))
    check(JSON.stringify(menu) === '["orders","vehicles"]', `the service user's menu is ${JSON.stringify(menu)}, expected orders and vehicles only (no 商品目录)`)
    const box = await page.$eval(`${PAGE} .console-nav`, (el) => el.getBoundingClientRect().toJSON())
    check(box.width >= 150 && box.height >= 600, `the menu is not a left column at 1440×900: ${JSON.stringify(box)}`)
    await page.fill(`${PAGE} .console-search input`, phone)
    await page.click(`${PAGE} .console-search__go`)
    const row = `.order-row[data-order-no="${order.orderNo}"]`
    await until('exactly the buyer\'s order in the table', async () => (await page.$$(`${PAGE} .order-row`)).length === 1 && (await page.$(`${PAGE} ${row}`)))
    check((await text(page, `${row} .order-row__phone`)) === masked, `the row shows "${await text(page, `${row} .order-row__phone`)}", expected ${masked}`)
    check((await text(page, '.console-orders__count')).includes(`搜索：${masked}`), `the count reads "${await text(page, '.console-orders__count')}"`)
    // (The search box holds what staff typed; everything the page shows has it masked.)
    check(!(await page.evaluate(() => document.body.innerText)).includes(phone), 'the page shows the buyer\'s phone number in full')
    await shot(page, 'console-search.png')

    // 3. Open it beside the table and allocate a VIN (a wrong check digit is said as typed).
    await page.click(`${PAGE} ${row} .order-row__no`)
    await waitShown(page, '.order-panel .order-action--allocate', 'the allocate action on the order panel')
    check((await text(page, '.order-panel__buyer')).includes(masked), `the panel's buyer reads "${await text(page, '.order-panel__buyer')}"`)
    const panel = await page.$eval(`${PAGE} .order-panel`, (el) => el.getBoundingClientRect().toJSON())
    check(panel.width >= 480 && panel.width < DESKTOP.width / 2 && Math.round(panel.right) === DESKTOP.width, `the order panel is not a side panel: ${JSON.stringify(panel)}`)
    await act(page, 'allocate', '配车', {
      fill: async () => {
        await page.fill(`${PAGE} .action-dialog__vin input`, wrongVin)
        await until('the check-digit message', async () => (await text(page, '.action-dialog__vin-check')).includes('校验未通过'), 5_000)
        await page.fill(`${PAGE} .action-dialog__vin input`, vin.toLowerCase())
        await until('the VIN accepted', async () => (await text(page, '.action-dialog__vin-check')) === `校验通过：${vin}`, 5_000)
        await shot(page, 'console-allocate.png')
      },
      then: '.order-panel .order-action--ship',
    })
    check((await text(page, '.order-panel__vin')).includes(vin), 'the panel does not show the allocated VIN')

    // 4. Ship it to its centre (the buyer's choice, preselected), then arrival and delivery.
    await act(page, 'ship', '发车', {
      fill: async () => check((await page.getAttribute(`${PAGE} .action-dialog__centres .c-chip--on`, 'data-value')) === 'CAN', 'the buyer\'s centre (CAN) is not preselected'),
      then: '.order-panel .order-action--arrive',
    })
    check(/^运单TMS/.test((await text(page, '.order-tracking__no')).replace(/\s/g, '')), `no TMS shipment on the panel: "${await text(page, '.order-tracking')}"`)
    await act(page, 'arrive', '到店', { then: '.order-panel .order-action--deliver' })
    await act(page, 'deliver', '交付', { then: '.order-panel .order-actions__none' })
    check((await text(page, '.order-panel__state')) === '已交付', `the panel's state reads "${await text(page, '.order-panel__state')}"`)

    // 5. Every step in the timeline, each with its audit entry, and the table follows.
    const timeline = await page.$$eval(`${PAGE} .timeline-entry`, (els) => els.map((e) => ({ kind: e.getAttribute('data-kind'), text: e.textContent })))
    for (const step of ['分配车辆 → 已配车', '发车 → 运输中', '到达交付中心 → 待交付', '交付 → 已交付']) check(timeline.some((e) => e.kind === 'state' && e.text.includes(step)), `the timeline has no "${step}"`)
    for (const a of ['配车', '发车', '到店', '交付']) check(timeline.some((e) => e.kind === 'audit' && e.text.includes(`审计：${a}`)), `the timeline has no audit entry for ${a}`)
    check(timeline.some((e) => e.kind === 'audit' && e.text.includes(`车架号 ${vin}`)), 'the allocation\'s audit entry does not name the VIN')
    await until('the table row delivered', async () => (await page.getAttribute(`${PAGE} ${row}`, 'data-state')) === 'delivered')
    const detail = await api(`/admin/orders/${order.orderNo}`, { token: staff.token })
    check(detail.order.state === 'delivered' && detail.order.vin === vin, `the BFF says ${detail.order.state} / ${detail.order.vin}`)
    check(JSON.stringify(detail.audit.map((a) => a.action).sort()) === JSON.stringify(['order.allocate', 'order.arrive', 'order.deliver', 'order.ship']), `audit: ${detail.audit.map((a) => a.action)}`)
    await page.$eval(`${PAGE} .order-timeline`, (el) => el.scrollIntoView({ block: 'start' }))
    await shot(page, 'console-delivered.png')
    checkNoPageErrors(pageErrors)

    // On a phone the console stacks (menu on top, the order full width): usable, not optimal.
    await page.setViewportSize({ width: 390, height: 844 })
    await sleep(300)
    const phoneNav = await page.$eval(`${PAGE} .console-nav`, (el) => el.getBoundingClientRect().toJSON())
    const phonePanel = await page.$eval(`${PAGE} .order-panel`, (el) => el.getBoundingClientRect().toJSON())
    check(phoneNav.height < 120 && phoneNav.width >= 380, `on a phone the menu is not a row on top: ${JSON.stringify(phoneNav)}`)
    check(Math.round(phonePanel.width) === 390 && Math.round(phonePanel.left) === 0, `on a phone the order is not full width: ${JSON.stringify(phonePanel)}`)
    await shot(page, 'console-phone.png')
    await page.setViewportSize(DESKTOP)

    // 5b. 车辆: the car just handed over is among its owner's cars, found by the buyer's phone.
    await openPage(page, 'packages/console/pages/vehicles')
    await waitShown(page, '.vehicle-total', 'the 车辆 list')
    await page.fill(`${PAGE} .vehicle-search input`, phone)
    await until(`the delivered car ${vin} under ${masked} in 车辆`, async () => {
      await page.click(`${PAGE} .vehicle-search-go`)
      return !!(await page.waitForSelector(`${PAGE} .vehicle-row[data-vin="${vin}"]`, { timeout: 1_500 }).catch(() => null))
    })
    check((await text(page, `.vehicle-row[data-vin="${vin}"] .vehicle-row__owner`)).includes(masked), `the car's owner reads "${await text(page, `.vehicle-row[data-vin="${vin}"] .vehicle-row__owner`)}"`)
    await shot(page, 'console-vehicles.png')

    // 6. The catalog section: no entry for a service user, 无权限 (the BFF's 403) when opened by URL.
    await openPage(page, 'packages/console/pages/catalog')
    await waitShown(page, '.console-forbidden', 'the 无权限 state on the catalog URL')
    check((await text(page, '.console-forbidden')).includes('无权限'), `the catalog page reads "${await text(page, '.console-forbidden')}"`)
    const refused = pageErrors.filter((e) => /^HTTP 403 .*\/api\/v1\/admin\/catalog\/models$/.test(e))
    check(refused.length === 1, `the BFF did not answer the catalog 403: ${JSON.stringify(pageErrors)}`)
    pageErrors.splice(0, pageErrors.length, ...pageErrors.filter((e) => !refused.includes(e)))
    await waitShown(page, '.console-nav__item[data-key="orders"]', 'the menu on the catalog page')
    check(!(await page.$(`${PAGE} .console-nav__item[data-key="catalog"]`)), 'the service user has a 商品目录 menu entry')
    await shot(page, 'console-forbidden.png')
    checkNoPageErrors(pageErrors)

    // 7. An operator has the entry and the page.
    const operator = await signIn(OPERATOR_OPENID)
    opContext = await launch(profiles[1])
    await storeToken(opContext, operator.token)
    const op = opContext.pages()[0] ?? (await opContext.newPage())
    await op.setViewportSize(DESKTOP)
    const opErrors = watchErrors(op)
    current = op
    currentErrors = opErrors
    await openPage(op, 'packages/console/pages/catalog')
    await waitShown(op, '.console-catalog', "the operator's catalog section")
    await waitShown(op, '.console-nav__item[data-key="catalog"]', "the operator's 商品目录 entry")
    checkNoPageErrors(opErrors)
    console.log(`PASS: found ${order.orderNo} by ${masked}, allocated ${vin}, shipped to 广州, arrived, delivered — ${timeline.length} timeline lines with 4 audit entries; service user: no 商品目录, 无权限 on its URL; operator: has it`)
  } catch (err) {
    await failWith(current, 'console', currentErrors, err)
  } finally {
    await context.close()
    await opContext?.close()
    for (const p of profiles) rmSync(p, { recursive: true, force: true })
  }
}

run('console', main)
