import type { Redis } from 'ioredis';
import type { Context } from 'koa';
import { AppError } from './errors';
import { tickBatcher } from './batch';

// Fixed windows, atomically: the first hit of a window sets its expiry; every hit returns the
// count and the time left. One round trip for all of a request's limits, no race between INCR and
// PEXPIRE. KEYS: one per limit; ARGV: each limit's window (ms), in the same order.
const HIT = `
local out = {}
for i, key in ipairs(KEYS) do
  local n = redis.call('INCR', key)
  if n == 1 then redis.call('PEXPIRE', key, ARGV[i]) end
  local ttl = redis.call('PTTL', key)
  if ttl < 0 then redis.call('PEXPIRE', key, ARGV[i]); ttl = tonumber(ARGV[i]) end
  out[2 * i - 1] = n
  out[2 * i] = ttl
end
return out`;

type Scripted = Redis & { rateLimitHit(n: number, ...args: string[]): Promise<number[]> };

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
  private readonly redis: Scripted;

  constructor(redis: Redis) {
    this.redis = redis as Scripted;
    // A defined command is sent by its SHA (EVALSHA), not as the script's text on every hit.
    if (!('rateLimitHit' in redis)) redis.defineCommand('rateLimitHit', { lua: HIT });
  }

  // The hits of every request in the same event-loop turn go to Redis in one script call.
  private readonly counted = tickBatcher(async (sets: Limit[][]) => {
    const all = sets.flat();
    const res = await this.redis.rateLimitHit(all.length, ...all.map((l) => `rl:${l.key}`), ...all.map((l) => String(l.windowSeconds * 1000)));
    let at = 0;
    return sets.map((set) => set.map(() => ({ count: res[2 * at], ttlMs: res[2 * at++ + 1] })));
  }, 128);

  /** Counts one hit against each limit. */
  async hit(limits: Limit[]): Promise<{ count: number; retryAfterSeconds: number; allowed: boolean }[]> {
    if (limits.length === 0) return [];
    const res = await this.counted(limits);
    return limits.map((l, i) => ({ count: res[i].count, allowed: res[i].count <= l.limit, retryAfterSeconds: Math.max(1, Math.ceil(res[i].ttlMs / 1000)) }));
  }

  async enforce(ctx: Context, limits: Limit[], message = '操作过于频繁，请稍后再试'): Promise<void> {
    let retryAfter = 0;
    for (const r of await this.hit(limits)) {
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
