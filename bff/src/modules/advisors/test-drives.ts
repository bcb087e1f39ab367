import { createHash } from 'node:crypto';
import { Schema, Types, type Connection } from 'mongoose';
import { maskName, maskPhone, shanghaiDate, slotLabelCN } from '@carmall/shared-types';
import type { TestDriveCreateRequest } from '@carmall/shared-types/schemas';
import { AppError, notFound, validationFailed } from '../../infra/errors';
import type { PiiCipher } from '../../infra/crypto';
import type { Locks } from '../../infra/lock';
import type { Logger } from '../../infra/logger';
import type { AuthedUser } from '../auth/session';
import type { BookingEvent, BookingNoticeService, BookingSnapshot } from '../booking-notices/service';
import type { CatalogService } from '../catalog/service';
import type { LeadService } from './leads';
import type { ShareService } from './service';
import { presentSite, type SlotService } from '../slots/service';

/** A store as buyers see it (a mobile phone masked; the switchboard landline as it is). */
export interface StoreView {
  code: string;
  name: string;
  city: string;
  address: string;
  phone: string | null;
  /** "周一至周日 10:00–17:00" lines, Shanghai time. */
  hours: string[];
}

const SLOT_REFUSALS = new Set(['SLOT_FULL', 'SLOT_IN_PAST', 'SLOT_NOT_OFFERED']);

/**
 * Test drives book cars at stores through the shared slot module (sites of kind 'store'; no double
 * booking, idempotent by key, cancellation frees the seat). Its refusals (full, past, not a slot)
 * are one code here, SLOT_UNAVAILABLE, with the slot module's reason in details.
 */
export class StoreSlots {
  constructor(private readonly service: SlotService) {}

  async stores(city?: string): Promise<StoreView[]> {
    return (await this.service.listSites({ kind: 'store', city })).map((s) => this.view(s));
  }

  async store(code: string): Promise<StoreView | null> {
    const s = await this.service.site(code, 'store');
    return s ? this.view(s) : null;
  }

  private view(site: Parameters<typeof presentSite>[0]): StoreView {
    const { code, name, city, address, phone, hours } = presentSite(site);
    return { code, name, city, address, phone, hours };
  }

  /** Every slot of the day with its availability (the slot module leaves past slots out). */
  async daySlots(storeCode: string, date: string) {
    const site = (await this.service.site(storeCode, 'store'))!;
    return (await this.service.listSlots(site, date)).map((s) => ({ start: s.start, end: s.end, label: s.label, available: s.remaining > 0 }));
  }

  async book(input: { storeCode: string; start: Date; key: string; userId: string; refId: string }) {
    try {
      const { booking } = await this.service.book({ siteCode: input.storeCode, siteKind: 'store', start: input.start, purpose: 'test_drive', refId: input.refId, userId: input.userId, key: input.key });
      return { bookingId: booking.id, start: new Date(booking.slotStart), end: new Date(booking.slotEnd) };
    } catch (err) {
      if (err instanceof AppError && SLOT_REFUSALS.has(err.code))
        throw new AppError(409, 'SLOT_UNAVAILABLE', err.message, { reason: err.code, ...(err.details as object) });
      throw err;
    }
  }

  async cancel(bookingId: string, userId: string) {
    try {
      await this.service.cancel(bookingId, { userId });
    } catch (err) {
      if (err instanceof AppError && err.code === 'BOOKING_STATE_INVALID') throw new AppError(409, 'TEST_DRIVE_STATE_INVALID', '试驾时段已开始，无法取消');
      throw err;
    }
  }

  /** Move the booking to another slot of its store: a new slot booking (its id), the old one freed. */
  async reschedule(bookingId: string, input: { start: Date; key: string; userId: string }) {
    try {
      const { booking } = await this.service.reschedule(bookingId, { start: input.start, key: input.key, userId: input.userId, siteKind: 'store' });
      return { bookingId: booking.id, start: new Date(booking.slotStart), end: new Date(booking.slotEnd) };
    } catch (err) {
      if (err instanceof AppError && SLOT_REFUSALS.has(err.code))
        throw new AppError(409, 'SLOT_UNAVAILABLE', err.message, { reason: err.code, ...(err.details as object) });
      if (err instanceof AppError && err.code === 'BOOKING_STATE_INVALID') throw new AppError(409, 'TEST_DRIVE_STATE_INVALID', '试驾时段已开始，无法改期');
      throw err;
    }
  }
}

const testDriveSchema = new Schema(
  {
    buyerUserId: { type: String, required: true },
    idempotencyKey: { type: String, required: true },
    requestHash: { type: String, required: true },
    status: { type: String, required: true, enum: ['booked', 'cancelled', 'completed'] },
    storeCode: { type: String, required: true },
    slotStart: { type: Date, required: true },
    slotEnd: { type: Date, required: true },
    bookingId: { type: String, required: true },
    modelCode: { type: String, required: true },
    modelName: { type: String, required: true },
    /** Set when the buyer moved it to another slot (bookingId then names the new slot booking). */
    rescheduledAt: { type: Date },
    /** Encrypted (PiiCipher, AAD bound to this booking). */
    contact: { name: { type: String }, phone: { type: String } },
  },
  { timestamps: true, collection: 'test_drives' },
);
testDriveSchema.index({ buyerUserId: 1, idempotencyKey: 1 }, { unique: true });
testDriveSchema.index({ buyerUserId: 1, slotStart: -1 });
testDriveSchema.index({ bookingId: 1 });
export const testDriveModel = (conn: Connection) => conn.models.TestDrive ?? conn.model('TestDrive', testDriveSchema);

interface TestDriveDoc {
  _id: Types.ObjectId;
  buyerUserId: string;
  idempotencyKey: string;
  requestHash: string;
  status: 'booked' | 'cancelled' | 'completed';
  storeCode: string;
  slotStart: Date;
  slotEnd: Date;
  bookingId: string;
  modelCode: string;
  modelName: string;
  rescheduledAt?: Date;
  contact: { name?: string; phone?: string };
  createdAt: Date;
}

/**
 * Test-drive bookings: a buyer picks a store and a slot (booked through the slot module: no double
 * booking), the booking is idempotent per buyer + Idempotency-Key, and it becomes a lead of the
 * advisor the attribution rule credits (else the store's unassigned lead).
 */
export class TestDriveService {
  constructor(
    private readonly conn: Connection,
    private readonly slots: StoreSlots,
    private readonly catalog: CatalogService,
    private readonly shares: ShareService,
    private readonly leads: LeadService,
    private readonly cipher: PiiCipher,
    private readonly locks: Locks,
    private readonly logger: Logger,
    /** Confirmations and reminders (set in app.ts); the booking-notices module asks `noticeSnapshot` back. */
    public notices: Pick<BookingNoticeService, 'changed' | 'movedAway'> | null = null,
  ) {}

  get TestDrives() {
    return testDriveModel(this.conn);
  }

  stores(city?: string) {
    return this.slots.stores(city).then((items) => ({ items }));
  }

  async slotsOf(storeCode: string, date: string | undefined) {
    const store = await this.slots.store(storeCode);
    if (!store) throw notFound('门店', { storeCode });
    const today = shanghaiDate(new Date());
    const day = date ?? today;
    const last = shanghaiDate(Date.now() + 30 * 86_400_000);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`)) || day < today || day > last)
      throw validationFailed('只能查询今天起 30 天内的日期', [{ in: 'query', path: 'date', message: `${today} 至 ${last}`, code: 'out_of_range' }]);
    return { store, date: day, slots: await this.slots.daySlots(storeCode, day) };
  }

  async book(user: AuthedUser, idempotencyKey: string, req: TestDriveCreateRequest) {
    const requestHash = createHash('sha256').update(JSON.stringify([req.storeCode, new Date(req.slotStart).toISOString(), req.modelCode, req.contactName, req.phone ?? null])).digest('hex');
    const existing = await this.TestDrives.findOne({ buyerUserId: user.id, idempotencyKey }).lean<TestDriveDoc>();
    if (existing) return this.replay(existing, requestHash);

    const { summary } = await this.catalog.getModel(req.modelCode);
    const store = await this.slots.store(req.storeCode);
    if (!store) throw notFound('门店', { storeCode: req.storeCode });
    const phone = req.phone ?? (await this.leads.contactOf(user.id)).phone;
    if (!phone) throw validationFailed('请填写手机号', [{ in: 'body', path: 'phone', message: '账号未绑定手机号，请填写', code: 'required' }]);
    if (req.visitorId) await this.shares.bindVisitor(req.visitorId, user.id);

    // The id follows from buyer + key, so a retry (or a racing duplicate) asks the slot module for the same booking.
    const id = new Types.ObjectId(createHash('sha256').update(`${user.id}:${idempotencyKey}`).digest('hex').slice(0, 24));
    const booking = await this.slots.book({ storeCode: store.code, start: new Date(req.slotStart), key: `test-drive:${user.id}:${idempotencyKey}`, userId: user.id, refId: String(id) });
    try {
      await this.TestDrives.create({
        _id: id,
        buyerUserId: user.id,
        idempotencyKey,
        requestHash,
        status: 'booked',
        storeCode: store.code,
        slotStart: booking.start,
        slotEnd: booking.end,
        bookingId: booking.bookingId,
        modelCode: summary.code,
        modelName: summary.name,
        contact: { name: this.cipher.encrypt(req.contactName, `test_drives/${id}/name`), phone: this.cipher.encrypt(phone, `test_drives/${id}/phone`) },
      });
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
      // The same key raced us: the slot module answered both with the one booking; answer the winner.
      return this.replay((await this.TestDrives.findOne({ buyerUserId: user.id, idempotencyKey }).lean<TestDriveDoc>())!, requestHash);
    }
    const doc = (await this.TestDrives.findById(id).lean<TestDriveDoc>())!;
    await this.toLead(doc, req.contactName, phone);
    await this.notify(doc, 'booked', store);
    return this.present(doc, store);
  }

  private async replay(doc: TestDriveDoc, requestHash: string) {
    if (doc.requestHash !== requestHash) throw new AppError(409, 'IDEMPOTENCY_KEY_REUSED', '该请求编号已用于另一预约', { id: String(doc._id) });
    // A crash between the booking and its lead (or its notices) is repaired by the retry (both are idempotent).
    const contact = this.contactOf(doc);
    await this.toLead(doc, contact.name ?? '', contact.phone);
    // Still the booking this request made (not cancelled or moved since): its confirmation, once.
    if (doc.status === 'booked' && !doc.rescheduledAt) await this.notify(doc, 'booked');
    return this.present(doc);
  }

  /** The booking as the booking-notices module sees it. */
  private snapshot(doc: TestDriveDoc, store: StoreView | null): BookingSnapshot {
    return {
      kind: 'test_drive',
      id: doc.bookingId,
      userId: doc.buyerUserId,
      status: doc.status,
      start: new Date(doc.slotStart),
      end: new Date(doc.slotEnd),
      subject: `试驾 ${doc.modelName}`,
      place: { name: store?.name ?? doc.storeCode, address: store?.address ?? '' },
      bring: '驾驶证原件',
      manage: '我的试驾',
      page: 'packages/sales/pages/my-test-drives',
    };
  }

  private async notify(doc: TestDriveDoc, event: BookingEvent, store?: StoreView | null) {
    if (!this.notices) return;
    await this.notices.changed(this.snapshot(doc, store ?? (await this.slots.store(doc.storeCode))), event);
  }

  /**
   * For the booking-notices module, when a reminder is due: the test drive that holds this slot
   * booking now (null once it was moved to another slot: its bookingId is then another).
   */
  async noticeSnapshot(slotBookingId: string): Promise<BookingSnapshot | null> {
    const doc = await this.TestDrives.findOne({ bookingId: slotBookingId }).lean<TestDriveDoc>();
    return doc ? this.snapshot(doc, await this.slots.store(doc.storeCode)) : null;
  }

  private async toLead(doc: TestDriveDoc, name: string, phone: string | null) {
    const credit = await this.shares.attributionFor(doc.buyerUserId, doc.createdAt);
    await this.leads.create(
      {
        naturalKey: `test_drive:${doc._id}`,
        kind: 'test_drive',
        buyerUserId: doc.buyerUserId,
        modelCode: doc.modelCode,
        modelName: doc.modelName,
        storeCode: doc.storeCode,
        contact: { name, phone },
        testDrive: this.leadView(doc),
      },
      credit,
    );
  }

  private leadView(doc: TestDriveDoc) {
    return { id: String(doc._id), slotStart: doc.slotStart.toISOString(), slotLabel: slotLabelCN(doc.slotStart, doc.slotEnd), status: doc.status };
  }

  private contactOf(doc: TestDriveDoc) {
    const read = (f: 'name' | 'phone') => (doc.contact?.[f] ? this.cipher.decrypt(doc.contact[f]!, `test_drives/${doc._id}/${f}`) : null);
    return { name: read('name'), phone: read('phone') };
  }

  async listMine(user: AuthedUser) {
    const docs = await this.TestDrives.find({ buyerUserId: user.id }).sort({ slotStart: -1 }).limit(100).lean<TestDriveDoc[]>();
    const stores = new Map<string, StoreView | null>();
    for (const d of docs) if (!stores.has(d.storeCode)) stores.set(d.storeCode, await this.slots.store(d.storeCode));
    return { items: await Promise.all(docs.map((d) => this.present(d, stores.get(d.storeCode) ?? undefined))) };
  }

  /** Cancel my booking (repeatable); the slot is freed and the advisor's lead shows it cancelled. */
  async cancel(user: AuthedUser, id: string) {
    const doc = await this.locks.withLock(`test-drive:${id}`, async () => {
      const d = await this.TestDrives.findOne({ _id: id, buyerUserId: user.id }).lean<TestDriveDoc>();
      if (!d) throw notFound('试驾预约', { id });
      if (d.status === 'cancelled') return d;
      if (d.status === 'completed') throw new AppError(409, 'TEST_DRIVE_STATE_INVALID', '试驾已完成，不能取消');
      await this.slots.cancel(d.bookingId, user.id);
      await this.TestDrives.updateOne({ _id: d._id }, { $set: { status: 'cancelled' } });
      return { ...d, status: 'cancelled' as const };
    });
    await this.leads.syncTestDrive(`test_drive:${doc._id}`, this.leadView(doc)).catch((err: Error) => this.logger.warn({ err: err.message }, 'lead not updated after cancellation'));
    await this.notify(doc, 'cancelled'); // a repeated cancel repeats nothing (one notice per slot booking)
    return this.present(doc);
  }

  /**
   * Move my test drive to another slot of the same store (Idempotency-Key: a retry answers the
   * same move). The slot module books the new slot (never double booked) and frees the old one;
   * the lead shows the new time; the buyer is told (「预约已改期」) and reminded of the new time only.
   */
  async reschedule(user: AuthedUser, id: string, idempotencyKey: string, req: { slotStart: string }) {
    const { doc, movedFrom } = await this.locks.withLock(`test-drive:${id}`, async () => {
      const d = Types.ObjectId.isValid(id) ? await this.TestDrives.findOne({ _id: id, buyerUserId: user.id }).lean<TestDriveDoc>() : null;
      if (!d) throw notFound('试驾预约', { id });
      if (d.status !== 'booked') throw new AppError(409, 'TEST_DRIVE_STATE_INVALID', d.status === 'completed' ? '试驾已完成，不能改期' : '试驾已取消，请重新预约');
      const moved = await this.slots.reschedule(d.bookingId, { start: new Date(req.slotStart), key: `test-drive-reschedule:${user.id}:${idempotencyKey}`, userId: user.id });
      if (moved.bookingId === d.bookingId) return { doc: d, movedFrom: null }; // a retry of a move that is done
      const set = { bookingId: moved.bookingId, slotStart: moved.start, slotEnd: moved.end, rescheduledAt: new Date() };
      await this.TestDrives.updateOne({ _id: d._id }, { $set: set });
      return { doc: { ...d, ...set }, movedFrom: d.bookingId };
    });
    await this.leads.syncTestDrive(`test_drive:${doc._id}`, this.leadView(doc)).catch((err: Error) => this.logger.warn({ err: err.message }, 'lead not updated after rescheduling'));
    await this.notify(doc, 'rescheduled');
    if (movedFrom) await this.notices?.movedAway('test_drive', movedFrom);
    return this.present(doc);
  }

  async present(doc: TestDriveDoc, store?: StoreView) {
    const s: StoreView = store ?? (await this.slots.store(doc.storeCode)) ?? { code: doc.storeCode, name: doc.storeCode, city: '', address: '', phone: null, hours: [] };
    const contact = this.contactOf(doc);
    return {
      id: String(doc._id),
      status: doc.status,
      store: s,
      modelCode: doc.modelCode,
      modelName: doc.modelName,
      slotStart: doc.slotStart.toISOString(),
      slotEnd: doc.slotEnd.toISOString(),
      slotLabel: slotLabelCN(doc.slotStart, doc.slotEnd),
      // The buyer typed these, but the answer still travels masked (PIPL: masked in every response).
      contactName: contact.name ? maskName(contact.name) : '',
      phone: contact.phone ? maskPhone(contact.phone) : null,
      createdAt: new Date(doc.createdAt).toISOString(),
    };
  }
}
