/** Catalog vocabulary shared by the BFF (storage, filters) and the mini-program (labels, filters). */

export const BODY_TYPES = ['suv', 'sedan', 'mpv'] as const;
export type BodyType = (typeof BODY_TYPES)[number];

export const ENERGY_TYPES = ['bev', 'phev', 'ice'] as const;
export type EnergyType = (typeof ENERGY_TYPES)[number];

export const BODY_TYPE_LABELS: Record<BodyType, string> = { suv: 'SUV', sedan: '轿车', mpv: 'MPV' };
export const ENERGY_TYPE_LABELS: Record<EnergyType, string> = { bev: '纯电', phev: '插混', ice: '燃油' };

/** A model as listed in the catalog (the card a buyer sees). */
export interface ModelSummary {
  id: string;
  /** URL-safe stable code, e.g. "aurora-s7". */
  code: string;
  name: string;
  series: string;
  bodyType: BodyType;
  energyType: EnergyType;
  /** Lowest trim price, integer fen. */
  startingPriceFen: number;
  seats: number;
  /** CLTC range in km for BEV/PHEV, null for ICE. */
  rangeKm: number | null;
  coverImage: string;
  tagline: string;
  featured: boolean;
}

export interface Paged<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

/** Price bands buyers filter by (万 = 10,000 yuan). Bounds in fen; `max` inclusive. */
export const PRICE_BANDS = [
  { key: 'lt15', label: '15万以下', maxFen: 15_000_000 },
  { key: '15to25', label: '15-25万', minFen: 15_000_000, maxFen: 25_000_000 },
  { key: '25to35', label: '25-35万', minFen: 25_000_000, maxFen: 35_000_000 },
  { key: 'gt35', label: '35万以上', minFen: 35_000_000 },
] as const satisfies readonly { key: string; label: string; minFen?: number; maxFen?: number }[];
export type PriceBandKey = (typeof PRICE_BANDS)[number]['key'];

/** One column of GET /catalog/compare: a trim of ours, or a competitor car (`rival` set; rivals.ts). */
export interface CompareColumn {
  modelCode: string;
  modelName: string;
  trimCode: string;
  trimName: string;
  rival?: { brand: string; source: string; asOf: string };
}

/** GET /catalog/compare: the columns, the spec rows (differing ones marked), and the rivals' disclaimer when one is shown. */
export interface CompareResult {
  trims: CompareColumn[];
  rows: import('./configurator/types').SpecDiffRow[];
  disclaimer: string | null;
}
