#!/usr/bin/env node
/**
 * H5 browser e2e of advisor sharing and attribution, two browsers against the real BFF and the SMS
 * and WeChat-code simulators (`bash scripts/e2e.sh advisor` starts them all). Build first:
 * `pnpm --filter @carmall/miniapp build:h5`.
 *
 * Env: E2E_BASE_URL, E2E_SMS_SIM_URL, E2E_ARTIFACTS_DIR, E2E_CHROMIUM.
 *
 * 1. The demo advisor 王顾问 (13900139000, seeded) signs in on 我的 with an SMS code read from the
 *    simulator, configures 远山 S5 (another paint), taps 分享给客户 and takes the H5 link; the share
 *    (read back from the API) is of exactly the configuration on screen. 生成海报 shows the
 *    server-drawn poster (750 px wide PNG with the mini-program code).
 * 2. A buyer opens the link in a fresh browser: the advisor's name, the trim and the price; taps
 *    预约试驾, signs in by SMS on that page, picks a store, tomorrow and the first free hour, books.
 * 3. The advisor's 顾问工作台 shows the share with 1 visit and 1 lead, and the lead with the buyer's
 *    masked phone and the booked hour.
 * Screenshots: advisor-share.png, advisor-poster.png, advisor-buyer.png, advisor-test-drive.png,
 * advisor-booked.png, advisor-workspace.png, advisor-leads.png.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { ARTIFACTS, BASE, E2EFailure, api, check, checkNoPageErrors, failWith, http, launch, openPage, run, watchErrors, yuan } from './lib.mjs'

const SMS_SIM = (process.env.E2E_SMS_SIM_URL || '').replace(/\/+$/, '')
const PAGE = '.taro_page_stationed'
const ADVISOR_PHONE = '13900139000'
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/** Wait for a selector on the page shown, with a readable failure. */
async function waitShown(page, selector, what, timeout = 20_000) {
  return page.waitForSelector(`${PAGE} ${selector}`, { timeout }).catch(() => {
    throw new E2EFailure(`${what}: ${selector} never appeared`)
  })
}

const text = async (page, selector) => ((await page.textContent(`${PAGE} ${selector}`)) ?? '').trim()

/** Sign in with the SMS form on the page shown (我的 or the booking page); the code comes from the simulator. */
async function smsSignIn(page, phone) {
  await waitShown(page, '.sms-form__phone', 'SMS login form')
  await page.fill(`${PAGE} .sms-form__phone input`, phone)
  await page.click(`${PAGE} .sms-form__send`)
  const end = Date.now() + 10_000
  let code = null
  while (!code && Date.now() < end) {
    code = await http('GET', `${SMS_SIM}/__sim/sms/last?phone=${phone}`).then((m) => m.code).catch(() => null)
    if (!code) await sleep(200)
  }
  check(code, `no SMS code reached the simulator for ${phone}`)
  await page.fill(`${PAGE} .sms-form__code input`, code)
  await page.click(`${PAGE} .sms-form__submit`)
}

/** Screenshot of the page shown, scrolled so `selector` is in view (Taro H5 scrolls inside the page, so fullPage cannot). */
async function shot(page, selector, file) {
  await page.$eval(`${PAGE} ${selector}`, (el) => el.scrollIntoView({ block: 'center' })).catch(() => {})
  await sleep(300)
  await page.screenshot({ path: path.join(ARTIFACTS, file) })
}

/** The access token the H5 app keeps (localStorage 'carmall.token' = {"data": token}). */
const tokenOf = (page) => page.evaluate(() => JSON.parse(localStorage.getItem('carmall.token') || '{}').data || null)

async function main() {
  check(SMS_SIM, 'E2E_SMS_SIM_URL is not set (run through scripts/e2e.sh)')
  mkdirSync(ARTIFACTS, { recursive: true })
  const { model } = await api('/catalog/models/yuanshan-s5')

  const profiles = [mkdtempSync(path.join(tmpdir(), 'carmall-e2e-adv-')), mkdtempSync(path.join(tmpdir(), 'carmall-e2e-buyer-'))]
  const advisorCtx = await launch(profiles[0])
  const buyerCtx = await launch(profiles[1])
  const adv = advisorCtx.pages()[0] ?? (await advisorCtx.newPage())
  const buyer = buyerCtx.pages()[0] ?? (await buyerCtx.newPage())
  const advErrors = watchErrors(adv)
  const buyerErrors = watchErrors(buyer)
  let current = adv
  let currentErrors = advErrors
  try {
    // 1. The advisor signs in on 我的 (SMS), then sees 顾问工作台 there.
    await openPage(adv, 'pages/me/index')
    await smsSignIn(adv, ADVISOR_PHONE)
    await waitShown(adv, '.me-entry--advisor', '顾问工作台 entry on 我的 after the advisor signed in')
    const advisorToken = await tokenOf(adv)
    check(advisorToken, 'the advisor has no token after SMS login')

    // Configure 远山 S5 with a paint other than the default, and share it.
    await openPage(adv, 'pages/model/index?code=yuanshan-s5')
    await waitShown(adv, '.config-total', 'configurator')
    // 雾山灰: a paid metallic paint offered on every 远山 S5 trim (not the default).
    const paint = model.options.find((o) => o.code === 'PAINT_MIST_GREY')
    check(paint && paint.group === 'paint', 'no PAINT_MIST_GREY on 远山 S5')
    await adv.click(`${PAGE} .option-item[data-code="${paint.code}"]`)
    await adv.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('data-selected') === 'true', `${PAGE} .option-item[data-code="${paint.code}"]`, { timeout: 10_000 })
    await adv.waitForFunction((sel) => document.querySelector(sel)?.textContent === '总价', `${PAGE} .config-bar__label`, { timeout: 10_000 })
    const shownTotal = Number(await adv.getAttribute(`${PAGE} .config-total`, 'data-total-fen'))

    await waitShown(adv, '.advisor-share__open', '分享给客户 for the advisor')
    await adv.click(`${PAGE} .advisor-share__open`)
    await waitShown(adv, '.advisor-share__link', 'the share link')
    const link = await text(adv, '.advisor-share__link')
    const shareId = new URL(link.replace('/#/', '/')).searchParams.get('s')
    check(link.startsWith(`${BASE}/#/pages/share/index?s=`) && /^[1-9A-HJ-NP-Za-km-z]{12}$/.test(shareId ?? ''), `share link "${link}"`)
    const card = await api(`/shares/${shareId}`)
    check(card.configuration && card.configuration.totalFen === shownTotal, `shared ${yuan(card.configuration?.totalFen ?? 0)}, the screen showed ${yuan(shownTotal)}`)
    check(card.configuration.config.selected.includes(paint.code), `the share lacks the paint ${paint.code} chosen on screen`)
    check(card.advisor.displayName === '王顾问', `advisor shown as ${card.advisor.displayName}`)
    await shot(adv, '.advisor-share__panel', 'advisor-share.png')
    console.log(`advisor shared ${shareId}: ${card.model.name} ${card.configuration.trimName} ${yuan(shownTotal)} → ${link}`)

    // The poster: drawn by the BFF (750 px PNG with the mini-program code).
    await adv.click(`${PAGE} .advisor-share__poster-btn`)
    await waitShown(adv, '.poster-view img', 'the poster image')
    const poster = await adv.waitForFunction((sel) => {
      const img = document.querySelector(sel)
      return img && img.complete && img.naturalWidth > 0 ? { w: img.naturalWidth, h: img.naturalHeight, src: img.getAttribute('src') } : null
    }, `${PAGE} .poster-view img`, { timeout: 30_000 }).then((h) => h.jsonValue()).catch(() => {
      throw new E2EFailure('the poster image never loaded')
    })
    check(poster.w === 750 && poster.h > 750 && poster.src.endsWith(`/api/v1/shares/${shareId}/poster.png`), `poster ${JSON.stringify(poster)}`)
    await shot(adv, '.poster-view', 'advisor-poster.png')

    // 2. The buyer opens the link in a fresh browser.
    current = buyer
    currentErrors = buyerErrors
    await buyer.goto(link, { waitUntil: 'domcontentloaded' })
    await waitShown(buyer, '.share-card', 'the shared configuration for the buyer')
    check((await text(buyer, '.share-card__advisor')) === '王顾问 为您推荐', `advisor line "${await text(buyer, '.share-card__advisor')}"`)
    check((await text(buyer, '.share-card__trim')) === card.configuration.trimName, 'trim name on the share page')
    check((await text(buyer, '.share-card__price')) === yuan(shownTotal), `price "${await text(buyer, '.share-card__price')}", expected ${yuan(shownTotal)}`)
    const rows = await buyer.$$eval(`${PAGE} .share-config__row`, (els) => els.map((e) => e.getAttribute('data-code')))
    check(rows.includes(paint.code), `configuration rows ${rows} lack ${paint.code}`)
    await sleep(300)
    await buyer.screenshot({ path: path.join(ARTIFACTS, 'advisor-buyer.png'), fullPage: true })

    // 预约试驾 → sign in by SMS on the booking page → store, tomorrow, first free hour, name → book.
    await buyer.click(`${PAGE} .share-bar__test-drive`)
    await buyer.waitForFunction(() => location.hash.includes('packages/sales/pages/test-drive'), null, { timeout: 15_000 })
    await waitShown(buyer, '.test-drive-page .sms-form', 'login on the booking page')
    const buyerPhone = `137${String(Date.now()).slice(-8)}`
    await smsSignIn(buyer, buyerPhone)
    await buyer.waitForFunction((sel) => !document.querySelector(sel), `${PAGE} .sms-form`, { timeout: 15_000 }).catch(() => {
      throw new E2EFailure('the buyer did not get signed in on the booking page')
    })
    await waitShown(buyer, '.store-item', 'stores')
    const storeCode = await buyer.getAttribute(`${PAGE} .store-item--on`, 'data-code')
    const tomorrow = await buyer.$$(`${PAGE} .test-drive-date`).then((els) => els[1])
    const date = await tomorrow.getAttribute('data-date')
    await tomorrow.click()
    // The chosen day's slots, not the list still showing for today (after 00:00 Shanghai today has free hours too).
    const freeSlot = `${PAGE} .test-drive-slots[data-date="${date}"] .slot[data-available="true"]`
    await buyer.waitForFunction((sel) => document.querySelectorAll(sel).length > 0, freeSlot, { timeout: 15_000 })
    const slotStart = await buyer.getAttribute(freeSlot, 'data-start')
    await buyer.click(freeSlot)
    await buyer.fill(`${PAGE} .test-drive-name input`, '张三')
    await shot(buyer, '.test-drive-submit', 'advisor-test-drive.png')
    await buyer.click(`${PAGE} .test-drive-submit`)
    await waitShown(buyer, '.test-drive-done', 'booking confirmation')
    const slotText = await text(buyer, '.test-drive-done__slot')
    await buyer.screenshot({ path: path.join(ARTIFACTS, 'advisor-booked.png'), fullPage: true })
    console.log(`buyer ${buyerPhone.slice(0, 3)}****${buyerPhone.slice(-4)} booked ${storeCode} ${date}: ${slotText}`)
    const buyerToken = await tokenOf(buyer)
    const mine = await api('/me/test-drives', { token: buyerToken })
    check(mine.items.length === 1 && mine.items[0].slotStart === slotStart, `buyer's bookings: ${JSON.stringify(mine.items.map((t) => t.slotStart))}, expected ${slotStart}`)

    // 3. The advisor's workspace: the share with 1 visit and 1 lead; the lead, masked.
    current = adv
    currentErrors = advErrors
    await openPage(adv, 'packages/sales/pages/workspace')
    const item = `.share-item[data-share-id="${shareId}"]`
    await waitShown(adv, item, 'the share in 顾问工作台')
    const stats = {
      visits: await text(adv, `${item} .share-item__visits`),
      leads: await text(adv, `${item} .share-item__leads`),
    }
    check(stats.visits === '1' && stats.leads === '1', `workspace share stats ${JSON.stringify(stats)}, expected 1 visit and 1 lead`)
    await shot(adv, item, 'advisor-workspace.png')
    await adv.click(`${PAGE} .workspace__tab-leads`)
    await waitShown(adv, '.lead-item', 'the lead in 顾问工作台')
    const leads = await adv.$$eval(`${PAGE} .lead-item`, (els) => els.map((e) => e.textContent))
    const masked = `${buyerPhone.slice(0, 3)}****${buyerPhone.slice(-4)}`
    check(leads.length === 1, `${leads.length} leads shown, expected 1`)
    check(leads[0].includes(masked) && leads[0].includes('张*') && leads[0].includes(slotText.split(' ').pop()), `lead "${leads[0]}" lacks ${masked}, 张* or the hour of ${slotText}`)
    check(!leads[0].includes(buyerPhone), 'the lead shows the phone unmasked')
    const apiLeads = await api('/advisor/leads', { token: advisorToken })
    check(apiLeads.items[0].shareId === shareId && apiLeads.items[0].assignedToMe, `the lead is not credited to the share: ${JSON.stringify(apiLeads.items[0])}`)
    await shot(adv, '.lead-item', 'advisor-leads.png')
    console.log(`workspace: share ${shareId} ${stats.visits} visit, ${stats.leads} lead; lead ${masked}`)

    checkNoPageErrors(advErrors)
    checkNoPageErrors(buyerErrors)
    console.log(`advisor e2e OK; screenshots in ${ARTIFACTS}`)
  } catch (err) {
    await failWith(current, current === adv ? 'advisor' : 'advisor-buyer', currentErrors, err)
  } finally {
    await advisorCtx.close()
    await buyerCtx.close()
    for (const p of profiles) rmSync(p, { recursive: true, force: true })
  }
}

run('advisor', main)
