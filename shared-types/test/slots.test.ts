import { describe, expect, it } from 'vitest';
import { bookableSlots, checkSlot, dateLabelCN, openDates, slotLabelCN, slotsOfDay, validateSchedule, type SlotSchedule } from '../src/slots';

const open = { open: '09:00', close: '12:00' };
// Closed on Mondays (index 1) and on 2026-12-25.
const S: SlotSchedule = { weeklyHours: [open, null, open, open, open, open, open], slotMinutes: 60, capacity: 2, closedDates: ['2026-12-25'] };

describe('slot generation (Asia/Shanghai)', () => {
  it('makes slots from opening to closing time, in UTC instants', () => {
    const slots = slotsOfDay(S, '2026-12-01'); // a Tuesday
    expect(slots.map((s) => s.label)).toEqual(['09:00–10:00', '10:00–11:00', '11:00–12:00']);
    expect(slots[0].start).toBe('2026-12-01T01:00:00.000Z'); // 09:00 Shanghai = 01:00 UTC
    expect(slots[2].end).toBe('2026-12-01T04:00:00.000Z');
  });

  it('a slot that would run past closing is not offered', () => {
    expect(slotsOfDay({ ...S, slotMinutes: 90 }, '2026-12-01').map((s) => s.label)).toEqual(['09:00–10:30', '10:30–12:00']);
    expect(slotsOfDay({ ...S, weeklyHours: Array(7).fill({ open: '09:00', close: '11:00' }), slotMinutes: 50 }, '2026-12-01')).toHaveLength(2);
  });

  it('closed weekdays and holidays have no slots', () => {
    expect(slotsOfDay(S, '2026-11-30')).toEqual([]); // Monday
    expect(slotsOfDay(S, '2026-12-25')).toEqual([]);
  });

  it('bookable slots leave out the ones already started, past days and days beyond the window', () => {
    const now = new Date('2026-12-01T02:30:00Z'); // 10:30 Shanghai
    expect(bookableSlots(S, '2026-12-01', now).map((s) => s.label)).toEqual(['11:00–12:00']);
    expect(bookableSlots(S, '2026-11-29', now)).toEqual([]);
    expect(bookableSlots(S, '2026-12-02', now)).toHaveLength(3);
    expect(bookableSlots({ ...S, bookingWindowDays: 3 }, '2026-12-05', now)).toEqual([]);
    // Late in the Shanghai evening the UTC date is still the previous day: today's slots are all past.
    expect(bookableSlots(S, '2026-12-01', new Date('2026-12-01T15:00:00Z'))).toEqual([]);
  });

  it('checkSlot says why a start cannot be booked', () => {
    const now = new Date('2026-12-01T02:30:00Z');
    expect(checkSlot(S, '2026-12-01T03:00:00Z', now)).toMatchObject({ ok: true, slot: { label: '11:00–12:00' } });
    expect(checkSlot(S, '2026-12-01T11:00:00+08:00', now)).toMatchObject({ ok: true });
    expect(checkSlot(S, '2026-12-01T01:00:00Z', now)).toEqual({ ok: false, reason: 'SLOT_IN_PAST' });
    expect(checkSlot(S, '2026-12-07T01:00:00Z', now)).toEqual({ ok: false, reason: 'SITE_CLOSED' });
    expect(checkSlot(S, '2026-12-02T01:30:00Z', now)).toEqual({ ok: false, reason: 'NOT_A_SLOT' });
    expect(checkSlot(S, '2027-03-02T01:00:00Z', now)).toEqual({ ok: false, reason: 'TOO_FAR_AHEAD' });
    expect(checkSlot(S, 'nonsense', now)).toEqual({ ok: false, reason: 'NOT_A_SLOT' });
  });

  it('labels and open dates for the picker', () => {
    expect(slotLabelCN('2026-11-30T02:00:00Z', '2026-11-30T03:00:00Z')).toBe('11月30日 周一 10:00–11:00');
    expect(dateLabelCN('2026-12-01')).toBe('12月1日 周二');
    expect(openDates(S, new Date('2026-11-29T00:00:00Z'), 3)).toEqual(['2026-11-29', '2026-12-01', '2026-12-02']);
  });

  it('validates schedules', () => {
    expect(validateSchedule(S)).toEqual([]);
    expect(validateSchedule({ ...S, capacity: 0, weeklyHours: [open] })).toHaveLength(2);
    expect(validateSchedule({ ...S, weeklyHours: Array(7).fill({ open: '9:00', close: '12:00' }) }).length).toBeGreaterThan(0);
    expect(validateSchedule({ ...S, slotMinutes: 240 })).toHaveLength(6);
  });
});
