/**
 * Competitor cars (竞品): a small set of other brands' cars with their public list prices and
 * specifications, so a buyer can see how one of ours compares with the cars they are also
 * considering. They are shown, never sold: no configurator, no order, and always labelled as
 * another brand's car with where the figures come from and as of when.
 */
import type { BodyType, EnergyType } from './catalog';
import type { SpecDiffRow, Trim, TrimSpecs } from './configurator/types';
import { contentSimilarity, specDifferences, type ItemFeatures, type SpecDifference } from './recommend/model';

export interface RivalCar {
  /** Stable code, always `rival-…` (never a model code of ours). */
  code: string;
  /** The maker, e.g. 特斯拉. */
  brand: string;
  /** The car, e.g. Model Y. */
  name: string;
  /** The version the figures are for (the entry version, as our starting prices are). */
  trimName: string;
  bodyType: BodyType;
  energyType: EnergyType;
  /** 厂商指导价 of that version, integer fen. */
  priceFen: number;
  seats: number;
  /** CLTC range (BEV) or CLTC pure-electric range (PHEV/EREV), null when not published / ICE. */
  rangeKm: number | null;
  /** Published figures only: anything not published is null and shown as —. */
  specs: { [K in keyof TrimSpecs]: TrimSpecs[K] | null };
  /** Where the figures come from, in Chinese, e.g. 特斯拉中国官网公开指导价与参数. */
  source: string;
  /** When they were taken, YYYY-MM. */
  asOf: string;
}

/** Said wherever rivals are shown. */
export const RIVAL_DISCLAIMER = '竞品为其他品牌车型，价格与参数来自厂商公开信息，仅供参考，以厂商官方公布为准；本店不销售竞品。';

export const RIVAL_CODE_RE = /^rival-[a-z0-9-]{2,40}$/;

export const isRivalCode = (code: string) => RIVAL_CODE_RE.test(code);

/** The rival as the recommender's features (same scale as our models). */
export function rivalFeatures(r: RivalCar): ItemFeatures {
  return { code: r.code, name: `${r.brand} ${r.name}`, bodyType: r.bodyType, energyType: r.energyType, priceFen: r.priceFen, seats: r.seats, rangeKm: r.rangeKm };
}

/**
 * The rival as a trim, so the one comparison table (diffTrimSpecs) shows it beside ours: its list
 * price in force since `asOf`, its published specs (null where not published).
 */
export function rivalAsTrim(r: RivalCar): Trim {
  return {
    code: r.code,
    name: `${r.brand} ${r.name} ${r.trimName}`,
    prices: [{ amountFen: r.priceFen, effectiveFrom: '2000-01-01T00:00:00.000Z' }],
    specs: r.specs as TrimSpecs,
    defaults: [],
  };
}

export interface RivalMatch {
  rival: RivalCar;
  /** Content similarity to our car in [0, 1]. */
  score: number;
  /** How OUR car differs from the rival (价格 -¥23,500: ours is that much cheaper). */
  ours: SpecDifference[];
}

/**
 * The rivals a buyer of `ours` is most likely also looking at: same body type, price within a
 * third either way, most similar first.
 */
export function rivalsFor(ours: ItemFeatures, rivals: readonly RivalCar[], limit = 3): RivalMatch[] {
  return rivals
    .filter((r) => r.bodyType === ours.bodyType && (ours.priceFen <= 0 || Math.abs(Math.log(r.priceFen / ours.priceFen)) <= Math.log(4 / 3)))
    .map((r) => {
      const f = rivalFeatures(r);
      return { rival: r, score: Math.round(contentSimilarity(ours, f) * 1e6) / 1e6, ours: specDifferences(f, ours) };
    })
    .sort((a, b) => b.score - a.score || (a.rival.code < b.rival.code ? -1 : 1))
    .slice(0, limit);
}

/**
 * A rival's missing figure is "not published", not "different": a row differs only where the
 * figures that are known differ (our own nulls, e.g. a BEV's fuel use, still count as values).
 */
export function ignoreUnpublished(rows: SpecDiffRow[], isRival: readonly boolean[]): SpecDiffRow[] {
  return rows.map((row) => {
    const known = row.values.filter((v, i) => !(isRival[i] && v === null));
    return { ...row, differs: known.some((v) => v !== known[0]) };
  });
}
