import type { ModelSummary, RivalMatch, SimilarCarsResult } from '@carmall/shared-types'
import { get } from './client'

export type { SimilarCar, SimilarCarsResult } from '@carmall/shared-types'

/** `GET /api/v1/catalog/models/:code/similar` (public): ours, and the closest other brands' cars. */
export function getSimilarCars(code: string, limit = 4): Promise<SimilarCarsResult> {
  return get(`/api/v1/catalog/models/${encodeURIComponent(code)}/similar`, { limit })
}

export interface Recommended {
  model: ModelSummary
  /** "和您看过的 远山 S5 相似" / "热门车型". */
  reason: string
  source: 'collaborative' | 'content' | 'popular'
  /** The other brand's car closest to it, with how this one differs (null: none in its segment). */
  rival: RivalMatch | null
}

/** `GET /api/v1/me/recommendations` (signed in). */
export function getMyRecommendations(limit = 4): Promise<{ personalized: boolean; items: Recommended[] }> {
  return get('/api/v1/me/recommendations', { limit })
}
