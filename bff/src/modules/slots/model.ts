import { Schema, type Connection } from 'mongoose';
import { SITE_KINDS } from '@carmall/shared-types';

/** A place people book time at: a service centre (workshop bays) or a store (test-drive cars). */
const siteSchema = new Schema(
  {
    code: { type: String, required: true, unique: true },
    name: { type: String, required: true },
    city: { type: String, required: true, index: true },
    kind: { type: String, required: true, enum: SITE_KINDS, index: true },
    address: { type: String, required: true },
    /** The site's public switchboard (a business number, not personal data). */
    phone: { type: String, default: null },
    /** 7 entries, Sunday first; null = closed that weekday. Shanghai wall-clock "HH:MM". */
    weeklyHours: { type: [{ open: String, close: String, _id: false }], required: true },
    slotMinutes: { type: Number, required: true },
    capacity: { type: Number, required: true },
    closedDates: { type: [String], default: [] },
    bookingWindowDays: { type: Number, default: 30 },
  },
  { timestamps: true, collection: 'sites' },
);

/**
 * One taken seat of one slot. _id = "<site>|<slot start ISO>#<seat>" with seat < capacity, so the
 * unique _id makes it impossible to book more seats than a slot has, whatever the concurrency, on
 * MongoDB and on FerretDB alike (which loses concurrent counter updates). `bookingId` is unique
 * too: one booking never holds two seats. Cancelling deletes the seat (it is free again).
 */
const seatSchema = new Schema(
  {
    _id: { type: String, required: true },
    siteCode: { type: String, required: true },
    /** Shanghai date of the slot: listing a day is one indexed equality query. */
    date: { type: String, required: true },
    slotStart: { type: Date, required: true },
    bookingId: { type: String, required: true, unique: true },
  },
  { collection: 'slot_seats', versionKey: false },
);
seatSchema.index({ siteCode: 1, date: 1 });

// 'pending' only between the booking's first write and its seat (a crash there is resumed by a retry with the same key).
export const BOOKING_STATUSES = ['pending', 'booked', 'cancelled'] as const;

/** A booking of a seat for some purpose ('service', 'test_drive', ...) and the caller's record (`refId`). */
const bookingSchema = new Schema(
  {
    _id: { type: String, required: true },
    /** "<userId>:<Idempotency-Key>": the same request repeated finds this booking. */
    idemKey: { type: String, required: true, unique: true },
    /** Hash of what was asked, to tell a retry from a reuse of the key for something else. */
    requestHash: { type: String, required: true },
    userId: { type: String, required: true, index: true },
    siteCode: { type: String, required: true },
    date: { type: String, required: true },
    slotStart: { type: Date, required: true },
    slotEnd: { type: Date, required: true },
    purpose: { type: String, required: true },
    refId: { type: String, default: null, index: true },
    note: { type: String, default: null },
    status: { type: String, required: true, enum: BOOKING_STATUSES },
    seatId: { type: String, required: true },
    cancelledAt: { type: Date, default: null },
    cancelledBy: { type: String, default: null },
    /** Rescheduled: the booking that replaced this one (this one is cancelled, its seat free). */
    movedTo: { type: String, default: null },
  },
  { timestamps: true, collection: 'slot_bookings', versionKey: false },
);
bookingSchema.index({ siteCode: 1, date: 1 });

/** Which service centre / store a staff member works at (none = brand-wide staff). */
const siteStaffSchema = new Schema(
  { _id: { type: String, required: true }, siteCode: { type: String, required: true } },
  { collection: 'site_staff', versionKey: false, timestamps: true },
);

export const siteModel = (conn: Connection) => conn.models.Site ?? conn.model('Site', siteSchema);
export const slotSeatModel = (conn: Connection) => conn.models.SlotSeat ?? conn.model('SlotSeat', seatSchema);
export const slotBookingModel = (conn: Connection) => conn.models.SlotBooking ?? conn.model('SlotBooking', bookingSchema);
export const siteStaffModel = (conn: Connection) => conn.models.SiteStaff ?? conn.model('SiteStaff', siteStaffSchema);
