/**
 * `pnpm bench:rush` (scripts/bench-rush.sh starts throwaway FerretDB + Redis): a launch-day rush
 * against two BFF processes and two worker processes on one database and Redis, as deployed.
 *
 *   --buyers N   buyers per scenario (default 10,000)     --cars S   cars per scenario (default 1,000)
 *   --rate R     buyers per second in the steady scenario (default 1,000)
 *   --only floor,burst,steady,launch,launch-open             --connections C per BFF (default 256)
 *
 * Scenarios (each on its own variant with S cars): `burst` — all N buyers tap 立即下定 at the same
 * instant (POST /orders); `steady` — N buyers at R per second; `launch` — the N buyers arrive on
 * the launch page over the last 10 s of its countdown and join early (its waiting room's early
 * joining, shuffled at the open), poll as told and order when admitted; `launch-open` — all N
 * join at the instant of the open (nobody came early). The bench plays the load
 * balancer (bench/load-balancer.ts): a pool of C keep-alive connections per BFF, round robin, X-Forwarded-For per buyer,
 * and every time is measured from the buyer's tap (queueing in the pool included). Buyers'
 * sessions are minted directly in Redis (SessionStore), not through WeChat login.
 * Before the scenarios, 3,000 sold-out orders warm the processes up (JIT), as in production.
 * After each scenario it checks the database: exactly S orders, no hold without an order, no
 * order without a hold, the gate's count right, nothing oversold. Exits 1 if a check fails.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import mongoose, { Types } from 'mongoose';
import { SessionStore } from '../src/modules/auth/session';
import { withDatabase } from '../src/infra/mongo';
import { LoadBalancer } from './load-balancer';

const { MONGODB_URI, REDIS_URL } = process.env;
if (!MONGODB_URI || !REDIS_URL) throw new Error('MONGODB_URI and REDIS_URL are required: run `pnpm bench:rush` (scripts/bench-rush.sh)');
const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const BUYERS = arg('buyers', 10_000);
const CARS = arg('cars', 1_000);
const RATE = arg('rate', 1_000);
const CONNECTIONS = arg('connections', 256);
const onlyIdx = process.argv.indexOf('--only');
const ONLY = new Set(onlyIdx > 0 ? process.argv[onlyIdx + 1].split(',') : ['floor', 'burst', 'steady', 'launch', 'launch-open']);

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

const db = `rush_${Date.now()}`;
const prefix = `${db}:`;
const SECRET = randomBytes(32).toString('base64url');
const env = {
  ...process.env,
  NODE_ENV: 'production',
  LOG_LEVEL: 'warn',
  MONGODB_URI: withDatabase(MONGODB_URI, db),
  REDIS_URL,
  REDIS_KEY_PREFIX: prefix,
  SESSION_SECRET: SECRET,
  PII_KEYS: `k1:${randomBytes(32).toString('base64')}`,
  PII_ACTIVE_KEY: 'k1',
  PII_BLIND_INDEX_KEY: randomBytes(32).toString('base64'),
  TRUST_PROXY: 'true',
  WECHAT_SECRET: 'bench',
};

const children: ChildProcess[] = [];
const stopAll = () => children.forEach((c) => c.exitCode === null && c.kill('SIGTERM'));
process.on('exit', stopAll);

console.log(`rush bench: ${BUYERS.toLocaleString()} buyers, ${CARS.toLocaleString()} cars per scenario; 2 BFF + 2 worker processes; ${CONNECTIONS} connections per BFF`);
const seed = spawn(process.execPath, ['--import', 'tsx', 'src/seed/run.ts', '--force'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
await once(seed, 'exit');

const ports = [await freePort(), await freePort()];
// RUSH_CPU_PROF=dir writes a V8 CPU profile of each BFF there (open it in Chrome DevTools).
const prof = process.env.RUSH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.RUSH_CPU_PROF}`] : [];
for (const port of ports) children.push(spawn(process.execPath, [...prof, ...(process.env.RUSH_NODE_FLAGS ?? '').split(' ').filter(Boolean), '--import', 'tsx', 'src/server.ts'], { env: { ...env, PORT: String(port), RUN_WORKERS: 'false' }, stdio: ['ignore', 'ignore', 'inherit'] }));
for (let i = 0; i < 2; i++) children.push(spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], { env: { ...env, PORT: '0' }, stdio: ['ignore', 'ignore', 'inherit'] }));
for (const port of ports) {
  for (let i = 0; ; i++) {
    if (await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false)) break;
    if (i > 300) throw new Error(`BFF on ${port} did not become ready`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const redis = new Redis(REDIS_URL, { keyPrefix: prefix });
const sessions = new SessionStore(redis, SECRET, 24 * 3600, 24 * 3600);
const mongo = await mongoose.createConnection(withDatabase(MONGODB_URI, db)).asPromise();
const operator = (await sessions.create({ id: String(new Types.ObjectId()), roles: ['operator'] })).accessToken;

// The load balancer: keep-alive pools to both BFFs, round robin (bench/load-balancer.ts).
const lb = new LoadBalancer(ports, CONNECTIONS);
function call(method: string, path: string, opts: { token?: string; ip?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<{ status: number; body: any }> {
  return lb.request(method, `/api/v1${path}`, { authorization: opts.token ? `Bearer ${opts.token}` : undefined, 'x-forwarded-for': opts.ip, ...opts.headers }, opts.body);
}

interface Buyer {
  id: string;
  token: string;
  ip: string;
  device: string;
}
async function mintBuyers(n: number): Promise<Buyer[]> {
  const out: Buyer[] = [];
  for (let i = 0; i < n; i += 500) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(500, n - i) }, async (_, j) => {
        const k = i + j;
        const id = String(new Types.ObjectId());
        return { id, token: (await sessions.create({ id, roles: ['buyer'] })).accessToken, ip: `127.${(k >> 16) & 255}.${(k >> 8) & 255}.${k & 255}`, device: `dev-${randomUUID()}` };
      }),
    );
    out.push(...batch);
  }
  return out;
}

const q = (xs: number[], p: number) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const fmt = (xs: number[]) => (xs.length ? `p50 ${q(xs, 50)} ms, p95 ${q(xs, 95)} ms, p99 ${q(xs, 99)} ms, max ${Math.max(...xs)} ms` : 'none');

const MODEL = 'yuanshan-s5';
const TRIM = 'S5_520_RWD';
const PAINTS = { burst: 'PAINT_GLACIER_WHITE', steady: 'PAINT_CARBON_BLACK', launch: 'PAINT_MIST_GREY', 'launch-open': 'PAINT_PEARL_WHITE' } as const;
/** The launch scenario's buyers arrive over this last part of the countdown. */
const ARRIVAL_MS = 10_000;
const keyOf = (paint: string) => `national:${MODEL}:${TRIM}:${paint}`;

async function setStock(paint: string, total: number) {
  const r = await call('PUT', '/admin/stock', { token: operator, body: { modelCode: MODEL, trimCode: TRIM, paintCode: paint, total, reason: '压测备货' } });
  if (r.status !== 200) throw new Error(`stock setup failed: ${r.status} ${JSON.stringify(r.body)}`);
}

/** Wait until every held car's order is written (the rush's background writes), then check the record. */
async function verify(name: string, paint: string, t0: number, placed: Map<string, number>) {
  const key = keyOf(paint);
  const waitStart = Date.now();
  while ((await redis.hlen(`gate:${key}:intent`)) > 0 && Date.now() - waitStart < 300_000) await new Promise((r) => setTimeout(r, 200));
  const orders = await mongo.collection('orders').find({ stockKey: key }, { projection: { orderNo: 1, updatedAt: 1, state: 1 } }).toArray();
  const holds = await mongo.collection('stock_holds').find({ key }).toArray();
  const orderIds = new Set(orders.map((o) => String(o._id)));
  const holdIds = new Set(holds.map((h) => h.orderId));
  const held = await redis.hlen(`gate:${key}:held`);
  const free = await redis.scard(`gate:${key}:free`);
  const existsMs = orders.filter((o) => placed.has(o.orderNo)).map((o) => new Date(o.updatedAt).getTime() - t0);
  const checks = {
    [`orders = ${CARS}`]: orders.length === CARS,
    'every answered order exists': [...placed.keys()].every((no) => orders.some((o) => o.orderNo === no)),
    'no hold without an order': holds.every((h) => orderIds.has(h.orderId)),
    'no order without a hold': orders.every((o) => holdIds.has(String(o._id))),
    'gate: held + free = cars, held = holds': held + free === CARS && held === holds.length,
    'never oversold (holds <= cars, free >= 0)': holds.length <= CARS && free >= 0,
  };
  console.log(`  ${name}: time to the order existing ${fmt(existsMs)}`);
  for (const [what, ok] of Object.entries(checks)) console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${what}`);
  return Object.values(checks).every(Boolean);
}

function summarise(name: string, answers: { status: number; code?: string; ms: number }[]) {
  const created = answers.filter((a) => a.status === 201).length;
  const creating = answers.filter((a) => a.status === 202).length;
  const soldOut = answers.filter((a) => a.status === 409 && a.code === 'OUT_OF_STOCK').length;
  const errors = answers.filter((a) => ![201, 202].includes(a.status) && !(a.status === 409 && a.code === 'OUT_OF_STOCK'));
  const firstMs = answers.map((a) => a.ms);
  console.log(`  ${name}: ${created + creating} orders (${created} answered 201, ${creating} answered 202 creating), ${soldOut} sold out, ${errors.length} errors${errors.length ? ` (${[...new Set(errors.map((e) => `${e.status} ${e.code}`))].join(', ')})` : ''}`);
  console.log(`  ${name}: time to the first answer ${fmt(firstMs)}`);
  return { orders: created + creating, errors: errors.length, p99: q(firstMs, 99) };
}

const results: { name: string; ok: boolean; p99: number }[] = [];

// Warm-up, as servers that have been serving for a while are: 3,000 orders of a variant with no
// cars (sold out) and catalog reads, so the first scenario does not measure the JIT compiler.
{
  const paint = 'PAINT_LAKE_BLUE';
  await setStock(paint, 0);
  const warm = await mintBuyers(3000);
  await Promise.all(
    warm.map(async (b) => {
      await call('GET', `/catalog/models/${MODEL}`, { ip: b.ip });
      await call('POST', '/orders', { token: b.token, ip: b.ip, body: { modelCode: MODEL, trimCode: TRIM, selections: [paint] }, headers: { 'idempotency-key': randomUUID() } });
    }),
  );
}

async function directRush(name: 'burst' | 'steady') {
  const paint = PAINTS[name];
  await setStock(paint, CARS);
  const buyers = await mintBuyers(BUYERS);
  const body = { modelCode: MODEL, trimCode: TRIM, selections: [paint] };
  const placed = new Map<string, number>();
  const spacingMs = name === 'steady' ? 1000 / RATE : 0;
  console.log(name === 'burst' ? `\nburst: ${BUYERS.toLocaleString()} buyers order at the same instant` : `\nsteady: ${BUYERS.toLocaleString()} buyers at ${RATE.toLocaleString()}/s`);
  const t0 = Date.now() + 100;
  const answers = await Promise.all(
    buyers.map(async (b, i) => {
      const tap = t0 + i * spacingMs;
      const wait = tap - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const r = await call('POST', '/orders', { token: b.token, ip: b.ip, body, headers: { 'idempotency-key': randomUUID() } });
      const ms = Date.now() - tap;
      if (r.status === 201 || r.status === 202) placed.set(r.body.orderNo, tap);
      return { status: r.status, code: r.body?.error?.code as string | undefined, ms };
    }),
  );
  const s = summarise(name, answers);
  const ok = (await verify(name, paint, t0, placed)) && s.orders === CARS && s.errors === 0;
  results.push({ name, ok, p99: s.p99 });
}

async function launchRush(name: 'launch' | 'launch-open') {
  const paint = PAINTS[name];
  const early = name === 'launch';
  const code = `rush-${Date.now().toString(36)}`;
  // Minting 10,000 sessions takes a few seconds: the countdown starts after them.
  const buyers = await mintBuyers(BUYERS);
  const startsAt = new Date(Date.now() + 3000 + (early ? ARRIVAL_MS : 0));
  const admitPerSecond = Math.max(1, Math.round(CARS / 2));
  const r = await call('POST', '/admin/launches', {
    token: operator,
    body: {
      code,
      title: '远山 S5 首发压测',
      modelCode: MODEL,
      startsAt: startsAt.toISOString(),
      admitPerSecond,
      admitBurst: admitPerSecond,
      admissionSeconds: 60,
      ...(early ? { preQueueSeconds: 600 } : {}),
      variants: [{ trimCode: TRIM, paintCode: paint, stock: CARS }],
    },
  });
  if (r.status !== 201) throw new Error(`launch setup failed: ${r.status} ${JSON.stringify(r.body)}`);
  console.log(
    early
      ? `\nlaunch: ${BUYERS.toLocaleString()} buyers arrive over the last ${ARRIVAL_MS / 1000} s of the countdown and join early (drawn at the open; admits ${admitPerSecond}/s), poll as told, order when admitted`
      : `\nlaunch-open: ${BUYERS.toLocaleString()} buyers all join at the instant of the open (admits ${admitPerSecond}/s), poll as told, order when admitted`,
  );
  const arrivalsFrom = early ? startsAt.getTime() - ARRIVAL_MS : startsAt.getTime() + 50;
  await new Promise((res) => setTimeout(res, Math.max(0, arrivalsFrom - Date.now())));
  const t0 = Date.now();
  const opensAt = startsAt.getTime();
  const placed = new Map<string, number>();
  const firstAnswer: { status: number; code?: string; ms: number }[] = [];
  const decided: number[] = [];
  /** Every queue answer after the open, from its request (what a buyer waits for at the open). */
  const atOpen: number[] = [];
  let polls = 0;
  const outcomes = await Promise.all(
    buyers.map(async (b, i) => {
      const tap = early ? t0 + (i * ARRIVAL_MS) / buyers.length : t0;
      if (tap > Date.now()) await new Promise((res2) => setTimeout(res2, tap - Date.now()));
      let res = await call('POST', `/launches/${code}/queue`, { token: b.token, ip: b.ip, headers: { 'x-device-id': b.device } });
      firstAnswer.push({ status: res.status === 200 ? 201 : res.status, code: res.body?.error?.code, ms: Date.now() - tap });
      for (let guard = 0; guard < 1000; guard++) {
        if (res.status !== 200) return { kind: 'error', code: `${res.status} ${res.body?.error?.code}`, message: res.body?.error?.message };
        const s = res.body;
        if (s.status === 'early') {
          await new Promise((res2) => setTimeout(res2, s.pollAfterMs));
          polls++;
          const sent = Date.now();
          res = await call('GET', `/launches/${code}/queue`, { token: b.token, ip: b.ip });
          if (sent >= opensAt) atOpen.push(Date.now() - sent);
          continue;
        }
        if (s.status === 'sold_out') {
          decided.push(Date.now() - t0);
          return { kind: 'sold_out' };
        }
        if (s.status === 'admitted') {
          const o = await call('POST', `/launches/${code}/orders`, { token: b.token, ip: b.ip, body: { admissionToken: s.admissionToken, trimCode: TRIM, paintCode: paint }, headers: { 'idempotency-key': randomUUID() } });
          decided.push(Date.now() - t0);
          if (o.status === 201 || o.status === 202) {
            placed.set(o.body.orderNo, t0);
            return { kind: 'ordered' };
          }
          if (o.status === 409 && o.body?.error?.code === 'OUT_OF_STOCK') return { kind: 'sold_out' };
          return { kind: 'error', code: `${o.status} ${o.body?.error?.code}` };
        }
        if (s.status !== 'waiting') return { kind: 'error', code: `queue ${s.status}` };
        await new Promise((res2) => setTimeout(res2, s.pollAfterMs));
        polls++;
        const sent = Date.now();
        res = await call('GET', `/launches/${code}/queue`, { token: b.token, ip: b.ip });
        atOpen.push(Date.now() - sent);
      }
      return { kind: 'error', code: 'too many polls' };
    }),
  );
  const ordered = outcomes.filter((o) => o.kind === 'ordered').length;
  const soldOut = outcomes.filter((o) => o.kind === 'sold_out').length;
  const errors = outcomes.filter((o) => o.kind === 'error');
  console.log(`  ${name}: ${ordered} orders, ${soldOut} told sold out, ${errors.length} errors${errors.length ? ` (${[...new Set(errors.map((e) => (e as { code: string }).code))].join(', ')})` : ''}; ${polls.toLocaleString()} polls`);
  if (errors.length) console.log(`  ${name}: first errors ${JSON.stringify(errors.slice(0, 3))}`);
  console.log(`  ${name}: time to the first answer (${early ? 'joined early' : 'joined: ticket and place, or sold out'}) ${fmt(firstAnswer.map((a) => a.ms))}`);
  console.log(`  ${name}: each queue answer after the open, from its request ${fmt(atOpen)}`);
  console.log(`  ${name}: time ${early ? 'from the open ' : ''}to the decision (an order placed, or sold out) ${fmt(decided.map((d) => d - (opensAt - t0 > 0 ? opensAt - t0 : 0)))}`);
  const ok = (await verify(name, paint, t0, placed)) && ordered === CARS && errors.length === 0;
  results.push({ name, ok, p99: q(firstAnswer.map((a) => a.ms), 99) });
  if (early) results.push({ name: `${name} (answers after the open)`, ok, p99: q(atOpen, 99) });
}

/** The machine's floor: N bare requests (GET /healthz: no database, no Redis) at the same instant, three rounds. */
async function floor() {
  for (let round = 1; round <= 3; round++) {
    const t0 = Date.now();
    const ms = await Promise.all(
      Array.from({ length: BUYERS }, async (_, i) => {
        const r = await lb.request('GET', '/healthz', { 'x-forwarded-for': `10.0.${(i >> 8) & 255}.${i & 255}` });
        if (r.status !== 200) throw new Error(`healthz answered ${r.status}`);
        return Date.now() - t0;
      }),
    );
    console.log(`${round === 1 ? '\n' : ''}floor, round ${round}: ${BUYERS.toLocaleString()} bare GET /healthz at the same instant: ${fmt(ms)}`);
  }
}

try {
  if (ONLY.has('floor')) await floor();
  if (ONLY.has('burst')) await directRush('burst');
  if (ONLY.has('steady')) await directRush('steady');
  if (ONLY.has('launch')) await launchRush('launch');
  if (ONLY.has('launch-open')) await launchRush('launch-open');
} finally {
  await mongo.dropDatabase().catch(() => undefined);
  await mongo.close();
  const keys = await redis.keys(`${prefix}*`);
  for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000).map((k) => k.slice(prefix.length)));
  redis.disconnect();
  // Let the processes shut down gracefully (and write their CPU profiles, if asked).
  await Promise.all(children.map((c) => (c.exitCode === null ? Promise.race([new Promise((r) => c.once('exit', r)), new Promise((r) => { c.kill('SIGTERM'); setTimeout(r, 15_000); })]) : null)));
}

console.log('\nsummary');
let allOk = true;
for (const r of results) {
  const fast = r.p99 < 1000;
  allOk &&= r.ok;
  console.log(`  ${r.ok ? 'ok  ' : 'FAIL'} ${r.name}: database checks and 0 errors; ${fast ? 'ok  ' : 'MISS'} p99 time to the first answer ${r.p99} ms (target < 1000 ms)`);
}
process.exit(allOk ? 0 : 1);
