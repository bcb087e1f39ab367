import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestApp } from './helpers';

/**
 * The admission gate (Redis) and the durable record (MongoDB holds and orders) agree after a BFF
 * is killed in the middle of orders, after Redis restarts with nothing kept, and after the sweep
 * repairs each kind of disagreement. Real FerretDB, a real Redis of this file's own (restarted
 * for real), a real BFF child process SIGKILLed.
 */
const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

const redisPort = await freePort();
const redisDir = mkdtempSync(join(tmpdir(), 'carmall-gate-redis-'));
let redisProc: ChildProcess | null = null;
async function startRedis() {
  redisProc = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(redisPort), '--dir', redisDir, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const c = createServer();
      c.once('error', () => resolve(true)).listen(redisPort, '127.0.0.1', () => c.close(() => resolve(false)));
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('redis did not start');
}
async function stopRedis() {
  const p = redisProc!;
  p.kill('SIGKILL'); // a crash: nothing is saved
  if (p.exitCode === null) await new Promise((r) => p.once('exit', r));
}
await startRedis();

// The sweep runs every 300 ms here and finishes any placement older than 1 s.
const t = await startTestApp('stock_gate', { REDIS_URL: `redis://127.0.0.1:${redisPort}`, STOCK_SWEEP_EVERY_MS: '300', STOCK_SWEEP_GRACE_MS: '1000' });
const MODEL = 'yunqi-m8';
let TRIM = '';
let PAINT = '';
let KEY = '';
let operator: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  await t.seed();
  operator = (await t.loginAs('operator', 'oGateOperator')).token;
  const variant = (await t.conn.collection('stock').findOne({ modelCode: MODEL }))!;
  [TRIM, PAINT, KEY] = [variant.trimCode, variant.paintCode, variant.key];
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await t.close();
  await stopRedis();
  rmSync(redisDir, { recursive: true, force: true });
});

const setStock = async (total: number) =>
  expect((await t.api('/api/v1/admin/stock', { method: 'PUT', token: operator, json: { modelCode: MODEL, trimCode: TRIM, paintCode: PAINT, total, reason: '测试备货' } })).status).toBe(200);
const orderAt = (base: string, token: string) =>
  fetch(`${base}/api/v1/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': randomUUID() },
    body: JSON.stringify({ modelCode: MODEL, trimCode: TRIM, selections: [PAINT] }),
  }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

/** Every way the gate and the record could disagree, counted: all must be zero. */
async function disagreements(total: number) {
  const holds = await t.conn.collection('stock_holds').find({ key: KEY }).toArray();
  const orders = await t.conn.collection('orders').find({ stockKey: KEY, state: { $nin: ['cancelled', 'refunded'] } }).toArray();
  const orderIds = new Set(orders.map((o) => String(o._id)));
  const holdIds = new Set(holds.map((h) => h.orderId));
  const held = await t.redis.hgetall(`gate:${KEY}:held`);
  const free = await t.redis.scard(`gate:${KEY}:free`);
  const intents = await t.redis.hlen(`gate:${KEY}:intent`);
  return {
    holdsWithoutOrder: holds.filter((h) => !orderIds.has(h.orderId)).length,
    ordersWithoutHold: orders.filter((o) => !holdIds.has(String(o._id))).length,
    gateHoldsNotDurable: Object.keys(held).filter((id) => !holdIds.has(id)).length,
    durableHoldsNotInGate: holds.filter((h) => held[h.orderId] !== String(h._id).split('#').pop()).length,
    gateCountWrong: free + Object.keys(held).length === total ? 0 : 1,
    oversold: Math.max(0, holds.length - total),
    pendingIntents: intents,
  };
}
const AGREE = { holdsWithoutOrder: 0, ordersWithoutHold: 0, gateHoldsNotDurable: 0, durableHoldsNotInGate: 0, gateCountWrong: 0, oversold: 0, pendingIntents: 0 };

describe('the stock gate and the durable record agree', () => {
  it('after a BFF is killed in the middle of orders: held cars become orders, none lost, none twice', async () => {
    await setStock(12);
    // A second BFF (as in production, behind the load balancer) that answers from the gate at
    // once (budget 0) and writes one order at a time: killing it leaves placements unwritten.
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: process.cwd(),
      env: { ...process.env, ...t.envVars, PORT: String(port), RUN_WORKERS: 'false', ORDER_INLINE_BUDGET_MS: '0', ORDER_WRITE_CONCURRENCY: '1', LOG_LEVEL: 'silent' },
      stdio: 'ignore',
    });
    children.push(child);
    const base = `http://127.0.0.1:${port}`;
    await vi.waitFor(async () => expect((await fetch(`${base}/readyz`)).status).toBe(200), { timeout: 20_000, interval: 200 });
    const tokens = await Promise.all(Array.from({ length: 20 }, (_, i) => t.login(`oGateKill${i}`).then((l) => l.token)));
    const answers = await Promise.all(tokens.map((tk) => orderAt(base, tk)));
    child.kill('SIGKILL');
    const held = answers.filter((a) => a.status === 202 || a.status === 201);
    expect(held).toHaveLength(12);
    expect(answers.filter((a) => a.status === 409).every((a) => a.body.error.code === 'OUT_OF_STOCK')).toBe(true);
    expect(answers.filter((a) => a.status === 202).length).toBeGreaterThan(0); // some were still being written
    for (const a of answers.filter((x) => x.status === 202)) expect(a.body).toMatchObject({ status: 'creating', pollAfterMs: expect.any(Number) });

    // The buyer follows the placement through the surviving BFF until the sweep has written it.
    const [tk, answer] = [tokens[answers.findIndex((a) => a.status === 202)], held.find((a) => a.status === 202)!];
    await vi.waitFor(
      async () => expect((await t.api(`/api/v1/orders/${answer.body.orderNo}/placement`, { token: tk })).body).toMatchObject({ status: 'created', order: { state: 'pending_payment' } }),
      { timeout: 20_000, interval: 300 },
    );
    await vi.waitFor(async () => expect(await disagreements(12)).toEqual(AGREE), { timeout: 20_000, interval: 300 });
    const orders = await t.conn.collection('orders').find({ stockKey: KEY }).toArray();
    expect(orders.map((o) => o.orderNo).sort()).toEqual(held.map((a) => a.body.orderNo).sort());
    // Another buyer's placement is not visible.
    expect((await t.api(`/api/v1/orders/${answer.body.orderNo}/placement`, { token: tokens.find((x) => x !== tk)! })).status).toBe(404);
  }, 60_000);

  it('after Redis restarts with nothing kept: the gate is rebuilt from the holds and still sells each car once', async () => {
    await setStock(16); // 12 held, 4 free
    await stopRedis();
    await startRedis();
    await vi.waitFor(async () => expect(t.redis.status).toBe('ready'), { timeout: 10_000, interval: 100 });
    const tokens = await Promise.all(Array.from({ length: 10 }, (_, i) => t.login(`oGateRestart${i}`).then((l) => l.token)));
    const answers = await Promise.all(tokens.map((tk) => orderAt(t.url, tk)));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(4);
    expect(answers.filter((a) => a.status === 409).every((a) => a.body.error.code === 'OUT_OF_STOCK')).toBe(true);
    expect(answers.filter((a) => a.status !== 201 && a.status !== 409)).toEqual([]);
    await vi.waitFor(async () => expect(await disagreements(16)).toEqual(AGREE), { timeout: 20_000, interval: 300 });
    expect(await t.conn.collection('stock_holds').countDocuments({ key: KEY })).toBe(16);
  }, 60_000);

  it('the sweep repairs each kind of disagreement', async () => {
    operator = (await t.loginAs('operator', 'oGateOperator')).token; // sessions went with the Redis restart
    await setStock(20); // 16 held, 4 free
    const orders = await t.conn.collection('orders').find({ stockKey: KEY }).limit(3).toArray();
    const [a, b, c] = orders.map((o) => String(o._id));
    // 1. The gate forgot an order's car (it would sell it again).
    const slotA = await t.redis.hget(`gate:${KEY}:held`, a);
    await t.redis.hdel(`gate:${KEY}:held`, a);
    await t.redis.sadd(`gate:${KEY}:free`, slotA!);
    // 2. An order lost its durable hold.
    await t.conn.collection('stock_holds').deleteOne({ orderId: b });
    // 3. A durable hold with no order (a crash between the two writes, intent lost with Redis).
    const ghost = '0123456789abcdef01234567';
    await t.conn.collection('stock_holds').insertOne({ _id: `${KEY}#9999` as any, key: KEY, orderId: ghost, at: new Date(Date.now() - 60_000) });
    // 4. A gate hold of nobody (a release that crashed between the database and Redis).
    const free = await t.redis.spop(`gate:${KEY}:free`);
    await t.redis.hset(`gate:${KEY}:held`, 'feedfacefeedfacefeedface', free!);
    expect((await disagreements(20)).holdsWithoutOrder).toBe(1);
    await vi.waitFor(async () => expect(await disagreements(20)).toEqual(AGREE), { timeout: 20_000, interval: 300 });
    expect(await t.conn.collection('stock_holds').countDocuments({ orderId: ghost })).toBe(0);
    expect(await t.conn.collection('stock_holds').countDocuments({ orderId: b })).toBe(1);
    expect(await t.redis.hget(`gate:${KEY}:held`, a)).not.toBeNull();
    expect(await t.redis.hget(`gate:${KEY}:held`, c)).not.toBeNull();
    expect(await t.redis.scard(`gate:${KEY}:free`)).toBe(4);
  }, 60_000);
});
