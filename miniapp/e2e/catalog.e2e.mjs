#!/usr/bin/env node
/**
 * H5 browser e2e of the console's catalog editor (管理后台 · 商品目录) at 1440×900, against the real
 * BFF and the WeChat login simulator (`bash scripts/e2e.sh catalog` starts them). Build first.
 *
 * Env: E2E_BASE_URL, E2E_WECHAT_SIM_URL, E2E_STAFF_OPENID (service role) and E2E_OPERATOR_OPENID
 * (operator role), both made by scripts/e2e.sh; E2E_ARTIFACTS_DIR, E2E_CHROMIUM.
 *
 * 1. An operator opens the editor on 长风 P5 (a model no other browser test changes), types a new
 *    price for its first trim (with separators, as people type it), sees the preview's total move
 *    by exactly the change, saves, and sees the save confirmed with the next version.
 * 2. A buyer opens that model's configurator and sees the new price in its total (expected values
 *    are computed from the BFF's own data, never hard-coded).
 *    Then 库存: 3 cars of one variant arrive (入库 with its reason), the row and the history show it.
 * 3. A service user has no 商品目录 (or 库存) menu entry, its URL shows 无权限, and the editor's
 *    endpoint answers 403 FORBIDDEN.
 * The price is put back at the end (through the editor's endpoint), so a rerun starts the same.
 * Screenshots: catalog-edit.png, catalog-stock.png, catalog-buyer.png, catalog-forbidden.png.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { ARTIFACTS, BASE, E2EFailure, check, checkNoPageErrors, failWith, http, launch, openPage, priceAt, run, storeToken, watchErrors, yuan, shot, textOf, waitShown, wechatSignIn } from './lib.mjs'

const WECHAT_SIM = (process.env.E2E_WECHAT_SIM_URL || '').replace(/\/+$/, '')
const STAFF_OPENID = process.env.E2E_STAFF_OPENID
const OPERATOR_OPENID = process.env.E2E_OPERATOR_OPENID
const MODEL = 'changfeng-p5'
const PAGE = '.taro_page_stationed'
const DESKTOP = { width: 1440, height: 900 }
/** ¥1,234 off: a change no seed price has, so the buyer's total cannot show it by accident. */
const CUT_FEN = 123_400

const signIn = (openid) => wechatSignIn(WECHAT_SIM, openid)
const text = textOf
async function waitAttr(page, selector, attr, want, what) {
  await page
    .waitForFunction(([sel, a, w]) => document.querySelector(sel)?.getAttribute(a) === w, [`${PAGE} ${selector}`, attr, String(want)], { timeout: 20_000 })
    .catch(async () => {
      throw new E2EFailure(`${what}: expected ${yuan(want)}, the page shows ${yuan(Number(await page.getAttribute(`${PAGE} ${selector}`, attr).catch(() => 'NaN')))}`)
    })
}

async function newPage(profile, token) {
  const context = await launch(profile)
  await storeToken(context, token)
  const page = context.pages()[0] ?? (await context.newPage())
  await page.setViewportSize(DESKTOP)
  return { context, page, errors: watchErrors(page) }
}

async function main() {
  for (const [v, name] of [[WECHAT_SIM, 'E2E_WECHAT_SIM_URL'], [STAFF_OPENID, 'E2E_STAFF_OPENID'], [OPERATOR_OPENID, 'E2E_OPERATOR_OPENID']]) check(v, `${name} is not set (run through scripts/e2e.sh)`)
  mkdirSync(ARTIFACTS, { recursive: true })

  const operator = await signIn(OPERATOR_OPENID)
  check(operator.user.roles.includes('operator'), `${OPERATOR_OPENID} is not an operator: ${JSON.stringify(operator.user.roles)}`)
  const before = await http('GET', `${BASE}/api/v1/admin/catalog/models/${MODEL}`, { token: operator.token })
  const trim = before.model.trims[0]
  const at = Date.parse(before.pricedAt)
  const oldFen = priceAt(trim.prices, at)
  const newFen = oldFen - CUT_FEN
  const defaults = await http('POST', `${BASE}/api/v1/configurations`, { body: { modelCode: MODEL, trimCode: trim.code, selections: [] } })
  const oldTotal = defaults.config.totalFen
  const newTotal = oldTotal - CUT_FEN
  console.log(`${before.model.name} ${trim.name}: ${yuan(oldFen)} -> ${yuan(newFen)}; default total ${yuan(oldTotal)} -> ${yuan(newTotal)}`)

  const profiles = [0, 1, 2].map((i) => mkdtempSync(path.join(tmpdir(), `carmall-e2e-catalog-${i}-`)))
  const opened = []
  let current = null
  try {
    // 1. The operator edits the price in the editor and saves it.
    const op = await newPage(profiles[0], operator.token)
    opened.push(op.context)
    current = op
    await openPage(op.page, `packages/console/pages/catalog?code=${MODEL}`)
    await waitShown(op.page, `.model-editor[data-code="${MODEL}"]`, "the operator's editor")
    const menu = await op.page.$$eval(`${PAGE} .console-nav__item`, (els) => els.map((e) => e.getAttribute('data-key')))
    check(menu.includes('catalog') && menu.includes('stock'), `the operator's menu is ${JSON.stringify(menu)}`)
    check((await text(op.page, '.model-editor .pub-badge')) === '已上架', 'the model is not shown as 已上架')
    const row = `.trim-row[data-code="${trim.code}"]`
    await waitAttr(op.page, '.catalog-preview__row--now .catalog-preview__total', 'data-total-fen', oldTotal, 'the preview before the change')
    await op.page.fill(`${PAGE} ${row} .price-current input`, (newFen / 100).toLocaleString('en-US'))
    await waitAttr(op.page, '.catalog-preview__row--now .catalog-preview__total', 'data-total-fen', newTotal, 'the preview after typing the new price')
    check(!(await op.page.$(`${PAGE} ${row} .catalog-problem`)), `the editor found a problem: ${await text(op.page, `${row} .catalog-problems`).catch(() => '')}`)
    await op.page.click(`${PAGE} ${row} .trim-save`)
    await waitShown(op.page, '.catalog-saved', 'the save confirmation')
    const saved = await text(op.page, '.catalog-saved')
    check(saved === `价格已保存（版本 ${before.version + 1}）`, `the editor says "${saved}"`)
    await shot(op.page, 'catalog-edit.png')
    checkNoPageErrors(op.errors)
    console.log(`operator: ${saved}`)

    // 1b. The same operator's 库存: cars of the trim's default paint arrive, with the reason.
    await op.page.click(`${PAGE} .model-editor__stock`)
    await waitShown(op.page, '.stock-row', 'the stock table')
    await op.page.click(`${PAGE} .stock-models .c-chip[data-value="${MODEL}"]`)
    const stockRow = (await http('GET', `${BASE}/api/v1/admin/stock?modelCode=${MODEL}`, { token: operator.token })).items[0]
    const rowSel = `.stock-row[data-key="${stockRow.key}"]`
    await waitShown(op.page, rowSel, `the stock row of ${stockRow.key}`)
    await op.page.click(`${PAGE} ${rowSel} .stock-inbound`)
    await waitShown(op.page, '.stock-dialog--inbound', 'the 入库 dialog')
    await op.page.fill(`${PAGE} .stock-dialog__delta input`, '3')
    await op.page.fill(`${PAGE} .stock-dialog__reason textarea`, '浏览器测试：到港')
    await op.page.click(`${PAGE} .action-dialog__confirm`)
    await op.page.waitForSelector(`${PAGE} .stock-dialog`, { state: 'detached', timeout: 20_000 }).catch(async () => {
      throw new E2EFailure(`the 入库 dialog never closed: ${await text(op.page, '.stock-dialog').catch(() => '')}`)
    })
    await op.page.waitForFunction(([sel, want]) => document.querySelector(sel)?.textContent === want, [`${PAGE} ${rowSel} .stock-row__total`, String(stockRow.total + 3)], { timeout: 20_000 }).catch(async () => {
      throw new E2EFailure(`the stock total reads ${await text(op.page, `${rowSel} .stock-row__total`)}, expected ${stockRow.total + 3}`)
    })
    check((await text(op.page, '.stock-history__row')).includes('入库 +3'), `the history reads "${await text(op.page, '.stock-history__row')}"`)
    await shot(op.page, 'catalog-stock.png')
    checkNoPageErrors(op.errors)
    console.log(`operator: 入库 +3 of ${stockRow.key}: ${stockRow.total} -> ${stockRow.total + 3}`)

    // 2. A buyer sees it in the configurator.
    const buyer = await signIn()
    const b = await newPage(profiles[1], buyer.token)
    opened.push(b.context)
    current = b
    await b.page.goto(`${BASE}/#/pages/model/index?code=${MODEL}`, { waitUntil: 'domcontentloaded' })
    await waitShown(b.page, '.config-total', "the buyer's configurator")
    await waitAttr(b.page, '.config-total', 'data-total-fen', newTotal, `the buyer's total for ${trim.name}`)
    check((await text(b.page, '.config-total')).includes(yuan(newTotal).slice(1)), `the total reads "${await text(b.page, '.config-total')}", expected ${yuan(newTotal)}`)
    await shot(b.page, 'catalog-buyer.png')
    checkNoPageErrors(b.errors)
    console.log(`buyer: configurator total ${yuan(newTotal)}`)

    // 3. A service user: no menu entry, 无权限 on the URL, 403 from the editor's endpoint.
    const staff = await signIn(STAFF_OPENID)
    check(staff.user.roles.includes('service') && !staff.user.roles.includes('operator'), `${STAFF_OPENID} should be service only: ${JSON.stringify(staff.user.roles)}`)
    const s = await newPage(profiles[2], staff.token)
    opened.push(s.context)
    current = s
    await openPage(s.page, `packages/console/pages/catalog?code=${MODEL}`)
    await waitShown(s.page, '.console-forbidden', 'the 无权限 state on the catalog URL')
    check((await text(s.page, '.console-forbidden')).includes('无权限'), `the catalog page reads "${await text(s.page, '.console-forbidden')}"`)
    await waitShown(s.page, '.console-nav__item[data-key="orders"]', 'the service user menu')
    const staffMenu = await s.page.$$eval(`${PAGE} .console-nav__item`, (els) => els.map((e) => e.getAttribute('data-key')))
    check(JSON.stringify(staffMenu) === '["orders","vehicles"]', `the service user's menu is ${JSON.stringify(staffMenu)} (orders and vehicles only: no 商品目录/库存 expected)`)
    check(!(await s.page.$(`${PAGE} .model-editor`)), 'the service user sees the editor')
    const refused = s.errors.filter((e) => /^HTTP 403 .*\/api\/v1\/admin\/catalog\/models$/.test(e))
    check(refused.length === 1, `the page did not get the BFF's 403: ${JSON.stringify(s.errors)}`)
    for (const [method, url, body] of [
      ['GET', `${BASE}/api/v1/admin/catalog/models/${MODEL}`],
      ['PUT', `${BASE}/api/v1/admin/catalog/models/${MODEL}/trims/${trim.code}/prices`, { expectedVersion: before.version + 1, prices: [{ amountFen: 1, effectiveFrom: '2020-01-01T00:00:00Z' }] }],
    ]) {
      const res = await fetch(url, { method, headers: { Authorization: `Bearer ${staff.token}`, 'Content-Type': 'application/json' }, body: body && JSON.stringify(body) })
      const answer = await res.json()
      check(res.status === 403 && answer.error?.code === 'FORBIDDEN', `${method} ${url} as the service user answered ${res.status} ${JSON.stringify(answer).slice(0, 200)}`)
    }
    await shot(s.page, 'catalog-forbidden.png')
    console.log('service user: no 商品目录/库存 entry, 无权限 on the URL, 403 FORBIDDEN from the editor endpoints')

    const after = await http('GET', `${BASE}/api/v1/catalog/models/${MODEL}`)
    check(priceAt(after.model.trims[0].prices, Date.parse(after.pricedAt)) === newFen, 'the BFF does not have the new price')
    // Put the price back (a new entry from now, through the same endpoint).
    const latest = await http('GET', `${BASE}/api/v1/admin/catalog/models/${MODEL}`, { token: operator.token })
    await http('PUT', `${BASE}/api/v1/admin/catalog/models/${MODEL}/trims/${trim.code}/prices`, {
      token: operator.token,
      body: { expectedVersion: latest.version, prices: trim.prices, note: '浏览器测试：恢复原价' },
    })
    console.log(`PASS: the operator's new price ${yuan(newFen)} reached the buyer's configurator (${yuan(newTotal)}); the service user is refused`)
  } catch (err) {
    if (current) await failWith(current.page, 'catalog', current.errors, err)
    throw err
  } finally {
    for (const c of opened) await c.close().catch(() => {})
    for (const p of profiles) rmSync(p, { recursive: true, force: true })
  }
}

run('catalog', main)
