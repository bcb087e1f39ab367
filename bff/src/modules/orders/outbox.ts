import type { Logger } from '../../infra/logger';
import type { Locks } from '../../infra/lock';
import type { OrderDoc, OrderService } from './service';

/** A message to another system that must follow an order change. */
export interface OutboxEntry {
  id: string;
  type: 'dms.order_locked' | 'wechat.shipping_info';
  status: 'pending' | 'delivered' | 'parked';
  attempts: number;
  lastError?: string;
  createdAt: Date;
  deliveredAt?: Date;
  /** The other system's reference, when it gives one (e.g. the DMS order id). */
  ref?: string;
  /** Entry data, e.g. the out_trade_no whose shipping info is due. */
  data?: Record<string, string>;
}

const entry = (id: string, type: OutboxEntry['type'], data?: Record<string, string>): OutboxEntry => ({ id, type, status: 'pending', attempts: 0, createdAt: new Date(), ...(data ? { data } : {}) });
/** Written with the lock: the DMS must learn about the locked order. */
export const lockedOrderOutboxEntry = () => entry('dms-order-locked', 'dms.order_locked');
/** Written with a WeChat payment: WeChat must receive its shipping info, or the funds stay frozen. */
export const shippingInfoOutboxEntry = (outTradeNo: string) => entry(`wechat-shipping-${outTradeNo}`, 'wechat.shipping_info', { outTradeNo });

/** Delivers one kind of entry. Throw OutboxPermanentError when retrying cannot help. */
export type OutboxSender = (order: OrderDoc, entry: OutboxEntry) => Promise<{ ref?: string }>;
export class OutboxPermanentError extends Error {}

/**
 * Transactional outbox without transactions: each message lives inside the order document,
 * written by the same single-document update as the change that causes it (the lock, the
 * payment), so the two can never disagree. Delivery (BullMQ job, retried with backoff) marks it
 * delivered; a periodic sweep re-enqueues anything still pending (the process died between the
 * write and the enqueue, or a worker was killed mid-delivery). Receivers are idempotent by order
 * or payment number, so a repeat is harmless.
 */
export class OrderOutbox {
  constructor(
    private readonly orders: OrderService,
    private readonly senders: Partial<Record<OutboxEntry['type'], OutboxSender>>,
    private readonly logger: Logger,
    private readonly locks: Locks,
  ) {}

  /** Deliver an order's pending entries. One delivery per order at a time, so a job and a sweep never both send. */
  async deliver(orderId: string): Promise<void> {
    await this.locks.withLock(`outbox:${orderId}`, () => this.deliverLocked(orderId), { ttlMs: 30_000, waitMs: 30_000 });
  }

  private async deliverLocked(orderId: string): Promise<void> {
    const order = await this.orders.Orders.findById(orderId).lean<OrderDoc>();
    let retry: unknown = null;
    for (const e of order?.outbox?.filter((x) => x.status === 'pending') ?? []) {
      const send = this.senders[e.type];
      if (!send) {
        retry ??= new Error(`no sender configured for ${e.type}; the entry stays pending`);
        continue;
      }
      try {
        const { ref } = await send(order!, e);
        await this.update(orderId, e.id, { status: 'delivered', deliveredAt: new Date(), ...(ref ? { ref } : {}) });
      } catch (err) {
        const permanent = err instanceof OutboxPermanentError;
        await this.update(orderId, e.id, { attempts: e.attempts + 1, lastError: (err as Error).message, ...(permanent ? { status: 'parked' } : {}) });
        if (permanent) this.logger.error({ orderNo: order!.orderNo, type: e.type, err: (err as Error).message }, 'outbox entry refused: parked for review');
        else retry ??= err; // the others still get their turn; BullMQ retries the job
      }
    }
    if (retry) throw retry;
  }

  private update(orderId: string, entryId: string, patch: Partial<OutboxEntry>) {
    return this.orders.mutate(orderId, (o) => {
      const outbox = (o.outbox ?? []).map((x) => (x.id === entryId ? { ...x, ...patch } : x));
      return { set: { outbox } };
    });
  }

  /** Order ids with undelivered outbox entries. */
  async pendingOrderIds(limit = 500): Promise<string[]> {
    const docs = await this.orders.Orders.find({ 'outbox.status': 'pending' }, '_id').limit(limit).lean<{ _id: unknown }[]>();
    return docs.map((d) => String(d._id));
  }
}
