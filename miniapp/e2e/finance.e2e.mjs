#!/usr/bin/env node
/**
 * H5 browser e2e for 金融方案, run against the real BFF (which serves the H5 build at `/` and the API
 * at `/api/v1`) with the seeded lineup and a bank behind BANK_API_BASE (the bank simulator locally).
 * Build first: `pnpm --filter @carmall/miniapp build:h5`.
 *
 *   E2E_BASE_URL=http://127.0.0.1:3000 pnpm --filter @carmall/miniapp e2e finance
 *
 * Env: E2E_BASE_URL, E2E_ARTIFACTS_DIR, E2E_CHROMIUM (as models.e2e.mjs).
 *
 * It configures 远山 S5, taps 金融方案, and checks the finance page against the API: the price is the
 * configurator's total, the monthly payment and the schedule are the ones POST /finance/quote gives
 * for the choices the page shows, the schedule has one row per month and closes at ¥0.00, and a
 * different down payment changes the monthly payment to the API's figure. Nothing is hard-coded, so
 * the test follows the seed and the bank's rates.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { ARTIFACTS, BASE, E2EFailure, check, checkNoPageErrors, failWith, launch, run, watchErrors } from './lib.mjs'

const MODEL = 'yuanshan-s5'
const PAGE = '.taro_page_stationed'
const PREVIEW_ROWS = 12 // src/pages/finance/index.tsx SCHEDULE_PREVIEW

const yuan = (fen) => `¥${(fen / 100).toFixed(2)}`

async function api(pathAndQuery, body) {
  const url = `${BASE}/api/v1${pathAndQuery}`
  let res
  try {
    res = await fetch(url, body === undefined
      ? { headers: { Accept: 'application/json' } }
      : { method: 'POST', headers: { Accept: 'application/json', 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
  } catch (err) {
    throw new E2EFailure(`cannot reach the BFF at ${url}: ${err.cause?.message ?? err.message} (is it running? set E2E_BASE_URL)`)
  }
  if (!res.ok) {
    const text = (await res.text()).slice(0, 300)
    const hint = res.status === 503 && text.includes('FINANCE_RATES_UNAVAILABLE') ? ' (the BFF has no bank: set BANK_API_BASE to the bank simulator)' : ''
    throw new E2EFailure(`${body === undefined ? 'GET' : 'POST'} ${url} -> HTTP ${res.status}: ${text}${hint}`)
  }
  return res.json()
}

async function main() {
  mkdirSync(ARTIFACTS, { recursive: true })

  // 1. What the BFF serves: the model and the bank's products.
  const detail = await api(`/catalog/models/${MODEL}`)
  check(detail.model?.code === MODEL, `GET /catalog/models/${MODEL} returned no model`)
  const products = await api('/finance/products')
  check(Array.isArray(products.products) && products.products.length > 0, 'GET /finance/products returned no products')
  console.log(`API: ${products.products.length} loan products, rates as of ${products.asOf}${products.stale ? ' (stale)' : ''}`)

  // 2. A fresh Chromium profile.
  const profile = mkdtempSync(path.join(tmpdir(), 'carmall-e2e-'))
  const context = await launch(profile)
  const page = context.pages()[0] ?? (await context.newPage())
  const pageErrors = watchErrors(page)

  const tap = async (selector) => {
    const el = await page.waitForSelector(`${PAGE} ${selector}`, { timeout: 10_000 })
    await el.evaluate((e) => e.scrollIntoView({ block: 'center' }))
    await el.click()
  }
  const attr = (selector, name) => page.getAttribute(`${PAGE} ${selector}`, name)
  /** The choices the finance page shows as active. */
  const shownChoice = async () => ({
    productId: await attr('.finance-product--active', 'data-id'),
    downRatioBp: Number(await attr('.finance-down.chip--active', 'data-ratio')),
    termMonths: Number(await attr('.finance-term.chip--active', 'data-term')),
    method: (await page.$(`${PAGE} .finance-method.chip--active`)) ? await attr('.finance-method.chip--active', 'data-method') : undefined,
  })
  /** Wait until the page shows the server's quote with this monthly payment. */
  const waitMonthly = async (fen, what) => {
    try {
      await page.waitForFunction(
        ([sel, want]) => document.querySelector(sel)?.getAttribute('data-fen') === String(want),
        [`${PAGE} .finance-result[data-source="server"] .finance-monthly`, fen],
        { timeout: 10_000 },
      )
    } catch {
      const shown = await attr('.finance-monthly', 'data-fen').catch(() => null)
      throw new E2EFailure(`${what}: expected a monthly payment of ${yuan(fen)}, the page shows ${shown === null ? 'none' : yuan(Number(shown))}`)
    }
  }

  try {
    // 3. Configure: the configurator's default configuration, confirmed by the server.
    await page.goto(`${BASE}/#/pages/model/index?code=${MODEL}`, { waitUntil: 'domcontentloaded' })
    await page.waitForSelector(`${PAGE} .config-total`, { timeout: 20_000 }).catch(() => {
      throw new E2EFailure('the configurator never showed a total (.config-total); is the H5 build served at /?')
    })
    await page.waitForFunction((sel) => document.querySelector(sel)?.textContent === '总价', `${PAGE} .config-bar__label`, { timeout: 10_000 })
      .catch(() => { throw new E2EFailure('the server never confirmed the configuration') })
    const carTotal = Number(await attr('.config-total', 'data-total-fen'))
    console.log(`configured ${detail.model.name}: ${yuan(carTotal)}`)

    // 4. 金融方案 opens the finance page for this car.
    await tap('.finance-entry')
    await page.waitForSelector(`${PAGE} .finance-page`, { timeout: 15_000 }).catch(() => {
      throw new E2EFailure('金融方案 did not open the finance page')
    })
    await page.waitForTimeout(300) // Taro's page transition
    // H5 has a title bar with 返回 on a subpage (no browser chrome inside an in-app webview).
    const back = await page.$('#taro-navigation-bar.taro-navigation-bar-show .taro-navigation-bar-back')
    check(back !== null && (await back.isVisible()), 'the H5 finance page has no visible back control in its title bar')
    check((await page.textContent('#taro-navigation-bar .taro-navigation-bar-title'))?.trim() === '金融方案', 'the H5 title bar does not say 金融方案')
    const params = new URLSearchParams(page.url().split('?')[1] ?? '')
    check(params.get('modelCode') === MODEL && params.get('trimCode') && params.get('totalFen') === String(carTotal),
      `the finance page was opened with ${page.url()}, expected this configuration and total ${carTotal}`)
    await page.waitForSelector(`${PAGE} .finance-result[data-source="server"]`, { timeout: 15_000 }).catch(async () => {
      const error = await page.textContent(`${PAGE} .finance-error, ${PAGE} .status-view`).catch(() => null)
      throw new E2EFailure(`the finance page showed no server quote${error ? `; it shows: ${error}` : ''}`)
    })
    const shownPrice = Number(await attr('.finance-car__price', 'data-fen'))
    check(shownPrice === carTotal, `the finance page prices the car at ${yuan(shownPrice)}, the configurator showed ${yuan(carTotal)}`)

    // 5. The figures are the API's for the choices shown.
    const choice = await shownChoice()
    const request = (c) => ({
      modelCode: params.get('modelCode'),
      trimCode: params.get('trimCode'),
      selections: (params.get('selected') ?? '').split(',').filter(Boolean),
      productId: c.productId,
      ...(c.method ? { method: c.method } : {}),
      downPayment: { ratio: c.downRatioBp / 10_000 },
      termMonths: c.termMonths,
    })
    const quote = await api('/finance/quote', request(choice))
    await waitMonthly(quote.totals.monthlyPaymentFen, `${choice.productId} ${choice.downRatioBp / 100}% down ${choice.termMonths} months`)
    console.log(`${quote.product.name}: ${choice.downRatioBp / 100}% 首付, ${choice.termMonths} 期, 月供 ${yuan(quote.totals.monthlyPaymentFen)}`)
    const interestShown = Number(await attr('.finance-item[data-key="interest"] .finance-item__value', 'data-fen'))
    check(interestShown === quote.totals.totalInterestFen, `总利息 shows ${yuan(interestShown)}, the API says ${yuan(quote.totals.totalInterestFen)}`)
    const compare = await page.textContent(`${PAGE} .finance-compare`).catch(() => null)
    if (quote.comparison) check(compare === quote.comparison.summary, `the comparison reads "${compare}", the API says "${quote.comparison.summary}"`)
    const bars = await page.$$(`${PAGE} .finance-bar`)
    check(bars.length === Math.ceil(choice.termMonths / 12), `the chart has ${bars.length} yearly bars for ${choice.termMonths} months`)

    // 6. The schedule: a preview, then every month, closing the balance.
    const rows = () => page.$$eval(`${PAGE} .schedule-row[data-period]`, (els) => els.map((e) => Array.from(e.children).map((c) => c.textContent.trim())))
    check((await rows()).length === Math.min(PREVIEW_ROWS, choice.termMonths), `the schedule preview has ${(await rows()).length} rows`)
    await page.$eval(`${PAGE} .finance-schedule`, (e) => e.scrollIntoView({ block: 'start' }))
    await page.waitForTimeout(200)
    await page.screenshot({ path: path.join(ARTIFACTS, 'finance.png') })
    await tap('.finance-more')
    await page.waitForFunction(([sel, n]) => document.querySelectorAll(sel).length === n, [`${PAGE} .schedule-row[data-period]`, choice.termMonths], { timeout: 5_000 })
      .catch(() => { throw new E2EFailure(`查看全部 did not show ${choice.termMonths} rows`) })
    const all = await rows()
    check(all.map((r) => Number(r[0])).join(',') === quote.schedule.map((r) => r.period).join(','), 'the schedule periods differ from the API')
    const payments = all.map((r) => r[1])
    const expectedPayments = quote.schedule.map((r) => `¥${(r.paymentFen / 100).toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/g, ',')}`)
    check(payments.join('|') === expectedPayments.join('|'), `schedule payments differ from the API: first shown ${payments[0]}, API ${expectedPayments[0]}`)
    check(all.at(-1)[4] === '¥0.00', `the last row leaves ${all.at(-1)[4]} owed`)
    console.log(`schedule: ${all.length} rows, last payment ${all.at(-1)[1]}, balance ${all.at(-1)[4]}`)
    await page.screenshot({ path: path.join(ARTIFACTS, 'finance-schedule.png'), fullPage: true })

    // 7. Another down payment: the API's new monthly payment is shown.
    const downs = await page.$$eval(`${PAGE} .finance-down`, (els) => els.map((e) => Number(e.getAttribute('data-ratio'))))
    const other = downs.find((d) => d > choice.downRatioBp) ?? downs.find((d) => d !== choice.downRatioBp)
    check(other !== undefined, 'the product offers only one down payment')
    await tap(`.finance-down[data-ratio="${other}"]`)
    const quote2 = await api('/finance/quote', request({ ...choice, downRatioBp: other }))
    await waitMonthly(quote2.totals.monthlyPaymentFen, `after choosing ${other / 100}% down`)
    check(other < choice.downRatioBp || quote2.totals.monthlyPaymentFen < quote.totals.monthlyPaymentFen, 'more down did not lower the monthly payment')
    console.log(`${other / 100}% 首付: 月供 ${yuan(quote2.totals.monthlyPaymentFen)}`)

    // 8. Checkout links here too: 贷款购车 opens the finance page for the car being ordered.
    await page.goto(`${BASE}/#/pages/checkout/index?model=${MODEL}&trim=${params.get('trimCode')}&selections=${params.get('selected') ?? ''}&total=${carTotal}`, { waitUntil: 'domcontentloaded' })
    await page.waitForSelector(`${PAGE} .checkout-finance`, { timeout: 15_000 }).catch(() => {
      throw new E2EFailure('checkout shows no 贷款购车 link (.checkout-finance)')
    })
    const checkoutTotal = await attr('.checkout-total', 'data-total-fen')
    await tap('.checkout-finance')
    await page.waitForSelector(`${PAGE} .finance-result[data-source="server"]`, { timeout: 15_000 }).catch(() => {
      throw new E2EFailure('贷款购车 on checkout did not open a finance page with a quote')
    })
    const fromCheckout = new URLSearchParams(page.url().split('?')[1] ?? '')
    check(fromCheckout.get('modelCode') === MODEL && fromCheckout.get('trimCode') === params.get('trimCode') && fromCheckout.get('totalFen') === checkoutTotal,
      `checkout opened the finance page with ${page.url()}, expected ${MODEL} ${params.get('trimCode')} at ${checkoutTotal}`)
    console.log(`checkout -> finance: ${yuan(Number(checkoutTotal))}`)

    checkNoPageErrors(pageErrors)
    console.log(`PASS: screenshots in ${ARTIFACTS}`)
  } catch (err) {
    await failWith(page, 'finance', pageErrors, err)
  } finally {
    await context.close()
    rmSync(profile, { recursive: true, force: true })
  }
}

run('finance', main)
