#!/usr/bin/env node
/**
 * H5 browser e2e for the configurator, run against the real BFF (which serves the H5 build at `/`
 * and the API at `/api/v1`) with the seeded lineup. Build first: `pnpm --filter @carmall/miniapp build:h5`.
 *
 *   E2E_BASE_URL=http://127.0.0.1:3000 pnpm --filter @carmall/miniapp e2e configure
 *
 * Env: E2E_BASE_URL, E2E_ARTIFACTS_DIR, E2E_CHROMIUM (as models.e2e.mjs).
 *
 * It configures 远山 S5 in Chromium: every expected total and delta is computed here from the
 * model's own data (GET /api/v1/catalog/models/yuanshan-s5, prices in force at its `pricedAt`),
 * never hard-coded, so the test follows the seed.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { ARTIFACTS, BASE, E2EFailure, api, check, checkNoPageErrors, failWith, launch, priceAt, run, watchErrors, yuan } from './lib.mjs'

const MODEL = 'yuanshan-s5'
const PAGE = '.taro_page_stationed'

async function main() {
  mkdirSync(ARTIFACTS, { recursive: true })

  // 1. What the BFF says about the model, and the expectations derived from it.
  const { model, pricedAt } = await api(`/catalog/models/${MODEL}`)
  const at = Date.parse(pricedAt)
  const opt = (code) => model.options.find((o) => o.code === code)
  const optionPrice = (code) => priceAt(opt(code).prices, at)
  const defaultTotal = (trim) => priceAt(trim.prices, at) + trim.defaults.reduce((n, c) => n + optionPrice(c), 0)
  const firstTrim = model.trims[0]

  // The package that requires a wheel (性能包 → 21英寸锻造轮毂) and an AWD trim offering it.
  const perf = model.options.find((o) => o.group === 'package' && (o.requires ?? []).some((r) => opt(r)?.group === 'wheels'))
  check(perf, `${MODEL} has no package that requires a wheel`)
  const forged = opt(perf.requires.find((r) => opt(r)?.group === 'wheels'))
  const awd = model.trims.find((t) => t.specs.drive === 'AWD' && perf.availableOn.includes(t.code) && !t.defaults.includes(forged.code))
  check(awd, `${MODEL} has no AWD trim offering ${perf.name} without ${forged.name} as default`)
  const defaultOf = (trim, group) => trim.defaults.find((c) => opt(c).group === group)
  // A rule-free paint whose price differs from the AWD trim's default paint.
  const defaultPaint = defaultOf(awd, 'paint')
  const paint = model.options.find(
    (o) => o.group === 'paint' && o.availableOn.includes(awd.code) && !o.requires && !o.requiresAny && !o.excludes &&
      optionPrice(o.code) !== optionPrice(defaultPaint),
  )
  check(paint, `no paint on ${awd.name} with a price different from the default paint`)
  const paintDelta = optionPrice(paint.code) - optionPrice(defaultPaint)
  const perfDelta = optionPrice(perf.code) + optionPrice(forged.code) - optionPrice(defaultOf(awd, 'wheels'))
  console.log(`API: ${model.name}, ${model.trims.length} trims; ${awd.name}; ${paint.name} ${paintDelta / 100} yuan; ${perf.name} (+${forged.name}) ${perfDelta / 100} yuan`)

  // 2. Browser (same launch as models.e2e.mjs).
  const profile = mkdtempSync(path.join(tmpdir(), 'carmall-e2e-'))
  const context = await launch(profile)
  const page = context.pages()[0] ?? (await context.newPage())
  const pageErrors = watchErrors(page)

  const total = async () => Number(await page.getAttribute(`${PAGE} .config-total`, 'data-total-fen'))
  /** Wait for the displayed total; report what is shown on timeout. */
  const waitForTotal = async (fen, what) => {
    try {
      await page.waitForFunction(
        ([sel, want]) => document.querySelector(sel)?.getAttribute('data-total-fen') === String(want),
        [`${PAGE} .config-total`, fen],
        { timeout: 10_000 },
      )
    } catch {
      throw new E2EFailure(`${what}: expected total ${yuan(fen)}, the page shows ${yuan(await total())}`)
    }
  }
  /** The server confirmed the shown configuration (no "确认中" and no error notice). */
  const waitConfirmed = async (what) => {
    await page.waitForFunction((sel) => document.querySelector(sel)?.textContent === '总价', `${PAGE} .config-bar__label`, { timeout: 10_000 })
      .catch(() => { throw new E2EFailure(`${what}: the server never confirmed the configuration`) })
    const err = await page.$(`${PAGE} .config-notice__item--error`)
    check(!err, `${what}: the page shows an error: ${err && (await err.textContent())}`)
  }
  /** Scroll to the middle of the screen (clear of the fixed bottom bar), then tap. */
  const tap = async (selector) => {
    const el = await page.waitForSelector(`${PAGE} ${selector}`, { timeout: 10_000 })
    await el.evaluate((e) => e.scrollIntoView({ block: 'center' }))
    await el.click()
  }
  const selectedOptions = () =>
    page.$$eval(`${PAGE} .option-item[data-selected="true"]`, (els) => els.map((e) => e.getAttribute('data-code')).sort())
  const selectedTrim = () => page.getAttribute(`${PAGE} .trim-item[data-selected="true"]`, 'data-code')

  try {
    // 3. Open the configurator: the first trim's default configuration.
    await page.goto(`${BASE}/#/pages/model/index?code=${MODEL}`, { waitUntil: 'domcontentloaded' })
    await page.waitForSelector(`${PAGE} .config-total`, { timeout: 20_000 }).catch(() => {
      throw new E2EFailure('the configurator never showed a total (.config-total); is the H5 build served at /?')
    })
    await waitForTotal(defaultTotal(firstTrim), `default configuration of ${firstTrim.name}`)
    await waitConfirmed('opening')
    console.log(`opened: ${firstTrim.name} ${yuan(await total())}`)

    // 4. Pick the AWD trim.
    await tap(`.trim-item[data-code="${awd.code}"]`)
    await waitForTotal(defaultTotal(awd), `after choosing ${awd.name}`)
    check((await selectedTrim()) === awd.code, `${awd.name} is not shown as selected`)
    await waitConfirmed(`trim ${awd.name}`)
    const beforePaint = await total()

    // 5. A paint: the option shows its delta and the total moves by exactly that.
    const shownDelta = await page.getAttribute(`${PAGE} .option-item[data-code="${paint.code}"]`, 'data-delta-fen')
    check(Number(shownDelta) === paintDelta, `${paint.name} shows a delta of ${shownDelta} fen, expected ${paintDelta}`)
    await tap(`.option-item[data-code="${paint.code}"]`)
    await waitForTotal(beforePaint + paintDelta, `after choosing ${paint.name}`)
    await waitConfirmed(`paint ${paint.name}`)
    check((await total()) - beforePaint === paintDelta, 'the total did not change by the paint delta')
    console.log(`paint ${paint.name}: ${yuan(beforePaint)} -> ${yuan(await total())} (delta ${yuan(paintDelta)})`)

    // 5b. On a 390×844 phone the bottom bar shows the total in full, beside no button, for every
    //     order-button text of the experiment and for a 7-digit price.
    await page.setViewportSize({ width: 390, height: 844 })
    await page.waitForTimeout(200)
    for (const [label, price] of [['立即下定', null], ['立即锁定爱车', null], ['立即锁定爱车', '¥1,234,567']]) {
      // Measured on a copy of the bar (same classes, same place), so React's own nodes stay untouched.
      const layout = await page.evaluate(([root, label, price]) => {
        const real = document.querySelector(`${root} .config-bar`)
        const bar = real.cloneNode(true)
        real.parentElement.appendChild(bar)
        const total = bar.querySelector('.config-total')
        bar.querySelector('.order-now').textContent = label
        if (price) total.textContent = price
        const t = total.getBoundingClientRect()
        const overlaps = [...bar.querySelectorAll('button, .order-now')].filter((b) => {
          const r = b.getBoundingClientRect()
          return r.left < t.right && r.right > t.left && r.top < t.bottom && r.bottom > t.top
        }).map((b) => b.textContent)
        const out = { width: t.width, clipped: total.scrollWidth > total.clientWidth + 1, overlaps }
        bar.remove()
        return out
      }, [PAGE, label, price])
      check(layout.width > 0 && !layout.clipped && layout.overlaps.length === 0,
        `at 390 px with 「${label}」${price ? ` and ${price}` : ''} the total is ${layout.clipped ? 'clipped' : `${Math.round(layout.width)} px wide`}${layout.overlaps.length ? `, under ${layout.overlaps.join(', ')}` : ''}`)
    }
    await page.screenshot({ path: path.join(ARTIFACTS, 'configurator-390.png') })
    await page.setViewportSize({ width: 414, height: 896 })
    await page.waitForTimeout(200)

    // 6. 性能包: it brings in the forged wheels, so the page first says so with the new total
    //    (确认调整 / 取消), then adds them with a notice.
    const beforePerf = await total()
    await tap(`.option-item[data-code="${perf.code}"]`)
    const adjust = '.taro-modal__foot >> text=确认调整' // Taro H5's showModal
    await page.waitForSelector(adjust, { timeout: 5_000 }).catch(() => {
      throw new E2EFailure(`choosing ${perf.name} did not ask first although it adds ${forged.name}`)
    })
    const dialog = (await page.textContent('.taro-modal__content').catch(() => '')) ?? ''
    check(dialog.includes(forged.name) && dialog.includes('总价'), `the confirm dialog does not name ${forged.name} and the total: "${dialog}"`)
    await page.click(adjust)
    const expectedNotice = `「${perf.name}」需要「${forged.name}」，已自动添加`
    await page.waitForFunction(
      ([sel, text]) => (document.querySelector(sel)?.textContent ?? '').includes(text),
      [`${PAGE} .config-notice`, expectedNotice],
      { timeout: 10_000 },
    ).catch(async () => {
      throw new E2EFailure(`no notice "${expectedNotice}"; notice shows: ${await page.textContent(`${PAGE} .config-notice`).catch(() => '(none)')}`)
    })
    const forgedSelected = await page.getAttribute(`${PAGE} .option-item[data-code="${forged.code}"]`, 'data-selected')
    check(forgedSelected === 'true', `${forged.name} was not selected with ${perf.name}`)
    await waitForTotal(beforePerf + perfDelta, `after choosing ${perf.name}`)
    await waitConfirmed(`package ${perf.name}`)
    console.log(`notice: ${expectedNotice}; total ${yuan(await total())}`)
    await page.$eval(`${PAGE} .config-notice`, (e) => e.scrollIntoView({ block: 'start' }))
    await page.waitForTimeout(200)
    await page.screenshot({ path: path.join(ARTIFACTS, 'configure-options.png') })

    // 7. Save, read the short id, check the server stored this configuration.
    const want = { trim: await selectedTrim(), options: await selectedOptions(), total: await total() }
    await tap('.save-config')
    const idEl = await page.waitForSelector(`${PAGE} .saved-short-id`, { timeout: 10_000 }).catch(() => {
      throw new E2EFailure('保存配置 showed no short id')
    })
    const shortId = (await idEl.textContent()).trim()
    check(/^[1-9A-HJ-NP-Za-km-z]{8}$/.test(shortId), `short id "${shortId}" is not 8 base-58 characters`)
    const stored = await api(`/configurations/saved/${shortId}`)
    check(stored.trimCode === want.trim && stored.config.totalFen === want.total,
      `the server stored ${stored.trimCode} ${yuan(stored.config.totalFen)}, the page showed ${want.trim} ${yuan(want.total)}`)
    check(stored.config.explicit.join(',') === [paint.code, perf.code].join(','), `saved selections are ${stored.config.explicit}`)
    console.log(`saved as ${shortId}`)

    // 8. Reload by id in a fresh page load: same trim, options and total.
    await page.goto('about:blank')
    await page.goto(`${BASE}/#/pages/model/index?saved=${shortId}`, { waitUntil: 'domcontentloaded' })
    await page.waitForSelector(`${PAGE} .saved-banner[data-short-id="${shortId}"]`, { timeout: 20_000 }).catch(() => {
      throw new E2EFailure(`?saved=${shortId} did not show the saved configuration banner`)
    })
    await waitForTotal(want.total, `reloaded ${shortId}`)
    await waitConfirmed(`reloaded ${shortId}`)
    const got = { trim: await selectedTrim(), options: await selectedOptions(), total: await total() }
    check(got.trim === want.trim, `reloaded trim ${got.trim}, saved ${want.trim}`)
    check(got.options.join(',') === want.options.join(','), `reloaded options [${got.options}], saved [${want.options}]`)
    console.log(`reloaded ${shortId}: ${got.trim}, ${got.options.length} options, ${yuan(got.total)}`)

    await page.waitForTimeout(300) // let the cover image settle before the screenshot
    await page.screenshot({ path: path.join(ARTIFACTS, 'configure.png'), fullPage: true })

    // 9. 对比: the current trim against another one, differing rows marked; 只看不同 keeps only those.
    await tap('.compare-entry')
    await page.waitForSelector('.compare-page .compare-row[data-key]', { timeout: 15_000 }).catch(() => {
      throw new E2EFailure('对比 did not show a comparison table')
    })
    const heads = await page.$$eval('.compare-page .compare-trim', (els) => els.map((e) => e.getAttribute('data-code')))
    check(heads.length === 2 && heads[0] === awd.code, `compare shows trims [${heads}], expected ${awd.code} and another`)
    const rowsAll = await page.$$eval('.compare-page .compare-row[data-key]', (els) => els.map((e) => e.getAttribute('data-differs')))
    const differing = rowsAll.filter((d) => d === 'true').length
    check(differing > 0 && differing < rowsAll.length, `compare marks ${differing} of ${rowsAll.length} rows as differing`)
    await page.click('.compare-page .compare-only-diff')
    await page.waitForFunction((n) => document.querySelectorAll('.compare-page .compare-row[data-key]').length === n, differing, { timeout: 5_000 })
      .catch(() => { throw new E2EFailure('只看不同 did not hide the equal rows') })
    await page.waitForTimeout(300)
    await page.screenshot({ path: path.join(ARTIFACTS, 'compare.png') })
    console.log(`compare: ${rowsAll.length} rows, ${differing} differ`)

    // 10. 我的配置 without login lists the anonymous save from this browser's storage.
    await page.goto('about:blank')
    await page.goto(`${BASE}/#/pages/my-configs/index`, { waitUntil: 'domcontentloaded' })
    await page.waitForSelector(`.my-configs-page .saved-item[data-short-id="${shortId}"]`, { timeout: 15_000 }).catch(() => {
      throw new E2EFailure(`我的配置 does not list ${shortId}`)
    })
    console.log(`我的配置 lists ${shortId}`)
    checkNoPageErrors(pageErrors)
    console.log(`PASS: screenshot in ${ARTIFACTS}/configure.png`)
  } catch (err) {
    await failWith(page, 'configure', pageErrors, err)
  } finally {
    await context.close()
    rmSync(profile, { recursive: true, force: true })
  }
}

run('configure', main)
