import type { ModelSummary, SpecDifference } from '@carmall/shared-types'
import { get } from './client'

export interface SimilarCar {
  model: ModelSummary
  score: number
  /** "看过 远山 S5 的用户也常关注" / "与 远山 S5 配置相近". */
  reason: string
  /** Relative to the car on screen: "续航 +120 km", "价格 -¥18,000". */
  differences: SpecDifference[]
}

/** `GET /api/v1/catalog/models/:code/similar` (public). */
export function getSimilarCars(code: string, limit = 4): Promise<{ modelCode: string; items: SimilarCar[] }> {
  return get(`/api/v1/catalog/models/${encodeURIComponent(code)}/similar`, { limit })
}

export interface Recommended {
  model: ModelSummary
  /** "和您看过的 远山 S5 相似" / "热门车型". */
  reason: string
  source: 'collaborative' | 'content' | 'popular'
}

/** `GET /api/v1/me/recommendations` (signed in). */
export function getMyRecommendations(limit = 4): Promise<{ personalized: boolean; items: Recommended[] }> {
  return get('/api/v1/me/recommendations', { limit })
}
