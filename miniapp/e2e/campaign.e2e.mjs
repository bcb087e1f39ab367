#!/usr/bin/env node
/**
 * H5 browser e2e of the service staff's campaign console and the owner's message centre, two
 * browsers against the real BFF, its BullMQ reminder workers and the SMS / WeChat simulators
 * (`bash scripts/e2e.sh campaign` starts them all). Build first: `pnpm --filter @carmall/miniapp build:h5`.
 *
 * Env: E2E_BASE_URL, E2E_SMS_SIM_URL, E2E_WECHAT_SIM_URL, E2E_STAFF_OPENID (a user with the
 * `service` role, created by scripts/e2e.sh), E2E_ARTIFACTS_DIR, E2E_CHROMIUM.
 *
 * 1. An owner signs in on 我的 with an SMS code read from the simulator; service staff register a
 *    远山 S5 delivered ~a year ago for them (API), so its service falls due within 30 days.
 * 2. The staff member (signed in as the service-role account) opens 服务工作台, chooses 远山 S5 and
 *    "due within 30 days", writes the message, previews (the count equals the API's preview), pushes
 *    and watches the progress until done: every targeted owner counted once as sent / no opt-in /
 *    failed, the owner (no WeChat opt-in on H5) among the no-opt-in ones.
 * 3. The owner opens 消息中心 from 我的 and sees the campaign message unread; tapping marks it read.
 * Screenshots: campaign-console.png, campaign-progress.png, campaign-messages.png.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { ARTIFACTS, BASE, E2EFailure, api, check, checkNoPageErrors, failWith, http, launch, openPage, run, storeToken, until, watchErrors } from './lib.mjs'

const SMS_SIM = (process.env.E2E_SMS_SIM_URL || '').replace(/\/+$/, '')
const WECHAT_SIM = (process.env.E2E_WECHAT_SIM_URL || '').replace(/\/+$/, '')
const STAFF_OPENID = process.env.E2E_STAFF_OPENID
const PAGE = '.taro_page_stationed'
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

async function waitShown(page, selector, what, timeout = 20_000) {
  return page.waitForSelector(`${PAGE} ${selector}`, { timeout }).catch(() => {
    throw new E2EFailure(`${what}: ${selector} never appeared`)
  })
}
const text = async (page, selector) => ((await page.textContent(`${PAGE} ${selector}`)) ?? '').trim()

async function smsSignIn(page, phone) {
  await waitShown(page, '.sms-form__phone', 'SMS login form')
  await page.fill(`${PAGE} .sms-form__phone input`, phone)
  await page.click(`${PAGE} .sms-form__send`)
  const code = await until(`an SMS code for ${phone}`, () => http('GET', `${SMS_SIM}/__sim/sms/last?phone=${phone}`).then((m) => m.code), 10_000)
  await page.fill(`${PAGE} .sms-form__code input`, code)
  await page.click(`${PAGE} .sms-form__submit`)
}

async function wechatToken(openid) {
  const { code } = await http('POST', `${WECHAT_SIM}/__sim/wechat/codes`, { body: { openid } })
  return (await http('POST', `${BASE}/api/v1/auth/wechat`, { body: { code } })).token
}

const tokenOf = (page) => page.evaluate(() => JSON.parse(localStorage.getItem('carmall.token') || '{}').data || null)

async function shot(page, selector, file) {
  await page.$eval(`${PAGE} ${selector}`, (el) => el.scrollIntoView({ block: 'center' })).catch(() => {})
  await sleep(300)
  await page.screenshot({ path: path.join(ARTIFACTS, file) })
}

/** A VIN nobody else has (17 characters without I, O, Q). */
function randomVin() {
  const chars = 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789'
  let v = 'LYS5E2E'
  while (v.length < 17) v += chars[Math.floor(Math.random() * chars.length)]
  return v
}

async function main() {
  for (const [v, name] of [[SMS_SIM, 'E2E_SMS_SIM_URL'], [WECHAT_SIM, 'E2E_WECHAT_SIM_URL'], [STAFF_OPENID, 'E2E_STAFF_OPENID']]) check(v, `${name} is not set (run through scripts/e2e.sh)`)
  mkdirSync(ARTIFACTS, { recursive: true })
  const suffix = String(Date.now() % 10_000).padStart(4, '0')
  const title = `冬季保养关怀${suffix}`
  const body = `尊敬的车主，冬季到店保养可享免费电池检测（${suffix}）。`
  const ownerPhone = `137${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`

  const profiles = [mkdtempSync(path.join(tmpdir(), 'carmall-e2e-owner-')), mkdtempSync(path.join(tmpdir(), 'carmall-e2e-staff-'))]
  const ownerCtx = await launch(profiles[0])
  const staffCtx = await launch(profiles[1])
  const staffTokenValue = await wechatToken(STAFF_OPENID)
  await storeToken(staffCtx, staffTokenValue)
  const owner = ownerCtx.pages()[0] ?? (await ownerCtx.newPage())
  const staff = staffCtx.pages()[0] ?? (await staffCtx.newPage())
  const ownerErrors = watchErrors(owner)
  const staffErrors = watchErrors(staff)
  let current = owner
  let currentErrors = ownerErrors
  let name = 'campaign-owner'
  try {
    // 1. The owner signs in by SMS; staff register their car (delivered 355 days ago: service due soon).
    await openPage(owner, 'pages/me/index')
    await smsSignIn(owner, ownerPhone)
    await waitShown(owner, '.me-entry--messages', '消息中心 entry on 我的 after login')
    const ownerToken = await until('the owner token', () => tokenOf(owner))
    const me = await api('/auth/me', { token: ownerToken })
    const ownerId = me.user?.id ?? me.id
    check(ownerId, `no user id in /auth/me: ${JSON.stringify(me)}`)
    const car = await api('/admin/vehicles', {
      token: staffTokenValue,
      body: { ownerId, vin: randomVin(), modelCode: 'yuanshan-s5', deliveredAt: new Date(Date.now() - 355 * 86_400_000).toISOString() },
    })
    check(car.health.service.daysLeft <= 30, `the car's service is not due within 30 days: ${JSON.stringify(car.health.service)}`)

    // 2. Staff: segment, preview, push, live progress.
    current = staff
    currentErrors = staffErrors
    name = 'campaign-staff'
    await openPage(staff, 'packages/staff/pages/index')
    const s5 = '.segment-model[data-code="yuanshan-s5"]'
    await waitShown(staff, s5, '远山 S5 in the segment models')
    await staff.click(`${PAGE} ${s5}`)
    await staff.fill(`${PAGE} .segment-due input`, '30')
    await staff.fill(`${PAGE} .campaign-title input`, title)
    await staff.fill(`${PAGE} .campaign-body textarea`, body)
    await staff.click(`${PAGE} .staff-preview`)
    await waitShown(staff, '.preview__count', 'the preview')
    const segment = { modelCodes: ['yuanshan-s5'], dueWithinDays: 30 }
    const expected = await api('/admin/campaigns/preview', { token: staffTokenValue, body: { segment, message: { title, body } } })
    check(expected.owners >= 1, `the API preview reaches no owner: ${JSON.stringify(expected)}`)
    const shown = await text(staff, '.preview__count')
    check(shown === `覆盖 ${expected.owners} 位车主（${expected.vehicles} 辆车）`, `the preview reads "${shown}", the API says ${expected.owners} owners / ${expected.vehicles} cars`)
    check((await text(staff, '.preview__title')) === title && (await text(staff, '.preview__body')) === body, 'the preview does not show the message as written')
    await shot(staff, '.preview', 'campaign-console.png')
    await staff.click(`${PAGE} .staff-push`)
    const confirm = '.taro-modal__foot >> text=确定' // Taro H5's showModal
    await staff.waitForSelector(confirm, { timeout: 5_000 })
    await staff.click(confirm)
    await waitShown(staff, '.progress', 'the progress panel after pushing')
    await staff.waitForSelector(`${PAGE} .progress[data-status="done"]`, { timeout: 60_000 }).catch(async () => {
      throw new E2EFailure(`the campaign never finished; the panel reads: ${await text(staff, '.progress')}`)
    })
    const num = async (k) => Number(await text(staff, `.progress__${k} .progress__num`))
    const [targeted, queued, sent, noOptIn, failed] = [await num('targeted'), await num('queued'), await num('sent'), await num('noOptIn'), await num('failed')]
    check(targeted === expected.owners, `targeted ${targeted}, the preview said ${expected.owners}`)
    check(queued === 0 && sent + noOptIn + failed === targeted, `counts do not add up: targeted ${targeted}, queued ${queued}, sent ${sent}, no opt-in ${noOptIn}, failed ${failed}`)
    check(noOptIn >= 1, 'the H5 owner (no WeChat opt-in) is not counted as no opt-in')
    const history = await api('/admin/campaigns', { token: staffTokenValue })
    const mine = history.items.find((c) => c.message.title === title)
    check(mine && mine.status === 'done' && mine.counts.targeted === targeted, `the campaign is not in the history as done: ${JSON.stringify(mine)}`)
    await shot(staff, '.progress', 'campaign-progress.png')
    checkNoPageErrors(staffErrors)

    // 3. The owner reads it in 消息中心 (from 我的).
    current = owner
    currentErrors = ownerErrors
    name = 'campaign-owner'
    await owner.click(`${PAGE} .me-entry--messages`)
    const item = `.message-item:has-text("${title}")`
    await waitShown(owner, item, 'the campaign message in 消息中心')
    check((await owner.getAttribute(`${PAGE} ${item}`, 'data-read')) === 'false', 'the new message is not shown unread')
    check((await text(owner, item)).includes(body), 'the message body is not shown')
    check(/\d+ 条未读/.test(await text(owner, '.messages-page__count')), `the unread count reads "${await text(owner, '.messages-page__count')}"`)
    check((await text(owner, '.subscribe-reminder')).includes('消息中心'), 'H5 does not explain the in-app message centre')
    await owner.click(`${PAGE} ${item}`)
    await owner.waitForSelector(`${PAGE} ${item}[data-read="true"]`, { timeout: 10_000 })
    const inbox = await until('the message read on the BFF', async () => {
      const res = await api('/me/messages', { token: ownerToken })
      const m = res.items.find((x) => x.title === title)
      return m?.read ? res : null
    })
    check(inbox.items.filter((x) => x.title === title).length === 1, 'the owner got the campaign message more than once')
    await shot(owner, item, 'campaign-messages.png')
    checkNoPageErrors(ownerErrors)
    console.log(`PASS: campaign "${title}": preview ${expected.owners} owners, progress targeted ${targeted} = sent ${sent} + no opt-in ${noOptIn} + failed ${failed}; the owner read it in 消息中心`)
  } catch (err) {
    await failWith(current, name, currentErrors, err)
  } finally {
    await ownerCtx.close()
    await staffCtx.close()
    for (const p of profiles) rmSync(p, { recursive: true, force: true })
  }
}

run('campaign', main)
