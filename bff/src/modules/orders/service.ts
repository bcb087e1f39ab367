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
  type AttributionResult,
  type OrderPlacement,
  type ResolvedConfig,
} from '@carmall/shared-types';
import type { ConfigurationRequest } from '@carmall/shared-types/schemas';
import { AppError, notFound } from '../../infra/errors';
import type { Logger } from '../../infra/logger';
import type { Locks } from '../../infra/lock';
import { isDuplicateKey } from '../../infra/mongo';
import { Limiter } from '../../infra/limiter';
import type { ConfigurationService } from '../configurations/service';
import type { InventoryService } from '../inventory/service';
import { stockKey } from '../inventory/keys';
import { outOfStock, SOLD_OUT_MESSAGE } from '../inventory/service';
import { launchKeys, type LaunchKeys } from '../inventory/gate';
import { orderModel } from './model';
import { methodOf, type PayMethod } from '@carmall/shared-types';
import { lockedOrderOutboxEntry, type OutboxEntry } from './outbox';

export interface OrderDoc {
  _id: Types.ObjectId;
  orderNo: string;
  buyerId: string;
  idempotencyKey: string;
  state: OrderState;
  /** When it entered `state` (orders older than this field: absent; see OrderAdmin's 超期 query). */
  stateSince?: Date;
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
  payments: { outTradeNo: string; channel: 'wechat' | 'alipay'; method?: PayMethod; amountFen: number; status: 'created' | 'paid' | 'closed'; prepayExpiresAt?: Date; transactionId?: string; paidAt?: Date }[];
  refunds: { outRefundNo: string; outTradeNo: string; amountFen: number; status: 'processing' | 'succeeded'; reason?: string; duplicate?: boolean; requestedAt: Date; succeededAt?: Date }[];
  timeline: OrderTimelineEntry[];
  latePayment: boolean;
  outbox: OutboxEntry[];
  /** Absent on orders placed before centres could be chosen: see orderCentre(). */
  deliveryCentreCode?: DeliveryCentre;
  advisorUserId?: string;
  /** The launch (首发抢购) the car was bought in, if any. */
  launchCode?: string;
  /** The allocated car's VIN (orders allocated before it was stored carry it only in a timeline note). */
  vin?: string;
  createdAt: Date;
}

/**
 * What the gate records with a reservation: everything needed to write the order later, priced
 * and frozen at the moment the car was taken (so a write that catches up later changes nothing).
 */
interface OrderIntent {
  orderId: string;
  orderNo: string;
  buyerId: string;
  idempotencyKey: string;
  modelCode: string;
  modelName: string;
  trimCode: string;
  trimName: string;
  config: ResolvedConfig;
  stockKey: string;
  deliveryCentreCode: DeliveryCentre;
  launchCode?: string;
  /** ms since epoch: when the car was taken. */
  at: number;
}

/** Who else acts when an order is written (advisors' credit, recommendations). */
export interface PlacementHooks {
  /** The advisor credited with the sale (advisors module), decided when the order is written. */
  creditFor?(buyerId: string): Promise<AttributionResult>;
  recordCredit?(order: { orderNo: string; buyerId: string; advisorUserId?: string }, credit: AttributionResult): Promise<void>;
  /** After the order exists (e.g. recommendations record it); errors are ignored. */
  afterPlaced?: ((order: { orderNo: string; buyerId: string; modelCode: string }) => Promise<void>)[];
}

/** Order states in which the order holds its car (a late payment whose car was gone holds none). */
export const STATES_HOLDING_A_CAR: OrderState[] = ['pending_payment', 'deposit_paid', 'locked', 'allocated', 'in_transit', 'ready_for_delivery', 'delivered', 'refunding'];

/** Where an order is delivered: the buyer's choice, or the network's first centre for older orders. */
export function orderCentre(o: Pick<OrderDoc, 'deliveryCentreCode'>): DeliveryCentre {
  return o.deliveryCentreCode && isDeliveryCentre(o.deliveryCentreCode) ? o.deliveryCentreCode : DELIVERY_CENTRES[0];
}

export interface StockSweepReport {
  keys: number;
  /** Orders written from a recorded intent (a placement whose process died or fell behind). */
  written: number;
  /** Intents whose order could not be written (car given back, placement failed). */
  failed: number;
  adopted: number;
  reheld: number;
  released: number;
  /** Orders that should hold a car but none was left (should stay 0). */
  orphanOrders: number;
}

/** Jobs the order flow schedules (BullMQ in the app; see jobs/order-jobs.ts). */
export interface OrderJobs {
  schedulePaymentTimeout(orderId: string, at: Date): Promise<void>;
  scheduleRefund(orderId: string, outRefundNo?: string): Promise<void>;
  scheduleOutbox(orderId: string): Promise<void>;
}

/** A newly minted, human-readable order number: CM + Shanghai date + 8 random digits. */
function newOrderNo(now: Date) {
  const d = new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10).replace(/-/g, '');
  return `CM${d}${String(randomInt(0, 100_000_000)).padStart(8, '0')}`;
}

/** Orders in these states no longer need the buyer's account; any other state blocks its deletion. */
const SETTLED_ORDER_STATES = ['delivered', 'refunded', 'cancelled'];

export class OrderService {
  constructor(
    private readonly conn: Connection,
    private readonly configurations: ConfigurationService,
    private readonly inventory: InventoryService,
    private readonly logger: Logger,
    private readonly locks: Locks,
    private readonly opts: { paymentTimeoutSeconds?: number; inlineBudgetMs?: number; writeConcurrency?: number },
    public jobs: OrderJobs | null = null,
    public hooks: PlacementHooks = {},
  ) {
    this.completions = new Limiter(opts.writeConcurrency ?? 4);
  }

  /** Order writes in flight in this process: a rush queues here instead of flooding the database. */
  private readonly completions: Limiter;

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
  /** Delivered orders, for owners' vehicle registration (the vehicles module's catch-up). */
  async listDelivered(): Promise<Pick<OrderDoc, 'orderNo' | 'buyerId' | 'modelCode' | 'trimCode' | 'vin' | 'timeline'>[]> {
    return this.Orders.find({ state: 'delivered' }, { orderNo: 1, buyerId: 1, modelCode: 1, trimCode: 1, vin: 1, timeline: 1 }).lean<Pick<OrderDoc, 'orderNo' | 'buyerId' | 'modelCode' | 'trimCode' | 'vin' | 'timeline'>[]>();
  }

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
        set: { state: rule.to, stateSince: new Date(), ...opts.set?.(o) },
        timeline: { event, from: o.state, to: rule.to, actor, at: new Date().toISOString(), ...(opts.note ? { note: opts.note } : {}) },
      };
    });
    return changed ? updated : null;
  }

  /**
   * Place an order (intent deposit pending): freeze configuration and price, take a car.
   * The car is decided by the Redis gate in one step (see inventory/gate.ts), which also records
   * the order to write; the order is then written to MongoDB here, within `inlineBudgetMs`. Past
   * that (a launch rush) the buyer is answered `creating` (「你已锁定名额，正在生成订单」) and the
   * write finishes in the background; if this process dies first, reconcileStock() writes it from
   * the recorded intent. Compensations: a car whose order cannot be written (sold out after a
   * gate rebuild, a duplicate Idempotency-Key) is given back and the placement marked failed.
   */
  async place(
    buyerId: string,
    idempotencyKey: string,
    req: ConfigurationRequest & { expectedTotalFen?: number; deliveryCentreCode?: DeliveryCentre },
    launch?: LaunchKeys & { ticket: number },
  ): Promise<OrderPlacement<OrderDoc>> {
    const priced = await this.configurations.price(req);
    if (req.expectedTotalFen !== undefined && req.expectedTotalFen !== priced.config.totalFen) {
      throw new AppError(409, 'PRICE_CHANGED', '价格已更新，请确认新价格后再下单', { totalFen: priced.config.totalFen });
    }
    const paint = priced.config.lineItems.find((l) => l.group === 'paint');
    if (!paint) throw new AppError(422, 'GROUP_CARDINALITY', '请选择车身颜色');
    const key = stockKey(priced.config.modelCode, priced.config.trimCode, paint.code);
    // Sold out a moment ago here: unless this is a repeat of a request that got a car, say so now.
    if (!launch && this.inventory.recentlySoldOut(key) && !(await this.inventory.gate.idempotent(buyerId, idempotencyKey))) throw outOfStock(key);
    const now = Date.now();
    const intent: OrderIntent = {
      orderId: String(new Types.ObjectId()),
      orderNo: newOrderNo(new Date(now)),
      buyerId,
      idempotencyKey,
      modelCode: priced.config.modelCode,
      modelName: priced.model.name,
      trimCode: priced.config.trimCode,
      trimName: priced.trimName,
      config: priced.config,
      stockKey: key,
      deliveryCentreCode: req.deliveryCentreCode ?? DELIVERY_CENTRES[0],
      ...(launch ? { launchCode: launch.code } : {}),
      at: now,
    };
    const r = await this.inventory.admit(key, { orderId: intent.orderId, orderNo: intent.orderNo, buyerId, idempotencyKey, intent: JSON.stringify(intent), now }, launch);
    switch (r.kind) {
      case 'ok':
        break;
      case 'existing': {
        // A repeat of the same request (same Idempotency-Key): answer with the first placement;
        // if that one left nothing behind, forget the key and place it again.
        const first = await this.placementOf(buyerId, r.orderNo);
        if (first) return first;
        await this.inventory.gate.forgetIdempotencyKey(buyerId, idempotencyKey);
        return this.place(buyerId, idempotencyKey, req, launch);
      }
      case 'sold_out':
        throw outOfStock(key);
      case 'launch_only':
        throw new AppError(409, 'LAUNCH_ONLY', '该车型正在首发抢购，请在抢购页排队下单', { launchCode: r.launchCode });
      case 'not_in_launch':
        throw new AppError(409, 'LAUNCH_ENDED', '该配置不在本次首发抢购中，或抢购已结束');
      case 'already_holding':
        throw new AppError(409, 'ALREADY_HOLDING', '每位用户限购一台，您已锁定名额', { orderNo: r.orderNo });
      case 'admission_invalid':
        throw new AppError(403, 'ADMISSION_INVALID', '购买资格无效，请重新排队');
      case 'admission_used':
        throw new AppError(409, 'ADMISSION_USED', '购买资格已使用');
      case 'admission_expired':
        throw new AppError(409, 'ADMISSION_EXPIRED', '购买资格已过期，请重新排队');
      default:
        throw new AppError(503, 'SERVICE_UNAVAILABLE', '库存服务暂不可用，请稍后再试');
    }

    const writing = this.completions.run(() => this.completePlacement(key, intent.orderId));
    writing.catch((err: Error) => this.logger.warn({ err: err.message, orderNo: intent.orderNo }, 'order write failed; the stock sweep will finish it'));
    const budget = this.opts.inlineBudgetMs ?? 500;
    const written = await Promise.race([writing.catch(() => undefined), new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), budget).unref())]);
    if (written) return { status: 'created', orderNo: written.orderNo, order: written };
    const failed = written === null ? await this.placementOf(buyerId, intent.orderNo) : null;
    if (failed?.status === 'failed') throw new AppError(409, 'OUT_OF_STOCK', failed.reason, { key });
    return { status: 'creating', orderNo: intent.orderNo, pollAfterMs: 1000 };
  }

  /**
   * Write the order a gate reservation recorded (idempotent: inline after the reservation, and
   * again by the sweep if that was lost). Returns the order, or null when there is nothing to
   * write (already settled elsewhere, or the car could not be held: the placement is failed).
   */
  async completePlacement(key: string, orderId: string): Promise<OrderDoc | null> {
    const gate = this.inventory.gate;
    const raw = await gate.intent(key, orderId);
    // The driver directly (not mongoose documents) on this path: a rush writes a thousand of these.
    const written = (await this.Orders.collection.findOne({ _id: new Types.ObjectId(orderId) })) as OrderDoc | null;
    if (written) {
      if (raw) await this.afterWrite(written, key);
      return written;
    }
    if (!raw) return null;
    const intent = JSON.parse(raw) as OrderIntent | { existing: true };
    if ('existing' in intent) return null; // a car being taken back for an existing order (InventoryService.reserve)
    const ref = { key, orderId, buyerId: intent.buyerId };
    const car = { _id: orderId, stockKey: key, buyerId: intent.buyerId, orderNo: intent.orderNo, launchCode: intent.launchCode };
    const fail = async (reason: string) => {
      await this.releaseCar(car);
      await gate.failPlacement(intent.orderNo, ref, reason);
      await gate.forgetIdempotencyKey(intent.buyerId, intent.idempotencyKey);
      this.logger.warn({ orderNo: intent.orderNo, reason }, 'order placement failed; its car was given back');
      return null;
    };
    const slot = await gate.heldSlot(key, orderId);
    if (slot === undefined) return fail('车辆已释放，请重新下单');
    if ((await this.inventory.holdDurably(key, orderId, slot)) === null) return fail(SOLD_OUT_MESSAGE);

    const credit = await this.hooks.creditFor?.(intent.buyerId).catch(() => undefined);
    const terms = CURRENT_DEPOSIT_TERMS;
    const windowSeconds = this.opts.paymentTimeoutSeconds ?? terms.paymentWindowMinutes * 60;
    const at = new Date(intent.at);
    const doc = {
      _id: new Types.ObjectId(orderId),
      orderNo: intent.orderNo,
      buyerId: intent.buyerId,
      idempotencyKey: intent.idempotencyKey,
      state: 'pending_payment' as const,
      stateSince: at,
      modelCode: intent.modelCode,
      modelName: intent.modelName,
      trimCode: intent.trimCode,
      trimName: intent.trimName,
      config: intent.config,
      totalFen: intent.config.totalFen,
      depositFen: terms.intentDepositFen,
      terms,
      stockKey: key,
      // The payment window starts when the car was taken, not when the write caught up.
      paymentDeadline: new Date(at.getTime() + windowSeconds * 1000),
      payments: [],
      refunds: [],
      timeline: [{ event: 'created' as const, from: null, to: 'pending_payment' as const, actor: { kind: 'buyer' as const, id: intent.buyerId }, at: at.toISOString() }],
      outbox: [],
      latePayment: false,
      deliveryCentreCode: intent.deliveryCentreCode,
      ...(intent.launchCode ? { launchCode: intent.launchCode } : {}),
      ...(credit?.credited ? { advisorUserId: credit.advisorUserId } : {}),
      createdAt: at,
      updatedAt: new Date(),
      __v: 0,
    };
    let order = doc as unknown as OrderDoc;
    try {
      await this.Orders.init(); // the unique indexes are the guard against a second order per Idempotency-Key
      await this.Orders.collection.insertOne(doc);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const same = (await this.Orders.collection.findOne({ _id: doc._id })) as OrderDoc | null;
      if (!same) {
        // Another order already has this buyer's Idempotency-Key (Redis had forgotten it).
        const first = await this.Orders.findOne({ buyerId: intent.buyerId, idempotencyKey: intent.idempotencyKey }).lean<OrderDoc>();
        if (first) {
          await this.releaseCar(car);
          await gate.failPlacement(intent.orderNo, ref, `重复下单，原订单 ${first.orderNo}`);
          return first;
        }
        throw err;
      }
      order = same;
    }
    if (credit) await this.hooks.recordCredit?.(order, credit).catch((err: Error) => this.logger.warn({ err: err.message }, 'could not record the advisor credit'));
    await this.afterWrite(order, key);
    return order;
  }

  /** What follows a written order (each idempotent, so a repeat by the sweep is harmless). */
  private async afterWrite(order: OrderDoc, key: string) {
    // If scheduling fails, reads still expire the order on time (expireIfDue): log, don't fail the buyer.
    await this.jobs?.schedulePaymentTimeout(String(order._id), new Date(order.paymentDeadline)).catch((err: Error) => this.logger.error({ err: err.message, orderId: String(order._id) }, 'could not schedule the payment timeout'));
    for (const hook of this.hooks.afterPlaced ?? []) await hook({ orderNo: order.orderNo, buyerId: order.buyerId, modelCode: order.modelCode }).catch(() => undefined);
    await this.inventory.gate.settle(key, String(order._id));
  }

  /** Where a buyer's placement is (GET /orders/:orderNo/placement); null if there is none of theirs. */
  async placementOf(buyerId: string, orderNo: string): Promise<OrderPlacement<OrderDoc> | null> {
    const ref = await this.inventory.gate.placement(orderNo);
    if (ref && ref.buyerId !== buyerId) return null;
    if (ref?.failed) return { status: 'failed', orderNo, reason: ref.failed };
    const order = ref ? await this.Orders.findById(ref.orderId).lean<OrderDoc>() : await this.Orders.findOne({ orderNo, buyerId }).lean<OrderDoc>();
    if (order) return { status: 'created', orderNo, order };
    if (ref && (await this.inventory.gate.intent(ref.key, ref.orderId))) return { status: 'creating', orderNo, pollAfterMs: 1000 };
    return null;
  }

  /** Give an order's car back (and, for a launch order, let its buyer queue again). */
  async releaseCar(order: { _id: Types.ObjectId | string; stockKey: string; buyerId?: string; orderNo?: string; launchCode?: string }): Promise<boolean> {
    const launch = order.launchCode && order.buyerId && order.orderNo ? { buyers: launchKeys(order.launchCode).buyers, buyerId: order.buyerId, orderNo: order.orderNo } : undefined;
    return this.inventory.release(order.stockKey, String(order._id), launch);
  }

  /**
   * The stock sweep (worker, every few seconds; also after a crash or a Redis restart): makes the
   * gate, the durable holds and the orders agree, both ways. Snapshots are read in the order
   * intents → gate holds → durable holds → orders, so a placement that finishes meanwhile is
   * never mistaken for a leak; anything about to be released is checked again first.
   *   - an intent older than `graceMs` whose order is not written: write it (the car is the buyer's);
   *   - a durable hold the gate does not know: the gate adopts it;
   *   - a gate hold with no intent and no durable hold: its order holds a car, so hold it
   *     durably; otherwise give the car back;
   *   - a durable hold with no order and no intent, older than `graceMs`: give the car back;
   *   - an order that should hold a car but holds none: hold one (or report it if none is left).
   */
  async reconcileStock(graceMs = 15_000): Promise<StockSweepReport> {
    const report: StockSweepReport = { keys: 0, written: 0, failed: 0, adopted: 0, reheld: 0, released: 0, orphanOrders: 0 };
    const gate = this.inventory.gate;
    const now = Date.now();
    const keys = await this.inventory.gateKeys();
    const snap = new Map<string, { intents: Map<string, string>; held: Map<string, number> }>();
    for (const key of keys) snap.set(key, { intents: await gate.intents(key), held: new Map() });
    for (const key of keys) snap.get(key)!.held = await gate.held(key);
    const holdsByKey = new Map<string, Map<string, { slot: number; at: Date }>>();
    for (const key of keys) holdsByKey.set(key, new Map((await this.inventory.holdsOf(key)).map((h) => [h.orderId, h])));
    const active = await this.Orders.find({ stockKey: { $in: keys }, state: { $in: STATES_HOLDING_A_CAR }, latePayment: { $ne: true } }, '_id stockKey').lean<{ _id: Types.ObjectId; stockKey: string }[]>();
    const activeIds = new Set(active.map((o) => String(o._id)));

    for (const key of keys) {
      report.keys++;
      const { intents, held } = snap.get(key)!;
      const holds = holdsByKey.get(key)!;
      for (const [orderId, raw] of intents) {
        const intent = JSON.parse(raw) as { at?: number; existing?: boolean };
        if (now - (intent.at ?? 0) < graceMs) continue;
        if (intent.existing) {
          // A take-back for an existing order that did not finish: keep it only if it was held durably.
          if (!(await this.inventory.hasHold(orderId))) await gate.release(key, orderId);
          else await gate.settle(key, orderId);
          continue;
        }
        const order = await this.completePlacement(key, orderId).catch((err: Error) => {
          this.logger.warn({ err: err.message, orderId }, 'stock sweep: could not write an order yet');
          return undefined;
        });
        if (order) report.written++;
        else if (order === null) report.failed++;
      }
      for (const [orderId, h] of holds) {
        if (held.get(orderId) !== h.slot) {
          await gate.adopt(key, orderId, h.slot);
          report.adopted++;
        }
      }
      for (const [orderId, slot] of held) {
        if (holds.has(orderId) || intents.has(orderId)) continue;
        if (await gate.intent(key, orderId)) continue; // began since the snapshot
        if (activeIds.has(orderId) || (await this.Orders.exists({ _id: orderId, state: { $in: STATES_HOLDING_A_CAR }, latePayment: { $ne: true } }))) {
          if ((await this.inventory.holdDurably(key, orderId, slot)) !== null) report.reheld++;
          else report.orphanOrders++;
          continue;
        }
        if (await this.inventory.hasHold(orderId)) continue;
        const order = await this.Orders.findById(orderId, 'buyerId orderNo launchCode').lean<OrderDoc>();
        await this.releaseCar({ ...order, _id: orderId, stockKey: key });
        report.released++;
      }
      for (const [orderId, h] of holds) {
        if (activeIds.has(orderId) || intents.has(orderId) || now - new Date(h.at).getTime() < graceMs) continue;
        if (await gate.intent(key, orderId)) continue;
        const order = await this.Orders.findById(orderId, 'buyerId orderNo launchCode state latePayment').lean<OrderDoc>();
        if (order && STATES_HOLDING_A_CAR.includes(order.state) && !order.latePayment) continue;
        await this.releaseCar({ ...order, _id: orderId, stockKey: key });
        report.released++;
      }
    }
    // Orders that should hold a car but hold none (e.g. their hold was lost with a database restore).
    for (const o of active) {
      const k = o.stockKey;
      const id = String(o._id);
      if (holdsByKey.get(k)?.has(id) || snap.get(k)?.held.has(id)) continue;
      if (await this.inventory.hasHold(id)) continue;
      try {
        await this.inventory.reserve(k, id);
        report.reheld++;
      } catch {
        report.orphanOrders++;
        this.logger.error({ orderId: id, key: k }, 'stock sweep: an order holds no car and none is left');
      }
    }
    if (report.written || report.failed || report.adopted || report.reheld || report.released || report.orphanOrders) this.logger.info(report, 'stock sweep repaired');
    return report;
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

  // ---- reads for other modules (payments, reconciliation, tracking, users): they never query orders themselves ----

  async findById(orderId: Types.ObjectId | string): Promise<OrderDoc | null> {
    return this.Orders.findById(orderId).lean<OrderDoc>();
  }

  async findByOrderNo(orderNo: string): Promise<OrderDoc | null> {
    return this.Orders.findOne({ orderNo }).lean<OrderDoc>();
  }

  /**
   * Another order in progress (not cancelled, refunded or being refunded) that already has this
   * VIN: one car cannot be allocated to two buyers.
   */
  async findActiveByVin(vin: string, exceptOrderNo: string): Promise<Pick<OrderDoc, 'orderNo' | 'state'> | null> {
    return this.Orders.findOne({ vin, orderNo: { $ne: exceptOrderNo }, state: { $nin: ['cancelled', 'refunding', 'refunded'] } }, { orderNo: 1, state: 1 }).lean<Pick<OrderDoc, 'orderNo' | 'state'>>();
  }

  async advisorOf(orderNo: string): Promise<string | undefined> {
    return (await this.Orders.findOne({ orderNo }, { advisorUserId: 1 }).lean<{ advisorUserId?: string }>())?.advisorUserId;
  }

  /** The order a payment (our out_trade_no) belongs to. */
  async findByOutTradeNo(outTradeNo: string | undefined): Promise<OrderDoc | null> {
    return this.Orders.findOne({ 'payments.outTradeNo': outTradeNo }).lean<OrderDoc>();
  }

  async findByOutTradeNos(outTradeNos: string[]): Promise<OrderDoc[]> {
    return this.Orders.find({ 'payments.outTradeNo': { $in: outTradeNos } }).lean<OrderDoc[]>();
  }

  async findByOutRefundNos(outRefundNos: string[]): Promise<OrderDoc[]> {
    return this.Orders.find({ 'refunds.outRefundNo': { $in: outRefundNos } }).lean<OrderDoc[]>();
  }

  /** Orders with a payment paid or a refund succeeded in [start, end) (dot paths into arrays: fine on FerretDB and MongoDB). */
  async listMoneyMovedBetween(start: Date, end: Date): Promise<OrderDoc[]> {
    return this.Orders.find({
      $or: [{ 'payments.paidAt': { $gte: start, $lt: end } }, { 'refunds.succeededAt': { $gte: start, $lt: end } }],
    }).lean<OrderDoc[]>();
  }

  /** All of a buyer's orders, newest first (the account data export). */
  async listAllOfBuyer(buyerId: string): Promise<OrderDoc[]> {
    return this.Orders.find({ buyerId }).sort({ createdAt: -1 }).lean<OrderDoc[]>();
  }

  /** How many of the buyer's orders are still in progress (an account with any cannot be erased). */
  async countUnsettledOf(buyerId: string): Promise<number> {
    return this.Orders.countDocuments({ buyerId, state: { $nin: SETTLED_ORDER_STATES } });
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
    // The payment the order stands on (a duplicate payment is refunded on its own).
    const paid = order.payments.find((p) => p.status === 'paid' && !order.refunds.some((r) => r.duplicate && r.outTradeNo === p.outTradeNo));
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
    if (order.refunds.find((r) => r.outRefundNo === outRefundNo)?.duplicate) {
      // A duplicate payment went back: the order stays as it is.
      const succeeded = (o: OrderDoc) => o.refunds.map((r) => (r.outRefundNo === outRefundNo ? { ...r, status: 'succeeded', succeededAt: r.succeededAt ?? new Date() } : r));
      return (await this.mutate(order._id, (o) => (o.refunds.some((r) => r.outRefundNo === outRefundNo && r.status === 'processing') ? { set: { refunds: succeeded(o) } } : null))).order;
    }
    const updated = await this.transition(order, 'refunded', { kind: 'payment' }, {
      set: (o) => ({ refunds: o.refunds.map((r) => (r.outRefundNo === outRefundNo ? { ...r, status: 'succeeded', succeededAt: new Date() } : r)) }),
    });
    if (updated) await this.releaseCar(order);
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
    vin: o.vin ?? null,
    payments: o.payments.map((p) => ({ outTradeNo: p.outTradeNo, channel: p.channel, method: methodOf(p), amountFen: p.amountFen, status: p.status, paidAt: p.paidAt ? new Date(p.paidAt).toISOString() : null })),
    refunds: o.refunds.map((r) => ({ outRefundNo: r.outRefundNo, amountFen: r.amountFen, status: r.status, duplicate: !!r.duplicate, requestedAt: new Date(r.requestedAt).toISOString() })),
    timeline: o.timeline,
    actions: availableEvents(o.state, 'buyer'),
    createdAt: new Date(o.createdAt).toISOString(),
  };
}
