import type { Redis } from 'ioredis';

/**
 * The admission gate for scarce stock: one Redis Lua script per decision, so thousands of buyers
 * racing for the same car are decided in Redis (microseconds each) instead of by retried database
 * writes. Per stock key K:
 *   gate:K:meta    hash   total (cars), launch (code of the launch that owns the stock, or '')
 *   gate:K:free    set    free slot numbers 0..total-1
 *   gate:K:held    hash   orderId -> slot
 *   gate:K:intent  hash   orderId -> the order to write (JSON) until it is durable in MongoDB
 *   gate:keys      set    every built K (the sweep walks them)
 *   order-no:N     string JSON {key, orderId, buyerId[, failed]} so a buyer can follow a placement
 *   idem:B:I       string order number of buyer B's Idempotency-Key I
 * Popping a slot and recording the hold and the intent are one step, so a car is never given
 * twice and never lost between "decided" and "recorded". The durable record stays the MongoDB
 * hold (`stock_holds`, _id "<key>#<slot>", unique orderId): if Redis loses data, the gate is
 * rebuilt from it, and a slot the gate hands out twice still cannot be held twice.
 */

// KEYS: meta free held intent idem orderNo [launch: live used buyers tickets]
// ARGV: orderId orderNo intentJson ttlSeconds launchCode nowMs placementRef [ticket buyerId]
const RESERVE = `
local existing = redis.call('GET', KEYS[5])
if existing then return {'existing', existing} end
local meta = redis.call('HMGET', KEYS[1], 'total', 'launch')
if not meta[1] then return {'unbuilt'} end
local owner = meta[2] or ''
if owner ~= ARGV[5] then
  if owner ~= '' then return {'launch_only', owner} end
  return {'not_in_launch'}
end
if ARGV[5] ~= '' then
  if redis.call('HGET', KEYS[10], ARGV[9]) ~= ARGV[8] then return {'admission_invalid'} end
  local holding = redis.call('HGET', KEYS[9], ARGV[9])
  if holding then return {'already_holding', holding} end
  local expires = redis.call('ZSCORE', KEYS[7], ARGV[8])
  if not expires then
    if redis.call('SISMEMBER', KEYS[8], ARGV[8]) == 1 then return {'admission_used'} end
    return {'admission_expired'}
  end
  if tonumber(expires) < tonumber(ARGV[6]) then
    redis.call('ZREM', KEYS[7], ARGV[8])
    return {'admission_expired'}
  end
end
local slot = redis.call('SPOP', KEYS[2])
if not slot then return {'sold_out'} end
redis.call('HSET', KEYS[3], ARGV[1], slot)
redis.call('HSET', KEYS[4], ARGV[1], ARGV[3])
redis.call('SET', KEYS[5], ARGV[2], 'EX', ARGV[4])
redis.call('SET', KEYS[6], ARGV[7], 'EX', ARGV[4])
if ARGV[5] ~= '' then
  redis.call('ZREM', KEYS[7], ARGV[8])
  redis.call('SADD', KEYS[8], ARGV[8])
  redis.call('HSET', KEYS[9], ARGV[9], ARGV[2])
end
return {'ok', slot}`;

// Shared by the scripts below: make the free set hold exactly total - (held cars) slots, adding
// the lowest slot numbers that are neither held nor free (slot numbers are ids, counts are cars).
const FILL = `
local function fill(freeKey, heldKey, total)
  local target = math.max(0, total - redis.call('HLEN', heldKey))
  local cur = redis.call('SCARD', freeKey)
  if cur > target then
    redis.call('SPOP', freeKey, cur - target)
  elseif cur < target then
    local held = {}
    for _, v in ipairs(redis.call('HVALS', heldKey)) do held[v] = true end
    local s = 0
    local batch = {}
    while cur + #batch < target do
      local id = tostring(s)
      if not held[id] and redis.call('SISMEMBER', freeKey, id) == 0 then batch[#batch + 1] = id end
      if #batch == 5000 then redis.call('SADD', freeKey, unpack(batch)); cur = cur + #batch; batch = {} end
      s = s + 1
    end
    if #batch > 0 then redis.call('SADD', freeKey, unpack(batch)) end
  end
  return redis.call('SCARD', freeKey)
end
`;

// KEYS: meta free held intent [buyers]; ARGV: orderId [buyerId orderNo]
// Gives the slot back (if it is still a slot of the stock) and forgets the buyer's launch hold.
const RELEASE = `
local slot = redis.call('HGET', KEYS[3], ARGV[1])
redis.call('HDEL', KEYS[4], ARGV[1])
if KEYS[5] and redis.call('HGET', KEYS[5], ARGV[2]) == ARGV[3] then redis.call('HDEL', KEYS[5], ARGV[2]) end
if not slot then return 0 end
redis.call('HDEL', KEYS[3], ARGV[1])
local total = tonumber(redis.call('HGET', KEYS[1], 'total') or '0')
if redis.call('SCARD', KEYS[2]) + redis.call('HLEN', KEYS[3]) < total then redis.call('SADD', KEYS[2], slot) end
return 1`;

// KEYS: meta free held keys; ARGV: total launch key orderId1 slot1 orderId2 slot2 ...
// Builds the gate from the durable holds, unless another process already did.
const BUILD = FILL + `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('DEL', KEYS[2], KEYS[3])
for i = 4, #ARGV, 2 do redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1]) end
fill(KEYS[2], KEYS[3], tonumber(ARGV[1]))
redis.call('HSET', KEYS[1], 'total', ARGV[1], 'launch', ARGV[2])
redis.call('SADD', KEYS[4], ARGV[3])
return 1`;

// KEYS: meta free held; ARGV: newTotal. Cars already held stay held; the free ones follow.
const RESIZE = FILL + `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
redis.call('HSET', KEYS[1], 'total', ARGV[1])
return fill(KEYS[2], KEYS[3], tonumber(ARGV[1]))`;

// KEYS: meta free held; ARGV: orderId slot
// The durable record says this order holds this slot: make the gate agree.
const ADOPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local prev = redis.call('HGET', KEYS[3], ARGV[1])
if prev == ARGV[2] then return 0 end
redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
redis.call('SREM', KEYS[2], ARGV[2])
if prev then
  local total = tonumber(redis.call('HGET', KEYS[1], 'total') or '0')
  if redis.call('SCARD', KEYS[2]) + redis.call('HLEN', KEYS[3]) < total then redis.call('SADD', KEYS[2], prev) end
elseif redis.call('SCARD', KEYS[2]) + redis.call('HLEN', KEYS[3]) > tonumber(redis.call('HGET', KEYS[1], 'total') or '0') then
  redis.call('SPOP', KEYS[2])
end
return 1`;

// KEYS: meta free held; ARGV: orderId
// The slot this order got is held by another order in the durable record (the gate was stale):
// keep it out of the free set and give this order another one.
const RESLOT = `
local slot = redis.call('SPOP', KEYS[2])
if not slot then redis.call('HDEL', KEYS[3], ARGV[1]); return false end
redis.call('HSET', KEYS[3], ARGV[1], slot)
return slot`;

// KEYS: meta free held intent; ARGV: orderId intentJson
// A car for an order that already exists (its own slot if it still has one). The intent marks the
// hold as being written, so the sweep leaves it alone meanwhile.
const TAKE = `
local have = redis.call('HGET', KEYS[3], ARGV[1])
if have then return have end
local slot = redis.call('SPOP', KEYS[2])
if not slot then return false end
redis.call('HSET', KEYS[3], ARGV[1], slot)
redis.call('HSET', KEYS[4], ARGV[1], ARGV[2])
return slot`;

export type ReserveResult =
  | { kind: 'ok'; slot: number }
  | { kind: 'existing'; orderNo: string }
  | { kind: 'unbuilt' }
  | { kind: 'sold_out' }
  | { kind: 'launch_only'; launchCode: string }
  | { kind: 'not_in_launch' }
  | { kind: 'admission_invalid' | 'admission_used' | 'admission_expired' }
  | { kind: 'already_holding'; orderNo: string };

/** What a placement is doing, for the buyer following it (GET /orders/:orderNo/placement). */
export interface PlacementRef {
  key: string;
  orderId: string;
  buyerId: string;
  failed?: string;
}

/** Keys of one launch's waiting room (see launches/waiting-room.ts), as the gate needs them. */
export interface LaunchKeys {
  code: string;
  live: string;
  used: string;
  buyers: string;
  tickets: string;
}

type Scripted = Redis & Record<'gateReserve' | 'gateRelease' | 'gateBuild' | 'gateResize' | 'gateAdopt' | 'gateReslot' | 'gateTake', (...args: (string | number)[]) => Promise<unknown>>;

export const gateKeys = (key: string) => ({
  meta: `gate:${key}:meta`,
  free: `gate:${key}:free`,
  held: `gate:${key}:held`,
  intent: `gate:${key}:intent`,
});
const ALL_KEYS = 'gate:keys';

export class StockGate {
  private readonly r: Scripted;

  constructor(redis: Redis, private readonly ttlSeconds = 2 * 24 * 3600) {
    this.r = redis as Scripted;
    if (!('gateReserve' in redis)) {
      // numberOfKeys is given per call (launch orders pass more keys), so ioredis prefixes them all.
      redis.defineCommand('gateReserve', { lua: RESERVE });
      redis.defineCommand('gateRelease', { lua: RELEASE });
      redis.defineCommand('gateBuild', { numberOfKeys: 4, lua: BUILD });
      redis.defineCommand('gateResize', { numberOfKeys: 3, lua: RESIZE });
      redis.defineCommand('gateAdopt', { numberOfKeys: 3, lua: ADOPT });
      redis.defineCommand('gateReslot', { numberOfKeys: 3, lua: RESLOT });
      redis.defineCommand('gateTake', { numberOfKeys: 4, lua: TAKE });
    }
  }

  get redis(): Redis {
    return this.r;
  }

  /**
   * Take a free car of `key` for a new order, recording its intent (the order to write) in the
   * same step; with `launch`, only for the buyer's live admission ticket, which it uses up.
   */
  async reserve(
    key: string,
    p: { orderId: string; orderNo: string; buyerId: string; idempotencyKey: string; intent: string; now: number },
    launch?: LaunchKeys & { ticket: number },
  ): Promise<ReserveResult> {
    const k = gateKeys(key);
    const ref = JSON.stringify({ key, orderId: p.orderId, buyerId: p.buyerId } satisfies PlacementRef);
    const keys = [k.meta, k.free, k.held, k.intent, `idem:${p.buyerId}:${p.idempotencyKey}`, `order-no:${p.orderNo}`];
    const args: (string | number)[] = [p.orderId, p.orderNo, p.intent, this.ttlSeconds, launch?.code ?? '', p.now, ref];
    if (launch) {
      keys.push(launch.live, launch.used, launch.buyers, launch.tickets);
      args.push(String(launch.ticket), p.buyerId);
    }
    const res = (await this.r.gateReserve(keys.length, ...keys, ...args)) as [string, string?];
    switch (res[0]) {
      case 'ok':
        return { kind: 'ok', slot: Number(res[1]) };
      case 'existing':
        return { kind: 'existing', orderNo: res[1]! };
      case 'launch_only':
        return { kind: 'launch_only', launchCode: res[1]! };
      case 'already_holding':
        return { kind: 'already_holding', orderNo: res[1]! };
      default:
        return { kind: res[0] } as ReserveResult;
    }
  }

  /** Give the car of `orderId` back (idempotent); with a launch, the buyer may queue again. */
  async release(key: string, orderId: string, launch?: { buyers: string; buyerId: string; orderNo: string }): Promise<boolean> {
    const k = gateKeys(key);
    const keys = [k.meta, k.free, k.held, k.intent, ...(launch ? [launch.buyers] : [])];
    const args = [orderId, ...(launch ? [launch.buyerId, launch.orderNo] : [])];
    return Number(await this.r.gateRelease(keys.length, ...keys, ...args)) === 1;
  }

  /** Build the gate of `key` from the durable holds (a no-op if it exists). */
  async build(key: string, total: number, launchCode: string, holds: { orderId: string; slot: number }[]): Promise<boolean> {
    const k = gateKeys(key);
    return Number(await this.r.gateBuild(k.meta, k.free, k.held, ALL_KEYS, total, launchCode, key, ...holds.flatMap((h) => [h.orderId, h.slot]))) === 1;
  }

  /** Set the number of cars; returns the free ones, or -1 if the gate is not built. */
  async resize(key: string, total: number): Promise<number> {
    const k = gateKeys(key);
    return Number(await this.r.gateResize(k.meta, k.free, k.held, total));
  }

  async setLaunch(key: string, launchCode: string): Promise<void> {
    await this.r.hset(gateKeys(key).meta, 'launch', launchCode);
  }

  /** Make the gate say that `orderId` holds `slot` (the durable record says so). */
  async adopt(key: string, orderId: string, slot: number): Promise<void> {
    const k = gateKeys(key);
    await this.r.gateAdopt(k.meta, k.free, k.held, orderId, slot);
  }

  /** Another slot for an order whose slot turned out to be taken; null when none is left. */
  async reslot(key: string, orderId: string): Promise<number | null> {
    const k = gateKeys(key);
    const slot = await this.r.gateReslot(k.meta, k.free, k.held, orderId);
    return slot === null || slot === undefined ? null : Number(slot);
  }

  /** A free car for an existing order (its own if it still holds one); null when none is left. */
  async take(key: string, orderId: string): Promise<number | null> {
    const k = gateKeys(key);
    const slot = await this.r.gateTake(k.meta, k.free, k.held, k.intent, orderId, JSON.stringify({ existing: true, at: Date.now() }));
    return slot === null || slot === undefined ? null : Number(slot);
  }

  async built(key: string): Promise<boolean> {
    return (await this.r.exists(gateKeys(key).meta)) === 1;
  }

  async free(key: string): Promise<number> {
    return this.r.scard(gateKeys(key).free);
  }

  async freeMany(keys: string[]): Promise<number[]> {
    if (keys.length === 0) return [];
    const p = this.r.pipeline();
    for (const key of keys) p.scard(gateKeys(key).free);
    return ((await p.exec()) ?? []).map(([, n]) => Number(n ?? 0));
  }

  async held(key: string): Promise<Map<string, number>> {
    const h = await this.r.hgetall(gateKeys(key).held);
    return new Map(Object.entries(h).map(([orderId, slot]) => [orderId, Number(slot)]));
  }

  async heldSlot(key: string, orderId: string): Promise<number | undefined> {
    const slot = await this.r.hget(gateKeys(key).held, orderId);
    return slot === null ? undefined : Number(slot);
  }

  async intents(key: string): Promise<Map<string, string>> {
    return new Map(Object.entries(await this.r.hgetall(gateKeys(key).intent)));
  }

  async intent(key: string, orderId: string): Promise<string | null> {
    return this.r.hget(gateKeys(key).intent, orderId);
  }

  /** The order is durable: the intent is no longer needed. */
  async settle(key: string, orderId: string): Promise<void> {
    await this.r.hdel(gateKeys(key).intent, orderId);
  }

  async keys(): Promise<string[]> {
    return this.r.smembers(ALL_KEYS);
  }

  async placement(orderNo: string): Promise<PlacementRef | null> {
    const raw = await this.r.get(`order-no:${orderNo}`);
    return raw ? (JSON.parse(raw) as PlacementRef) : null;
  }

  async failPlacement(orderNo: string, ref: PlacementRef, reason: string): Promise<void> {
    await this.r.set(`order-no:${orderNo}`, JSON.stringify({ ...ref, failed: reason }), 'EX', this.ttlSeconds);
  }

  /** The order number a buyer's Idempotency-Key already placed, if any. */
  async idempotent(buyerId: string, idempotencyKey: string): Promise<string | null> {
    return this.r.get(`idem:${buyerId}:${idempotencyKey}`);
  }

  /** Forget a buyer's Idempotency-Key (its order could not be written; a retry may try again). */
  async forgetIdempotencyKey(buyerId: string, idempotencyKey: string): Promise<void> {
    await this.r.del(`idem:${buyerId}:${idempotencyKey}`);
  }
}

/** The Redis keys of a launch's waiting room (launches/waiting-room.ts); the gate uses some of them. */
export function launchKeys(code: string): LaunchKeys & { seq: string; admitted: string; devices: string; ips: string; early: string } {
  const p = `launch:${code}:`;
  return { code, seq: `${p}seq`, admitted: `${p}admitted`, live: `${p}live`, used: `${p}used`, buyers: `${p}buyers`, tickets: `${p}tickets`, devices: `${p}devices`, ips: `${p}ips`, early: `${p}early` };
}
