/** Price lookups over scheduled price lists, and catalog-card summaries. Pure. */
import type { CatalogModel, CatalogModelSummary, PriceEntry } from './types';

/** Milliseconds of an ISO instant, NaN when unparseable. */
export function instantMs(iso: string): number {
  return Date.parse(iso);
}

/** True when `at` falls in [effectiveFrom, effectiveTo). */
export function priceEntryCovers(entry: PriceEntry, at: Date): boolean {
  const t = at.getTime();
  const from = instantMs(entry.effectiveFrom);
  if (!(t >= from)) return false;
  if (entry.effectiveTo === undefined) return true;
  return t < instantMs(entry.effectiveTo);
}

/**
 * The price entry in force at `at`, or null when none is. Should periods overlap (validation
 * reports that), the entry that started last wins, so the result is still deterministic.
 */
export function priceAt(prices: readonly PriceEntry[], at: Date): PriceEntry | null {
  let best: PriceEntry | null = null;
  for (const entry of prices) {
    if (!priceEntryCovers(entry, at)) continue;
    if (best === null || instantMs(entry.effectiveFrom) > instantMs(best.effectiveFrom)) best = entry;
  }
  return best;
}

/** Amount in fen in force at `at`, or null. */
export function priceFenAt(prices: readonly PriceEntry[], at: Date): number | null {
  const entry = priceAt(prices, at);
  return entry === null ? null : entry.amountFen;
}

/** The next scheduled price change after `at` (the earliest entry starting later), or null. */
export function nextPriceChange(prices: readonly PriceEntry[], at: Date): PriceEntry | null {
  let next: PriceEntry | null = null;
  for (const entry of prices) {
    const from = instantMs(entry.effectiveFrom);
    if (from > at.getTime() && (next === null || from < instantMs(next.effectiveFrom))) next = entry;
  }
  return next;
}

/** Max CLTC range over the trims, null when no trim has one (ICE). */
export function maxRangeKm(model: Pick<CatalogModel, 'trims'>): number | null {
  let max: number | null = null;
  for (const trim of model.trims) {
    const r = trim.specs.rangeKm;
    if (r !== null && (max === null || r > max)) max = r;
  }
  return max;
}

/**
 * Catalog-card summary: starting price = lowest trim price in force at `at`, seats = max seats
 * over trims, rangeKm = max trim range (null for ICE).
 */
export function modelSummaryFromCatalog(model: CatalogModel, at: Date): CatalogModelSummary {
  let startingPriceFen: number | null = null;
  let seats = 0;
  for (const trim of model.trims) {
    const p = priceFenAt(trim.prices, at);
    if (p !== null && (startingPriceFen === null || p < startingPriceFen)) startingPriceFen = p;
    if (trim.specs.seats > seats) seats = trim.specs.seats;
  }
  return { startingPriceFen, seats, rangeKm: maxRangeKm(model) };
}
