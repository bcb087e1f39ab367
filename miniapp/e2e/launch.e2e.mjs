#!/usr/bin/env node
/**
 * H5 browser e2e of a launch (首发抢购), against the real BFF (`bash scripts/e2e.sh launch`) with the
 * WeChat login and WeChat Pay simulators. Build first: `pnpm --filter @carmall/miniapp build:h5`.
 *
 * Env: E2E_BASE_URL, E2E_WECHAT_SIM_URL, E2E_WXPAY_SIM_URL, E2E_OPERATOR_OPENID (a WeChat openid
 * with the operator role; scripts/e2e.sh creates it), E2E_ARTIFACTS_DIR, E2E_CHROMIUM.
 *
 * An operator schedules a launch through POST /api/v1/admin/launches opening ~10 s later, with 2
 * cars of one seeded variant (远山 S7, its first trim in a paint other than the default; no other
 * browser test orders it) and early joining open from the start. A buyer signed in as order.e2e
 * does opens #/pages/launch/index?code=…: the countdown runs and the button says 提前排队; the
 * buyer picks the variant and joins early (「已提前进入排队」, drawn at the open), the page asks
 * again after the open, waits in the queue or is admitted at once, and places the order with
 * that variant (Idempotency-Key, X-Device-Id),
 * the order page opens and asks for the WeChat payment; the test plays the buyer paying in WeChat
 * (the simulator's /__sim/wxpay/pay) and waits for 已付意向金. The launch's figures then say one
 * joined, one ordered, one car left. Cleanup: the deposit is refunded and the launch ended, so the
 * car goes back to normal sale. Screenshots: launch-countdown.png, launch-open.png,
 * launch-queue.png, launch-order.png.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { ARTIFACTS, BASE, E2EFailure, check, checkNoPageErrors, failWith, http, launch, openPage, run, storeToken, watchErrors, yuan } from './lib.mjs'

const trim = (u) => (u || '').replace(/\/+$/, '')
const WECHAT_SIM = trim(process.env.E2E_WECHAT_SIM_URL)
const WXPAY_SIM = trim(process.env.E2E_WXPAY_SIM_URL)
const OPERATOR_OPENID = process.env.E2E_OPERATOR_OPENID
const MODEL = 'yuanshan-s7'
const STOCK = 2
const OPENS_IN_MS = 10_000
const PAGE = '.taro_page_stationed'

async function signIn(openid) {
  const { code } = await http('POST', `${WECHAT_SIM}/__sim/wechat/codes`, { body: openid ? { openid } : {} })
  return http('POST', `${BASE}/api/v1/auth/wechat`, { body: { code } })
}

async function main() {
  check(WECHAT_SIM, 'E2E_WECHAT_SIM_URL is not set (run through scripts/e2e.sh)')
  check(WXPAY_SIM, 'E2E_WXPAY_SIM_URL is not set (run through scripts/e2e.sh)')
  check(OPERATOR_OPENID, 'E2E_OPERATOR_OPENID is not set (run through scripts/e2e.sh)')
  mkdirSync(ARTIFACTS, { recursive: true })

  // 1. The buyer, signed in the way order.e2e does (a WeChat code from the simulator → session), with
  // the app loaded once (so the launch page opens well within the countdown).
  const buyer = await signIn()
  check(typeof buyer.token === 'string' && buyer.token, 'POST /auth/wechat returned no token')
  const profile = mkdtempSync(path.join(tmpdir(), 'carmall-e2e-launch-'))
  const context = await launch(profile)
  await storeToken(context, buyer.token)
  const page = context.pages()[0] ?? (await context.newPage())
  await openPage(page, 'pages/me/index')
  await page.goto('about:blank')
  const pageErrors = watchErrors(page)

  const textOf = (selector) => page.textContent(selector).catch(() => '(none)')
  const tap = async (selector) => {
    const el = await page.waitForSelector(selector, { timeout: 15_000 }).catch(() => {
      throw new E2EFailure(`nothing matches ${selector}`)
    })
    await el.evaluate((e) => e.scrollIntoView({ block: 'center' }))
    await el.click()
  }

  let orderNo = null
  let code = null
  let ops = null
  try {
    // 2. The operator schedules the launch: one seeded variant, 2 cars, opening in ~10 s.
    const operator = await signIn(OPERATOR_OPENID)
    check(operator.user.roles.includes('operator'), `${OPERATOR_OPENID} has no operator role: ${JSON.stringify(operator.user.roles)}`)
    ops = (p, body) => http(body === undefined ? 'GET' : 'POST', `${BASE}/api/v1${p}`, { token: operator.token, body })
    const { model } = await http('GET', `${BASE}/api/v1/catalog/models/${MODEL}`)
    const firstTrim = model.trims[0]
    const defaultPaint = firstTrim.defaults.find((c) => model.options.find((o) => o.code === c)?.group === 'paint')
    const paint = model.options.find((o) => o.group === 'paint' && o.code !== defaultPaint && o.availableOn.includes(firstTrim.code) && !o.requires && !o.requiresAny)
    check(paint, `no rule-free paint on ${model.name} ${firstTrim.name} besides the default`)
    code = `e2e-${Date.now().toString(36)}`
    const startsAt = new Date(Date.now() + OPENS_IN_MS).toISOString()
    const scheduled = await ops('/admin/launches', {
      code,
      title: `${model.name} 首发抢购`,
      modelCode: MODEL,
      startsAt,
      admitPerSecond: 5,
      admissionSeconds: 120,
      // Early joining is open from now: the buyer queues during the countdown (the usual way).
      preQueueSeconds: 60,
      variants: [{ trimCode: firstTrim.code, paintCode: paint.code, stock: STOCK }],
    })
    check(scheduled.code === code && scheduled.phase === 'scheduled', `POST /admin/launches answered ${JSON.stringify(scheduled).slice(0, 300)}`)
    const variant = scheduled.variants[0]
    console.log(`scheduled ${code}: ${model.name} ${firstTrim.name} ${paint.name} ${yuan(variant.priceFen)}, ${STOCK} cars, opens ${startsAt}`)

    // 3. The launch page before the open: countdown, variants with price and cars left, inert button.
    await page.goto(`${BASE}/#/pages/launch/index?code=${code}`, { waitUntil: 'domcontentloaded' })
    await page.waitForSelector(`${PAGE} .launch-countdown`, { timeout: 20_000 }).catch(async () => {
      throw new E2EFailure(`the launch page shows no countdown; it shows: ${(await textOf(PAGE)).slice(0, 300)}`)
    })
    const countdown = (await textOf(`${PAGE} .launch-countdown`)).trim()
    const remaining = Number(await page.getAttribute(`${PAGE} .launch-countdown`, 'data-remaining-ms'))
    check(/^距开售\s*00:00:(0\d|1[0-2])$/.test(countdown), `the countdown reads "${countdown}"`)
    check(remaining > 0 && remaining <= OPENS_IN_MS, `the countdown has ${remaining} ms left, expected (0, ${OPENS_IN_MS}]`)
    const v = `${PAGE} .launch-variant[data-trim="${firstTrim.code}"][data-paint="${paint.code}"]`
    const variantText = await textOf(v)
    check(variantText.includes(yuan(variant.priceFen)) && variantText.includes(`剩余 ${STOCK} / ${STOCK} 辆`), `the variant reads "${variantText}"`)
    const before = (await textOf(`${PAGE} .launch-join`)).trim()
    check(before === '提前排队', `before the open, with early joining on, the button says "${before}"`)
    check((await page.getAttribute(`${PAGE} .launch-join`, 'data-open')) === 'true', 'the early-join button is not live')
    await tap(v)
    await page.waitForSelector(`${v}[data-selected="true"]`, { timeout: 5_000 }).catch(() => {
      throw new E2EFailure('tapping the variant did not select it')
    })
    await page.screenshot({ path: path.join(ARTIFACTS, 'launch-countdown.png') })
    console.log(`countdown "${countdown}", button "${before}"`)

    // 4. During the countdown: 提前排队 joins the early queue; the place is drawn at the open.
    await page.screenshot({ path: path.join(ARTIFACTS, 'launch-open.png') })
    const joined = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === `/api/v1/launches/${code}/queue`, { timeout: 15_000 })
    const ordered = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === `/api/v1/launches/${code}/orders`, { timeout: 60_000 })
    // What the queue panel goes through, as the page shows it.
    await page.evaluate(() => {
      window.__launchStatuses = []
      const seen = () => {
        const s = document.querySelector('.taro_page_stationed .launch-queue')?.getAttribute('data-status')
        if (s && window.__launchStatuses[window.__launchStatuses.length - 1] !== s) window.__launchStatuses.push(s)
      }
      new MutationObserver(seen).observe(document.body, { subtree: true, attributes: true, childList: true })
    })
    await tap(`${PAGE} .launch-join`)
    const joinRes = await joined.catch(() => { throw new E2EFailure('提前排队 sent no POST /launches/:code/queue') })
    check(joinRes.status() === 200, `POST /queue -> ${joinRes.status()}: ${(await joinRes.text()).slice(0, 300)}`)
    check(/^[A-Za-z0-9_-]{8,64}$/.test(joinRes.request().headers()['x-device-id'] ?? ''), 'POST /queue had no valid X-Device-Id')
    const joinBody = await joinRes.json()
    console.log(`joined: ${JSON.stringify(joinBody).replace(/"admissionToken":"[^"]+"/, '"admissionToken":"…"')}`)
    check(joinBody.status === 'early' && joinBody.joined >= 1 && joinBody.opensAt === startsAt, `joining early answered ${JSON.stringify(joinBody)}`)
    await page.waitForSelector(`${PAGE} .launch-early`, { timeout: 5_000 }).catch(async () => {
      throw new E2EFailure(`the page does not say the buyer joined early; it shows: ${(await textOf(`${PAGE} .launch-queue`)).slice(0, 300)}`)
    })
    const earlyText = (await textOf(`${PAGE} .launch-early`)).trim()
    check(earlyText.includes('已提前进入排队') && earlyText.includes('随机排序'), `the early panel reads "${earlyText}"`)
    await page.screenshot({ path: path.join(ARTIFACTS, 'launch-queue.png') })

    // 5. Admitted: the page orders at once, with the chosen variant.
    const orderRes = await ordered.catch(async () => {
      throw new E2EFailure(`the page never placed the launch order; it shows: ${(await textOf(`${PAGE} .launch-queue`)).slice(0, 300)} ${(await textOf(`${PAGE} .launch-notice`)).slice(0, 200)}`)
    })
    check(orderRes.status() === 201 || orderRes.status() === 202, `POST /launches/:code/orders -> ${orderRes.status()}: ${(await orderRes.text()).slice(0, 300)}`)
    const sent = orderRes.request().postDataJSON()
    check(sent.trimCode === firstTrim.code && sent.paintCode === paint.code && typeof sent.admissionToken === 'string', `the order was placed with ${JSON.stringify({ ...sent, admissionToken: '…' })}`)
    check(/^[A-Za-z0-9_-]{8,64}$/.test(orderRes.request().headers()['idempotency-key'] ?? ''), 'the launch order had no valid Idempotency-Key')
    const placed = await orderRes.json()
    orderNo = placed.orderNo
    check(typeof orderNo === 'string' && orderNo, `the launch order answered ${JSON.stringify(placed).slice(0, 300)}`)
    console.log(`launch order ${orderNo}: ${placed.status} (HTTP ${orderRes.status()})`)

    // 6. The order page opens and offers the deposit's payment, as after checkout.
    await page.waitForSelector(`${PAGE}.order-page[data-order-no="${orderNo}"], ${PAGE} .order-page[data-order-no="${orderNo}"]`, { timeout: 15_000 }).catch(() => {
      throw new E2EFailure(`the order page of ${orderNo} did not open`)
    })
    const statuses = await page.evaluate(() => window.__launchStatuses ?? [])
    console.log(`the launch page went through [${statuses.join(' → ')}]`)
    const afterEarly = statuses.slice(statuses.indexOf('early') + 1)
    check(statuses.includes('early') && ['waiting', 'admitted', 'creating'].some((st) => afterEarly.includes(st)), `the launch page did not go from the early queue to the admission: [${statuses}]`)
    await page.waitForSelector(`${PAGE} .pay-method[data-method="h5"]`, { timeout: 15_000 }).catch(() => {
      throw new E2EFailure('the order page does not offer 微信支付')
    })
    const apiOrder = await http('GET', `${BASE}/api/v1/orders/${orderNo}`, { token: buyer.token })
    check(apiOrder.trimCode === firstTrim.code && apiOrder.config.selected.includes(paint.code), `the order is ${apiOrder.trimCode} with [${apiOrder.config.selected}]`)
    check(apiOrder.totalFen === variant.priceFen, `the order's total is ${yuan(apiOrder.totalFen)}, the launch showed ${yuan(variant.priceFen)}`)

    // 7. The buyer pays in WeChat (H5 pay, its cashier played by the simulator); the page follows the server to 已付意向金.
    const payment = await http('POST', `${BASE}/api/v1/orders/${orderNo}/payments`, { token: buyer.token, body: { method: 'h5', platform: 'h5-mobile' } })
    const paid = await http('POST', `${WXPAY_SIM}/__sim/wxpay/pay`, { body: { out_trade_no: payment.outTradeNo } })
    console.log(`WeChat Pay simulator: ${paid.trade_state ?? JSON.stringify(paid).slice(0, 120)}`)
    await page.waitForSelector(`${PAGE} .order-state[data-state="deposit_paid"]`, { timeout: 30_000 }).catch(async () => {
      throw new E2EFailure(`the order page never showed 已付意向金 (it shows ${await textOf(`${PAGE} .order-state`)})`)
    })
    const stateText = (await textOf(`${PAGE} .order-state`)).trim()
    check(stateText === '已付意向金', `the state reads "${stateText}"`)
    await page.waitForTimeout(300)
    await page.screenshot({ path: path.join(ARTIFACTS, 'launch-order.png'), fullPage: true })

    // 8. The waiting room and the operator's figures agree.
    const me = await http('GET', `${BASE}/api/v1/launches/${code}/queue`, { token: buyer.token })
    check(me.status === 'ordered' && me.orderNo === orderNo, `GET /queue says ${JSON.stringify(me)}`)
    const { items } = await ops('/admin/launches')
    const mine = items.find((l) => l.code === code)
    check(mine, `GET /admin/launches does not list ${code}`)
    check(mine.stats.joined === 1 && mine.stats.ordered === 1 && mine.available === STOCK - 1, `the launch's figures: ${JSON.stringify({ stats: mine.stats, available: mine.available })}`)
    console.log(`paid: 已付意向金; launch figures ${JSON.stringify(mine.stats)}, ${mine.available} car left`)

    checkNoPageErrors(pageErrors)
    console.log(`PASS: screenshots in ${ARTIFACTS}/launch-countdown.png, launch-open.png, launch-queue.png, launch-order.png`)
  } catch (err) {
    await failWith(page, 'launch', pageErrors, err)
  } finally {
    await context.close()
    rmSync(profile, { recursive: true, force: true })
    // Refund the deposit (or cancel) and end the launch, so its car goes back to normal sale. Best effort.
    if (orderNo) {
      await http('POST', `${BASE}/api/v1/orders/${orderNo}/cancel`, { token: buyer.token })
        .then((o) => console.log(`cleanup: ${orderNo} -> ${o.state}`))
        .catch((e) => console.log(`cleanup of ${orderNo} skipped: ${e.message}`))
    }
    if (code && ops) {
      await ops(`/admin/launches/${code}/end`, {})
        .then((l) => console.log(`cleanup: launch ${code} -> ${l.phase}`))
        .catch((e) => console.log(`cleanup: ending ${code} skipped: ${e.message}`))
    }
  }
}

run('launch', main)
