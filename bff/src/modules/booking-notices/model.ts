import { Schema, type Connection } from 'mongoose';

/**
 * One record per booking notice (a confirmation, reschedule or cancellation notice, or a
 * reminder), keyed by the notice's key, which is also its in-app message id and BullMQ job id:
 * it says the notice was delivered (`sent` on WeChat, `in_app` only), dropped (`skipped`: the
 * booking was cancelled or moved before it was due), or stopped (`failed`). `sending` is written
 * right before WeChat is called, so a worker killed during that call never sends blindly again.
 */
export const NOTICE_STATUSES = ['sending', 'retrying', 'sent', 'in_app', 'skipped', 'failed'] as const;
export type NoticeStatus = (typeof NOTICE_STATUSES)[number];

const bookingNoticeSchema = new Schema(
  {
    _id: { type: String },
    userId: { type: String, required: true },
    bookingKind: { type: String, required: true },
    bookingId: { type: String, required: true },
    /** booked | rescheduled | cancelled | remind_eve | remind_soon */
    what: { type: String, required: true },
    status: { type: String, required: true, enum: NOTICE_STATUSES },
    channel: { type: String },
    msgid: { type: Number },
    reason: { type: String },
    lastError: { type: String },
    attempts: { type: Number, default: 0 },
  },
  { timestamps: true, collection: 'booking_notices', versionKey: false },
);
bookingNoticeSchema.index({ bookingId: 1 });

export const bookingNoticeModel = (conn: Connection) => conn.models.BookingNotice ?? conn.model('BookingNotice', bookingNoticeSchema);
