import { Queue, QueueEvents, UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Logger } from '../infra/logger';
import type { RecommendationService, TrainResult } from '../modules/recommendations/service';

/**
 * Recommendation training on BullMQ: `train` (repeatable, every RECO_TRAIN_EVERY_MS, and on demand)
 * reads every interaction, computes each model's nearest neighbours and stores them under a new
 * version (RecommendationService.train). Concurrency 1: one training at a time per worker, and
 * the scheduler fires one job per interval across workers.
 */
export const RECOMMENDATION_QUEUE = 'recommendations';

export function createRecommendationQueue(connection: ConnectionOptions, prefix: string) {
  const queue = new Queue(RECOMMENDATION_QUEUE, {
    connection,
    prefix,
    defaultJobOptions: { attempts: 3, backoff: { type: 'exponential', delay: 5000 }, removeOnComplete: { count: 50 }, removeOnFail: { count: 50 } },
  });
  let events: QueueEvents | null = null;
  return Object.assign(queue, {
    /** Train now and wait for the result (the operator's button; tests). */
    async trainNow(timeoutMs = 60_000): Promise<TrainResult> {
      events ??= new QueueEvents(RECOMMENDATION_QUEUE, { connection, prefix });
      await events.waitUntilReady();
      const job = await queue.add('train', {}, { jobId: `train-manual-${Date.now()}-${Math.random().toString(36).slice(2, 8)}` });
      return (await job.waitUntilFinished(events, timeoutMs)) as TrainResult;
    },
    async closeEvents() {
      await events?.close();
    },
  });
}

export function startRecommendationWorker(
  connection: ConnectionOptions,
  prefix: string,
  deps: { recommendations: RecommendationService; queue: Queue },
  opts: { trainEveryMs: number },
  logger: Logger,
): Worker {
  const worker = new Worker(
    RECOMMENDATION_QUEUE,
    async (job: Job) => {
      if (job.name === 'train') return deps.recommendations.train();
      throw new UnrecoverableError(`unknown job ${job.name}`);
    },
    { connection, prefix, concurrency: 1 },
  );
  worker.on('failed', (job, err) => logger.warn({ job: job?.name, id: job?.id, err: err.message }, 'recommendation training failed'));
  worker.on('error', (err) => logger.error({ err: err.message }, 'recommendation worker error'));
  if (opts.trainEveryMs > 0) {
    void deps.queue
      .upsertJobScheduler('reco-train', { every: opts.trainEveryMs }, { name: 'train', data: {} })
      .catch((err: Error) => logger.warn({ err: err.message }, 'could not schedule recommendation training'));
  }
  return worker;
}
