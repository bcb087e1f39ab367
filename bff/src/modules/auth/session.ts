import { createHmac, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Context } from 'koa';

export const ROLES = ['buyer', 'advisor', 'service', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface AuthedUser {
  id: string;
  roles: Role[];
}

/**
 * Opaque bearer tokens kept in Redis. Only an HMAC of the token is stored, so a Redis dump does
 * not hand out live sessions; deleting the key logs the user out everywhere at once.
 */
export class SessionStore {
  constructor(
    private readonly redis: Redis,
    private readonly secret: string,
    private readonly ttlSeconds: number,
  ) {}

  private key(token: string) {
    return `session:${createHmac('sha256', this.secret).update(token).digest('hex')}`;
  }

  async create(user: AuthedUser): Promise<{ token: string; expiresAt: Date }> {
    const token = randomBytes(32).toString('base64url');
    await this.redis.set(this.key(token), JSON.stringify(user), 'EX', this.ttlSeconds);
    return { token, expiresAt: new Date(Date.now() + this.ttlSeconds * 1000) };
  }

  async get(token: string): Promise<AuthedUser | null> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
    const raw = await this.redis.get(this.key(token));
    return raw ? (JSON.parse(raw) as AuthedUser) : null;
  }

  async revoke(token: string): Promise<void> {
    await this.redis.del(this.key(token));
  }

  /** Reads `Authorization: Bearer <token>`; anonymous when absent or unknown. */
  authenticate = async (ctx: Context): Promise<AuthedUser | null> => {
    const header = ctx.get('authorization');
    const match = /^Bearer (\S+)$/i.exec(header);
    return match ? this.get(match[1]) : null;
  };
}
