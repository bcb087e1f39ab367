import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { startTestApp, type TestApp } from './helpers';

const dmsOrders = async (app: TestApp) => ((await (await fetch(`${app.dms.url}/__sim/dms/orders`)).json()) as { orders: { orderNo: string; received: number; priceFen: number }[] }).orders;

/** The order's DMS outbox entry (a WeChat-paid order also has one for its shipping info). */
const dmsEntry = async (app: TestApp, orderNo: string) => ((await app.conn.collection('orders').findOne({ orderNo }))!.outbox as { type: string; status: string }[]).find((e) => e.type === 'dms.order_locked')!;

async function paidOrder(app: TestApp, token: string) {
  const trimCode = (await app.api('/api/v1/catalog/models/yuanshan-s7')).body.model.trims[0].code;
  const order = (await app.api('/api/v1/orders', { method: 'POST', token, headers: { 'idempotency-key': randomUUID() }, json: { modelCode: 'yuanshan-s7', trimCode, selections: [] } })).body;
  const pay = await app.api(`/api/v1/orders/${order.orderNo}/payments/wechat`, { method: 'POST', token });
  await fetch(`${app.wxpay.url}/__sim/wxpay/pay`, { method: 'POST', body: JSON.stringify({ out_trade_no: pay.body.outTradeNo }) });
  await vi.waitFor(async () => expect((await app.api(`/api/v1/orders/${order.orderNo}`, { token })).body.state).toBe('deposit_paid'), { timeout: 10_000 });
  return order;
}

describe('locked orders reach the DMS through the outbox', () => {
  const apps: TestApp[] = [];
  afterAll(async () => {
    for (const a of apps.reverse()) await a.close();
  });

  it('delivers once, retrying while the DMS is down', async () => {
    const t = await startTestApp('dms_outbox');
    apps.push(t);
    await t.seed();
    const { token } = await t.login('oDms1');
    const order = await paidOrder(t, token);
    await fetch(`${t.dms.url}/__sim/dms/fail`, { method: 'POST', body: JSON.stringify({ times: 2, status: 503 }) });
    expect((await t.api(`/api/v1/orders/${order.orderNo}/lock`, { method: 'POST', token })).body.state).toBe('locked');
    await vi.waitFor(async () => expect((await dmsOrders(t)).map((o) => o.orderNo)).toContain(order.orderNo), { timeout: 20_000, interval: 200 });
    // The DMS answered; the outbox entry is marked right after.
    await vi.waitFor(async () => expect((await dmsEntry(t, order.orderNo)).status).toBe('delivered'), { timeout: 10_000 });
    const raw = await t.conn.collection('orders').findOne({ orderNo: order.orderNo });
    expect(await dmsEntry(t, order.orderNo)).toMatchObject({ type: 'dms.order_locked', status: 'delivered', attempts: 2, ref: expect.stringMatching(/^DMS/) });
    const inDms = (await dmsOrders(t)).find((o) => o.orderNo === order.orderNo)!;
    expect(inDms).toMatchObject({ received: 1, priceFen: raw!.totalFen });
  });

  it('delivers what a stopped worker left behind when a worker starts again', async () => {
    // An API process without workers: the lock is written with its outbox entry, nobody delivers it.
    const api = await startTestApp('dms_restart', { RUN_WORKERS: 'false' });
    apps.push(api);
    await api.seed();
    const { token } = await api.login('oDms2');
    const order = await paidOrder(api, token); // the notify alone pays it; no worker needed
    await api.api(`/api/v1/orders/${order.orderNo}/lock`, { method: 'POST', token });
    await new Promise((r) => setTimeout(r, 500));
    expect(await dmsOrders(api)).toEqual([]);
    expect((await dmsEntry(api, order.orderNo)).status).toBe('pending');

    // A worker process comes up on the same database and queue: its start-up sweep delivers.
    const worker = await startTestApp('dms_restart_worker', {
      RUN_WORKERS: 'true',
      MONGODB_URI: api.config.MONGODB_URI,
      REDIS_KEY_PREFIX: api.config.REDIS_KEY_PREFIX,
      DMS_API_BASE: api.dms.url,
    });
    apps.push(worker);
    await vi.waitFor(async () => expect((await dmsOrders(api)).map((o) => o.orderNo)).toEqual([order.orderNo]), { timeout: 20_000, interval: 200 });
    await vi.waitFor(async () => expect((await dmsEntry(api, order.orderNo)).status).toBe('delivered'), { timeout: 10_000 });
    expect((await dmsOrders(api))[0].received).toBe(1);
  });
});
