import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { alipaySignContent, rsa2Sign } from '@carmall/simulators';
import { startTestApp } from './helpers';

const t = await startTestApp('alipay');
let token: string;
let other: string;
beforeAll(async () => {
  await t.seed();
  const login = await t.login('oAlipayBuyer');
  token = login.token;
  other = (await t.login('oNoAlipay')).token;
  // What an Alipay login links to the account (the buyer's 2088… user id).
  await t.conn.collection('users').updateOne({ wechatOpenId: 'oAlipayBuyer' }, { $set: { alipayUserId: '2088102177846880' } });
});
afterAll(() => t.close());

const place = async (tok = token) =>
  (await t.api('/api/v1/orders', { method: 'POST', token: tok, headers: { 'idempotency-key': randomUUID() }, json: { modelCode: 'changfeng-e7', trimCode: (await t.api('/api/v1/catalog/models/changfeng-e7')).body.model.trims[0].code, selections: [] } })).body;
const state = async (orderNo: string) => (await t.api(`/api/v1/orders/${orderNo}`, { token })).body.state;

/** A notify as Alipay would send it, signed with `key`. */
async function postNotify(fields: Record<string, string>, key = t.alipayKeys.alipayPrivateKeyPem) {
  const params: Record<string, string> = { notify_time: '2026-11-28 21:00:00', notify_type: 'trade_status_sync', notify_id: randomUUID(), app_id: t.config.ALIPAY_APP_ID!, charset: 'utf-8', version: '1.0', sign_type: 'RSA2', ...fields };
  params.sign = rsa2Sign(key, alipaySignContent(params, ['sign', 'sign_type']));
  const res = await fetch(`${t.url}/api/v1/payments/alipay/notify`, { method: 'POST', body: new URLSearchParams(params).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  return res.text();
}

describe('paying the deposit with Alipay (gateway simulator)', () => {
  it('creates a trade for my.tradePay and applies the signed async notify', async () => {
    const order = await place();
    const pay = await t.api(`/api/v1/orders/${order.orderNo}/payments/alipay`, { method: 'POST', token });
    expect(pay.status).toBe(200);
    expect(pay.body.tradeNO).toMatch(/^2026\d+/);
    const again = await t.api(`/api/v1/orders/${order.orderNo}/payments/alipay`, { method: 'POST', token });
    expect(again.body.tradeNO).toBe(pay.body.tradeNO);
    const trade = t.alipay.ledger().find((x) => x.out_trade_no === pay.body.outTradeNo)!;
    expect(trade).toMatchObject({ total_amount: '5000.00', buyer_id: '2088102177846880' });

    await fetch(`${t.alipay.url}/__sim/alipay/pay`, { method: 'POST', body: JSON.stringify({ out_trade_no: pay.body.outTradeNo }) });
    await vi.waitFor(async () => expect(await state(order.orderNo)).toBe('deposit_paid'), { timeout: 10_000, interval: 100 });
    const paid = (await t.api(`/api/v1/orders/${order.orderNo}`, { token })).body;
    expect(paid.payments).toEqual([expect.objectContaining({ channel: 'alipay', status: 'paid', amountFen: 500_000 })]);
  });

  it('rejects forged notifies and wrong amounts; duplicates change nothing', async () => {
    const order = await place();
    const pay = await t.api(`/api/v1/orders/${order.orderNo}/payments/alipay`, { method: 'POST', token });
    const fields = { out_trade_no: pay.body.outTradeNo, trade_no: pay.body.tradeNO, trade_status: 'TRADE_SUCCESS', total_amount: '5000.00', gmt_payment: '2026-11-28 21:00:00' };
    expect(await postNotify(fields, t.alipayKeys.appPrivateKeyPem)).toBe('failure'); // not Alipay's key
    expect(await postNotify({ ...fields, total_amount: '0.01' })).toBe('failure');
    expect(await state(order.orderNo)).toBe('pending_payment');
    expect(await postNotify(fields)).toBe('success');
    expect(await postNotify(fields)).toBe('success');
    const o = (await t.api(`/api/v1/orders/${order.orderNo}`, { token })).body;
    expect(o.state).toBe('deposit_paid');
    expect(o.timeline.filter((e: { event: string }) => e.event === 'pay')).toHaveLength(1);
  });

  it('refunds an Alipay deposit (synchronous on Alipay)', async () => {
    const order = await place();
    const pay = await t.api(`/api/v1/orders/${order.orderNo}/payments/alipay`, { method: 'POST', token });
    await fetch(`${t.alipay.url}/__sim/alipay/pay`, { method: 'POST', body: JSON.stringify({ out_trade_no: pay.body.outTradeNo }) });
    await vi.waitFor(async () => expect(await state(order.orderNo)).toBe('deposit_paid'), { timeout: 10_000, interval: 100 });
    await t.api(`/api/v1/orders/${order.orderNo}/cancel`, { method: 'POST', token });
    await vi.waitFor(async () => expect(await state(order.orderNo)).toBe('refunded'), { timeout: 10_000, interval: 100 });
    expect(t.alipay.ledger().find((x) => x.out_trade_no === pay.body.outTradeNo)!.refunds).toEqual([{ out_request_no: `${order.orderNo}R1`, refund_amount: '5000.00' }]);
  });

  it('syncs an unknown result (Alipay 8000/6004) by asking Alipay instead of waiting for the notify', async () => {
    const order = await place();
    const pay = await t.api(`/api/v1/orders/${order.orderNo}/payments/alipay`, { method: 'POST', token });
    // The buyer paid, but the notify is lost (nobody listens at the notify URL any more).
    const trade = t.alipay.ledger().find((x) => x.out_trade_no === pay.body.outTradeNo)!;
    trade.notify_url = 'http://127.0.0.1:1/nowhere';
    await fetch(`${t.alipay.url}/__sim/alipay/pay`, { method: 'POST', body: JSON.stringify({ out_trade_no: pay.body.outTradeNo }) });
    expect(await state(order.orderNo)).toBe('pending_payment');
    const synced = await t.api(`/api/v1/orders/${order.orderNo}/payments/sync`, { method: 'POST', token });
    expect(synced.body.state).toBe('deposit_paid');
  });

  it('asks a buyer without an Alipay account to pay in the Alipay app, and maps outages to 503', async () => {
    const order = await place(other);
    const noAccount = await t.api(`/api/v1/orders/${order.orderNo}/payments/alipay`, { method: 'POST', token: other });
    expect(noAccount.status).toBe(409);
    const mine = await place();
    await fetch(`${t.alipay.url}/__sim/alipay/fail`, { method: 'POST', body: JSON.stringify({ times: 1 }) });
    const down = await t.api(`/api/v1/orders/${mine.orderNo}/payments/alipay`, { method: 'POST', token });
    expect(down.status).toBe(503);
    expect(down.body.error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(await state(mine.orderNo)).toBe('pending_payment');
  });
});
