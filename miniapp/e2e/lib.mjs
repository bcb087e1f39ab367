/**
 * What every H5 browser e2e shares: where the BFF and the artifacts are, and how Chromium is
 * started (Debian's binary, headless, offline-friendly flags — see ../../../shared/notes/toolchain.md).
 */
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

const here = path.dirname(fileURLToPath(import.meta.url))

/** The BFF that serves the H5 build at / and the API at /api/v1. */
export const BASE = (process.env.E2E_BASE_URL || 'http://127.0.0.1:3000').replace(/\/+$/, '')
export const ARTIFACTS = path.resolve(process.env.E2E_ARTIFACTS_DIR || path.join(here, '..', 'test-results'))
export const CHROMIUM = process.env.E2E_CHROMIUM || '/usr/bin/chromium'

const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  // Without these Chromium keeps calling home, and this machine's closed network refuses it.
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
]

/** The privacy-policy version the app asks consent for (src/utils/privacy.ts PRIVACY_POLICY_VERSION). */
export const PRIVACY_POLICY_VERSION = '2026.11'

/**
 * A phone-sized headless Chromium on a fresh profile folder, as a visitor who has already agreed
 * to the privacy policy (the first-launch consent modal has its own unit tests; here it would only
 * cover the page under test). Taro H5 keeps storage as JSON `{ data: value }` in localStorage.
 */
export async function launch(profile, extraArgs = []) {
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 414, height: 896 },
    deviceScaleFactor: 2,
    args: [...CHROMIUM_ARGS, ...extraArgs],
  })
  const consent = JSON.stringify({ data: JSON.stringify({ version: PRIVACY_POLICY_VERSION, granted: true, at: new Date().toISOString(), recordedFor: [] }) })
  await context.addInitScript((value) => {
    try {
      if (location.protocol.startsWith('http')) localStorage.setItem('carmall.privacyConsent', value)
    } catch {
      // about:blank has no localStorage
    }
  }, consent)
  return context
}

/**
 * Sign a browser context in before the app loads: the access token where Taro H5's setStorageSync
 * keeps it (localStorage 'carmall.token' = JSON {"data": token}).
 */
export async function storeToken(context, token) {
  await context.addInitScript(
    ([key, value]) => {
      try {
        if (location.protocol.startsWith('http')) localStorage.setItem(key, value)
      } catch {
        // about:blank and friends have no localStorage
      }
    },
    ['carmall.token', JSON.stringify({ data: token })],
  )
}

/** A failed expectation: printed as one readable line, without a stack. */
export class E2EFailure extends Error {}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/** Poll `fn` until it resolves with a truthy value (a rejection or throw means "not yet"); E2EFailure after `timeoutMs`. */
export async function until(what, fn, timeoutMs = 20_000) {
  const end = Date.now() + timeoutMs
  let last
  while (Date.now() < end) {
    last = await fn().catch((e) => e)
    if (last && !(last instanceof Error)) return last
    await sleep(300)
  }
  throw new E2EFailure(`timed out waiting for ${what}${last instanceof Error ? ` (${last.message})` : ''}`)
}

export function check(condition, message) {
  if (!condition) throw new E2EFailure(message)
}

/** JSON over HTTP with a readable failure (`token` becomes a Bearer header). */
export async function http(method, url, { body, token, headers: extra = {} } = {}) {
  const headers = { Accept: 'application/json', ...extra }
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  if (token) headers.Authorization = `Bearer ${token}`
  let res
  try {
    res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  } catch (err) {
    throw new E2EFailure(`cannot reach ${url}: ${err.cause?.message ?? err.message} (is it running? check E2E_BASE_URL and the E2E_* URLs)`)
  }
  const text = await res.text()
  if (!res.ok) throw new E2EFailure(`${method} ${url} -> HTTP ${res.status}: ${text.slice(0, 300)}`)
  return text ? JSON.parse(text) : null
}

/** The BFF's API: GET without a body, POST with one unless `method` says otherwise. */
export function api(pathAndQuery, { method, ...options } = {}) {
  return http(method ?? (options.body === undefined ? 'GET' : 'POST'), `${BASE}/api/v1${pathAndQuery}`, options)
}

/** Price in force at `at` (the entry that started last wins), as the shared engine does. */
export function priceAt(prices, at) {
  let best = null
  for (const p of prices) {
    const from = Date.parse(p.effectiveFrom)
    if (at < from || (p.effectiveTo && at >= Date.parse(p.effectiveTo))) continue
    if (!best || from > Date.parse(best.effectiveFrom)) best = p
  }
  check(best, `no price in force at ${new Date(at).toISOString()} in ${JSON.stringify(prices)}`)
  return best.amountFen
}

/** ¥ with thousands separators, as the app shows whole-yuan prices. */
export const yuan = (fen) => `¥${(fen / 100).toLocaleString('en-US')}`

/**
 * Everything the page reports going wrong: uncaught errors, console errors and HTTP failures
 * (the browser's own /favicon.ico request excepted; the app has none). Tests end by checking it is empty.
 */
export function watchErrors(page) {
  const errors = []
  page.on('pageerror', (err) => errors.push(err.message))
  page.on('console', (msg) => {
    // HTTP failures are reported with their URL by the response handler below.
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) errors.push(`console: ${msg.text()}`)
  })
  page.on('response', (res) => {
    if (res.status() >= 400 && !res.url().endsWith('/favicon.ico')) errors.push(`HTTP ${res.status()} ${res.url()}`)
  })
  return errors
}

/** Open a hash route of the H5 app and wait until Taro shows the page (it animates page transitions). */
export async function openPage(page, hashPath, timeout = 20_000) {
  await page.goto(`${BASE}/#/${hashPath.replace(/^\/+/, '')}`, { waitUntil: 'domcontentloaded' })
  await page.waitForSelector('.taro_page_stationed', { timeout }).catch(() => {
    throw new E2EFailure(`the H5 app never showed ${hashPath} (.taro_page_stationed); is the H5 build served at /?`)
  })
}

/** The end of a passing test: the page must not have logged errors. */
export function checkNoPageErrors(pageErrors) {
  check(pageErrors.length === 0, `the page logged errors:\n  ${pageErrors.join('\n  ')}`)
}

/** On failure: a full-page screenshot `<name>-failure.png` and the page's errors, then rethrow. */
export async function failWith(page, name, pageErrors, err) {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}-failure.png`), fullPage: true }).catch(() => {})
  if (pageErrors.length && !(err instanceof E2EFailure && err.message.startsWith('the page logged'))) {
    console.error(`page errors:\n  ${pageErrors.join('\n  ')}`)
  }
  throw err
}

/** Run an e2e file's main(): a failure prints one line (no stack for failed checks) and exits 1. */
export function run(name, main) {
  main().catch((err) => {
    console.error(`FAIL (${name} e2e against ${BASE}): ${err instanceof E2EFailure ? err.message : err.stack ?? err}`)
    process.exit(1)
  })
}

// --- 3D stages (viewer, PC showroom) ---

// WebGL without a GPU: SwiftShader through ANGLE (Chromium refuses it without the second flag).
export const SOFTWARE_GL = ['--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist']

export const hexToRgb = (hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16))
export const dist = (a, b) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2])

/** PNG of a 3D stage's canvas only (`stage`: the .viewer-stage selector). */
export async function canvasShotOf(page, stage) {
  const box = await page.locator(`${stage} canvas`).boundingBox()
  check(box && box.width > 50 && box.height > 50, 'the viewer canvas is missing or tiny')
  return page.screenshot({ clip: box })
}

/** Wait until two canvas screenshots 400 ms apart are identical (auto-rotate/inertia/doors settled). */
export async function settledOf(page, stage, what, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs
  let prev = await canvasShotOf(page, stage)
  while (Date.now() < deadline) {
    await page.waitForTimeout(400)
    const next = await canvasShotOf(page, stage)
    if (next.equals(prev)) return next
    prev = next
  }
  throw new E2EFailure(`${what}: the canvas kept changing for ${timeoutMs} ms (auto-rotate not stopped?)`)
}

/**
 * Decode two PNGs in the page and compare: pixels whose colour differs by more than `tolerance` on
 * some channel, and the mean colour of those pixels in each image.
 */
export async function comparePngs(page, a, b, tolerance = 24) {
  return page.evaluate(
    async ({ a, b, tolerance }) => {
      const decode = async (b64) => {
        const blob = await (await fetch(`data:image/png;base64,${b64}`)).blob()
        const bmp = await createImageBitmap(blob)
        const c = document.createElement('canvas')
        c.width = bmp.width
        c.height = bmp.height
        const ctx = c.getContext('2d')
        ctx.drawImage(bmp, 0, 0)
        return ctx.getImageData(0, 0, c.width, c.height)
      }
      const [ia, ib] = await Promise.all([decode(a), decode(b)])
      if (ia.width !== ib.width || ia.height !== ib.height) return { error: `sizes differ: ${ia.width}x${ia.height} vs ${ib.width}x${ib.height}` }
      let changed = 0
      const sumA = [0, 0, 0]
      const sumB = [0, 0, 0]
      for (let i = 0; i < ia.data.length; i += 4) {
        let differs = false
        for (let k = 0; k < 3; k++) if (Math.abs(ia.data[i + k] - ib.data[i + k]) > tolerance) differs = true
        if (!differs) continue
        changed++
        for (let k = 0; k < 3; k++) {
          sumA[k] += ia.data[i + k]
          sumB[k] += ib.data[i + k]
        }
      }
      const total = ia.width * ia.height
      const mean = (s) => s.map((v) => (changed ? Math.round(v / changed) : 0))
      return { total, changed, fraction: changed / total, meanA: mean(sumA), meanB: mean(sumB) }
    },
    { a: a.toString('base64'), b: b.toString('base64'), tolerance },
  )
}

// --- signing in through the WeChat simulator, and reading the page Taro shows (staff pages) ---

/** A session for `openid` (a fresh user when absent) through the WeChat login simulator at `simUrl`. */
export async function wechatSignIn(simUrl, openid) {
  const { code } = await http('POST', `${simUrl}/__sim/wechat/codes`, { body: openid ? { openid } : {} })
  return http('POST', `${BASE}/api/v1/auth/wechat`, { body: { code } })
}

const STATIONED = '.taro_page_stationed'

/** Wait for `selector` on the page Taro shows; E2EFailure naming `what` otherwise. */
export async function waitShown(page, selector, what, timeout = 20_000) {
  return page.waitForSelector(`${STATIONED} ${selector}`, { timeout }).catch(() => {
    throw new E2EFailure(`${what}: ${selector} never appeared`)
  })
}

/** The trimmed text of `selector` on the page Taro shows. */
export const textOf = async (page, selector) => ((await page.textContent(`${STATIONED} ${selector}`)) ?? '').trim()

/** A viewport screenshot into the artifacts folder, after a short settle. */
export async function shot(page, file) {
  await sleep(300)
  await page.screenshot({ path: path.join(ARTIFACTS, file), scale: 'css' })
}
