import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { act, fireEvent, render, waitFor } from '@testing-library/react'
import Taro from '@tarojs/taro'
import ViewerPage from '../src/packages/viewer/pages/index'
import { ok } from './fixtures'
import { routerParams, taroMock } from './taro-mock'
import { viewerModel } from './viewer-fixtures'

/**
 * A Taro.eventCenter stand-in with spies, installed on the module's default export (what the
 * page's `Taro.eventCenter` reads) and removed after each test, whatever the shared mock provides.
 */
const taro = Taro as any
let original: unknown
function installEventCenter() {
  const handlers = new Map<string, Set<(p: unknown) => void>>()
  const center = {
    on: vi.fn((name: string, fn: (p: unknown) => void) => void (handlers.get(name) ?? handlers.set(name, new Set()).get(name)!).add(fn)),
    off: vi.fn((name: string, fn: (p: unknown) => void) => void handlers.get(name)?.delete(fn)),
    trigger: vi.fn((name: string, payload: unknown) => handlers.get(name)?.forEach((fn) => fn(payload))),
    count: (name: string) => handlers.get(name)?.size ?? 0,
  }
  original = taro.eventCenter
  taro.eventCenter = center
  return center
}

const detail = () => ({
  summary: { code: 'test-s5', name: '测试 S5', bodyType: 'suv' },
  model: viewerModel(),
  version: 1,
  pricedAt: '2026-01-01T00:00:00.000Z',
})

const active = (c: HTMLElement, group: string) =>
  Array.from(c.querySelectorAll<HTMLElement>(`[data-group="${group}"] .viewer-option--active`)).map((e) => e.dataset.code)

let events: ReturnType<typeof installEventCenter>
beforeEach(() => {
  events = installEventCenter()
  taroMock.request.mockResolvedValue(ok(detail()))
})
afterEach(() => {
  if (original === undefined) delete taro.eventCenter
  else taro.eventCenter = original
})

describe('3D viewer page', () => {
  it('opened standalone: loads the model detail, shows the trim defaults, and the fallback stage in tests', async () => {
    routerParams.model = 'test-s5'
    const { container } = render(<ViewerPage />)
    await waitFor(() => expect(active(container, 'paint')).toEqual(['PAINT_WHITE']))
    expect(taroMock.request.mock.calls[0][0].url).toBe('http://bff.test/api/v1/catalog/models/test-s5')
    expect(active(container, 'wheels')).toEqual(['WHEEL_19_AERO'])
    expect(active(container, 'interior')).toEqual(['INT_BLACK'])
    // Options not offered on the trim are not listed.
    expect(container.querySelector('[data-code="WHEEL_21_FORGED"]')).toBeNull()
    // The default Stage (Alipay's) is the image gallery with the cover (in the chosen paint) and every paint.
    expect(container.querySelector('.viewer-gallery img')?.getAttribute('src')).toBe('http://bff.test/media/models/test-s5.svg?paint=PAINT_WHITE')
    expect(container.querySelectorAll('.viewer-gallery__paint')).toHaveLength(3)
  })

  it('applies trim and selected= from the configurator URL', async () => {
    Object.assign(routerParams, { model: 'test-s5', trim: 'T2', selected: encodeURIComponent('PAINT_BLACK,WHEEL_21_FORGED,INT_CREAM_NAPPA') })
    const { container } = render(<ViewerPage />)
    await waitFor(() => expect(active(container, 'paint')).toEqual(['PAINT_BLACK']))
    expect(active(container, 'wheels')).toEqual(['WHEEL_21_FORGED'])
    expect(active(container, 'interior')).toEqual(['INT_CREAM_NAPPA'])
    expect(container.textContent).toContain('高配版')
  })

  it('a choice in the viewer is announced as configurator:choice; configurator:changed is followed', async () => {
    Object.assign(routerParams, { model: 'test-s5', trim: 'T2' })
    const { container, unmount } = render(<ViewerPage />)
    await waitFor(() => expect(active(container, 'paint')).toEqual(['PAINT_BLUE']))
    await waitFor(() => expect(events.count('configurator:changed')).toBe(1))

    fireEvent.click(container.querySelector('[data-group="paint"] [data-code="PAINT_BLACK"]')!)
    expect(events.trigger).toHaveBeenCalledWith('configurator:choice', { modelCode: 'test-s5', code: 'PAINT_BLACK' })
    expect(active(container, 'paint')).toEqual(['PAINT_BLACK'])

    // The configurator says otherwise (e.g. it applied a rule): the viewer follows it.
    act(() => events.trigger('configurator:changed', { modelCode: 'test-s5', config: { selected: ['INT_BLACK', 'PAINT_WHITE', 'WHEEL_19_AERO'] } }))
    expect(active(container, 'paint')).toEqual(['PAINT_WHITE'])
    expect(active(container, 'interior')).toEqual(['INT_BLACK'])
    // Another model's changes are ignored.
    act(() => events.trigger('configurator:changed', { modelCode: 'other', config: { selected: ['PAINT_BLUE'] } }))
    expect(active(container, 'paint')).toEqual(['PAINT_WHITE'])

    unmount()
    expect(events.count('configurator:changed')).toBe(0)
    expect(events.off).toHaveBeenCalledWith('configurator:changed', expect.any(Function))
  })

  it('a choice the rules forbid is refused with a toast and not announced', async () => {
    Object.assign(routerParams, { model: 'test-s5', trim: 'T2', selected: 'PAINT_BLUE,WHEEL_21_FORGED,INT_BLACK,PKG_SPORT' })
    const { container } = render(<ViewerPage />)
    await waitFor(() => expect(active(container, 'wheels')).toEqual(['WHEEL_21_FORGED']))
    fireEvent.click(container.querySelector('[data-group="wheels"] [data-code="WHEEL_19_AERO"]')!)
    // The engine resolves it by dropping the package (as the configurator would), or refuses: either
    // way the viewer's state is what the engine says, and only accepted choices are announced.
    const accepted = active(container, 'wheels')[0] === 'WHEEL_19_AERO'
    expect(events.trigger.mock.calls.some(([name]) => name === 'configurator:choice')).toBe(accepted)
    if (!accepted) expect(taroMock.showToast).toHaveBeenCalled()
  })

  it('shows an error when the model is unknown', async () => {
    routerParams.model = 'nope'
    taroMock.request.mockResolvedValue(ok({ error: { code: 'NOT_FOUND', message: '车型不存在' } }, 404))
    const { container } = render(<ViewerPage />)
    await waitFor(() => expect(container.textContent).toContain('车型不存在'))
  })
})
