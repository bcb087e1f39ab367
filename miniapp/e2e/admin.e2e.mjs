#!/usr/bin/env node
/**
 * H5 browser e2e of the console's admin sections (角色, 审计日志) at 1440×900, against the real BFF
 * and the WeChat login and SMS simulators (`bash scripts/e2e.sh admin` starts them). Build first.
 *
 * Env: E2E_BASE_URL, E2E_WECHAT_SIM_URL, E2E_SMS_SIM_URL, E2E_ADMIN_OPENID (admin role; made by
 * scripts/e2e.sh), E2E_ARTIFACTS_DIR, E2E_CHROMIUM.
 *
 * A new user binds a phone; an admin finds them on 角色 by that phone, grants 顾问 after the
 * confirmation, and the BFF holds the new roles; then on 审计日志, filtered by that user, the
 * entry of this change (user.roles.set) is shown with its before and after.
 * Screenshots: admin-roles.png, admin-audit.png.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { ARTIFACTS, BASE, check, checkNoPageErrors, failWith, http, launch, openPage, run, shot, storeToken, textOf, until, waitShown, watchErrors, wechatSignIn } from './lib.mjs'

const trim = (u) => (u || '').replace(/\/+$/, '')
const WECHAT_SIM = trim(process.env.E2E_WECHAT_SIM_URL)
const SMS_SIM = trim(process.env.E2E_SMS_SIM_URL)
const ADMIN_OPENID = process.env.E2E_ADMIN_OPENID
const PAGE = '.taro_page_stationed'

async function main() {
  for (const [v, name] of [[WECHAT_SIM, 'E2E_WECHAT_SIM_URL'], [SMS_SIM, 'E2E_SMS_SIM_URL'], [ADMIN_OPENID, 'E2E_ADMIN_OPENID']]) check(v, `${name} is not set (run through scripts/e2e.sh)`)
  mkdirSync(ARTIFACTS, { recursive: true })
  const admin = await wechatSignIn(WECHAT_SIM, ADMIN_OPENID)
  check(admin.user.roles.includes('admin'), `${ADMIN_OPENID} is not an admin: ${JSON.stringify(admin.user.roles)}`)
  // A new user with a verified phone.
  const person = await wechatSignIn(WECHAT_SIM, `oE2eRoles${Date.now()}`)
  const phone = `138${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`
  await http('POST', `${BASE}/api/v1/auth/sms/send`, { body: { phone } })
  const code = await until(`an SMS code for ${phone}`, () => http('GET', `${SMS_SIM}/__sim/sms/last?phone=${phone}`).then((m) => m.code), 10_000)
  await http('POST', `${BASE}/api/v1/me/phone`, { token: person.token, body: { phone, code } })

  const profile = mkdtempSync(path.join(tmpdir(), 'carmall-e2e-admin-'))
  const context = await launch(profile)
  const page = context.pages()[0] ?? (await context.newPage())
  const errors = watchErrors(page)
  try {
    await storeToken(context, admin.token)
    await page.setViewportSize({ width: 1440, height: 900 })
    await openPage(page, 'packages/console/pages/roles')
    await waitShown(page, '.console-nav__item[data-key="roles"]', 'the 角色 menu entry')
    await page.fill(`${PAGE} .roles-phone input`, phone)
    await page.click(`${PAGE} .roles-search`)
    const card = `.roles-user[data-id="${person.user.id}"]`
    await waitShown(page, card, 'the user found by phone')
    check((await textOf(page, `${card} .roles-user__who`)).includes(`${phone.slice(0, 3)}****${phone.slice(-4)}`), 'the found user does not show the masked phone')
    await page.click(`${PAGE} ${card} .roles-user__roles [data-value="advisor"]`)
    await page.click(`${PAGE} ${card} .roles-user__save`)
    const confirm = '.taro-modal__foot >> text=确认修改' // Taro H5's showModal
    await page.waitForSelector(confirm, { timeout: 5_000 })
    await page.click(confirm)
    await waitShown(page, `${card} .roles-user__message--ok`, 'the save confirmed')
    const after = await http('GET', `${BASE}/api/v1/admin/users/${person.user.id}`, { token: admin.token })
    check(JSON.stringify([...after.roles].sort()) === JSON.stringify(['advisor', 'buyer']), `the BFF holds roles ${JSON.stringify(after.roles)}`)
    await shot(page, 'admin-roles.png')

    await openPage(page, 'packages/console/pages/audit')
    await waitShown(page, '.audit-go', 'the 审计日志 filters')
    await page.fill(`${PAGE} .audit-filter--targetId input`, person.user.id)
    await page.click(`${PAGE} .audit-go`)
    const entry = `.audit-entry[data-action="user.roles.set"][data-target="${person.user.id}"]`
    await waitShown(page, entry, 'the audit entry of the role change')
    const shown = await textOf(page, entry)
    check(shown.includes('advisor') || shown.includes('顾问'), `the audit entry does not show the new role: "${shown.slice(0, 200)}"`)
    checkNoPageErrors(errors)
    await shot(page, 'admin-audit.png')
    console.log(`PASS: 角色 granted 顾问 to the user with ${phone.slice(0, 3)}****${phone.slice(-4)}; 审计日志 shows user.roles.set for them`)
  } catch (err) {
    await failWith(page, 'admin', errors, err)
  } finally {
    await context.close().catch(() => {})
    rmSync(profile, { recursive: true, force: true })
  }
}

run('admin', main)
