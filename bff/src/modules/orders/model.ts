import { Schema, type Connection } from 'mongoose';
import { ORDER_STATES, PAY_METHODS } from '@carmall/shared-types';

/**
 * An order and everything that must change with it: its payments, refunds and timeline live in the
 * same document, so each state change and its record are one atomic write (no transactions needed).
 * Conditional updates on `state` guard every transition against races (payment vs timeout, double
 * notifies, double taps).
 */
const paymentSchema = new Schema(
  {
    outTradeNo: { type: String, required: true },
    channel: { type: String, required: true, enum: ['wechat', 'alipay'] },
    /** The provider product (payments/methods.ts); absent on payments made before methods existed. */
    method: { type: String, enum: PAY_METHODS },
    amountFen: { type: Number, required: true },
    status: { type: String, required: true, enum: ['created', 'paid', 'closed'] },
    prepayExpiresAt: { type: Date },
    transactionId: { type: String },
    paidAt: { type: Date },
  },
  { _id: false },
);

const refundSchema = new Schema(
  {
    outRefundNo: { type: String, required: true },
    outTradeNo: { type: String, required: true },
    amountFen: { type: Number, required: true },
    status: { type: String, required: true, enum: ['processing', 'succeeded'] },
    reason: { type: String },
    /** The refund of a second payment that arrived after the order was already paid: the order itself does not change. */
    duplicate: { type: Boolean },
    requestedAt: { type: Date, required: true },
    succeededAt: { type: Date },
  },
  { _id: false },
);

const orderSchema = new Schema(
  {
    orderNo: { type: String, required: true, unique: true },
    buyerId: { type: String, required: true },
    /** The client's Idempotency-Key: a repeated create returns the first order. */
    idempotencyKey: { type: String, required: true },
    state: { type: String, required: true, enum: ORDER_STATES },
    /** When the order entered its current state (set by every transition): the staff console's 超期 rules count from it. */
    stateSince: { type: Date },
    modelCode: { type: String, required: true },
    modelName: { type: String, required: true },
    trimCode: { type: String, required: true },
    trimName: { type: String, required: true },
    /** The ResolvedConfig with the prices in force when the order was placed: frozen. */
    config: { type: Schema.Types.Mixed, required: true },
    totalFen: { type: Number, required: true },
    depositFen: { type: Number, required: true },
    terms: { type: Schema.Types.Mixed, required: true },
    stockKey: { type: String, required: true },
    paymentDeadline: { type: Date, required: true },
    payments: { type: [paymentSchema], default: [] },
    refunds: { type: [refundSchema], default: [] },
    timeline: { type: [Schema.Types.Mixed], default: [] },
    /** Messages to other systems written with the change that caused them (see orders/outbox.ts). */
    outbox: { type: [Schema.Types.Mixed], default: [] },
    /** Set when a payment arrived after the order had been cancelled and the car was gone: money goes back. */
    latePayment: { type: Boolean, default: false },
    /** The delivery centre the buyer chose at checkout: where the car is shipped and handed over. */
    deliveryCentreCode: { type: String },
    /** The sales advisor credited with the order (set at creation by attribution); may read its tracking. */
    advisorUserId: { type: String },
    /** The launch (首发抢购) the car was bought in; its buyer may queue again if the order ends unpaid. */
    launchCode: { type: String },
    /** The car's VIN, set when staff allocate a car (or ship with a VIN): 我的车库 registers it at delivery. */
    vin: { type: String },
  },
  { timestamps: true, collection: 'orders' },
);
orderSchema.index({ buyerId: 1, idempotencyKey: 1 }, { unique: true });
orderSchema.index({ buyerId: 1, createdAt: -1 });
orderSchema.index({ 'payments.outTradeNo': 1 });
orderSchema.index({ advisorUserId: 1, createdAt: -1 });
// The staff console's list: newest first, by state (and its 超期 cutoffs), by VIN.
orderSchema.index({ createdAt: -1 });
orderSchema.index({ state: 1, stateSince: 1 });
orderSchema.index({ vin: 1 }, { sparse: true });

export const orderModel = (conn: Connection) => conn.models.Order ?? conn.model('Order', orderSchema);
