import { describe, expect, it } from 'vitest';
import { bookingReminderPromiseCN, bookingReminders, relativeDayTimeCN } from '../src/slots';

const sh = (s: string) => new Date(`${s}+08:00`);
const iso = (r: { kind: string; at: Date }[]) => r.map((x) => [x.kind, x.at.toISOString()]);

describe('booking reminders (Asia/Shanghai)', () => {
  it('the day before at 18:00 and 2 hours before', () => {
    const start = sh('2026-12-02T10:00:00');
    expect(iso(bookingReminders(start, sh('2026-11-30T12:00:00')))).toEqual([
      ['eve', '2026-12-01T10:00:00.000Z'], // 18:00 Shanghai on 12-01
      ['soon', '2026-12-02T00:00:00.000Z'], // 08:00 Shanghai
    ]);
    expect(bookingReminderPromiseCN(start, sh('2026-11-30T12:00:00'))).toBe('将在预约前一天 18:00 与前 2 小时提醒您');
  });

  it('leaves out a reminder whose time has passed at booking', () => {
    const start = sh('2026-12-02T15:00:00');
    expect(iso(bookingReminders(start, sh('2026-12-01T19:00:00')))).toEqual([['soon', '2026-12-02T05:00:00.000Z']]);
    expect(bookingReminderPromiseCN(start, sh('2026-12-01T19:00:00'))).toBe('将在预约前 2 小时提醒您');
    expect(bookingReminders(start, sh('2026-12-02T13:30:00'))).toEqual([]);
    expect(bookingReminderPromiseCN(start, sh('2026-12-02T13:30:00'))).toBeNull();
    // Exactly at a reminder's time: already due, so not scheduled.
    expect(iso(bookingReminders(start, sh('2026-12-01T18:00:00')))).toEqual([['soon', '2026-12-02T05:00:00.000Z']]);
  });

  it('never before 08:00: an early slot is reminded at 08:00, or not at all when that is under 30 minutes before', () => {
    expect(iso(bookingReminders(sh('2026-12-02T09:00:00'), sh('2026-11-30T12:00:00')))).toEqual([
      ['eve', '2026-12-01T10:00:00.000Z'],
      ['soon', '2026-12-02T00:00:00.000Z'], // 08:00, one hour before
    ]);
    expect(bookingReminderPromiseCN(sh('2026-12-02T09:00:00'), sh('2026-11-30T12:00:00'))).toBe('将在预约前一天 18:00 与当天 08:00 提醒您');
    expect(iso(bookingReminders(sh('2026-12-02T08:20:00'), sh('2026-11-30T12:00:00')))).toEqual([['eve', '2026-12-01T10:00:00.000Z']]);
  });

  it('is computed on the Shanghai calendar, not UTC', () => {
    // 07:30 Shanghai on 12-02 is 23:30 UTC on 12-01: the eve is 12-01 18:00 Shanghai all the same.
    const [eve] = bookingReminders(sh('2026-12-02T07:30:00'), sh('2026-11-30T00:00:00'));
    expect(eve.at.toISOString()).toBe('2026-12-01T10:00:00.000Z');
  });

  it('says today/tomorrow/the date relative to now', () => {
    const now = sh('2026-12-01T18:00:00');
    expect(relativeDayTimeCN(sh('2026-12-01T20:00:00'), now)).toBe('今天 20:00');
    expect(relativeDayTimeCN(sh('2026-12-02T09:30:00'), now)).toBe('明天 09:30');
    expect(relativeDayTimeCN(sh('2026-12-05T10:00:00'), now)).toBe('12月5日 10:00');
    // Just after midnight in Shanghai (still the day before in UTC).
    expect(relativeDayTimeCN(sh('2026-12-02T10:00:00'), sh('2026-12-02T00:10:00'))).toBe('今天 10:00');
  });
});
