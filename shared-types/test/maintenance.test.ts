import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  addMonths,
  DEFAULT_SERVICE_PLANS,
  describePlan,
  estimatePace,
  predictBattery,
  predictService,
  predictTyres,
  predictVehicleHealth,
  servicePlanFor,
  shanghaiDate,
  type UsageReport,
  type VehicleFacts,
} from '../src';

const DAY = 86_400_000;
const BEV: VehicleFacts = { energyType: 'bev', plan: DEFAULT_SERVICE_PLANS.bev, deliveredAt: '2026-03-01T02:00:00Z' };
/** Weekly reports at a steady pace from `from`, `days` long. */
function weekly(from: string, days: number, kmPerDay: number, extra: (i: number) => Partial<UsageReport> = () => ({}), startKm = 0): UsageReport[] {
  const out: UsageReport[] = [];
  for (let d = 7, i = 0; d <= days; d += 7, i++) {
    out.push({ at: new Date(Date.parse(from) + d * DAY).toISOString(), odometerKm: startKm + kmPerDay * d, ...extra(i) });
  }
  return out;
}

describe('calendar helpers', () => {
  it('adds months on the Shanghai calendar, clamping to month ends', () => {
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2027-11-15', 3)).toBe('2028-02-15');
    expect(addMonths('2024-02-29', 12)).toBe('2025-02-28');
    // 2026-03-01 02:00 UTC is 10:00 in Shanghai; 2026-02-28 20:00 UTC is already 03-01 there.
    expect(shanghaiDate('2026-02-28T20:00:00Z')).toBe('2026-03-01');
  });

  it('describes plans in Chinese', () => {
    expect(describePlan(DEFAULT_SERVICE_PLANS.bev)).toBe('每 2 万公里或 12 个月（以先到者为准）');
    expect(describePlan(servicePlanFor('changfeng-e7', 'bev'))).toBe('每 2.5 万公里或 24 个月（以先到者为准）');
    expect(describePlan(DEFAULT_SERVICE_PLANS.ice)).toBe('每 7,500 公里或 6 个月（以先到者为准）');
  });
});

describe('pace', () => {
  it('uses recent readings, then the distance since delivery, then a default', () => {
    expect(estimatePace(BEV, weekly('2026-03-01T02:00:00Z', 70, 50))).toEqual({ kmPerDay: 50, basis: 'recent' });
    expect(estimatePace(BEV, [{ at: '2026-04-01T00:00:00Z', odometerKm: 1240 }])).toEqual({ kmPerDay: 40.1, basis: 'since_delivery' });
    expect(estimatePace(BEV, [])).toEqual({ kmPerDay: 35, basis: 'default' });
  });

  it('ignores an odometer that goes backwards', () => {
    const reports = [...weekly('2026-03-01T02:00:00Z', 28, 40), { at: '2026-03-30T00:00:00Z', odometerKm: 10 }];
    expect(estimatePace(BEV, reports).kmPerDay).toBe(40);
  });
});

describe('next service', () => {
  it('is due by distance for a heavy driver, with the reason', () => {
    // 2 万 km or 12 months from delivery; 80 km/day reaches 20,000 km after 250 days.
    const reports = weekly('2026-03-01T02:00:00Z', 119, 80);
    const p = predictService(BEV, reports, new Date('2026-06-29T04:00:00Z'));
    expect(p.trigger).toBe('distance');
    expect(p.dueDate).toBe('2026-11-06');
    expect(p.dueByTimeDate).toBe('2027-03-01');
    expect(p.status).toBe('ok');
    expect(p.reason).toBe('按您的用车节奏（约 80 公里/天），距提车约 9,600 公里：预计 2026-11-06 前后到期（每 2 万公里或 12 个月（以先到者为准））');
  });

  it('is due by time for a light driver', () => {
    const reports = weekly('2026-03-01T02:00:00Z', 119, 10);
    const p = predictService(BEV, reports, new Date('2026-06-29T04:00:00Z'));
    expect(p.trigger).toBe('time');
    expect(p.dueDate).toBe('2027-03-01');
    expect(p.reason).toMatch(/^距提车已 3 个月、约 1,200 公里，按时间间隔 2027-03-01 到期/);
  });

  it('counts from the last service, and says when it is overdue', () => {
    const facts = { ...BEV, lastService: { at: '2026-05-01T02:00:00Z', odometerKm: 6_000 } };
    const reports = weekly('2026-03-01T02:00:00Z', 280, 100);
    const p = predictService(facts, reports, new Date('2026-12-10T00:00:00Z'));
    expect(p.status).toBe('overdue');
    expect(p.kmLeft).toBeLessThan(0);
    expect(p.reason).toContain('距上次保养约');
    expect(p.reason).toContain('请尽快预约保养');
  });

  it('property: never later than the time interval, never before the base, and never NaN in the reason', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 14, max: 500 }),
        fc.constantFrom('bev', 'phev', 'ice' as const),
        fc.integer({ min: 0, max: 400 }),
        (kmPerDay, days, energyType, nowOffset) => {
          const facts: VehicleFacts = { energyType, plan: DEFAULT_SERVICE_PLANS[energyType], deliveredAt: '2026-03-01T02:00:00Z' };
          const reports = weekly('2026-03-01T02:00:00Z', days, kmPerDay);
          const now = new Date(Date.parse('2026-03-01T02:00:00Z') + (days + nowOffset) * DAY);
          const p = predictService(facts, reports, now);
          expect(p.dueDate <= p.dueByTimeDate).toBe(true);
          expect(p.dueDate >= '2026-03-01').toBe(true);
          expect(p.reason).not.toMatch(/NaN|undefined|Infinity/);
          expect(p.reason).toContain(p.status === 'overdue' && p.kmLeft <= 0 ? '请尽快' : p.dueDate);
        },
      ),
    );
  });

  it('property: driving more never makes the service due later', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 300 }), fc.integer({ min: 14, max: 200 }), (a, b, days) => {
        const [slow, fast] = a <= b ? [a, b] : [b, a];
        const now = new Date(Date.parse('2026-03-01T02:00:00Z') + days * DAY);
        const ps = predictService(BEV, weekly('2026-03-01T02:00:00Z', days, slow), now);
        const pf = predictService(BEV, weekly('2026-03-01T02:00:00Z', days, fast), now);
        expect(pf.dueDate <= ps.dueDate).toBe(true);
      }),
    );
  });
});

describe('tyres', () => {
  it('wear faster with harsh braking, and say so', () => {
    const now = new Date('2027-03-01T00:00:00Z');
    const calm = predictTyres(BEV, weekly('2026-03-01T02:00:00Z', 364, 60, () => ({ harshBrakes: 1 })), now);
    const harsh = predictTyres(BEV, weekly('2026-03-01T02:00:00Z', 364, 60, () => ({ harshBrakes: 8 })), now);
    expect(calm.harshBrakesPer100Km).toBe(0.2);
    expect(calm.habitFactor).toBe(1);
    expect(calm.reason).toContain('驾驶平稳');
    expect(harsh.harshBrakesPer100Km).toBe(1.9);
    expect(harsh.habitFactor).toBeGreaterThan(1.1);
    expect(harsh.treadMm).toBeLessThan(calm.treadMm);
    expect(harsh.reason).toMatch(/^轮胎已行驶约 21,900 公里，急刹车约每百公里 1.9 次（偏多），磨损加快约 17%：花纹深度估计 5.1 mm，预计 \d{4}-\d\d-\d\d 前后需更换$/);
    expect(harsh.replaceByDate! < calm.replaceByDate!).toBe(true);
  });

  it('property: tread never grows with distance or harsher braking, and stays within 0..8 mm', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 20 }), (kmPerDay, b1, b2) => {
        const now = new Date('2027-03-01T00:00:00Z');
        const [lo, hi] = b1 <= b2 ? [b1, b2] : [b2, b1];
        const a = predictTyres(BEV, weekly('2026-03-01T02:00:00Z', 364, kmPerDay, () => ({ harshBrakes: lo })), now);
        const b = predictTyres(BEV, weekly('2026-03-01T02:00:00Z', 364, kmPerDay, () => ({ harshBrakes: hi })), now);
        const c = predictTyres(BEV, weekly('2026-03-01T02:00:00Z', 364, kmPerDay + 10, () => ({ harshBrakes: lo })), now);
        expect(b.treadMm).toBeLessThanOrEqual(a.treadMm);
        expect(c.treadMm).toBeLessThanOrEqual(a.treadMm);
        for (const p of [a, b, c]) {
          expect(p.treadMm).toBeGreaterThanOrEqual(0);
          expect(p.treadMm).toBeLessThanOrEqual(8);
          expect(p.reason).not.toMatch(/NaN|undefined|Infinity/);
        }
      }),
    );
  });
});

describe('battery', () => {
  it('follows the reported trend and names a heavy fast-charge share', () => {
    const reports = weekly('2026-03-01T02:00:00Z', 364, 50, (i) => ({ charges: 4, fastCharges: 3, batterySohPct: 100 - i * 0.06 }));
    const b = predictBattery(BEV, reports, new Date('2027-03-01T00:00:00Z'))!;
    expect(b.basis).toBe('trend');
    expect(b.fastChargeShare).toBe(0.75);
    expect(b.annualLossPct).toBeCloseTo(3.1, 1);
    expect(b.status).toBe('watch'); // more than half fast charges
    expect(b.reason).toMatch(/^电池健康度约 96.\d%，快充占比 75%（建议不高于 30%）：按近期趋势每年约下降 3.1 个百分点，预计 20\d\d-\d\d-\d\d 前后降至 80%$/);
  });

  it('estimates from the fast-charge share without SoH readings; none for combustion cars', () => {
    const now = new Date('2027-03-01T00:00:00Z');
    const gentle = predictBattery(BEV, weekly('2026-03-01T02:00:00Z', 364, 50, () => ({ charges: 4, fastCharges: 0 })), now)!;
    const heavy = predictBattery(BEV, weekly('2026-03-01T02:00:00Z', 364, 50, () => ({ charges: 4, fastCharges: 4 })), now)!;
    expect(gentle.basis).toBe('model');
    expect(heavy.annualLossPct).toBeGreaterThan(gentle.annualLossPct);
    expect(heavy.sohPct).toBeLessThan(gentle.sohPct);
    expect(predictBattery({ ...BEV, energyType: 'ice', plan: DEFAULT_SERVICE_PLANS.ice }, [], now)).toBeNull();
  });

  it('asks for a check below 80%', () => {
    const b = predictBattery(BEV, [{ at: '2027-01-01T00:00:00Z', odometerKm: 90_000, batterySohPct: 78 }], new Date('2027-01-02T00:00:00Z'))!;
    expect(b.status).toBe('service');
    expect(b.reason).toContain('建议到店检测电池');
  });

  it('property: a higher fast-charge share never predicts a healthier battery (model basis)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 10 }), fc.integer({ min: 10, max: 1000 }), (f1, f2, days) => {
        const [lo, hi] = f1 <= f2 ? [f1, f2] : [f2, f1];
        const now = new Date(Date.parse('2026-03-01T02:00:00Z') + days * DAY);
        const a = predictBattery(BEV, [{ at: now, odometerKm: 100, charges: 10, fastCharges: lo }], now)!;
        const b = predictBattery(BEV, [{ at: now, odometerKm: 100, charges: 10, fastCharges: hi }], now)!;
        expect(b.sohPct).toBeLessThanOrEqual(a.sohPct);
        expect(b.sohPct).toBeGreaterThanOrEqual(0);
        expect(b.reason).not.toMatch(/NaN|undefined|Infinity/);
      }),
    );
  });
});

it('predictVehicleHealth puts it together with one pace', () => {
  const h = predictVehicleHealth(BEV, weekly('2026-03-01T02:00:00Z', 119, 80), new Date('2026-06-29T04:00:00Z'));
  expect(h.pace.kmPerDay).toBe(80);
  expect(h.service.dueDate).toBe('2026-11-06');
  expect(h.tyres.status).toBe('ok');
  expect(h.battery?.basis).toBe('model');
});
