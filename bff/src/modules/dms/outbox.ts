import type { Logger } from '../../infra/logger';
import type { Locks } from '../../infra/lock';
import type { OrderDoc, OrderService } from '../orders/service';
import { DmsPermanentError, type DmsClient } from './client';

export interface OutboxEntry {
  id: string;
  type: 'dms.order_locked';
  status: 'pending' | 'delivered' | 'parked';
  attempts: number;
  lastError?: string;
  createdAt: Date;
  deliveredAt?: Date;
  dmsOrderId?: string;
}

/** The entry written into the order, in the same write that locks it. */
export const lockedOrderOutboxEntry = (): OutboxEntry => ({ id: 'dms-order-locked', type: 'dms.order_locked', status: 'pending', attempts: 0, createdAt: new Date() });

/**
 * Transactional outbox without transactions: the message to the DMS lives inside the order
 * document, written by the same single-document update that locks the order, so the two can
 * never disagree. Delivery (BullMQ job, retried with backoff) marks it delivered; a periodic sweep
 * re-enqueues anything still pending (the process died between the write and the enqueue, or a
 * worker was killed mid-delivery). The DMS is idempotent by orderNo, so a repeat is harmless.
 */
export class DmsOutbox {
  constructor(
    private readonly orders: OrderService,
    private readonly dms: DmsClient | null,
    private readonly logger: Logger,
    private readonly dealerCode: string,
    private readonly locks: Locks,
  ) {}

  /** Deliver an order's pending entries. One delivery per order at a time, so a job and a sweep never both send. */
  async deliver(orderId: string): Promise<void> {
    await this.locks.withLock(`outbox:${orderId}`, () => this.deliverLocked(orderId), { ttlMs: 30_000, waitMs: 30_000 });
  }

  private async deliverLocked(orderId: string): Promise<void> {
    const order = await this.orders.Orders.findById(orderId).lean<OrderDoc>();
    for (const entry of order?.outbox?.filter((e) => e.status === 'pending') ?? []) {
      if (!this.dms) throw new Error('DMS_API_BASE is not configured; the outbox entry stays pending');
      try {
        const { dmsOrderId } = await this.dms.pushOrder({
          orderNo: order!.orderNo,
          dealerCode: this.dealerCode,
          vehicle: { modelCode: order!.modelCode, trimCode: order!.trimCode, options: order!.config.selected },
          priceFen: order!.totalFen,
          depositFen: order!.depositFen,
          lockedAt: new Date(entry.createdAt).toISOString(),
        });
        await this.update(orderId, entry.id, { status: 'delivered', deliveredAt: new Date(), dmsOrderId });
      } catch (err) {
        const permanent = err instanceof DmsPermanentError;
        await this.update(orderId, entry.id, { attempts: entry.attempts + 1, lastError: (err as Error).message, ...(permanent ? { status: 'parked' } : {}) });
        if (permanent) this.logger.error({ orderNo: order!.orderNo, err: (err as Error).message }, 'DMS refused the order: parked for review');
        else throw err; // retried by BullMQ
      }
    }
  }

  private update(orderId: string, entryId: string, patch: Partial<OutboxEntry>) {
    return this.orders.mutate(orderId, (o) => {
      const outbox = (o.outbox ?? []).map((e) => (e.id === entryId ? { ...e, ...patch } : e));
      return { set: { outbox } };
    });
  }

  /** Order ids with undelivered outbox entries. */
  async pendingOrderIds(limit = 500): Promise<string[]> {
    const docs = await this.orders.Orders.find({ 'outbox.status': 'pending' }, '_id').limit(limit).lean<{ _id: unknown }[]>();
    return docs.map((d) => String(d._id));
  }
}
