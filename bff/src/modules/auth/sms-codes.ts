import { randomInt } from 'node:crypto';
import type { Redis } from 'ioredis';
import { hmacHex } from '../../infra/crypto';

// KEYS: the code's key; ARGV: hmac of the presented code, max attempts.
// Every check counts an attempt; the code dies on success or on the last attempt.
const VERIFY = `
local h = redis.call('HGET', KEYS[1], 'h')
if not h then return 'none' end
local n = redis.call('HINCRBY', KEYS[1], 'attempts', 1)
if h == ARGV[1] then redis.call('DEL', KEYS[1]) return 'ok' end
if n >= tonumber(ARGV[2]) then redis.call('DEL', KEYS[1]) return 'locked' end
return 'wrong'`;

/**
 * One-time SMS login codes in Redis: keyed by the phone's blind index (no phone number in Redis),
 * stored as an HMAC (no code in Redis), 5 minutes, 5 attempts.
 */
export class SmsCodes {
  static readonly TTL_SECONDS = 300;
  static readonly MAX_ATTEMPTS = 5;

  constructor(
    private readonly redis: Redis,
    private readonly secret: string,
  ) {}

  private key(phoneIndex: string) {
    return `sms:code:${phoneIndex}`;
  }

  async issue(phoneIndex: string): Promise<string> {
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    await this.redis
      .multi()
      .del(this.key(phoneIndex))
      .hset(this.key(phoneIndex), { h: hmacHex(this.secret, `${phoneIndex}:${code}`), attempts: 0 })
      .expire(this.key(phoneIndex), SmsCodes.TTL_SECONDS)
      .exec();
    return code;
  }

  async discard(phoneIndex: string) {
    await this.redis.del(this.key(phoneIndex));
  }

  async verify(phoneIndex: string, code: string): Promise<'ok' | 'wrong' | 'locked' | 'none'> {
    return (await this.redis.eval(VERIFY, 1, this.key(phoneIndex), hmacHex(this.secret, `${phoneIndex}:${code}`), String(SmsCodes.MAX_ATTEMPTS))) as 'ok' | 'wrong' | 'locked' | 'none';
  }
}
