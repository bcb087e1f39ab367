import { Schema, type Connection } from 'mongoose';

/**
 * Subscribe-message ledger. A one-time template allows ONE message per accepted request, so each
 * "accept" is a credit document and each send consumes one by inserting a use under the credit's
 * id: unique-index inserts are atomic on FerretDB and MongoDB alike (a racy $inc on a counter is
 * not, on FerretDB). remaining = credits - uses.
 */
const creditSchema = new Schema(
  {
    _id: { type: String }, // `${userId}:${templateId}:${grantId}`: a repeated report of one request credits once
    userId: { type: String, required: true },
    templateId: { type: String, required: true },
    grantedAt: { type: Date, required: true },
  },
  { collection: 'subscription_credits', versionKey: false },
);
creditSchema.index({ userId: 1, templateId: 1 });

const useSchema = new Schema(
  {
    _id: { type: String }, // the credit's id: a credit is used at most once
    userId: { type: String, required: true },
    templateId: { type: String, required: true },
    /** The delivery that used it (unique: a retried delivery reuses its credit, never takes two). */
    deliveryKey: { type: String, required: true, unique: true },
    reason: { type: String, required: true, enum: ['send', 'refused'] },
    at: { type: Date, required: true },
  },
  { collection: 'subscription_uses', versionKey: false },
);
useSchema.index({ userId: 1, templateId: 1 });

/**
 * One record per reminder/campaign message and person: its unique _id (the delivery key, also the
 * BullMQ job id) is what makes "never sent twice" hold even when a job id is reused or a job runs
 * twice. status: sending (a WeChat call may be in flight) → sent | no_optin | failed, or
 * retrying between attempts.
 */
const deliverySchema = new Schema(
  {
    _id: { type: String },
    kind: { type: String, required: true, enum: ['service_due', 'campaign'] },
    campaignId: { type: String },
    userId: { type: String, required: true },
    vehicleId: { type: String },
    status: { type: String, required: true, enum: ['sending', 'retrying', 'sent', 'no_optin', 'failed'] },
    channel: { type: String, enum: ['wechat', 'in_app'] },
    attempts: { type: Number, default: 0 },
    msgid: { type: Number },
    lastError: { type: String },
  },
  { timestamps: true, collection: 'reminder_deliveries', versionKey: false },
);
deliverySchema.index({ campaignId: 1, status: 1 });
deliverySchema.index({ status: 1 });

/**
 * A delivery's successful outcome (sent | no_optin), written ONCE as an insert instead of updating
 * the delivery record: FerretDB answers an update by decoding the whole collection (measured
 * ~10 ms at 2k deliveries, ~70 ms at 20k: it grew with the fleet and capped the workers), while an
 * insert or an _id lookup costs a few ms at any size. A delivery's status is this document's when
 * it exists, else the delivery record's (sending | retrying | failed: the rare paths still update).
 */
const deliveryResultSchema = new Schema(
  {
    _id: { type: String },
    status: { type: String, required: true, enum: ['sent', 'no_optin'] },
    campaignId: { type: String },
    userId: { type: String, required: true },
    channel: { type: String, enum: ['wechat', 'in_app'] },
    msgid: { type: Number },
    lastError: { type: String },
    at: { type: Date, required: true },
  },
  { collection: 'reminder_delivery_results', versionKey: false },
);
deliveryResultSchema.index({ campaignId: 1 });

const segmentSchema = new Schema({ modelCodes: [String], dueWithinDays: Number, batterySohBelow: Number }, { _id: false });
const campaignSchema = new Schema(
  {
    name: { type: String, required: true },
    segment: { type: segmentSchema, required: true },
    message: { type: { title: String, body: String }, required: true, _id: false },
    createdBy: { type: String, required: true },
    /** Client Idempotency-Key: pushing twice creates one campaign. */
    idempotencyKey: { type: String, required: true, unique: true },
    status: { type: String, required: true, enum: ['building', 'queued'] },
    targeted: { type: Number },
    builtAt: { type: Date },
  },
  { timestamps: true, collection: 'campaigns' },
);
campaignSchema.index({ createdAt: -1 });

export const creditModel = (conn: Connection) => conn.models.SubscriptionCredit ?? conn.model('SubscriptionCredit', creditSchema);
export const useModel = (conn: Connection) => conn.models.SubscriptionUse ?? conn.model('SubscriptionUse', useSchema);
export const deliveryModel = (conn: Connection) => conn.models.ReminderDelivery ?? conn.model('ReminderDelivery', deliverySchema);
export const deliveryResultModel = (conn: Connection) => conn.models.ReminderDeliveryResult ?? conn.model('ReminderDeliveryResult', deliveryResultSchema);
export const campaignModel = (conn: Connection) => conn.models.Campaign ?? conn.model('Campaign', campaignSchema);
