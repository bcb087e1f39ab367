import { describe, expect, it } from 'vitest'
import { act, fireEvent, render, waitFor } from '@testing-library/react'
import {
  OPTION_GROUPS,
  OPTION_GROUP_LABELS,
  applyChoice,
  changeTrim,
  defaultConfiguration,
  formatFen,
  formatFenDelta,
  optionDeltaFen,
  type ResolvedConfig,
} from '@carmall/shared-types'
import ModelPage from '../src/pages/model/index'
import { SAVED_CONFIGS_KEY } from '../src/state/savedConfigs'
import { AT, installFakeBff, lineupModel, resolveOrThrow } from './fake-bff'
import { ok } from './fixtures'
import { eventCenter, listenerCount, routerParams, taroMock } from './taro-mock'

const S5 = lineupModel('yuanshan-s5')
const FIRST_TRIM = S5.trims[0].code
const AWD = 'S5_600_AWD'

const $ = (c: HTMLElement, sel: string) => c.querySelector<HTMLElement>(sel)
const totalFen = (c: HTMLElement) => Number($(c, '.config-total')!.dataset.totalFen)
const option = (c: HTMLElement, code: string) => $(c, `.option-item[data-code="${code}"]`)!
const trimItem = (c: HTMLElement, code: string) => $(c, `.trim-item[data-code="${code}"]`)!
const notice = (c: HTMLElement) => $(c, '.config-notice')?.textContent ?? ''
/** Lets a choice that changes other options through its confirm dialog (the mock answers 确认). */
const settle = () => act(async () => { await Promise.resolve(); await Promise.resolve() })
const posts = (bff: ReturnType<typeof installFakeBff>, path = '/api/v1/configurations') =>
  bff.calls.filter((x) => x.method === 'POST' && x.path === path)
const defaults = (trim: string) => {
  const r = defaultConfiguration(S5, trim, AT)
  if (!r.ok) throw new Error(r.error.message)
  return r.config
}
const must = (r: ReturnType<typeof applyChoice>): ResolvedConfig => {
  if (!r.ok) throw new Error(r.error.message)
  return r.config
}

async function open(params: Record<string, string> = { code: 'yuanshan-s5' }) {
  Object.assign(routerParams, params)
  const bff = installFakeBff()
  const view = render(<ModelPage />)
  const c = view.container
  await waitFor(() => expect($(c, '.config-total')).toBeTruthy())
  // The page confirms the first configuration with the server.
  await waitFor(() => expect(posts(bff).length).toBeGreaterThan(0))
  return { c, bff, view }
}

describe('configurator page', () => {
  it('renders the header, trims, option groups in order and the default total', async () => {
    const { c } = await open()
    expect(c.textContent).toContain('远山 S5')
    expect(c.textContent).toContain(S5.tagline)
    expect($(c, '.model-page__cover img, img.model-page__cover, .model-page__cover')).toBeTruthy()

    const trims = Array.from(c.querySelectorAll<HTMLElement>('.trim-item')).map((t) => t.dataset.code)
    expect(trims).toEqual(S5.trims.map((t) => t.code))
    expect(trimItem(c, FIRST_TRIM).dataset.selected).toBe('true')
    expect(trimItem(c, FIRST_TRIM).textContent).toContain('¥189,800')
    expect(trimItem(c, FIRST_TRIM).textContent).toContain('续航 520km')

    const groups = Array.from(c.querySelectorAll<HTMLElement>('.option-group')).map((g) => g.dataset.group)
    expect(groups).toEqual([...OPTION_GROUPS])
    const titles = Array.from(c.querySelectorAll('.option-group__title')).map((t) => t.textContent)
    expect(titles).toEqual(OPTION_GROUPS.map((g) => OPTION_GROUP_LABELS[g]))

    const base = defaults(FIRST_TRIM)
    expect(totalFen(c)).toBe(base.totalFen)
    expect($(c, '.config-total')!.textContent).toBe(formatFen(base.totalFen))
    for (const code of base.selected) expect(option(c, code).dataset.selected).toBe('true')

    // Deltas come from the engine; unavailable options are disabled.
    const lake = optionDeltaFen(S5, base, 'PAINT_LAKE_BLUE', AT)!
    expect(option(c, 'PAINT_LAKE_BLUE').textContent).toContain(formatFenDelta(lake))
    expect(option(c, 'WHEEL_21_FORGED').dataset.disabled).toBe('true')
    expect(option(c, 'WHEEL_21_FORGED').textContent).toContain('当前版本不可选')
    expect(option(c, 'PAINT_LAKE_BLUE').querySelector('.option-item__swatch')).toBeTruthy()
  })

  it('tapping an option changes the total by exactly the engine delta and confirms with the server', async () => {
    const { c, bff } = await open()
    const before = totalFen(c)
    const delta = optionDeltaFen(S5, defaults(FIRST_TRIM), 'PAINT_LAKE_BLUE', AT)!
    expect(delta).toBeGreaterThan(0)

    fireEvent.click(option(c, 'PAINT_LAKE_BLUE'))
    expect(totalFen(c)).toBe(before + delta) // instant, before the server answers
    expect(option(c, 'PAINT_LAKE_BLUE').dataset.selected).toBe('true')
    expect(option(c, 'PAINT_GLACIER_WHITE').dataset.selected).toBe('false')

    await waitFor(() => expect(posts(bff)).toHaveLength(2))
    expect(posts(bff)[1].data).toEqual({ modelCode: 'yuanshan-s5', trimCode: FIRST_TRIM, selections: ['PAINT_LAKE_BLUE'] })
    await waitFor(() => expect($(c, '.config-bar__label')!.textContent).toBe('总价'))
    expect(totalFen(c)).toBe(before + delta)
  })

  it('a required option is added automatically with a notice (性能包 → 21英寸锻造轮毂)', async () => {
    const { c } = await open()
    fireEvent.click(trimItem(c, AWD))
    expect(trimItem(c, AWD).dataset.selected).toBe('true')
    expect(option(c, 'WHEEL_21_FORGED').dataset.disabled).toBe('false')
    const onAwd = defaults(AWD)
    expect(totalFen(c)).toBe(onAwd.totalFen)

    const expected = must(applyChoice(S5, onAwd, 'PKG_PERFORMANCE', AT))
    fireEvent.click(option(c, 'PKG_PERFORMANCE'))
    await settle()
    expect(totalFen(c)).toBe(expected.totalFen)
    expect(option(c, 'WHEEL_21_FORGED').dataset.selected).toBe('true')
    expect(option(c, 'WHEEL_21_FORGED').textContent).toContain('自动添加')
    expect(notice(c)).toContain('「性能包」需要「21英寸锻造轮毂」，已自动添加')
  })

  it('a choice that brings in other options says what it costs first, and 取消 changes nothing', async () => {
    const { c } = await open({ code: 'yuanshan-s5', trim: AWD })
    const before = totalFen(c)
    // 性能包 brings in the 21-inch forged wheels.
    const expected = must(applyChoice(S5, defaults(AWD), 'PKG_PERFORMANCE', AT))
    expect(expected.selected).toContain('WHEEL_21_FORGED')
    taroMock.showModal.mockImplementationOnce(() => Promise.resolve({ confirm: false, cancel: true }))
    fireEvent.click(option(c, 'PKG_PERFORMANCE'))
    await settle()
    const modal = (taroMock.showModal.mock.calls.at(-1) as unknown as [{ title: string; content: string }])[0]
    expect(modal.title).toBe('将同时调整其他配置')
    expect(modal.content).toContain('21英寸锻造轮毂')
    expect(modal.content).toContain(`总价 ${formatFen(before)} → ${formatFen(expected.totalFen)}（+${formatFen(expected.totalFen - before)}）`)
    // Cancelled: nothing applied.
    expect(totalFen(c)).toBe(before)
    expect(option(c, 'PKG_PERFORMANCE').dataset.selected).toBe('false')
    // Confirmed: applied as computed.
    fireEvent.click(option(c, 'PKG_PERFORMANCE'))
    await settle()
    expect(totalFen(c)).toBe(expected.totalFen)
    expect(option(c, 'WHEEL_21_FORGED').dataset.selected).toBe('true')
    // A plain choice (another paint) asks nothing.
    const asked = taroMock.showModal.mock.calls.length
    fireEvent.click(option(c, 'PAINT_LAKE_BLUE'))
    expect(taroMock.showModal.mock.calls.length).toBe(asked)
  })

  it('the cover picture follows the chosen paint', async () => {
    const { c } = await open({ code: 'yuanshan-s5', trim: AWD })
    const cover = () => $(c, '.model-page__cover img')?.getAttribute('src') ?? $(c, '.model-page__cover')!.getAttribute('src') ?? ''
    fireEvent.click(option(c, 'PAINT_LAKE_BLUE'))
    await waitFor(() => expect(cover()).toContain('/media/models/yuanshan-s5.svg?paint=PAINT_LAKE_BLUE'))
    fireEvent.click(option(c, 'PAINT_MIST_GREY'))
    await waitFor(() => expect(cover()).toContain('?paint=PAINT_MIST_GREY'))
  })

  it('a conflicting choice removes the other option with a notice', async () => {
    const { c } = await open({ code: 'yuanshan-s5', trim: AWD })
    expect(trimItem(c, AWD).dataset.selected).toBe('true')
    fireEvent.click(option(c, 'PKG_PERFORMANCE'))
    await settle()
    const withPerf = must(applyChoice(S5, defaults(AWD), 'PKG_PERFORMANCE', AT))
    const expected = must(applyChoice(S5, withPerf, 'WHEEL_19_AERO', AT))
    const removed = expected.changes.removed.find((r) => r.code === 'PKG_PERFORMANCE')!
    expect(removed).toBeTruthy()

    fireEvent.click(option(c, 'WHEEL_19_AERO'))
    await settle()
    expect(option(c, 'PKG_PERFORMANCE').dataset.selected).toBe('false')
    expect(option(c, 'WHEEL_19_AERO').dataset.selected).toBe('true')
    expect(notice(c)).toContain(removed.message)
    expect(notice(c)).toContain('已移除「性能包」')
    expect(totalFen(c)).toBe(expected.totalFen)
  })

  it('changing trim carries choices over and reports the ones the trim lacks', async () => {
    const { c } = await open({ code: 'yuanshan-s5', trim: AWD })
    fireEvent.click(option(c, 'PKG_PILOT'))
    const cur = must(applyChoice(S5, defaults(AWD), 'PKG_PILOT', AT))
    const expected = must(changeTrim(S5, cur, FIRST_TRIM, AT))
    fireEvent.click(trimItem(c, FIRST_TRIM))
    expect(totalFen(c)).toBe(expected.totalFen)
    expect(notice(c)).toContain('不提供「高阶智驾包」')
  })

  it("shows the server's result when it disagrees, and its error (reverting) when it rejects", async () => {
    const { c, bff } = await open()
    const base = totalFen(c)
    // The server now prices the paint differently (e.g. an operator changed it).
    bff.override = (method, path, data) => {
      if (method !== 'POST' || path !== '/api/v1/configurations') return undefined
      const config = resolveOrThrow(S5, data.trimCode, data.selections)
      return ok({ config: { ...config, totalFen: config.totalFen + 100_00 }, modelVersion: 1 })
    }
    fireEvent.click(option(c, 'PAINT_MIST_GREY'))
    const local = totalFen(c)
    await waitFor(() => expect(totalFen(c)).toBe(local + 100_00))
    expect(notice(c)).toContain('已按最新价格与规则更新')

    bff.override = (method, path) =>
      method === 'POST' && path === '/api/v1/configurations'
        ? ok({ error: { code: 'OPTION_NOT_AVAILABLE', message: '「澜湖蓝」已停售' } }, 422)
        : undefined
    fireEvent.click(option(c, 'PAINT_LAKE_BLUE'))
    await waitFor(() => expect(notice(c)).toContain('「澜湖蓝」已停售'))
    expect(totalFen(c)).toBe(local + 100_00) // back to the last configuration the server accepted
    expect(option(c, 'PAINT_MIST_GREY').dataset.selected).toBe('true')
    expect(base).toBeLessThan(local)
  })

  it('保存配置 posts the explicit selections, shows the short id and remembers it when anonymous', async () => {
    const { c, bff } = await open({ code: 'yuanshan-s5', trim: AWD })
    fireEvent.click(option(c, 'PAINT_LAKE_BLUE'))
    fireEvent.click(option(c, 'PKG_PERFORMANCE'))
    await settle()
    fireEvent.click($(c, '.save-config')!)
    await waitFor(() => expect($(c, '.saved-short-id')).toBeTruthy())

    const save = posts(bff, '/api/v1/configurations/saved')
    expect(save).toHaveLength(1)
    expect(save[0].data).toEqual({ modelCode: 'yuanshan-s5', trimCode: AWD, selections: ['PAINT_LAKE_BLUE', 'PKG_PERFORMANCE'] })
    const id = $(c, '.saved-short-id')!.textContent!
    expect(bff.saved.has(id)).toBe(true)
    expect($(c, '.saved-result')!.textContent).toContain(`/pages/model/index?saved=${id}`)
    const local = JSON.parse(taroMock.getStorageSync(SAVED_CONFIGS_KEY) as string)
    expect(local[0]).toMatchObject({ shortId: id, modelCode: 'yuanshan-s5', totalFen: totalFen(c) })
  })

  it('?saved=<id> restores the trim, the options and the total, and shows a price change', async () => {
    const first = await open({ code: 'yuanshan-s5', trim: AWD })
    fireEvent.click(option(first.c, 'PAINT_AURORA_PURPLE'))
    fireEvent.click(option(first.c, 'ACC_BIKE_RACK'))
    const wanted = totalFen(first.c)
    const selected = Array.from(first.c.querySelectorAll<HTMLElement>('.option-item[data-selected="true"]')).map((e) => e.dataset.code)
    fireEvent.click($(first.c, '.save-config')!)
    await waitFor(() => expect($(first.c, '.saved-short-id')).toBeTruthy())
    const id = $(first.c, '.saved-short-id')!.textContent!
    const savedStore = first.bff.saved
    first.view.unmount()

    // Reopen by id; the server says the price has gone up since.
    for (const k of Object.keys(routerParams)) delete routerParams[k]
    Object.assign(routerParams, { saved: id })
    const bff = installFakeBff()
    const s = savedStore.get(id)!
    bff.saved.set(id, { ...s, current: { valid: true, totalFen: s.config.totalFen + 2_000_00, reason: null } })
    const { container: c } = render(<ModelPage />)
    await waitFor(() => expect($(c, '.config-total')).toBeTruthy())
    expect(bff.calls[0]).toMatchObject({ method: 'GET', path: `/api/v1/configurations/saved/${id}` })
    expect(trimItem(c, AWD).dataset.selected).toBe('true')
    expect(totalFen(c)).toBe(wanted)
    expect(Array.from(c.querySelectorAll<HTMLElement>('.option-item[data-selected="true"]')).map((e) => e.dataset.code)).toEqual(selected)
    expect($(c, '.saved-banner')!.textContent).toContain(`保存时 ${formatFen(wanted)}，现价 ${formatFen(wanted + 2_000_00)}`)
  })

  it('?saved=<id> says when the saved configuration is no longer valid', async () => {
    Object.assign(routerParams, { saved: 'Zz123456' })
    const bff = installFakeBff()
    const config = resolveOrThrow(S5, FIRST_TRIM, ['PAINT_CARBON_BLACK'])
    bff.saved.set('Zz123456', {
      shortId: 'Zz123456', modelCode: 'yuanshan-s5', modelName: S5.name, trimCode: FIRST_TRIM, trimName: S5.trims[0].name,
      config, current: { valid: false, totalFen: null, reason: '「碳晶黑」已停售' }, createdAt: '2026-10-01T02:00:00.000Z',
    })
    const { container: c } = render(<ModelPage />)
    await waitFor(() => expect($(c, '.saved-banner')).toBeTruthy())
    expect($(c, '.saved-banner')!.textContent).toContain('该配置已失效：「碳晶黑」已停售')
    expect($(c, '.saved-banner')!.textContent).toContain('2026-10-01')
  })

  it('opens the 3D viewer with the contract URL and follows choices made inside the viewer', async () => {
    const { c, view } = await open({ code: 'yuanshan-s5', trim: AWD })
    const base = defaults(AWD)
    fireEvent.click($(c, '.open-viewer')!)
    expect(taroMock.navigateTo).toHaveBeenCalledWith({
      url: `/packages/viewer/pages/index?model=yuanshan-s5&trim=${AWD}&selected=${base.selected.join(',')}`,
    })

    expect(listenerCount('configurator:choice')).toBe(1)
    eventCenter.trigger.mockClear()
    const expected = must(applyChoice(S5, base, 'WHEEL_21_FORGED', AT))
    act(() => eventCenter.trigger('configurator:choice', { modelCode: 'yuanshan-s5', code: 'WHEEL_21_FORGED' }))
    expect(option(c, 'WHEEL_21_FORGED').dataset.selected).toBe('true')
    expect(totalFen(c)).toBe(expected.totalFen)
    const changed = eventCenter.trigger.mock.calls.filter((call) => call[0] === 'configurator:changed')
    expect(changed.length).toBeGreaterThan(0)
    expect(changed.at(-1)![1]).toMatchObject({ modelCode: 'yuanshan-s5', config: { selected: expected.selected, totalFen: expected.totalFen } })

    // Another model's events are ignored.
    act(() => eventCenter.trigger('configurator:choice', { modelCode: 'yuanshan-s7', code: 'PAINT_LAKE_BLUE' }))
    expect(option(c, 'PAINT_LAKE_BLUE').dataset.selected).toBe('false')

    view.unmount()
    expect(listenerCount('configurator:choice')).toBe(0)
  })

  it('对比 opens the compare page with the current trim and another trim of the model', async () => {
    const { c } = await open()
    fireEvent.click($(c, '.compare-entry')!)
    expect(taroMock.navigateTo).toHaveBeenCalledWith({
      url: `/pages/compare/index?trims=yuanshan-s5:${FIRST_TRIM},yuanshan-s5:${S5.trims[1].code}`,
    })
  })

  it('明细 lists every line item with its price', async () => {
    const { c } = await open({ code: 'yuanshan-s5', trim: AWD })
    fireEvent.click(option(c, 'PKG_COMFORT'))
    await settle()
    fireEvent.click($(c, '.config-bar__total')!)
    const expected = must(applyChoice(S5, defaults(AWD), 'PKG_COMFORT', AT))
    const lines = Array.from(c.querySelectorAll<HTMLElement>('.line-item[data-code]')).map((l) => l.dataset.code)
    expect(lines).toEqual(expected.lineItems.map((l) => l.code))
    expect($(c, '.line-item[data-code="ACC_SEAT_VENT"]')!.textContent).toContain('含于「舒适包」')
    expect($(c, '.line-item--total')!.textContent).toContain(formatFen(expected.totalFen))
  })

  it('a model that does not exist: the way back to the other cars, no pointless 重试', async () => {
    Object.assign(routerParams, { code: 'nope' })
    installFakeBff()
    const { findByText, container: c } = render(<ModelPage />)
    expect(await findByText('车型不存在')).toBeTruthy()
    expect($(c, '.status-view__retry')).toBeNull()
    fireEvent.click($(c, '.status-view__back')!)
    expect(taroMock.switchTab).toHaveBeenCalledWith({ url: '/pages/models/index' })
  })
})
