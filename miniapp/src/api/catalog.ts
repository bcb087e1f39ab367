import type { BodyType, CatalogModel, CompareColumn, CompareResult, EnergyType, ModelSummary, Paged } from '@carmall/shared-types'
import { get } from './client'

export type ModelSort = 'price_asc' | 'price_desc' | 'name'

export interface ListModelsParams {
  bodyType?: BodyType[]
  energyType?: EnergyType[]
  q?: string
  minPriceFen?: number
  maxPriceFen?: number
  /** At least this many seats. */
  seats?: number
  /** At least this range (CLTC km; models without a range, e.g. petrol, are left out). */
  minRangeKm?: number
  featured?: boolean
  page?: number
  pageSize?: number
  sort?: ModelSort
}

/** `GET /api/v1/catalog/models` */
export function listModels(params: ListModelsParams = {}): Promise<Paged<ModelSummary>> {
  return get<Paged<ModelSummary>>('/api/v1/catalog/models', {
    ...params,
    q: params.q?.trim(),
    featured: params.featured ? 'true' : undefined,
  })
}

/** One model with everything the configurator needs. */
export interface ModelDetail {
  summary: ModelSummary
  model: CatalogModel
  /** Catalog version of the model (bumped by every operator edit). */
  version: number
  /**
   * The instant the BFF priced this response at (ISO UTC). The configurator prices with
   * `new Date(pricedAt)` so the client and the server use the same price lists.
   */
  pricedAt: string
}

/** `GET /api/v1/catalog/models/:code` */
export function getModel(code: string): Promise<ModelDetail> {
  return get<ModelDetail>(`/api/v1/catalog/models/${encodeURIComponent(code)}`)
}

/** A trim to compare, as `modelCode:trimCode` on the wire. */
export interface TrimRef {
  modelCode: string
  trimCode: string
}

/** The BFF's answer (shared-types CompareResult): our trims and competitor cars (`rival` set). */
export type CompareResponse = CompareResult
export type CompareTrim = CompareColumn

/** A competitor car's column in the compare page's `trims` (`rival:<code>`). */
export const rivalRef = (code: string): TrimRef => ({ modelCode: 'rival', trimCode: code })

export const trimRefKey = (t: TrimRef) => `${t.modelCode}:${t.trimCode}`

/** Parse `a:b,c:d` (the compare page's `trims` query) into refs; malformed parts are dropped. */
export function parseTrimRefs(value: string | undefined): TrimRef[] {
  if (!value) return []
  return decodeURIComponent(value)
    .split(',')
    .map((part) => part.trim().split(':'))
    .filter((p) => p.length === 2 && p[0] && p[1])
    .map(([modelCode, trimCode]) => ({ modelCode, trimCode }))
}

/** `GET /api/v1/catalog/compare?trims=m:t,m:t[,m:t]` (2-3 trims). */
export function compareTrims(trims: TrimRef[]): Promise<CompareResponse> {
  return get<CompareResponse>('/api/v1/catalog/compare', { trims: trims.map(trimRefKey) })
}
