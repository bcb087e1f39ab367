import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import type { Logger } from '../infra/logger';
import type { OrderOutbox } from '../modules/orders/outbox';
import type { OrderJobs, OrderService } from '../modules/orders/service';
import type { LaunchService } from '../modules/launches/service';
import type { PaymentService } from '../modules/payments/service';

/**
 * Order jobs on BullMQ: the unpaid-order timeout (a delayed job per order), refunds and outbox
 * deliveries (DMS, WeChat shipping info) (retried with backoff while the other side is down), and a periodic outbox
 * sweep. Job ids are deterministic, so scheduling twice is a no-op; handlers are idempotent, so a
 * job run twice (a worker killed mid-job) is harmless.
 */
export const ORDER_QUEUE = 'orders';
const SWEEP_EVERY_MS = 60_000;

export function createOrderQueue(connection: ConnectionOptions, prefix: string): Queue & OrderJobs {
  const queue = new Queue(ORDER_QUEUE, {
    connection,
    prefix,
    defaultJobOptions: { attempts: 8, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: 1000, removeOnFail: 5000 },
  });
  return Object.assign(queue, {
    async schedulePaymentTimeout(orderId: string, at: Date) {
      await queue.add('payment-timeout', { orderId }, { jobId: `payment-timeout-${orderId}`, delay: Math.max(0, at.getTime() - Date.now()) });
    },
    async scheduleRefund(orderId: string, outRefundNo?: string) {
      // One job per refund: a finished job of the same id would swallow a later refund of the order
      // (a duplicate payment's refund, then the order's own).
      await queue.add('refund', { orderId }, { jobId: outRefundNo ? `refund-${orderId}-${outRefundNo}` : `refund-${orderId}` });
    },
    async scheduleOutbox(orderId: string) {
      // Not a fixed job id: an order gets outbox entries at different times (payment, lock), and a
      // finished job with the same id would swallow the later one. Delivery is idempotent.
      await queue.add('outbox', { orderId }, { jobId: `outbox-${orderId}-${Date.now()}` });
    },
  });
}

export function startOrderWorker(
  connection: ConnectionOptions,
  prefix: string,
  deps: { payments: PaymentService; outbox: OrderOutbox; orders: OrderService; launches: LaunchService; queue: Queue },
  logger: Logger,
  opts: { stockSweepEveryMs: number; stockSweepGraceMs: number } = { stockSweepEveryMs: 10_000, stockSweepGraceMs: 15_000 },
): Worker {
  const worker = new Worker(
    ORDER_QUEUE,
    async (job) => {
      const { orderId } = job.data as { orderId?: string };
      switch (job.name) {
        case 'payment-timeout':
          return deps.payments.timeoutUnpaid(orderId!);
        case 'refund':
          return deps.payments.processRefund(orderId!);
        case 'outbox':
        case 'dms-outbox': // jobs queued before the rename
          return deps.outbox.deliver(orderId!);
        case 'outbox-sweep': {
          // Re-enqueue what is still pending; the time bucket lets a finished job id be used again.
          const bucket = Math.floor(Date.now() / SWEEP_EVERY_MS);
          for (const id of await deps.outbox.pendingOrderIds()) {
            await deps.queue.add('outbox', { orderId: id }, { jobId: `outbox-${id}-sweep-${bucket}` });
          }
          return;
        }
        case 'stock-sweep':
          // The gate, the durable holds and the orders agree again (see OrderService.reconcileStock);
          // launches past their end give their unsold cars back to normal sale.
          await deps.launches.closeEnded();
          return deps.orders.reconcileStock(opts.stockSweepGraceMs);
        default:
          throw new Error(`unknown job ${job.name}`);
      }
    },
    { connection, prefix, concurrency: 5 },
  );
  worker.on('failed', (job, err) => logger.warn({ job: job?.name, id: job?.id, attempts: job?.attemptsMade, err: err.message }, 'order job failed; will retry'));
  worker.on('error', (err) => logger.error({ err: err.message }, 'order worker error'));
  // A sweep now (recovers what a crash left behind) and then on a schedule. The schedules live in
  // Redis: they are set again whenever the connection comes back (a Redis restart loses them).
  const schedule = () => {
    void deps.queue.add('outbox-sweep', {}, { jobId: `outbox-sweep-start-${Date.now()}` }).catch(() => undefined);
    void deps.queue.upsertJobScheduler('outbox-sweep', { every: SWEEP_EVERY_MS }, { name: 'outbox-sweep', data: {} }).catch((err: Error) => logger.warn({ err: err.message }, 'could not schedule the outbox sweep'));
    void deps.queue.add('stock-sweep', {}, { jobId: `stock-sweep-start-${Date.now()}`, attempts: 1 }).catch(() => undefined);
    void deps.queue
      .upsertJobScheduler('stock-sweep', { every: opts.stockSweepEveryMs }, { name: 'stock-sweep', data: {}, opts: { attempts: 1 } })
      .catch((err: Error) => logger.warn({ err: err.message }, 'could not schedule the stock sweep'));
  };
  schedule();
  void deps.queue.client.then((c) => c.on('ready', schedule)).catch(() => undefined);
  return worker;
}
