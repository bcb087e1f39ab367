import { Queue, UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Logger } from '../infra/logger';
import { PermanentDeliveryError, RetryableDeliveryError, type DeliveryJob, type ReminderJobs, type ReminderService } from '../modules/reminders/service';
import { isExhausted } from './exhausted';

/**
 * Maintenance reminders and campaigns on BullMQ:
 * - `scan` (repeatable, every REMINDER_SCAN_EVERY_MS): cars coming due → one `send` job each,
 *   job id reminder-{vehicleId}-after-{last service} (one per service interval), so a second
 *   scan adds nothing, even after the due date moved;
 * - `campaign-build`: a staff campaign's segment → one `send` job per owner (campaign-{id}-{userId});
 * - `send`: deliver one message (in-app + WeChat when opted in); retried with exponential backoff,
 *   then kept in the failed set, which is the dead-letter list staff see and retry.
 * The worker's limiter keeps sends under WeChat's rate; WeChat's daily quota (our own count of
 * today's sends, or a 45009) pauses the queue, up to 00:00 Asia/Shanghai.
 * Exactly-once is not left to BullMQ: ReminderService.deliver checks a unique delivery record.
 */
export const REMINDER_QUEUE = 'reminders';

export interface ReminderQueueOptions {
  attempts: number;
  backoffMs: number;
}

export function createReminderQueue(connection: ConnectionOptions, prefix: string, opts: ReminderQueueOptions): Queue & ReminderJobs & { scanNow(): Promise<string> } {
  const queue = new Queue(REMINDER_QUEUE, {
    connection,
    prefix,
    defaultJobOptions: {
      attempts: opts.attempts,
      backoff: { type: 'exponential', delay: opts.backoffMs },
      // Completed sends are kept a week so their job ids keep deduplicating re-scans cheaply.
      removeOnComplete: { age: 7 * 24 * 3600, count: 500_000 },
      removeOnFail: false, // the dead-letter list
    },
  });
  return Object.assign(queue, {
    async enqueueDeliveries(jobs: DeliveryJob[]) {
      for (let i = 0; i < jobs.length; i += 500) {
        await queue.addBulk(jobs.slice(i, i + 500).map((data) => ({ name: 'send', data, opts: { jobId: data.key } })));
      }
    },
    async enqueueCampaignBuild(campaignId: string) {
      // Safe to call again (a retried push, the scan's sweep): one job per campaign; a failed one is retried.
      const jobId = `campaign-build-${campaignId}`;
      const existing = await queue.getJob(jobId);
      if (existing && (await existing.isFailed())) await existing.retry();
      else await queue.add('campaign-build', { campaignId }, { jobId });
    },
    async pausedForMs() {
      return Math.max(0, await queue.getRateLimitTtl());
    },
    async scanNow() {
      const job = await queue.add('scan', {}, { jobId: `scan-manual-${Date.now()}`, attempts: 3 });
      return job.id!;
    },
  });
}

export function startReminderWorker(
  connection: ConnectionOptions,
  prefix: string,
  deps: { reminders: ReminderService; queue: Queue },
  opts: { concurrency: number; ratePerSecond: number; scanEveryMs: number; jobLockMs?: number },
  logger: Logger,
): Worker {
  const worker: Worker = new Worker(
    REMINDER_QUEUE,
    async (job: Job) => {
      switch (job.name) {
        case 'scan':
          return deps.reminders.scanDue();
        case 'campaign-build':
          return deps.reminders.buildCampaign((job.data as { campaignId: string }).campaignId);
        case 'send': {
          const data = job.data as DeliveryJob;
          const final = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
          try {
            return await deps.reminders.deliver(data, { final });
          } catch (err) {
            if (err instanceof RetryableDeliveryError && err.pauseMs !== null) {
              // WeChat's quota (45009, or today's budget used up): pause the whole queue (every
              // worker) as long as the sender says, and put this job back without spending an attempt.
              await worker.rateLimit(Math.max(1000, err.pauseMs));
              throw Worker.RateLimitError();
            }
            const message = (err as Error).message;
            // Going to the dead-letter list: its record is written before the job fails (awaited,
            // so campaign counts add up; the 'failed' handler below repeats it as a fallback).
            if (err instanceof PermanentDeliveryError || final) await deps.reminders.markFailed(data, message, job.attemptsMade + 1);
            if (err instanceof PermanentDeliveryError) throw new UnrecoverableError(message);
            throw err;
          }
        }
        default:
          throw new UnrecoverableError(`unknown job ${job.name}`);
      }
    },
    {
      connection,
      prefix,
      concurrency: opts.concurrency,
      limiter: { max: opts.ratePerSecond, duration: 1000 },
      // A killed worker's active jobs go back to the queue once their lock expires (found by the stalled check).
      lockDuration: opts.jobLockMs ?? 30_000,
      stalledInterval: opts.jobLockMs ?? 30_000,
    },
  );
  worker.on('failed', (job, err) => {
    if (!job) return;
    const exhausted = isExhausted(job, err);
    logger.warn({ job: job.name, id: job.id, attempts: job.attemptsMade, err: err.message, deadLetter: exhausted }, exhausted ? 'reminder job dead-lettered' : 'reminder job failed; will retry');
    if (exhausted && job.name === 'send')
      deps.reminders.markFailed(job.data as DeliveryJob, err.message, job.attemptsMade).catch((e: Error) => logger.error({ id: job.id, err: e.message }, 'could not record a dead-lettered reminder'));
  });
  worker.on('error', (err) => logger.error({ err: err.message }, 'reminder worker error'));
  if (opts.scanEveryMs > 0) {
    void deps.queue
      .upsertJobScheduler('reminder-scan', { every: opts.scanEveryMs }, { name: 'scan', data: {}, opts: { attempts: 3 } })
      .catch((err: Error) => logger.warn({ err: err.message }, 'could not schedule the reminder scan'));
  }
  return worker;
}
