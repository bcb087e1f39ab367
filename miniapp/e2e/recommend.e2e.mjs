#!/usr/bin/env node
/**
 * H5 browser e2e for 相似车型: the model page of a car lists the similar cars the BFF serves
 * (GET /catalog/models/:code/similar), in its order, with the specification differences marked
 * exactly as the API words them; tapping one opens that car's page. Below them 同级竞品对比 lists the
 * other brands' cars the API offers (labelled 竞品, with how this car differs and the disclaimer);
 * tapping one opens the comparison with the rival's column marked 竞品.
 *
 *   H5_DIR=miniapp/dist/h5 bash scripts/e2e.sh recommend
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { ARTIFACTS, BASE, E2EFailure, check, checkNoPageErrors, failWith, launch, openPage, run, watchErrors } from './lib.mjs'

const MODEL = 'yuanshan-s5'
const PAGE = '.taro_page_stationed'

async function main() {
  mkdirSync(ARTIFACTS, { recursive: true })
  const res = await fetch(`${BASE}/api/v1/catalog/models/${MODEL}/similar?limit=4`).catch((err) => {
    throw new E2EFailure(`cannot reach the BFF at ${BASE}: ${err.message}`)
  })
  check(res.ok, `GET /catalog/models/${MODEL}/similar -> HTTP ${res.status}`)
  const similar = await res.json()
  check(similar.items.length > 0, 'the BFF lists no similar cars')
  const expected = similar.items.map((s) => ({ code: s.model.code, diffs: s.differences.map((d) => d.text) }))

  const profile = mkdtempSync(path.join(tmpdir(), 'carmall-e2e-'))
  const context = await launch(profile)
  const page = context.pages()[0] ?? (await context.newPage())
  const pageErrors = watchErrors(page)
  try {
    await openPage(page, `pages/model/index?code=${MODEL}`)
    await page.waitForSelector(`${PAGE} .similar-cars .similar-car:not(.rival-car)`, { timeout: 20_000 }).catch(() => {
      throw new E2EFailure('the model page never showed 相似车型 (.similar-car)')
    })
    const shown = await page.$$eval(`${PAGE} .similar-car:not(.rival-car)`, (cards) =>
      cards.map((c) => ({ code: c.getAttribute('data-code'), diffs: [...c.querySelectorAll('.similar-car__diff')].map((d) => d.textContent) })),
    )
    check(JSON.stringify(shown) === JSON.stringify(expected), `相似车型 shows ${JSON.stringify(shown)}, the API says ${JSON.stringify(expected)}`)
    console.log(`相似车型 of ${MODEL}: ${shown.map((s) => `${s.code} [${s.diffs.join(' | ')}]`).join('; ')}`)
    const section = await page.$(`${PAGE} .similar-cars`)
    await section.scrollIntoViewIfNeeded()
    // Covers are lazy images: give the visible ones a moment to load for the screenshot (not a check).
    await page
      .waitForFunction((sel) => [...document.querySelectorAll(sel)].some((i) => i.complete && i.naturalWidth > 0), `${PAGE} .similar-car img`, { timeout: 5_000 })
      .catch(() => {})
    await section.screenshot({ path: path.join(ARTIFACTS, 'recommend-similar.png') })

    // 同级竞品对比: the rivals the API offers, in its order, with how this car differs from each.
    check(similar.rivals.length > 0, `the BFF offers no rivals for ${MODEL}`)
    const rivalsExpected = similar.rivals.map((m) => ({ code: m.rival.code, diffs: m.ours.map((d) => d.text) }))
    const rivalsShown = await page.$$eval(`${PAGE} .rival-car`, (cards) =>
      cards.map((c) => ({ code: c.getAttribute('data-code'), tag: c.querySelector('.rival-car__tag')?.textContent, diffs: [...c.querySelectorAll('.similar-car__diff')].map((d) => d.textContent) })),
    )
    check(rivalsShown.every((r) => r.tag === '竞品'), `a rival is not labelled 竞品: ${JSON.stringify(rivalsShown)}`)
    check(JSON.stringify(rivalsShown.map(({ code, diffs }) => ({ code, diffs }))) === JSON.stringify(rivalsExpected), `同级竞品 shows ${JSON.stringify(rivalsShown)}, the API says ${JSON.stringify(rivalsExpected)}`)
    check(((await page.textContent(`${PAGE} .rival-cars__note`)) ?? '').includes('仅供参考'), 'the rivals have no disclaimer')
    const rivals = await page.$(`${PAGE} .rival-cars`)
    await rivals.scrollIntoViewIfNeeded()
    await rivals.screenshot({ path: path.join(ARTIFACTS, 'recommend-rivals.png') })
    console.log(`同级竞品 of ${MODEL}: ${rivalsShown.map((s) => `${s.code} [${s.diffs.join(' | ')}]`).join('; ')}`)
    await page.click(`${PAGE} .rival-car[data-code="${rivalsExpected[0].code}"]`)
    await page.waitForSelector(`${PAGE} .compare-trim[data-rival="true"][data-code="${rivalsExpected[0].code}"]`, { timeout: 15_000 }).catch(() => {
      throw new E2EFailure(`tapping the rival ${rivalsExpected[0].code} did not open the comparison with its column`)
    })
    check(((await page.textContent(`${PAGE} .compare-disclaimer`)) ?? '').includes('仅供参考'), 'the comparison with a rival has no disclaimer')
    await page.screenshot({ path: path.join(ARTIFACTS, 'recommend-compare-rival.png') })
    await page.goBack()
    await page.waitForSelector(`${PAGE} .similar-cars .similar-car:not(.rival-car)`, { timeout: 15_000 })

    await page.click(`${PAGE} .similar-car:not(.rival-car)[data-code="${expected[0].code}"]`)
    await page.waitForSelector(`${PAGE} .model-page[data-model="${expected[0].code}"]`, { timeout: 15_000 }).catch(() => {
      throw new E2EFailure(`tapping ${expected[0].code} did not open its model page`)
    })
    checkNoPageErrors(pageErrors)
    console.log(`PASS: 相似车型 matches the API and opens ${expected[0].code}`)
  } catch (err) {
    await failWith(page, 'recommend', pageErrors, err)
  } finally {
    await context.close()
    rmSync(profile, { recursive: true, force: true })
  }
}

run('recommend', main)
