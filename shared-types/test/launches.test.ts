import { describe, expect, it } from 'vitest';
import { admissionAllowance, earlyPollAfterMs, launchPhase } from '../src/launches';

describe('launch rules', () => {
  it('early buyers far from the open ask again about every 30 s', () => {
    for (const r of [0, 0.5, 0.999]) {
      const ms = earlyPollAfterMs(10 * 60_000, 100, r);
      expect(ms).toBeGreaterThanOrEqual(24_000);
      expect(ms).toBeLessThanOrEqual(36_000);
    }
  });

  it('some seconds before the open, early buyers come back 2-5 s before it (the crowd is known by then)', () => {
    for (const r of [0, 0.5, 0.999]) {
      const ms = earlyPollAfterMs(20_000, 100, r);
      expect(ms).toBeGreaterThanOrEqual(15_000);
      expect(ms).toBeLessThanOrEqual(18_000);
    }
  });

  it('near the open, early buyers ask after it, spread wider the more of them joined', () => {
    expect(earlyPollAfterMs(5000, 10, 0)).toBe(5000);
    // A small crowd: within half a second of the open.
    expect(earlyPollAfterMs(5000, 10, 0.999)).toBeLessThanOrEqual(5500);
    // 10,000 early buyers: spread over 10 s (1,000 a second).
    expect(earlyPollAfterMs(5000, 10_000, 0.999)).toBeGreaterThan(14_000);
    expect(earlyPollAfterMs(5000, 10_000, 0.999)).toBeLessThanOrEqual(15_000);
    expect(earlyPollAfterMs(5000, 3_000, 0.999)).toBeLessThanOrEqual(8_000);
    // Never more than 10 s of spread, never a negative wait.
    expect(earlyPollAfterMs(1000, 1_000_000, 0.999)).toBeLessThanOrEqual(11_000);
    expect(earlyPollAfterMs(-200, 10, 0)).toBe(0);
  });

  it('the phase follows the clock and the stock', () => {
    const l = { startsAt: '2026-12-07T02:00:00Z', endsAt: '2026-12-07T04:00:00Z' };
    expect(launchPhase(l, new Date('2026-12-07T01:59:59Z'), false)).toBe('scheduled');
    expect(launchPhase(l, new Date('2026-12-07T02:00:00Z'), false)).toBe('open');
    expect(launchPhase(l, new Date('2026-12-07T02:00:00Z'), true)).toBe('sold_out');
    expect(launchPhase(l, new Date('2026-12-07T04:00:00Z'), false)).toBe('ended');
  });

  it('admissions: a burst at the open, then a steady rate', () => {
    expect(admissionAllowance(-1, 100, 50)).toBe(0);
    expect(admissionAllowance(0, 100, 50)).toBe(50);
    expect(admissionAllowance(2500, 100, 50)).toBe(300);
  });
});
