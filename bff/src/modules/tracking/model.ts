import { Schema, type Connection } from 'mongoose';

/**
 * Delivery tracking. A shipment per order (one car, one VIN) holds what the buyer sees: milestones
 * in time order, the latest position, a downsampled track and the current ETA, so reading the
 * tracking page is one document. Raw TMS events are kept one per document with the TMS's event id
 * as `_id`: inserting it is the idempotency check (a unique-key insert is atomic on FerretDB as on
 * MongoDB), and the raw positions are what a completed trip is learned from. What was learned from
 * each completed trip is one insert-only document; the model is their sum, folded in code.
 */
const shipmentSchema = new Schema(
  {
    orderNo: { type: String, required: true, unique: true },
    orderId: { type: String, required: true },
    buyerId: { type: String, required: true },
    /** Set once the TMS accepted the shipment. */
    shipmentNo: { type: String },
    vin: { type: String, required: true },
    centre: { type: String, required: true },
    status: { type: String, required: true, enum: ['created', 'in_transit', 'at_hub', 'resting', 'delayed', 'arrived'] },
    milestones: { type: [Schema.Types.Mixed], default: [] },
    latest: { type: Schema.Types.Mixed, default: null },
    track: { type: [Schema.Types.Mixed], default: [] },
    eta: { type: Schema.Types.Mixed, default: null },
    arrivedAt: { type: Date },
    /** Set when the trip has been added to the ETA model. */
    learned: { type: Boolean, default: false },
    /** Which buyer/advisor alerts were decided and the ETA last told (shared-types delivery/alerts.ts). */
    alerts: { type: Schema.Types.Mixed, default: null },
  },
  { timestamps: true, collection: 'shipments' },
);
shipmentSchema.index({ shipmentNo: 1 });

const trackingEventSchema = new Schema(
  {
    _id: { type: String, required: true },
    orderNo: { type: String, required: true },
    shipmentNo: { type: String, required: true },
    type: { type: String, required: true },
    occurredAt: { type: Date, required: true },
    receivedAt: { type: Date, required: true },
    payload: { type: Schema.Types.Mixed, required: true },
    /** False until the event's effects are written: a redelivery of an unapplied event is applied again. */
    applied: { type: Boolean, default: false },
  },
  { collection: 'tracking_events', versionKey: false },
);
trackingEventSchema.index({ orderNo: 1, type: 1 });

const etaTripSchema = new Schema(
  {
    /** The shipment number: one contribution per trip. */
    _id: { type: String, required: true },
    centre: { type: String, required: true },
    model: { type: Schema.Types.Mixed, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'eta_trips', versionKey: false },
);
etaTripSchema.index({ createdAt: -1 });

/**
 * One alert to one person (buyer or advisor). `_id` = `track-{orderNo}-{alertId}-{role}`: deciding
 * the same alert again (a redelivered or replayed TMS event) inserts nothing. status: pending →
 * sending (a WeChat call may be in flight; never resent blindly) → sent | in_app | failed.
 */
const noticeSchema = new Schema(
  {
    _id: { type: String, required: true },
    orderNo: { type: String, required: true },
    userId: { type: String, required: true },
    role: { type: String, required: true, enum: ['buyer', 'advisor'] },
    kind: { type: String, required: true },
    title: { type: String, required: true },
    body: { type: String, required: true },
    /** WeChat subscribe-message keywords (buyers only). */
    wx: { type: Schema.Types.Mixed },
    status: { type: String, required: true, enum: ['pending', 'sending', 'sent', 'in_app', 'failed'] },
    channel: { type: String, enum: ['wechat', 'in_app'] },
    attempts: { type: Number, default: 0 },
    lastError: { type: String },
  },
  { timestamps: true, collection: 'tracking_notices', versionKey: false },
);
noticeSchema.index({ orderNo: 1, status: 1 });

export const trackingNoticeModel = (conn: Connection) => conn.models.TrackingNotice ?? conn.model('TrackingNotice', noticeSchema);
export const shipmentModel = (conn: Connection) => conn.models.Shipment ?? conn.model('Shipment', shipmentSchema);
export const trackingEventModel = (conn: Connection) => conn.models.TrackingEvent ?? conn.model('TrackingEvent', trackingEventSchema);
export const etaTripModel = (conn: Connection) => conn.models.EtaTrip ?? conn.model('EtaTrip', etaTripSchema);
