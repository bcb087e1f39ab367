/**
 * When a booked appointment (a test drive, a service visit, later a car's handover) is reminded,
 * shared by the BFF (which schedules the reminders) and the mini-program (which tells the buyer
 * at booking what to expect). Times are Asia/Shanghai wall-clock times, computed by offset.
 *
 *  - `eve`: 18:00 the day before. Early enough to plan the next day (time off work, the driving
 *    licence or the car's papers found, the car cleared out for its service), late enough not to
 *    be forgotten overnight, and after working hours, when a message on the phone is welcome
 *    rather than a disturbance.
 *  - `soon`: 2 hours before the start: time to set off across a Chinese city (a 30-90 minute trip
 *    is common) or to cancel in time so the seat goes to someone else. Never before 08:00: for an
 *    early slot it is moved to 08:00 that day (no message at dawn), and dropped when that leaves
 *    less than 30 minutes (the buyer is on the way by then, and the evening reminder came).
 *
 * A reminder whose time has passed when the booking is made (or moved) is not scheduled at all.
 */
import { addDays, shanghaiDate } from '../maintenance/dates';

export const BOOKING_REMINDER_EVE_CLOCK = '18:00';
export const BOOKING_REMINDER_LEAD_MINUTES = 120;
/** The `soon` reminder is never sent earlier than this Shanghai wall-clock time. */
export const BOOKING_REMINDER_EARLIEST_CLOCK = '08:00';
const MIN_LEAD_MS = 30 * 60_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

export type BookingReminderKind = 'eve' | 'soon';

export interface BookingReminder {
  kind: BookingReminderKind;
  at: Date;
}

const atClock = (date: string, clock: string) => new Date(`${date}T${clock}:00+08:00`);

/** The reminders still ahead for an appointment starting at `start`, as of `now`, earliest first. */
export function bookingReminders(start: Date | string | number, now: Date | string | number): BookingReminder[] {
  const s = new Date(start).getTime();
  const n = new Date(now).getTime();
  if (Number.isNaN(s) || Number.isNaN(n)) throw new RangeError('not a date');
  const day = shanghaiDate(s);
  const out: BookingReminder[] = [];
  const eve = atClock(addDays(day, -1), BOOKING_REMINDER_EVE_CLOCK);
  let soon = new Date(s - BOOKING_REMINDER_LEAD_MINUTES * 60_000);
  const earliest = atClock(shanghaiDate(soon), BOOKING_REMINDER_EARLIEST_CLOCK);
  if (soon.getTime() < earliest.getTime()) soon = earliest;
  if (eve.getTime() > n) out.push({ kind: 'eve', at: eve });
  if (s - soon.getTime() >= MIN_LEAD_MS && soon.getTime() > n) out.push({ kind: 'soon', at: soon });
  return out;
}

/**
 * What the buyer is told at booking about the reminders ahead (null: none will come, the slot is
 * too close). 「将在预约前一天 18:00 与前 2 小时提醒您」 in the common case.
 */
export function bookingReminderPromiseCN(start: Date | string | number, now: Date | string | number): string | null {
  const s = new Date(start).getTime();
  const when = bookingReminders(s, now).map((r) => {
    if (r.kind === 'eve') return `前一天 ${BOOKING_REMINDER_EVE_CLOCK}`;
    if (s - r.at.getTime() === BOOKING_REMINDER_LEAD_MINUTES * 60_000) return `前 ${BOOKING_REMINDER_LEAD_MINUTES / 60} 小时`;
    return `当天 ${BOOKING_REMINDER_EARLIEST_CLOCK}`;
  });
  // A space between a figure and the Chinese that follows it: 「18:00 与」, 「08:00 提醒」, 「小时提醒」.
  const gap = (part: string) => (/\d$/.test(part) ? `${part} ` : part);
  return when.length ? `将在预约${when.map((w, i) => (i < when.length - 1 ? `${gap(w)}与` : gap(w))).join('')}提醒您` : null;
}

/** 「今天 10:00」 / 「明天 10:00」 / 「12月1日 10:00」 for an instant, relative to `now` (Shanghai days). */
export function relativeDayTimeCN(at: Date | string | number, now: Date | string | number): string {
  const t = new Date(at).getTime();
  const local = new Date(t + SHANGHAI_OFFSET_MS);
  const hm = `${String(local.getUTCHours()).padStart(2, '0')}:${String(local.getUTCMinutes()).padStart(2, '0')}`;
  const ahead = Math.round((Date.parse(`${shanghaiDate(t)}T00:00:00Z`) - Date.parse(`${shanghaiDate(now)}T00:00:00Z`)) / DAY_MS);
  if (ahead === 0) return `今天 ${hm}`;
  if (ahead === 1) return `明天 ${hm}`;
  return `${local.getUTCMonth() + 1}月${local.getUTCDate()}日 ${hm}`;
}
