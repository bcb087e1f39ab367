#!/usr/bin/env node
/**
 * H5 browser e2e of the console's 对账 page (管理后台 · 对账) at 1440×900, against the real BFF and
 * the WeChat Pay simulator's trade bill (`bash scripts/e2e.sh reconciliation` starts them). Build first.
 *
 * Env: E2E_BASE_URL, E2E_WECHAT_SIM_URL, E2E_WXPAY_SIM_URL, E2E_OPERATOR_OPENID (operator role; made by scripts/e2e.sh),
 * E2E_ARTIFACTS_DIR, E2E_CHROMIUM.
 *
 * A buyer pays a deposit (WeChat Pay simulator); an operator opens 对账 (yesterday, Asia/Shanghai,
 * by default), picks today, taps 重新对账, and sees the report the BFF now holds for the day: its
 * status, the bill's and our amounts in the bars (ours including that deposit) and every mismatch,
 * as the report endpoint answers them (never hard-coded). Screenshot: reconciliation.png.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { ARTIFACTS, BASE, check, checkNoPageErrors, failWith, http, launch, openPage, run, shot, storeToken, textOf, until, waitShown, watchErrors, wechatSignIn, yuan } from './lib.mjs'

const WECHAT_SIM = (process.env.E2E_WECHAT_SIM_URL || '').replace(/\/+$/, '')
const OPERATOR_OPENID = process.env.E2E_OPERATOR_OPENID
const WXPAY_SIM = (process.env.E2E_WXPAY_SIM_URL || '').replace(/\/+$/, '')
const PAGE = '.taro_page_stationed'

async function main() {
  for (const [v, name] of [[WECHAT_SIM, 'E2E_WECHAT_SIM_URL'], [WXPAY_SIM, 'E2E_WXPAY_SIM_URL'], [OPERATOR_OPENID, 'E2E_OPERATOR_OPENID']]) check(v, `${name} is not set (run through scripts/e2e.sh)`)
  mkdirSync(ARTIFACTS, { recursive: true })
  const operator = await wechatSignIn(WECHAT_SIM, OPERATOR_OPENID)
  check(operator.user.roles.includes('operator'), `${OPERATOR_OPENID} is not an operator: ${JSON.stringify(operator.user.roles)}`)
  // Yesterday in Asia/Shanghai is the page's default day; today holds the deposit paid here.
  const yesterday = new Date(Date.now() + 8 * 3600_000 - 86_400_000).toISOString().slice(0, 10)
  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10)
  const buyer = await wechatSignIn(WECHAT_SIM, `oE2eRecon${Date.now()}`)
  const { model } = await http('GET', `${BASE}/api/v1/catalog/models/yuanshan-s5`)
  const order = await http('POST', `${BASE}/api/v1/orders`, { token: buyer.token, headers: { 'Idempotency-Key': `e2e-recon-${Date.now()}` }, body: { modelCode: model.code, trimCode: model.trims[0].code, selections: [] } })
  const { outTradeNo } = await http('POST', `${BASE}/api/v1/orders/${order.orderNo}/payments/wechat`, { token: buyer.token })
  await http('POST', `${WXPAY_SIM}/__sim/wxpay/pay`, { body: { out_trade_no: outTradeNo } })
  await until('the deposit to be paid', async () => (await http('GET', `${BASE}/api/v1/orders/${order.orderNo}`, { token: buyer.token })).state === 'deposit_paid')

  const profile = mkdtempSync(path.join(tmpdir(), 'carmall-e2e-recon-'))
  const context = await launch(profile)
  const page = context.pages()[0] ?? (await context.newPage())
  const errors = watchErrors(page)
  try {
    await storeToken(context, operator.token)
    await page.setViewportSize({ width: 1440, height: 900 })
    await openPage(page, 'packages/console/pages/reconciliation')
    await waitShown(page, '.console-nav__item[data-key="reconciliation"]', 'the 对账 menu entry')
    await waitShown(page, `.recon-days .c-chip--on[data-value="${yesterday}"]`, 'yesterday chosen by default')
    await page.click(`${PAGE} .recon-days .c-chip[data-value="${today}"]`)
    await waitShown(page, `.recon-days .c-chip--on[data-value="${today}"]`, 'today chosen')
    await page.click(`${PAGE} .recon-run`)
    await waitShown(page, '.recon-meta', 'the report after 重新对账')
    const report = await http('GET', `${BASE}/api/v1/admin/reconciliation/reports/${today}`, { token: operator.token })
    check(report.ours.paidFen >= order.depositFen, `our side of ${today} (${yuan(report.ours.paidFen)}) lacks the deposit just paid (${yuan(order.depositFen)})`)
    check(report.trigger.kind === 'operator' && report.trigger.id === operator.user.id, `the report was not run by the operator: ${JSON.stringify(report.trigger)}`)
    const status = await textOf(page, '.recon-status')
    check(status === (report.status === 'balanced' ? '账平' : `有差异 ${report.mismatches.length} 条`), `the page says "${status}" for a ${report.status} report`)
    const paid = await page.$$eval(`${PAGE} .recon-bar[data-label="收款"] .recon-bar__amount`, (els) => els.map((e) => e.textContent))
    check(JSON.stringify(paid) === JSON.stringify([yuan(report.bill.paidFen), yuan(report.ours.paidFen)]), `the 收款 bars read ${JSON.stringify(paid)}, the report has ${yuan(report.bill.paidFen)} / ${yuan(report.ours.paidFen)}`)
    check((await page.$$(`${PAGE} .recon-mismatch`)).length === report.mismatches.length, 'the page does not list every mismatch')
    // The day's report is 404 until it is first reconciled: the page says 尚未对账 for it, not an error.
    checkNoPageErrors(errors.filter((e) => !/^HTTP 404 .*\/api\/v1\/admin\/reconciliation\/reports\/\d{4}-\d\d-\d\d$/.test(e)))
    await shot(page, 'reconciliation.png')
    console.log(`PASS: 对账 ${today}: ${status}, 收款 bill ${paid[0]} / ours ${paid[1]}, ${report.mismatches.length} mismatches shown`)
  } catch (err) {
    await failWith(page, 'reconciliation', errors, err)
  } finally {
    await context.close().catch(() => {})
    rmSync(profile, { recursive: true, force: true })
  }
}

run('reconciliation', main)
