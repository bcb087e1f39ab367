import type { Redis } from 'ioredis';
import type { Logger } from './logger';

/**
 * Read-through cache in Redis with generation-based invalidation: every key embeds the
 * namespace's current generation, and invalidate() bumps it, so after a write returns no reader
 * can see an entry computed before it (old entries just expire). Redis being down never fails a
 * read: the loader runs and the result is served uncached.
 */
export class ReadThroughCache {
  constructor(
    private readonly redis: Redis,
    private readonly namespace: string,
    private readonly logger: Logger,
    private readonly maxTtlSeconds = 300,
  ) {}

  private genKey() {
    return `cache:${this.namespace}:gen`;
  }

  async get<T>(key: string, load: () => Promise<{ value: T; ttlSeconds?: number }>): Promise<T> {
    let fullKey: string | null = null;
    try {
      const gen = (await this.redis.get(this.genKey())) ?? '0';
      fullKey = `cache:${this.namespace}:${gen}:${key}`;
      const hit = await this.redis.get(fullKey);
      if (hit !== null) return JSON.parse(hit) as T;
    } catch (err) {
      this.logger.warn({ err: (err as Error).message, key }, 'cache read failed; loading from the database');
      fullKey = null;
    }
    const { value, ttlSeconds } = await load();
    const ttl = Math.min(this.maxTtlSeconds, ttlSeconds ?? this.maxTtlSeconds);
    if (fullKey && ttl >= 1) {
      await this.redis.set(fullKey, JSON.stringify(value), 'EX', Math.floor(ttl)).catch((err: Error) => {
        this.logger.warn({ err: err.message, key }, 'cache write failed');
      });
    }
    return value;
  }

  /** Call after the database write succeeded. Throws if Redis is down, so the caller can report it. */
  async invalidate(): Promise<void> {
    await this.redis.incr(this.genKey());
  }
}
