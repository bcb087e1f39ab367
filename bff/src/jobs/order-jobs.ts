import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import type { Logger } from '../infra/logger';
import type { OrderJobs } from '../modules/orders/service';
import type { PaymentService } from '../modules/payments/service';

/**
 * Order jobs on BullMQ: the unpaid-order timeout (a delayed job per order) and refunds (retried
 * with backoff while WeChat Pay is down). Job ids are deterministic, so scheduling twice for one
 * order is a no-op; handlers are idempotent, so a job run twice (worker killed mid-job) is harmless.
 */
export const ORDER_QUEUE = 'orders';

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
    async scheduleRefund(orderId: string) {
      await queue.add('refund', { orderId }, { jobId: `refund-${orderId}` });
    },
  });
}

export function startOrderWorker(connection: ConnectionOptions, prefix: string, payments: PaymentService, logger: Logger): Worker {
  const worker = new Worker(
    ORDER_QUEUE,
    async (job) => {
      const { orderId } = job.data as { orderId: string };
      if (job.name === 'payment-timeout') await payments.timeoutUnpaid(orderId);
      else if (job.name === 'refund') await payments.processRefund(orderId);
      else throw new Error(`unknown job ${job.name}`);
    },
    { connection, prefix, concurrency: 5 },
  );
  worker.on('failed', (job, err) => logger.warn({ job: job?.name, id: job?.id, attempts: job?.attemptsMade, err: err.message }, 'order job failed; will retry'));
  worker.on('error', (err) => logger.error({ err: err.message }, 'order worker error'));
  return worker;
}
