#!/usr/bin/env node
/**
 * H5 browser e2e of delivery tracking, against the real BFF and the WeChat login, WeChat Pay and
 * TMS simulators (`bash scripts/e2e.sh tracking` starts them all). Build first:
 * `pnpm --filter @carmall/miniapp build:h5`.
 *
 * Env: E2E_BASE_URL, E2E_WECHAT_SIM_URL, E2E_WXPAY_SIM_URL, E2E_TMS_SIM_URL, E2E_STAFF_OPENID (a
 * WeChat openid with the service role; scripts/e2e.sh creates it), E2E_ARTIFACTS_DIR, E2E_CHROMIUM.
 *
 * Outside the browser: a buyer orders a car to the 北京 centre and pays the deposit (WeChat Pay
 * simulator), locks it; staff allocate and ship it (the BFF creates the TMS shipment); the TMS's
 * simulated clock is moved 7 hours so the carrier departs the factory and reports positions to the
 * BFF's webhook. In the browser the buyer looks the order up by its number on the tracking page and
 * sees the ETA with its interval (checked against the API), the route drawn offline (SVG path with
 * every route point, the stops' names, the truck, pixels of the route colour) and the departure
 * milestone. Screenshot: tracking.png.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { ARTIFACTS, BASE, E2EFailure, check, checkNoPageErrors, failWith, http, launch, openPage, run, storeToken, until, watchErrors } from './lib.mjs'

const trim = (u) => (u || '').replace(/\/+$/, '')
const WECHAT_SIM = trim(process.env.E2E_WECHAT_SIM_URL)
const WXPAY_SIM = trim(process.env.E2E_WXPAY_SIM_URL)
const TMS_SIM = trim(process.env.E2E_TMS_SIM_URL)
const STAFF_OPENID = process.env.E2E_STAFF_OPENID
const PAGE = '.taro_page_stationed'
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/** What the page should say for an ETA (Asia/Shanghai, to 10 minutes), as shared-types formatEtaCN. */
function etaText(eta) {
  const TEN = 600_000
  const parts = (ms) => {
    const d = new Date(ms + 8 * 3_600_000)
    return { m: d.getUTCMonth() + 1, d: d.getUTCDate(), t: `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}` }
  }
  const a = parts(Math.round(Date.parse(eta.at) / TEN) * TEN)
  const l = parts(Math.floor(Date.parse(eta.lowAt) / TEN) * TEN)
  const h = parts(Math.ceil(Date.parse(eta.highAt) / TEN) * TEN)
  const label = (x) => (x.m === a.m && x.d === a.d ? x.t : `${x.m}月${x.d}日 ${x.t}`)
  return `预计 ${a.m}月${a.d}日 ${a.t} 送达（${label(l)}–${label(h)}）`
}

async function signIn(openid) {
  const { code } = await http('POST', `${WECHAT_SIM}/__sim/wechat/codes`, { body: openid ? { openid } : {} })
  return http('POST', `${BASE}/api/v1/auth/wechat`, { body: { code } })
}

async function main() {
  for (const [v, name] of [[WECHAT_SIM, 'E2E_WECHAT_SIM_URL'], [WXPAY_SIM, 'E2E_WXPAY_SIM_URL'], [TMS_SIM, 'E2E_TMS_SIM_URL'], [STAFF_OPENID, 'E2E_STAFF_OPENID']]) check(v, `${name} is not set (run through scripts/e2e.sh)`)
  mkdirSync(ARTIFACTS, { recursive: true })

  // 1. People: a buyer, and staff (the service role given by scripts/e2e.sh).
  const { token } = await signIn()
  const staff = await signIn(STAFF_OPENID)
  check(staff.user.roles.includes('service'), `${STAFF_OPENID} has no service role: ${JSON.stringify(staff.user.roles)}`)

  // 2. The TMS's clock: tomorrow 08:00 in Shanghai, standing still until the test moves it.
  const tomorrow = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate() + 1, 0, 0))
  await http('POST', `${TMS_SIM}/__sim/tms/clock`, { body: { paused: true, setTo: tomorrow.toISOString() } })

  // 3. A paid, locked order to the 北京 centre.
  const { model } = await http('GET', `${BASE}/api/v1/catalog/models/yuanshan-s5`)
  const centres = (await http('GET', `${BASE}/api/v1/delivery-centres`)).items
  check(centres.some((c) => c.code === 'BJS'), 'BJS is not a delivery centre')
  const order = await http('POST', `${BASE}/api/v1/orders`, {
    token,
    headers: { 'Idempotency-Key': `e2e-tracking-${Date.now()}` },
    body: { modelCode: model.code, trimCode: model.trims[0].code, selections: [], deliveryCentreCode: 'BJS' },
  })
  const { outTradeNo } = await http('POST', `${BASE}/api/v1/orders/${order.orderNo}/payments/wechat`, { token })
  await http('POST', `${WXPAY_SIM}/__sim/wxpay/pay`, { body: { out_trade_no: outTradeNo } })
  await until('the deposit to be paid', async () => (await http('GET', `${BASE}/api/v1/orders/${order.orderNo}`, { token })).state === 'deposit_paid')
  await http('POST', `${BASE}/api/v1/orders/${order.orderNo}/lock`, { token })
  console.log(`order ${order.orderNo} paid and locked, to ${order.deliveryCentre.name}`)

  // 4. Staff ship it (the VIN given at allocation; the centre is the buyer's choice).
  const vin = `LYS${String(Date.now()).slice(-8)}ABCDEF`.slice(0, 17)
  await http('POST', `${BASE}/api/v1/admin/orders/${order.orderNo}/events`, { token: staff.token, body: { event: 'allocate', vin } })
  const shipped = await http('POST', `${BASE}/api/v1/admin/orders/${order.orderNo}/events`, { token: staff.token, body: { event: 'ship' } })
  check(shipped.shipment.destination.code === 'BJS', `shipped to ${shipped.shipment.destination.code}, not BJS`)

  // 5. Seven simulated hours pass: departure, position reports and the hub at 杭州 reach the BFF.
  await http('POST', `${TMS_SIM}/__sim/tms/clock`, { body: { advanceHours: 7 } })
  // The webhook deliveries take a moment: wait until the last reports (up to the new clock) are in and stable.
  const caughtUp = tomorrow.getTime() + 6.5 * 3_600_000
  let previous = null
  const tracked = await until('positions and an ETA from the TMS', async () => {
    const t = await http('GET', `${BASE}/api/v1/orders/${order.orderNo}/tracking`, { token })
    const s = t.shipment
    const ready = s?.eta && s.latest && s.milestones.length > 0 && Date.parse(s.latest.at) >= caughtUp
    const stable = ready && previous && previous.eta.at === s.eta.at && previous.latest.at === s.latest.at && previous.milestones.length === s.milestones.length
    previous = ready ? s : null
    if (stable) return t
    await sleep(700)
    return null
  }, 40_000)
  console.log(`tracked: ${tracked.shipment.statusLabel}, ${tracked.shipment.milestones.length} milestones, ETA ${tracked.shipment.eta.atText}`)

  // 6. The buyer opens 物流跟踪 and looks the order up by its number.
  const profile = mkdtempSync(path.join(tmpdir(), 'carmall-e2e-'))
  const context = await launch(profile)
  await storeToken(context, token)
  const page = context.pages()[0] ?? (await context.newPage())
  const pageErrors = watchErrors(page)
  try {
    await openPage(page, 'pages/tracking/index')
    await page.waitForSelector(`${PAGE} .tracking-lookup__input`, { timeout: 15_000 })
    await page.fill(`${PAGE} .tracking-lookup__input input`, order.orderNo)
    await page.click(`${PAGE} .tracking-lookup__btn`)
    await page.waitForSelector(`${PAGE} .tracking-eta__main`, { timeout: 15_000 })
    await sleep(500)

    // ETA and interval as the API has them (the page may have refreshed: compare with a fresh read).
    const shown = (await page.textContent(`${PAGE} .tracking-eta__main`)).trim()
    const now = await http('GET', `${BASE}/api/v1/orders/${order.orderNo}/tracking`, { token })
    check(shown === etaText(now.shipment.eta) || shown === etaText(tracked.shipment.eta), `ETA shown "${shown}", expected "${etaText(now.shipment.eta)}"`)
    check(/^预计 \d{1,2}月\d{1,2}日 \d{2}:\d0 送达（.+–.+）$/.test(shown), `ETA text "${shown}" is not in the expected form`)

    // The route, drawn offline: an SVG path through every route point, stop names, the truck.
    const drawing = await page.evaluate((sel) => {
      const root = document.querySelector(sel)
      const route = root?.querySelector('.route-drawing__route')
      const box = route?.getBBox()
      return {
        points: route ? route.getAttribute('d').split(/[ML]/).filter((x) => x.trim()).length : 0,
        width: box?.width ?? 0,
        height: box?.height ?? 0,
        stops: [...(root?.querySelectorAll('.route-drawing__stop') ?? [])].map((g) => g.textContent),
        truck: !!root?.querySelector('.route-drawing__truck'),
        tiles: document.querySelectorAll('img[src*="tile"], iframe').length,
      }
    }, `${PAGE} .route-drawing`)
    check(drawing.points === now.shipment.route.polyline.length, `route path has ${drawing.points} points, the route ${now.shipment.route.polyline.length}`)
    check(drawing.width > 100 && drawing.height > 100, `route drawing is ${drawing.width}×${drawing.height}`)
    check(JSON.stringify(drawing.stops) === JSON.stringify(['宁波工厂', '杭州中转库', '南京中转库', '北京交付中心']), `stops drawn: ${drawing.stops.join(', ')}`)
    check(drawing.truck, 'no truck on the route drawing')
    check(drawing.tiles === 0, 'online map tiles were loaded')

    // Pixels: the drawing shows the route's grey and the driven part's blue.
    const el = await page.$(`${PAGE} .route-drawing__svg`)
    await el.scrollIntoViewIfNeeded()
    const png = await el.screenshot()
    const colours = await page.evaluate(async (b64) => {
      const img = new Image()
      img.src = `data:image/png;base64,${b64}`
      await img.decode()
      const c = document.createElement('canvas')
      c.width = img.width
      c.height = img.height
      const g = c.getContext('2d')
      g.drawImage(img, 0, 0)
      const d = g.getImageData(0, 0, c.width, c.height).data
      let grey = 0, blue = 0
      for (let i = 0; i < d.length; i += 4) {
        const [r, gg, bb] = [d[i], d[i + 1], d[i + 2]]
        if (Math.abs(r - 0x9a) < 12 && Math.abs(gg - 0xa5) < 12 && Math.abs(bb - 0xb8) < 12) grey += 1
        if (Math.abs(r - 0x1a) < 20 && Math.abs(gg - 0x56) < 20 && Math.abs(bb - 0xdb) < 20) blue += 1
      }
      return { grey, blue }
    }, png.toString('base64'))
    check(colours.grey > 500 && colours.blue > 100, `route pixels: ${JSON.stringify(colours)}`)

    // Milestones: the departure from the factory, with its time.
    const milestones = await page.$$eval(`${PAGE} .tracking-milestone`, (els) => els.map((e) => ({ type: e.getAttribute('data-type'), text: e.textContent })))
    const departed = milestones.find((m) => m.type === 'departed')
    check(departed && departed.text.includes('已从宁波工厂发车'), `milestones: ${JSON.stringify(milestones)}`)
    check(milestones.length === now.shipment.milestones.length || milestones.length === tracked.shipment.milestones.length, `${milestones.length} milestones shown, API has ${now.shipment.milestones.length}`)

    await page.screenshot({ path: path.join(ARTIFACTS, 'tracking.png'), fullPage: true })
    checkNoPageErrors(pageErrors)
    console.log(`tracking page OK: "${shown}", ${drawing.points}-point route, ${milestones.length} milestones; screenshot ${path.join(ARTIFACTS, 'tracking.png')}`)
  } catch (err) {
    await failWith(page, 'tracking', pageErrors, err)
  } finally {
    await context.close()
    rmSync(profile, { recursive: true, force: true })
  }
}

run('tracking', main)
