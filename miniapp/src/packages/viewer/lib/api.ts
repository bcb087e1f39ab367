import type { CatalogModel, ModelSummary } from '@carmall/shared-types'
import { get } from '../../../api/client'
import { mediaUrl } from '../../../api/base'

export interface ModelDetail {
  summary: ModelSummary
  model: CatalogModel
  version: number
  pricedAt: string
}

/** `GET /api/v1/catalog/models/:code`: body type (which .glb) and options with swatches. */
export function getModelDetail(code: string): Promise<ModelDetail> {
  return get<ModelDetail>(`/api/v1/catalog/models/${encodeURIComponent(code)}`)
}

export const carModelUrl = (bodyType: string) => mediaUrl(`/media/car-models/${bodyType}.glb`)
/** The model's cover image, in the chosen paint when given (the poster shown while the 3D loads). */
export const coverUrl = (code: string, paintCode?: string) =>
  mediaUrl(`/media/models/${code}.svg${paintCode ? `?paint=${encodeURIComponent(paintCode)}` : ''}`)
