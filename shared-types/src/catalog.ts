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
