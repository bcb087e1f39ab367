import type { Redis } from 'ioredis';
import type { Context } from 'koa';
import { AppError } from './errors';

// Fixed window, atomically: the first hit of a window sets its expiry; every hit returns the
// count and the time left. One round trip, no race between INCR and PEXPIRE.
const HIT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}`;

export interface Limit {
  /** What is limited and for whom, e.g. `login:ip:1.2.3.4`. */
  key: string;
  limit: number;
  windowSeconds: number;
}

/**
 * Abuse limits kept in Redis (shared by every BFF instance). `enforce` counts one hit against each
 * limit and answers 429 RATE_LIMITED with Retry-After (seconds until the longest exceeded window
 * ends) when any is exceeded.
 */
export class RateLimiter {
  constructor(private readonly redis: Redis) {}

  async hit(l: Limit): Promise<{ count: number; retryAfterSeconds: number; allowed: boolean }> {
    const [count, ttlMs] = (await this.redis.eval(HIT, 1, `rl:${l.key}`, String(l.windowSeconds * 1000))) as [number, number];
    return { count, allowed: count <= l.limit, retryAfterSeconds: Math.max(1, Math.ceil(ttlMs / 1000)) };
  }

  async enforce(ctx: Context, limits: Limit[], message = '操作过于频繁，请稍后再试'): Promise<void> {
    let retryAfter = 0;
    // Every limit in one pipelined round trip (each hit is still atomic on its own).
    for (const r of await Promise.all(limits.map((l) => this.hit(l)))) {
      if (!r.allowed) retryAfter = Math.max(retryAfter, r.retryAfterSeconds);
    }
    if (retryAfter > 0) {
      // The error handler keeps headers set before the throw.
      ctx.set('Retry-After', String(retryAfter));
      throw new AppError(429, 'RATE_LIMITED', message, { retryAfterSeconds: retryAfter });
    }
  }

  /** Forget a limit (e.g. failed-attempt counters after a success). */
  async reset(key: string): Promise<void> {
    await this.redis.del(`rl:${key}`);
  }
}
