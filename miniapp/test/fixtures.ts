import type { ModelSummary, Paged } from '@carmall/shared-types'

export function model(overrides: Partial<ModelSummary> = {}): ModelSummary {
  return {
    id: 'm1',
    code: 'aurora-s7',
    name: '极光 S7',
    series: '极光系列',
    bodyType: 'suv',
    energyType: 'bev',
    startingPriceFen: 15_980_000,
    seats: 5,
    rangeKm: 620,
    coverImage: '/media/models/aurora-s7.svg',
    tagline: '长续航智能纯电 SUV',
    featured: true,
    ...overrides,
  }
}

export function paged(items: ModelSummary[], extra: Partial<Paged<ModelSummary>> = {}): Paged<ModelSummary> {
  return { items, page: 1, pageSize: 20, total: items.length, ...extra }
}

/** What Taro.request resolves with. */
export const ok = (data: unknown, statusCode = 200) => ({ statusCode, data, header: {}, errMsg: 'request:ok' })
