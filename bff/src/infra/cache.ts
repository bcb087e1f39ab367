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

  /**
   * Parsed entries of this process, by full key (so by generation): a launch reads the same model
   * thousands of times a second, and parsing it each time costs more than the Redis round trip.
   * Kept no longer than the Redis entry lives (a scheduled price change ends it) and at most 2 s.
   * Values are shared between requests: callers treat them as read-only.
   */
  private readonly local = new Map<string, { value: unknown; until: number }>();

  async get<T>(key: string, load: () => Promise<{ value: T; ttlSeconds?: number }>): Promise<T> {
    let fullKey: string | null = null;
    try {
      const gen = (await this.redis.get(this.genKey())) ?? '0';
      fullKey = `cache:${this.namespace}:${gen}:${key}`;
      const mine = this.local.get(fullKey);
      if (mine && mine.until > Date.now()) return mine.value as T;
      const [hit, pttl] = await Promise.all([this.redis.get(fullKey), this.redis.pttl(fullKey)]);
      if (hit !== null) {
        const value = JSON.parse(hit) as T;
        if (pttl > 0) {
          if (this.local.size >= 500) this.local.clear();
          this.local.set(fullKey, { value, until: Date.now() + Math.min(pttl, 2000) });
        }
        return value;
      }
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
