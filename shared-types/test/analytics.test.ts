import { describe, expect, it } from 'vitest';
import {
  assignVariant,
  bucketOf,
  chiSquareSurvival,
  compareProportions,
  countFunnel,
  advanceFunnel,
  funnelRows,
  murmur3,
  normalCdf,
  normalQuantile,
  sampleRatioMismatch,
  sanitizeEventProperties,
  segmentKey,
  segmentKeys,
  shanghaiDay,
  shanghaiDaysInRange,
  type RawEvent,
} from '../src';

describe('bucketing', () => {
  it('is MurmurHash3 x86_32 (reference vectors)', () => {
    // Published test vectors of MurmurHash3_x86_32 (SMHasher / Wikipedia).
    expect(murmur3('', 0)).toBe(0);
    expect(murmur3('', 1)).toBe(0x514e28b7);
    expect(murmur3('hello', 0)).toBe(0x248bfa47);
    expect(murmur3('Hello, world!', 1234)).toBe(0xfaf6cdb3);
    expect(murmur3('The quick brown fox jumps over the lazy dog', 0x9747b28c)).toBe(0x2fa826cd);
  });

  it('is stable: same experiment and unit always give the same bucket and variant', () => {
    const variants = [{ key: 'control', weight: 50 }, { key: 'treatment', weight: 50 }];
    const first = Array.from({ length: 200 }, (_, i) => assignVariant('order-button', `anon-${i}`, variants));
    const again = Array.from({ length: 200 }, (_, i) => assignVariant('order-button', `anon-${i}`, variants));
    expect(again).toEqual(first);
    // Pinned values: a change of hash or key format would silently re-bucket every running experiment.
    expect(bucketOf('order-button', 'u:65a000000000000000000001')).toBeCloseTo(murmur3('order-button:u:65a000000000000000000001') / 2 ** 32, 12);
    expect(assignVariant('exp', 'unit-中文', variants)).toBe(assignVariant('exp', 'unit-中文', [...variants]));
  });

  it('splits 100k units within 1% of the configured weights, independently per experiment', () => {
    const variants = [{ key: 'a', weight: 50 }, { key: 'b', weight: 30 }, { key: 'c', weight: 20 }];
    const n = 100_000;
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
    let sameInOther = 0;
    for (let i = 0; i < n; i++) {
      const v = assignVariant('exp-1', `anon-${i}`, variants);
      counts[v]++;
      if (assignVariant('exp-2', `anon-${i}`, variants) === v) sameInOther++;
    }
    expect(Math.abs(counts.a / n - 0.5)).toBeLessThan(0.01);
    expect(Math.abs(counts.b / n - 0.3)).toBeLessThan(0.01);
    expect(Math.abs(counts.c / n - 0.2)).toBeLessThan(0.01);
    // A unit's variant in one experiment says nothing about another: 0.5² + 0.3² + 0.2² = 38% agree by chance.
    expect(Math.abs(sameInOther / n - 0.38)).toBeLessThan(0.01);
    // And the split passes its own SRM check.
    expect(sampleRatioMismatch([counts.a, counts.b, counts.c], [50, 30, 20]).mismatch).toBe(false);
  });

  it('refuses experiments without usable variants', () => {
    expect(() => assignVariant('e', 'u', [])).toThrow();
    expect(() => assignVariant('e', 'u', [{ key: 'a', weight: 0 }])).toThrow();
  });
});

describe('statistics against published values', () => {
  it('normal distribution (standard normal table)', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1)).toBeCloseTo(0.8413447, 6);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-2.575829)).toBeCloseTo(0.005, 6);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.95)).toBeCloseTo(1.644854, 5);
    expect(normalQuantile(0.005)).toBeCloseTo(-2.575829, 5);
  });

  it('chi-square critical values (df 1..4)', () => {
    expect(chiSquareSurvival(3.841459, 1)).toBeCloseTo(0.05, 6);
    expect(chiSquareSurvival(10.827566, 1)).toBeCloseTo(0.001, 6);
    expect(chiSquareSurvival(5.991465, 2)).toBeCloseTo(0.05, 6);
    expect(chiSquareSurvival(7.814728, 3)).toBeCloseTo(0.05, 6);
    expect(chiSquareSurvival(13.276704, 4)).toBeCloseTo(0.01, 6);
    expect(chiSquareSurvival(0.454936, 1)).toBeCloseTo(0.5, 5);
  });

  it('two-proportion z-test and CI: 200/1000 vs 250/1000 (statsmodels proportions_ztest: z 2.6774, p 0.00742)', () => {
    const r = compareProportions({ n: 1000, x: 200 }, { n: 1000, x: 250 });
    expect(r.z!).toBeCloseTo(2.677398, 5);
    expect(r.pValue!).toBeCloseTo(0.0074196, 6);
    expect(r.ci![0]).toBeCloseTo(0.0134636, 6);
    expect(r.ci![1]).toBeCloseTo(0.0865364, 6);
    expect(r.lift!).toBeCloseTo(0.25, 10);
    expect(r.significant).toBe(true);
  });

  it('no difference is not significant; no data gives no statistic', () => {
    const same = compareProportions({ n: 500, x: 50 }, { n: 520, x: 52 });
    expect(same.z!).toBeCloseTo(0, 10);
    expect(same.pValue!).toBeCloseTo(1, 6);
    expect(same.significant).toBe(false);
    expect(compareProportions({ n: 0, x: 0 }, { n: 10, x: 1 })).toMatchObject({ z: null, pValue: null, ci: null, significant: false });
    expect(compareProportions({ n: 10, x: 0 }, { n: 10, x: 0 })).toMatchObject({ z: 0, pValue: 1, significant: false });
  });

  it('SRM: 50/50 with 10,000 vs 10,600 is a mismatch (chi² 17.48), 10,000 vs 10,100 is not', () => {
    const bad = sampleRatioMismatch([10_000, 10_600], [1, 1]);
    expect(bad.chiSquare).toBeCloseTo(17.4757, 3);
    expect(bad.pValue).toBeLessThan(0.001);
    expect(bad.mismatch).toBe(true);
    const ok = sampleRatioMismatch([10_000, 10_100], [1, 1]);
    expect(ok.chiSquare).toBeCloseTo(0.49751, 4);
    expect(ok.pValue).toBeCloseTo(0.48057, 4);
    expect(ok.mismatch).toBe(false);
    expect(sampleRatioMismatch([0, 0], [1, 1])).toMatchObject({ chiSquare: 0, pValue: 1, mismatch: false });
  });
});

describe('funnels', () => {
  const steps = ['view_model', 'configure', 'open_finance', 'order_created', 'pay_success'];
  const seg = { platform: 'weapp', model: 'S5', city: '上海' };
  const at = (h: number) => new Date(Date.UTC(2026, 10, 27, h)).toISOString(); // 2026-11-27 (h+8 Shanghai)

  it('counts ordered progress per unit, by cohort day and segment', () => {
    const events: RawEvent[] = [
      // u1 goes all the way; repeated and out-of-order events do not count twice.
      ...steps.map((name, i) => ({ unit: 'u1', name, at: at(1 + i), segment: seg })),
      { unit: 'u1', name: 'configure', at: at(9), segment: seg },
      // u2 skips configure: finance does not count until configure happened.
      { unit: 'u2', name: 'view_model', at: at(1), segment: { ...seg, platform: 'h5' } },
      { unit: 'u2', name: 'open_finance', at: at(2), segment: { ...seg, platform: 'h5' } },
      { unit: 'u2', name: 'configure', at: at(3), segment: { ...seg, platform: 'h5' } },
      // u3 never enters (no view_model).
      { unit: 'u3', name: 'configure', at: at(1), segment: seg },
      // u4 enters the next Shanghai day (17:00 UTC = 01:00 +8).
      { unit: 'u4', name: 'view_model', at: at(17), segment: seg },
    ];
    expect(countFunnel(events, steps, { from: '2026-11-27', to: '2026-11-28' })).toEqual([3, 2, 1, 1, 1]);
    expect(countFunnel(events, steps, { from: '2026-11-27', to: '2026-11-27' })).toEqual([2, 2, 1, 1, 1]);
    expect(countFunnel(events, steps, { from: '2026-11-27', to: '2026-11-28' }, { platform: 'h5' })).toEqual([1, 1, 0, 0, 0]);
    expect(countFunnel(events, steps, { from: '2026-11-27', to: '2026-11-28' }, { city: '上海', model: 'S5' })).toEqual([3, 2, 1, 1, 1]);
  });

  it('an optional step can be skipped: the buyer who pays cash still counts as ordered and paid', () => {
    const withOptional = ['view_model', 'configure', 'open_finance?', 'order_created', 'pay_success'];
    const events: RawEvent[] = [
      // u1 pays without looking at finance; u2 looks at finance and stops; u3 skips configure (required).
      ...['view_model', 'configure', 'order_created', 'pay_success'].map((name, i) => ({ unit: 'u1', name, at: at(1 + i), segment: seg })),
      ...['view_model', 'configure', 'open_finance'].map((name, i) => ({ unit: 'u2', name, at: at(1 + i), segment: seg })),
      ...['view_model', 'order_created', 'pay_success'].map((name, i) => ({ unit: 'u3', name, at: at(1 + i), segment: seg })),
    ];
    const range = { from: '2026-11-27', to: '2026-11-27' };
    expect(countFunnel(events, withOptional, range)).toEqual([3, 2, 1, 1, 1]);
    // With finance required, the cash buyer is lost at 金融方案 (the bug this fixes).
    expect(countFunnel(events, steps, range)).toEqual([3, 2, 1, 0, 0]);
    expect(advanceFunnel(withOptional, 2, 'order_created')).toBe(3);
    expect(advanceFunnel(withOptional, 2, 'open_finance')).toBe(2);
    expect(advanceFunnel(withOptional, 1, 'order_created')).toBeNull();
    expect(advanceFunnel(withOptional, 0, 'configure')).toBeNull();
    // Rows: the step after the optional one converts against the last required step.
    const rows = funnelRows(withOptional, [100, 50, 10, 40, 20]);
    expect(rows.map((r) => r.name)).toEqual(['view_model', 'configure', 'open_finance', 'order_created', 'pay_success']);
    expect(rows.map((r) => r.optional)).toEqual([false, false, true, false, false]);
    expect(rows[2]).toMatchObject({ conversion: 0.2, dropOff: 40 });
    expect(rows[3]).toMatchObject({ conversion: 0.8, dropOff: 10 });
    expect(rows[4]).toMatchObject({ conversion: 0.5, dropOff: 20 });
  });

  it('step conversion and drop-off', () => {
    const rows = funnelRows(['a', 'b', 'c'], [200, 50, 0]);
    expect(rows.map((r) => r.conversion)).toEqual([1, 0.25, 0]);
    expect(rows.map((r) => r.overall)).toEqual([1, 0.25, 0]);
    expect(rows.map((r) => r.dropOff)).toEqual([0, 150, 50]);
    expect(rows.map((r) => r.dropOffRate)).toEqual([0, 0.75, 1]);
    expect(funnelRows(['a', 'b'], [0, 0]).map((r) => r.conversion)).toEqual([0, 0]);
  });

  it('segment keys, Shanghai days', () => {
    expect(segmentKeys(seg)).toHaveLength(8);
    expect(segmentKeys(seg)).toContain(segmentKey({}));
    expect(segmentKeys(seg)).toContain(segmentKey({ city: '上海' }));
    expect(shanghaiDay('2026-11-27T15:59:59Z')).toBe('2026-11-27');
    expect(shanghaiDay('2026-11-27T16:00:00Z')).toBe('2026-11-28');
    expect(shanghaiDaysInRange('2026-11-30', '2026-12-02')).toEqual(['2026-11-30', '2026-12-01', '2026-12-02']);
  });
});

describe('event properties', () => {
  it('drops phone/ID numbers, bad keys and non-scalars; cuts long strings', () => {
    const { properties, dropped } = sanitizeEventProperties({
      modelCode: 'yuanshan-s5',
      price: 15980000,
      ok: true,
      none: null,
      note: '电话 13812345678',
      phone: 13812345678,
      id: '11010519491231002X',
      'bad key': 'x',
      nested: { a: 1 } as unknown as string,
      nan: Number.NaN,
      long: 'x'.repeat(300),
      skipped: undefined,
    });
    expect(properties).toEqual({ modelCode: 'yuanshan-s5', price: 15980000, ok: true, none: null, long: 'x'.repeat(200) });
    expect(dropped.sort()).toEqual(['bad key', 'id', 'nan', 'nested', 'note', 'phone'].sort());
    expect(Object.keys(sanitizeEventProperties(Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, i]))).properties)).toHaveLength(20);
  });
});
