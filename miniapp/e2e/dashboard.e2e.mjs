#!/usr/bin/env node
/**
 * H5 browser e2e of 管理后台 · 经营看板 at 1440×900 against the real BFF and the WeChat login and
 * WeChat Pay simulators (`bash scripts/e2e.sh dashboard`). Outside the browser a buyer places two
 * orders and pays one; the operator (E2E_OPERATOR_OPENID) opens the dashboard: today's row has
 * exactly two more orders and one more deposit than the BFF answered before, and the charts are
 * drawn (echarts' SVG with bars in it). Screenshot: dashboard.png.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { ARTIFACTS, BASE, check, checkNoPageErrors, failWith, http, launch, openPage, run, shot, storeToken, textOf, until, waitShown, watchErrors, wechatSignIn } from './lib.mjs'

const trim = (u) => (u || '').replace(/\/+$/, '')
const WECHAT_SIM = trim(process.env.E2E_WECHAT_SIM_URL)
const WXPAY_SIM = trim(process.env.E2E_WXPAY_SIM_URL)
const OPERATOR_OPENID = process.env.E2E_OPERATOR_OPENID
const PAGE = '.taro_page_stationed'
const shanghaiDay = (t) => new Date(t + 8 * 3_600_000).toISOString().slice(0, 10)

async function main() {
  for (const [v, name] of [[WECHAT_SIM, 'E2E_WECHAT_SIM_URL'], [WXPAY_SIM, 'E2E_WXPAY_SIM_URL'], [OPERATOR_OPENID, 'E2E_OPERATOR_OPENID']]) check(v, `${name} is not set (run through scripts/e2e.sh)`)
  mkdirSync(ARTIFACTS, { recursive: true })
  const operator = await wechatSignIn(WECHAT_SIM, OPERATOR_OPENID)
  const today = shanghaiDay(Date.now())
  const before = (await http('GET', `${BASE}/api/v1/admin/dashboard?from=${today}&to=${today}`, { token: operator.token })).days[0]

  const { token } = await wechatSignIn(WECHAT_SIM)
  const { model } = await http('GET', `${BASE}/api/v1/catalog/models/yuanshan-s5`)
  const place = (n) =>
    http('POST', `${BASE}/api/v1/orders`, { token, headers: { 'Idempotency-Key': `e2e-dash-${Date.now()}-${n}` }, body: { modelCode: model.code, trimCode: model.trims[0].code, selections: [] } })
  const paid = await place(1)
  await place(2)
  const { outTradeNo } = await http('POST', `${BASE}/api/v1/orders/${paid.orderNo}/payments/wechat`, { token })
  await http('POST', `${WXPAY_SIM}/__sim/wxpay/pay`, { body: { out_trade_no: outTradeNo } })
  await until('the deposit to be paid', async () => (await http('GET', `${BASE}/api/v1/orders/${paid.orderNo}`, { token })).state === 'deposit_paid')

  const profile = mkdtempSync(path.join(tmpdir(), 'carmall-e2e-dash-'))
  const context = await launch(profile)
  await storeToken(context, operator.token)
  const page = context.pages()[0] ?? (await context.newPage())
  await page.setViewportSize({ width: 1440, height: 900 })
  const errors = watchErrors(page)
  try {
    await openPage(page, 'packages/console/pages/dashboard')
    await waitShown(page, `.dash-day[data-date="${today}"]`, "today's row")
    const placed = Number(await textOf(page, `.dash-day[data-date="${today}"] .dash-day__placed`))
    const deposits = Number(await textOf(page, `.dash-day[data-date="${today}"] .dash-day__paid`))
    check(placed === before.placed + 2, `today's orders read ${placed}, expected ${before.placed + 2}`)
    check(deposits === before.depositsPaid + 1, `today's deposits read ${deposits}, expected ${before.depositsPaid + 1}`)
    check((await page.$$eval(`${PAGE} .console-nav__item`, (els) => els.map((e) => e.getAttribute('data-key')))).includes('dashboard'), 'the operator has no 经营看板 entry')
    await waitShown(page, '.dash-chart--orders svg', 'the orders chart')
    const drawn = await page.$$eval(`${PAGE} .dash-chart--orders svg path`, (els) => els.filter((e) => (e.getAttribute('d') || '').length > 10).length)
    check(drawn > 5, `the orders chart has ${drawn} drawn paths`)
    const box = await page.$eval(`${PAGE} .dash-chart--orders svg`, (el) => el.getBoundingClientRect().toJSON())
    check(box.width > 600 && box.height > 200, `the chart is ${JSON.stringify(box)}`)
    await shot(page, 'dashboard.png')
    checkNoPageErrors(errors)
    console.log(`PASS: today (${today}) ${placed} orders, ${deposits} deposits on the dashboard; chart drawn with ${drawn} paths`)
  } catch (err) {
    await failWith(page, 'dashboard', errors, err)
  } finally {
    await context.close()
    rmSync(profile, { recursive: true, force: true })
  }
}

run('dashboard', main)
