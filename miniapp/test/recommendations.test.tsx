import { describe, expect, it } from 'vitest'
import { fireEvent, render, screen, waitFor } from '@testing-library/react'
import { RIVAL_DISCLAIMER, rivalsFor, type ModelSummary, type RivalCar } from '@carmall/shared-types'
import { specDifferences } from '@carmall/shared-types'
import { TOKEN_KEY } from '../src/api/client'
import { SimilarCars, differenceTone } from '../src/components/SimilarCars'
import { RecommendedForYou } from '../src/components/RecommendedForYou'
import HomePage from '../src/pages/index/index'
import { model, ok, paged } from './fixtures'
import { taroMock } from './taro-mock'

const s5 = model({ id: 'm-s5', code: 'yuanshan-s5', name: '远山 S5', startingPriceFen: 19_980_000, rangeKm: 520, seats: 5 })
const e7 = model({ id: 'm-e7', code: 'changfeng-e7', name: '长风 E7', bodyType: 'sedan', startingPriceFen: 18_180_000, rangeKm: 640, seats: 5 })
const m8 = model({ id: 'm-m8', code: 'yunqi-m8', name: '云栖 M8', bodyType: 'mpv', energyType: 'phev', startingPriceFen: 32_980_000, rangeKm: 180, seats: 7 })
const features = (m: ModelSummary) => ({ ...m, priceFen: m.startingPriceFen })
const similar = (other: ModelSummary, reason: string) => ({ model: other, score: 0.8, reason, differences: specDifferences(features(s5), features(other)) })

/** A fake BFF answering the recommendation routes (and the home page's list). */
function serve(routes: Record<string, unknown>, status = 200) {
  taroMock.request.mockImplementation(async (opts: { url: string }) => {
    const url = new URL(opts.url)
    if (url.pathname in routes) return ok(routes[url.pathname], status)
    if (url.pathname === '/api/v1/catalog/models') return ok(paged([s5]))
    return ok({ error: { code: 'NOT_FOUND', message: '不存在', requestId: 'r' } }, 404)
  })
}
const requested = (path: string) => taroMock.request.mock.calls.filter((call: any[]) => new URL(call[0].url).pathname === path)

describe('相似车型 (SimilarCars)', () => {
  it('lists similar cars with the specification differences marked, better/worse coloured', async () => {
    serve({ '/api/v1/catalog/models/yuanshan-s5/similar': { modelCode: 'yuanshan-s5', items: [similar(e7, '看过 远山 S5 的用户也常关注'), similar(m8, '与 远山 S5 配置相近')] } })
    const { container } = render(<SimilarCars code='yuanshan-s5' />)
    await screen.findByText('相似车型')
    const cards = Array.from(container.querySelectorAll<HTMLElement>('.similar-car'))
    expect(cards.map((c) => c.dataset.code)).toEqual(['changfeng-e7', 'yunqi-m8'])
    expect(cards[0].textContent).toContain('长风 E7')
    expect(cards[0].textContent).toContain('18.18万起')
    expect(cards[0].textContent).toContain('看过 远山 S5 的用户也常关注')
    const diff = (card: HTMLElement, key: string) => card.querySelector<HTMLElement>(`.similar-car__diff[data-key="${key}"]`)!
    expect(diff(cards[0], 'price').textContent).toBe('价格 -¥18,000')
    expect(diff(cards[0], 'price').className).toContain('similar-car__diff--better')
    expect(diff(cards[0], 'range').textContent).toBe('续航 +120 km')
    expect(diff(cards[0], 'range').className).toContain('--better')
    expect(diff(cards[0], 'bodyType').textContent).toBe('车身 SUV → 轿车')
    expect(diff(cards[1], 'price').textContent).toBe('价格 +¥130,000')
    expect(diff(cards[1], 'price').className).toContain('--worse')
    expect(diff(cards[1], 'range').textContent).toBe('续航 -340 km')
    expect(diff(cards[1], 'seats').textContent).toBe('座位 +2')
    expect(diff(cards[1], 'seats').className).toContain('--neutral')
    expect(new URL(requested('/api/v1/catalog/models/yuanshan-s5/similar')[0][0].url).searchParams.get('limit')).toBe('4')

    fireEvent.click(cards[1])
    expect(taroMock.navigateTo).toHaveBeenCalledWith({ url: '/pages/model/index?code=yunqi-m8' })
  })

  it('同级竞品对比: other brands’ cars labelled 竞品, with where this car is ahead, opening the comparison with the trim on screen', async () => {
    const none = { fuelLPer100km: null, torqueNm: null, batteryKwh: null, powerKw: null, accel0to100s: null, warranty: null, lengthMm: null, widthMm: null, heightMm: null, wheelbaseMm: null, drive: null }
    const l60: RivalCar = {
      code: 'rival-onvo-l60', brand: '乐道', name: 'L60', trimName: '60kWh 后驱版', bodyType: 'suv', energyType: 'bev', priceFen: 20_690_000, seats: 5, rangeKm: 555,
      specs: { ...none, rangeKm: 555, seats: 5 }, source: '乐道汽车公开价格', asOf: '2024-09',
    }
    const rivals = rivalsFor(features(s5), [l60])
    serve({ '/api/v1/catalog/models/yuanshan-s5/similar': { modelCode: 'yuanshan-s5', modelVersion: 1, items: [], rivals } })
    const { container } = render(<SimilarCars code='yuanshan-s5' name='远山 S5' trimCode='S5_520_RWD' />)
    await screen.findByText('同级竞品对比')
    expect(container.textContent).not.toContain('相似车型') // nothing of ours to list
    const card = container.querySelector<HTMLElement>('.rival-car[data-code="rival-onvo-l60"]')!
    expect(card.querySelector('.rival-car__tag')!.textContent).toBe('竞品')
    expect(card.textContent).toContain('乐道 L60')
    expect(card.textContent).toContain('60kWh 后驱版 · 指导价 ¥206,900')
    // This car relative to the rival: ¥7,100 cheaper (better), 35 km less range (worse).
    const diff = (key: string) => card.querySelector<HTMLElement>(`.similar-car__diff[data-key="${key}"]`)!
    expect(card.querySelector('.rival-car__ours')!.textContent).toBe('远山 S5：')
    expect(diff('price').textContent).toBe('价格 -¥7,100')
    expect(diff('price').className).toContain('--better')
    expect(diff('range').textContent).toBe('续航 -35 km')
    expect(diff('range').className).toContain('--worse')
    expect(container.querySelector('.rival-cars__note')!.textContent).toBe(RIVAL_DISCLAIMER)
    fireEvent.click(card)
    expect(taroMock.navigateTo).toHaveBeenCalledWith({ url: '/pages/compare/index?trims=yuanshan-s5:S5_520_RWD,rival:rival-onvo-l60' })
  })

  it('shows nothing when the BFF fails or finds nothing similar (the configurator above is unaffected)', async () => {
    serve({ '/api/v1/catalog/models/yuanshan-s5/similar': { error: { code: 'INTERNAL', message: '服务繁忙', requestId: 'r' } } }, 503)
    const { container } = render(<SimilarCars code='yuanshan-s5' />)
    await waitFor(() => expect(requested('/api/v1/catalog/models/yuanshan-s5/similar')).toHaveLength(1))
    expect(container.textContent).toBe('')
    expect(differenceTone({ key: 'seats', delta: 2, text: '座位 +2' })).toBe('neutral')
    expect(differenceTone({ key: 'bodyType', text: '车身 SUV → MPV' })).toBe('neutral')
  })
})

describe('为你推荐 (RecommendedForYou)', () => {
  const personal = { personalized: true, items: [{ model: e7, reason: '和您看过的 远山 S5 相似', source: 'collaborative' }] }

  it('signed out: asks nothing and shows nothing', async () => {
    serve({ '/api/v1/me/recommendations': personal })
    const { container } = render(<RecommendedForYou />)
    await new Promise((r) => setTimeout(r, 20))
    expect(requested('/api/v1/me/recommendations')).toHaveLength(0)
    expect(container.textContent).toBe('')
  })

  it('signed in: the home page shows 为你推荐 with each reason above 热门车型', async () => {
    taroMock.setStorageSync(TOKEN_KEY, 'acc-u1')
    serve({ '/api/v1/me/recommendations': personal })
    const { container } = render(<HomePage />)
    await screen.findByText('为你推荐')
    expect(screen.getByText('和您看过的 远山 S5 相似')).toBeTruthy()
    const item = container.querySelector<HTMLElement>('.recommended__item')!
    expect(item.dataset.source).toBe('collaborative')
    expect(item.querySelector<HTMLElement>('.model-card')!.dataset.code).toBe('changfeng-e7')
    const titles = Array.from(container.querySelectorAll('.section-title')).map((t) => t.textContent)
    expect(titles).toEqual(['为你推荐', '热门车型'])
    expect(requested('/api/v1/me/recommendations')[0][0].header.Authorization).toBe('Bearer acc-u1')
  })

  it('a recommended car shows its closest rival (竞品) with where it is ahead; a tap opens the car', async () => {
    taroMock.setStorageSync(TOKEN_KEY, 'acc-u3')
    const none = { fuelLPer100km: null, torqueNm: null, batteryKwh: null, powerKw: null, accel0to100s: null, warranty: null, lengthMm: null, widthMm: null, heightMm: null, wheelbaseMm: null, drive: null }
    const su7: RivalCar = {
      code: 'rival-xiaomi-su7', brand: '小米', name: 'SU7', trimName: '标准版', bodyType: 'sedan', energyType: 'bev', priceFen: 21_590_000, seats: 5, rangeKm: 700,
      specs: { ...none, rangeKm: 700, seats: 5 }, source: '小米汽车公开价格', asOf: '2024-03',
    }
    const [rival] = rivalsFor(features(e7), [su7])
    serve({ '/api/v1/me/recommendations': { personalized: true, items: [{ model: e7, reason: '和您看过的 远山 S5 相似', source: 'content', rival }] } })
    const { container } = render(<RecommendedForYou />)
    await screen.findByText('为你推荐')
    const box = container.querySelector<HTMLElement>('.recommended__rival[data-rival="rival-xiaomi-su7"]')!
    expect(box.querySelector('.rival-car__tag')!.textContent).toBe('竞品')
    expect(box.textContent).toContain('对比 小米 SU7（指导价 ¥215,900）')
    // 长风 E7 from ¥181,800 against SU7's ¥215,900: ¥34,100 cheaper (better); 60 km less range (worse).
    expect(box.querySelector('[data-key="price"]')!.textContent).toBe('价格 -¥34,100')
    expect(box.querySelector('[data-key="price"]')!.className).toContain('--better')
    expect(box.querySelector('[data-key="range"]')!.textContent).toBe('续航 -60 km')
    fireEvent.click(box)
    expect(taroMock.navigateTo).toHaveBeenCalledWith({ url: '/pages/model/index?code=changfeng-e7' })
  })

  it('a new buyer (popular fallback, not personal) sees only the home page’s own 热门车型', async () => {
    taroMock.setStorageSync(TOKEN_KEY, 'acc-u2')
    serve({ '/api/v1/me/recommendations': { personalized: false, items: [{ model: e7, reason: '热门车型', source: 'popular' }] } })
    const { container } = render(<HomePage />)
    await waitFor(() => expect(requested('/api/v1/me/recommendations')).toHaveLength(1))
    await screen.findByText('热门车型')
    expect(container.querySelector('.recommended')).toBeNull()
  })
})
