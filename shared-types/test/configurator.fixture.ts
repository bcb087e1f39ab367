/** A small hand-made model exercising every rule kind, shared by the configurator tests. */
import type { CatalogModel, CatalogOption, OptionGroupKind, PriceEntry, ResolvedConfig } from '../src';
import { priceFenAt } from '../src';
import { expect } from 'vitest';

export const LAUNCH = '2026-01-01T00:00:00.000Z';
export const SWITCH = '2027-01-01T00:00:00.000Z';
export const NOW = new Date('2026-06-01T00:00:00.000Z');
export const LATER = new Date('2027-06-01T00:00:00.000Z');

const y = (n: number) => n * 100;
const p = (yuan: number): PriceEntry[] => [{ amountFen: y(yuan), effectiveFrom: LAUNCH }];
const BOTH = ['BASE', 'TOP'];

function o(group: OptionGroupKind, code: string, name: string, yuan: number, availableOn = BOTH, extra: Partial<CatalogOption> = {}): CatalogOption {
  return { code, group, name, prices: p(yuan), availableOn, ...extra };
}

export function testModel(): CatalogModel {
  const specs = {
    rangeKm: 500, fuelLPer100km: null, powerKw: 150, torqueNm: 300, accel0to100s: 7.5, seats: 5,
    lengthMm: 4700, widthMm: 1900, heightMm: 1600, wheelbaseMm: 2800, batteryKwh: 70, drive: 'RWD' as const,
    warranty: '整车 5年/15万公里，三电 8年/16万公里',
  };
  return {
    code: 'test-car', name: '测试车', series: '测试', bodyType: 'suv', energyType: 'bev',
    tagline: '测试', featured: false, coverColor: '#123456', rangeKm: 600,
    trims: [
      { code: 'BASE', name: '标准版', prices: p(100_000), specs, defaults: ['PAINT_WHITE', 'WHEEL_18', 'INT_BLACK'] },
      {
        code: 'TOP', name: '旗舰版',
        prices: [
          { amountFen: y(150_000), effectiveFrom: LAUNCH, effectiveTo: SWITCH },
          { amountFen: y(140_000), effectiveFrom: SWITCH },
        ],
        specs: { ...specs, rangeKm: 600, powerKw: 300, drive: 'AWD' as const, accel0to100s: 4.5 },
        defaults: ['PAINT_WHITE', 'WHEEL_19', 'INT_BLACK'],
      },
    ],
    options: [
      o('paint', 'PAINT_WHITE', '白', 0),
      o('paint', 'PAINT_BLACK', '黑', 0),
      o('paint', 'PAINT_RED', '红', 3_000),
      o('paint', 'PAINT_SPECIAL', '专属紫', 10_000, ['TOP'], { requires: ['INT_CREAM'] }),
      o('paint', 'PAINT_GOLD', '金', 8_000, BOTH, { requiresAny: ['INT_TAN', 'INT_CREAM'] }),
      o('wheels', 'WHEEL_18', '18英寸', 0),
      o('wheels', 'WHEEL_19', '19英寸', 5_000),
      o('wheels', 'WHEEL_21', '21英寸', 12_000, ['TOP']),
      o('interior', 'INT_BLACK', '黑内饰', 0),
      o('interior', 'INT_TAN', '棕内饰', 3_000),
      o('interior', 'INT_CREAM', '奶白内饰', 6_000, ['TOP']),
      o('package', 'PKG_COMFORT', '舒适包', 8_000, BOTH, { includes: ['ACC_VENT'] }),
      o('package', 'PKG_PERF', '性能包', 15_000, ['TOP'], { requires: ['WHEEL_21'], excludes: ['WHEEL_18'] }),
      o('package', 'PKG_NIGHT', '暗夜包', 5_000, BOTH, { excludes: ['PAINT_WHITE'] }),
      o('accessory', 'ACC_VENT', '座椅通风', 3_000),
      o('accessory', 'ACC_WIRING', '拖车线束', 500),
      o('accessory', 'ACC_HITCH', '拖车钩', 4_000, BOTH, { requires: ['ACC_WIRING'] }),
      o('accessory', 'ACC_BIKE', '自行车架', 2_500, BOTH, { requires: ['ACC_HITCH'] }),
      o('accessory', 'ACC_BOX', '行李箱', 3_800, BOTH, { excludes: ['ACC_TENT'] }),
      o('accessory', 'ACC_TENT', '帐篷', 12_000),
      {
        code: 'ACC_PROMO', group: 'accessory', name: '限时附件', availableOn: BOTH,
        prices: [
          { amountFen: y(1_000), effectiveFrom: LAUNCH, effectiveTo: SWITCH },
          { amountFen: y(2_000), effectiveFrom: SWITCH },
        ],
      },
    ],
  };
}

/** Every broken invariant of a resolved configuration, as text (empty when valid). Plain code, no expect: it runs thousands of times in property tests. */
export function configProblems(model: CatalogModel, config: ResolvedConfig, at: Date): string[] {
  const out: string[] = [];
  const check = (cond: boolean, msg: string) => {
    if (!cond) out.push(msg);
  };
  const byCode = new Map(model.options.map((x) => [x.code, x]));
  const trim = model.trims.find((t) => t.code === config.trimCode);
  if (!trim) return [`unknown trim ${config.trimCode}`];
  const sel = new Set(config.selected);
  check(config.selected.join() === [...config.selected].sort().join(), 'selected is not sorted');
  check(sel.size === config.selected.length, 'selected has duplicates');
  for (const c of config.selected) if (!byCode.has(c)) return [`unknown option ${c}`];
  for (const g of ['paint', 'wheels', 'interior'] as const) {
    const n = config.selected.filter((c) => byCode.get(c)!.group === g).length;
    check(n === 1, `group ${g} holds ${n} options`);
  }
  for (const c of config.selected) {
    const opt = byCode.get(c)!;
    check(opt.availableOn.includes(trim.code), `${c} not offered on ${trim.code}`);
    for (const r of [...(opt.requires ?? []), ...(opt.includes ?? [])]) check(sel.has(r), `${c} needs ${r}`);
    if (opt.requiresAny?.length) check(opt.requiresAny.some((r) => sel.has(r)), `${c} needs any of ${opt.requiresAny}`);
    for (const x of opt.excludes ?? []) check(!sel.has(x), `${c} excludes ${x}`);
  }
  for (const c of config.explicit) check(sel.has(c), `explicit ${c} not selected`);
  // Line items: the trim, then exactly the selected options.
  const trimPrice = priceFenAt(trim.prices, at);
  const first = config.lineItems[0];
  check(first?.code === trim.code && first.group === 'trim' && first.priceFen === trimPrice, 'first line is not the trim at its price');
  check(config.lineItems.slice(1).map((l) => l.code).sort().join() === config.selected.join(), 'line items differ from selected');
  const sum = config.lineItems.reduce((s, l) => s + l.priceFen, 0);
  check(config.totalFen === sum, `total ${config.totalFen} != sum of lines ${sum}`);
  // total = trim price + sum of non-included option prices.
  let expected = trimPrice ?? NaN;
  for (const c of config.selected) {
    const includedBy = config.selected.find((q) => q !== c && byCode.get(q)!.includes?.includes(c));
    const line = config.lineItems.find((l) => l.code === c);
    if (!line) continue;
    if (includedBy) check(line.includedIn !== undefined && line.priceFen === 0, `${c} included by ${includedBy} but charged`);
    else {
      check(line.includedIn === undefined, `${c} marked included`);
      expected += priceFenAt(byCode.get(c)!.prices, at) ?? NaN;
    }
    check(Number.isSafeInteger(line.priceFen) && line.priceFen >= 0, `${c} price is not integer fen`);
    if (!config.explicit.includes(c)) check(line.addedBecause !== undefined, `${c} has no reason`);
  }
  check(config.totalFen === expected, `total ${config.totalFen} != trim + non-included options ${expected}`);
  return out;
}

export function expectValidConfig(model: CatalogModel, config: ResolvedConfig, at: Date): void {
  const problems = configProblems(model, config, at);
  if (problems.length) expect(problems, `${model.code}/${config.trimCode} [${config.selected.join(',')}]`).toEqual([]);
}
