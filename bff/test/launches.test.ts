import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestApp } from './helpers';

/**
 * Launches (首发抢购) against a real BFF, FerretDB and Redis: the waiting room admits in ticket
 * order, never more buyers at once than there are cars left, shows sold-out to everyone still
 * waiting, and refuses abuse (a second hold, forged and replayed admissions, a launch not yet
 * open, one device for several accounts) with stable 4xx codes and nothing half-written.
 */
const t = await startTestApp('launches');
const MODEL = 'yuanshan-s5';
const TRIM = 'S5_620_RWD';
const PAINT = 'PAINT_MIST_GREY';
const KEY = `national:${MODEL}:${TRIM}:${PAINT}`;
const STOCK = 3;
let operator: string;
const buyers: { token: string; device: string }[] = [];

const join = (b: { token: string; device: string }, code: string) =>
  t.api(`/api/v1/launches/${code}/queue`, { method: 'POST', token: b.token, headers: { 'x-device-id': b.device } });
const poll = (b: { token: string }, code: string) => t.api(`/api/v1/launches/${code}/queue`, { token: b.token });
const order = (b: { token: string }, code: string, admissionToken: string, key = randomUUID()) =>
  t.api(`/api/v1/launches/${code}/orders`, { method: 'POST', token: b.token, headers: { 'idempotency-key': key }, json: { admissionToken, trimCode: TRIM, paintCode: PAINT } });
const counts = async () => ({
  orders: await t.conn.collection('orders').countDocuments({ stockKey: KEY }),
  holds: await t.conn.collection('stock_holds').countDocuments({ key: KEY }),
});

beforeAll(async () => {
  await t.seed();
  operator = (await t.loginAs('operator', 'oLaunchOperator')).token;
  for (let i = 0; i < 7; i++) buyers.push({ token: (await t.login(`oLaunchBuyer${i}`)).token, device: `device-${i}-${randomUUID().slice(0, 8)}` });
});
afterAll(() => t.close());

async function schedule(code: string, startsInMs: number, extra: Record<string, unknown> = {}) {
  const res = await t.api('/api/v1/admin/launches', {
    method: 'POST',
    token: operator,
    json: {
      code,
      title: '远山 S5 首发',
      modelCode: MODEL,
      startsAt: new Date(Date.now() + startsInMs).toISOString(),
      admitPerSecond: 4,
      admitBurst: 1,
      admissionSeconds: 30,
      variants: [{ trimCode: TRIM, paintCode: PAINT, stock: STOCK }],
      ...extra,
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

describe('launch waiting room', () => {
  it('is role-checked and validated', async () => {
    const asBuyer = await t.api('/api/v1/admin/launches', { method: 'POST', token: buyers[0].token, json: {} });
    expect(asBuyer.status).toBe(403);
    const bad = await t.api('/api/v1/admin/launches', { method: 'POST', token: operator, json: { code: 'X', title: 'x' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    const unknownTrim = await t.api('/api/v1/admin/launches', {
      method: 'POST',
      token: operator,
      json: { code: 'no-such-trim', title: '测试首发', modelCode: MODEL, startsAt: new Date(Date.now() + 60_000).toISOString(), admitPerSecond: 1, admissionSeconds: 30, variants: [{ trimCode: 'NOPE', paintCode: PAINT, stock: 1 }] },
    });
    expect(unknownTrim.status).toBe(404);
    expect(unknownTrim.body.error.code).toBe('UNKNOWN_TRIM');
    expect(await t.conn.collection('launches').countDocuments({ code: 'no-such-trim' })).toBe(0);
  });

  it('counts down, admits in ticket order never beyond the cars left, sells exactly the stock, then shows sold out to everyone waiting', async () => {
    const code = 's5-launch';
    const launch = await schedule(code, 2500);
    expect(launch.phase).toBe('scheduled');
    expect(launch.available).toBe(STOCK);
    expect(Date.parse(launch.startsAt) - Date.parse(launch.serverTime)).toBeGreaterThan(1000);
    expect((await t.api(`/api/v1/launches/${code}`)).body.variants[0]).toMatchObject({ trimCode: TRIM, paintCode: PAINT, stock: STOCK, available: STOCK });
    expect((await t.api('/api/v1/launches')).body.items.map((l: any) => l.code)).toContain(code);

    // Before the open: no ticket, and the launch's cars cannot be ordered around the queue.
    const early = await join(buyers[0], code);
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({ code: 'LAUNCH_NOT_OPEN', details: { startsAt: launch.startsAt } });
    const around = await t.api('/api/v1/orders', { method: 'POST', token: buyers[0].token, headers: { 'idempotency-key': randomUUID() }, json: { modelCode: MODEL, trimCode: TRIM, selections: [PAINT] } });
    expect(around.status).toBe(409);
    expect(around.body.error).toMatchObject({ code: 'LAUNCH_ONLY', details: { launchCode: code } });
    const noHeader = await t.api(`/api/v1/launches/${code}/queue`, { method: 'POST', token: buyers[0].token });
    expect(noHeader.status).toBe(400);

    await vi.waitFor(async () => expect((await t.api(`/api/v1/launches/${code}`)).body.phase).toBe('open'), { timeout: 10_000, interval: 200 });

    // Six buyers join in this order: tickets follow arrival; joining again keeps the ticket.
    const tickets: number[] = [];
    for (const b of buyers.slice(0, 6)) {
      const r = await join(b, code);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      tickets.push(r.body.ticket);
    }
    expect(tickets).toEqual([1, 2, 3, 4, 5, 6]);
    expect((await join(buyers[2], code)).body.ticket).toBe(3);
    // One device, one account.
    const sameDevice = await join({ token: buyers[6].token, device: buyers[0].device }, code);
    expect(sameDevice.status).toBe(409);
    expect(sameDevice.body.error.code).toBe('DEVICE_LIMIT');

    // Nobody orders yet: admissions stop at the number of cars left, and come lowest ticket first.
    const admittedOrder: number[] = [];
    await vi.waitFor(
      async () => {
        for (const [i, b] of buyers.slice(0, 6).entries()) {
          const s = (await poll(b, code)).body;
          if (s.status === 'admitted' && !admittedOrder.includes(tickets[i])) admittedOrder.push(tickets[i]);
        }
        expect(admittedOrder.length).toBe(STOCK);
      },
      { timeout: 10_000, interval: 300 },
    );
    expect(admittedOrder).toEqual([1, 2, 3]);
    await new Promise((r) => setTimeout(r, 800)); // time for more admissions, if the cap were wrong
    const waiting = (await poll(buyers[3], code)).body;
    expect(waiting).toMatchObject({ status: 'waiting', ticket: 4, ahead: 0, available: STOCK });

    // Abuse: a forged token, another buyer's token.
    const first = (await poll(buyers[0], code)).body;
    const forged = await order(buyers[0], code, first.admissionToken.replace(/.$/, (c: string) => (c === 'A' ? 'B' : 'A')));
    expect(forged.status).toBe(403);
    expect(forged.body.error.code).toBe('ADMISSION_INVALID');
    const stolen = await order(buyers[4], code, first.admissionToken);
    expect(stolen.status).toBe(403);
    expect(stolen.body.error.code).toBe('ADMISSION_INVALID');
    expect(await counts()).toEqual({ orders: 0, holds: 0 });

    // The three admitted buyers order; a repeat of the same request is the same order.
    const orderNos: string[] = [];
    for (const b of buyers.slice(0, 3)) {
      const s = (await poll(b, code)).body;
      const idem = randomUUID();
      const placed = await order(b, code, s.admissionToken, idem);
      expect(placed.status, JSON.stringify(placed.body)).toBe(201);
      expect(placed.body).toMatchObject({ status: 'created', order: { state: 'pending_payment', trimCode: TRIM } });
      const again = await order(b, code, s.admissionToken, idem);
      expect(again.body.orderNo).toBe(placed.body.orderNo);
      orderNos.push(placed.body.orderNo);
      // A second hold by the same buyer, with the same (now used) admission.
      const second = await order(b, code, s.admissionToken);
      expect(second.status).toBe(409);
      expect(second.body.error).toMatchObject({ code: 'ALREADY_HOLDING', details: { orderNo: placed.body.orderNo } });
      expect((await poll(b, code)).body).toMatchObject({ status: 'ordered', orderNo: placed.body.orderNo });
    }
    expect(await counts()).toEqual({ orders: STOCK, holds: STOCK });
    const stored = await t.conn.collection('orders').find({ orderNo: { $in: orderNos } }).toArray();
    expect(stored.every((o) => o.launchCode === code)).toBe(true);

    // Sold out: every buyer still waiting is told at once; no new tickets.
    for (const b of buyers.slice(3, 6)) expect((await poll(b, code)).body.status).toBe('sold_out');
    expect((await join(buyers[6], code)).body.status).toBe('sold_out');
    expect((await t.api(`/api/v1/launches/${code}`)).body).toMatchObject({ phase: 'sold_out', available: 0 });
    expect(await counts()).toEqual({ orders: STOCK, holds: STOCK });

    // An order cancelled unpaid gives the car back: the queue moves on to the next ticket, and the
    // admission the cancelled buyer used cannot be replayed.
    const firstToken = first.admissionToken;
    const cancel = await t.api(`/api/v1/orders/${orderNos[0]}/cancel`, { method: 'POST', token: buyers[0].token });
    expect(cancel.body.state).toBe('cancelled');
    const replay = await order(buyers[0], code, firstToken);
    expect(replay.status).toBe(409);
    expect(replay.body.error.code).toBe('ADMISSION_USED');
    await vi.waitFor(async () => expect((await poll(buyers[3], code)).body.status).toBe('admitted'), { timeout: 5000, interval: 200 });
    // The next buyer waits (the car may come to them if ticket 4 does not buy in time).
    expect((await poll(buyers[4], code)).body).toMatchObject({ status: 'waiting', ticket: 5, ahead: 0, available: 1 });

    const stats = (await t.api('/api/v1/admin/launches', { token: operator })).body.items.find((l: any) => l.code === code).stats;
    expect(stats).toEqual({ joined: 6, admitted: 4, ordered: 2 });
  });

  it('an admission that is not used in time expires; the buyer may queue again at the end', async () => {
    const code = 'short-admission';
    await t.api('/api/v1/admin/stock', { method: 'PUT', token: operator, json: { modelCode: MODEL, trimCode: 'S5_520_RWD', paintCode: 'PAINT_GLACIER_WHITE', total: 5, reason: '首发备货' } });
    const res = await t.api('/api/v1/admin/launches', {
      method: 'POST',
      token: operator,
      json: { code, title: '短时资格', modelCode: MODEL, startsAt: new Date(Date.now() + 300).toISOString(), admitPerSecond: 10, admissionSeconds: 10, variants: [{ trimCode: 'S5_520_RWD', paintCode: 'PAINT_GLACIER_WHITE', stock: 5 }] },
    });
    expect(res.status).toBe(201);
    await new Promise((r) => setTimeout(r, 500));
    const b = buyers[6];
    const joined = await join(b, code);
    expect(joined.body.ticket).toBe(1);
    await vi.waitFor(async () => expect((await poll(b, code)).body.status).toBe('admitted'), { timeout: 5000, interval: 200 });
    await new Promise((r) => setTimeout(r, 10_300));
    expect((await poll(b, code)).body).toMatchObject({ status: 'expired', ticket: 1 });
    const rejoin = await join(b, code);
    expect(rejoin.body.ticket).toBe(2);
  }, 30_000);

  it('early arrivals join before the open and get a random order at it, ahead of everyone later', async () => {
    const code = 'early-draw';
    const paint = 'PAINT_CARBON_BLACK';
    await t.api('/api/v1/admin/stock', { method: 'PUT', token: operator, json: { modelCode: MODEL, trimCode: TRIM, paintCode: paint, total: 2, reason: '首发备货' } });
    const early: { token: string; device: string }[] = [];
    for (let i = 0; i < 11; i++) early.push({ token: (await t.login(`oEarlyBuyer${i}`)).token, device: `early-${i}-${randomUUID().slice(0, 8)}` });
    const launch = await schedule(code, 6000, { preQueueSeconds: 4, admitBurst: 1, variants: [{ trimCode: TRIM, paintCode: paint, stock: 2 }] });
    expect(Date.parse(launch.startsAt) - Date.parse(launch.preQueueAt)).toBe(4000);

    // Before the early joining opens: refused, saying when it does.
    const tooEarly = await join(early[0], code);
    expect(tooEarly.status).toBe(409);
    expect(tooEarly.body.error).toMatchObject({ code: 'LAUNCH_NOT_OPEN', details: { startsAt: launch.startsAt, preQueueAt: launch.preQueueAt } });
    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(launch.preQueueAt) - Date.now() + 100)));

    // Ten join early in this order: no ticket yet, the count of early arrivals, a poll after the open.
    for (const [i, b] of early.slice(0, 10).entries()) {
      const r = await join(b, code);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body).toMatchObject({ status: 'early', opensAt: launch.startsAt, joined: i + 1 });
      expect(Date.now() + r.body.pollAfterMs).toBeGreaterThanOrEqual(Date.parse(launch.startsAt) - 200);
    }
    expect((await join(early[3], code)).body).toMatchObject({ status: 'early', joined: 10 });
    expect((await poll(early[3], code)).body).toMatchObject({ status: 'early', joined: 10 });
    const notIn = await poll(early[10], code);
    expect(notIn.status).toBe(404);
    expect(notIn.body.error.code).toBe('NOT_IN_QUEUE');
    const sameDevice = await join({ token: early[10].token, device: early[0].device }, code);
    expect(sameDevice.body.error.code).toBe('DEVICE_LIMIT');
    expect((await t.api('/api/v1/admin/launches', { token: operator })).body.items.find((l: any) => l.code === code).stats).toEqual({ joined: 10, admitted: 0, ordered: 0 });

    // The open: the early arrivals hold tickets 1-10 in a drawn order (not their arrival order),
    // a later joiner comes after them, and admissions go lowest ticket first.
    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(launch.startsAt) - Date.now() + 100)));
    const late = await join(early[10], code);
    expect(late.body).toMatchObject({ ticket: 11 });
    const drawn = [];
    for (const b of early.slice(0, 10)) drawn.push((await poll(b, code)).body);
    const tickets = drawn.map((d) => d.ticket);
    expect([...tickets].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(tickets).not.toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]); // 1 in 10! by chance
    for (const d of drawn) expect(['waiting', 'admitted']).toContain(d.status);
    await vi.waitFor(
      async () => {
        const admitted = [];
        for (const b of early.slice(0, 10)) {
          const s = (await poll(b, code)).body;
          if (s.status === 'admitted') admitted.push(s.ticket);
        }
        expect(admitted.sort((a, b) => a - b)).toEqual([1, 2]);
      },
      { timeout: 10_000, interval: 300 },
    );
    expect((await t.api('/api/v1/admin/launches', { token: operator })).body.items.find((l: any) => l.code === code).stats).toEqual({ joined: 11, admitted: 2, ordered: 0 });
  }, 40_000);
});
