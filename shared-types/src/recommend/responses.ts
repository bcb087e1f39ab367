import type { ModelSummary } from '../catalog';
import type { RivalMatch } from '../rivals';
import type { SpecDifference } from './model';

/** One of 相似车型 (ours): how it differs from the car on screen. */
export interface SimilarCar {
  model: ModelSummary;
  score: number;
  /** "看过 远山 S5 的用户也常关注" / "与 远山 S5 配置相近". */
  reason: string;
  /** Relative to the car on screen: "续航 +120 km", "价格 -¥18,000". */
  differences: SpecDifference[];
}

/** GET /catalog/models/:code/similar. */
export interface SimilarCarsResult {
  modelCode: string;
  modelVersion: number;
  items: SimilarCar[];
  /** Other brands' cars closest to this one, with how THIS car differs from each (价格 -¥23,500: ours is cheaper). */
  rivals: RivalMatch[];
}
