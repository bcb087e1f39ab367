import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTmsSimulator } from '@carmall/simulators';
import { shanghaiDate, vinCheckDigit } from '@carmall/shared-types';
import { startTestApp } from './helpers';

/**
 * The staff console's order routes against the real BFF (FerretDB, Redis, the WeChat Pay, SMS and
 * TMS simulators): the list with its search (the buyer's phone through the blind index), filters,
 * sort and paging, masked phones, roles, one order's page with the actions per state and role,
 * single and bulk delivery steps (audited, idempotent), the staff refund and the CSV export.
 */
const TMS = { keyId: 'carmall-test', secret: 'test-tms-secret', webhookSecret: 'test-tms-webhook-secret' };
const tms = await startTmsSimulator({ ...TMS, pingEveryMin: 30 });
// The carrier stands still: nothing arrives unless a test says so.
await fetch(`${tms.url}/__sim/tms/clock`, { method: 'POST', body: JSON.stringify({ paused: true }) });
const t = await startTestApp('admin_orders', { TMS_API_BASE: tms.url, TMS_KEY_ID: TMS.keyId, TMS_SECRET: TMS.secret, TMS_WEBHOOK_SECRET: TMS.webhookSecret });

const PHONE_A = '13912340001';
const PHONE_B = '13912340002';
let alice: string;
let bob: string;
const tok = {} as Record<'service' | 'operator' | 'admin' | 'advisor' | 'buyer', string>;
const o = {} as Record<'aPending' | 'aLocked' | 'aPaid' | 'bLocked1' | 'bLocked2' | 'bPending', string>;

const api = (path: string, token?: string, init: { method?: string; json?: unknown } = {}) => t.api(path, { ...init, token });
const list = (query: string, token = tok.service) => api(`/api/v1/admin/orders${query ? `?${query}` : ''}`, token);
const detail = (orderNo: string, token = tok.service) => api(`/api/v1/admin/orders/${orderNo}`, token);
const staffEvent = (orderNo: string, body: object, token = tok.service) => api(`/api/v1/admin/orders/${orderNo}/events`, token, { method: 'POST', json: body });
const bulk = (body: object, token = tok.service) => api('/api/v1/admin/orders/bulk-events', token, { method: 'POST', json: body });
/** A VIN with a correct check digit. */
const goodVin = (n: number) => {
  const raw = `LLYS5A1R0RS${String(700000 + n).padStart(6, '0')}`;
  return raw.slice(0, 8) + vinCheckDigit(raw)! + raw.slice(9);
};
const badVin = (n: number) => {
  const v = goodVin(n);
  return v.slice(0, 8) + (v[8] === '1' ? '2' : '1') + v.slice(9);
};

async function buyerWithPhone(openid: string, phone: string) {
  const { token } = await t.login(openid);
  await api('/api/v1/auth/sms/send', undefined, { method: 'POST', json: { phone } });
  const bound = await api('/api/v1/me/phone', token, { method: 'POST', json: { phone, code: await t.smsCode(phone) } });
  expect(bound.status).toBe(200);
  return token;
}

async function place(token: string, modelCode: string, centre: string): Promise<string> {
  const trimCode = (await api(`/api/v1/catalog/models/${modelCode}`)).body.model.trims[0].code;
  const res = await t.api('/api/v1/orders', { method: 'POST', token, headers: { 'idempotency-key': randomUUID() }, json: { modelCode, trimCode, selections: [], deliveryCentreCode: centre } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.orderNo;
}
async function pay(token: string, orderNo: string) {
  const p = await api(`/api/v1/orders/${orderNo}/payments/wechat`, token, { method: 'POST' });
  await fetch(`${t.wxpay.url}/__sim/wxpay/pay`, { method: 'POST', body: JSON.stringify({ out_trade_no: p.body.outTradeNo }) });
  await vi.waitFor(async () => expect((await api(`/api/v1/orders/${orderNo}`, token)).body.state).toBe('deposit_paid'), { timeout: 10_000 });
}
async function locked(token: string, modelCode: string, centre: string) {
  const orderNo = await place(token, modelCode, centre);
  await pay(token, orderNo);
  expect((await api(`/api/v1/orders/${orderNo}/lock`, token, { method: 'POST' })).body.state).toBe('locked');
  return orderNo;
}
/** One CSV line's fields (RFC 4180 quotes). */
function csvFields(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') (cur += '"'), i++;
      else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') out.push(cur), (cur = '');
    else cur += c;
  }
  return [...out, cur];
}
const orderNos = (res: { body: { items: Array<{ orderNo: string }> } }) => res.body.items.map((i) => i.orderNo).sort();

beforeAll(async () => {
  await t.seed();
  alice = await buyerWithPhone('oAdminOrdersAlice', PHONE_A);
  bob = await buyerWithPhone('oAdminOrdersBob', PHONE_B);
  tok.buyer = (await t.login('oAdminOrdersPlain')).token;
  for (const role of ['service', 'operator', 'admin', 'advisor'] as const) tok[role] = (await t.loginAs(role, `oAdminOrders_${role}`)).token;
  o.aPending = await place(alice, 'yuanshan-s5', 'SHA');
  o.aLocked = await locked(alice, 'yuanshan-s7', 'CAN');
  o.aPaid = await place(alice, 'yuanshan-s5', 'CTU');
  await pay(alice, o.aPaid);
  o.bLocked1 = await locked(bob, 'yuanshan-s5', 'BJS');
  o.bLocked2 = await locked(bob, 'yuanshan-s7', 'BJS');
  o.bPending = await place(bob, 'yuanshan-s5', 'BJS');
}, 120_000);
afterAll(async () => {
  await t.close();
  await tms.close();
});

describe('who may use the order console', () => {
  it('buyers and advisors get 403, nobody 401; refunds and exports are for operators and admins', async () => {
    for (const token of [tok.buyer, tok.advisor, alice]) {
      expect((await list('', token)).status).toBe(403);
      expect((await detail(o.aLocked, token)).status).toBe(403);
      expect((await api('/api/v1/admin/orders/export.csv', token)).status).toBe(403);
      expect((await bulk({ action: 'arrive', items: [{ orderNo: o.aLocked }] }, token)).status).toBe(403);
    }
    expect((await api('/api/v1/admin/orders')).status).toBe(401);
    expect((await api(`/api/v1/admin/orders/${o.aLocked}`)).status).toBe(401);
    const refundAsService = await api(`/api/v1/admin/orders/${o.aPaid}/refund`, tok.service, { method: 'POST', json: { reason: '买家来电要求退款' } });
    expect(refundAsService.status).toBe(403);
    expect(refundAsService.body.error.code).toBe('FORBIDDEN');
    expect((await api('/api/v1/admin/orders/export.csv', tok.service)).status).toBe(403);
    for (const token of [tok.service, tok.operator, tok.admin]) expect((await list('', token)).status).toBe(200);
  });
});

describe('GET /admin/orders', () => {
  it('lists every order newest first, phones masked, with paging and a total', async () => {
    const all = await list('');
    expect(all.status).toBe(200);
    expect(all.body.total).toBe(6);
    expect(all.body.items.map((i: { orderNo: string }) => i.orderNo)).toEqual([o.bPending, o.bLocked2, o.bLocked1, o.aPaid, o.aLocked, o.aPending]);
    const row = all.body.items.find((i: { orderNo: string }) => i.orderNo === o.aLocked);
    expect(row).toMatchObject({ state: 'locked', stateLabel: '已锁单', depositLabel: '定金', buyer: { phone: '139****0001' }, deliveryCentre: { code: 'CAN', name: '广州交付中心', city: '广州' }, vin: null, actions: ['allocate'] });
    expect(JSON.stringify(all.body)).not.toContain(PHONE_A);
    const pages = await Promise.all([1, 2, 3, 4].map((p) => list(`pageSize=2&page=${p}`)));
    expect(pages.map((p) => p.body.items.length)).toEqual([2, 2, 2, 0]);
    expect(pages.every((p) => p.body.total === 6)).toBe(true);
    expect(new Set(pages.flatMap((p) => orderNos(p))).size).toBe(6);
    const cheapFirst = (await list('sort=totalFen')).body.items.map((i: { totalFen: number }) => i.totalFen);
    expect(cheapFirst).toEqual([...cheapFirst].sort((a, b) => a - b));
    const dearFirst = (await list('sort=-totalFen')).body.items.map((i: { totalFen: number }) => i.totalFen);
    expect(dearFirst).toEqual([...cheapFirst].reverse());
  });

  it("finds a buyer's orders by their whole phone number (blind index), however it is typed", async () => {
    for (const q of [PHONE_A, `+86 139 1234 0001`, '139-1234-0001']) {
      const res = await list(`q=${encodeURIComponent(q)}`);
      expect(res.status).toBe(200);
      expect(orderNos(res)).toEqual([o.aPending, o.aLocked, o.aPaid].sort());
      expect(res.body.search).toEqual({ kind: 'phone', text: '139****0001' });
    }
    const nobody = await list('q=13700000000');
    expect(nobody.body).toMatchObject({ items: [], total: 0 });
    // Part of a number cannot be matched through the blind index: refused with a reason.
    const partial = await list('q=1391234');
    expect(partial.status).toBe(400);
    expect(partial.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('finds an order by its number, the start of it, and by VIN', async () => {
    expect(orderNos(await list(`q=${o.bLocked1}`))).toEqual([o.bLocked1]);
    expect(orderNos(await list(`q=${o.bLocked1.toLowerCase()}`))).toEqual([o.bLocked1]);
    expect((await list(`q=${o.bLocked1.slice(0, 10)}`)).body.total).toBe(6);
    const vin = goodVin(1);
    expect((await staffEvent(o.bLocked1, { event: 'allocate', vin })).status).toBe(200);
    expect(orderNos(await list(`q=${vin}`))).toEqual([o.bLocked1]);
    expect(orderNos(await list(`q=${vin.slice(-6)}`))).toEqual([o.bLocked1]);
  });

  it('filters by state, model, centre, city, Shanghai dates, advisor and 超期', async () => {
    expect(orderNos(await list('state=locked'))).toEqual([o.aLocked, o.bLocked2].sort());
    expect(orderNos(await list('state=pending_payment,deposit_paid'))).toEqual([o.aPending, o.aPaid, o.bPending].sort());
    expect(orderNos(await list('modelCode=yuanshan-s7'))).toEqual([o.aLocked, o.bLocked2].sort());
    expect(orderNos(await list('centre=BJS'))).toEqual([o.bLocked1, o.bLocked2, o.bPending].sort());
    expect(orderNos(await list(`city=${encodeURIComponent('广州')}`))).toEqual([o.aLocked]);
    expect(orderNos(await list(`centre=SHA&city=${encodeURIComponent('北京')}`))).toEqual([]);
    const today = shanghaiDate(Date.now());
    expect((await list(`from=${today}&to=${today}`)).body.total).toBe(6);
    expect((await list(`from=${shanghaiDate(Date.now() + 86_400_000)}`)).body.total).toBe(0);
    expect((await list(`to=${shanghaiDate(Date.now() - 86_400_000)}`)).body.total).toBe(0);
    expect((await list('advisor=none')).body.total).toBe(6);
    expect((await list('advisor=0123456789abcdef01234567')).body.total).toBe(0);
    expect((await list(`q=${PHONE_B}&state=locked`)).body.total).toBe(1);

    // 超期: a locked order 20 days without a car, an unpaid order past its window.
    expect((await list('overdue=true')).body.total).toBe(0);
    const orders = t.conn.collection('orders');
    await orders.updateOne({ orderNo: o.aLocked }, { $set: { stateSince: new Date(Date.now() - 20 * 86_400_000) } });
    await orders.updateOne({ orderNo: o.bPending }, { $set: { paymentDeadline: new Date(Date.now() - 60_000) } });
    const overdue = await list('overdue=true');
    expect(orderNos(overdue)).toEqual([o.aLocked, o.bPending].sort());
    expect(overdue.body.items.find((i: { orderNo: string }) => i.orderNo === o.aLocked).overdue).toEqual({ label: '锁单超过 14 天未配车', daysOver: 6 });
    expect(overdue.body.items.find((i: { orderNo: string }) => i.orderNo === o.bPending).overdue.label).toBe('支付时限已过仍未关闭');
    expect((await list('overdue=false')).body.total).toBe(6);
    // The oldest in its state first.
    expect((await list('state=locked&sort=stateSince')).body.items[0].orderNo).toBe(o.aLocked);
    await orders.updateOne({ orderNo: o.bPending }, { $set: { paymentDeadline: new Date(Date.now() + 3_600_000) } });
  });

  it('refuses bad input with 400 VALIDATION_FAILED, never a 500', async () => {
    for (const q of [
      'state=flying',
      'state=locked,',
      'centre=MARS',
      'city=' + encodeURIComponent('火星'),
      'pageSize=500',
      'page=0',
      'sort=price',
      'from=2026-02-30',
      'from=2026-12-02&to=2026-12-01',
      'from=2025-01-01&to=2026-12-31',
      'advisor=bob',
      'overdue=yes',
      'q=' + encodeURIComponent('{"$gt":""}'),
      'q=' + 'C'.repeat(41),
      'zz=1',
      'state=locked&state=allocated',
    ]) {
      const res = await list(q);
      expect(res.status, q).toBe(400);
      expect(res.body.error.code, q).toBe('VALIDATION_FAILED');
    }
  });
});

describe('GET /admin/orders/:orderNo', () => {
  it("shows the order with the buyer masked, its timeline, payments, outbox and what this caller may do now", async () => {
    const res = await detail(o.bLocked2);
    expect(res.status).toBe(200);
    expect(res.body.order).toMatchObject({ orderNo: o.bLocked2, state: 'locked', buyer: { phone: '139****0002' }, actions: ['allocate'] });
    expect(res.body.timeline.map((e: { event: string }) => e.event)).toEqual(['created', 'pay', 'lock']);
    expect(res.body.timeline[2]).toMatchObject({ label: '确认锁单', toLabel: '已锁单', actor: { kind: 'buyer' } });
    expect(res.body.payments).toEqual([expect.objectContaining({ channel: 'wechat', status: 'paid' })]);
    expect(res.body.outbox.map((e: { type: string }) => e.type)).toContain('dms.order_locked');
    expect(res.body.tracking).toBeNull();
    expect(res.body.order.lineItems.length).toBeGreaterThan(0);
  });

  it('answers the actions the state machine allows for each role', async () => {
    const actions = async (orderNo: string, token: string) => (await detail(orderNo, token)).body.order.actions;
    expect(await actions(o.aPaid, tok.service)).toEqual([]);
    expect(await actions(o.aPaid, tok.operator)).toEqual(['refund']);
    expect(await actions(o.aPaid, tok.admin)).toEqual(['refund']);
    expect(await actions(o.aPending, tok.admin)).toEqual([]);
    expect(await actions(o.bLocked1, tok.operator)).toEqual(['ship']);
  });

  it('404 for an unknown order, 400 for a malformed number', async () => {
    expect((await detail('CM2026010100000000')).status).toBe(404);
    expect((await detail('CM123')).status).toBe(400);
  });
});

describe('delivery steps from the console', () => {
  it('each step is audited and shows on the order page; a VIN is never given to two orders', async () => {
    const vin = goodVin(2);
    const allocated = await staffEvent(o.aLocked, { event: 'allocate', vin });
    expect(allocated.status).toBe(200);
    expect(allocated.body).toMatchObject({ order: { state: 'allocated', vin }, shipment: null });
    const taken = await staffEvent(o.bLocked2, { event: 'allocate', vin });
    expect(taken.status).toBe(409);
    expect(taken.body.error).toMatchObject({ code: 'VIN_IN_USE', details: { orderNo: o.aLocked } });
    const page = (await detail(o.aLocked)).body;
    expect(page.order.actions).toEqual(['ship']);
    expect(page.timeline.at(-1)).toMatchObject({ event: 'allocate', label: '分配车辆', note: `分配车辆 VIN ${vin}`, actor: { kind: 'staff' } });
    expect(page.audit).toEqual([expect.objectContaining({ action: 'order.allocate', actorRoles: ['service'], before: { state: 'locked' }, after: { state: 'allocated', vin } })]);
  });

  it('bulk: allocate a batch (each VIN checked in full), each order answered on its own, a repeat unchanged', async () => {
    const v3 = goodVin(3);
    const first = await bulk({ action: 'allocate', items: [{ orderNo: o.bLocked2, vin: v3 }, { orderNo: o.aPending, vin: goodVin(4) }, { orderNo: 'CM2026010100000000', vin: goodVin(5) }] });
    expect(first.status).toBe(200);
    expect(first.body.results).toEqual([
      { orderNo: o.bLocked2, status: 'applied', state: 'allocated', code: null, message: null },
      { orderNo: o.aPending, status: 'failed', state: null, code: 'ORDER_STATE_INVALID', message: expect.stringContaining('待支付意向金') },
      { orderNo: 'CM2026010100000000', status: 'failed', state: null, code: 'NOT_FOUND', message: '订单不存在' },
    ]);
    expect(first.body.summary).toEqual({ applied: 1, unchanged: 0, failed: 2 });
    const again = await bulk({ action: 'allocate', items: [{ orderNo: o.bLocked2, vin: v3 }] });
    expect(again.body.results[0]).toMatchObject({ status: 'unchanged', state: 'allocated' });
    const other = await bulk({ action: 'allocate', items: [{ orderNo: o.bLocked2, vin: goodVin(6) }] });
    expect(other.body.results[0]).toMatchObject({ status: 'failed', code: 'CONFLICT' });
    const typo = await bulk({ action: 'allocate', items: [{ orderNo: o.bLocked2, vin: badVin(3) }] });
    expect(typo.body.results[0]).toMatchObject({ status: 'failed', code: 'VIN_INVALID', message: expect.stringContaining('校验未通过') });
    expect((await detail(o.bLocked2)).body.audit.filter((a: { action: string }) => a.action === 'order.allocate')).toHaveLength(1);
  });

  it('bulk: ship a batch to one centre (TMS shipments), then their arrival; a repeat is harmless', async () => {
    const batch = [o.aLocked, o.bLocked1, o.bLocked2];
    const shipped = await bulk({ action: 'ship', items: [...batch, o.aPaid].map((orderNo) => ({ orderNo })), centre: 'XIY' });
    expect(shipped.status).toBe(200);
    expect(shipped.body.results.map((r: { status: string }) => r.status)).toEqual(['applied', 'applied', 'applied', 'failed']);
    expect(shipped.body.results[3]).toMatchObject({ orderNo: o.aPaid, code: 'ORDER_STATE_INVALID' });
    const inTms = (await (await fetch(`${tms.url}/__sim/tms/shipments`)).json()) as { shipments: Array<{ orderNo: string }> };
    for (const n of batch) expect(inTms.shipments.filter((s) => s.orderNo === n)).toHaveLength(1);
    const page = (await detail(o.bLocked1)).body;
    expect(page.tracking).toMatchObject({ destination: { code: 'XIY', name: '西安交付中心' }, shipmentNo: expect.stringMatching(/^TMS/), arrived: false });
    expect(page.audit.find((a: { action: string }) => a.action === 'order.ship')).toMatchObject({ reason: '批量操作（4 单）', after: { state: 'in_transit', centre: 'XIY', bulk: true } });
    expect((await bulk({ action: 'ship', items: batch.map((orderNo) => ({ orderNo })), centre: 'XIY' })).body.summary).toEqual({ applied: 0, unchanged: 3, failed: 0 });
    const elsewhere = await bulk({ action: 'ship', items: [{ orderNo: o.bLocked1 }], centre: 'SHA' });
    expect(elsewhere.body.results[0]).toMatchObject({ status: 'failed', code: 'CONFLICT', message: '该订单已发往西安交付中心' });
    const arrived = await bulk({ action: 'arrive', items: batch.map((orderNo) => ({ orderNo })) });
    expect(arrived.body.summary).toEqual({ applied: 3, unchanged: 0, failed: 0 });
    expect((await detail(o.bLocked1, tok.operator)).body.order.actions).toEqual(['deliver']);
    // Handing over is one car at a time: deliver through the single step.
    const delivered = await staffEvent(o.bLocked1, { event: 'deliver' });
    expect(delivered.body.order.state).toBe('delivered');
    const final = (await detail(o.bLocked1)).body;
    expect(final.order.actions).toEqual([]);
    expect(final.audit.map((a: { action: string }) => a.action).sort()).toEqual(['order.allocate', 'order.arrive', 'order.deliver', 'order.ship']);
    expect(final.timeline.map((e: { event: string }) => e.event)).toEqual(['created', 'pay', 'lock', 'allocate', 'ship', 'arrive', 'deliver']);
  });

  it('bulk: bad requests are refused whole with 400, nothing written', async () => {
    const before = await t.conn.collection('audit_log').countDocuments();
    for (const body of [
      { action: 'deliver', items: [{ orderNo: o.aLocked }] },
      { action: 'refund', items: [{ orderNo: o.aPaid }] },
      { action: 'allocate', items: [{ orderNo: o.aLocked }] },
      { action: 'ship', items: [{ orderNo: o.aLocked, vin: goodVin(9) }] },
      { action: 'arrive', items: [{ orderNo: o.aLocked }], centre: 'SHA' },
      { action: 'ship', items: [{ orderNo: o.aLocked }, { orderNo: o.aLocked }] },
      { action: 'allocate', items: [{ orderNo: o.aLocked, vin: goodVin(7) }, { orderNo: o.bLocked2, vin: goodVin(7) }] },
      { action: 'ship', items: [] },
      { action: 'ship', items: Array.from({ length: 51 }, (_, i) => ({ orderNo: `CM20260101${String(i).padStart(8, '0')}` })) },
      { action: 'ship', items: [{ orderNo: 'nope' }] },
      { action: 'ship', items: [{ orderNo: o.aLocked }], centre: 'MARS' },
      { action: 'ship', items: [{ orderNo: o.aLocked }], extra: 1 },
    ]) {
      const res = await bulk(body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    expect(await t.conn.collection('audit_log').countDocuments()).toBe(before);
  });
});

describe('POST /admin/orders/:orderNo/refund', () => {
  it('an operator refunds a paid intent deposit with a reason (audited); a locked deposit is firm', async () => {
    const res = await api(`/api/v1/admin/orders/${o.aPaid}/refund`, tok.operator, { method: 'POST', json: { reason: '买家来电要求退款' } });
    expect(res.status).toBe(200);
    expect(res.body.order.state).toBe('refunding');
    expect(res.body.refunds).toEqual([expect.objectContaining({ status: 'processing', reason: '客服退款：买家来电要求退款' })]);
    expect(res.body.audit[0]).toMatchObject({ action: 'order.refund', reason: '买家来电要求退款', actorRoles: ['operator'], before: { state: 'deposit_paid' } });
    await vi.waitFor(async () => expect((await detail(o.aPaid)).body.order.state).toBe('refunded'), { timeout: 15_000 });
    const firm = await api(`/api/v1/admin/orders/${o.bLocked2}/refund`, tok.admin, { method: 'POST', json: { reason: '买家要求退款' } });
    expect(firm.status).toBe(409);
    expect(firm.body.error.code).toBe('ORDER_STATE_INVALID');
    expect((await api(`/api/v1/admin/orders/${o.aPending}/refund`, tok.admin, { method: 'POST', json: { reason: 'x' } })).status).toBe(400);
    expect((await api(`/api/v1/admin/orders/${o.aPending}/refund`, tok.admin, { method: 'POST' })).status).toBe(400);
  });
});

describe('GET /admin/orders/export.csv', () => {
  it('is a UTF-8 CSV with a BOM, the same filters, phones masked, and the export is audited', async () => {
    const res = await fetch(`${t.url}/api/v1/admin/orders/export.csv?q=${PHONE_B}`, { headers: { authorization: `Bearer ${tok.operator}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="orders.csv"; filename\*=UTF-8''%E8%AE%A2%E5%8D%95%E5%AF%BC%E5%87%BA-\d{12}\.csv$/);
    expect(res.headers.get('x-total-count')).toBe('3');
    expect(res.headers.get('x-export-truncated')).toBe('false');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes.slice(3));
    expect(text).not.toContain(PHONE_B);
    const lines = text.trimEnd().split('\r\n');
    expect(lines[0]).toBe('订单号,状态,车型,版本,颜色,总价,总价（分）,意向金/定金（分）,买家手机（已脱敏）,销售顾问,交付中心,城市,车架号,下单时间（北京时间）,进入当前状态（北京时间）,超期');
    expect(lines).toHaveLength(4);
    const delivered = csvFields(lines.find((l) => l.startsWith(o.bLocked1))!);
    expect(delivered).toHaveLength(16);
    expect(delivered[1]).toBe('已交付');
    expect(delivered[5]).toMatch(/^¥\d{1,3}(,\d{3})+$/);
    expect(Number(delivered[6])).toBeGreaterThan(0);
    expect(delivered[8]).toBe('139****0002');
    expect(delivered[10]).toBe('西安交付中心');
    expect(delivered[12]).toBe(goodVin(1));
    expect(delivered[13]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    // ¥ with separators is quoted (it has a comma); the fen column is the number to add up.
    expect(lines.find((l) => l.startsWith(o.bLocked1))).toContain(`,"${delivered[5]}",${delivered[6]},`);
    const entry = await t.conn.collection('audit_log').findOne({ action: 'orders.export' });
    expect(entry).toMatchObject({ targetType: 'orders', after: { rows: 3, total: 3, truncated: false, filters: { search: 'phone', sort: '-createdAt' } } });
    expect(JSON.stringify(entry)).not.toContain(PHONE_B);
    const bad = await api('/api/v1/admin/orders/export.csv?state=flying', tok.operator);
    expect(bad.status).toBe(400);
  });

  it('no staff audit entry anywhere holds a phone number in clear', async () => {
    const all = await t.conn.collection('audit_log').find({}).toArray();
    expect(all.length).toBeGreaterThan(5);
    expect(JSON.stringify(all)).not.toMatch(/1391234000[12]/);
  });
});
