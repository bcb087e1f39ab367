import { describe, expect, it } from 'vitest'
import { fireEvent, render, screen, waitFor } from '@testing-library/react'
import { RIVAL_DISCLAIMER, diffTrimSpecs, formatFen, rivalAsTrim } from '@carmall/shared-types'
import ComparePage from '../src/pages/compare/index'
import MePage from '../src/pages/me/index'
import MyConfigsPage from '../src/pages/my-configs/index'
import ModelsPage from '../src/pages/models/index'
import { TOKEN_KEY } from '../src/api/client'
import { SAVED_CONFIGS_KEY, rememberSavedConfig } from '../src/state/savedConfigs'
import { AT, FAKE_RIVALS, installFakeBff, lineupModel, resolveOrThrow } from './fake-bff'
import { model, ok, paged } from './fixtures'
import { routerParams, taroMock, triggerDidShow } from './taro-mock'

const S5 = lineupModel('yuanshan-s5')
const [T1, T2, T3, T4] = S5.trims.map((t) => t.code)
const rows = (c: HTMLElement) => Array.from(c.querySelectorAll<HTMLElement>('.compare-row[data-key]'))

describe('compare page', () => {
  it('a competitor car is its own column marked 竞品, with its source and the disclaimer below', async () => {
    Object.assign(routerParams, { trims: `yuanshan-s5:${T1},rival:rival-onvo-l60` })
    installFakeBff()
    const { container: c } = render(<ComparePage />)
    await waitFor(() => expect(rows(c).length).toBeGreaterThan(0))
    const heads = Array.from(c.querySelectorAll<HTMLElement>('.compare-trim'))
    expect(heads[0].dataset.rival).toBeUndefined()
    expect(heads[1].dataset.rival).toBe('true')
    expect(heads[1].querySelector('.compare-rival-tag')!.textContent).toBe('竞品')
    expect(heads[1].textContent).toContain('乐道 L60 60kWh 后驱版')
    const expected = diffTrimSpecs([S5.trims[0], rivalAsTrim(FAKE_RIVALS[0])], { at: AT })
    expect(rows(c).map((r) => r.dataset.key)).toEqual(expected.map((r) => r.key))
    expect(c.querySelector('.compare-row[data-key="price"]')!.textContent).toContain('¥206,900')
    // What the rival does not publish is a dash, not a number.
    expect(c.querySelector('.compare-row[data-key="powerKw"]')!.textContent).toContain('—')
    expect(c.querySelector('.compare-disclaimer__source')!.textContent).toBe('乐道 L60：乐道汽车上市发布会公开价格与参数（2024 年 09 月）')
    expect(c.querySelector('.compare-disclaimer__text')!.textContent).toBe(RIVAL_DISCLAIMER)
  })

  it('shows a row per spec, highlights the differing ones and filters with 只看不同', async () => {
    Object.assign(routerParams, { trims: `yuanshan-s5:${T1},yuanshan-s5:${T3}` })
    const bff = installFakeBff()
    const { container: c } = render(<ComparePage />)
    await waitFor(() => expect(rows(c).length).toBeGreaterThan(0))

    const compare = bff.calls.find((x) => x.path === '/api/v1/catalog/compare')!
    expect(compare.url.searchParams.get('trims')).toBe(`yuanshan-s5:${T1},yuanshan-s5:${T3}`)
    const expected = diffTrimSpecs([S5.trims[0], S5.trims[2]], { at: AT })
    expect(rows(c).map((r) => r.dataset.key)).toEqual(expected.map((r) => r.key))
    for (const row of expected) {
      const el = c.querySelector<HTMLElement>(`.compare-row[data-key="${row.key}"]`)!
      expect(el.classList.contains('compare-row--differs')).toBe(row.differs)
      expect(el.textContent).toContain(row.display[0])
    }
    expect(c.querySelector('.compare-row[data-key="price"]')!.textContent).toContain(formatFen(189_800_00))
    expect(Array.from(c.querySelectorAll('.compare-trim')).map((e) => e.textContent)).toEqual([S5.trims[0].name, S5.trims[2].name])

    fireEvent.click(c.querySelector('.compare-only-diff')!)
    expect(rows(c).map((r) => r.dataset.key)).toEqual(expected.filter((r) => r.differs).map((r) => r.key))
    expect(rows(c).every((r) => r.dataset.differs === 'true')).toBe(true)
    fireEvent.click(c.querySelector('.compare-only-diff')!)
    expect(rows(c)).toHaveLength(expected.length)
  })

  it('adds a third trim from the picker, refuses a fourth and keeps at least two', async () => {
    Object.assign(routerParams, { trims: `yuanshan-s5:${T1},yuanshan-s5:${T2}` })
    const bff = installFakeBff()
    const { container: c } = render(<ComparePage />)
    await waitFor(() => expect(c.querySelectorAll('.compare-pick')).toHaveLength(4))
    await waitFor(() => expect(rows(c).length).toBeGreaterThan(0))

    fireEvent.click(c.querySelector(`.compare-pick[data-code="${T3}"]`)!)
    await waitFor(() => expect(c.querySelectorAll('.compare-trim')).toHaveLength(3))
    const last = bff.calls.filter((x) => x.path === '/api/v1/catalog/compare').at(-1)!
    expect(last.url.searchParams.get('trims')).toBe(`yuanshan-s5:${T1},yuanshan-s5:${T2},yuanshan-s5:${T3}`)

    fireEvent.click(c.querySelector(`.compare-pick[data-code="${T4}"]`)!)
    expect(screen.getByText('最多对比 3 个版本')).toBeTruthy()

    fireEvent.click(c.querySelector(`.compare-pick[data-code="${T3}"]`)!)
    await waitFor(() => expect(c.querySelectorAll('.compare-trim')).toHaveLength(2))
    fireEvent.click(c.querySelector(`.compare-pick[data-code="${T2}"]`)!)
    expect(screen.getByText('至少对比 2 个版本')).toBeTruthy()
  })

  it('shows the API error', async () => {
    Object.assign(routerParams, { trims: `yuanshan-s5:${T1},yuanshan-s5:NOPE` })
    taroMock.request.mockImplementation(async (opts: any) =>
      opts.url.includes('/compare')
        ? ok({ error: { code: 'UNKNOWN_TRIM', message: '车型「远山 S5」没有版本 NOPE' } }, 404)
        : ok({ error: { code: 'NOT_FOUND', message: 'x' } }, 404),
    )
    render(<ComparePage />)
    expect(await screen.findByText('车型「远山 S5」没有版本 NOPE')).toBeTruthy()
  })
})

function savedFixture(shortId: string, selections: string[] = []) {
  const config = resolveOrThrow(S5, T1, selections)
  return {
    shortId, modelCode: S5.code, modelName: S5.name, trimCode: T1, trimName: S5.trims[0].name, config,
    current: { valid: true, totalFen: config.totalFen, reason: null }, createdAt: '2026-11-18T20:30:00.000Z',
  }
}

describe('我的配置', () => {
  it('我的 links to 我的配置', () => {
    render(<MePage />)
    fireEvent.click(screen.getByText('我的配置'))
    expect(taroMock.navigateTo).toHaveBeenCalledWith({ url: '/pages/my-configs/index' })
  })

  it('without login lists the configurations saved on this device; open and delete', async () => {
    rememberSavedConfig(savedFixture('AAAAaaaa'))
    rememberSavedConfig(savedFixture('BBBBbbbb', ['PAINT_LAKE_BLUE']))
    const { container: c } = render(<MyConfigsPage />)
    await waitFor(() => expect(c.querySelectorAll('.saved-item')).toHaveLength(2))
    expect(taroMock.request).not.toHaveBeenCalled()
    const items = Array.from(c.querySelectorAll<HTMLElement>('.saved-item'))
    expect(items.map((i) => i.dataset.shortId)).toEqual(['BBBBbbbb', 'AAAAaaaa']) // newest first
    expect(items[0].textContent).toContain('远山 S5')
    expect(items[0].textContent).toContain('2026-11-19') // 20:30 UTC is the next day in Shanghai
    expect(items[0].textContent).toContain(formatFen(savedFixture('B', ['PAINT_LAKE_BLUE']).config.totalFen))

    fireEvent.click(items[0].querySelector('.saved-item__open')!)
    expect(taroMock.navigateTo).toHaveBeenCalledWith({ url: '/pages/model/index?saved=BBBBbbbb' })

    fireEvent.click(items[1].querySelector('.saved-item__delete')!)
    await waitFor(() => expect(c.querySelectorAll('.saved-item')).toHaveLength(1))
    expect(JSON.parse(taroMock.getStorageSync(SAVED_CONFIGS_KEY) as string).map((e: any) => e.shortId)).toEqual(['BBBBbbbb'])
    expect(taroMock.request).not.toHaveBeenCalled()

    // A save made meanwhile shows up when the page is shown again.
    rememberSavedConfig(savedFixture('CCCCcccc'))
    triggerDidShow() // first show (mount)
    triggerDidShow()
    await waitFor(() => expect(c.querySelectorAll('.saved-item')).toHaveLength(2))
  })

  it('signed in lists GET /me/configurations and deletes with DELETE', async () => {
    taroMock.setStorageSync(TOKEN_KEY, 'tok-1')
    const a = savedFixture('MMMMmmmm')
    const b = { ...savedFixture('NNNNnnnn'), current: { valid: false, totalFen: null, reason: '「冰川白」已停售' } }
    taroMock.request.mockImplementation(async (opts: any) => {
      if (opts.method === 'DELETE') return ok('', 204)
      return ok({ items: [a, b] })
    })
    const { container: c } = render(<MyConfigsPage />)
    await waitFor(() => expect(c.querySelectorAll('.saved-item')).toHaveLength(2))
    const first = taroMock.request.mock.calls[0][0]
    expect(first.url).toBe('http://bff.test/api/v1/me/configurations')
    expect(first.header.Authorization).toBe('Bearer tok-1')
    expect(c.querySelector('[data-short-id="NNNNnnnn"]')!.textContent).toContain('已失效：「冰川白」已停售')

    fireEvent.click(c.querySelector('[data-short-id="MMMMmmmm"] .saved-item__delete')!)
    await waitFor(() => expect(c.querySelectorAll('.saved-item')).toHaveLength(1))
    const del = taroMock.request.mock.calls[1][0]
    expect(del.method).toBe('DELETE')
    expect(del.url).toBe('http://bff.test/api/v1/me/configurations/MMMMmmmm')
  })
})

describe('model cards', () => {
  it('tapping a card opens the detail page; 3D 看车 opens only the viewer', async () => {
    taroMock.request.mockResolvedValue(ok(paged([model()])))
    const { container } = render(<ModelsPage />)
    await waitFor(() => expect(container.querySelector('.model-card')).toBeTruthy())
    fireEvent.click(container.querySelector('.model-card__name')!)
    expect(taroMock.navigateTo).toHaveBeenCalledWith({ url: '/pages/model/index?code=aurora-s7' })

    taroMock.navigateTo.mockClear()
    fireEvent.click(screen.getByText('3D 看车'))
    expect(taroMock.navigateTo).toHaveBeenCalledTimes(1)
    expect(taroMock.navigateTo.mock.calls[0]).toEqual([{ url: expect.stringMatching(/^\/packages\/viewer\/pages\/index\?code=aurora-s7/) }])
  })
})
