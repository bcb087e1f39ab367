import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';
import { gateKeys, launchKeys } from '../inventory/gate';

/**
 * The waiting room of a launch, in Redis (one Lua script per join or poll, shared by every BFF
 * process). Tickets are numbered in arrival order; admissions go to the lowest tickets first, from
 * a token bucket (`admitPerSecond`, at most `burst` at once) and never more at once than there are
 * cars left: live admissions ≤ free cars, so every admitted buyer can get a car while the admission
 * lasts. A buyer's admission is used up by the order (inventory/gate.ts RESERVE, same keys).
 *   launch:C:seq      last ticket number          launch:C:tickets  buyer -> ticket
 *   launch:C:admitted a (highest admitted ticket), tokens, last (ms)
 *   launch:C:live     zset ticket -> admission expiry (ms)
 *   launch:C:used     set of tickets that ordered launch:C:buyers   buyer -> order number
 *   launch:C:devices  device -> buyer              launch:C:ips      ip -> buyers from it
 */

// KEYS: seq admitted live tickets devices used buyers ips free1 [free2 ...]
// ARGV: now startsAt admitPerSecond burst admissionMs buyerId deviceId mode ip maxPerIp
const ENTER = `
local now = tonumber(ARGV[1])
local start = tonumber(ARGV[2])
local started = now >= start
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. now)
local avail = 0
for i = 9, #KEYS do avail = avail + redis.call('SCARD', KEYS[i]) end
local st = redis.call('HMGET', KEYS[2], 'a', 'tokens', 'last')
local A = tonumber(st[1] or '0')
local buyer = ARGV[6]
local ticket = redis.call('HGET', KEYS[4], buyer)
local ordered = redis.call('HGET', KEYS[7], buyer)
if ordered then return {'ordered', ticket or '0', ordered} end

if ARGV[8] == 'join' then
  if not started then return {'not_open'} end
  local renew = false
  if ticket and tonumber(ticket) <= A and not redis.call('ZSCORE', KEYS[3], ticket) then renew = true end
  if not ticket or renew then
    if avail == 0 then return {'sold_out', ticket or ''} end
    local dev = redis.call('HGET', KEYS[5], ARGV[7])
    if dev and dev ~= buyer then return {'device_limit'} end
    if not ticket and tonumber(redis.call('HGET', KEYS[8], ARGV[9]) or '0') >= tonumber(ARGV[10]) then return {'ip_limit'} end
    ticket = tostring(redis.call('INCR', KEYS[1]))
    redis.call('HSET', KEYS[4], buyer, ticket)
    redis.call('HSET', KEYS[5], ARGV[7], buyer)
    if not renew then redis.call('HINCRBY', KEYS[8], ARGV[9], 1) end
  end
end

if started then
  local burst = tonumber(ARGV[4])
  local tokens = tonumber(st[2] or ARGV[4])
  local last = math.max(tonumber(st[3] or ARGV[2]), start)
  tokens = math.min(burst, tokens + (now - last) / 1000 * tonumber(ARGV[3]))
  local seq = tonumber(redis.call('GET', KEYS[1]) or '0')
  local n = math.min(math.floor(tokens), avail - redis.call('ZCARD', KEYS[3]), seq - A)
  if n > 0 then
    local expires = now + tonumber(ARGV[5])
    for t = A + 1, A + n do redis.call('ZADD', KEYS[3], expires, t) end
    A = A + n
    tokens = tokens - n
  end
  redis.call('HSET', KEYS[2], 'a', A, 'tokens', tostring(tokens), 'last', now)
end

if not ticket then return {'not_in_queue'} end
local exp = redis.call('ZSCORE', KEYS[3], ticket)
if exp then return {'admitted', ticket, exp, avail} end
if tonumber(ticket) <= A then return {'expired', ticket} end
if avail == 0 then return {'sold_out', ticket} end
return {'waiting', ticket, tonumber(ticket) - A - 1, avail}`;

export type EnterResult =
  | { kind: 'waiting'; ticket: number; ahead: number; available: number }
  | { kind: 'admitted'; ticket: number; expiresAt: number; available: number }
  | { kind: 'ordered'; ticket: number; orderNo: string }
  | { kind: 'sold_out'; ticket: number | null }
  | { kind: 'expired'; ticket: number }
  | { kind: 'not_open' | 'not_in_queue' | 'device_limit' | 'ip_limit' };

export interface RoomSettings {
  code: string;
  startsAt: Date;
  admitPerSecond: number;
  burst: number;
  admissionSeconds: number;
  stockKeys: string[];
}

type Scripted = Redis & { launchEnter(...args: (string | number)[]): Promise<unknown[]> };

export class WaitingRoom {
  private readonly r: Scripted;

  constructor(
    redis: Redis,
    private readonly secret: string,
    private readonly limits: { buyersPerIp: number },
  ) {
    this.r = redis as Scripted;
    if (!('launchEnter' in redis)) redis.defineCommand('launchEnter', { lua: ENTER });
  }

  /** Join (mode 'join') or ask where one stands ('poll'); either moves the queue on. */
  async enter(room: RoomSettings, buyerId: string, mode: 'join' | 'poll', who: { deviceId: string; ip: string }, now = Date.now()): Promise<EnterResult> {
    const k = launchKeys(room.code);
    const keys = [k.seq, k.admitted, k.live, k.tickets, k.devices, k.used, k.buyers, k.ips, ...room.stockKeys.map((s) => gateKeys(s).free)];
    const args = [now, room.startsAt.getTime(), room.admitPerSecond, room.burst, room.admissionSeconds * 1000, buyerId, who.deviceId, mode, who.ip, this.limits.buyersPerIp];
    const res = (await this.r.launchEnter(keys.length, ...keys, ...args)) as string[];
    const n = (i: number) => Number(res[i]);
    switch (res[0]) {
      case 'waiting':
        return { kind: 'waiting', ticket: n(1), ahead: n(2), available: n(3) };
      case 'admitted':
        return { kind: 'admitted', ticket: n(1), expiresAt: n(2), available: n(3) };
      case 'ordered':
        return { kind: 'ordered', ticket: n(1), orderNo: res[2] };
      case 'sold_out':
        return { kind: 'sold_out', ticket: res[1] ? n(1) : null };
      case 'expired':
        return { kind: 'expired', ticket: n(1) };
      default:
        return { kind: res[0] as 'not_open' };
    }
  }

  /** The admission token: the ticket and its expiry, signed for this buyer and launch. */
  sign(code: string, buyerId: string, ticket: number, expiresAt: number): string {
    const body = `${ticket}.${expiresAt}`;
    return `${body}.${this.mac(code, buyerId, body)}`;
  }

  /** The ticket a token admits, or null if it was not signed by us for this buyer and launch. */
  verify(code: string, buyerId: string, token: string): { ticket: number; expiresAt: number } | null {
    const m = /^(\d{1,12})\.(\d{13})\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!m) return null;
    const expected = Buffer.from(this.mac(code, buyerId, `${m[1]}.${m[2]}`));
    const given = Buffer.from(m[3]);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    return { ticket: Number(m[1]), expiresAt: Number(m[2]) };
  }

  private mac(code: string, buyerId: string, body: string) {
    return createHmac('sha256', this.secret).update(`launch-admission\n${code}\n${buyerId}\n${body}`).digest('base64url');
  }

  async stats(code: string): Promise<{ joined: number; admitted: number; ordered: number }> {
    const k = launchKeys(code);
    const [seq, a, ordered] = await Promise.all([this.r.get(k.seq), this.r.hget(k.admitted, 'a'), this.r.hlen(k.buyers)]);
    return { joined: Number(seq ?? 0), admitted: Number(a ?? 0), ordered };
  }
}
