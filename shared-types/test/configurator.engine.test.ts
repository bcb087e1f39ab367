import { describe, expect, it } from 'vitest';
import {
  applyChoice, changeTrim, choiceImpactFen, defaultConfiguration, diffTrimSpecs, modelSummaryFromCatalog, nextPriceChange,
  optionDeltaFen, priceAt, resolveConfiguration, validateCatalogModel,
  type CatalogModel, type ConfigResult, type ResolvedConfig,
} from '../src';
import { expectValidConfig, LATER, NOW, SWITCH, testModel } from './configurator.fixture';

const M = testModel();

function ok(r: ConfigResult): ResolvedConfig {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message}`);
  return r.config;
}
function err(r: ConfigResult) {
  if (r.ok) throw new Error(`expected an error, got ${r.config.selected.join(',')}`);
  return r.error;
}
const resolve = (trim: string, sel: string[], at = NOW) => resolveConfiguration(M, trim, sel, at);
const line = (c: ResolvedConfig, code: string) => c.lineItems.find((l) => l.code === code);
const tap = (c: ResolvedConfig, code: string, at = NOW) => ok(applyChoice(M, c, code, at));
const tapAll = (trim: string, codes: string[]) => codes.reduce((c, code) => tap(c, code), ok(defaultConfiguration(M, trim, NOW)));

describe('priceAt / price scheduling', () => {
  const prices = M.trims[1].prices;
  it('returns the entry in force; effectiveTo is exclusive', () => {
    expect(priceAt(prices, NOW)?.amountFen).toBe(15_000_000);
    expect(priceAt(prices, new Date(Date.parse(SWITCH) - 1))?.amountFen).toBe(15_000_000);
    expect(priceAt(prices, new Date(SWITCH))?.amountFen).toBe(14_000_000);
    expect(priceAt(prices, LATER)?.amountFen).toBe(14_000_000);
  });
  it('returns null before the first entry', () => {
    expect(priceAt(prices, new Date('2025-12-31T23:59:59.999Z'))).toBeNull();
  });
  it('a future entry applies only from its instant, in totals too', () => {
    expect(ok(resolve('TOP', [])).totalFen).toBe(15_000_000 + 500_000);
    expect(ok(resolve('TOP', [], new Date(SWITCH))).totalFen).toBe(14_000_000 + 500_000);
    expect(ok(resolve('BASE', ['ACC_PROMO'], new Date(Date.parse(SWITCH) - 1))).totalFen).toBe(10_000_000 + 100_000);
    expect(ok(resolve('BASE', ['ACC_PROMO'], new Date(SWITCH))).totalFen).toBe(10_000_000 + 200_000);
  });
  it('nextPriceChange finds the scheduled entry', () => {
    expect(nextPriceChange(prices, NOW)?.amountFen).toBe(14_000_000);
    expect(nextPriceChange(prices, LATER)).toBeNull();
  });
  it('NO_PRICE before launch', () => {
    const e = err(resolve('BASE', [], new Date('2025-06-01T00:00:00Z')));
    expect(e.code).toBe('NO_PRICE');
    expect(e.message).toContain('标准版');
  });
});

describe('resolveConfiguration', () => {
  it('fills every required group with the trim default', () => {
    const c = ok(resolve('BASE', []));
    expect(c.selected).toEqual(['INT_BLACK', 'PAINT_WHITE', 'WHEEL_18']);
    expect(c.totalFen).toBe(10_000_000);
    expect(c.changes.added.map((a) => [a.code, a.reason, a.by])).toEqual([
      ['PAINT_WHITE', 'default', 'BASE'], ['WHEEL_18', 'default', 'BASE'], ['INT_BLACK', 'default', 'BASE'],
    ]);
    expect(c.lineItems.map((l) => l.group)).toEqual(['trim', 'paint', 'wheels', 'interior']);
    expectValidConfig(M, c, NOW);
  });
  it('keeps explicit choices and prices them', () => {
    const c = ok(resolve('BASE', ['PAINT_RED', 'WHEEL_19']));
    expect(c.selected).toEqual(['INT_BLACK', 'PAINT_RED', 'WHEEL_19']);
    expect(c.totalFen).toBe(10_000_000 + 300_000 + 500_000);
    expect(line(c, 'PAINT_RED')?.addedBecause).toBeUndefined();
  });
  it('adds requirements transitively, with the reason', () => {
    const c = ok(resolve('BASE', ['ACC_BIKE']));
    expect(c.selected).toContain('ACC_HITCH');
    expect(c.selected).toContain('ACC_WIRING');
    expect(line(c, 'ACC_HITCH')?.addedBecause).toEqual({ by: 'ACC_BIKE', reason: 'requires' });
    expect(line(c, 'ACC_WIRING')?.addedBecause).toEqual({ by: 'ACC_HITCH', reason: 'requires' });
    expect(c.totalFen).toBe(10_000_000 + 250_000 + 400_000 + 50_000);
    expect(c.changes.added.find((a) => a.code === 'ACC_HITCH')?.message).toBe('「自行车架」需要「拖车钩」，已自动添加');
  });
  it('a requirement in a single-choice group fills that group instead of the default', () => {
    const c = ok(resolve('TOP', ['PKG_PERF']));
    expect(c.selected).toContain('WHEEL_21');
    expect(c.selected).not.toContain('WHEEL_19');
    expect(line(c, 'WHEEL_21')?.addedBecause).toEqual({ by: 'PKG_PERF', reason: 'requires' });
  });
  it('package contents cost 0 and are marked includedIn, even when also chosen', () => {
    const c = ok(resolve('BASE', ['PKG_COMFORT']));
    expect(line(c, 'ACC_VENT')).toMatchObject({ priceFen: 0, includedIn: 'PKG_COMFORT', addedBecause: { by: 'PKG_COMFORT', reason: 'included' } });
    expect(c.totalFen).toBe(10_000_000 + 800_000);
    const both = ok(resolve('BASE', ['ACC_VENT', 'PKG_COMFORT']));
    expect(both.totalFen).toBe(10_000_000 + 800_000);
    expect(line(both, 'ACC_VENT')).toMatchObject({ priceFen: 0, includedIn: 'PKG_COMFORT' });
    expect(line(both, 'ACC_VENT')?.addedBecause).toBeUndefined();
  });
  it('requiresAny adds the first offered candidate, or accepts one already chosen', () => {
    expect(ok(resolve('BASE', ['PAINT_GOLD'])).selected).toContain('INT_TAN');
    expect(ok(resolve('TOP', ['PAINT_GOLD'])).selected).toContain('INT_TAN');
    const cream = ok(resolve('TOP', ['PAINT_GOLD', 'INT_CREAM']));
    expect(cream.selected).toContain('INT_CREAM');
    expect(cream.selected).not.toContain('INT_TAN');
  });
  it('falls back from an excluded default to the next offered option', () => {
    const c = ok(resolve('BASE', ['PKG_NIGHT']));
    expect(c.selected).toContain('PAINT_BLACK');
    expect(line(c, 'PAINT_BLACK')?.addedBecause).toEqual({ by: 'BASE', reason: 'default' });
  });
  it('is independent of the order of the choices', () => {
    const a = ok(resolve('TOP', ['ACC_BIKE', 'PKG_COMFORT', 'PAINT_GOLD', 'PKG_PERF']));
    const b = ok(resolve('TOP', ['PKG_PERF', 'PAINT_GOLD', 'PKG_COMFORT', 'ACC_BIKE']));
    expect(b.selected).toEqual(a.selected);
    expect(b.lineItems).toEqual(a.lineItems);
    expect(b.totalFen).toBe(a.totalFen);
  });

  describe('errors', () => {
    it('UNKNOWN_TRIM', () => expect(err(resolve('NOPE', [])).code).toBe('UNKNOWN_TRIM'));
    it('UNKNOWN_OPTION', () => {
      const e = err(resolve('BASE', ['NOPE']));
      expect(e.code).toBe('UNKNOWN_OPTION');
      expect(e.details.codes).toEqual(['NOPE']);
    });
    it('OPTION_NOT_AVAILABLE', () => {
      const e = err(resolve('BASE', ['WHEEL_21']));
      expect(e.code).toBe('OPTION_NOT_AVAILABLE');
      expect(e.message).toBe('「21英寸」不适用于「标准版」');
    });
    it('GROUP_CARDINALITY for two options of a single-choice group', () => {
      const e = err(resolve('BASE', ['PAINT_RED', 'PAINT_BLACK']));
      expect(e.code).toBe('GROUP_CARDINALITY');
      expect(e.message).toContain('车身颜色只能选择一项');
    });
    it('CONFLICT names both explicit options', () => {
      const e = err(resolve('BASE', ['ACC_BOX', 'ACC_TENT']));
      expect(e.code).toBe('CONFLICT');
      expect(e.message).toBe('「行李箱」与「帐篷」不能同时选择');
      expect(e.details.codes).toEqual(['ACC_BOX', 'ACC_TENT']);
    });
    it('CONFLICT when an exclusion holds in the reverse direction', () => {
      expect(err(resolve('BASE', ['PAINT_WHITE', 'PKG_NIGHT'])).code).toBe('CONFLICT');
    });
    it('CONFLICT when a requirement clashes with an explicit choice of the same group', () => {
      const e = err(resolve('TOP', ['PKG_PERF', 'WHEEL_19']));
      expect(e.code).toBe('CONFLICT');
      expect(e.message).toContain('「性能包」需要「21英寸」');
      expect(e.message).toContain('「19英寸」');
    });
    it('REQUIREMENT_UNMET when none of requiresAny can be had', () => {
      const e = err(resolve('BASE', ['PAINT_GOLD', 'INT_BLACK']));
      expect(e.code).toBe('REQUIREMENT_UNMET');
      expect(e.message).toContain('「金」需要搭配「棕内饰」或「奶白内饰」');
    });
    it('REQUIREMENT_UNMET when a requirement is not offered on the trim', () => {
      const broken: CatalogModel = { ...M, options: M.options.map((o) => (o.code === 'PKG_NIGHT' ? { ...o, requires: ['WHEEL_21'] } : o)) };
      const e = err(resolveConfiguration(broken, 'BASE', ['PKG_NIGHT'], NOW));
      expect(e.code).toBe('REQUIREMENT_UNMET');
      expect(e.message).toContain('「标准版」不提供');
    });
  });
});

describe('applyChoice', () => {
  it('replaces the option of a single-choice group and explains it', () => {
    const c = tapAll('BASE', ['PAINT_RED']);
    expect(c.selected).toContain('PAINT_RED');
    expect(c.selected).not.toContain('PAINT_WHITE');
    expect(c.changes.added).toEqual([{ code: 'PAINT_RED', reason: 'selected', by: 'PAINT_RED', message: '已选择「红」' }]);
    expect(c.changes.removed).toEqual([{ code: 'PAINT_WHITE', reason: 'replaced', by: 'PAINT_RED', message: '车身颜色已由「白」更换为「红」' }]);
    const again = tap(c, 'PAINT_BLACK');
    expect(again.explicit).toEqual(['PAINT_BLACK']);
    expect(again.changes.removed.map((r) => [r.code, r.reason])).toEqual([['PAINT_RED', 'replaced']]);
  });
  it('adds requirements and reports them', () => {
    const c = tapAll('TOP', ['PKG_PERF']);
    expect(c.changes.added.map((a) => [a.code, a.reason, a.by])).toEqual([
      ['PKG_PERF', 'selected', 'PKG_PERF'], ['WHEEL_21', 'requires', 'PKG_PERF'],
    ]);
    expect(c.changes.removed.map((r) => [r.code, r.reason, r.by])).toEqual([['WHEEL_19', 'replaced', 'WHEEL_21']]);
    expect(c.totalFen).toBe(15_000_000 + 1_500_000 + 1_200_000);
  });
  it('an excluding choice removes the excluded option, with the reason', () => {
    const c = tapAll('BASE', ['PAINT_WHITE', 'PKG_NIGHT']);
    expect(c.selected).not.toContain('PAINT_WHITE');
    expect(c.changes.removed).toEqual([
      { code: 'PAINT_WHITE', reason: 'excluded', by: 'PKG_NIGHT', message: '「暗夜包」与「白」不能同时选择，已移除「白」' },
    ]);
    expect(c.changes.added.map((a) => [a.code, a.reason])).toEqual([['PKG_NIGHT', 'selected'], ['PAINT_BLACK', 'default']]);
    const tent = tapAll('BASE', ['ACC_BOX', 'ACC_TENT']);
    expect(tent.changes.removed.map((r) => [r.code, r.reason, r.by])).toEqual([['ACC_BOX', 'excluded', 'ACC_TENT']]);
  });
  it('a later choice wins over an earlier package whose requirement it displaces', () => {
    const c = tapAll('TOP', ['PKG_PERF', 'WHEEL_18']);
    expect(c.selected).toContain('WHEEL_18');
    expect(c.selected).not.toContain('PKG_PERF');
    expect(c.changes.removed.map((r) => [r.code, r.reason, r.by])).toEqual([
      ['WHEEL_21', 'replaced', 'WHEEL_18'], ['PKG_PERF', 'excluded', 'WHEEL_18'],
    ]);
    const d = tapAll('TOP', ['PKG_PERF', 'WHEEL_19']);
    expect(d.selected).not.toContain('PKG_PERF');
    const perf = d.changes.removed.find((r) => r.code === 'PKG_PERF')!;
    expect(perf.reason).toBe('conflict');
    expect(perf.by).toBe('WHEEL_19');
    expect(perf.message).toContain('「性能包」需要「21英寸」');
  });
  it('choosing a paint that needs another interior swaps the interior', () => {
    const c = tapAll('TOP', ['INT_BLACK', 'PAINT_SPECIAL']);
    expect(c.selected).toEqual(expect.arrayContaining(['PAINT_SPECIAL', 'INT_CREAM']));
    expect(c.changes.removed.map((r) => [r.code, r.reason])).toEqual(expect.arrayContaining([['INT_BLACK', 'replaced']]));
    expect(c.explicit).toEqual(['PAINT_SPECIAL']);
  });
  it('deselecting a package removes what only it brought', () => {
    const withPkg = tapAll('BASE', ['PKG_COMFORT']);
    expect(withPkg.selected).toContain('ACC_VENT');
    const without = tap(withPkg, 'PKG_COMFORT');
    expect(without.selected).not.toContain('ACC_VENT');
    expect(without.changes.removed.map((r) => [r.code, r.reason, r.by])).toEqual([
      ['PKG_COMFORT', 'deselected', 'PKG_COMFORT'], ['ACC_VENT', 'orphaned', 'PKG_COMFORT'],
    ]);
    expect(without.totalFen).toBe(10_000_000);
    // Chosen on its own as well: it stays, and now costs its own price.
    const kept = tap(tapAll('BASE', ['ACC_VENT', 'PKG_COMFORT']), 'PKG_COMFORT');
    expect(line(kept, 'ACC_VENT')).toMatchObject({ priceFen: 300_000 });
    expect(line(kept, 'ACC_VENT')?.includedIn).toBeUndefined();
  });
  it('deselecting something others need removes them too', () => {
    const c = tap(tapAll('BASE', ['ACC_BIKE']), 'ACC_HITCH');
    expect(c.selected.filter((s) => s.startsWith('ACC_'))).toEqual([]);
    expect(c.changes.removed.map((r) => [r.code, r.reason])).toEqual([
      ['ACC_WIRING', 'orphaned'], ['ACC_HITCH', 'deselected'], ['ACC_BIKE', 'dependent'],
    ]);
  });
  it('tapping the current option of a single-choice group changes nothing', () => {
    const c = tapAll('BASE', ['PAINT_WHITE']);
    expect(c.selected).toEqual(['INT_BLACK', 'PAINT_WHITE', 'WHEEL_18']);
    expect(c.changes).toEqual({ added: [], removed: [] });
    expect(c.explicit).toEqual(['PAINT_WHITE']);
  });
  it('rejects unknown and unavailable options', () => {
    const base = ok(defaultConfiguration(M, 'BASE', NOW));
    expect(err(applyChoice(M, base, 'NOPE', NOW)).code).toBe('UNKNOWN_OPTION');
    expect(err(applyChoice(M, base, 'PKG_PERF', NOW)).code).toBe('OPTION_NOT_AVAILABLE');
  });
});

describe('changeTrim', () => {
  it('carries over what the new trim offers and explains the rest', () => {
    const top = tapAll('TOP', ['PKG_PERF', 'PAINT_RED', 'ACC_TENT']);
    const base = ok(changeTrim(M, top, 'BASE', NOW));
    expect(base.trimCode).toBe('BASE');
    expect(base.selected).toEqual(['ACC_TENT', 'INT_BLACK', 'PAINT_RED', 'WHEEL_18']);
    expect(base.changes.removed.map((r) => [r.code, r.reason])).toEqual([
      ['WHEEL_21', 'replaced'], ['PKG_PERF', 'unavailable'],
    ]);
    expectValidConfig(M, base, NOW);
  });
});

describe('optionDeltaFen / choiceImpactFen', () => {
  const base = () => tapAll('BASE', ['PAINT_RED', 'WHEEL_19']);
  it('single-choice groups are relative to the current choice', () => {
    expect(optionDeltaFen(M, base(), 'PAINT_WHITE', NOW)).toBe(-300_000);
    expect(optionDeltaFen(M, base(), 'PAINT_RED', NOW)).toBe(0);
    expect(optionDeltaFen(M, base(), 'PAINT_GOLD', NOW)).toBe(500_000);
    expect(optionDeltaFen(M, base(), 'WHEEL_18', NOW)).toBe(-500_000);
  });
  it('multi-choice options show their price, 0 when a chosen package includes them', () => {
    expect(optionDeltaFen(M, base(), 'ACC_VENT', NOW)).toBe(300_000);
    expect(optionDeltaFen(M, tap(base(), 'PKG_COMFORT'), 'ACC_VENT', NOW)).toBe(0);
    expect(optionDeltaFen(M, base(), 'WHEEL_21', NOW)).toBeNull();
    expect(optionDeltaFen(M, base(), 'NOPE', NOW)).toBeNull();
  });
  it('choiceImpactFen counts side effects', () => {
    expect(choiceImpactFen(M, base(), 'ACC_BIKE', NOW)).toBe(250_000 + 400_000 + 50_000);
    expect(choiceImpactFen(M, base(), 'PAINT_GOLD', NOW)).toBe(500_000 + 300_000); // + INT_TAN
  });
});

describe('diffTrimSpecs', () => {
  it('lists rows with Chinese labels and flags differences', () => {
    const rows = diffTrimSpecs(M.trims, { at: NOW });
    expect(rows[0]).toMatchObject({ key: 'price', label: '厂商指导价', values: [10_000_000, 15_000_000], display: ['¥100,000', '¥150,000'], differs: true });
    expect(rows.find((r) => r.key === 'rangeKm')).toMatchObject({ label: 'CLTC 纯电续航', display: ['500 km', '600 km'], differs: true });
    expect(rows.find((r) => r.key === 'seats')).toMatchObject({ display: ['5 座', '5 座'], differs: false });
    expect(rows.find((r) => r.key === 'drive')?.display).toEqual(['后驱', '四驱']);
    expect(rows.find((r) => r.key === 'fuelLPer100km')).toBeUndefined(); // null on every trim
    expect(diffTrimSpecs(M.trims).some((r) => r.key === 'price')).toBe(false);
  });
});

describe('modelSummaryFromCatalog', () => {
  it('derives starting price in force, max seats and max range', () => {
    expect(modelSummaryFromCatalog(M, NOW)).toEqual({ startingPriceFen: 10_000_000, seats: 5, rangeKm: 600 });
    const cheapTop: CatalogModel = { ...M, trims: [M.trims[1]] };
    expect(modelSummaryFromCatalog(cheapTop, NOW).startingPriceFen).toBe(15_000_000);
    expect(modelSummaryFromCatalog(cheapTop, LATER).startingPriceFen).toBe(14_000_000);
    expect(modelSummaryFromCatalog(M, new Date('2020-01-01T00:00:00Z')).startingPriceFen).toBeNull();
  });
});

describe('validateCatalogModel', () => {
  const edit = (f: (m: CatalogModel) => void) => {
    const m = JSON.parse(JSON.stringify(testModel())) as CatalogModel;
    f(m);
    return validateCatalogModel(m);
  };
  const opt = (m: CatalogModel, code: string) => m.options.find((o) => o.code === code)!;
  it('accepts the fixture', () => expect(validateCatalogModel(M)).toEqual([]));
  it('reports dangling references', () => {
    expect(edit((m) => { opt(m, 'PKG_COMFORT').includes = ['ACC_GHOST']; })).toContain('options[PKG_COMFORT].includes: unknown option ACC_GHOST');
    expect(edit((m) => { opt(m, 'ACC_BIKE').requires = ['X']; })).toContain('options[ACC_BIKE].requires: unknown option X');
    expect(edit((m) => { opt(m, 'ACC_BOX').excludes = ['Y']; })).toContain('options[ACC_BOX].excludes: unknown option Y');
    expect(edit((m) => { m.trims[0].defaults[0] = 'Z'; })).toEqual(expect.arrayContaining(['trims[BASE].defaults: unknown option Z', 'trims[BASE].defaults: no default for paint']));
    expect(edit((m) => { opt(m, 'ACC_TENT').availableOn = ['MID']; })).toContain('options[ACC_TENT].availableOn: unknown trim MID');
  });
  it('reports defaults not offered on the trim', () => {
    expect(edit((m) => { m.trims[0].defaults[1] = 'WHEEL_21'; })).toContain('trims[BASE].defaults: WHEEL_21 is not offered on this trim');
  });
  it('reports a required group with no option on a trim', () => {
    const problems = edit((m) => { m.options = m.options.filter((o) => o.group !== 'interior' || o.code === 'INT_CREAM'); opt(m, 'PAINT_GOLD').requiresAny = ['INT_CREAM']; });
    expect(problems).toContain('trims[BASE]: no interior option offered on this trim');
  });
  it('reports overlapping price periods and non-integer fen', () => {
    expect(edit((m) => { m.trims[1].prices[1].effectiveFrom = '2026-12-01T00:00:00.000Z'; })).toContain('trims[TOP].prices: price periods [0] and [1] overlap');
    expect(edit((m) => { opt(m, 'PAINT_RED').prices[0].amountFen = 300_000.5; })).toContain('options[PAINT_RED].prices[0].amountFen: not a non-negative integer amount of fen: 300000.5');
    expect(edit((m) => { opt(m, 'PAINT_RED').prices = []; })).toContain('options[PAINT_RED].prices: no price entries');
  });
  it('reports rules that cannot be met on a trim', () => {
    expect(edit((m) => { opt(m, 'PKG_PERF').availableOn = ['BASE', 'TOP']; })).toContain('options[PKG_PERF]: needs WHEEL_21 (21英寸), which trim BASE does not offer');
  });
  it('reports a wrong rangeKm summary and duplicate codes', () => {
    expect(edit((m) => { m.rangeKm = 700; })).toContain("rangeKm: 700 differs from the trims' maximum 600");
    expect(edit((m) => { m.options.push({ ...m.options[0] }); })).toContain('options[PAINT_WHITE]: duplicate option code');
  });
});
