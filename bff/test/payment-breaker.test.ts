import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from './helpers';

const t = await startTestApp('payment_breaker', { WXPAY_BREAKER_RESET_MS: '800' });
let token: string;
beforeAll(async () => {
  await t.seed();
  token = (await t.login('oBreaker')).token;
});
afterAll(() => t.close());

const fail = (times: number) => fetch(`${t.wxpay.url}/__sim/wxpay/fail`, { method: 'POST', body: JSON.stringify({ times, status: 500, code: 'SYSTEM_ERROR' }) });
const place = async () =>
  (await t.api('/api/v1/orders', { method: 'POST', token, headers: { 'idempotency-key': randomUUID() }, json: { modelCode: 'changfeng-p5', trimCode: (await t.api('/api/v1/catalog/models/changfeng-p5')).body.model.trims[0].code, selections: [] } })).body;
const pay = (orderNo: string) => t.api(`/api/v1/orders/${orderNo}/payments/wechat`, { method: 'POST', token });

describe('circuit breaker around WeChat Pay', () => {
  it('opens after repeated provider failures, fails fast while open, keeps orders pending, and closes when WeChat recovers', async () => {
    const order = await place();
    await fail(4);
    for (let i = 0; i < 4; i++) {
      const r = await pay(order.orderNo);
      expect(r.status).toBe(503);
      expect(r.body.error.code).toBe('UPSTREAM_UNAVAILABLE');
    }
    // WeChat is healthy again, but the breaker is open: the call does not even reach it.
    const fast = await pay(order.orderNo);
    expect(fast.status).toBe(503);
    // With what to pay with instead: in the mini-program, the Alipay wap link to copy.
    expect(fast.body.error.details).toEqual({ breaker: 'open', backup: [{ channel: 'alipay', method: 'wap' }] });
    expect(t.wxpay.ledger().transactions).toHaveLength(0);
    expect((await t.api(`/api/v1/orders/${order.orderNo}`, { token })).body.state).toBe('pending_payment');

    await new Promise((r) => setTimeout(r, 900)); // half-open: one trial call goes through
    const ok = await pay(order.orderNo);
    expect(ok.status).toBe(200);
    expect(t.wxpay.ledger().transactions).toHaveLength(1);
  });

  it('does not count WeChat business refusals as outages', async () => {
    const order = await place();
    const first = await pay(order.orderNo);
    await fetch(`${t.wxpay.url}/__sim/wxpay/pay`, { method: 'POST', body: JSON.stringify({ out_trade_no: first.body.outTradeNo }) });
    // Closing a paid transaction is refused with 400 ORDERPAID, many times: the breaker stays closed.
    for (let i = 0; i < 6; i++) await t.api(`/api/v1/orders/${order.orderNo}/cancel`, { method: 'POST', token });
    const other = await place();
    expect((await pay(other.orderNo)).status).toBe(200);
  });
});
