import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestApp } from './helpers';

/**
 * 经营看板 (GET /admin/dashboard) against the real BFF and FerretDB: orders placed and paid through
 * the ordinary routes (WeChat Pay simulator), then their timelines moved to fixed past instants so
 * the per-day numbers (Shanghai days, edges at 00:00 and 23:59 Beijing time) are exact; the cohort's
 * conversion; stock cover from orders placed now; roles and bad ranges.
 */
const t = await startTestApp('admin_dashboard');
const tok = {} as Record<'service' | 'operator' | 'admin' | 'buyer', string>;
const api = (path: string, token?: string, init: { method?: string; json?: unknown } = {}) => t.api(path, { ...init, token });
const dash = (q: string, token = tok.operator) => api(`/api/v1/admin/dashboard?${q}`, token);

async function variant(modelCode: string) {
  const { model } = (await api(`/api/v1/catalog/models/${modelCode}`)).body;
  const trimCode: string = model.trims[0].code;
  const paintCode: string = model.trims[0].defaults.find((c: string) => model.options.find((o: any) => o.code === c).group === 'paint');
  return { modelCode, trimCode, paintCode, key: `national:${modelCode}:${trimCode}:${paintCode}` };
}
async function place(modelCode: string, trimCode: string): Promise<string> {
  const res = await t.api('/api/v1/orders', { method: 'POST', token: tok.buyer, headers: { 'idempotency-key': randomUUID() }, json: { modelCode, trimCode, selections: [] } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.orderNo;
}
async function pay(orderNo: string) {
  const p = await api(`/api/v1/orders/${orderNo}/payments/wechat`, tok.buyer, { method: 'POST' });
  await fetch(`${t.wxpay.url}/__sim/wxpay/pay`, { method: 'POST', body: JSON.stringify({ out_trade_no: p.body.outTradeNo }) });
  await vi.waitFor(async () => expect((await api(`/api/v1/orders/${orderNo}`, tok.buyer)).body.state).toBe('deposit_paid'), { timeout: 10_000 });
}
/** Move an order's history to fixed instants: `created` and then each later timeline event in order. */
async function moveTo(orderNo: string, instants: string[]) {
  const doc = await t.conn.collection('orders').findOne({ orderNo });
  const timeline = (doc!.timeline as Array<{ at: string }>).map((e, i) => ({ ...e, at: instants[i] }));
  expect(timeline.every((e) => e.at)).toBe(true);
  await t.conn.collection('orders').updateOne({ orderNo }, { $set: { timeline, createdAt: new Date(instants[0]) } });
}

let s5: Awaited<ReturnType<typeof variant>>;
let x4: Awaited<ReturnType<typeof variant>>;
let depositFen: number;

beforeAll(async () => {
  await t.seed();
  tok.buyer = (await t.login('oDashBuyer')).token;
  for (const role of ['service', 'operator', 'admin'] as const) tok[role] = (await t.loginAs(role, `oDash_${role}`)).token;
  s5 = await variant('yuanshan-s5');
  x4 = await variant('yuanshan-x4');

  // 2026-03-10 and 03-11 (Shanghai). a: placed 00:00 on the 10th, paid, locked 23:59 on the 11th;
  // b: placed and paid on the 10th; c: placed on the 11th, cancelled; d: placed 23:59 on the 9th (outside).
  const a = await place(s5.modelCode, s5.trimCode);
  await pay(a);
  expect((await api(`/api/v1/orders/${a}/lock`, tok.buyer, { method: 'POST' })).body.state).toBe('locked');
  const b = await place(s5.modelCode, s5.trimCode);
  await pay(b);
  const c = await place(s5.modelCode, s5.trimCode);
  expect((await api(`/api/v1/orders/${c}/cancel`, tok.buyer, { method: 'POST' })).status).toBe(200);
  const d = await place(s5.modelCode, s5.trimCode);
  depositFen = (await api(`/api/v1/orders/${a}`, tok.buyer)).body.depositFen;
  await moveTo(a, ['2026-03-09T16:00:00.000Z', '2026-03-10T03:00:00.000Z', '2026-03-11T15:59:00.000Z']);
  await moveTo(b, ['2026-03-10T05:00:00.000Z', '2026-03-10T06:00:00.000Z']);
  await moveTo(c, ['2026-03-11T01:00:00.000Z', '2026-03-11T02:00:00.000Z']);
  await moveTo(d, ['2026-03-09T15:59:00.000Z']);

  // Stock cover: x4's variant has 4 cars, 3 ordered now (in the last 14 days): 1 left, 14/3 ≈ 4.7 days.
  expect((await api('/api/v1/admin/stock', tok.operator, { method: 'PUT', json: { ...x4, key: undefined, total: 4, reason: '测试备货' } })).status).toBe(200);
  for (let i = 0; i < 3; i++) await place(x4.modelCode, x4.trimCode);
}, 120_000);
afterAll(() => t.close());

describe('GET /admin/dashboard', () => {
  it('counts each Shanghai day exactly, with the cohort conversion', async () => {
    const res = await dash('from=2026-03-09&to=2026-03-12');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const byDay = Object.fromEntries(res.body.days.map((d: any) => [d.date, d]));
    expect(res.body.days.map((d: any) => d.date)).toEqual(['2026-03-09', '2026-03-10', '2026-03-11', '2026-03-12']);
    expect(byDay['2026-03-09']).toEqual({ date: '2026-03-09', placed: 1, depositsPaid: 0, depositsFen: 0, locked: 0, cancelled: 0 });
    expect(byDay['2026-03-10']).toEqual({ date: '2026-03-10', placed: 2, depositsPaid: 2, depositsFen: 2 * depositFen, locked: 0, cancelled: 0 });
    expect(byDay['2026-03-11']).toEqual({ date: '2026-03-11', placed: 1, depositsPaid: 0, depositsFen: 0, locked: 1, cancelled: 1 });
    expect(byDay['2026-03-12']).toEqual({ date: '2026-03-12', placed: 0, depositsPaid: 0, depositsFen: 0, locked: 0, cancelled: 0 });
    expect(res.body.totals).toEqual({ placed: 4, depositsPaid: 2, depositsFen: 2 * depositFen, locked: 1, cancelled: 1 });
    expect(res.body.conversion).toEqual({ placed: 4, depositPaid: 2, locked: 1, paidRate: 0.5, lockedRate: 0.25 });

    // From the 10th: d (23:59 on the 9th) is out.
    const later = await dash('from=2026-03-10&to=2026-03-11');
    expect(later.body.conversion).toEqual({ placed: 3, depositPaid: 2, locked: 1, paidRate: 2 / 3, lockedRate: 1 / 3 });
    // A range with nothing: zeros, no rates.
    const empty = await dash('from=2026-01-01&to=2026-01-02');
    expect(empty.body.totals.placed).toBe(0);
    expect(empty.body.conversion.paidRate).toBeNull();
  });

  it('gives the stock cover of each variant from the last 14 days of orders', async () => {
    const res = await dash('from=2026-03-09&to=2026-03-12', tok.admin);
    expect(res.status).toBe(200);
    const row = res.body.stockCover.find((r: any) => r.key === x4.key);
    expect(row).toMatchObject({ available: 1, ordersLast14Days: 3, avgDailyOrders: 0.21, coverDays: 4.7, low: true });
    // s5's orders are in March: no recent demand, no cover figure.
    const s5Row = res.body.stockCover.find((r: any) => r.key === s5.key);
    expect(s5Row).toMatchObject({ ordersLast14Days: 0, coverDays: null, low: false });
    // Shortest cover first.
    expect(res.body.stockCover[0].key).toBe(x4.key);
  });

  it('is for operators and admins; bad or too long ranges are 400', async () => {
    expect((await dash('from=2026-03-09&to=2026-03-12', tok.buyer)).status).toBe(403);
    expect((await dash('from=2026-03-09&to=2026-03-12', tok.service)).status).toBe(403);
    expect((await api('/api/v1/admin/dashboard?from=2026-03-09&to=2026-03-12')).status).toBe(401);
    for (const q of ['from=2026-03-12&to=2026-03-09', 'from=2026-02-30&to=2026-03-09', 'from=2026-01-01&to=2026-12-31', 'from=2026-03-09', 'from=x&to=y', 'from=2026-03-09&to=2026-03-12&extra=1']) {
      const res = await dash(q);
      expect(res.status, q).toBe(400);
      expect(res.body.error.code, q).toBe('VALIDATION_FAILED');
    }
  });
});
