/** The demo lineup (bff/src/seed/lineup.ts) must be valid data whose rules actually bite. */
import { describe, expect, it } from 'vitest';
import { applyChoice, defaultConfiguration, modelSummaryFromCatalog, priceFenAt, validateCatalogModel, type CatalogModel } from '../src';
import { LINEUP } from '../../bff/src/seed/lineup';
import { expectValidConfig } from './configurator.fixture';

const NOW = new Date('2026-11-28T12:00:00.000Z');
const NEXT_YEAR = new Date('2027-03-01T00:00:00.000Z');
const yuan = (fen: number) => fen / 100;
const count = (m: CatalogModel, g: string) => m.options.filter((o) => o.group === g).length;

describe('demo lineup', () => {
  it('passes catalog validation', () => {
    for (const m of LINEUP) expect(validateCatalogModel(m), m.code).toEqual([]);
  });

  it('covers the required mix', () => {
    expect(LINEUP.length).toBeGreaterThanOrEqual(7);
    expect(LINEUP.reduce((n, m) => n + m.trims.length, 0)).toBeGreaterThanOrEqual(22);
    expect(LINEUP.filter((m) => m.featured)).toHaveLength(3);
    expect(new Set(LINEUP.map((m) => m.code)).size).toBe(LINEUP.length);
    const kinds = new Set(LINEUP.map((m) => `${m.bodyType}/${m.energyType}`));
    for (const k of ['suv/bev', 'suv/phev', 'suv/ice', 'sedan/bev', 'sedan/phev']) expect(kinds).toContain(k);
    expect(LINEUP.filter((m) => m.bodyType === 'suv' && m.energyType === 'bev').length).toBeGreaterThanOrEqual(2);
    expect(LINEUP.some((m) => m.bodyType === 'mpv')).toBe(true);
    for (const m of LINEUP) expect(m.code).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it('has real-looking specs and prices', () => {
    for (const m of LINEUP) {
      for (const t of m.trims) {
        const s = t.specs;
        const where = `${m.code}/${t.code}`;
        for (const at of [NOW, NEXT_YEAR]) {
          const p = priceFenAt(t.prices, at)!;
          expect(Number.isSafeInteger(p), where).toBe(true);
          expect(yuan(p), where).toBeGreaterThanOrEqual(100_000);
          expect(yuan(p), where).toBeLessThanOrEqual(500_000);
        }
        if (m.energyType === 'bev') {
          expect(s.rangeKm!, where).toBeGreaterThanOrEqual(420);
          expect(s.rangeKm!, where).toBeLessThanOrEqual(750);
        } else if (m.energyType === 'phev') {
          expect(s.rangeKm!, where).toBeGreaterThanOrEqual(100);
          expect(s.rangeKm!, where).toBeLessThanOrEqual(250);
          expect(s.fuelLPer100km!, where).toBeGreaterThanOrEqual(0.6);
          expect(s.fuelLPer100km!, where).toBeLessThanOrEqual(1.5);
        } else {
          expect(s.fuelLPer100km!, where).toBeGreaterThanOrEqual(6);
          expect(s.fuelLPer100km!, where).toBeLessThanOrEqual(9);
        }
      }
    }
  });

  it('offers 4-7 paints, 2-3 wheels and interiors, 2-3 packages, 3-5 accessories per model', () => {
    for (const m of LINEUP) {
      expect(count(m, 'paint'), m.code).toBeGreaterThanOrEqual(4);
      expect(count(m, 'paint'), m.code).toBeLessThanOrEqual(7);
      for (const g of ['wheels', 'interior', 'package']) {
        expect(count(m, g), `${m.code} ${g}`).toBeGreaterThanOrEqual(2);
        expect(count(m, g), `${m.code} ${g}`).toBeLessThanOrEqual(3);
      }
      expect(count(m, 'accessory'), m.code).toBeGreaterThanOrEqual(3);
      expect(count(m, 'accessory'), m.code).toBeLessThanOrEqual(5);
      for (const o of m.options.filter((x) => x.group === 'paint')) {
        const p = yuan(priceFenAt(o.prices, NOW)!);
        const later = yuan(priceFenAt(o.prices, NEXT_YEAR)!);
        for (const v of [p, later]) expect(v === 0 || (v >= 3_000 && v <= 12_000), `${m.code} ${o.code} ¥${v}`).toBe(true);
      }
    }
  });

  it('every trim has a valid default configuration and every offered option can be chosen', () => {
    for (const m of LINEUP) {
      for (const t of m.trims) {
        for (const at of [NOW, NEXT_YEAR]) {
          const d = defaultConfiguration(m, t.code, at);
          if (!d.ok) throw new Error(`${m.code}/${t.code}: ${d.error.message}`);
          expect(d.config.selected.sort()).toEqual([...t.defaults].sort());
          expectValidConfig(m, d.config, at);
          for (const o of m.options.filter((x) => x.availableOn.includes(t.code))) {
            const r = applyChoice(m, d.config, o.code, at);
            if (!r.ok) throw new Error(`${m.code}/${t.code} ${o.code}: ${r.error.message}`);
            expect(r.config.selected).toContain(o.code);
            expectValidConfig(m, r.config, at);
          }
        }
      }
    }
  });

  it('rules bite: every model has options that add or remove others', () => {
    for (const m of LINEUP) {
      const kinds = new Set<string>();
      for (const t of m.trims) {
        const d = defaultConfiguration(m, t.code, NOW);
        if (!d.ok) continue;
        for (const o of m.options.filter((x) => x.availableOn.includes(t.code))) {
          const r = applyChoice(m, d.config, o.code, NOW);
          if (!r.ok) continue;
          for (const a of r.config.changes.added) if (a.reason !== 'selected') kinds.add(`added:${a.reason}`);
          for (const x of r.config.changes.removed) if (x.reason !== 'replaced' || x.by !== o.code) kinds.add(`removed:${x.reason}`);
        }
      }
      expect(kinds.has('added:included'), `${m.code}: a package includes something`).toBe(true);
      expect(kinds.has('added:requires') || kinds.has('removed:excluded'), `${m.code}: requires/excludes bite`).toBe(true);
      // Some option is offered on only part of the trims.
      expect(m.options.some((o) => o.availableOn.length < m.trims.length), m.code).toBe(true);
    }
  });

  it('summaries derive from the trims, including scheduled price changes', () => {
    const s5 = LINEUP.find((m) => m.code === 'yuanshan-s5')!;
    expect(modelSummaryFromCatalog(s5, NOW)).toEqual({ startingPriceFen: 18_980_000, seats: 5, rangeKm: 700 });
    expect(modelSummaryFromCatalog(s5, NEXT_YEAR).startingPriceFen).toBe(17_980_000);
    const x4 = LINEUP.find((m) => m.energyType === 'ice')!;
    expect(modelSummaryFromCatalog(x4, NOW).rangeKm).toBeNull();
    for (const m of LINEUP) expect(m.rangeKm, m.code).toBe(modelSummaryFromCatalog(m, NOW).rangeKm);
  });
});
