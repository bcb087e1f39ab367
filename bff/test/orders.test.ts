import { createVerify, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { encryptResource, signMessage } from '@carmall/simulators';
import { startTestApp, type TestApp } from './helpers';

const t = await startTestApp('orders');
let alice: string;
let bob: string;
beforeAll(async () => {
  await t.seed();
  alice = (await t.login('oAliceOrders')).token;
  bob = (await t.login('oBobOrders')).token;
});
afterAll(() => t.close());

const CAR = { modelCode: 'yuanshan-s5', trimCode: 'S5_520_RWD', selections: ['PAINT_MIST_GREY'] };
const STOCK_KEY = 'national:yuanshan-s5:S5_520_RWD:PAINT_MIST_GREY';
/** Cars of the test variant not held by an order. */
const available = async (key = STOCK_KEY) => (await t.conn.collection('stock').findOne({ key }))!.total - (await t.conn.collection('stock_holds').countDocuments({ key }));

async function placeOrder(app: TestApp, token: string, body: object = CAR, key = randomUUID()) {
  return app.api('/api/v1/orders', { method: 'POST', json: body, token, headers: { 'idempotency-key': key } });
}
async function orderOf(app: TestApp, token: string, orderNo: string) {
  return (await app.api(`/api/v1/orders/${orderNo}`, { token })).body;
}
async function startPayment(app: TestApp, token: string, orderNo: string) {
  return app.api(`/api/v1/orders/${orderNo}/payments/wechat`, { method: 'POST', token });
}
const buyerPays = (app: TestApp, outTradeNo: string, extra: object = {}) =>
  fetch(`${app.wxpay.url}/__sim/wxpay/pay`, { method: 'POST', body: JSON.stringify({ out_trade_no: outTradeNo, ...extra }) });
const notifyMode = (app: TestApp, mode: object) => fetch(`${app.wxpay.url}/__sim/wxpay/notify`, { method: 'POST', body: JSON.stringify(mode) });
const deliveries = async (app: TestApp) => ((await (await fetch(`${app.wxpay.url}/__sim/wxpay/deliveries`)).json()) as { deliveries: { status: number | string }[] }).deliveries;
const waitForState = (app: TestApp, token: string, orderNo: string, state: string) =>
  vi.waitFor(async () => expect((await orderOf(app, token, orderNo)).state).toBe(state), { timeout: 15_000, interval: 100 });

describe('placing an order', () => {
  it('needs a signed-in buyer and an Idempotency-Key', async () => {
    expect((await t.api('/api/v1/orders', { method: 'POST', json: CAR })).status).toBe(401);
    const noKey = await t.api('/api/v1/orders', { method: 'POST', json: CAR, token: alice });
    expect(noKey.status).toBe(400);
    expect(noKey.body.error.code).toBe('IDEMPOTENCY_KEY_REQUIRED');
  });

  it('freezes configuration and price, reserves one car, and a retry returns the same order', async () => {
    const before = (await available());
    const key = randomUUID();
    const first = await placeOrder(t, alice, CAR, key);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ state: 'pending_payment', stateLabel: '待支付意向金', depositFen: 500_000, modelName: '远山 S5' });
    expect(first.body.config.selected).toContain('PAINT_MIST_GREY');
    expect(first.body.totalFen).toBe(first.body.config.totalFen);
    expect(first.body.timeline).toHaveLength(1);
    const again = await placeOrder(t, alice, CAR, key);
    expect(again.body.orderNo).toBe(first.body.orderNo);
    expect((await available())).toBe(before - 1);
    expect(await t.conn.collection('orders').countDocuments({ idempotencyKey: key })).toBe(1);
  });

  it('refuses a price the buyer did not see, and bad configurations, without reserving anything', async () => {
    const before = (await available());
    const changed = await placeOrder(t, alice, { ...CAR, expectedTotalFen: 1 });
    expect(changed.status).toBe(409);
    expect(changed.body.error.code).toBe('PRICE_CHANGED');
    expect(changed.body.error.details.totalFen).toBeGreaterThan(1);
    const conflict = await placeOrder(t, alice, { ...CAR, trimCode: 'S5_600_AWD', selections: ['PKG_PERFORMANCE', 'WHEEL_19_AERO'] });
    expect(conflict.status).toBe(422);
    expect((await available())).toBe(before);
  });

  it("never shows one buyer another buyer's order", async () => {
    const { body } = await placeOrder(t, alice);
    expect((await t.api(`/api/v1/orders/${body.orderNo}`, { token: bob })).status).toBe(404);
    expect((await startPayment(t, bob, body.orderNo)).status).toBe(404);
    expect((await t.api(`/api/v1/orders/${body.orderNo}/cancel`, { method: 'POST', token: bob })).status).toBe(404);
    expect((await t.api('/api/v1/orders', { token: bob })).body.items.map((o: any) => o.orderNo)).not.toContain(body.orderNo);
    expect((await t.api('/api/v1/orders/not-an-order', { token: alice })).status).toBe(400);
  });
});

describe('paying the deposit with WeChat Pay (simulator, real SDK)', () => {
  it('returns requestPayment parameters signed by the merchant key, and the notify moves the order on', async () => {
    const { body: order } = await placeOrder(t, alice);
    const pay = await startPayment(t, alice, order.orderNo);
    expect(pay.status).toBe(200);
    const rp = pay.body.requestPayment;
    expect(rp).toMatchObject({ appId: t.config.WECHAT_APPID, signType: 'RSA', package: expect.stringMatching(/^prepay_id=wx/) });
    const signed = `${rp.appId}\n${rp.timeStamp}\n${rp.nonceStr}\n${rp.package}\n`;
    expect(createVerify('RSA-SHA256').update(signed).verify(t.wxpayKeys.merchantPublicKeyPem, rp.paySign, 'base64')).toBe(true);
    // Asking again gives the same prepay (same out_trade_no), not a second payment.
    const again = await startPayment(t, alice, order.orderNo);
    expect(again.body.requestPayment.package).toBe(rp.package);

    await buyerPays(t, pay.body.outTradeNo);
    await waitForState(t, alice, order.orderNo, 'deposit_paid');
    const paid = await orderOf(t, alice, order.orderNo);
    expect(paid.payments).toEqual([expect.objectContaining({ status: 'paid', amountFen: 500_000 })]);
    expect(paid.timeline.map((e: any) => e.event)).toEqual(['created', 'pay']);
    expect(paid.actions).toEqual(expect.arrayContaining(['lock', 'refund_requested']));
  });

  it('uploads the shipping info of a WeChat payment (用户自提), retrying while WeChat is busy', async () => {
    const { body: order } = await placeOrder(t, alice);
    const pay = await startPayment(t, alice, order.orderNo);
    await fetch(`${t.wechat.url}/__sim/wechat/shipping-fail`, { method: 'POST', body: JSON.stringify({ errcode: 10060012, times: 1 }) });
    await buyerPays(t, pay.body.outTradeNo);
    await waitForState(t, alice, order.orderNo, 'deposit_paid');
    const uploads = async () => ((await (await fetch(`${t.wechat.url}/__sim/wechat/shipping`)).json()) as { uploads: any[] }).uploads;
    await vi.waitFor(async () => expect((await uploads()).map((u) => u.order_key.out_trade_no)).toContain(pay.body.outTradeNo), { timeout: 20_000, interval: 200 });
    const upload = (await uploads()).find((u) => u.order_key.out_trade_no === pay.body.outTradeNo);
    expect(upload).toMatchObject({ logistics_type: 4, order_key: { order_number_type: 1, mchid: t.config.WXPAY_MCHID }, payer: { openid: 'oAliceOrders' } });
    await vi.waitFor(async () => {
      const raw = await t.conn.collection('orders').findOne({ orderNo: order.orderNo });
      expect(raw!.outbox).toEqual([expect.objectContaining({ type: 'wechat.shipping_info', status: 'delivered', attempts: 1 })]);
    }, { timeout: 10_000 });
  });

  it('applies duplicate notifies once', async () => {
    const { body: order } = await placeOrder(t, alice);
    const pay = await startPayment(t, alice, order.orderNo);
    await notifyMode(t, { duplicates: 3 });
    await buyerPays(t, pay.body.outTradeNo);
    await waitForState(t, alice, order.orderNo, 'deposit_paid');
    await new Promise((r) => setTimeout(r, 300)); // let the duplicates land
    const paid = await orderOf(t, alice, order.orderNo);
    expect(paid.timeline.filter((e: any) => e.event === 'pay')).toHaveLength(1);
  });

  it('handles a notify that arrives before the prepay answer', async () => {
    const { body: order } = await placeOrder(t, alice);
    await notifyMode(t, { payBeforeResponse: true });
    const pay = await startPayment(t, alice, order.orderNo);
    expect(pay.status).toBe(200);
    expect((await orderOf(t, alice, order.orderNo)).state).toBe('deposit_paid');
  });

  it('rejects tampered signatures, forged notifies and amount mismatches', async () => {
    const { body: order } = await placeOrder(t, alice);
    const pay = await startPayment(t, alice, order.orderNo);
    const seen = (await deliveries(t)).length;
    await notifyMode(t, { tamper: true });
    await buyerPays(t, pay.body.outTradeNo);
    await vi.waitFor(async () => expect((await deliveries(t)).length).toBeGreaterThan(seen));
    expect((await deliveries(t)).at(-1)!.status).toBe(401);
    expect((await orderOf(t, alice, order.orderNo)).state).toBe('pending_payment');

    // A forger without the platform key: valid-looking envelope, own key's signature.
    const resource = encryptResource(t.wxpayKeys.apiV3Key, JSON.stringify({ mchid: t.config.WXPAY_MCHID, appid: t.config.WECHAT_APPID, out_trade_no: pay.body.outTradeNo, trade_state: 'SUCCESS', amount: { total: 500_000 } }), 'transaction');
    const body = JSON.stringify({ id: 'x', event_type: 'TRANSACTION.SUCCESS', resource_type: 'encrypt-resource', resource });
    const ts = String(Math.floor(Date.now() / 1000));
    const forged = await fetch(`${t.url}/api/v1/payments/wechat/notify`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'wechatpay-timestamp': ts, 'wechatpay-nonce': 'n', 'wechatpay-serial': t.wxpayKeys.platformSerial, 'wechatpay-signature': signMessage(t.wxpayKeys.merchantPrivateKeyPem, `${ts}\nn\n${body}\n`) },
    });
    expect(forged.status).toBe(401);
    expect(await forged.json()).toEqual({ code: 'FAIL', message: '签名错误' });
    const unknownSerial = await fetch(`${t.url}/api/v1/payments/wechat/notify`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'wechatpay-timestamp': ts, 'wechatpay-nonce': 'n', 'wechatpay-serial': 'PUB_KEY_ID_NOPE', 'wechatpay-signature': 'x' } });
    expect(unknownSerial.status).toBe(401);
    // Serials that name Object's own properties are unknown too (they once reached a TypeError, 500), on both notify paths.
    for (const path of ['notify', 'refund-notify']) {
      for (const serial of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
        const res = await fetch(`${t.url}/api/v1/payments/wechat/${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'wechatpay-timestamp': ts, 'wechatpay-nonce': 'n', 'wechatpay-serial': serial, 'wechatpay-signature': 'x' } });
        expect(res.status, `${path} ${serial}`).toBe(401);
        expect(await res.json()).toEqual({ code: 'FAIL', message: '签名错误' });
      }
    }
    expect((await orderOf(t, alice, order.orderNo)).state).toBe('pending_payment');

    // Correctly signed by WeChat, but for a different amount than we asked: not applied.
    const { body: order2 } = await placeOrder(t, alice);
    const pay2 = await startPayment(t, alice, order2.orderNo);
    const seen2 = (await deliveries(t)).length;
    await notifyMode(t, { amountDelta: -499_999 });
    await buyerPays(t, pay2.body.outTradeNo);
    await vi.waitFor(async () => expect((await deliveries(t)).length).toBeGreaterThan(seen2));
    expect((await deliveries(t))[seen2].status).toBe(400);
    expect((await orderOf(t, alice, order2.orderNo)).state).toBe('pending_payment');
  });

  it('keeps the order pending when WeChat Pay is down, and pays once it is back', async () => {
    const { body: order } = await placeOrder(t, alice);
    await fetch(`${t.wxpay.url}/__sim/wxpay/fail`, { method: 'POST', body: JSON.stringify({ times: 1, status: 500, code: 'SYSTEM_ERROR', path: 'jsapi' }) });
    const down = await startPayment(t, alice, order.orderNo);
    expect(down.status).toBe(503);
    expect(down.body.error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect((await orderOf(t, alice, order.orderNo)).state).toBe('pending_payment');
    const up = await startPayment(t, alice, order.orderNo);
    expect(up.status).toBe(200);
  });
});

describe('refunds', () => {
  it('refunds a paid intent deposit through WeChat Pay and releases the car', async () => {
    const before = (await available());
    const { body: order } = await placeOrder(t, alice);
    const pay = await startPayment(t, alice, order.orderNo);
    await buyerPays(t, pay.body.outTradeNo);
    await waitForState(t, alice, order.orderNo, 'deposit_paid');
    const cancel = await t.api(`/api/v1/orders/${order.orderNo}/cancel`, { method: 'POST', token: alice });
    expect(cancel.body.state).toBe('refunding');
    await waitForState(t, alice, order.orderNo, 'refunded');
    const done = await orderOf(t, alice, order.orderNo);
    expect(done.refunds).toEqual([expect.objectContaining({ status: 'succeeded', amountFen: 500_000 })]);
    // The car is released right after the refund is recorded.
    await vi.waitFor(async () => expect(await available()).toBe(before), { timeout: 5000 });
    const ledger = t.wxpay.ledger();
    expect(ledger.refunds.filter((r) => r.out_trade_no === pay.body.outTradeNo)).toHaveLength(1);
  });

  it('cannot refund a locked order', async () => {
    const { body: order } = await placeOrder(t, alice);
    const pay = await startPayment(t, alice, order.orderNo);
    await buyerPays(t, pay.body.outTradeNo);
    await waitForState(t, alice, order.orderNo, 'deposit_paid');
    expect((await t.api(`/api/v1/orders/${order.orderNo}/lock`, { method: 'POST', token: alice })).body.state).toBe('locked');
    const refused = await t.api(`/api/v1/orders/${order.orderNo}/cancel`, { method: 'POST', token: alice });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('ORDER_STATE_INVALID');
  });
});

describe('launch-day rush', () => {
  it('gives out exactly as many cars as are in stock', async () => {
    const variant = (await t.conn.collection('stock').findOne({ modelCode: 'yunqi-m8' }))!;
    await t.conn.collection('stock').updateOne({ key: variant.key }, { $set: { total: 5 } });
    const buyers = await Promise.all(Array.from({ length: 24 }, (_, i) => t.login(`oRush${i}`)));
    const results = await Promise.all(
      buyers.map((b) => placeOrder(t, b.token, { modelCode: 'yunqi-m8', trimCode: variant.trimCode, selections: [variant.paintCode] })),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(5);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    expect(results.filter((r) => r.status === 409).every((r) => r.body.error.code === 'OUT_OF_STOCK')).toBe(true);
    expect(await available(variant.key)).toBe(0);
    const holders = (await t.conn.collection('stock_holds').find({ key: variant.key }).toArray()).map((h) => h.orderId).sort();
    const winners = (await t.conn.collection('orders').find({ orderNo: { $in: results.filter((r) => r.status === 201).map((r) => r.body.orderNo) } }).toArray()).map((o) => String(o._id)).sort();
    expect(holders).toEqual(winners);
  });
});
