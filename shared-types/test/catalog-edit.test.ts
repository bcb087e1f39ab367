/** The catalog editor's checks (catalogEditProblems): what the console shows inline and the BFF enforces. */
import { describe, expect, it } from 'vitest';
import { catalogEditProblems, problemsOf } from '../src';
import { LINEUP } from '../../bff/src/seed/lineup';
import { NOW, testModel } from './configurator.fixture';

describe('catalogEditProblems', () => {
  it('finds nothing in consistent data (the fixture and the demo lineup)', () => {
    expect(catalogEditProblems(testModel(), NOW)).toEqual([]);
    for (const m of LINEUP) expect(catalogEditProblems(m, NOW), m.code).toEqual([]);
  });

  it('places a data problem on its option and field, in Chinese', () => {
    const m = testModel();
    m.options.find((o) => o.code === 'ACC_HITCH')!.requires = ['ACC_NOPE'];
    expect(problemsOf(catalogEditProblems(m, NOW), 'option', 'ACC_HITCH')).toEqual([
      { scope: 'option', code: 'ACC_HITCH', field: 'requires', kind: 'DATA', message: '引用了不存在的选装 ACC_NOPE' },
    ]);
  });

  it('says which price periods overlap on the trim', () => {
    const m = testModel();
    m.trims[0].prices = [
      { amountFen: 1, effectiveFrom: '2026-01-01T00:00:00.000Z' },
      { amountFen: 2, effectiveFrom: '2026-03-01T00:00:00.000Z' },
    ];
    expect(problemsOf(catalogEditProblems(m, NOW), 'trim', 'BASE')).toEqual([
      { scope: 'trim', code: 'BASE', field: 'prices', kind: 'DATA', message: '价格时段 1 与 2 重叠' },
    ]);
  });

  it('runs the engine: an option that excludes every paint can never be chosen (GROUP_CARDINALITY, per trim)', () => {
    const m = testModel();
    m.options.find((o) => o.code === 'PKG_NIGHT')!.excludes = m.options.filter((o) => o.group === 'paint').map((o) => o.code);
    const found = problemsOf(catalogEditProblems(m, NOW), 'option', 'PKG_NIGHT');
    expect(found.map((p) => [p.kind, p.field])).toEqual([
      ['GROUP_CARDINALITY', 'rules'],
      ['GROUP_CARDINALITY', 'rules'],
    ]);
    expect(found[0].message).toMatch(/^在「标准版」上无法选择：/);
  });

  it('runs the engine: a requirement that clashes with what the option itself brings (CONFLICT)', () => {
    const m = testModel();
    // The comfort package brings seat ventilation; make ventilation exclude the 18-inch wheel… and the
    // package require it: the data checks see no cycle, the engine cannot resolve it.
    m.options.find((o) => o.code === 'ACC_VENT')!.excludes = ['WHEEL_18'];
    m.options.find((o) => o.code === 'PKG_COMFORT')!.requires = ['WHEEL_18'];
    const kinds = catalogEditProblems(m, NOW).filter((p) => p.code === 'PKG_COMFORT').map((p) => p.kind);
    expect(kinds.length).toBeGreaterThan(0);
    expect(kinds.every((k) => k === 'CONFLICT' || k === 'DATA')).toBe(true);
    expect(kinds).toContain('CONFLICT');
  });

  it('does not count a price that starts later (a trim not on sale yet) as a problem', () => {
    const m = testModel();
    m.trims[0].prices = [{ amountFen: 1, effectiveFrom: '2030-01-01T00:00:00.000Z' }];
    expect(catalogEditProblems(m, NOW)).toEqual([]);
  });
});
