import { AppError, forbidden, notFound, validationFailed } from '../../infra/errors';
import type { Locks } from '../../infra/lock';
import type { BookingEvent, BookingNoticeService, BookingSnapshot } from '../booking-notices/service';
import type { UserService } from '../users/service';
import type { VehicleService } from '../vehicles/service';
import { presentSite, type BookingView, type SiteDoc, type SlotService } from '../slots/service';

/** The slot module's `purpose` for maintenance visits. */
export const SERVICE_PURPOSE = 'service';

export interface ServiceBookingView {
  id: string;
  status: 'booked' | 'cancelled';
  site: { code: string; name: string; city: string; address: string; phone: string | null };
  vehicle: { id: string; modelName: string; vin: string } | null;
  slotStart: string;
  slotEnd: string;
  slotLabel: string;
  note: string | null;
  createdAt: string;
  cancelledAt: string | null;
  /** Rescheduled: the booking that replaced this (cancelled) one. */
  movedTo: string | null;
  /** Still cancellable by the owner (booked and not started). */
  cancellable: boolean;
}

/**
 * Owners book a maintenance visit for one of their cars at a service centre, through the slot
 * module (seats, no double booking, idempotency). One upcoming booking per car: a second one is
 * 409 CONFLICT (cancel the first), so a car never takes two bays.
 */
export class ServiceBookingService {
  constructor(
    private readonly slots: SlotService,
    private readonly vehicles: VehicleService,
    private readonly users: UserService,
    private readonly locks: Locks,
    /** Confirmations and reminders (set in app.ts); the booking-notices module asks `noticeSnapshot` back. */
    public notices: Pick<BookingNoticeService, 'changed' | 'movedAway'> | null = null,
  ) {}

  async book(userId: string, idempotencyKey: string, req: { vehicleId: string; siteCode: string; slotStart: string; note?: string | null }, now = new Date()) {
    const key = `${SERVICE_PURPOSE}:${userId}:${idempotencyKey}`;
    const vehicle = await this.vehicles.getOwned(userId, req.vehicleId); // 404 unless it is my car
    // One car, one upcoming visit: decided under the car's lock so two taps cannot both pass the check.
    const result = await this.locks.withLock(`service-booking:${req.vehicleId}`, async () => {
      if (!(await this.slots.findByKey(key))) {
        const upcoming = (await this.slots.activeForRef(SERVICE_PURPOSE, req.vehicleId)).find((b) => Date.parse(b.slotEnd) > now.getTime());
        if (upcoming) throw new AppError(409, 'CONFLICT', `该车已预约 ${upcoming.slotLabel} 的保养，如需改期请先取消`, { bookingId: upcoming.id });
      }
      return this.slots.book({ siteCode: req.siteCode, start: req.slotStart, purpose: SERVICE_PURPOSE, refId: req.vehicleId, note: req.note ?? null, userId, key, siteKind: 'service' }, now);
    });
    // Also on a retry (repairs a crash before the notices; nothing is sent twice), unless it was cancelled or moved since.
    if (result.booking.status === 'booked') await this.notify(result.booking, 'booked', vehicle.modelName, now);
    return { created: result.created, booking: await this.present(result.booking, new Map([[String(vehicle._id), vehicle]]), now) };
  }

  /**
   * Move my booking to another slot of the same centre (Idempotency-Key: a retry answers the same
   * move). The slot module books the new slot (no double booking) and frees the old one; the
   * answer is the new booking (a new id), the owner is told (「预约已改期」) and reminded of it only.
   */
  async reschedule(userId: string, id: string, idempotencyKey: string, req: { slotStart: string }, now = new Date()) {
    const b = await this.slots.get(id);
    if (!b || b.purpose !== SERVICE_PURPOSE || b.userId !== userId) throw notFound('预约', { id });
    const { booking } = await this.slots.reschedule(id, { start: req.slotStart, key: `${SERVICE_PURPOSE}-reschedule:${userId}:${idempotencyKey}`, userId, siteKind: 'service' }, now);
    if (booking.status === 'booked') await this.notify(booking, 'rescheduled', undefined, now);
    if (booking.id !== id) await this.notices?.movedAway('service', id);
    return this.present(booking, undefined, now);
  }

  private async notify(b: BookingView, event: BookingEvent, modelName?: string, now = new Date()) {
    if (!this.notices) return;
    await this.notices.changed(await this.snapshot(b, modelName), event, now);
  }

  private async snapshot(b: BookingView, modelName?: string): Promise<BookingSnapshot> {
    const site = await this.slots.site(b.siteCode);
    const name = modelName ?? (b.refId ? (await this.vehicles.get(b.refId))?.modelName : undefined) ?? '爱车';
    return {
      kind: 'service',
      id: b.id,
      userId: b.userId,
      status: b.status,
      start: new Date(b.slotStart),
      end: new Date(b.slotEnd),
      subject: `保养 ${name}`,
      place: { name: site?.name ?? b.siteCode, address: site?.address ?? '' },
      bring: '行驶证',
      manage: '我的保养预约',
      page: 'packages/garage/pages/bookings',
      ...(b.refId ? { vehicleId: b.refId } : {}),
    };
  }

  /** For the booking-notices module, when a reminder is due: this booking as it is now (cancelled or moved: so it says). */
  async noticeSnapshot(id: string): Promise<BookingSnapshot | null> {
    const b = await this.slots.get(id);
    return b && b.purpose === SERVICE_PURPOSE ? this.snapshot(b) : null;
  }

  /** Of these cars, those already booked in for a service (the due-service reminder skips them). */
  async carsWithUpcomingVisit(vehicleIds: string[], now = new Date()): Promise<Set<string>> {
    return this.slots.refsWithUpcoming(SERVICE_PURPOSE, vehicleIds, now);
  }

  async mine(userId: string, now = new Date()) {
    const bookings = await this.slots.listForUser(userId, { purpose: SERVICE_PURPOSE });
    return Promise.all(bookings.map((b) => this.present(b, undefined, now)));
  }

  async cancel(userId: string, id: string, now = new Date()) {
    const b = await this.slots.get(id);
    if (!b || b.purpose !== SERVICE_PURPOSE || b.userId !== userId) throw notFound('预约', { id });
    const cancelled = await this.slots.cancel(id, { userId, by: userId }, now);
    // A booking moved to another slot was not cancelled by its owner: nothing to tell.
    if (!cancelled.movedTo) await this.notify(cancelled, 'cancelled', undefined, now);
    return this.present(cancelled, undefined, now);
  }

  /** Staff: a centre's bookings of a day. Staff assigned to a centre see only theirs; brand-wide staff and admins any. */
  async forCentre(staff: { id: string; roles: string[] }, siteCode: string | undefined, date: string, now = new Date()) {
    const assigned = staff.roles.includes('admin') ? null : await this.slots.staffSite(staff.id);
    if (assigned && siteCode && siteCode !== assigned) throw forbidden('只能查看本服务中心的预约');
    const code = siteCode ?? assigned;
    if (!code) throw validationFailed('请选择服务中心', [{ in: 'query', path: 'siteCode', message: '请选择服务中心', code: 'required' }]);
    const site = await this.slots.requireSite(code, 'service');
    const bookings = await this.slots.listForSite(code, date, { purpose: SERVICE_PURPOSE });
    const owners = new Map<string, { phone: string | null; realName: string | null }>();
    for (const id of new Set(bookings.map((b) => b.userId))) {
      owners.set(id, await this.users.adminGet(id).then((u) => ({ phone: u.phone, realName: u.realName })).catch(() => ({ phone: null, realName: null })));
    }
    const items = await Promise.all(bookings.map(async (b) => ({ ...(await this.present(b, undefined, now, site)), owner: owners.get(b.userId)! })));
    return { site: presentSite(site), date, assignedSite: assigned, items };
  }

  private async present(b: BookingView, cars?: Map<string, { _id: unknown; modelName: string; vin: string }>, now = new Date(), siteDoc?: SiteDoc): Promise<ServiceBookingView> {
    const site = siteDoc ?? (await this.slots.site(b.siteCode));
    const car = b.refId ? (cars?.get(b.refId) ?? (await this.vehicles.get(b.refId))) : null;
    const s = site ? presentSite(site) : null;
    return {
      id: b.id,
      status: b.status,
      site: { code: b.siteCode, name: s?.name ?? b.siteCode, city: s?.city ?? '', address: s?.address ?? '', phone: s?.phone ?? null },
      vehicle: car && b.refId ? { id: b.refId, modelName: car.modelName, vin: car.vin } : null,
      slotStart: b.slotStart,
      slotEnd: b.slotEnd,
      slotLabel: b.slotLabel,
      note: b.note,
      createdAt: b.createdAt,
      cancelledAt: b.cancelledAt,
      movedTo: b.movedTo,
      cancellable: b.status === 'booked' && Date.parse(b.slotStart) > now.getTime(),
    };
  }
}
