import { randomInt } from 'node:crypto';
import { Types, type Connection } from 'mongoose';
import {
  availableEvents,
  checkTransition,
  CURRENT_DEPOSIT_TERMS,
  DELIVERY_CENTRES,
  isDeliveryCentre,
  ORDER_STATE_LABELS,
  PLACES,
  ORDER_TRANSITIONS,
  type DeliveryCentre,
  type OrderActorKind,
  type OrderEvent,
  type OrderState,
  type OrderTimelineEntry,
  type ResolvedConfig,
} from '@carmall/shared-types';
import type { ConfigurationRequest } from '@carmall/shared-types/schemas';
import { AppError, notFound } from '../../infra/errors';
import type { Logger } from '../../infra/logger';
import type { Locks } from '../../infra/lock';
import type { ConfigurationService } from '../configurations/service';
import type { InventoryService } from '../inventory/service';
import { stockKey } from '../inventory/model';
import { orderModel } from './model';
import { lockedOrderOutboxEntry, type OutboxEntry } from './outbox';

export interface OrderDoc {
  _id: Types.ObjectId;
  orderNo: string;
  buyerId: string;
  idempotencyKey: string;
  state: OrderState;
  modelCode: string;
  modelName: string;
  trimCode: string;
  trimName: string;
  config: ResolvedConfig;
  totalFen: number;
  depositFen: number;
  terms: typeof CURRENT_DEPOSIT_TERMS;
  stockKey: string;
  paymentDeadline: Date;
  payments: { outTradeNo: string; channel: 'wechat' | 'alipay'; amountFen: number; status: 'created' | 'paid' | 'closed'; prepayExpiresAt?: Date; transactionId?: string; paidAt?: Date }[];
  refunds: { outRefundNo: string; outTradeNo: string; amountFen: number; status: 'processing' | 'succeeded'; reason?: string; requestedAt: Date; succeededAt?: Date }[];
  timeline: OrderTimelineEntry[];
  latePayment: boolean;
  outbox: OutboxEntry[];
  /** Absent on orders placed before centres could be chosen: see orderCentre(). */
  deliveryCentreCode?: DeliveryCentre;
  advisorUserId?: string;
  createdAt: Date;
}

/** Where an order is delivered: the buyer's choice, or the network's first centre for older orders. */
export function orderCentre(o: Pick<OrderDoc, 'deliveryCentreCode'>): DeliveryCentre {
  return o.deliveryCentreCode && isDeliveryCentre(o.deliveryCentreCode) ? o.deliveryCentreCode : DELIVERY_CENTRES[0];
}

/** Jobs the order flow schedules (BullMQ in the app; see jobs/order-jobs.ts). */
export interface OrderJobs {
  schedulePaymentTimeout(orderId: string, at: Date): Promise<void>;
  scheduleRefund(orderId: string): Promise<void>;
  scheduleOutbox(orderId: string): Promise<void>;
}

/** A newly minted, human-readable order number: CM + Shanghai date + 8 random digits. */
function newOrderNo(now: Date) {
  const d = new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10).replace(/-/g, '');
  return `CM${d}${String(randomInt(0, 100_000_000)).padStart(8, '0')}`;
}

export class OrderService {
  constructor(
    private readonly conn: Connection,
    private readonly configurations: ConfigurationService,
    private readonly inventory: InventoryService,
    private readonly logger: Logger,
    private readonly locks: Locks,
    private readonly opts: { paymentTimeoutSeconds?: number },
    public jobs: OrderJobs | null = null,
  ) {}

  get Orders() {
    return orderModel(this.conn);
  }

  /**
   * The one way an order document changes: under the order's lock, read it, let `decide` compute
   * the change from the current state (or return null for "nothing to do"), and write it. Two
   * actors (a payment notify and the timeout job, two taps) therefore never both act on a stale
   * state. Returns the order after the change, and whether there was one.
   */
  async mutate(
    orderId: Types.ObjectId | string,
    decide: (o: OrderDoc) => { set?: Record<string, unknown>; timeline?: OrderTimelineEntry } | null,
  ): Promise<{ order: OrderDoc; changed: boolean }> {
    return this.locks.withLock(`order:${String(orderId)}`, async () => {
      const current = await this.Orders.findById(orderId).lean<OrderDoc>();
      if (!current) throw notFound('订单');
      const change = decide(current);
      if (!change) return { order: current, changed: false };
      await this.Orders.updateOne(
        { _id: current._id },
        { ...(change.set ? { $set: change.set } : {}), ...(change.timeline ? { $push: { timeline: change.timeline } } : {}) },
      );
      return { order: (await this.Orders.findById(orderId).lean<OrderDoc>())!, changed: true };
    });
  }

  /**
   * Apply a state-machine event if the order's current state allows it (and `when`, if given,
   * holds). Returns the updated order, or null when the order had moved on.
   */
  async transition(
    order: Pick<OrderDoc, '_id'>,
    event: OrderEvent,
    actor: { kind: OrderActorKind; id?: string },
    opts: { note?: string; set?: (o: OrderDoc) => Record<string, unknown>; when?: (o: OrderDoc) => boolean } = {},
  ): Promise<OrderDoc | null> {
    const rule = ORDER_TRANSITIONS[event];
    if (!rule.by.includes(actor.kind)) throw new AppError(403, 'FORBIDDEN', `无权${rule.label}`);
    const { order: updated, changed } = await this.mutate(order._id, (o) => {
      if (!checkTransition(o.state, event, actor.kind).ok || (opts.when && !opts.when(o))) return null;
      return {
        set: { state: rule.to, ...opts.set?.(o) },
        timeline: { event, from: o.state, to: rule.to, actor, at: new Date().toISOString(), ...(opts.note ? { note: opts.note } : {}) },
      };
    });
    return changed ? updated : null;
  }

  /**
   * Place an order (intent deposit pending): freeze configuration and price, reserve the car.
   * `attribution.advisorUserId` is the advisor credited with the sale (decided by the caller).
   */
  async create(
    buyerId: string,
    idempotencyKey: string,
    req: ConfigurationRequest & { expectedTotalFen?: number; deliveryCentreCode?: DeliveryCentre },
    attribution: { advisorUserId?: string } = {},
  ) {
    const existing = await this.Orders.findOne({ buyerId, idempotencyKey }).lean<OrderDoc>();
    if (existing) return existing;

    const priced = await this.configurations.price(req);
    if (req.expectedTotalFen !== undefined && req.expectedTotalFen !== priced.config.totalFen) {
      throw new AppError(409, 'PRICE_CHANGED', '价格已更新，请确认新价格后再下单', { totalFen: priced.config.totalFen });
    }
    const paint = priced.config.lineItems.find((l) => l.group === 'paint');
    if (!paint) throw new AppError(422, 'GROUP_CARDINALITY', '请选择车身颜色');
    const key = stockKey(priced.config.modelCode, priced.config.trimCode, paint.code);
    const id = new Types.ObjectId();
    await this.inventory.reserve(key, String(id));

    const now = new Date();
    const terms = CURRENT_DEPOSIT_TERMS;
    const windowSeconds = this.opts.paymentTimeoutSeconds ?? terms.paymentWindowMinutes * 60;
    const paymentDeadline = new Date(now.getTime() + windowSeconds * 1000);
    try {
      await this.Orders.create({
        _id: id,
        orderNo: newOrderNo(now),
        buyerId,
        idempotencyKey,
        state: 'pending_payment',
        modelCode: priced.config.modelCode,
        modelName: priced.model.name,
        trimCode: priced.config.trimCode,
        trimName: priced.trimName,
        config: priced.config,
        totalFen: priced.config.totalFen,
        depositFen: terms.intentDepositFen,
        terms,
        stockKey: key,
        paymentDeadline,
        deliveryCentreCode: req.deliveryCentreCode ?? DELIVERY_CENTRES[0],
        ...(attribution.advisorUserId ? { advisorUserId: attribution.advisorUserId } : {}),
        timeline: [{ event: 'created', from: null, to: 'pending_payment', actor: { kind: 'buyer', id: buyerId }, at: now.toISOString() }],
      });
    } catch (err) {
      await this.inventory.release(key, String(id));
      if ((err as { code?: number }).code === 11000) {
        // A concurrent request with the same Idempotency-Key won; answer with its order.
        const winner = await this.Orders.findOne({ buyerId, idempotencyKey }).lean<OrderDoc>();
        if (winner) return winner;
      }
      throw err;
    }
    // If scheduling fails, reads still expire the order on time (expireIfDue): log, don't fail the buyer.
    await this.jobs?.schedulePaymentTimeout(String(id), paymentDeadline).catch((err: Error) => this.logger.error({ err: err.message, orderId: String(id) }, 'could not schedule the payment timeout'));
    return (await this.Orders.findById(id).lean<OrderDoc>())!;
  }

  /** An order of this buyer. Another buyer's order is "not found", never "forbidden" (no probing). */
  async getOwned(buyerId: string, orderNo: string): Promise<OrderDoc> {
    const order = await this.Orders.findOne({ orderNo, buyerId }).lean<OrderDoc>();
    if (!order) throw notFound('订单', { orderNo });
    return order;
  }

  async listOwned(buyerId: string) {
    return this.Orders.find({ buyerId }).sort({ createdAt: -1 }).limit(50).lean<OrderDoc[]>();
  }

  async lock(buyerId: string, orderNo: string) {
    const order = await this.getOwned(buyerId, orderNo);
    const check = checkTransition(order.state, 'lock', 'buyer');
    if (!check.ok) throw new AppError(409, 'ORDER_STATE_INVALID', check.reason);
    // The DMS message is written in the same document write as the lock (outbox).
    const updated = await this.transition(order, 'lock', { kind: 'buyer', id: buyerId }, {
      note: '意向金转为定金，配置已冻结',
      set: (o) => ({ outbox: [...(o.outbox ?? []), lockedOrderOutboxEntry()] }),
    });
    if (!updated) throw new AppError(409, 'ORDER_STATE_INVALID', '订单状态已变化，请刷新');
    // If this enqueue is lost, the outbox sweep delivers it anyway.
    await this.jobs?.scheduleOutbox(String(order._id)).catch((err: Error) => this.logger.warn({ err: err.message }, 'could not enqueue the DMS outbox; the sweep will'));
    return updated;
  }

  /** Record a refund request and hand it to the refund job (which talks to WeChat Pay, with retries). */
  async requestRefund(order: OrderDoc, actor: { kind: OrderActorKind; id?: string }, reason: string) {
    const check = checkTransition(order.state, 'refund_requested', actor.kind);
    if (!check.ok) throw new AppError(409, 'ORDER_STATE_INVALID', check.reason);
    const paid = order.payments.find((p) => p.status === 'paid');
    if (!paid) throw new AppError(409, 'ORDER_STATE_INVALID', '没有可退款的支付记录');
    const refund = { outRefundNo: `${order.orderNo}R1`, outTradeNo: paid.outTradeNo, amountFen: paid.amountFen, status: 'processing', reason, requestedAt: new Date() };
    const updated = await this.transition(order, 'refund_requested', actor, {
      note: reason,
      set: (o) => ({ refunds: [...o.refunds.filter((r) => r.outRefundNo !== refund.outRefundNo), refund] }),
    });
    if (!updated) throw new AppError(409, 'ORDER_STATE_INVALID', '订单状态已变化，请刷新');
    await this.jobs?.scheduleRefund(String(order._id));
    return updated;
  }

  /** A refund the provider confirmed: close the order and give the car back. Idempotent. */
  async markRefunded(outRefundNo: string) {
    const order = await this.Orders.findOne({ 'refunds.outRefundNo': outRefundNo }).lean<OrderDoc>();
    if (!order) return null;
    const updated = await this.transition(order, 'refunded', { kind: 'payment' }, {
      set: (o) => ({ refunds: o.refunds.map((r) => (r.outRefundNo === outRefundNo ? { ...r, status: 'succeeded', succeededAt: new Date() } : r)) }),
    });
    if (updated) await this.inventory.release(order.stockKey, String(order._id));
    return updated ?? (await this.Orders.findById(order._id).lean<OrderDoc>());
  }
}

export function presentOrder(o: OrderDoc) {
  return {
    id: String(o._id),
    orderNo: o.orderNo,
    state: o.state,
    stateLabel: ORDER_STATE_LABELS[o.state],
    modelCode: o.modelCode,
    modelName: o.modelName,
    trimCode: o.trimCode,
    trimName: o.trimName,
    config: o.config,
    totalFen: o.totalFen,
    depositFen: o.depositFen,
    terms: o.terms,
    paymentDeadline: new Date(o.paymentDeadline).toISOString(),
    deliveryCentre: { code: orderCentre(o), name: PLACES[orderCentre(o)].name },
    payments: o.payments.map((p) => ({ outTradeNo: p.outTradeNo, channel: p.channel, amountFen: p.amountFen, status: p.status, paidAt: p.paidAt ? new Date(p.paidAt).toISOString() : null })),
    refunds: o.refunds.map((r) => ({ outRefundNo: r.outRefundNo, amountFen: r.amountFen, status: r.status, requestedAt: new Date(r.requestedAt).toISOString() })),
    timeline: o.timeline,
    actions: availableEvents(o.state, 'buyer'),
    createdAt: new Date(o.createdAt).toISOString(),
  };
}
