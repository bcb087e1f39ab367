import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';
import { tickBatcher } from '../../infra/batch';
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
 *   launch:C:early    zset buyer -> random draw (joined before the open)
 * Early arrivals (joined from `preQueueFrom` until the open) get no ticket at first: at the open
 * the first call draws their order (ascending by a random number each got when joining, as
 * Queue-it's pre-queue does), so being on the page early is enough and nobody gains by tapping
 * at the exact second; tickets after theirs go to later joiners in arrival order.
 */

// One call for every join and poll of a launch that reached this process in the same turn of its
// event loop (at the open, hundreds): each buyer in arrival order, then the queue moves on once.
// KEYS: seq admitted live tickets devices used buyers ips early free1 [free2 ...]
// ARGV: now startsAt admitPerSecond burst admissionMs maxPerIp preQueueFrom, then per buyer:
//       buyerId deviceId mode ip draw
const ENTER = `
local now = tonumber(ARGV[1])
local start = tonumber(ARGV[2])
local started = now >= start
local early = now >= tonumber(ARGV[7])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. now)
local avail = 0
for i = 10, #KEYS do avail = avail + redis.call('SCARD', KEYS[i]) end
local st = redis.call('HMGET', KEYS[2], 'a', 'tokens', 'last', 'drawn')
local A = tonumber(st[1] or '0')
local out, tickets = {}, {}

-- The open: the early arrivals take tickets 1..E in the order of their draws (once).
if started and not st[4] then
  local list = redis.call('ZRANGE', KEYS[9], 0, -1)
  local seq = tonumber(redis.call('GET', KEYS[1]) or '0')
  for i = 1, #list do
    if not redis.call('HGET', KEYS[4], list[i]) then
      seq = seq + 1
      redis.call('HSET', KEYS[4], list[i], seq)
    end
  end
  redis.call('SET', KEYS[1], seq)
  redis.call('HSET', KEYS[2], 'drawn', #list)
end

for i = 8, #ARGV, 5 do
  local j = (i - 8) / 5 + 1
  local buyer, device, mode, ip, draw = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4]
  local ticket = redis.call('HGET', KEYS[4], buyer)
  local ordered = redis.call('HGET', KEYS[7], buyer)
  if ordered then
    out[j] = {'ordered', ticket or '0', ordered}
  elseif not started then
    -- Before the open: join the early arrivals (from preQueueFrom), or ask whether one is in.
    if redis.call('ZSCORE', KEYS[9], buyer) then
      out[j] = {'early', redis.call('ZCARD', KEYS[9])}
    elseif mode ~= 'join' then
      out[j] = {'not_in_queue'}
    elseif not early then
      out[j] = {'not_open'}
    else
      local dev = redis.call('HGET', KEYS[5], device)
      if avail == 0 then
        out[j] = {'sold_out', ''}
      elseif dev and dev ~= buyer then
        out[j] = {'device_limit'}
      elseif tonumber(redis.call('HGET', KEYS[8], ip) or '0') >= tonumber(ARGV[6]) then
        out[j] = {'ip_limit'}
      else
        redis.call('ZADD', KEYS[9], draw, buyer)
        redis.call('HSET', KEYS[5], device, buyer)
        redis.call('HINCRBY', KEYS[8], ip, 1)
        out[j] = {'early', redis.call('ZCARD', KEYS[9])}
      end
    end
  elseif mode == 'join' then
    local renew = ticket and tonumber(ticket) <= A and not redis.call('ZSCORE', KEYS[3], ticket)
    if not ticket or renew then
      local dev = redis.call('HGET', KEYS[5], device)
      if avail == 0 then
        out[j] = {'sold_out', ticket or ''}
      elseif dev and dev ~= buyer then
        out[j] = {'device_limit'}
      elseif not ticket and tonumber(redis.call('HGET', KEYS[8], ip) or '0') >= tonumber(ARGV[6]) then
        out[j] = {'ip_limit'}
      else
        ticket = tostring(redis.call('INCR', KEYS[1]))
        redis.call('HSET', KEYS[4], buyer, ticket)
        redis.call('HSET', KEYS[5], device, buyer)
        if not renew then redis.call('HINCRBY', KEYS[8], ip, 1) end
      end
    end
  end
  tickets[j] = ticket or false
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

for j = 1, #tickets do
  if not out[j] then
    local ticket = tickets[j]
    if not ticket then
      out[j] = {'not_in_queue'}
    else
      local exp = redis.call('ZSCORE', KEYS[3], ticket)
      if exp then out[j] = {'admitted', ticket, exp, avail}
      elseif tonumber(ticket) <= A then out[j] = {'expired', ticket}
      elseif avail == 0 then out[j] = {'sold_out', ticket}
      else out[j] = {'waiting', ticket, tonumber(ticket) - A - 1, avail} end
    end
  end
end
return out`;

export type EnterResult =
  | { kind: 'waiting'; ticket: number; ahead: number; available: number }
  | { kind: 'admitted'; ticket: number; expiresAt: number; available: number }
  | { kind: 'ordered'; ticket: number; orderNo: string }
  | { kind: 'early'; joined: number }
  | { kind: 'sold_out'; ticket: number | null }
  | { kind: 'expired'; ticket: number }
  | { kind: 'not_open' | 'not_in_queue' | 'device_limit' | 'ip_limit' };

function decode(res: string[]): EnterResult {
  const n = (i: number) => Number(res[i]);
  switch (res[0]) {
    case 'waiting':
      return { kind: 'waiting', ticket: n(1), ahead: n(2), available: n(3) };
    case 'admitted':
      return { kind: 'admitted', ticket: n(1), expiresAt: n(2), available: n(3) };
    case 'ordered':
      return { kind: 'ordered', ticket: n(1), orderNo: res[2] };
    case 'early':
      return { kind: 'early', joined: n(1) };
    case 'sold_out':
      return { kind: 'sold_out', ticket: res[1] ? n(1) : null };
    case 'expired':
      return { kind: 'expired', ticket: n(1) };
    default:
      return { kind: res[0] as 'not_open' };
  }
}

export interface RoomSettings {
  code: string;
  startsAt: Date;
  /** Joins from then until the open are early arrivals (= startsAt: none). */
  preQueueFrom: Date;
  admitPerSecond: number;
  burst: number;
  admissionSeconds: number;
  stockKeys: string[];
}

type Scripted = Redis & { launchEnter(...args: (string | number)[]): Promise<string[][]> };

interface Entry {
  room: RoomSettings;
  buyerId: string;
  mode: 'join' | 'poll';
  who: { deviceId: string; ip: string };
}

export class WaitingRoom {
  private readonly r: Scripted;
  private readonly batchers = new Map<string, (e: Entry) => Promise<EnterResult>>();

  constructor(
    redis: Redis,
    private readonly secret: string,
    private readonly limits: { buyersPerIp: number },
  ) {
    this.r = redis as Scripted;
    if (!('launchEnter' in redis)) redis.defineCommand('launchEnter', { lua: ENTER });
  }

  /**
   * Join (mode 'join') or ask where one stands ('poll'); either moves the queue on. Calls for one
   * launch in the same event-loop turn go to Redis together (one script call instead of hundreds
   * at a launch's open; the script takes them in arrival order).
   */
  enter(room: RoomSettings, buyerId: string, mode: 'join' | 'poll', who: { deviceId: string; ip: string }): Promise<EnterResult> {
    let batcher = this.batchers.get(room.code);
    if (!batcher) {
      batcher = tickBatcher((entries: Entry[]) => this.run(entries));
      this.batchers.set(room.code, batcher);
      if (this.batchers.size > 100) this.batchers.delete(this.batchers.keys().next().value!);
    }
    return batcher({ room, buyerId, mode, who });
  }

  private async run(entries: Entry[]): Promise<EnterResult[]> {
    // The latest settings of the batch (an operator's edit reaches every process within 2 s anyway).
    const room = entries[entries.length - 1].room;
    const k = launchKeys(room.code);
    const keys = [k.seq, k.admitted, k.live, k.tickets, k.devices, k.used, k.buyers, k.ips, k.early, ...room.stockKeys.map((s) => gateKeys(s).free)];
    const args: (string | number)[] = [Date.now(), room.startsAt.getTime(), room.admitPerSecond, room.burst, room.admissionSeconds * 1000, this.limits.buyersPerIp, room.preQueueFrom.getTime()];
    // The early arrivals' draw: a random 48-bit number, exact as a Lua double.
    for (const e of entries) args.push(e.buyerId, e.who.deviceId, e.mode, e.who.ip, randomInt(2 ** 48 - 1));
    const results = await this.r.launchEnter(keys.length, ...keys, ...args);
    return results.map(decode);
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
    const [seq, early, a, ordered] = await Promise.all([this.r.get(k.seq), this.r.zcard(k.early), this.r.hget(k.admitted, 'a'), this.r.hlen(k.buyers)]);
    // Before the open the early arrivals have no tickets yet.
    return { joined: Math.max(Number(seq ?? 0), early), admitted: Number(a ?? 0), ordered };
  }
}
