import { describe, expect, it } from 'vitest'
import { fireEvent, render, screen, waitFor } from '@testing-library/react'
import ModelsPage from '../src/pages/models/index'
import { model, ok, paged } from './fixtures'
import { taroMock, triggerReachBottom } from './taro-mock'

const aurora = model()
const tide = model({
  id: 'm2', code: 'tide-l9', name: '潮汐 L9', series: '潮汐系列', bodyType: 'sedan', energyType: 'ice',
  startingPriceFen: 22_880_000, rangeKm: null, tagline: '行政级燃油轿车',
})

/** The URL of the n-th Taro.request call. */
const requestUrl = (n: number) => new URL(taroMock.request.mock.calls[n][0].url)

const cards = (container: HTMLElement) => Array.from(container.querySelectorAll<HTMLElement>('.model-card'))

describe('车型 page', () => {
  it('renders a card per model from the API response', async () => {
    taroMock.request.mockResolvedValue(ok(paged([aurora, tide])))
    const { container } = render(<ModelsPage />)

    await waitFor(() => expect(cards(container)).toHaveLength(2))
    expect(cards(container).map((c) => c.dataset.code)).toEqual(['aurora-s7', 'tide-l9'])

    const first = cards(container)[0]
    expect(first.textContent).toContain('极光 S7')
    expect(first.textContent).toContain('极光系列')
    expect(first.textContent).toContain('长续航智能纯电 SUV')
    expect(first.textContent).toContain('纯电')
    expect(first.textContent).toContain('5 座')
    expect(first.textContent).toContain('CLTC 续航 620km')
    expect(first.textContent).toContain('15.98万起')
    expect(first.textContent).toContain('¥159,800 起')
    // Cover path from the BFF is prefixed with the API base.
    expect(first.querySelector('img')?.getAttribute('src')).toBe('http://bff.test/media/models/aurora-s7.svg')

    // Fuel cars have no CLTC range: the line is omitted, not "null km".
    expect(cards(container)[1].textContent).not.toContain('CLTC')
    expect(cards(container)[1].textContent).toContain('燃油')

    const url = requestUrl(0)
    expect(url.pathname).toBe('/api/v1/catalog/models')
    expect(url.searchParams.get('page')).toBe('1')
    expect(url.searchParams.get('pageSize')).toBe('20')
    expect(url.searchParams.has('bodyType')).toBe(false)
  })

  it('sends the selected chips as bodyType / energyType and shows the filtered list', async () => {
    taroMock.request.mockResolvedValueOnce(ok(paged([aurora, tide])))
    const { container } = render(<ModelsPage />)
    await waitFor(() => expect(cards(container)).toHaveLength(2))

    taroMock.request.mockResolvedValueOnce(ok(paged([aurora])))
    fireEvent.click(container.querySelector('[data-filter="bodyType"] [data-value="suv"]')!)
    await waitFor(() => expect(cards(container)).toHaveLength(1))
    expect(requestUrl(1).searchParams.get('bodyType')).toBe('suv')
    expect(requestUrl(1).searchParams.has('energyType')).toBe(false)
    expect(container.querySelector('[data-filter="bodyType"] .chip--active')?.textContent).toBe('SUV')

    taroMock.request.mockResolvedValueOnce(ok(paged([aurora])))
    fireEvent.click(container.querySelector('[data-filter="energyType"] [data-value="bev"]')!)
    await waitFor(() => expect(taroMock.request).toHaveBeenCalledTimes(3))
    expect(requestUrl(2).searchParams.get('bodyType')).toBe('suv')
    expect(requestUrl(2).searchParams.get('energyType')).toBe('bev')

    // 全部 clears the body type filter again.
    taroMock.request.mockResolvedValueOnce(ok(paged([aurora])))
    fireEvent.click(container.querySelector('[data-filter="bodyType"] [data-value="all"]')!)
    await waitFor(() => expect(taroMock.request).toHaveBeenCalledTimes(4))
    expect(requestUrl(3).searchParams.has('bodyType')).toBe(false)
    expect(requestUrl(3).searchParams.get('energyType')).toBe('bev')
  })

  it('filters by price band and sorts', async () => {
    taroMock.request.mockResolvedValueOnce(ok(paged([aurora, tide])))
    const { container } = render(<ModelsPage />)
    await waitFor(() => expect(cards(container)).toHaveLength(2))
    expect(requestUrl(0).searchParams.get('sort')).toBe('price_asc')

    taroMock.request.mockResolvedValueOnce(ok(paged([aurora])))
    fireEvent.click(container.querySelector('[data-filter="price"] [data-value="15to25"]')!)
    await waitFor(() => expect(taroMock.request).toHaveBeenCalledTimes(2))
    expect(requestUrl(1).searchParams.get('minPriceFen')).toBe('15000000')
    expect(requestUrl(1).searchParams.get('maxPriceFen')).toBe('25000000')

    taroMock.request.mockResolvedValueOnce(ok(paged([aurora])))
    fireEvent.click(container.querySelector('[data-filter="sort"] [data-value="price_desc"]')!)
    await waitFor(() => expect(taroMock.request).toHaveBeenCalledTimes(3))
    expect(requestUrl(2).searchParams.get('sort')).toBe('price_desc')
    expect(requestUrl(2).searchParams.get('minPriceFen')).toBe('15000000')
    expect(container.querySelector('[data-filter="sort"] .chip--active')?.textContent).toBe('价格从高到低')
  })

  it('shows the empty state when nothing matches', async () => {
    taroMock.request.mockResolvedValue(ok(paged([])))
    const { container } = render(<ModelsPage />)
    expect(await screen.findByText('没有符合条件的车型')).toBeTruthy()
    // Nothing chosen: nothing to clear.
    expect(container.querySelector('.models-page__clear')).toBeNull()
  })

  it('labels each filter row, filters by seats and range, and clears the filters from an empty result', async () => {
    taroMock.request.mockResolvedValueOnce(ok(paged([aurora, tide])))
    const { container } = render(<ModelsPage />)
    await waitFor(() => expect(cards(container)).toHaveLength(2))
    const labels = Array.from(container.querySelectorAll('.chips__label')).map((l) => l.textContent)
    expect(labels).toEqual(['车身', '能源', '价格', '座位', '续航', '排序'])

    taroMock.request.mockResolvedValueOnce(ok(paged([aurora])))
    fireEvent.click(container.querySelector('[data-filter="seats"] [data-value="6"]')!)
    await waitFor(() => expect(taroMock.request).toHaveBeenCalledTimes(2))
    expect(requestUrl(1).searchParams.get('seats')).toBe('6')

    taroMock.request.mockResolvedValueOnce(ok(paged([])))
    fireEvent.click(container.querySelector('[data-filter="range"] [data-value="700"]')!)
    await waitFor(() => expect(taroMock.request).toHaveBeenCalledTimes(3))
    expect(requestUrl(2).searchParams.get('seats')).toBe('6')
    expect(requestUrl(2).searchParams.get('minRangeKm')).toBe('700')
    expect(await screen.findByText('没有符合条件的车型')).toBeTruthy()

    taroMock.request.mockResolvedValueOnce(ok(paged([aurora, tide])))
    fireEvent.click(container.querySelector('.models-page__clear')!)
    await waitFor(() => expect(cards(container)).toHaveLength(2))
    const cleared = requestUrl(3).searchParams
    expect(cleared.get('seats')).toBeNull()
    expect(cleared.get('minRangeKm')).toBeNull()
    expect(container.querySelector('[data-filter="range"] .chip--active')?.getAttribute('data-value')).toBe('all')
  })

  it('shows the error message and reloads on 重试', async () => {
    taroMock.request.mockResolvedValueOnce(
      ok({ error: { code: 'SERVICE_UNAVAILABLE', message: '服务繁忙，请稍后再试', requestId: 'r1' } }, 503),
    )
    const { container } = render(<ModelsPage />)
    expect(await screen.findByText('服务繁忙，请稍后再试')).toBeTruthy()
    expect(cards(container)).toHaveLength(0)

    taroMock.request.mockResolvedValueOnce(ok(paged([aurora])))
    fireEvent.click(screen.getByText('重试'))
    await waitFor(() => expect(cards(container)).toHaveLength(1))
    expect(screen.queryByText('服务繁忙，请稍后再试')).toBeNull()
    expect(taroMock.request).toHaveBeenCalledTimes(2)
  })

  it('shows a network error when the request never gets a response', async () => {
    taroMock.request.mockRejectedValueOnce({ errMsg: 'request:fail' })
    render(<ModelsPage />)
    expect(await screen.findByText('网络异常，请检查网络后重试')).toBeTruthy()
  })

  it('loads the next page on reach-bottom and appends it', async () => {
    const many = Array.from({ length: 20 }, (_, i) => model({ id: `p1-${i}`, code: `c${i}`, name: `车型${i}` }))
    taroMock.request.mockResolvedValueOnce(ok(paged(many, { total: 21 })))
    const { container } = render(<ModelsPage />)
    await waitFor(() => expect(cards(container)).toHaveLength(20))
    expect(screen.getByText('加载更多')).toBeTruthy()

    taroMock.request.mockResolvedValueOnce(ok(paged([tide], { page: 2, total: 21 })))
    triggerReachBottom()
    await waitFor(() => expect(cards(container)).toHaveLength(21))
    expect(requestUrl(1).searchParams.get('page')).toBe('2')
    expect(screen.getByText('没有更多了')).toBeTruthy()
    expect(screen.queryByText('加载更多')).toBeNull()
  })

  it('searches with q from the search box', async () => {
    taroMock.request.mockResolvedValue(ok(paged([aurora])))
    const { container } = render(<ModelsPage />)
    await waitFor(() => expect(cards(container)).toHaveLength(1))

    const input = container.querySelector('input')!
    fireEvent.input(input, { target: { value: ' 极光 ' } })
    fireEvent.click(screen.getByText('搜索'))
    await waitFor(() => expect(taroMock.request).toHaveBeenCalledTimes(2))
    expect(requestUrl(1).searchParams.get('q')).toBe('极光')
  })

  it('opens the 3D viewer subpackage from a card', async () => {
    taroMock.request.mockResolvedValue(ok(paged([aurora])))
    render(<ModelsPage />)
    fireEvent.click(await screen.findByText('3D 看车'))
    expect(taroMock.navigateTo).toHaveBeenCalledWith({
      url: `/packages/viewer/pages/index?code=aurora-s7&name=${encodeURIComponent('极光 S7')}`,
    })
  })
})
