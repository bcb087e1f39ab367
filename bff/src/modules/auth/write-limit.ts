import type { Context, Next } from 'koa';
import type { Limit, RateLimiter } from '../../infra/rate-limit';
import type { SessionStore } from './session';

const WRITE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Abuse limit on every API write (POST/PUT/PATCH/DELETE under /api/): per client IP, and per user
 * when a valid bearer token comes with it. Login and SMS endpoints add their own tighter limits.
 * Provider callbacks (payment notifies) are mounted before this and are not limited.
 */
export interface WriteLimits {
  perIpPerMin: number;
  perUserPerMin: number;
}

/** The limits one API write counts against (the fast lane counts the same ones). */
export function writeLimits(ip: string, userId: string | undefined, limits: WriteLimits): Limit[] {
  return [
    { key: `write:ip:${ip}`, limit: limits.perIpPerMin, windowSeconds: 60 },
    ...(userId ? [{ key: `write:user:${userId}`, limit: limits.perUserPerMin, windowSeconds: 60 }] : []),
  ];
}

export function writeRateLimit(limiter: RateLimiter, sessions: SessionStore, limits: WriteLimits) {
  return async (ctx: Context, next: Next) => {
    if (WRITE.has(ctx.method) && ctx.path.startsWith('/api/')) {
      const session = await sessions.authenticate(ctx);
      await limiter.enforce(ctx, writeLimits(ctx.ip, session?.id, limits));
    }
    await next();
  };
}
