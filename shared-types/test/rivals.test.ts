import { describe, expect, it } from 'vitest';
import { diffTrimSpecs, ignoreUnpublished, isRivalCode, rivalAsTrim, rivalsFor, type ItemFeatures, type RivalCar } from '../src';

const none = { fuelLPer100km: null, torqueNm: null, batteryKwh: null, powerKw: null, accel0to100s: null, warranty: null, lengthMm: null, widthMm: null, heightMm: null, wheelbaseMm: null, drive: null } as const;
const rival = (code: string, over: Partial<RivalCar>): RivalCar => ({
  code,
  brand: '某品牌',
  name: code,
  trimName: '入门版',
  bodyType: 'suv',
  energyType: 'bev',
  priceFen: 20_000_000,
  seats: 5,
  rangeKm: 550,
  specs: { ...none, rangeKm: over.rangeKm ?? 550, seats: 5 },
  source: '厂商公开指导价',
  asOf: '2025-01',
  ...over,
});
const ours: ItemFeatures = { code: 'yuanshan-s5', name: '远山 S5', bodyType: 'suv', energyType: 'bev', priceFen: 18_980_000, seats: 5, rangeKm: 700 };

describe('competitor cars', () => {
  it('are offered for the same body type within a third of the price, most similar first', () => {
    const list = [
      rival('rival-near', { priceFen: 19_500_000, rangeKm: 650 }),
      rival('rival-far', { priceFen: 20_500_000, rangeKm: 400 }),
      rival('rival-dear', { priceFen: 26_350_000 }), // 1.39x
      rival('rival-cheap', { priceFen: 13_000_000 }), // 0.68x
      rival('rival-sedan', { bodyType: 'sedan', priceFen: 19_000_000 }),
    ];
    const got = rivalsFor(ours, list, 3);
    expect(got.map((m) => m.rival.code)).toEqual(['rival-near', 'rival-far']);
    // How ours differs: cheaper by ¥5,200, 50 km more range.
    expect(got[0].ours).toEqual([
      { key: 'price', delta: -520_000, text: '价格 -¥5,200' },
      { key: 'range', delta: 50, text: '续航 +50 km' },
    ]);
  });

  it('compare as a trim: their list price and only the published specs', () => {
    const r = rival('rival-x', { priceFen: 20_690_000, specs: { ...none, rangeKm: 555, seats: 5, lengthMm: 4828 } });
    const rows = diffTrimSpecs([rivalAsTrim(r)], { at: new Date('2026-12-07T00:00:00Z') });
    expect(rows.find((x) => x.key === 'price')!.display).toEqual(['¥206,900']);
    expect(rows.find((x) => x.key === 'lengthMm')!.display).toEqual(['4828 mm']);
    expect(rows.find((x) => x.key === 'powerKw')).toBeUndefined(); // nothing published in any column
  });

  it('a figure the rival does not publish is not a difference; our own nulls still are', () => {
    const rows = ignoreUnpublished(
      [
        { key: 'powerKw', label: '最大功率', values: [200, null], display: ['200 kW', '—'], differs: true },
        { key: 'rangeKm', label: '续航', values: [520, 555], display: ['520 km', '555 km'], differs: true },
        { key: 'fuelLPer100km', label: '油耗', values: [null, 1.2, null], display: ['—', '1.2 L/100km', '—'], differs: true },
      ],
      [false, true, true],
    );
    expect(rows.map((r) => r.differs)).toEqual([false, true, true]);
  });

  it('have codes that can never be one of our model codes', () => {
    expect(isRivalCode('rival-tesla-model-y')).toBe(true);
    expect(isRivalCode('yuanshan-s5')).toBe(false);
  });
});
