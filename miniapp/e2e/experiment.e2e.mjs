#!/usr/bin/env node
/**
 * H5 browser e2e of an A/B experiment, against the real BFF (`bash scripts/e2e.sh experiment`).
 * Build first: `pnpm --filter @carmall/miniapp build:h5`.
 *
 * Env: E2E_BASE_URL, E2E_WECHAT_SIM_URL, E2E_OPERATOR_OPENID (a WeChat openid with the operator
 * role; scripts/e2e.sh creates it), E2E_ARTIFACTS_DIR, E2E_CHROMIUM.
 *
 * An operator defines and starts the `order-button` experiment (立即下定 vs 立即锁定爱车) through
 * the API. A signed-in buyer opens the configurator: the order button shows the buyer's variant
 * (the same one the assignments API gives the buyer: bucketed by user id). The buyer taps it
 * (start_checkout, the experiment's conversion) and lands on checkout; the SDK sends its batch.
 * The operator opens 运营看板 from 我的: the variant shows 1 exposure and 1 conversion, the
 * purchase funnel counts the buyer's view_model; the operator stops the experiment with the
 * dashboard's button. Screenshots: experiment-buyer.png, experiment-dashboard.png.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { ARTIFACTS, BASE, E2EFailure, check, checkNoPageErrors, failWith, http, launch, openPage, run, storeToken, until, watchErrors } from './lib.mjs'

const WECHAT_SIM = (process.env.E2E_WECHAT_SIM_URL || '').replace(/\/+$/, '')
const OPERATOR_OPENID = process.env.E2E_OPERATOR_OPENID
const PAGE = '.taro_page_stationed'
const KEY = 'order-button'
/** What the mini-program renders for each variant (src/analytics/OrderNowButton.tsx). */
const TEXT = { control: '立即下定', lock: '立即锁定爱车' }

async function signIn(openid) {
  const { code } = await http('POST', `${WECHAT_SIM}/__sim/wechat/codes`, { body: openid ? { openid } : {} })
  return http('POST', `${BASE}/api/v1/auth/wechat`, { body: { code } })
}

async function main() {
  check(WECHAT_SIM, 'E2E_WECHAT_SIM_URL is not set (run through scripts/e2e.sh)')
  check(OPERATOR_OPENID, 'E2E_OPERATOR_OPENID is not set (run through scripts/e2e.sh)')
  mkdirSync(ARTIFACTS, { recursive: true })

  // 1. The operator defines and starts the experiment.
  const operator = await signIn(OPERATOR_OPENID)
  check(operator.user.roles.includes('operator'), `${OPERATOR_OPENID} has no operator role: ${JSON.stringify(operator.user.roles)}`)
  const ops = (p, body) => http(body === undefined ? 'GET' : 'POST', `${BASE}/api/v1${p}`, { token: operator.token, body })
  const defined = await ops('/admin/experiments', {
    key: KEY,
    name: '下定按钮文案',
    variants: [{ key: 'control', weight: 50, label: '立即下定' }, { key: 'lock', weight: 50, label: '立即锁定爱车' }],
    targetEvent: 'start_checkout',
  })
  check(defined.status === 'draft', `a new experiment should be a draft, got ${defined.status}`)
  check((await ops(`/admin/experiments/${KEY}/start`, {})).status === 'running', 'the experiment did not start')

  const buyer = await signIn()
  const profileDir = mkdtempSync(path.join(tmpdir(), 'carmall-e2e-exp-'))
  const opsDir = mkdtempSync(path.join(tmpdir(), 'carmall-e2e-ops-'))
  const buyerContext = await launch(profileDir)
  await storeToken(buyerContext, buyer.token)
  const page = buyerContext.pages()[0] ?? (await buyerContext.newPage())
  const pageErrors = watchErrors(page)
  let opsContext = null
  try {
    // 2. The buyer's configurator renders the buyer's variant.
    await openPage(page, 'pages/model/index?code=yuanshan-s5')
    const button = `${PAGE} .order-now[data-ready="1"]`
    await page.waitForSelector(button, { timeout: 20_000 }).catch(() => {
      throw new E2EFailure('the order button never received its variant (.order-now[data-ready="1"])')
    })
    const variant = await page.getAttribute(button, 'data-variant')
    const text = (await page.textContent(button)).trim()
    console.log(`buyer sees variant ${variant}: ${text}`)
    check(text === TEXT[variant], `variant ${variant} should read ${TEXT[variant]}, the page shows ${text}`)
    const api = await http('GET', `${BASE}/api/v1/experiments/assignments?anonymousId=e2ed0e0de1ce0a0b0c0d0e0f0a0b0c0d`, { token: buyer.token })
    check(api.assignments[KEY]?.variant === variant, `the page shows ${variant}, the API assigns ${JSON.stringify(api.assignments[KEY])} to this buyer`)
    await page.screenshot({ path: path.join(ARTIFACTS, 'experiment-buyer.png') })

    // 3. The buyer converts: taps the button (start_checkout) and lands on checkout.
    await page.click(button)
    await page.waitForSelector(`${PAGE} .checkout-pay`, { timeout: 20_000 }).catch(() => {
      throw new E2EFailure('the order button did not open checkout')
    })
    // The SDK sends within a few seconds; the BFF counts the conversion at ingestion.
    const results = await until('the conversion to be counted', async () => {
      const x = await ops(`/admin/experiments/${KEY}`)
      const v = x.results.variants.find((r) => r.key === variant)
      if (v?.converted !== 1) throw new Error(`converted=${v?.converted}`)
      return x
    })
    check(results.results.totalExposed === 1, `one buyer was exposed, the BFF counted ${results.results.totalExposed} (exposure must be logged once)`)
    checkNoPageErrors(pageErrors)

    // 4. The operator's dashboard, opened from 我的.
    opsContext = await launch(opsDir)
    await storeToken(opsContext, operator.token)
    const dash = opsContext.pages()[0] ?? (await opsContext.newPage())
    const dashErrors = watchErrors(dash)
    try {
      await openPage(dash, 'pages/me/index')
      await dash.waitForSelector(`${PAGE} .ops-entry`, { timeout: 15_000 }).catch(() => {
        throw new E2EFailure('我的 shows no 运营看板 entry to an operator')
      })
      await dash.click(`${PAGE} .ops-entry`)
      const card = `${PAGE} .ops-exp[data-key="${KEY}"]`
      const row = `${card} .ops-variant[data-variant="${variant}"]`
      await dash.waitForSelector(row, { timeout: 20_000 }).catch(() => {
        throw new E2EFailure('the dashboard does not list the experiment')
      })
      check((await dash.getAttribute(row, 'data-exposed')) === '1', `the dashboard shows ${await dash.getAttribute(row, 'data-exposed')} exposures of ${variant}, expected 1`)
      check((await dash.getAttribute(row, 'data-converted')) === '1', `the dashboard shows ${await dash.getAttribute(row, 'data-converted')} conversions of ${variant}, expected 1`)
      check((await dash.textContent(row)).includes('1/1 = 100.0%'), `the ${variant} row does not read 1/1 = 100.0%: ${await dash.textContent(row)}`)
      const step = `${PAGE} .ops-funnel__step[data-step="view_model"]`
      await dash.waitForSelector(step, { timeout: 15_000 })
      check(Number(await dash.getAttribute(step, 'data-count')) >= 1, 'the purchase funnel does not count the buyer\'s view_model')
      await dash.screenshot({ path: path.join(ARTIFACTS, 'experiment-dashboard.png'), fullPage: true })

      // 5. Stop it from the dashboard (everyone gets the control again; other e2e tests expect 立即下定).
      await dash.click(`${card} .ops-stop`)
      const confirm = '.taro-modal__foot >> text=确定' // Taro H5's showModal
      await dash.waitForSelector(confirm, { timeout: 5_000 })
      await dash.click(confirm)
      await dash.waitForSelector(`${PAGE} .ops-exp[data-key="${KEY}"][data-status="stopped"]`, { timeout: 15_000 }).catch(() => {
        throw new E2EFailure('停止实验 did not stop the experiment')
      })
      check((await ops(`/admin/experiments/${KEY}`)).status === 'stopped', 'the BFF does not have the experiment stopped')
      checkNoPageErrors(dashErrors)
    } catch (err) {
      await failWith(dash, 'experiment-dashboard', dashErrors, err)
    }
    console.log(`PASS: experiment ${KEY}: buyer saw ${variant} (${text}), 1 exposure and 1 conversion on the dashboard, stopped there`)
  } catch (err) {
    await failWith(page, 'experiment', pageErrors, err)
  } finally {
    // Leave no running experiment behind for the other browser tests.
    await ops(`/admin/experiments/${KEY}/stop`, {}).catch(() => {})
    await buyerContext.close()
    await opsContext?.close()
    rmSync(profileDir, { recursive: true, force: true })
    rmSync(opsDir, { recursive: true, force: true })
  }
}

run('experiment', main)
