/**
 * Bookable slots at sites (service centres and stores) — the one place seats are booked.
 *
 * HOW ANOTHER MODULE BOOKS A SLOT (service bookings, test drives, ...):
 *
 *   const { booking, created } = await slots.book({
 *     siteCode: 'SC-SH-MINHANG', start: '2026-12-01T01:00:00.000Z', // a slot start from listSlots()
 *     purpose: 'service',        // or 'test_drive': what the seat is for (free text, shown to staff)
 *     refId: vehicleId,          // the caller's own record (vehicle, test drive...), kept on the booking
 *     userId,                    // who booked (owner checks on cancel, "my bookings")
 *     key: `service:${userId}:${idempotencyKey}`, // globally unique per request: namespace it by purpose + user
 *     siteKind: 'service',       // optional: 404 unless the site is of this kind
 *   });
 *   // later: await slots.cancel(booking.id, { userId })   → the seat is free again (repeatable)
 *
 * The same `key` with the same request answers the same booking (created: false); with another
 * site/slot/purpose/refId it is 409 IDEMPOTENCY_KEY_REUSED. Errors: 404 NOT_FOUND (site), 409
 * SLOT_FULL, 422 SLOT_IN_PAST, 422 SLOT_NOT_OFFERED (details.reason: SITE_CLOSED | NOT_A_SLOT |
 * TOO_FAR_AHEAD), 409 BOOKING_STATE_INVALID (cancelling a slot that has started).
 *
 *   // moving it: a new booking of another slot (same site, purpose, refId), the old one cancelled
 *   const { booking: moved } = await slots.reschedule(booking.id, { start, userId, key: `service-reschedule:${userId}:${idempotencyKey}` });
 *
 * Why seats: each booking inserts a document whose unique _id is "<site>|<start>#<seat>" with
 * seat < capacity, so two people can never hold the same seat and a slot never holds more than its
 * capacity, whatever the concurrency (FerretDB loses concurrent counter updates; unique inserts it
 * does not). Requests with one key are serialised by a Redis lock; a crash between writing the
 * booking and its seat leaves a 'pending' booking that a retry with the same key completes.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import {
  bookableSlots,
  checkSlot,
  shanghaiDate,
  slotLabelCN,
  validateSchedule,
  type SiteKind,
  type Slot,
  type SlotSchedule,
  type WeeklyHours,
} from '@carmall/shared-types';
import { maskPhone } from '@carmall/shared-types';
import { AppError, notFound } from '../../infra/errors';
import type { Locks } from '../../infra/lock';
import { siteModel, siteStaffModel, slotBookingModel, slotSeatModel } from './model';

export interface SiteDoc {
  code: string;
  name: string;
  city: string;
  kind: SiteKind;
  address: string;
  phone: string | null;
  weeklyHours: WeeklyHours;
  slotMinutes: number;
  capacity: number;
  closedDates: string[];
  bookingWindowDays: number;
}

export interface SiteView {
  code: string;
  name: string;
  city: string;
  kind: SiteKind;
  address: string;
  /** Masked when it is a mobile number (PIPL); landlines are shown as they are. */
  phone: string | null;
  /** "周一至周日 09:00–18:00"-like lines, Shanghai time. */
  hours: string[];
  slotMinutes: number;
  capacity: number;
}

export interface SlotView extends Slot {
  capacity: number;
  remaining: number;
}

export interface BookingDoc {
  _id: string;
  idemKey: string;
  requestHash: string;
  userId: string;
  siteCode: string;
  date: string;
  slotStart: Date;
  slotEnd: Date;
  purpose: string;
  refId: string | null;
  note: string | null;
  status: 'pending' | 'booked' | 'cancelled';
  seatId: string;
  cancelledAt: Date | null;
  cancelledBy: string | null;
  movedTo?: string | null;
  createdAt: Date;
}

export interface BookingView {
  id: string;
  status: 'booked' | 'cancelled';
  siteCode: string;
  purpose: string;
  refId: string | null;
  note: string | null;
  userId: string;
  slotStart: string;
  slotEnd: string;
  /** "11月30日 周一 10:00–11:00" (Shanghai). */
  slotLabel: string;
  createdAt: string;
  cancelledAt: string | null;
  /** Rescheduled: the id of the booking that replaced this (cancelled) one. */
  movedTo: string | null;
}

export interface BookRequest {
  siteCode: string;
  start: string | Date;
  purpose: string;
  refId?: string | null;
  note?: string | null;
  userId: string;
  /** Idempotency: unique across the system; namespace it (`service:<user>:<Idempotency-Key>`). */
  key: string;
  siteKind?: SiteKind;
}

export interface SiteInput {
  code: string;
  name: string;
  city: string;
  kind: SiteKind;
  address: string;
  phone?: string | null;
  weeklyHours: WeeklyHours;
  slotMinutes: number;
  capacity: number;
  closedDates?: string[];
  bookingWindowDays?: number;
}

const isDuplicate = (err: unknown) => (err as { code?: number }).code === 11000;
const WEEKDAYS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];
const seatId = (siteCode: string, start: Date, seat: number) => `${siteCode}|${start.toISOString()}#${seat}`;

export const scheduleOf = (s: SiteDoc): SlotSchedule => ({
  weeklyHours: s.weeklyHours,
  slotMinutes: s.slotMinutes,
  capacity: s.capacity,
  closedDates: s.closedDates,
  bookingWindowDays: s.bookingWindowDays,
});

/** Opening hours as Chinese lines, consecutive weekdays with equal hours merged (Monday first). */
export function hoursLines(week: WeeklyHours): string[] {
  const order = [1, 2, 3, 4, 5, 6, 0];
  const text = (h: WeeklyHours[number]) => (h ? `${h.open}–${h.close}` : '休息');
  const lines: string[] = [];
  let from = 0;
  for (let i = 1; i <= order.length; i++) {
    if (i < order.length && text(week[order[i]]) === text(week[order[from]])) continue;
    const span = i - 1 === from ? WEEKDAYS[order[from]] : `${WEEKDAYS[order[from]]}至${WEEKDAYS[order[i - 1]]}`;
    lines.push(`${span} ${text(week[order[from]])}`);
    from = i;
  }
  return lines;
}

export function presentSite(s: SiteDoc): SiteView {
  return {
    code: s.code,
    name: s.name,
    city: s.city,
    kind: s.kind,
    address: s.address,
    phone: s.phone && /^1[3-9]\d{9}$/.test(s.phone) ? maskPhone(s.phone) : s.phone,
    hours: hoursLines(s.weeklyHours),
    slotMinutes: s.slotMinutes,
    capacity: s.capacity,
  };
}

export function presentBooking(b: BookingDoc): BookingView {
  return {
    id: b._id,
    status: b.status === 'cancelled' ? 'cancelled' : 'booked',
    siteCode: b.siteCode,
    purpose: b.purpose,
    refId: b.refId,
    note: b.note,
    userId: b.userId,
    slotStart: b.slotStart.toISOString(),
    slotEnd: b.slotEnd.toISOString(),
    slotLabel: slotLabelCN(b.slotStart, b.slotEnd),
    createdAt: b.createdAt.toISOString(),
    cancelledAt: b.cancelledAt ? b.cancelledAt.toISOString() : null,
    movedTo: b.movedTo ?? null,
  };
}

export class SlotService {
  private ready: Promise<unknown> | null = null;

  constructor(
    private readonly conn: Connection,
    private readonly locks: Locks,
  ) {}

  private async models() {
    // The unique indexes ARE the no-double-booking guarantee: make sure they exist before the first booking.
    this.ready ??= Promise.all([siteModel(this.conn).init(), slotSeatModel(this.conn).init(), slotBookingModel(this.conn).init(), siteStaffModel(this.conn).init()]);
    await this.ready;
    return { Sites: siteModel(this.conn), Seats: slotSeatModel(this.conn), Bookings: slotBookingModel(this.conn), Staff: siteStaffModel(this.conn) };
  }

  // ---- sites -------------------------------------------------------------------------------

  async listSites(filter: { kind?: SiteKind; city?: string } = {}): Promise<SiteDoc[]> {
    const { Sites } = await this.models();
    const q: Record<string, string> = {};
    if (filter.kind) q.kind = filter.kind;
    if (filter.city) q.city = filter.city;
    return Sites.find(q).sort({ city: 1, code: 1 }).lean<SiteDoc[]>();
  }

  async site(code: string, kind?: SiteKind): Promise<SiteDoc | null> {
    const { Sites } = await this.models();
    const s = await Sites.findOne({ code }).lean<SiteDoc>();
    return s && (!kind || s.kind === kind) ? s : null;
  }

  async requireSite(code: string, kind?: SiteKind): Promise<SiteDoc> {
    const s = await this.site(code, kind);
    if (!s) throw notFound(kind === 'service' ? '服务中心' : kind === 'store' ? '门店' : '网点', { code });
    return s;
  }

  /** Create or replace a site (staff/seed). Capacity changes apply to seats not yet taken. */
  async upsertSite(input: SiteInput): Promise<SiteDoc> {
    const problems = validateSchedule({ ...input, closedDates: input.closedDates ?? [] });
    if (problems.length) throw new AppError(400, 'VALIDATION_FAILED', '营业时间设置不正确', { problems });
    const { Sites } = await this.models();
    return this.locks.withLock(`site:${input.code}`, async () => {
      await Sites.updateOne(
        { code: input.code },
        { $set: { ...input, phone: input.phone ?? null, closedDates: input.closedDates ?? [], bookingWindowDays: input.bookingWindowDays ?? 30 } },
        { upsert: true },
      );
      return (await Sites.findOne({ code: input.code }).lean<SiteDoc>())!;
    });
  }

  /** The site a staff member works at (null: brand-wide, sees every site). */
  async staffSite(userId: string): Promise<string | null> {
    const { Staff } = await this.models();
    return (await Staff.findById(userId).lean<{ siteCode: string }>())?.siteCode ?? null;
  }

  async assignStaff(userId: string, siteCode: string | null): Promise<void> {
    const { Staff } = await this.models();
    if (siteCode === null) {
      await Staff.deleteOne({ _id: userId });
      return;
    }
    await this.requireSite(siteCode);
    await Staff.updateOne({ _id: userId }, { $set: { siteCode } }, { upsert: true });
  }

  // ---- slots -------------------------------------------------------------------------------

  /** The bookable slots of a Shanghai date with their remaining seats (past slots and closed days left out). */
  async listSlots(site: SiteDoc, date: string, now = new Date()): Promise<SlotView[]> {
    const slots = bookableSlots(scheduleOf(site), date, now);
    if (!slots.length) return [];
    const { Seats } = await this.models();
    const taken = new Map<number, number>();
    for (const s of await Seats.find({ siteCode: site.code, date }, 'slotStart').lean<Array<{ slotStart: Date }>>()) {
      taken.set(s.slotStart.getTime(), (taken.get(s.slotStart.getTime()) ?? 0) + 1);
    }
    return slots.map((s) => ({ ...s, capacity: site.capacity, remaining: Math.max(0, site.capacity - (taken.get(Date.parse(s.start)) ?? 0)) }));
  }

  // ---- bookings ----------------------------------------------------------------------------

  async book(req: BookRequest, now = new Date()): Promise<{ booking: BookingView; created: boolean }> {
    const { Bookings } = await this.models();
    const start = new Date(req.start);
    const requestHash = createHash('sha256')
      .update(JSON.stringify([req.siteCode, Number.isNaN(start.getTime()) ? String(req.start) : start.toISOString(), req.purpose, req.refId ?? null, req.userId]))
      .digest('hex');
    return this.locks.withLock(`slot-booking:${req.key}`, async () => {
      const existing = await Bookings.findOne({ idemKey: req.key }).lean<BookingDoc>();
      if (existing && existing.requestHash !== requestHash) throw new AppError(409, 'IDEMPOTENCY_KEY_REUSED', '该请求编号已用于另一预约', { id: existing._id });
      if (existing && existing.status !== 'pending') return { booking: presentBooking(existing), created: false };

      const site = await this.requireSite(req.siteCode, req.siteKind);
      const check = checkSlot(scheduleOf(site), start, now);
      if (!check.ok) {
        if (existing) await Bookings.deleteOne({ _id: existing._id, status: 'pending' });
        if (check.reason === 'SLOT_IN_PAST') throw new AppError(422, 'SLOT_IN_PAST', '该时段已过，请选择其他时段', { start: req.start });
        const why = { SITE_CLOSED: '该网点当天休息', NOT_A_SLOT: '该时间不是可预约的时段', TOO_FAR_AHEAD: `只能预约 ${site.bookingWindowDays} 天内的时段` }[check.reason];
        throw new AppError(422, 'SLOT_NOT_OFFERED', why, { reason: check.reason, start: req.start });
      }
      const slotStart = new Date(check.slot.start);
      const date = shanghaiDate(slotStart);
      // 1. The booking, pending (a retry after a crash finds it and carries on).
      const id = existing?._id ?? randomUUID();
      if (!existing) {
        await Bookings.create({
          _id: id,
          idemKey: req.key,
          requestHash,
          userId: req.userId,
          siteCode: site.code,
          date,
          slotStart,
          slotEnd: new Date(check.slot.end),
          purpose: req.purpose,
          refId: req.refId ?? null,
          note: req.note ?? null,
          status: 'pending',
          seatId: '-',
        });
      }
      // 2. A seat; none left → the booking never existed.
      const seat = await this.takeSeat(site, slotStart, date, id);
      if (!seat) {
        await Bookings.deleteOne({ _id: id, status: 'pending' });
        throw new AppError(409, 'SLOT_FULL', '该时段已约满，请选择其他时段', { start: check.slot.start });
      }
      // 3. Booked (only this request, under the key's lock, writes this document now).
      await Bookings.updateOne({ _id: id }, { $set: { status: 'booked', seatId: seat } });
      return { booking: presentBooking((await Bookings.findById(id).lean<BookingDoc>())!), created: true };
    });
  }

  /** Insert a seat for the booking into a free seat number; null when the slot is full. */
  private async takeSeat(site: SiteDoc, slotStart: Date, date: string, bookingId: string): Promise<string | null> {
    const { Seats } = await this.models();
    const mine = await Seats.findOne({ bookingId }, '_id').lean<{ _id: string }>();
    if (mine) return mine._id;
    const taken = new Set((await Seats.find({ siteCode: site.code, date }, '_id').lean<Array<{ _id: string }>>()).map((s) => s._id));
    for (let n = 0; n < site.capacity; n++) {
      const _id = seatId(site.code, slotStart, n);
      if (taken.has(_id)) continue;
      try {
        await Seats.create({ _id, siteCode: site.code, date, slotStart, bookingId });
        return _id;
      } catch (err) {
        if (!isDuplicate(err)) throw err; // another booking won this seat: try the next one
      }
    }
    return null;
  }

  /** The booking a request key made (null: none yet). */
  async findByKey(key: string): Promise<BookingView | null> {
    const { Bookings } = await this.models();
    const b = await Bookings.findOne({ idemKey: key }).lean<BookingDoc>();
    return b && b.status !== 'pending' ? presentBooking(b) : null;
  }

  async get(id: string): Promise<BookingView | null> {
    const { Bookings } = await this.models();
    const b = await Bookings.findById(id).lean<BookingDoc>();
    return b && b.status !== 'pending' ? presentBooking(b) : null;
  }

  /**
   * Cancel a booking and free its seat. Repeatable (a cancelled booking answers as it is).
   * With `userId`, another person's booking is 404. A slot that has started cannot be cancelled.
   */
  async cancel(id: string, opts: { userId?: string; by?: string } = {}, now = new Date()): Promise<BookingView> {
    return this.release(id, opts, null, now);
  }

  /** Cancel (or, with `movedTo`, mark as replaced by another booking) and free the seat. */
  private async release(id: string, opts: { userId?: string; by?: string }, movedTo: string | null, now: Date): Promise<BookingView> {
    const { Bookings, Seats } = await this.models();
    return this.locks.withLock(`slot-booking-id:${id}`, async () => {
      const b = await Bookings.findById(id).lean<BookingDoc>();
      if (!b || b.status === 'pending' || (opts.userId && b.userId !== opts.userId)) throw notFound('预约', { id });
      if (b.status === 'cancelled') {
        // Finish a cancellation (or a move) that crashed before freeing the seat / naming its replacement.
        if (movedTo && !b.movedTo) await Bookings.updateOne({ _id: id }, { $set: { movedTo } });
        await Seats.deleteOne({ bookingId: id });
        return presentBooking((await Bookings.findById(id).lean<BookingDoc>())!);
      }
      if (b.slotStart.getTime() <= now.getTime()) throw new AppError(409, 'BOOKING_STATE_INVALID', '预约时段已开始，无法取消', { id });
      await Bookings.updateOne({ _id: id }, { $set: { status: 'cancelled', cancelledAt: now, cancelledBy: opts.by ?? opts.userId ?? null, ...(movedTo ? { movedTo } : {}) } });
      await Seats.deleteOne({ bookingId: id });
      return presentBooking((await Bookings.findById(id).lean<BookingDoc>())!);
    });
  }

  /**
   * Move a booking to another slot of the same site: a new booking (same purpose, refId, note and
   * person; its own seat, so no double booking) replaces it, and the old one is cancelled with
   * `movedTo` naming the new one. Idempotent by `key` (namespace it like a booking's): a retry
   * answers the same new booking and finishes a move that crashed half-way. A slot that has
   * started cannot be moved (409 BOOKING_STATE_INVALID); the new slot is refused as a booking's is.
   */
  async reschedule(id: string, req: { start: string | Date; key: string; userId: string; siteKind?: SiteKind }, now = new Date()): Promise<{ booking: BookingView; previous: BookingView }> {
    const { Bookings } = await this.models();
    const old = await Bookings.findById(id).lean<BookingDoc>();
    if (!old || old.status === 'pending' || old.userId !== req.userId) throw notFound('预约', { id });
    const done = await this.findByKey(req.key);
    if (done && done.id === id) return { booking: done, previous: done }; // this is the booking a move made; moved already
    if (!done) {
      if (old.status === 'cancelled') throw new AppError(409, 'BOOKING_STATE_INVALID', old.movedTo ? '该预约已改期' : '预约已取消，请重新预约', { id, movedTo: old.movedTo ?? null });
      if (old.slotStart.getTime() <= now.getTime()) throw new AppError(409, 'BOOKING_STATE_INVALID', '预约时段已开始，无法改期', { id });
      if (new Date(req.start).getTime() === old.slotStart.getTime()) throw new AppError(409, 'CONFLICT', '新时段与原时段相同，请选择其他时段', { id });
    }
    const { booking } = await this.book({ siteCode: old.siteCode, start: req.start, purpose: old.purpose, refId: old.refId, note: old.note, userId: req.userId, key: req.key, siteKind: req.siteKind }, now);
    const previous = await this.release(id, { userId: req.userId, by: req.userId }, booking.id, now);
    return { booking, previous };
  }

  async listForUser(userId: string, opts: { purpose?: string } = {}): Promise<BookingView[]> {
    const { Bookings } = await this.models();
    const docs = await Bookings.find({ userId, ...(opts.purpose ? { purpose: opts.purpose } : {}) }).sort({ slotStart: -1 }).limit(100).lean<BookingDoc[]>();
    return docs.filter((b) => b.status !== 'pending').map(presentBooking);
  }

  async listForSite(siteCode: string, date: string, opts: { purpose?: string } = {}): Promise<BookingView[]> {
    const { Bookings } = await this.models();
    const docs = await Bookings.find({ siteCode, date }).lean<BookingDoc[]>();
    return docs
      .filter((b) => b.status !== 'pending' && (!opts.purpose || b.purpose === opts.purpose))
      .sort((a, b) => a.slotStart.getTime() - b.slotStart.getTime())
      .map(presentBooking);
  }

  /** Of these refs (e.g. vehicle ids), those with a booking of this purpose that has not ended yet. */
  async refsWithUpcoming(purpose: string, refIds: string[], now = new Date()): Promise<Set<string>> {
    if (refIds.length === 0) return new Set();
    const { Bookings } = await this.models();
    const docs = await Bookings.find({ refId: { $in: refIds }, purpose, status: 'booked' }, { refId: 1, slotEnd: 1 }).lean<{ refId: string; slotEnd: Date | string }[]>();
    return new Set(docs.filter((d) => new Date(d.slotEnd).getTime() > now.getTime()).map((d) => d.refId));
  }

  async activeForRef(purpose: string, refId: string): Promise<BookingView[]> {
    const { Bookings } = await this.models();
    const docs = await Bookings.find({ refId, purpose, status: 'booked' }).lean<BookingDoc[]>();
    return docs.map(presentBooking);
  }
}
