import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestApp } from './helpers';

/**
 * Paying on H5 and PC (WeChat Native and H5, Alipay wap and page pay) through the real protocols in
 * the simulators, the backup channel while WeChat Pay is down, and double payment across channels.
 */
const t = await startTestApp('payments_web', { WXPAY_BREAKER_RESET_MS: '800' });
let token: string;
beforeAll(async () => {
  await t.seed();
  token = (await t.login('oWebPayer')).token;
});
afterAll(() => t.close());

const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1';
const wait = { timeout: 10_000, interval: 100 };
const place = async () =>
  (await t.api('/api/v1/orders', { method: 'POST', token, headers: { 'idempotency-key': randomUUID() }, json: { modelCode: 'changfeng-e7', trimCode: (await t.api('/api/v1/catalog/models/changfeng-e7')).body.model.trims[0].code, selections: [] } })).body;
const start = (orderNo: string, method: string, platform: string, headers: Record<string, string> = {}) =>
  t.api(`/api/v1/orders/${orderNo}/payments`, { method: 'POST', token, headers, json: { method, platform } });
const options = (orderNo: string, platform: string) => t.api(`/api/v1/orders/${orderNo}/payment-options?platform=${platform}`, { token });
const getOrder = async (orderNo: string) => (await t.api(`/api/v1/orders/${orderNo}`, { token })).body;
const sim = (base: string, path: string, body: unknown) => fetch(`${base}${path}`, { method: 'POST', body: JSON.stringify(body) });
const wxTxn = (outTradeNo: string) => t.wxpay.ledger().transactions.find((x) => x.out_trade_no === outTradeNo);
const aliTrade = (outTradeNo: string) => t.alipay.ledger().find((x) => x.out_trade_no === outTradeNo);
const wxDeliveries = async () => ((await (await fetch(`${t.wxpay.url}/__sim/wxpay/deliveries`)).json()) as { deliveries: { status: number | string }[] }).deliveries;
const pays = (o: { timeline: { event: string }[] }) => o.timeline.filter((e) => e.event === 'pay').length;
/** Open WeChat Pay's breaker: SYSTEM_ERROR answers until it opens (the rolling window also holds earlier successes). */
async function breakWechat(orderNo: string) {
  await sim(t.wxpay.url, '/__sim/wxpay/fail', { times: 50, status: 500, code: 'SYSTEM_ERROR' });
  let opened = false;
  for (let i = 0; i < 50 && !opened; i++) {
    const r = await start(orderNo, 'native', 'h5-desktop');
    expect(r.status).toBe(503);
    opened = r.body.error.details.breaker === 'open';
  }
  expect(opened).toBe(true);
  await sim(t.wxpay.url, '/__sim/wxpay/fail', { times: 0, status: 500, code: 'SYSTEM_ERROR' });
}
/** Let the breaker half-open and close again with one good call. */
async function healWechat() {
  await new Promise((r) => setTimeout(r, 900));
  const probe = await place();
  expect((await start(probe.orderNo, 'native', 'h5-desktop')).status).toBe(200);
}
/** The browser at Alipay's cashier: open the signed URL, tap 确认付款; returns where Alipay sends it back. */
async function payAtAlipayCashier(payUrl: string) {
  const page = await fetch(payUrl);
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain('确认付款');
  const outTradeNo = /name="out_trade_no" value="([^"]+)"/.exec(html)![1];
  const paid = await fetch(`${t.alipay.url}/__sim/alipay/cashier/pay`, { method: 'POST', body: new URLSearchParams({ out_trade_no: outTradeNo }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
  expect(paid.status).toBe(302);
  return new URL(paid.headers.get('location')!);
}

describe('what each platform is offered', () => {
  it('desktop H5: WeChat Native QR and Alipay page pay; mobile H5: WeChat H5 and Alipay wap; weapp: JSAPI', async () => {
    const order = await place();
    const desktop = (await options(order.orderNo, 'h5-desktop')).body;
    expect(desktop.methods.map((m: { method: string; delivery: string; available: boolean }) => [m.method, m.delivery, m.available])).toEqual([
      ['native', 'qr', true],
      ['page', 'redirect', true],
    ]);
    expect(desktop).toMatchObject({ payable: true, backup: false, notice: null, open: null, amountFen: 500_000 });
    const mobile = (await t.api(`/api/v1/orders/${order.orderNo}/payment-options?platform=h5`, { token, headers: { 'user-agent': IPHONE } })).body;
    expect(mobile.platform).toBe('h5-mobile');
    expect(mobile.methods.map((m: { method: string }) => m.method)).toEqual(['h5', 'wap']);
    const hinted = (await t.api(`/api/v1/orders/${order.orderNo}/payment-options?platform=h5`, { token, headers: { 'user-agent': IPHONE, 'sec-ch-ua-mobile': '?0' } })).body;
    expect(hinted.platform).toBe('h5-desktop');
    const weapp = (await options(order.orderNo, 'weapp')).body;
    expect(weapp.methods).toEqual([expect.objectContaining({ method: 'jsapi', delivery: 'sdk', available: true })]);
  });

  it('refuses a method the platform cannot run, and bad input, with 4xx', async () => {
    const order = await place();
    const wrong = await start(order.orderNo, 'native', 'weapp');
    expect(wrong.status).toBe(409);
    expect(wrong.body.error.code).toBe('PAYMENT_METHOD_UNAVAILABLE');
    expect((await start(order.orderNo, 'cash', 'h5-desktop')).status).toBe(400);
    expect((await options(order.orderNo, 'pc')).status).toBe(400);
    expect((await getOrder(order.orderNo)).payments).toEqual([]);
  });
});

describe('WeChat Pay Native (desktop QR code)', () => {
  it('gives the code_url, resumes it on a repeat, applies the scan’s notify once', async () => {
    const order = await place();
    const first = await start(order.orderNo, 'native', 'h5-desktop');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ outTradeNo: `${order.orderNo}N1`, channel: 'wechat', method: 'native', delivery: 'qr', amountFen: 500_000 });
    expect(first.body.codeUrl).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=[\w-]+$/);
    const again = await start(order.orderNo, 'native', 'h5-desktop');
    expect(again.body.codeUrl).toBe(first.body.codeUrl);
    expect(t.wxpay.ledger().transactions.filter((x) => x.out_trade_no.startsWith(order.orderNo))).toHaveLength(1);
    expect(wxTxn(first.body.outTradeNo)).toMatchObject({ trade_type: 'NATIVE', trade_state: 'NOTPAY' });
    expect((await options(order.orderNo, 'h5-desktop')).body.open).toEqual({ channel: 'wechat', method: 'native', outTradeNo: first.body.outTradeNo });

    // The buyer scans and pays; WeChat delivers the notify twice.
    await sim(t.wxpay.url, '/__sim/wxpay/notify', { duplicates: 1 });
    expect((await sim(t.wxpay.url, '/__sim/wxpay/scan', { code_url: first.body.codeUrl })).status).toBe(200);
    await vi.waitFor(async () => expect((await getOrder(order.orderNo)).state).toBe('deposit_paid'), wait);
    await vi.waitFor(async () => {
      const deliveries = await wxDeliveries();
      expect(deliveries.filter((d) => d.status === 204).length).toBeGreaterThanOrEqual(2);
    }, wait);
    const paid = await getOrder(order.orderNo);
    expect(pays(paid)).toBe(1);
    expect(paid.payments).toEqual([expect.objectContaining({ channel: 'wechat', method: 'native', status: 'paid' })]);
    expect(paid.refunds).toEqual([]);
  });

  it('rejects a notify with a tampered signature and one with another amount', async () => {
    const order = await place();
    const native = (await start(order.orderNo, 'native', 'h5-desktop')).body;
    await sim(t.wxpay.url, '/__sim/wxpay/notify', { tamper: true });
    await sim(t.wxpay.url, '/__sim/wxpay/scan', { code_url: native.codeUrl });
    await vi.waitFor(async () => {
      const deliveries = await wxDeliveries();
      expect(deliveries.at(-1)!.status).toBe(401);
    }, wait);
    expect((await getOrder(order.orderNo)).state).toBe('pending_payment');

    const other = await place();
    const n2 = (await start(other.orderNo, 'native', 'h5-desktop')).body;
    await sim(t.wxpay.url, '/__sim/wxpay/notify', { amountDelta: -499_999 });
    await sim(t.wxpay.url, '/__sim/wxpay/scan', { code_url: n2.codeUrl });
    await vi.waitFor(async () => {
      const deliveries = await wxDeliveries();
      expect(deliveries.at(-1)!.status).toBe(400);
    }, wait);
    const o = await getOrder(other.orderNo);
    expect(o.state).toBe('pending_payment');
    expect(o.payments[0].status).toBe('created');
  });
});

describe('WeChat Pay H5 (mobile browsers)', () => {
  it('sends the payer IP and scene, returns the h5_url with our redirect_url, and the cashier pays it', async () => {
    const order = await place();
    const h5 = await start(order.orderNo, 'h5', 'h5', { 'user-agent': IPHONE });
    expect(h5.status).toBe(200);
    expect(h5.body).toMatchObject({ outTradeNo: `${order.orderNo}H1`, method: 'h5', delivery: 'redirect' });
    const payUrl = new URL(h5.body.payUrl);
    expect(payUrl.pathname).toBe('/cgi-bin/mmpayweb-bin/checkmweb');
    expect(payUrl.searchParams.get('redirect_url')).toBe(`${t.url}/#/pages/order/index?orderNo=${order.orderNo}`);
    const sent = JSON.parse(wxTxn(h5.body.outTradeNo)!.requestBody);
    expect(sent.scene_info).toEqual({ payer_client_ip: expect.stringMatching(/127\.0\.0\.1|::1/), h5_info: { type: 'iOS' } });
    expect(wxTxn(h5.body.outTradeNo)!.trade_type).toBe('MWEB');

    const page = await fetch(payUrl);
    expect(await page.text()).toContain('确认支付');
    const paid = await fetch(payUrl, { method: 'POST', redirect: 'manual' });
    expect(paid.status).toBe(302);
    expect(paid.headers.get('location')).toBe(payUrl.searchParams.get('redirect_url'));
    await vi.waitFor(async () => expect((await getOrder(order.orderNo)).state).toBe('deposit_paid'), wait);
    expect(pays(await getOrder(order.orderNo))).toBe(1);
  });
});

describe('Alipay wap and page pay', () => {
  it('wap: a signed gateway URL; the cashier pays, the notify applies it once, the browser comes back verified', async () => {
    const order = await place();
    const wap = await start(order.orderNo, 'wap', 'h5-mobile');
    expect(wap.status).toBe(200);
    const url = new URL(wap.body.payUrl);
    expect(url.origin + url.pathname).toBe(t.config.ALIPAY_GATEWAY_URL);
    expect(url.searchParams.get('method')).toBe('alipay.trade.wap.pay');
    expect(JSON.parse(url.searchParams.get('biz_content')!)).toMatchObject({ out_trade_no: `${order.orderNo}W1`, total_amount: '5000.00', product_code: 'QUICK_WAP_WAY' });
    const back = await payAtAlipayCashier(wap.body.payUrl);
    expect(back.pathname).toBe('/api/v1/payments/alipay/return');
    expect(back.searchParams.get('method')).toBe('alipay.trade.wap.pay.return');
    await vi.waitFor(async () => expect((await getOrder(order.orderNo)).state).toBe('deposit_paid'), wait);
    const returned = await fetch(back, { redirect: 'manual' });
    expect(returned.status).toBe(302);
    expect(returned.headers.get('location')).toBe(`/#/pages/order/index?orderNo=${order.orderNo}`);
    const paid = await getOrder(order.orderNo);
    expect(pays(paid)).toBe(1);
    expect(paid.payments).toEqual([expect.objectContaining({ channel: 'alipay', method: 'wap', status: 'paid' })]);
  });

  it('page: applies payment only from the query after a verified return, never from a tampered one', async () => {
    const order = await place();
    const page = (await start(order.orderNo, 'page', 'h5-desktop')).body;
    expect(new URL(page.payUrl).searchParams.get('method')).toBe('alipay.trade.page.pay');
    // Open the cashier, then lose the notify: only the return + query can tell us.
    const opened = await fetch(page.payUrl);
    expect(await opened.text()).toContain('电脑网站支付');
    aliTrade(page.outTradeNo)!.notify_url = 'http://127.0.0.1:1/nowhere';
    const back = await payAtAlipayCashier(page.payUrl);
    const tampered = new URL(back);
    tampered.searchParams.set('total_amount', '0.01');
    const refused = await fetch(tampered, { redirect: 'manual' });
    expect(refused.headers.get('location')).toBe(`/#/pages/order/index?orderNo=${order.orderNo}&returned=unverified`);
    expect((await getOrder(order.orderNo)).state).toBe('pending_payment');
    await fetch(back, { redirect: 'manual' });
    expect((await getOrder(order.orderNo)).state).toBe('deposit_paid');
  });

  it('a page-pay notify with another amount is not applied', async () => {
    const order = await place();
    const page = (await start(order.orderNo, 'page', 'h5-desktop')).body;
    await fetch(page.payUrl);
    aliTrade(page.outTradeNo)!.total_amount = '0.01'; // Alipay reports a different amount
    await sim(t.alipay.url, '/__sim/alipay/pay', { out_trade_no: page.outTradeNo });
    const sync = await t.api(`/api/v1/orders/${order.orderNo}/payments/sync`, { method: 'POST', token });
    expect(sync.status).toBe(200);
    // Neither the notify (answered "failure") nor the query applies it.
    await new Promise((r) => setTimeout(r, 500));
    const o = await getOrder(order.orderNo);
    expect(o.state).toBe('pending_payment');
    expect(o.payments[0].status).toBe('created');
  });
});

describe('switching method', () => {
  it('closes the other open trade before starting; coming back starts a fresh trade', async () => {
    const order = await place();
    const native = (await start(order.orderNo, 'native', 'h5-desktop')).body;
    const page = (await start(order.orderNo, 'page', 'h5-desktop')).body;
    expect(page.outTradeNo).toBe(`${order.orderNo}G1`);
    expect(wxTxn(native.outTradeNo)!.trade_state).toBe('CLOSED');
    const back = (await start(order.orderNo, 'native', 'h5-desktop')).body;
    expect(back.outTradeNo).toBe(`${order.orderNo}N2`);
    expect((await getOrder(order.orderNo)).payments.map((p: { outTradeNo: string; status: string }) => [p.outTradeNo.slice(-2), p.status])).toEqual([
      ['N1', 'closed'],
      ['G1', 'closed'],
      ['N2', 'created'],
    ]);
    // The closed QR code can no longer be paid.
    expect((await sim(t.wxpay.url, '/__sim/wxpay/scan', { code_url: native.codeUrl })).status).toBe(400);
  });

  it('once paid, the other open trade is closed so it cannot be paid too', async () => {
    const order = await place();
    // The buyer got an Alipay link, then switched to the QR code: the page trade was never opened
    // at Alipay, so there was nothing to close there ...
    const page = (await start(order.orderNo, 'page', 'h5-desktop')).body;
    const native = (await start(order.orderNo, 'native', 'h5-desktop')).body;
    expect((await getOrder(order.orderNo)).payments.map((p: { status: string }) => p.status)).toEqual(['closed', 'created']);
    // ... and the old link, opened in another tab, still pays: the payment counts, the QR code is closed.
    await payAtAlipayCashier(page.payUrl);
    await vi.waitFor(async () => expect((await getOrder(order.orderNo)).state).toBe('deposit_paid'), wait);
    await vi.waitFor(() => expect(wxTxn(native.outTradeNo)!.trade_state).toBe('CLOSED'), wait);
  });
});

describe('backup channel while WeChat Pay is down', () => {
  it('offers Alipay instead of a 503 and the order is paid once', async () => {
    const order = await place();
    await breakWechat(order.orderNo);
    const opts = (await options(order.orderNo, 'h5-desktop')).body;
    expect(opts).toMatchObject({ backup: true, notice: '微信支付暂时不可用，请使用支付宝支付' });
    expect(opts.methods.find((m: { method: string }) => m.method === 'native')).toMatchObject({ available: false, reason: '微信支付暂时不可用，请使用支付宝支付' });
    expect(opts.methods.find((m: { method: string }) => m.method === 'page')).toMatchObject({ available: true });
    const refused = await start(order.orderNo, 'native', 'h5-desktop');
    expect(refused.status).toBe(503);
    expect(refused.body.error.details.backup).toEqual([{ channel: 'alipay', method: 'page' }]);

    // In the WeChat mini-program Alipay cannot run: the wap link to copy is offered.
    const weapp = (await options(order.orderNo, 'weapp')).body;
    expect(weapp.methods.find((m: { method: string }) => m.method === 'wap')).toMatchObject({ delivery: 'link', backup: true, available: true });
    expect(weapp.backup).toBe(true);

    const page = await start(order.orderNo, 'page', 'h5-desktop');
    expect(page.status).toBe(200);
    await payAtAlipayCashier(page.body.payUrl);
    await vi.waitFor(async () => expect((await getOrder(order.orderNo)).state).toBe('deposit_paid'), wait);
    expect(pays(await getOrder(order.orderNo))).toBe(1);
    await healWechat();
    expect((await options(order.orderNo, 'h5-desktop')).body.backup).toBe(false);
  });

  it('a QR code left open during the outage and paid after the Alipay payment is refunded automatically', async () => {
    const order = await place();
    const native = (await start(order.orderNo, 'native', 'h5-desktop')).body;
    await breakWechat(order.orderNo);
    // Switching cannot close the WeChat trade (WeChat is down): it stays open.
    const page = (await start(order.orderNo, 'page', 'h5-desktop')).body;
    await payAtAlipayCashier(page.payUrl);
    await vi.waitFor(async () => expect((await getOrder(order.orderNo)).state).toBe('deposit_paid'), wait);
    expect(wxTxn(native.outTradeNo)!.trade_state).toBe('NOTPAY');

    await new Promise((r) => setTimeout(r, 900)); // WeChat is back
    expect((await sim(t.wxpay.url, '/__sim/wxpay/scan', { code_url: native.codeUrl })).status).toBe(200);
    await vi.waitFor(async () => {
      const o = await getOrder(order.orderNo);
      expect(o.refunds).toEqual([expect.objectContaining({ outRefundNo: `${native.outTradeNo}R`, amountFen: 500_000, status: 'succeeded', duplicate: true })]);
    }, wait);
    const o = await getOrder(order.orderNo);
    expect(o.state).toBe('deposit_paid');
    expect(pays(o)).toBe(1);
    expect(t.wxpay.ledger().refunds.filter((r) => r.out_trade_no === native.outTradeNo)).toEqual([expect.objectContaining({ status: 'SUCCESS', amount: expect.objectContaining({ refund: 500_000 }) })]);
    // A refund of the order later refunds the payment it stands on (Alipay), not the duplicate again.
    await t.api(`/api/v1/orders/${order.orderNo}/cancel`, { method: 'POST', token });
    await vi.waitFor(async () => expect((await getOrder(order.orderNo)).state).toBe('refunded'), wait);
    expect(aliTrade(page.outTradeNo)!.refunds).toEqual([{ out_request_no: `${order.orderNo}R1`, refund_amount: '5000.00' }]);
  });
});

describe('reconciliation covers every channel and method', () => {
  it("matches Native and H5 payments in WeChat's bill and checks each Alipay payment by a query", async () => {
    await t.login('oWebReconOperator'); // signs up
    await t.conn.collection('users').updateOne({ wechatOpenId: 'oWebReconOperator' }, { $set: { roles: ['operator'] } });
    const operator = (await t.login('oWebReconOperator')).token; // roles are read at login

    const a = await place();
    const native = (await start(a.orderNo, 'native', 'h5-desktop')).body;
    await sim(t.wxpay.url, '/__sim/wxpay/scan', { code_url: native.codeUrl });
    const b = await place();
    const wap = (await start(b.orderNo, 'wap', 'h5-mobile')).body;
    await payAtAlipayCashier(wap.payUrl);
    await vi.waitFor(async () => {
      expect((await getOrder(a.orderNo)).state).toBe('deposit_paid');
      expect((await getOrder(b.orderNo)).state).toBe('deposit_paid');
    }, wait);

    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const run = async () => {
      const r = await t.api('/api/v1/admin/reconciliation/runs', { method: 'POST', json: { date: today }, token: operator });
      expect(r.status).toBe(201);
      return r.body;
    };
    const ours = (m: { outTradeNo?: string }) => m.outTradeNo === native.outTradeNo || m.outTradeNo === wap.outTradeNo;
    const first = await run();
    expect(first.mismatches.filter(ours)).toEqual([]);
    expect(first.alipay.checked).toBeGreaterThanOrEqual(1);
    expect(first.alipay.matched).toBe(first.alipay.checked - first.mismatches.filter((m: { channel?: string }) => m.channel === 'alipay').length);

    // Alipay no longer has the wap payment as paid: the next run says so.
    aliTrade(wap.outTradeNo)!.trade_status = 'WAIT_BUYER_PAY';
    const second = await run();
    expect(second.mismatches.filter(ours)).toEqual([expect.objectContaining({ kind: 'missing_remote', channel: 'alipay', outTradeNo: wap.outTradeNo, orderNo: b.orderNo, ourFen: 500_000 })]);
    aliTrade(wap.outTradeNo)!.trade_status = 'TRADE_SUCCESS';
  });
});
