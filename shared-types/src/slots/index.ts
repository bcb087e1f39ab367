/**
 * Bookable slots at a site (service centre or store): pure generation and checks, shared by the
 * BFF (which enforces them) and the mini-program (which shows them). Opening hours are wall-clock
 * times in Asia/Shanghai (UTC+8, no DST), so slot instants are computed by offset, not Intl.
 */
import { addDays, daysBetween, shanghaiDate, type CalendarDate } from '../maintenance/dates';

const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const MINUTE_MS = 60_000;

export const SITE_KINDS = ['service', 'store'] as const;
export type SiteKind = (typeof SITE_KINDS)[number];

/** "HH:MM" Shanghai wall-clock time. */
export type ClockTime = string;
/** Index 0 = Sunday … 6 = Saturday (like Date.getUTCDay); null = closed that weekday. */
export type WeeklyHours = Array<{ open: ClockTime; close: ClockTime } | null>;

export interface SlotSchedule {
  weeklyHours: WeeklyHours;
  /** Slot length; slots start at opening time and end by closing time. */
  slotMinutes: number;
  /** Seats (bays, cars, advisors) per slot. */
  capacity: number;
  /** Extra closed Shanghai dates (public holidays). */
  closedDates?: CalendarDate[];
  /** How far ahead bookings are taken (days after today, inclusive). */
  bookingWindowDays?: number;
}

export interface Slot {
  /** ISO UTC instant. */
  start: string;
  end: string;
  /** "10:00–11:00" Shanghai time. */
  label: string;
}

export const DEFAULT_BOOKING_WINDOW_DAYS = 30;
const WEEKDAYS_CN = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];
const CLOCK_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;

export const clockMinutes = (t: ClockTime): number => {
  const m = CLOCK_RE.exec(t);
  if (!m) throw new RangeError(`not a clock time: ${t}`);
  return Number(m[1]) * 60 + Number(m[2]);
};
const clock = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** 0 = Sunday … 6 = Saturday of a calendar date. */
export const weekdayOf = (date: CalendarDate): number => new Date(`${date}T00:00:00Z`).getUTCDay();

/** The UTC instant of a Shanghai wall-clock time on a Shanghai date. */
export function shanghaiInstant(date: CalendarDate, minutesOfDay: number): Date {
  return new Date(Date.parse(`${date}T00:00:00Z`) + minutesOfDay * MINUTE_MS - SHANGHAI_OFFSET_MS);
}

/** Problems with a schedule, in Chinese (empty = valid). */
export function validateSchedule(s: SlotSchedule): string[] {
  const problems: string[] = [];
  if (s.weeklyHours.length !== 7) problems.push('营业时间须按周日至周六 7 天给出');
  if (!Number.isInteger(s.slotMinutes) || s.slotMinutes < 15 || s.slotMinutes > 480) problems.push('时段长度应为 15–480 分钟');
  if (!Number.isInteger(s.capacity) || s.capacity < 1 || s.capacity > 100) problems.push('每时段容量应为 1–100');
  s.weeklyHours.forEach((h, i) => {
    if (!h) return;
    if (!CLOCK_RE.test(h.open) || !CLOCK_RE.test(h.close)) problems.push(`${WEEKDAYS_CN[i]}营业时间格式应为 HH:MM`);
    else if (clockMinutes(h.close) - clockMinutes(h.open) < s.slotMinutes) problems.push(`${WEEKDAYS_CN[i]}营业时间短于一个时段`);
  });
  for (const d of s.closedDates ?? []) if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) problems.push(`休息日 ${d} 格式应为 YYYY-MM-DD`);
  return problems;
}

export const isClosedOn = (s: SlotSchedule, date: CalendarDate) => !s.weeklyHours[weekdayOf(date)] || (s.closedDates ?? []).includes(date);

/** Every slot of a date (past ones included); [] on a closed day. */
export function slotsOfDay(s: SlotSchedule, date: CalendarDate): Slot[] {
  const hours = s.weeklyHours[weekdayOf(date)];
  if (!hours || (s.closedDates ?? []).includes(date)) return [];
  const out: Slot[] = [];
  const close = clockMinutes(hours.close);
  for (let m = clockMinutes(hours.open); m + s.slotMinutes <= close; m += s.slotMinutes) {
    out.push({ start: shanghaiInstant(date, m).toISOString(), end: shanghaiInstant(date, m + s.slotMinutes).toISOString(), label: `${clock(m)}–${clock(m + s.slotMinutes)}` });
  }
  return out;
}

/** The slots a person can still book on a date: closed days and slots already started are left out. */
export function bookableSlots(s: SlotSchedule, date: CalendarDate, now: Date): Slot[] {
  const today = shanghaiDate(now);
  const ahead = daysBetween(today, date);
  if (ahead < 0 || ahead > (s.bookingWindowDays ?? DEFAULT_BOOKING_WINDOW_DAYS)) return [];
  return slotsOfDay(s, date).filter((slot) => Date.parse(slot.start) > now.getTime());
}

export type SlotCheck =
  | { ok: true; slot: Slot }
  | { ok: false; reason: 'SLOT_IN_PAST' | 'SITE_CLOSED' | 'NOT_A_SLOT' | 'TOO_FAR_AHEAD' };

/** Whether `start` (any ISO instant) is a slot a person may book now, and which. */
export function checkSlot(s: SlotSchedule, start: string | Date, now: Date): SlotCheck {
  const t = new Date(start).getTime();
  if (Number.isNaN(t)) return { ok: false, reason: 'NOT_A_SLOT' };
  if (t <= now.getTime()) return { ok: false, reason: 'SLOT_IN_PAST' };
  const date = shanghaiDate(t);
  if (daysBetween(shanghaiDate(now), date) > (s.bookingWindowDays ?? DEFAULT_BOOKING_WINDOW_DAYS)) return { ok: false, reason: 'TOO_FAR_AHEAD' };
  if (isClosedOn(s, date)) return { ok: false, reason: 'SITE_CLOSED' };
  const slot = slotsOfDay(s, date).find((x) => Date.parse(x.start) === t);
  return slot ? { ok: true, slot } : { ok: false, reason: 'NOT_A_SLOT' };
}

/** "11月30日 周一 10:00–11:00" (Shanghai). */
export function slotLabelCN(start: string | Date, end: string | Date): string {
  const s = new Date(new Date(start).getTime() + SHANGHAI_OFFSET_MS);
  const e = new Date(new Date(end).getTime() + SHANGHAI_OFFSET_MS);
  const hm = (d: Date) => clock(d.getUTCHours() * 60 + d.getUTCMinutes());
  return `${s.getUTCMonth() + 1}月${s.getUTCDate()}日 ${WEEKDAYS_CN[s.getUTCDay()]} ${hm(s)}–${hm(e)}`;
}

/** "11月30日 周一" for a date picker. */
export function dateLabelCN(date: CalendarDate): string {
  const [, m, d] = date.split('-').map(Number);
  return `${m}月${d}日 ${WEEKDAYS_CN[weekdayOf(date)]}`;
}

/** The next `days` dates (from today, Shanghai) the site is open, for a date picker. */
export function openDates(s: SlotSchedule, now: Date, days = 7): CalendarDate[] {
  const today = shanghaiDate(now);
  const out: CalendarDate[] = [];
  for (let i = 0; i <= (s.bookingWindowDays ?? DEFAULT_BOOKING_WINDOW_DAYS) && out.length < days; i++) {
    const d = addDays(today, i);
    if (bookableSlots(s, d, now).length) out.push(d);
  }
  return out;
}

export * from './reminders';
