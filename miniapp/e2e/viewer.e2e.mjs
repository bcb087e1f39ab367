#!/usr/bin/env node
/**
 * H5 browser e2e for the 3D viewer (subpackage packages/viewer), run against the real BFF (which
 * serves the H5 build at `/`, the API at `/api/v1` and the .glb files at `/media/car-models/`).
 * Build first: `pnpm --filter @carmall/miniapp build:h5`.
 *
 *   E2E_BASE_URL=http://127.0.0.1:3000 node e2e/viewer.e2e.mjs
 *
 * Env (same as the other e2e files):
 *   E2E_BASE_URL       BFF origin (default http://127.0.0.1:3000)
 *   E2E_ARTIFACTS_DIR  where screenshots go (default miniapp/test-results)
 *   E2E_CHROMIUM       browser binary (default /usr/bin/chromium)
 *
 * Headless Chromium renders WebGL in software (SwiftShader through ANGLE). The test stops the
 * auto-rotation by dragging (as a buyer would), waits until the picture is still, then checks that
 * switching paint and opening a door change the rendered pixels, and that a browser without WebGL
 * gets the image fallback instead of an error.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { ARTIFACTS, BASE, E2EFailure, SOFTWARE_GL, canvasShotOf, check, checkNoPageErrors, comparePngs, dist, failWith, hexToRgb, launch, run, settledOf, watchErrors } from './lib.mjs'

const MODEL = 'yuanshan-s5'
const STAGE = '.taro_page_stationed .viewer-stage'
const canvasShot = (page) => canvasShotOf(page, STAGE)
const settled = (page, what, timeoutMs) => settledOf(page, STAGE, what, timeoutMs)


async function fetchOk(url, what) {
  let res
  try {
    res = await fetch(url)
  } catch (err) {
    throw new E2EFailure(`cannot reach the BFF at ${url}: ${err.cause?.message ?? err.message} (is it running? set E2E_BASE_URL)`)
  }
  if (!res.ok) throw new E2EFailure(`${what}: GET ${url} -> HTTP ${res.status}`)
  return res
}

async function main() {
  mkdirSync(ARTIFACTS, { recursive: true })

  // 1. What the BFF says: the model, its body type's .glb, the default paint and a contrasting one.
  const detail = await (await fetchOk(`${BASE}/api/v1/catalog/models/${MODEL}`, 'model detail')).json()
  const { model } = detail
  const glb = await fetchOk(`${BASE}/media/car-models/${model.bodyType}.glb`, 'car model file')
  check(glb.headers.get('content-type') === 'model/gltf-binary', `the .glb is served as ${glb.headers.get('content-type')}`)
  const trim = model.trims[0]
  const paints = model.options.filter((o) => o.group === 'paint' && o.availableOn.includes(trim.code) && o.swatch)
  const defaultPaint = paints.find((p) => trim.defaults.includes(p.code))
  check(defaultPaint, `trim ${trim.code} has no default paint with a swatch`)
  const target = paints
    .filter((p) => p.code !== defaultPaint.code && !p.requires?.length && !p.requiresAny?.length)
    .sort((a, b) => dist(hexToRgb(b.swatch), hexToRgb(defaultPaint.swatch)) - dist(hexToRgb(a.swatch), hexToRgb(defaultPaint.swatch)))[0]
  check(target, 'no second paint to switch to')
  console.log(`model ${MODEL} (${model.bodyType}): default paint ${defaultPaint.code} ${defaultPaint.swatch}, switching to ${target.code} ${target.swatch}`)

  const profile = mkdtempSync(path.join(tmpdir(), 'carmall-viewer-e2e-'))
  const context = await launch(profile, SOFTWARE_GL)
  const page = context.pages()[0] ?? (await context.newPage())
  const pageErrors = watchErrors(page)
  try {
    // 2. Open the viewer standalone (no configurator behind it): trim defaults apply. On a phone's
    // network (DevTools' "Fast 3G": 1.6 Mbps down, 150 ms) it must load progressively: the car's
    // poster in its paint first, with the progress bar, while the 3D engine and the model download.
    const cdp = await context.newCDPSession(page)
    await cdp.send('Network.enable')
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 150, downloadThroughput: (1.6e6 / 8) * 0.9, uploadThroughput: (750e3 / 8) * 0.9 })
    const sent = new Map()
    const finished = [] // { url, bytes, at }
    cdp.on('Network.requestWillBeSent', (e) => sent.set(e.requestId, e.request.url))
    cdp.on('Network.loadingFinished', (e) => finished.push({ url: sent.get(e.requestId) ?? '', bytes: e.encodedDataLength, at: Date.now() }))
    const t0 = Date.now()
    await page.goto(`${BASE}/#/packages/viewer/pages/index?model=${MODEL}`, { waitUntil: 'domcontentloaded' })
    await page.waitForSelector('.taro_page_stationed', { timeout: 30_000 }).catch(() => {
      throw new E2EFailure('the H5 app never showed a page (.taro_page_stationed); is the H5 build served at /?')
    })
    const poster = `${STAGE}[data-viewer-status="loading"] .viewer-stage__poster img`
    await page
      .waitForFunction((sel) => { const img = document.querySelector(sel); return !!img && img.complete && img.naturalWidth > 0 }, poster, { timeout: 30_000 })
      .catch(async () => {
        const status = await page.getAttribute('.taro_page_stationed [data-viewer-status]', 'data-viewer-status').catch(() => null)
        throw new E2EFailure(`no poster was shown while the 3D loads (viewer status: ${status})`)
      })
    const tPoster = Date.now()
    const posterSrc = await page.getAttribute(poster, 'src')
    check(posterSrc && posterSrc.includes(`paint=${encodeURIComponent(defaultPaint.code)}`), `the poster is not in the chosen paint: ${posterSrc}`)
    const loadingText = (await page.textContent(`${STAGE} .viewer-stage__percent`).catch(() => '')) ?? ''
    check(/准备 3D|模型加载中/.test(loadingText), `the progress under the poster reads "${loadingText}"`)
    await page.screenshot({ path: path.join(ARTIFACTS, 'viewer-poster.png') })
    await page.waitForSelector(`${STAGE}[data-viewer-status="ready"]`, { timeout: 90_000 }).catch(async () => {
      const status = await page.getAttribute('.taro_page_stationed [data-viewer-status]', 'data-viewer-status').catch(() => null)
      throw new E2EFailure(`the model never finished loading (viewer status: ${status}); page errors: ${pageErrors.join('; ') || 'none'}`)
    })
    const tReady = Date.now()
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 })
    check(await page.locator(`${STAGE} .viewer-stage__poster`).count() === 0, 'the poster stays over the 3D once it is drawn')
    const kb = (xs) => Math.round(xs.reduce((n, x) => n + x.bytes, 0) / 1024)
    const js = finished.filter((f) => /\.js(\?|$)/.test(f.url))
    const beforePoster = js.filter((f) => f.at <= tPoster)
    const biggest = [...js].sort((a, b) => b.bytes - a.bytes)[0]
    check(biggest && biggest.at > tPoster, `the biggest script (${biggest?.url}, ${Math.round((biggest?.bytes ?? 0) / 1024)} KB) arrived before the poster: the engine is not loaded after it`)
    console.log(
      `fast 3G: poster after ${((tPoster - t0) / 1000).toFixed(1)} s (${kb(beforePoster)} KB of JS on the wire), 3D drawn after ${((tReady - t0) / 1000).toFixed(1)} s ` +
        `(${kb(js)} KB of JS in all; the engine chunk ${Math.round(biggest.bytes / 1024)} KB; the model ${kb(finished.filter((f) => f.url.includes('.glb')))} KB)`,
    )
    check(
      await page.locator(`.taro_page_stationed [data-group="paint"] [data-code="${defaultPaint.code}"].viewer-option--active`).count() === 1,
      `the trim's default paint ${defaultPaint.code} is not marked as selected`,
    )

    // 3. Auto-rotation runs until touched: two shots differ, then a drag stops it and the view settles.
    const r1 = await canvasShot(page)
    await page.waitForTimeout(500)
    const r2 = await canvasShot(page)
    check(!r1.equals(r2), 'the model does not auto-rotate before it is touched')
    const box = await page.locator(`${STAGE} canvas`).boundingBox()
    const cx = box.x + box.width / 2
    const cy = box.y + box.height / 2
    await page.mouse.move(cx, cy)
    await page.mouse.down()
    for (let i = 1; i <= 6; i++) await page.mouse.move(cx - i * 12, cy, { steps: 2 })
    await page.waitForTimeout(300) // hold still before releasing: no flick
    await page.mouse.up()
    const before = await settled(page, 'after dragging')
    await page.screenshot({ path: path.join(ARTIFACTS, 'viewer-initial.png') })
    console.log('drag stopped the auto-rotation; the view is still')

    // 4. Switch paint: body pixels change toward the new swatch.
    await page.click(`.taro_page_stationed [data-group="paint"] [data-code="${target.code}"]`)
    await page.waitForSelector(`.taro_page_stationed [data-group="paint"] [data-code="${target.code}"].viewer-option--active`, { timeout: 5_000 })
    const painted = await settled(page, 'after switching paint')
    await page.screenshot({ path: path.join(ARTIFACTS, 'viewer-paint.png') })
    const paintDiff = await comparePngs(page, before, painted)
    check(!paintDiff.error, paintDiff.error)
    const want = hexToRgb(target.swatch)
    console.log(
      `paint switch: ${(paintDiff.fraction * 100).toFixed(1)}% of canvas pixels changed, mean of changed pixels ${paintDiff.meanA} -> ${paintDiff.meanB} (swatch ${want})`,
    )
    check(paintDiff.fraction > 0.03, `switching paint changed only ${(paintDiff.fraction * 100).toFixed(2)}% of the canvas`)
    check(
      dist(paintDiff.meanB, want) < dist(paintDiff.meanA, want),
      `the changed pixels did not move toward the new paint ${target.swatch}: ${paintDiff.meanA} -> ${paintDiff.meanB}`,
    )

    // 5. Open the doors: the button flips to 关门 and the pixels change again.
    const doorButton = page.locator('.taro_page_stationed [data-action="doors"]')
    check((await doorButton.innerText()).includes('开门'), 'the door button does not read 开门')
    await doorButton.click()
    await page.waitForFunction(
      () => document.querySelector('.taro_page_stationed [data-action="doors"]')?.textContent?.includes('关门'),
      null,
      { timeout: 5_000 },
    )
    const opened = await settled(page, 'after opening the doors')
    await page.screenshot({ path: path.join(ARTIFACTS, 'viewer-doors-open.png') })
    const doorDiff = await comparePngs(page, painted, opened)
    check(!doorDiff.error, doorDiff.error)
    console.log(`doors open: ${(doorDiff.fraction * 100).toFixed(1)}% of canvas pixels changed`)
    check(doorDiff.fraction > 0.005, `opening the doors changed only ${(doorDiff.fraction * 100).toFixed(2)}% of the canvas`)

    // Closing brings the same picture back (the door animation is reversible, nothing drifts).
    await doorButton.click()
    const closed = await settled(page, 'after closing the doors')
    const closeDiff = await comparePngs(page, painted, closed)
    console.log(`doors closed again: ${(closeDiff.fraction * 100).toFixed(2)}% differ from before opening`)
    check(closeDiff.fraction < 0.002, `closing the doors did not restore the picture (${(closeDiff.fraction * 100).toFixed(2)}% differ)`)

    checkNoPageErrors(pageErrors)

    // 6. No WebGL: the image fallback, not an error.
    const noGl = await context.newPage()
    const noGlErrors = watchErrors(noGl)
    await noGl.addInitScript(() => {
      const original = HTMLCanvasElement.prototype.getContext
      HTMLCanvasElement.prototype.getContext = function (type, ...rest) {
        if (/webgl/i.test(String(type))) return null
        return original.call(this, type, ...rest)
      }
    })
    await noGl.goto(`${BASE}/#/packages/viewer/pages/index?model=${MODEL}`, { waitUntil: 'domcontentloaded' })
    await noGl.waitForSelector('.taro_page_stationed .viewer-gallery[data-viewer-status="fallback"]', { timeout: 20_000 }).catch(() => {
      throw new E2EFailure(`without WebGL the viewer did not show the image fallback; errors: ${noGlErrors.join('; ') || 'none'}`)
    })
    check(await noGl.locator('.taro_page_stationed .viewer-gallery__paint').count() === paints.length, 'the fallback does not list every paint')
    await noGl.waitForTimeout(300)
    await noGl.screenshot({ path: path.join(ARTIFACTS, 'viewer-fallback.png') })
    check(noGlErrors.length === 0, `the no-WebGL page logged errors:\n  ${noGlErrors.join('\n  ')}`)
    console.log('without WebGL: image fallback with the paint colours, no errors')
    console.log(`PASS: viewer screenshots in ${ARTIFACTS}`)
  } catch (err) {
    await failWith(page, 'viewer', pageErrors, err)
  } finally {
    await context.close()
    rmSync(profile, { recursive: true, force: true })
  }
}

run('viewer', main)
