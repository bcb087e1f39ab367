import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestApp } from './helpers';

// Orders here must be paid within 2 seconds; the BullMQ worker cancels them after that.
const t = await startTestApp('order_timeouts', { ORDER_PAYMENT_TIMEOUT_SECONDS: '2', WXPAY_KEY_MODE: 'certificate' });
let token: string;
beforeAll(async () => {
  await t.seed();
  token = (await t.login('oTimeout')).token;
});
afterAll(() => t.close());

const CAR = { modelCode: 'changfeng-e7', trimCode: 'E7_520_RWD', selections: [] as string[] };
const place = async () => (await t.api('/api/v1/orders', { method: 'POST', json: CAR, token, headers: { 'idempotency-key': randomUUID() } })).body;
const get = async (orderNo: string) => (await t.api(`/api/v1/orders/${orderNo}`, { token })).body;
const raw = async (orderNo: string) => (await t.conn.collection('orders').findOne({ orderNo }))!;
const availableOf = async (key: string) => (await t.conn.collection('stock').findOne({ key }))!.total - (await t.conn.collection('stock_holds').countDocuments({ key }));

describe('unpaid orders time out (BullMQ delayed job)', () => {
  it('cancels, closes the WeChat transaction and releases the car', async () => {
    const trims = (await t.api('/api/v1/catalog/models/changfeng-e7')).body.model.trims;
    CAR.trimCode = trims[0].code;
    const order = await place();
    const key = (await raw(order.orderNo)).stockKey;
    const held = await availableOf(key);
    const pay = await t.api(`/api/v1/orders/${order.orderNo}/payments/wechat`, { method: 'POST', token });
    expect(pay.status).toBe(200);
    // Watch the database, not the API: reads would expire it themselves.
    await vi.waitFor(async () => expect((await raw(order.orderNo)).state).toBe('cancelled'), { timeout: 15_000, interval: 200 });
    // The car is released right after the cancellation is written.
    await vi.waitFor(async () => expect(await availableOf(key)).toBe(held + 1), { timeout: 5000 });
    const txn = t.wxpay.ledger().transactions.find((x) => x.out_trade_no === pay.body.outTradeNo)!;
    expect(txn.trade_state).toBe('CLOSED');
    expect((await get(order.orderNo)).timeline.at(-1)).toMatchObject({ event: 'timeout', actor: { kind: 'system' } });
  });

  it('lets a payment that raced the timeout win (the job asks WeChat before cancelling)', async () => {
    const order = await place();
    const pay = await t.api(`/api/v1/orders/${order.orderNo}/payments/wechat`, { method: 'POST', token });
    // The buyer pays, but WeChat's notify is slow: it lands after the timeout fired.
    await fetch(`${t.wxpay.url}/__sim/wxpay/notify`, { method: 'POST', body: JSON.stringify({ delayMs: 5000 }) });
    await fetch(`${t.wxpay.url}/__sim/wxpay/pay`, { method: 'POST', body: JSON.stringify({ out_trade_no: pay.body.outTradeNo }) });
    await vi.waitFor(async () => expect((await raw(order.orderNo)).state).toBe('deposit_paid'), { timeout: 15_000, interval: 200 });
    const doc = await raw(order.orderNo);
    expect(doc.timeline.map((e: any) => e.event)).toEqual(['created', 'pay']);
    // The late notify then changes nothing.
    await new Promise((r) => setTimeout(r, 4000));
    expect((await raw(order.orderNo)).timeline).toHaveLength(2);
  });

  it('a payment that lands after cancellation reinstates the order, or refunds it when the car is gone', async () => {
    const order = await place();
    const pay = await t.api(`/api/v1/orders/${order.orderNo}/payments/wechat`, { method: 'POST', token });
    await vi.waitFor(async () => expect((await raw(order.orderNo)).state).toBe('cancelled'), { timeout: 15_000, interval: 200 });
    // WeChat's side of the race: the buyer's payment went through just as we closed it.
    await fetch(`${t.wxpay.url}/__sim/wxpay/pay`, { method: 'POST', body: JSON.stringify({ out_trade_no: pay.body.outTradeNo, force: true }) });
    await vi.waitFor(async () => expect((await raw(order.orderNo)).state).toBe('deposit_paid'), { timeout: 15_000, interval: 200 });
    expect((await raw(order.orderNo)).timeline.at(-1)).toMatchObject({ event: 'reinstate' });

    const second = await place();
    const key = (await raw(second.orderNo)).stockKey;
    const pay2 = await t.api(`/api/v1/orders/${second.orderNo}/payments/wechat`, { method: 'POST', token });
    await vi.waitFor(async () => expect((await raw(second.orderNo)).state).toBe('cancelled'), { timeout: 15_000, interval: 200 });
    // The cancellation released its car (right after the state change): wait for that first.
    const secondId = String((await raw(second.orderNo))._id);
    await vi.waitFor(async () => expect(await t.conn.collection('stock_holds').countDocuments({ orderId: secondId })).toBe(0), { timeout: 5000 });
    // Sold out meanwhile: every car of this variant is held by someone else.
    // (through the operators' stock endpoint, which keeps the admission gate in step with the database)
    const [, modelCode, trimCode, paintCode] = key.split(':');
    const operator = (await t.loginAs('operator', 'oTimeoutOperator')).token;
    const setStock = await t.api('/api/v1/admin/stock', { method: 'PUT', token: operator, json: { modelCode, trimCode, paintCode, total: await t.conn.collection('stock_holds').countDocuments({ key }), reason: '测试：车辆已售出' } });
    expect(setStock.status).toBe(200);
    await fetch(`${t.wxpay.url}/__sim/wxpay/pay`, { method: 'POST', body: JSON.stringify({ out_trade_no: pay2.body.outTradeNo, force: true }) });
    await vi.waitFor(async () => expect((await raw(second.orderNo)).state).toBe('refunded'), { timeout: 15_000, interval: 200 });
    const doc = await raw(second.orderNo);
    expect(doc.latePayment).toBe(true);
    expect(doc.timeline.map((e: any) => e.event)).toEqual(['created', 'timeout', 'reinstate', 'refund_requested', 'refunded']);
  });
});
