import { Queue, UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Logger } from '../infra/logger';
import { PermanentNoticeError, RetryableNoticeError, type BookingNoticeJob, type BookingNoticeJobs, type BookingNoticeService } from '../modules/booking-notices/service';
import { isExhausted } from './exhausted';

/**
 * Booking notices on BullMQ (see modules/booking-notices/service.ts):
 * - `event`: the WeChat message of a booking, reschedule or cancellation, run at once;
 * - `reminder`: a delayed job at the reminder's time (the day before at 18:00 Shanghai, 2 hours
 *   before). Delayed jobs live in Redis, so they survive a restart of every process; a worker that
 *   was down runs the overdue ones when it is back (the service skips a reminder that is too late).
 * Job ids are the notices' keys, so adding a job again (a retried booking request) is a no-op, and
 * completed jobs are kept a week so that stays true; exactly-once is the service's delivery record.
 * The worker runs in the API process (RUN_WORKERS) or in `pnpm --filter @carmall/bff worker`.
 */
export const BOOKING_NOTICE_QUEUE = 'booking-notices';

export function createBookingNoticeQueue(connection: ConnectionOptions, prefix: string, opts: { attempts: number; backoffMs: number }): Queue & BookingNoticeJobs {
  const queue = new Queue(BOOKING_NOTICE_QUEUE, {
    connection,
    prefix,
    defaultJobOptions: {
      attempts: opts.attempts,
      backoff: { type: 'exponential', delay: opts.backoffMs },
      removeOnComplete: { age: 7 * 24 * 3600, count: 200_000 },
      removeOnFail: { age: 30 * 24 * 3600 },
    },
  });
  return Object.assign(queue, {
    async enqueue(jobs: Array<{ data: BookingNoticeJob; runAt?: Date }>) {
      if (!jobs.length) return;
      const now = Date.now();
      await queue.addBulk(jobs.map(({ data, runAt }) => ({ name: data.type, data, opts: { jobId: data.key, ...(runAt ? { delay: Math.max(0, runAt.getTime() - now) } : {}) } })));
    },
    async drop(keys: string[]) {
      // A job running right now is locked and stays (it checks the booking itself).
      for (const k of keys) await queue.remove(k);
    },
  });
}

export function startBookingNoticeWorker(
  connection: ConnectionOptions,
  prefix: string,
  deps: { notices: BookingNoticeService },
  opts: { concurrency: number; ratePerSecond: number; jobLockMs?: number },
  logger: Logger,
): Worker {
  const worker: Worker = new Worker(
    BOOKING_NOTICE_QUEUE,
    async (job: Job) => {
      const data = job.data as BookingNoticeJob;
      const final = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      try {
        return await deps.notices.deliver(data, { final });
      } catch (err) {
        if (err instanceof RetryableNoticeError && err.pauseMs !== null) {
          // WeChat's daily quota: pause this queue as long as the sender says, without spending an attempt.
          await worker.rateLimit(Math.max(1000, err.pauseMs));
          throw Worker.RateLimitError();
        }
        const message = (err as Error).message;
        if (err instanceof PermanentNoticeError || final) await deps.notices.markFailed(data, message);
        if (err instanceof PermanentNoticeError) throw new UnrecoverableError(message);
        throw err;
      }
    },
    {
      connection,
      prefix,
      concurrency: opts.concurrency,
      limiter: { max: opts.ratePerSecond, duration: 1000 },
      lockDuration: opts.jobLockMs ?? 30_000,
      stalledInterval: opts.jobLockMs ?? 30_000,
    },
  );
  worker.on('failed', (job, err) => {
    if (!job) return;
    const exhausted = isExhausted(job, err);
    logger.warn({ job: job.name, id: job.id, attempts: job.attemptsMade, err: err.message, final: exhausted }, exhausted ? 'booking notice failed for good' : 'booking notice failed; will retry');
    if (exhausted) deps.notices.markFailed(job.data as BookingNoticeJob, err.message).catch((e: Error) => logger.error({ id: job.id, err: e.message }, 'could not record a failed booking notice'));
  });
  worker.on('error', (err) => logger.error({ err: err.message }, 'booking notice worker error'));
  return worker;
}
