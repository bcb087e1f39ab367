import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { startTmsSimulator, tmsSignature, type TmsEvent } from '../src';

const OPTS = { keyId: 'k1', secret: 'tms-secret', webhookSecret: 'tms-webhook-secret' };

// A webhook receiver that checks signatures and records what it got.
const received: Array<{ event: TmsEvent; valid: boolean }> = [];
const hook = createServer((req: IncomingMessage, res) => {
  let raw = '';
  req.on('data', (c) => (raw += c));
  req.on('end', () => {
    const ts = String(req.headers['x-tms-timestamp']);
    const valid = req.headers['x-tms-signature'] === createHmac('sha256', OPTS.webhookSecret).update(`${ts}\n${raw}`).digest('hex');
    received.push({ event: JSON.parse(raw), valid });
    res.writeHead(200).end('{}');
  });
});
await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
const hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
const sim = await startTmsSimulator({ ...OPTS, webhookUrl: hookUrl, pingEveryMin: 30, webhookRetryDelaysMs: [50] });
afterAll(async () => {
  await sim.close();
  hook.close();
});

const control = (path: string, body: object) => fetch(`${sim.url}/__sim/tms/${path}`, { method: 'POST', body: JSON.stringify(body) }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
async function signed(method: 'GET' | 'POST', path: string, body?: object, secret = OPTS.secret) {
  const raw = body ? JSON.stringify(body) : '';
  const ts = String(Math.floor(Date.now() / 1000));
  const res = await fetch(sim.url + path, { method, ...(body ? { body: raw } : {}), headers: { 'x-tms-key': OPTS.keyId, 'x-tms-timestamp': ts, 'x-tms-signature': tmsSignature(secret, ts, raw) } });
  return { status: res.status, body: (await res.json()) as any };
}
await control('clock', { paused: true, setTo: '2026-03-02T00:00:00.000Z' });

describe('tms simulator', () => {
  it('checks request signatures and creates shipments idempotently by order number', async () => {
    const body = { orderNo: 'CM2026030200000001', vin: 'LYS00000000000001', destination: 'SHA' };
    expect((await signed('POST', '/tms/v1/shipments', body, 'wrong')).status).toBe(401);
    expect((await signed('POST', '/tms/v1/shipments', { ...body, destination: 'MARS' })).status).toBe(400);
    const first = await signed('POST', '/tms/v1/shipments', body);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ orderNo: body.orderNo, status: 'IN_TRANSIT', route: { code: 'SHA', name: '宁波 → 杭州 → 上海' } });
    const again = await signed('POST', '/tms/v1/shipments', body);
    expect(again.status).toBe(200);
    expect(again.body.shipmentNo).toBe(first.body.shipmentNo);
    expect((await signed('POST', '/tms/v1/shipments', { ...body, vin: 'LYS00000000000002' })).status).toBe(409);
    expect((await signed('GET', `/tms/v1/shipments/${first.body.shipmentNo}`)).body.shipmentNo).toBe(first.body.shipmentNo);
    expect((await signed('GET', '/tms/v1/shipments/NOPE')).status).toBe(404);
  });

  it('drives on its clock and posts signed events in order; positions are queryable', async () => {
    const { shipmentNo } = (await signed('GET', '/tms/v1/shipments/' + (await control('shipments', { orderNo: 'CM2026030200000002', vin: 'LYS00000000000003', destination: 'SHA' })).body.shipmentNo)).body;
    await control('clock', { advanceHours: 24 });
    await vi.waitFor(() => expect(received.filter((r) => r.event.shipmentNo === shipmentNo && r.event.type === 'arrived')).toHaveLength(1), { timeout: 10_000 });
    const mine = received.filter((r) => r.event.shipmentNo === shipmentNo);
    expect(mine.every((r) => r.valid)).toBe(true);
    expect(mine.map((r) => r.event.seq)).toEqual(mine.map((_, i) => i));
    const types = mine.map((r) => r.event.type);
    expect(types[0]).toBe('departed');
    expect(types).toEqual(expect.arrayContaining(['hub_arrived', 'hub_departed', 'position']));
    expect(mine.find((r) => r.event.type === 'hub_arrived')!.event.place).toEqual({ code: 'HGH', name: '杭州中转库' });
    const positions = await signed('GET', `/tms/v1/shipments/${shipmentNo}/positions`);
    expect(positions.body.positions.length).toBe(types.filter((t) => t === 'position').length);
    expect((await signed('GET', `/tms/v1/shipments/${shipmentNo}`)).body.status).toBe('ARRIVED');
  });

  it('duplicates, reorders, holds and replays webhooks on request', async () => {
    const created = await control('shipments', { orderNo: 'CM2026030200000003', vin: 'LYS00000000000004', destination: 'BJS' });
    const shipmentNo = created.body.shipmentNo;
    // Departure and the first position report are due at once.
    await vi.waitFor(() => expect(received.filter((r) => r.event.shipmentNo === shipmentNo)).toHaveLength(2));
    await control('webhooks', { paused: true });
    await control('clock', { advanceHours: 3 });
    await new Promise((r) => setTimeout(r, 200));
    expect(received.filter((r) => r.event.shipmentNo === shipmentNo)).toHaveLength(2); // held
    await control('webhooks', { paused: false, duplicates: 2, reorder: 4 });
    await vi.waitFor(() => expect(received.filter((r) => r.event.shipmentNo === shipmentNo).length).toBeGreaterThan(8));
    const seqs = received.filter((r) => r.event.shipmentNo === shipmentNo).map((r) => r.event.seq);
    expect(seqs.slice(0, 8)).toEqual([0, 1, 5, 5, 4, 4, 3, 2]); // the next four reversed, the first two of them sent twice
    const n = received.length;
    const replay = await control('replay', { shipmentNo });
    await vi.waitFor(() => expect(received.length).toBe(n + replay.body.queued));
    expect(new Set(received.slice(n).map((r) => r.event.eventId)).size).toBe(replay.body.queued);
  });

  it('replays a generated trip identically for a seed, and an injected delay moves the arrival', async () => {
    const q = '/__sim/tms/trip?destination=XIY&seed=42&departAt=2026-03-02T00:00:00.000Z';
    const a = (await (await fetch(sim.url + q)).json()) as any;
    const b = await (await fetch(sim.url + q)).json();
    expect(b).toEqual(a);
    const created = await control('shipments', { orderNo: 'CM2026030200000004', vin: 'LYS00000000000005', destination: 'XIY', seed: 42, departAt: '2026-03-02T00:00:00.000Z' });
    const list = async () => ((await (await fetch(`${sim.url}/__sim/tms/shipments`)).json()) as any).shipments.find((s: { shipmentNo: string }) => s.shipmentNo === created.body.shipmentNo);
    expect((await list()).arriveAt).toBe(a.arriveAt);
    const delayed = await control('delay', { shipmentNo: created.body.shipmentNo, minutes: 120 });
    // Later by most of the stop (the stop also counts as the driver's rest).
    expect(Date.parse(delayed.body.arriveAt) - Date.parse(a.arriveAt)).toBeGreaterThan(60 * 60_000);
  });
});
