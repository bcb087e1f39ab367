import { Redis } from 'ioredis';
import type { Logger } from './logger';

/**
 * The app's Redis client. Commands fail fast while Redis is down (no offline queue), so requests
 * answer 503 instead of waiting. BullMQ gets its own connections (it needs blocking commands and
 * maxRetriesPerRequest = null); see createQueueConnection.
 */
export function connectRedis(url: string, keyPrefix: string, logger: Logger): Redis {
  const redis = new Redis(url, {
    keyPrefix,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 3000,
    retryStrategy: (times) => Math.min(times * 200, 2000),
    lazyConnect: false,
    // Commands issued in the same tick go out in one write: under a rush this halves the BFF's
    // CPU (one syscall per request instead of one per command).
    enableAutoPipelining: true,
  });
  let lastError = '';
  redis.on('error', (err) => {
    // ioredis emits on every retry; log each distinct failure once.
    if (err.message !== lastError) logger.error({ err: err.message }, 'redis error (REDIS_URL)');
    lastError = err.message;
  });
  redis.on('ready', () => {
    lastError = '';
    logger.info('redis ready');
  });
  return redis;
}

export function createQueueConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableOfflineQueue: true });
}
