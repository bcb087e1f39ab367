import type { BodyType, EnergyType, ModelSummary, Paged } from '@carmall/shared-types'
import { get } from './client'

export type ModelSort = 'price_asc' | 'price_desc' | 'name'

export interface ListModelsParams {
  bodyType?: BodyType[]
  energyType?: EnergyType[]
  q?: string
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
