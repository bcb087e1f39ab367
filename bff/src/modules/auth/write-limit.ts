import type { Context, Next } from 'koa';
import type { Limit, RateLimiter } from '../../infra/rate-limit';
import type { SessionStore } from './session';

const WRITE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Abuse limit on every API write (POST/PUT/PATCH/DELETE under /api/): a signed-in write counts
 * against its user, an anonymous one (no or no valid bearer token) against its client IP. Login and
 * SMS endpoints add their own tighter limits. Provider callbacks (payment notifies) are mounted
 * before this and not counted here: they count only failed verifications per IP
 * (`payments/notify-limit.ts`).
 *
 * Why no per-IP count for signed-in writes (not even a higher ceiling): an address is a weak name
 * for a person. Carrier NAT, office networks and, above all, a load balancer the BFF does not trust
 * (`TRUST_PROXY=false`) put many people behind one address, and then one person's burst blocked
 * everyone's writes for up to a minute (issue #26). A session is a strong name: it is per person,
 * and minting many costs sign-ins, which are limited per IP (`RATE_LIMIT_LOGIN_PER_IP_PER_MIN`), so
 * an IP ceiling on top would add little against a farm of sessions and bring the shared-address
 * failure back at scale.
 */
export interface WriteLimits {
  perIpPerMin: number;
  perUserPerMin: number;
}

/** The limits one API write counts against (the fast lane counts the same ones). */
export function writeLimits(ip: string, userId: string | undefined, limits: WriteLimits): Limit[] {
  return userId ? [{ key: `write:user:${userId}`, limit: limits.perUserPerMin, windowSeconds: 60 }] : [{ key: `write:ip:${ip}`, limit: limits.perIpPerMin, windowSeconds: 60 }];
}

/**
 * What start-up should warn about: in production without `TRUST_PROXY` every client behind a load
 * balancer has the balancer's address, so the per-IP limits (anonymous writes, logins, SMS,
 * failed payment notifies) are shared by everyone behind it.
 */
export function proxyWarning(config: { NODE_ENV: string; TRUST_PROXY: boolean }): string | null {
  return config.NODE_ENV === 'production' && !config.TRUST_PROXY
    ? 'TRUST_PROXY is false in production: behind a load balancer every client has its address, so per-IP limits (anonymous writes, logins, SMS codes, failed notifies) are shared by all of them. Set TRUST_PROXY=true (and TRUST_PROXY_HOPS) when a proxy sets X-Forwarded-For.'
    : null;
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
