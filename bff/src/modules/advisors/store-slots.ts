import { Schema, type Connection } from 'mongoose';
import { maskPhone } from '@carmall/shared-types';
import { AppError } from '../../infra/errors';
import type { Locks } from '../../infra/lock';
import type { StoreView, TestDriveSlotPort } from './test-drives';

/**
 * Stores and their test-drive slots (hourly, 10:00–17:00 Shanghai, `capacity` cars per slot).
 * No double booking: a booking is the insert of a hold into one of the slot's `capacity` places
 * (`_id` = store:start:place, unique), which is atomic on FerretDB too.
 */
const storeSchema = new Schema(
  {
    code: { type: String, required: true, unique: true },
    name: { type: String, required: true },
    city: { type: String, required: true },
    address: { type: String, required: true },
    /** The store's switchboard (a business number, still shown masked). */
    phone: { type: String, default: null },
    capacity: { type: Number, required: true },
    openHour: { type: Number, required: true },
    closeHour: { type: Number, required: true },
  },
  { collection: 'stores', versionKey: false },
);
storeSchema.index({ city: 1 });
const holdSchema = new Schema(
  {
    _id: { type: String, required: true },
    storeCode: { type: String, required: true },
    start: { type: Date, required: true },
    key: { type: String, required: true, unique: true },
    holder: { type: String, required: true },
  },
  { collection: 'test_drive_holds', versionKey: false, timestamps: true },
);
holdSchema.index({ storeCode: 1, start: 1 });
export const storeModel = (conn: Connection) => conn.models.Store ?? conn.model('Store', storeSchema);
const holdModel = (conn: Connection) => conn.models.TestDriveHold ?? conn.model('TestDriveHold', holdSchema);

interface StoreDoc {
  code: string;
  name: string;
  city: string;
  address: string;
  phone: string | null;
  capacity: number;
  openHour: number;
  closeHour: number;
}

export const DEMO_STORES: StoreDoc[] = [
  { code: 'SH-JINGAN', name: '远山汽车 上海静安体验中心', city: '上海', address: '上海市静安区南京西路 1266 号', phone: '021-62881234', capacity: 2, openHour: 10, closeHour: 17 },
  { code: 'SH-PUDONG', name: '远山汽车 上海浦东交付中心', city: '上海', address: '上海市浦东新区世纪大道 8 号', phone: '021-58881234', capacity: 2, openHour: 10, closeHour: 17 },
  { code: 'BJ-CHAOYANG', name: '远山汽车 北京朝阳体验中心', city: '北京', address: '北京市朝阳区建国路 87 号', phone: '010-65881234', capacity: 2, openHour: 10, closeHour: 17 },
  { code: 'GZ-TIANHE', name: '远山汽车 广州天河体验中心', city: '广州', address: '广州市天河区天河路 383 号', phone: '020-38881234', capacity: 2, openHour: 10, closeHour: 17 },
];

export async function seedDemoStores(conn: Connection) {
  const Stores = storeModel(conn);
  await Stores.init();
  await Stores.bulkWrite(DEMO_STORES.map((s) => ({ updateOne: { filter: { code: s.code }, update: { $set: s }, upsert: true } })));
}

const H = 3_600_000;
/** UTC instant of hh:00 on a Shanghai date. */
const shanghaiHour = (date: string, hh: number) => new Date(Date.parse(`${date}T00:00:00Z`) - 8 * H + hh * H);

export class StoreSlots implements TestDriveSlotPort {
  constructor(
    private readonly conn: Connection,
    private readonly locks: Locks,
  ) {}

  private view(s: StoreDoc): StoreView {
    return { code: s.code, name: s.name, city: s.city, address: s.address, phone: s.phone ? maskPhone(s.phone) : null };
  }

  async stores(city?: string) {
    const docs = await storeModel(this.conn).find(city ? { city } : {}).sort({ code: 1 }).lean<StoreDoc[]>();
    return docs.map((s) => this.view(s));
  }

  private doc(code: string) {
    return storeModel(this.conn).findOne({ code }).lean<StoreDoc>();
  }

  async store(code: string) {
    const s = await this.doc(code);
    return s ? this.view(s) : null;
  }

  async slots(storeCode: string, date: string) {
    const s = (await this.doc(storeCode))!;
    const holds = await holdModel(this.conn).find({ storeCode, start: { $gte: shanghaiHour(date, 0), $lt: shanghaiHour(date, 24) } }, { start: 1 }).lean<Array<{ start: Date }>>();
    const taken = new Map<number, number>();
    for (const h of holds) taken.set(h.start.getTime(), (taken.get(h.start.getTime()) ?? 0) + 1);
    const out = [];
    for (let hh = s.openHour; hh < s.closeHour; hh++) {
      const start = shanghaiHour(date, hh);
      out.push({ start, end: new Date(start.getTime() + H), available: (taken.get(start.getTime()) ?? 0) < s.capacity });
    }
    return out;
  }

  async book(input: { storeCode: string; start: Date; key: string; holder: string }) {
    const s = await this.doc(input.storeCode);
    const unavailable = () => new AppError(409, 'SLOT_UNAVAILABLE', '该时段已约满，请选择其他时段');
    if (!s) throw unavailable();
    const local = new Date(input.start.getTime() + 8 * H);
    const isSlot = local.getUTCMinutes() === 0 && local.getUTCSeconds() === 0 && local.getUTCMilliseconds() === 0 && local.getUTCHours() >= s.openHour && local.getUTCHours() < s.closeHour;
    if (!isSlot || input.start.getTime() <= Date.now()) throw unavailable();
    const Holds = holdModel(this.conn);
    // The same key answers the same hold; the lock keeps one key from taking two places at once.
    return this.locks.withLock(`test-drive-hold:${input.key}`, async () => {
      const existing = await Holds.findOne({ key: input.key }).lean<{ _id: string; start: Date }>();
      if (existing) return { bookingId: existing._id, start: existing.start, end: new Date(existing.start.getTime() + H) };
      for (let place = 0; place < s.capacity; place++) {
        const _id = `${s.code}:${input.start.toISOString()}:${place}`;
        try {
          await Holds.create({ _id, storeCode: s.code, start: input.start, key: input.key, holder: input.holder });
          return { bookingId: _id, start: input.start, end: new Date(input.start.getTime() + H) };
        } catch (err) {
          if ((err as { code?: number }).code !== 11000) throw err;
        }
      }
      throw unavailable();
    });
  }

  async cancel(bookingId: string) {
    await holdModel(this.conn).deleteOne({ _id: bookingId });
  }
}
