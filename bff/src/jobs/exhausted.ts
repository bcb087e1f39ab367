import { UnrecoverableError, type Job } from 'bullmq';

/** Whether a failed BullMQ job will not run again: refused for good, or out of attempts. */
export function isExhausted(job: Job, err: Error): boolean {
  return err instanceof UnrecoverableError || err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
}
