import type { Redis } from 'ioredis';

/**
 * Pre-aggregates in Redis, updated at ingestion so reports never read raw events:
 *   an:fp:{funnel}:{unit}       hash  r = steps reached, d = cohort day, s = cohort segment keys (expires with the window)
 *   an:fc:{funnel}:{day}        hash  "{platform}|{model}|{city}|{stepIndex}" → units (every filter combination)
 *   an:ev:{day}                 hash  event name → events
 *   an:xx:{experiment}:{unit}   string  the variant the unit was exposed to (set once)
 *   an:xc:{experiment}:{unit}   string  converted marker (set once)
 *   an:xr:{experiment}          hash  "x:{variant}" exposures, "c:{variant}" conversions
 * Each event is one Lua call, so a unit's progress and the counters move together even when
 * batches of one device race. Keys are built inside the scripts, so they get the client's key
 * prefix as an argument (single Redis node, as everywhere in this app).
 */
const APPLY_EVENT = `
local prefix, name, day, segs, unit, window = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], tonumber(ARGV[6])
local function split(s) local t = {} for x in string.gmatch(s, '[^,]+') do t[#t + 1] = x end return t end
redis.call('HINCRBY', prefix .. 'an:ev:' .. day, name, 1)
local i = 7
local nf = tonumber(ARGV[i]); i = i + 1
for _ = 1, nf do
  local fk, steps = ARGV[i], split(ARGV[i + 1]); i = i + 2
  local pk = prefix .. 'an:fp:' .. fk .. ':' .. unit
  local st = redis.call('HMGET', pk, 'r', 'd', 's')
  local reached = tonumber(st[1]) or 0
  -- The step this event reaches (0-based), skipping optional steps ("name?"), as advanceFunnel does.
  local nxt = nil
  if reached == 0 then
    if #steps > 0 and steps[1] == name then nxt = 0 end
  else
    for j = reached + 1, #steps do
      local s = steps[j]
      local optional = string.sub(s, -1) == '?'
      if optional then s = string.sub(s, 1, -2) end
      if s == name then nxt = j - 1; break end
      if not optional then break end
    end
  end
  if nxt then
    local cday, csegs = st[2], st[3]
    if nxt == 0 then
      cday, csegs = day, segs
      redis.call('HSET', pk, 'r', 1, 'd', cday, 's', csegs)
      redis.call('EXPIRE', pk, window)
    else
      redis.call('HSET', pk, 'r', nxt + 1)
    end
    local ck = prefix .. 'an:fc:' .. fk .. ':' .. cday
    for _, sk in ipairs(split(csegs)) do redis.call('HINCRBY', ck, sk .. '|' .. nxt, 1) end
  end
end
local ne = tonumber(ARGV[i]); i = i + 1
local converted = 0
for _ = 1, ne do
  local xk = ARGV[i]; i = i + 1
  for _, u in ipairs(split(ARGV[i])) do
    local v = redis.call('GET', prefix .. 'an:xx:' .. xk .. ':' .. u)
    if v then
      if redis.call('SET', prefix .. 'an:xc:' .. xk .. ':' .. u, '1', 'NX') then
        redis.call('HINCRBY', prefix .. 'an:xr:' .. xk, 'c:' .. v, 1)
        converted = converted + 1
      end
      break
    end
  end
  i = i + 1
end
return converted`;

const EXPOSE = `
local prefix, xk, unit, variant = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local key = prefix .. 'an:xx:' .. xk .. ':' .. unit
if redis.call('SET', key, variant, 'NX') then
  redis.call('HINCRBY', prefix .. 'an:xr:' .. xk, 'x:' .. variant, 1)
  return {variant, 1}
end
return {redis.call('GET', key), 0}`;

export interface AggregatedEvent {
  name: string;
  day: string;
  /** The 8 segment keys of this event (used when it starts a funnel). */
  segments: string[];
  /** Funnel unit: the device's anonymous id. */
  unit: string;
  /** Experiments whose target this event is, with the candidate units (user first, then device). */
  conversions: { experiment: string; units: string[] }[];
}

type Scripted = Redis & {
  anApplyEvent(...args: (string | number)[]): Promise<number>;
  anExpose(...args: string[]): Promise<[string, number]>;
};

export class Aggregates {
  private readonly r: Scripted;
  private readonly prefix: string;

  constructor(redis: Redis, private readonly windowSeconds: number) {
    this.r = redis as Scripted;
    this.prefix = (redis.options.keyPrefix as string | undefined) ?? '';
    if (!('anApplyEvent' in redis)) {
      redis.defineCommand('anApplyEvent', { numberOfKeys: 0, lua: APPLY_EVENT });
      redis.defineCommand('anExpose', { numberOfKeys: 0, lua: EXPOSE });
    }
  }

  /** Apply events in order (one pipelined round trip); returns experiment conversions counted. */
  async apply(events: AggregatedEvent[], funnels: { key: string; steps: string[] }[]): Promise<number> {
    if (events.length === 0) return 0;
    const p = this.r.pipeline() as unknown as { anApplyEvent(...a: (string | number)[]): void; exec(): Promise<[Error | null, unknown][] | null> };
    for (const e of events) {
      const args: (string | number)[] = [this.prefix, e.name, e.day, e.segments.join(','), e.unit, this.windowSeconds, funnels.length];
      for (const f of funnels) args.push(f.key, f.steps.join(','));
      args.push(e.conversions.length);
      for (const c of e.conversions) args.push(c.experiment, c.units.join(','));
      p.anApplyEvent(...args);
    }
    const results = (await p.exec()) ?? [];
    let converted = 0;
    for (const [err, n] of results) {
      if (err) throw err;
      converted += Number(n);
    }
    return converted;
  }

  /** Record a unit's exposure once; answers the variant it was first exposed to (sticky). */
  async expose(experiment: string, unit: string, variant: string): Promise<{ variant: string; first: boolean }> {
    const [v, first] = await this.r.anExpose(this.prefix, experiment, unit, variant);
    return { variant: v, first: first === 1 };
  }

  /** Units that reached each step, for cohorts of these days and this segment key. */
  async funnelCounts(funnel: string, days: string[], segmentKey: string, steps: number): Promise<number[]> {
    const fields = Array.from({ length: steps }, (_, i) => `${segmentKey}|${i}`);
    const p = this.r.pipeline();
    for (const d of days) p.hmget(`an:fc:${funnel}:${d}`, ...fields);
    const counts = new Array<number>(steps).fill(0);
    for (const [err, row] of (await p.exec()) ?? []) {
      if (err) throw err;
      (row as (string | null)[]).forEach((v, i) => (counts[i] += Number(v ?? 0)));
    }
    return counts;
  }

  /** Exposures and conversions per variant. */
  async experimentCounts(experiment: string): Promise<{ exposed: Record<string, number>; converted: Record<string, number> }> {
    const all = await this.r.hgetall(`an:xr:${experiment}`);
    const exposed: Record<string, number> = {};
    const converted: Record<string, number> = {};
    for (const [k, v] of Object.entries(all)) (k.startsWith('x:') ? exposed : converted)[k.slice(2)] = Number(v);
    return { exposed, converted };
  }

  /** Dedup of event ids: true for the ids never seen before (SET NX with a TTL longer than any SDK retry). */
  async claimIds(ids: string[], ttlSeconds: number): Promise<boolean[]> {
    const p = this.r.pipeline();
    for (const id of ids) p.set(`an:eid:${id}`, '1', 'EX', ttlSeconds, 'NX');
    return ((await p.exec()) ?? []).map(([err, v]) => {
      if (err) throw err;
      return v === 'OK';
    });
  }

  /** Give ids back when their events could not be stored, so the SDK's retry is not taken for a duplicate. */
  async releaseIds(ids: string[]): Promise<void> {
    if (ids.length) await this.r.del(...ids.map((id) => `an:eid:${id}`));
  }
}
