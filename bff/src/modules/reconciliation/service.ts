import type { Connection } from 'mongoose';
import { AppError, notFound } from '../../infra/errors';
import type { Locks } from '../../infra/lock';
import type { Logger } from '../../infra/logger';
import type { OrderDoc, OrderService } from '../orders/service';
import type { PaymentService } from '../payments/service';
import type { WechatPayClient } from '../payments/wechatpay';
import { BillFormatError, parseTradeBill, type TradeBill } from './bill';
import { reconciliationReportModel, type Mismatch, type ReconciliationReportDoc } from './model';

const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3600_000; // China has no daylight saving time

/** The Asia/Shanghai calendar date of an instant: "2026-11-28". */
export function shanghaiDate(at: Date): string {
  return new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}
/** [start, end) of an Asia/Shanghai day, in UTC instants. */
export function shanghaiDay(date: string): { start: Date; end: Date } {
  const start = new Date(`${date}T00:00:00+08:00`);
  return { start, end: new Date(start.getTime() + DAY_MS) };
}
/** Yesterday in Asia/Shanghai: the day the 10:00 job reconciles. */
export const previousShanghaiDate = (now = new Date()) => shanghaiDate(new Date(now.getTime() - DAY_MS));

const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`; // for messages only; amounts are compared in fen
const inDay = (at: Date | undefined, day: { start: Date; end: Date }) => !!at && new Date(at) >= day.start && new Date(at) < day.end;

type Trigger = ReconciliationReportDoc['trigger'];

/**
 * Daily reconciliation of our WeChat payments (JSAPI, Native, H5 alike) against WeChat Pay's trade bill,
 * and of our Alipay payments paid that day by a trade query each. For one
 * Asia/Shanghai day it downloads the bill (hash-checked), loads our payments paid and refunds
 * succeeded that day, matches them by out_trade_no / out_refund_no and records every difference.
 * A payment WeChat has as SUCCESS that we never applied (the notify was lost) is applied — after
 * a query to WeChat confirms it and the amount is ours — through PaymentService.applyPaid, the
 * same path as a notify. The report of a day is upserted by date, so re-running is idempotent.
 */
export class ReconciliationService {
  constructor(
    private readonly conn: Connection,
    private readonly orders: OrderService,
    private readonly payments: PaymentService,
    private readonly wechat: WechatPayClient | null,
    private readonly locks: Locks,
    private readonly logger: Logger,
  ) {}

  get Reports() {
    return reconciliationReportModel(this.conn);
  }

  async get(date: string) {
    const report = await this.Reports.findOne({ date }).lean<ReconciliationReportDoc>();
    if (!report) throw notFound('对账报告', { date });
    return presentReport(report);
  }

  async run(date: string, trigger: Trigger) {
    if (!this.wechat) throw new AppError(503, 'PAYMENT_NOT_CONFIGURED', '支付暂未开通');
    const today = shanghaiDate(new Date());
    if (date > today) throw new AppError(400, 'VALIDATION_FAILED', '对账日期不能晚于今天', { date });
    // One run of a day at a time; a second one answers 409 REQUEST_IN_PROGRESS.
    const report = await this.locks.withLock(`reconciliation:${date}`, () => this.reconcile(this.wechat!, date, trigger, date === today), { ttlMs: 5 * 60_000, waitMs: 2_000 });
    return presentReport(report);
  }

  private async reconcile(wechat: WechatPayClient, date: string, trigger: Trigger, partialDay: boolean): Promise<ReconciliationReportDoc> {
    const text = await wechat.tradeBill(date);
    let bill: TradeBill;
    try {
      bill = text === null ? { payments: [], refunds: [], other: [], summary: null } : parseTradeBill(text);
    } catch (err) {
      if (err instanceof BillFormatError) throw new AppError(502, 'UPSTREAM_UNAVAILABLE', '微信支付账单格式无法识别', { reason: err.message });
      throw err;
    }

    const day = shanghaiDay(date);
    // Orders with a payment paid or a refund succeeded that day.
    const touched = await this.orders.listMoneyMovedBetween(day.start, day.end);
    const ourPaid = new Map<string, { order: OrderDoc; payment: OrderDoc['payments'][number] }>();
    const ourRefunds = new Map<string, { order: OrderDoc; refund: OrderDoc['refunds'][number] }>();
    for (const order of touched) {
      for (const p of order.payments) if (p.channel === 'wechat' && p.status === 'paid' && inDay(p.paidAt, day)) ourPaid.set(p.outTradeNo, { order, payment: p });
      for (const r of order.refunds) {
        const channel = order.payments.find((p) => p.outTradeNo === r.outTradeNo)?.channel;
        if (channel === 'wechat' && r.status === 'succeeded' && inDay(r.succeededAt, day)) ourRefunds.set(r.outRefundNo, { order, refund: r });
      }
    }

    const mismatches: Mismatch[] = [];
    const matched = { payments: 0, refunds: 0 };

    // ---- payments ----
    const billPaid = new Map(bill.payments.map((row) => [row.outTradeNo, row]));
    const notOurs = bill.payments.filter((row) => !ourPaid.has(row.outTradeNo));
    const others = notOurs.length
      ? await this.orders.findByOutTradeNos(notOurs.map((r) => r.outTradeNo))
      : [];
    for (const row of notOurs) {
      const order = others.find((o) => o.payments.some((p) => p.outTradeNo === row.outTradeNo));
      const payment = order?.payments.find((p) => p.outTradeNo === row.outTradeNo);
      const base = { outTradeNo: row.outTradeNo, transactionId: row.transactionId, billFen: row.settledFen };
      if (!order || !payment) {
        mismatches.push({ kind: 'unknown_trade', ...base, message: `微信支付有一笔 ${yuan(row.settledFen)} 的交易，我们没有这个商户订单号` });
        continue;
      }
      const ref = { ...base, orderNo: order.orderNo, ourFen: payment.amountFen };
      if (payment.amountFen !== row.settledFen) {
        mismatches.push({ kind: 'amount_mismatch', ...ref, message: `金额不一致：微信支付 ${yuan(row.settledFen)}，我们 ${yuan(payment.amountFen)}`, ...(payment.status !== 'paid' ? { resolution: 'not_applied', resolutionNote: '金额不一致，未入账，需人工处理' } : {}) });
        continue;
      }
      if (payment.status === 'paid') {
        mismatches.push({ kind: 'paid_date_mismatch', ...ref, message: `支付日期不一致：我们记录的支付时间为 ${payment.paidAt ? new Date(payment.paidAt).toISOString() : '无'}` });
        continue;
      }
      mismatches.push(await this.applyMissing(wechat, order, payment, ref));
    }
    for (const [outTradeNo, { order, payment }] of ourPaid) {
      const row = billPaid.get(outTradeNo);
      const ref = { outTradeNo, orderNo: order.orderNo, transactionId: payment.transactionId, ourFen: payment.amountFen };
      if (!row) mismatches.push({ kind: 'missing_remote', ...ref, message: `我们记录已支付 ${yuan(payment.amountFen)}，微信支付账单中没有这笔交易` });
      else if (row.settledFen !== payment.amountFen) mismatches.push({ kind: 'amount_mismatch', ...ref, billFen: row.settledFen, message: `金额不一致：微信支付 ${yuan(row.settledFen)}，我们 ${yuan(payment.amountFen)}` });
      else matched.payments += 1;
    }

    // ---- refunds ----
    const billRefunds = new Map(bill.refunds.map((row) => [row.outRefundNo, row]));
    const unknownRefunds = bill.refunds.filter((row) => !ourRefunds.has(row.outRefundNo));
    const refundOrders = unknownRefunds.length
      ? await this.orders.findByOutRefundNos(unknownRefunds.map((r) => r.outRefundNo))
      : [];
    for (const row of unknownRefunds) {
      const order = refundOrders.find((o) => o.refunds.some((r) => r.outRefundNo === row.outRefundNo));
      const refund = order?.refunds.find((r) => r.outRefundNo === row.outRefundNo);
      const base = { outTradeNo: row.outTradeNo, outRefundNo: row.outRefundNo, billFen: row.refundFen, ...(order ? { orderNo: order.orderNo, ourFen: refund!.amountFen } : {}) };
      if (refund && refund.amountFen !== row.refundFen) mismatches.push({ kind: 'refund_amount_mismatch', ...base, message: `退款金额不一致：微信支付 ${yuan(row.refundFen)}，我们 ${yuan(refund.amountFen)}` });
      else if (refund?.status === 'succeeded') mismatches.push({ kind: 'refund_date_mismatch', ...base, message: '退款日期不一致' });
      else mismatches.push({ kind: 'refund_missing_local', ...base, message: refund ? `微信支付已退款 ${yuan(row.refundFen)}，我们尚未收到退款成功通知` : `微信支付有一笔 ${yuan(row.refundFen)} 的退款，我们没有这个退款单号` });
    }
    for (const [outRefundNo, { order, refund }] of ourRefunds) {
      const row = billRefunds.get(outRefundNo);
      const ref = { outTradeNo: refund.outTradeNo, outRefundNo, orderNo: order.orderNo, ourFen: refund.amountFen };
      if (!row) mismatches.push({ kind: 'refund_missing_remote', ...ref, message: `我们记录已退款 ${yuan(refund.amountFen)}，微信支付账单中没有这笔退款` });
      else if (row.refundFen !== refund.amountFen) mismatches.push({ kind: 'refund_amount_mismatch', ...ref, billFen: row.refundFen, message: `退款金额不一致：微信支付 ${yuan(row.refundFen)}，我们 ${yuan(refund.amountFen)}` });
      else matched.refunds += 1;
    }

    // ---- Alipay: each payment of ours paid that day, confirmed by a trade query ----
    const alipay = { checked: 0, matched: 0, paidFen: 0 };
    for (const order of touched) {
      for (const p of order.payments.filter((x) => x.channel === 'alipay' && x.status === 'paid' && inDay(x.paidAt, day))) {
        alipay.checked += 1;
        alipay.paidFen += p.amountFen;
        const ref = { channel: 'alipay' as const, outTradeNo: p.outTradeNo, orderNo: order.orderNo, transactionId: p.transactionId, ourFen: p.amountFen };
        const remote = await this.payments.queryPayment(p).catch((err: Error) => err);
        if (remote instanceof Error) mismatches.push({ kind: 'query_failed', ...ref, message: `支付宝查单失败：${remote.message}，下次对账将重试` });
        else if (!remote?.paid) mismatches.push({ kind: 'missing_remote', ...ref, message: `我们记录已支付 ${yuan(p.amountFen)}，支付宝查单为${remote ? '未支付' : '交易不存在'}` });
        else if (remote.amountFen !== p.amountFen) mismatches.push({ kind: 'amount_mismatch', ...ref, billFen: remote.amountFen ?? undefined, message: `金额不一致：支付宝 ${remote.amountFen === null ? '未知' : yuan(remote.amountFen)}，我们 ${yuan(p.amountFen)}` });
        else alipay.matched += 1;
      }
    }

    // ---- the bill's own totals ----
    const billPaidFen = bill.payments.reduce((s, r) => s + r.settledFen, 0);
    const billRefundedFen = bill.refunds.reduce((s, r) => s + r.refundFen, 0);
    const rowCount = bill.payments.length + bill.refunds.length + bill.other.length;
    if (bill.summary && (bill.summary.count !== rowCount || bill.summary.settledFen !== billPaidFen || bill.summary.refundFen !== billRefundedFen)) {
      mismatches.push({ kind: 'bill_summary_mismatch', billFen: bill.summary.settledFen, ourFen: billPaidFen, message: `账单汇总与明细不符：汇总 ${bill.summary.count} 笔，明细 ${rowCount} 笔` });
    }

    const ourValues = [...ourPaid.values()];
    const ourRefundValues = [...ourRefunds.values()];
    const report: ReconciliationReportDoc = {
      date,
      status: mismatches.length ? 'mismatched' : 'balanced',
      partialDay,
      generatedAt: new Date(),
      trigger,
      runs: 0,
      bill: { available: text !== null, payments: bill.payments.length, paidFen: billPaidFen, refunds: bill.refunds.length, refundedFen: billRefundedFen, feeFen: bill.summary?.feeFen ?? 0 },
      ours: {
        payments: ourValues.length,
        paidFen: ourValues.reduce((s, x) => s + x.payment.amountFen, 0),
        refunds: ourRefundValues.length,
        refundedFen: ourRefundValues.reduce((s, x) => s + x.refund.amountFen, 0),
      },
      matched,
      alipay,
      mismatches,
    };
    if (mismatches.length) this.logger.warn({ date, mismatches: mismatches.map((m) => ({ kind: m.kind, outTradeNo: m.outTradeNo, outRefundNo: m.outRefundNo })) }, 'reconciliation found mismatches');
    else this.logger.info({ date, payments: matched.payments, refunds: matched.refunds }, 'reconciliation balanced');
    return this.save(report);
  }

  /** WeChat's bill has a payment we never applied: confirm by a query, then apply it like its notify would have. */
  private async applyMissing(wechat: WechatPayClient, order: OrderDoc, payment: OrderDoc['payments'][number], ref: Omit<Mismatch, 'kind' | 'message'>): Promise<Mismatch> {
    const mismatch: Mismatch = { kind: 'missing_local', ...ref, message: `微信支付已收款 ${yuan(payment.amountFen)}，我们未收到支付通知` };
    try {
      const remote = await wechat.queryByOutTradeNo(payment.outTradeNo);
      if (remote?.trade_state !== 'SUCCESS' || remote.amount.total !== payment.amountFen) {
        return { ...mismatch, resolution: 'not_applied', resolutionNote: `查单结果 ${remote?.trade_state ?? '订单不存在'}${remote && remote.amount.total !== payment.amountFen ? `，金额 ${yuan(remote.amount.total)}` : ''}，未入账，需人工处理` };
      }
      const after = await this.payments.applyPaid(order, payment.outTradeNo, remote.transaction_id ?? '', remote.success_time ? new Date(remote.success_time) : new Date());
      this.logger.warn({ orderNo: order.orderNo, outTradeNo: payment.outTradeNo, state: after.state }, 'reconciliation applied a payment whose notify never arrived');
      return { ...mismatch, transactionId: remote.transaction_id ?? ref.transactionId, resolution: 'applied', resolutionNote: `查单确认已支付，已入账，订单状态 ${after.state}` };
    } catch (err) {
      this.logger.error({ err: (err as Error).message, outTradeNo: payment.outTradeNo }, 'reconciliation could not apply a missing payment');
      return { ...mismatch, resolution: 'not_applied', resolutionNote: `入账失败：${(err as Error).message}，下次对账将重试` };
    }
  }

  /** Replace the day's report (upsert by the unique date; a concurrent first insert loses with E11000 and is retried once). */
  private async save(report: ReconciliationReportDoc): Promise<ReconciliationReportDoc> {
    const { runs: _runs, ...fields } = report;
    const upsert = () =>
      this.Reports.findOneAndUpdate({ date: report.date }, { $set: fields, $inc: { runs: 1 } }, { upsert: true, new: true }).lean<ReconciliationReportDoc>();
    try {
      return (await upsert())!;
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
      return (await upsert())!;
    }
  }
}

export function presentReport(r: ReconciliationReportDoc) {
  return {
    date: r.date,
    status: r.status,
    partialDay: r.partialDay,
    generatedAt: new Date(r.generatedAt).toISOString(),
    trigger: r.trigger,
    runs: r.runs,
    bill: r.bill,
    ours: r.ours,
    matched: r.matched,
    alipay: r.alipay ?? null,
    mismatches: r.mismatches,
  };
}
