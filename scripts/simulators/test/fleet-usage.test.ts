import { describe, expect, it } from 'vitest';
import { driverFor, generateFleetHistory, generateUsageHistory, type FleetCar } from '../src/fleet-usage';

const DAY = 86_400_000;
const until = new Date('2026-12-01T00:00:00Z');
const car = (vin: string, energyType: FleetCar['energyType'] = 'bev', daysAgo = 300): FleetCar => ({ vin, energyType, deliveredAt: new Date(until.getTime() - daysAgo * DAY) });

describe('fleet usage history (the cars side of usage reporting)', () => {
  it('is the same for the same seed, and each car keeps its own driver when the fleet grows', () => {
    const a = generateUsageHistory(car('LFLTUSE0000000001'), { seed: 7, until });
    expect(generateUsageHistory(car('LFLTUSE0000000001'), { seed: 7, until })).toEqual(a);
    expect(generateUsageHistory(car('LFLTUSE0000000001'), { seed: 8, until })).not.toEqual(a);
    const small = generateFleetHistory([car('LFLTUSE0000000001')], { seed: 7, until });
    const big = generateFleetHistory([car('LFLTUSE0000000001'), car('LFLTUSE0000000002')], { seed: 7, until });
    expect(big.filter((r) => r.vin === 'LFLTUSE0000000001')).toEqual(small);
  });

  it('gives weekly reports with a rising odometer, consistent counts, falling battery health and unique ids', () => {
    const reports = generateUsageHistory(car('LFLTUSE0000000003', 'bev', 364), { seed: 1, until });
    expect(reports).toHaveLength(52);
    expect(new Set(reports.map((r) => r.reportId)).size).toBe(52);
    for (let i = 1; i < reports.length; i++) {
      expect(reports[i].odometerKm).toBeGreaterThan(reports[i - 1].odometerKm);
      expect(new Date(reports[i].at).getTime() - new Date(reports[i - 1].at).getTime()).toBe(7 * DAY);
    }
    for (const r of reports) expect(r.fastCharges!).toBeLessThanOrEqual(r.charges!);
    expect(reports.at(-1)!.batterySohPct!).toBeLessThan(reports[0].batterySohPct!);
    expect(reports.at(-1)!.batterySohPct!).toBeGreaterThan(90); // one year: a few points, not a collapse
    expect(generateUsageHistory(car('LFLTUSE0000000004', 'ice'), { seed: 1, until })[0]).not.toHaveProperty('batterySohPct');
  });

  it('follows the driver: pace, harsh braking and fast charging show in the reports', () => {
    const c = car('LFLTUSE0000000005', 'bev', 364);
    const heavy = generateUsageHistory(c, { seed: 3, until, driver: { kmPerDay: 120, harshBrakesPer100Km: 3, fastChargeShare: 0.8 } });
    const gentle = generateUsageHistory(c, { seed: 3, until, driver: { kmPerDay: 20, harshBrakesPer100Km: 0.3, fastChargeShare: 0.05 } });
    const km = (rs: typeof heavy) => rs.at(-1)!.odometerKm / 364;
    expect(km(heavy)).toBeGreaterThan(100);
    expect(km(heavy)).toBeLessThan(140);
    expect(km(gentle)).toBeLessThan(25);
    const rate = (rs: typeof heavy) => (rs.reduce((s, r) => s + r.harshBrakes, 0) / rs.at(-1)!.odometerKm) * 100;
    expect(rate(heavy)).toBeGreaterThan(2.5);
    expect(rate(gentle)).toBeLessThan(0.5);
    const share = (rs: typeof heavy) => rs.reduce((s, r) => s + r.fastCharges!, 0) / rs.reduce((s, r) => s + r.charges!, 0);
    expect(share(heavy)).toBeGreaterThan(0.7);
    expect(share(gentle)).toBeLessThan(0.15);
    expect(heavy.at(-1)!.batterySohPct!).toBeLessThan(gentle.at(-1)!.batterySohPct!);
    const d = driverFor(car('LFLTUSE0000000006'), 9);
    expect(d.kmPerDay).toBeGreaterThanOrEqual(10);
    expect(d.kmPerDay).toBeLessThanOrEqual(150);
  });
});
