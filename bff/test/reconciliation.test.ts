import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createQueueConnection } from '../src/infra/redis';
import { DAILY_PATTERN, DAILY_SCHEDULER_ID, DAILY_TZ, RECONCILIATION_QUEUE } from '../src/jobs/reconciliation-jobs';
import { parseTradeBill, yuanToFen } from '../src/modules/reconciliation/bill';
import { previousShanghaiDate, shanghaiDate } from '../src/modules/reconciliation/service';
import { startTestApp } from './helpers';

const t = await startTestApp('reconciliation');
let buyer: string;
let operator: string;
beforeAll(async () => {
  await t.seed();
  buyer = (await t.login('oBuyerRecon')).token;
  await t.login('oOperatorRecon');
  await t.conn.collection('users').updateOne({ wechatOpenId: 'oOperatorRecon' }, { $set: { roles: ['operator'] } });
  operator = (await t.login('oOperatorRecon')).token; // roles are read at login
});
afterAll(() => t.close());

const CAR = { modelCode: 'yuanshan-s5', trimCode: 'S5_520_RWD', selections: ['PAINT_MIST_GREY'] };
const today = () => shanghaiDate(new Date());
const sim = (path: string, body: object) => fetch(`${t.wxpay.url}/__sim/wxpay/${path}`, { method: 'POST', body: JSON.stringify(body) });
const orderOf = async (orderNo: string) => (await t.api(`/api/v1/orders/${orderNo}`, { token: buyer })).body;
const waitForState = (orderNo: string, state: string) => vi.waitFor(async () => expect((await orderOf(orderNo)).state).toBe(state), { timeout: 15_000, interval: 100 });
const runDay = (date: string, token = operator) => t.api('/api/v1/admin/reconciliation/runs', { method: 'POST', json: { date }, token });
const report = (date: string, token = operator) => t.api(`/api/v1/admin/reconciliation/reports/${date}`, { token });

/** An order with its WeChat payment started (out_trade_no known to both sides, not yet paid). */
async function orderAwaitingPayment() {
  const placed = await t.api('/api/v1/orders', { method: 'POST', json: CAR, token: buyer, headers: { 'idempotency-key': randomUUID() } });
  expect(placed.status).toBe(201);
  const pay = await t.api(`/api/v1/orders/${placed.body.orderNo}/payments/wechat`, { method: 'POST', token: buyer });
  expect(pay.status).toBe(200);
  return { orderNo: placed.body.orderNo as string, outTradeNo: pay.body.outTradeNo as string };
}
async function paidOrder() {
  const o = await orderAwaitingPayment();
  await sim('pay', { out_trade_no: o.outTradeNo });
  await waitForState(o.orderNo, 'deposit_paid');
  return o;
}

describe('the bill parser', () => {
  it('turns yuan into fen exactly, from the digits', () => {
    expect(yuanToFen('5000.00')).toBe(500_000);
    expect(yuanToFen('0.29')).toBe(29); // 0.29 * 100 = 28.999999999999996 in floating point
    expect(yuanToFen('1.1')).toBe(110);
    expect(yuanToFen('12')).toBe(1200);
    expect(yuanToFen('-0.06')).toBe(-6);
    expect(yuanToFen('99999999.99')).toBe(9_999_999_999);
    for (const bad of ['', '1.234', '1,000.00', 'abc', '1e3', '.5']) expect(() => yuanToFen(bad)).toThrow();
  });

  it("reads WeChat's format: backtick fields, payments, refunds, summary; a comma inside a name does not shift columns", () => {
    const header = '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注';
    const text = [
      header,
      '`2026-11-28 10:00:00,`wx1,`1900000109,`0,`,`4200001,`CM2026112800000001P1,`oA,`JSAPI,`SUCCESS,`OTHERS,`CNY,`0.29,`0.00,`0,`0,`0.00,`0.00,`,`,`远山 S5, 意向金,`,`0.00,`0.60%,`0.29,`0.00,`',
      '`2026-11-28 11:00:00,`wx1,`1900000109,`0,`,`4200001,`CM2026112800000001P1,`oA,`JSAPI,`REFUND,`OTHERS,`CNY,`0.00,`0.00,`5030001,`CM2026112800000001R1,`0.29,`0.00,`ORIGINAL,`SUCCESS,`远山 S5,`,`0.00,`0.60%,`0.29,`0.29,`',
      '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额',
      '`2,`0.29,`0.29,`0.00,`0.00,`0.29,`0.29',
    ].join('\r\n');
    const bill = parseTradeBill('\uFEFF' + text);
    expect(bill.payments).toEqual([{ time: '2026-11-28 10:00:00', transactionId: '4200001', outTradeNo: 'CM2026112800000001P1', settledFen: 29, totalFen: 29 }]);
    expect(bill.refunds).toEqual([expect.objectContaining({ outRefundNo: 'CM2026112800000001R1', refundFen: 29, refundStatus: 'SUCCESS' })]);
    expect(bill.summary).toEqual({ count: 2, settledFen: 29, refundFen: 29, feeFen: 0 });
    expect(() => parseTradeBill('a,b,c\n`1,`2')).toThrow(/header/);
  });
});

describe('daily reconciliation with the WeChat Pay bill', () => {
  it('needs an operator: 401 without a session, 403 for a buyer', async () => {
    expect((await t.api('/api/v1/admin/reconciliation/runs', { method: 'POST', json: { date: today() } })).status).toBe(401);
    const asBuyer = await runDay(today(), buyer);
    expect(asBuyer.status).toBe(403);
    expect(asBuyer.body.error.code).toBe('FORBIDDEN');
    expect((await report(today(), buyer)).status).toBe(403);
    expect((await runDay('2026-02-30')).status).toBe(400);
    expect((await runDay('2999-01-01')).status).toBe(400);
  });

  it('a day without any transaction reconciles balanced (WeChat answers NO_STATEMENT_EXIST)', async () => {
    const quiet = shanghaiDate(new Date(Date.now() - 10 * 86_400_000));
    const res = await runDay(quiet);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ date: quiet, status: 'balanced', runs: 1, partialDay: false, bill: { available: false, payments: 0 }, mismatches: [] });
  });

  it('a clean day: payments and a refund on both sides, zero mismatches', async () => {
    const a = await paidOrder();
    const b = await paidOrder();
    // b is refunded: WeChat's bill has the payment and the refund, and so do we.
    await t.api(`/api/v1/orders/${b.orderNo}/cancel`, { method: 'POST', token: buyer });
    await waitForState(b.orderNo, 'refunded');
    await orderAwaitingPayment(); // started, never paid: in neither book

    const res = await runDay(today());
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      date: today(),
      status: 'balanced',
      partialDay: true,
      trigger: { kind: 'operator' },
      bill: { available: true, payments: 2, paidFen: 1_000_000, refunds: 1, refundedFen: 500_000 },
      ours: { payments: 2, paidFen: 1_000_000, refunds: 1, refundedFen: 500_000 },
      matched: { payments: 2, refunds: 1 },
      mismatches: [],
    });
    expect(res.body.bill.feeFen).toBe(3000 + 3000 - 3000); // 0.6% of each payment, given back with the refund
    expect((await report(today())).body).toEqual(res.body);
    expect(a.orderNo).toBeTruthy();
  });

  it('re-running a day replaces its report: one report per date', async () => {
    const first = (await report(today())).body;
    const again = await runDay(today());
    expect(again.status).toBe(201);
    expect(again.body.runs).toBe(first.runs + 1);
    expect(new Date(again.body.generatedAt).getTime()).toBeGreaterThanOrEqual(new Date(first.generatedAt).getTime());
    expect(await t.conn.collection('reconciliation_reports').countDocuments({ date: today() })).toBe(1);
    // Concurrent runs of one day: one at a time (the other waits or is told to retry), still one report.
    const both = await Promise.all([runDay(today()), runDay(today())]);
    expect(both.map((r) => r.status).every((s) => s === 201 || s === 409)).toBe(true);
    expect(await t.conn.collection('reconciliation_reports').countDocuments({ date: today() })).toBe(1);
  });

  it('a payment only WeChat knows (its notify never reached us) is reported, confirmed by a query and applied', async () => {
    const o = await orderAwaitingPayment();
    await sim('notify', { tamper: true }); // the notify fails verification and WeChat gives up: we never hear of it
    await sim('pay', { out_trade_no: o.outTradeNo });
    await new Promise((r) => setTimeout(r, 300));
    expect((await orderOf(o.orderNo)).state).toBe('pending_payment');

    const res = await runDay(today());
    expect(res.body.status).toBe('mismatched');
    const m = res.body.mismatches.find((x: any) => x.outTradeNo === o.outTradeNo);
    expect(m).toMatchObject({ kind: 'missing_local', orderNo: o.orderNo, billFen: 500_000, ourFen: 500_000, resolution: 'applied', transactionId: expect.stringMatching(/^4200/) });
    const order = await orderOf(o.orderNo);
    expect(order.state).toBe('deposit_paid');
    expect(order.payments[0]).toMatchObject({ status: 'paid', paidAt: expect.any(String) });
    expect(order.timeline.filter((e: any) => e.event === 'pay')).toHaveLength(1);

    // Applied once: the next run finds both books agree.
    const again = await runDay(today());
    expect(again.body.mismatches.filter((x: any) => x.outTradeNo === o.outTradeNo)).toEqual([]);
    expect(again.body.status).toBe('balanced');
    expect((await orderOf(o.orderNo)).timeline.filter((e: any) => e.event === 'pay')).toHaveLength(1);
  });

  it('reports an amount mismatch, a payment missing from the bill, and a trade we never had', async () => {
    const differs = await paidOrder();
    const missing = await paidOrder();
    await sim('bill', { amounts: { [differs.outTradeNo]: 499_900 }, omit: [missing.outTradeNo], extra: [{ out_trade_no: 'OFFLINE20261128', total: 12_34 }] });
    const res = await runDay(today());
    expect(res.body.status).toBe('mismatched');
    const find = (no: string) => res.body.mismatches.filter((x: any) => x.outTradeNo === no);
    expect(find(differs.outTradeNo)).toEqual([expect.objectContaining({ kind: 'amount_mismatch', orderNo: differs.orderNo, billFen: 499_900, ourFen: 500_000 })]);
    expect(find(missing.outTradeNo)).toEqual([expect.objectContaining({ kind: 'missing_remote', orderNo: missing.orderNo, ourFen: 500_000 })]);
    expect(find('OFFLINE20261128')).toEqual([expect.objectContaining({ kind: 'unknown_trade', billFen: 12_34 })]);
    expect((await report(today())).body.mismatches).toHaveLength(3);
    expect(await t.conn.collection('reconciliation_reports').countDocuments({ date: today() })).toBe(1);
    // A payment we have not applied and whose bill amount differs from ours is not applied.
    const o = await orderAwaitingPayment();
    await sim('notify', { tamper: true });
    await sim('pay', { out_trade_no: o.outTradeNo });
    await sim('bill', { amounts: { [o.outTradeNo]: 1 } });
    const res2 = await runDay(today());
    expect(res2.body.mismatches.find((x: any) => x.outTradeNo === o.outTradeNo)).toMatchObject({ kind: 'amount_mismatch', resolution: 'not_applied', billFen: 1, ourFen: 500_000 });
    expect((await orderOf(o.orderNo)).state).toBe('pending_payment');
    await sim('bill', { reset: true });
  });

  it('reports refund mismatches', async () => {
    const r = await paidOrder();
    await t.api(`/api/v1/orders/${r.orderNo}/cancel`, { method: 'POST', token: buyer });
    await waitForState(r.orderNo, 'refunded');
    const outRefundNo = (await t.conn.collection('orders').findOne({ orderNo: r.orderNo }))!.refunds[0].outRefundNo;
    await sim('bill', { refundAmounts: { [outRefundNo]: 100 } });
    const res = await runDay(today());
    expect(res.body.mismatches.filter((x: any) => x.outRefundNo === outRefundNo)).toEqual([
      expect.objectContaining({ kind: 'refund_amount_mismatch', orderNo: r.orderNo, billFen: 100, ourFen: 500_000 }),
    ]);
    await sim('bill', { reset: true, omitRefunds: [outRefundNo] });
    const res2 = await runDay(today());
    expect(res2.body.mismatches.filter((x: any) => x.outRefundNo === outRefundNo)).toEqual([expect.objectContaining({ kind: 'refund_missing_remote' })]);
    await sim('bill', { reset: true });
  });

  it('answers 404 for a day never reconciled, and 503 while WeChat Pay is down', async () => {
    expect((await report('2020-01-01')).status).toBe(404);
    await sim('fail', { times: 20, status: 500, code: 'SYSTEM_ERROR', path: '/v3/bill' });
    const down = await runDay(today());
    expect(down.status).toBe(503);
    expect(down.body.error.code).toBe('UPSTREAM_UNAVAILABLE');
    await sim('fail', { times: 0, status: 500, code: 'SYSTEM_ERROR' });
  });

  it('runs as a BullMQ job: a daily scheduler at 10:00 Asia/Shanghai for the previous day, and on demand', async () => {
    const queue = new Queue(RECONCILIATION_QUEUE, { connection: createQueueConnection(t.config.REDIS_URL), prefix: `${t.config.REDIS_KEY_PREFIX}bull` });
    try {
      await vi.waitFor(async () => {
        const schedulers = await queue.getJobSchedulers();
        expect(schedulers).toEqual([expect.objectContaining({ key: DAILY_SCHEDULER_ID, pattern: DAILY_PATTERN, tz: DAILY_TZ })]);
      });
      const next = (await queue.getJobSchedulers())[0].next!;
      expect(new Date(next + 8 * 3600_000).toISOString().slice(11, 16)).toBe('10:00'); // 10:00 in Shanghai
      expect(previousShanghaiDate(new Date('2026-11-28T02:00:00Z'))).toBe('2026-11-27'); // 10:00 Shanghai on the 28th
      const before = (await report(today())).body.runs;
      const job = await queue.add('reconcile-day', { date: today() });
      await vi.waitFor(async () => expect((await report(today())).body).toMatchObject({ runs: before + 1, trigger: { kind: 'schedule' } }), { timeout: 15_000, interval: 100 });
      expect(await job.getState()).toBe('completed');
    } finally {
      await queue.close();
    }
  });
});
