import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Context } from 'koa';
import { AppError } from '../../infra/errors';
import { hmacHex } from '../../infra/crypto';
import { tickBatcher } from '../../infra/batch';

export const ROLES = ['buyer', 'advisor', 'service', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];
/** Roles that work for the brand (everything but buyer). */
export const STAFF_ROLES: Role[] = ['advisor', 'service', 'operator', 'admin'];

export interface AuthedUser {
  id: string;
  roles: Role[];
}

interface SessionRecord extends AuthedUser {
  /** The refresh-token family (one sign-in on one device) this access token belongs to. */
  fid: string;
}

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  expiresAt: Date;
  refreshExpiresAt: Date;
}

const ACCESS = /^[A-Za-z0-9_-]{43}$/;
const REFRESH = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

// KEYS: fam, fam:access, fam:used, session:<new access>
// ARGV: hmac(presented refresh), hmac(new refresh), hmac(new access), access ttl (s), session json, key prefix
// Rotates only if the presented token is the family's current one. A token that was current
// before (in `used`) means it was copied: the whole family (every access token) is revoked.
const ROTATE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return {'invalid'} end
local current = redis.call('HGET', KEYS[1], 'current')
if current == ARGV[1] then
  local ttl = redis.call('PTTL', KEYS[1])
  redis.call('HSET', KEYS[1], 'current', ARGV[2])
  redis.call('SADD', KEYS[3], ARGV[1])
  redis.call('PEXPIRE', KEYS[3], ttl)
  redis.call('SET', KEYS[4], ARGV[5], 'EX', ARGV[4])
  redis.call('SADD', KEYS[2], ARGV[3])
  redis.call('PEXPIRE', KEYS[2], ttl)
  return {'ok', tostring(ttl)}
end
if redis.call('SISMEMBER', KEYS[3], ARGV[1]) == 1 then
  for _, h in ipairs(redis.call('SMEMBERS', KEYS[2])) do redis.call('DEL', ARGV[6] .. 'session:' .. h) end
  redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
  return {'reused'}
end
return {'invalid'}`;

// KEYS: fam, fam:access, fam:used; ARGV: key prefix
const REVOKE = `
for _, h in ipairs(redis.call('SMEMBERS', KEYS[2])) do redis.call('DEL', ARGV[1] .. 'session:' .. h) end
return redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])`;

/**
 * Sessions: a short-lived opaque access token (bearer, ACCESS_TOKEN_TTL_SECONDS) plus a rotating
 * refresh token (SESSION_TTL_SECONDS, the sign-in's absolute lifetime). Each sign-in is a family
 * in Redis; refreshing replaces the family's current refresh token, and presenting a refresh token
 * that was already rotated away (a stolen copy, or the legitimate one after the thief used it)
 * revokes the whole family. Only HMACs of tokens are stored, so a Redis dump hands out nothing.
 * The refresh token carries its family id (`<fid>.<secret>`); the family id alone grants nothing.
 */
export class SessionStore {
  private readonly prefix: string;

  constructor(
    private readonly redis: Redis,
    private readonly secret: string,
    private readonly refreshTtlSeconds: number,
    private readonly accessTtlSeconds = 900,
  ) {
    this.prefix = (redis.options.keyPrefix as string | undefined) ?? '';
  }

  private h(token: string) {
    return hmacHex(this.secret, token);
  }

  private famKeys(fid: string): [string, string, string] {
    return [`fam:${fid}`, `fam:${fid}:access`, `fam:${fid}:used`];
  }

  async create(user: AuthedUser): Promise<IssuedTokens> {
    const fid = randomBytes(16).toString('base64url');
    const refreshToken = `${fid}.${randomBytes(32).toString('base64url')}`;
    const accessToken = randomBytes(32).toString('base64url');
    const [fam, famAccess] = this.famKeys(fid);
    const record: SessionRecord = { id: user.id, roles: user.roles, fid };
    await this.redis
      .multi()
      .set(`session:${this.h(accessToken)}`, JSON.stringify(record), 'EX', this.accessTtlSeconds)
      .hset(fam, { uid: user.id, current: this.h(refreshToken), createdAt: new Date().toISOString() })
      .expire(fam, this.refreshTtlSeconds)
      .sadd(famAccess, this.h(accessToken))
      .expire(famAccess, this.refreshTtlSeconds)
      .sadd(`user:${user.id}:fams`, fid)
      .expire(`user:${user.id}:fams`, this.refreshTtlSeconds)
      .exec();
    const now = Date.now();
    return { accessToken, refreshToken, expiresAt: new Date(now + this.accessTtlSeconds * 1000), refreshExpiresAt: new Date(now + this.refreshTtlSeconds * 1000) };
  }

  /**
   * Exchanges a refresh token for a new pair. `load` reads the user's current roles (so role
   * changes apply at the next refresh) and returns null for a deleted user.
   */
  async rotate(refreshToken: string, load: (userId: string) => Promise<AuthedUser | null>): Promise<{ tokens: IssuedTokens; user: AuthedUser }> {
    const invalid = () => new AppError(401, 'REFRESH_TOKEN_INVALID', '登录已过期，请重新登录');
    const m = REFRESH.exec(refreshToken);
    if (!m) throw invalid();
    const fid = m[1];
    const [fam, famAccess, famUsed] = this.famKeys(fid);
    const uid = await this.redis.hget(fam, 'uid');
    if (!uid) throw invalid();
    const user = await load(uid);
    if (!user) {
      await this.revokeFamily(fid);
      throw invalid();
    }
    const newRefresh = `${fid}.${randomBytes(32).toString('base64url')}`;
    const newAccess = randomBytes(32).toString('base64url');
    const record: SessionRecord = { id: user.id, roles: user.roles, fid };
    const [outcome, ttl] = (await this.redis.eval(
      ROTATE,
      4,
      fam,
      famAccess,
      famUsed,
      `session:${this.h(newAccess)}`,
      this.h(refreshToken),
      this.h(newRefresh),
      this.h(newAccess),
      String(this.accessTtlSeconds),
      JSON.stringify(record),
      this.prefix,
    )) as [string, string?];
    if (outcome === 'reused') throw new AppError(401, 'REFRESH_TOKEN_REUSED', '登录凭证已失效，请重新登录');
    if (outcome !== 'ok') throw invalid();
    const now = Date.now();
    return {
      user,
      tokens: {
        accessToken: newAccess,
        refreshToken: newRefresh,
        expiresAt: new Date(now + this.accessTtlSeconds * 1000),
        refreshExpiresAt: new Date(now + Number(ttl)),
      },
    };
  }

  // Lookups made in the same event-loop turn go to Redis as one MGET (infra/batch.ts).
  private readonly lookup = tickBatcher((keys: string[]) => this.redis.mget(keys));

  async get(token: string): Promise<(AuthedUser & { fid: string }) | null> {
    if (!ACCESS.test(token)) return null;
    const raw = await this.lookup(`session:${this.h(token)}`);
    if (!raw) return null;
    const rec = JSON.parse(raw) as SessionRecord;
    return { id: rec.id, roles: rec.roles, fid: rec.fid };
  }

  /** Ends one sign-in: its refresh token and every access token issued in it. */
  async revokeFamily(fid: string): Promise<void> {
    await this.redis.eval(REVOKE, 3, ...this.famKeys(fid), this.prefix);
  }

  /** Ends the sign-in an access token belongs to (logout). */
  async revoke(accessToken: string): Promise<void> {
    const s = await this.get(accessToken);
    if (s) await this.revokeFamily(s.fid);
  }

  /** Ends every sign-in of a user (account deletion, role changes). */
  async revokeUser(userId: string): Promise<void> {
    const fids = await this.redis.smembers(`user:${userId}:fams`);
    for (const fid of fids) await this.revokeFamily(fid);
    await this.redis.del(`user:${userId}:fams`);
  }

  /** Reads `Authorization: Bearer <token>`; anonymous when absent or unknown. */
  /** The request's signed-in user, looked up once per request (the write limit asks first). */
  authenticate = async (ctx: Context): Promise<AuthedUser | null> => {
    const state = ctx.state as { session?: Promise<(AuthedUser & { fid: string }) | null> };
    if (!state.session) {
      const match = /^Bearer (\S+)$/i.exec(ctx.get('authorization'));
      state.session = match ? this.get(match[1]) : Promise.resolve(null);
    }
    const s = await state.session;
    return s ? { id: s.id, roles: s.roles } : null;
  };
}
