import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import type { Logger } from '../infra/logger';
import { previousShanghaiDate, type ReconciliationService } from '../modules/reconciliation/service';

/**
 * The daily reconciliation on its own BullMQ queue: a job scheduler runs `reconcile-day` every day
 * at 10:00 Asia/Shanghai (WeChat publishes the previous day's bill from 09:00) for the previous
 * day; a job may also name its `date`. A failed run (WeChat down) is retried with backoff; running
 * a day again just replaces its report.
 */
export const RECONCILIATION_QUEUE = 'reconciliation';
export const DAILY_SCHEDULER_ID = 'reconciliation-daily';
export const DAILY_PATTERN = '0 10 * * *'; // 10:00 every day
export const DAILY_TZ = 'Asia/Shanghai';

const jobOptions = { attempts: 6, backoff: { type: 'exponential', delay: 60_000 }, removeOnComplete: 100, removeOnFail: 500 };

export function createReconciliationQueue(connection: ConnectionOptions, prefix: string): Queue {
  return new Queue(RECONCILIATION_QUEUE, { connection, prefix, defaultJobOptions: jobOptions });
}

export function startReconciliationWorker(
  connection: ConnectionOptions,
  prefix: string,
  deps: { reconciliation: ReconciliationService; queue: Queue },
  logger: Logger,
): Worker {
  const worker = new Worker(
    RECONCILIATION_QUEUE,
    async (job) => {
      if (job.name !== 'reconcile-day') throw new Error(`unknown job ${job.name}`);
      const { date } = (job.data ?? {}) as { date?: string };
      const report = await deps.reconciliation.run(date ?? previousShanghaiDate(), { kind: 'schedule' });
      return { date: report.date, status: report.status, mismatches: report.mismatches.length };
    },
    { connection, prefix, concurrency: 1 },
  );
  worker.on('failed', (job, err) => logger.warn({ job: job?.name, id: job?.id, attempts: job?.attemptsMade, err: err.message }, 'reconciliation job failed; will retry'));
  worker.on('error', (err) => logger.error({ err: err.message }, 'reconciliation worker error'));
  void deps.queue
    .upsertJobScheduler(DAILY_SCHEDULER_ID, { pattern: DAILY_PATTERN, tz: DAILY_TZ }, { name: 'reconcile-day', data: {}, opts: jobOptions })
    .catch((err: Error) => logger.warn({ err: err.message }, 'could not schedule the daily reconciliation'));
  return worker;
}
