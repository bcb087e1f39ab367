#!/usr/bin/env node
/**
 * H5 browser e2e for the PC showroom (issue #24's desktop layout), against the real BFF, in
 * headless Chromium with software WebGL:
 *   1920×1080: the model page puts the 3D stage (the viewer's WebGL stage) beside the configurator,
 *   the total stays in view, the stage turns with the arrow keys and repaints when the buyer picks
 *   another paint in the configurator beside it.
 *   390×844: the phone layout is as before (the cover, no 3D stage).
 *
 *   H5_DIR=miniapp/dist/h5 bash scripts/e2e.sh showroom
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { ARTIFACTS, BASE, E2EFailure, SOFTWARE_GL, canvasShotOf, check, checkNoPageErrors, comparePngs, failWith, launch, run, settledOf, watchErrors } from './lib.mjs'

const MODEL = 'yuanshan-s5'
const PAGE = '.taro_page_stationed'
const STAGE = `${PAGE} .desktop-stage .viewer-stage`

async function main() {
  mkdirSync(ARTIFACTS, { recursive: true })
  const detail = await (await fetch(`${BASE}/api/v1/catalog/models/${MODEL}`)).json()
  const trim = detail.model.trims[0]
  const defaultPaint = trim.defaults.find((c) => detail.model.options.find((o) => o.code === c)?.group === 'paint')
  const other = detail.model.options.find((o) => o.group === 'paint' && o.code !== defaultPaint && o.availableOn.includes(trim.code) && !o.requires?.length && !o.requiresAny?.length && o.swatch?.toLowerCase() < '#5')
  check(other, 'no dark paint to switch to')

  const profile = mkdtempSync(path.join(tmpdir(), 'carmall-showroom-e2e-'))
  const context = await launch(profile, SOFTWARE_GL)
  const page = context.pages()[0] ?? (await context.newPage())
  const pageErrors = watchErrors(page)
  try {
    // 1. Desktop: the stage beside the configurator, 3D drawn.
    await page.setViewportSize({ width: 1920, height: 1080 })
    await page.goto(`${BASE}/#/pages/model/index?code=${MODEL}`, { waitUntil: 'domcontentloaded' })
    await page.waitForSelector(`${STAGE}[data-viewer-status="ready"]`, { timeout: 60_000 }).catch(async () => {
      const status = await page.getAttribute(`${PAGE} [data-viewer-status]`, 'data-viewer-status').catch(() => null)
      throw new E2EFailure(`the desktop model page shows no drawn 3D stage (status: ${status}); errors: ${pageErrors.join('; ') || 'none'}`)
    })
    const stage = await page.locator(`${PAGE} .model-page__stage`).boundingBox()
    const panel = await page.locator(`${PAGE} .model-page__panel`).boundingBox()
    check(stage && panel && stage.x + stage.width <= panel.x + 1, `the stage ${JSON.stringify(stage)} is not beside the configurator ${JSON.stringify(panel)}`)
    check(stage.width >= 1000 && stage.height >= 700, `the stage is small for a 1920×1080 screen: ${Math.round(stage.width)}×${Math.round(stage.height)}`)
    check((await page.locator(`${PAGE} .model-page__cover`).count()) === 0, 'the plain cover is still shown beside the 3D stage')
    const total = await page.locator(`${PAGE} .config-total`).boundingBox()
    check(total && total.y + total.height <= 1080 && total.x >= stage.x + stage.width, `the total is not in view in the configurator column: ${JSON.stringify(total)}`)
    const bodyText = await page.evaluate(() => parseFloat(getComputedStyle(document.querySelector('.taro_page_stationed .model-page__tagline')).fontSize))
    check(bodyText >= 14 && bodyText <= 22, `the configurator text is ${bodyText}px on a desktop screen`)
    await page.screenshot({ path: path.join(ARTIFACTS, 'showroom-1920.png') })
    console.log(`1920×1080: stage ${Math.round(stage.width)}×${Math.round(stage.height)} beside the configurator (${Math.round(panel.width)} px), tagline ${bodyText}px`)

    // 2. The keyboard turns the car (after the first key the auto-rotation stops).
    await page.focus(`${STAGE} .viewer-stage__host`)
    await page.keyboard.press('ArrowLeft')
    const still = await settledOf(page, STAGE, 'after the first key')
    for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowLeft')
    const turned = await settledOf(page, STAGE, 'after turning with the arrow keys')
    const turn = await comparePngs(page, still, turned)
    check(turn.fraction > 0.02, `the arrow keys did not turn the car (${(turn.fraction * 100).toFixed(1)}% of pixels changed)`)
    const scrollY = await page.evaluate(() => window.scrollY)
    check(scrollY === 0, `the arrow keys scrolled the page (${scrollY} px) instead of only turning the car`)

    // 3. A paint picked in the configurator beside it repaints the 3D car.
    await page.click(`${PAGE} .option-item[data-code="${other.code}"]`)
    await page.waitForSelector(`${PAGE} .option-item[data-code="${other.code}"][data-selected="true"]`, { timeout: 10_000 }).catch(async () => {
      // A choice with consequences asks first: confirm it.
      await page.click('.taro-modal__foot .taro-modal__btn-primary, .taro__modal .taro-modal__btn-primary').catch(() => {})
      await page.waitForSelector(`${PAGE} .option-item[data-code="${other.code}"][data-selected="true"]`, { timeout: 5_000 })
    })
    const painted = await settledOf(page, STAGE, 'after picking a paint')
    const paint = await comparePngs(page, turned, painted)
    check(paint.fraction > 0.02, `picking ${other.code} in the configurator did not repaint the 3D car (${(paint.fraction * 100).toFixed(1)}% changed)`)
    console.log(`keys turned ${(turn.fraction * 100).toFixed(1)}% of the stage; ${other.name} repainted ${(paint.fraction * 100).toFixed(1)}%`)
    await page.screenshot({ path: path.join(ARTIFACTS, 'showroom-1920-paint.png') })
    checkNoPageErrors(pageErrors)

    // 4. A phone: the layout as before, no 3D stage on the page.
    const phone = await context.newPage()
    await phone.setViewportSize({ width: 390, height: 844 })
    await phone.goto(`${BASE}/#/pages/model/index?code=${MODEL}`, { waitUntil: 'domcontentloaded' })
    await phone.waitForSelector(`${PAGE} .model-page__cover`, { timeout: 20_000 }).catch(() => {
      throw new E2EFailure('the phone layout has no cover')
    })
    check((await phone.locator(`${PAGE} .desktop-stage`).count()) === 0, 'a phone got the desktop 3D stage')
    const cover = await phone.locator(`${PAGE} .model-page__cover`).boundingBox()
    check(cover && cover.width >= 330 && cover.width <= 390, `the phone cover is ${cover?.width} px wide`)
    await phone.screenshot({ path: path.join(ARTIFACTS, 'showroom-390.png') })
    console.log('PASS: the PC showroom layout at 1920×1080, the phone layout at 390×844')
  } catch (err) {
    await failWith(page, 'showroom', pageErrors, err)
  } finally {
    await context.close()
    rmSync(profile, { recursive: true, force: true })
  }
}

run('showroom', main)
