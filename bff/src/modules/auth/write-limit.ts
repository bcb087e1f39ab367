import type { Context, Next } from 'koa';
import type { RateLimiter } from '../../infra/rate-limit';
import type { SessionStore } from './session';

const WRITE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Abuse limit on every API write (POST/PUT/PATCH/DELETE under /api/): per client IP, and per user
 * when a valid bearer token comes with it. Login and SMS endpoints add their own tighter limits.
 * Provider callbacks (payment notifies) are mounted before this and are not limited.
 */
export function writeRateLimit(limiter: RateLimiter, sessions: SessionStore, limits: { perIpPerMin: number; perUserPerMin: number }) {
  return async (ctx: Context, next: Next) => {
    if (WRITE.has(ctx.method) && ctx.path.startsWith('/api/')) {
      const session = await sessions.authenticate(ctx);
      await limiter.enforce(ctx, [
        { key: `write:ip:${ctx.ip}`, limit: limits.perIpPerMin, windowSeconds: 60 },
        ...(session ? [{ key: `write:user:${session.id}`, limit: limits.perUserPerMin, windowSeconds: 60 }] : []),
      ]);
    }
    await next();
  };
}
