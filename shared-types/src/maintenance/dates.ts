/**
 * Calendar arithmetic on Asia/Shanghai dates ("YYYY-MM-DD"). Due dates are calendar days for the
 * owner, so they are computed on the Shanghai calendar (UTC+8, no DST), by offset rather than Intl.
 */
const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

export type CalendarDate = string;

/** The Shanghai calendar date of an instant. */
export function shanghaiDate(input: Date | string | number): CalendarDate {
  const t = new Date(input).getTime();
  if (Number.isNaN(t)) throw new RangeError(`not a date: ${String(input)}`);
  return new Date(t + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

function dayNumber(date: CalendarDate): number {
  return Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}

function fromDayNumber(n: number): CalendarDate {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  return fromDayNumber(dayNumber(date) + Math.trunc(days));
}

/** b - a in whole days. */
export function daysBetween(a: CalendarDate, b: CalendarDate): number {
  return dayNumber(b) - dayNumber(a);
}

/** Same day of month `months` later, clamped to the month's last day (01-31 + 1 month = 02-28/29). */
export function addMonths(date: CalendarDate, months: number): CalendarDate {
  const [y, m, d] = date.split('-').map(Number);
  const total = y * 12 + (m - 1) + months;
  const ny = Math.floor(total / 12);
  const nm = total % 12;
  const lastDay = new Date(Date.UTC(ny, nm + 1, 0)).getUTCDate();
  return `${String(ny).padStart(4, '0')}-${String(nm + 1).padStart(2, '0')}-${String(Math.min(d, lastDay)).padStart(2, '0')}`;
}

/** Fractional days between two instants. */
export function daysBetweenInstants(a: Date | string | number, b: Date | string | number): number {
  return (new Date(b).getTime() - new Date(a).getTime()) / DAY_MS;
}

/** Whole months from a to b (calendar), never negative. */
export function monthsBetween(a: CalendarDate, b: CalendarDate): number {
  let months = 0;
  while (addMonths(a, months + 1) <= b) months += 1;
  return months;
}
