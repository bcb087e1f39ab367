import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  applyChoice, changeTrim, defaultConfiguration, priceAt, resolveConfiguration,
  type CatalogModel, type ConfigErrorCode, type ConfigResult, type PriceEntry, type ResolvedConfig,
} from '../src';
import { LINEUP } from '../../bff/src/seed/lineup';
import { expectValidConfig, testModel } from './configurator.fixture';

/** Generous per-test timeout: property runs must not fail on a slow CI machine. */
const SLOW = 60_000;

const ERROR_CODES: ConfigErrorCode[] = ['UNKNOWN_TRIM', 'UNKNOWN_OPTION', 'OPTION_NOT_AVAILABLE', 'CONFLICT', 'REQUIREMENT_UNMET', 'GROUP_CARDINALITY', 'NO_PRICE'];
const MODELS: CatalogModel[] = [testModel(), ...LINEUP];

/** Instants after every launch price in the fixture and the lineup, across the scheduled changes. */
const instant = fc.date({ min: new Date('2026-01-01T00:00:00.000Z'), max: new Date('2028-12-31T00:00:00.000Z'), noInvalidDate: true });

function expectClearError(r: ConfigResult) {
  if (r.ok) return;
  const clear = ERROR_CODES.includes(r.error.code) && /[\u4e00-\u9fff]/.test(r.error.message) && Array.isArray(r.error.details.codes);
  if (!clear) expect(r.error).toBe('a known code with a Chinese message');
}

/** A model, one of its trims, codes to tap (including unknown ones and options of other trims) and an instant. */
const scenario = fc
  .constantFrom(...MODELS)
  .chain((model) =>
    fc.record({
      model: fc.constant(model),
      trimCode: fc.constantFrom(...model.trims.map((t) => t.code)),
      taps: fc.array(fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...model.options.map((o) => o.code)) }, { weight: 1, arbitrary: fc.constant('NOT_AN_OPTION') }), { maxLength: 25 }),
      at: instant,
    }),
  );

function sameResult(a: ResolvedConfig, b: ResolvedConfig) {
  expect(b.selected).toEqual(a.selected);
  expect(b.totalFen).toBe(a.totalFen);
  expect(b.lineItems.map((l) => [l.code, l.priceFen, l.includedIn])).toEqual(a.lineItems.map((l) => [l.code, l.priceFen, l.includedIn]));
}

describe('configurator properties', () => {
  it('any sequence of taps keeps a valid configuration, or fails with a clear error', () => {
    fc.assert(
      fc.property(scenario, ({ model, trimCode, taps, at }) => {
        const start = defaultConfiguration(model, trimCode, at);
        if (!start.ok) throw new Error(`default config of ${model.code}/${trimCode} failed: ${start.error.message}`);
        let config = start.config;
        expectValidConfig(model, config, at);
        for (const code of taps) {
          const r = applyChoice(model, config, code, at);
          expectClearError(r);
          if (!r.ok) continue;
          expectValidConfig(model, r.config, at);
          // Changes describe exactly the difference.
          const before = new Set(config.selected);
          const after = new Set(r.config.selected);
          const added = r.config.changes.added.map((a) => a.code).sort().join();
          const removed = r.config.changes.removed.map((a) => a.code).sort().join();
          if (added !== r.config.selected.filter((c) => !before.has(c)).join()) expect(r.config.changes.added).toBe(`the options added by ${code}`);
          if (removed !== config.selected.filter((c) => !after.has(c)).join()) expect(r.config.changes.removed).toBe(`the options removed by ${code}`);
          for (const ch of [...r.config.changes.added, ...r.config.changes.removed]) if (!ch.message) expect(ch).toBe('explained');
          // A tap on an option not yet present always ends with it present.
          if (!before.has(code) && !after.has(code)) expect(r.config.selected).toContain(code);
          config = r.config;
        }
      }),
      { numRuns: 400 },
    );
  }, SLOW);

  it('resolveConfiguration is idempotent and order-independent', () => {
    fc.assert(
      fc.property(scenario, ({ model, trimCode, taps, at }) => {
        const first = resolveConfiguration(model, trimCode, taps, at);
        expectClearError(first);
        if (!first.ok) return;
        expectValidConfig(model, first.config, at);
        const again = resolveConfiguration(model, trimCode, first.config.selected, at);
        if (!again.ok) throw new Error(again.error.message);
        sameResult(first.config, again.config);
        const reversed = resolveConfiguration(model, trimCode, [...taps].reverse(), at);
        if (!reversed.ok) throw new Error(reversed.error.message);
        sameResult(first.config, reversed.config);
      }),
      { numRuns: 400 },
    );
  }, SLOW);

  it('results of applyChoice re-resolve to the same configuration', () => {
    fc.assert(
      fc.property(scenario, ({ model, trimCode, taps, at }) => {
        let config = defaultConfiguration(model, trimCode, at);
        for (const code of taps) {
          if (!config.ok) return;
          const r = applyChoice(model, config.config, code, at);
          if (r.ok) config = r;
        }
        if (!config.ok) return;
        for (const sel of [config.config.explicit, config.config.selected]) {
          const again = resolveConfiguration(model, trimCode, sel, at);
          if (!again.ok) throw new Error(again.error.message);
          sameResult(config.config, again.config);
        }
      }),
      { numRuns: 200 },
    );
  }, SLOW);

  it('switching trims keeps a valid configuration', () => {
    fc.assert(
      fc.property(scenario, fc.nat(), ({ model, trimCode, taps, at }, k) => {
        let config = defaultConfiguration(model, trimCode, at);
        for (const code of taps) {
          if (!config.ok) return;
          const r = applyChoice(model, config.config, code, at);
          if (r.ok) config = r;
        }
        if (!config.ok) return;
        const target = model.trims[k % model.trims.length].code;
        const moved = changeTrim(model, config.config, target, at);
        if (!moved.ok) throw new Error(moved.error.message);
        expect(moved.config.trimCode).toBe(target);
        expectValidConfig(model, moved.config, at);
      }),
      { numRuns: 200 },
    );
  }, SLOW);

  it('a price entry with a future effectiveFrom applies only from that instant', () => {
    fc.assert(
      fc.property(
        instant,
        fc.integer({ min: 1, max: 10 ** 7 }),
        fc.integer({ min: 0, max: 10 ** 9 }),
        fc.integer({ min: 0, max: 10 ** 9 }),
        (switchAt, deltaMs, oldFen, newFen) => {
          const prices: PriceEntry[] = [
            { amountFen: oldFen, effectiveFrom: '2025-01-01T00:00:00.000Z', effectiveTo: switchAt.toISOString() },
            { amountFen: newFen, effectiveFrom: switchAt.toISOString() },
          ];
          const t = switchAt.getTime();
          expect(priceAt(prices, new Date(t - deltaMs))?.amountFen).toBe(oldFen);
          expect(priceAt(prices, new Date(t - 1))?.amountFen).toBe(oldFen);
          expect(priceAt(prices, switchAt)?.amountFen).toBe(newFen);
          expect(priceAt(prices, new Date(t + deltaMs))?.amountFen).toBe(newFen);
          // Order of the entries does not matter.
          expect(priceAt([...prices].reverse(), switchAt)?.amountFen).toBe(newFen);
        },
      ),
    );
  });

  it('the total follows a scheduled trim price change exactly at its instant', () => {
    const afterLaunch = fc.date({ min: new Date('2026-01-01T00:00:01.000Z'), max: new Date('2030-01-01T00:00:00.000Z'), noInvalidDate: true });
    fc.assert(
      fc.property(afterLaunch, fc.integer({ min: 1, max: 10 ** 9 }), (switchAt, newFen) => {
        const m = testModel();
        const base = m.trims[0];
        const oldFen = base.prices[0].amountFen;
        base.prices = [
          { ...base.prices[0], effectiveTo: switchAt.toISOString() },
          { amountFen: newFen, effectiveFrom: switchAt.toISOString() },
        ];
        const before = resolveConfiguration(m, 'BASE', ['PAINT_RED'], new Date(switchAt.getTime() - 1));
        const after = resolveConfiguration(m, 'BASE', ['PAINT_RED'], switchAt);
        if (!before.ok || !after.ok) throw new Error('resolve failed');
        expect(after.config.totalFen - before.config.totalFen).toBe(newFen - oldFen);
      }),
    );
  });
});
