import type { Connection } from 'mongoose';
import { AppError } from '../../infra/errors';
import type { Logger } from '../../infra/logger';
import type { InventoryService } from '../inventory/service';
import type { OrderDoc, OrderService } from '../orders/service';
import { WechatSignatureError, type WechatPayClient } from './wechatpay';
import { yuanStringToFen, type AlipayClient } from './alipay';
import { shippingInfoOutboxEntry } from '../orders/outbox';

/** What a provider says about one of our payments. */
interface RemoteTrade {
  paid: boolean;
  transactionId: string;
  paidAt: Date;
}

interface NotifyHeaders {
  timestamp?: string;
  nonce?: string;
  signature?: string;
  serial?: string;
}

/** What the notify endpoint answers: WeChat retries anything but 2xx. */
export type NotifyOutcome = { status: 204 } | { status: 400 | 401 | 404 | 500; code: string; message: string };

/**
 * Money in and out for orders, through WeChat Pay. The rules that keep it right:
 * a payment record is written before WeChat is asked (so a notify can never arrive for an unknown
 * payment); every notify is verified on its raw body, decrypted, and checked against our amount;
 * applying a payment is a conditional update (duplicates are no-ops); and when a payment races the
 * unpaid-timeout, the payment wins.
 */
export class PaymentService {
  constructor(
    private readonly conn: Connection,
    private readonly wechat: WechatPayClient | null,
    private readonly orders: OrderService,
    private readonly inventory: InventoryService,
    /** UserService.channelAccountOf: the buyer's WeChat openid / Alipay user id. */
    private readonly channelAccountOf: (userId: string) => Promise<{ wechatOpenId?: string; alipayUserId?: string } | null>,
    private readonly logger: Logger,
    private readonly appid: string,
    private readonly mchid: string,
    private readonly alipay: AlipayClient | null = null,
    private readonly alipayAppId = '',
  ) {}

  private client(): WechatPayClient {
    if (!this.wechat) throw new AppError(503, 'PAYMENT_NOT_CONFIGURED', '支付暂未开通');
    return this.wechat;
  }

  private alipayClient(): AlipayClient {
    if (!this.alipay) throw new AppError(503, 'PAYMENT_NOT_CONFIGURED', '支付宝支付暂未开通');
    return this.alipay;
  }

  /** Ask the payment's own provider whether it was paid. Null when the provider has no such trade. */
  private async queryRemote(p: OrderDoc['payments'][number]): Promise<RemoteTrade | null> {
    if (p.channel === 'alipay') {
      const t = await this.alipayClient().query(p.outTradeNo);
      if (!t) return null;
      const paid = t.trade_status === 'TRADE_SUCCESS' || t.trade_status === 'TRADE_FINISHED';
      return { paid, transactionId: t.trade_no, paidAt: t.send_pay_date ? new Date(`${t.send_pay_date.replace(' ', 'T')}+08:00`) : new Date() };
    }
    const t = await this.client().queryByOutTradeNo(p.outTradeNo);
    if (!t) return null;
    return { paid: t.trade_state === 'SUCCESS', transactionId: t.transaction_id ?? '', paidAt: new Date(t.success_time ?? Date.now()) };
  }

  private closeRemote(p: OrderDoc['payments'][number]) {
    return p.channel === 'alipay' ? this.alipayClient().close(p.outTradeNo) : this.client().close(p.outTradeNo);
  }

  /** Start (or resume) paying an order's deposit in the Alipay mini-program: returns the tradeNO for my.tradePay. */
  async payWithAlipay(buyerId: string, orderNo: string) {
    const alipay = this.alipayClient();
    const { order, outTradeNo, account, subject } = await this.preparePayment(buyerId, orderNo, 'alipay');
    const minutes = Math.max(1, Math.floor((new Date(order.paymentDeadline).getTime() - Date.now()) / 60_000));
    const { tradeNo } = await alipay.createTrade({ outTradeNo, totalFen: order.depositFen, subject, buyerId: account, timeoutExpress: `${minutes}m` });
    return { orderNo: order.orderNo, outTradeNo, amountFen: order.depositFen, tradeNO: tradeNo };
  }

  /**
   * "Did my payment go through?" — for clients whose payment result is unknown (Alipay result
   * codes 8000/6004, a WeChat requestPayment that returned nothing): ask the providers now
   * instead of waiting for their notify, and apply what they confirm.
   */
  async syncPayments(buyerId: string, orderNo: string): Promise<OrderDoc> {
    const order = await this.orders.getOwned(buyerId, orderNo);
    if (order.state !== 'pending_payment' && order.state !== 'cancelled') return order;
    for (const p of order.payments.filter((x) => x.status !== 'paid')) {
      const remote = await this.queryRemote(p);
      if (remote?.paid) return this.applyPaid(order, p.outTradeNo, remote.transactionId, remote.paidAt);
    }
    return this.expireIfDue(order);
  }

  /**
   * Alipay's async notify (form post). Answers "success" once handled, anything else makes Alipay
   * retry; `unverified` (answered "failure") when the signature does not verify, so the route can count it.
   */
  async handleAlipayNotify(params: Record<string, string>): Promise<'success' | 'failure' | 'unverified'> {
    const alipay = this.alipayClient();
    if (!alipay.verifyNotify(params)) {
      this.logger.warn('rejected an Alipay notify with a bad signature');
      return 'unverified';
    }
    if (params.app_id !== this.alipayAppId) return 'failure';
    if (params.trade_status !== 'TRADE_SUCCESS' && params.trade_status !== 'TRADE_FINISHED') return 'success'; // nothing to apply
    const order = await this.orders.findByOutTradeNo(params.out_trade_no);
    if (!order) return 'failure';
    const payment = order.payments.find((p) => p.outTradeNo === params.out_trade_no)!;
    if (yuanStringToFen(params.total_amount ?? '') !== payment.amountFen) {
      this.logger.error({ orderNo: order.orderNo, expected: payment.amountFen, got: params.total_amount }, 'Alipay notify amount mismatch: not applied');
      return 'failure';
    }
    const paidAt = params.gmt_payment ? new Date(`${params.gmt_payment.replace(' ', 'T')}+08:00`) : new Date();
    await this.applyPaid(order, payment.outTradeNo, params.trade_no ?? '', paidAt);
    return 'success';
  }

  /**
   * What both channels do before asking their provider: the order must be the buyer's and still
   * awaiting payment, the buyer must have an account on that channel, and the payment record is
   * written first (so a notify can never arrive for an unknown payment). One payment per order and
   * channel: the same out_trade_no every time, so the provider answers a repeat with the same trade.
   */
  private async preparePayment(buyerId: string, orderNo: string, channel: 'wechat' | 'alipay') {
    let order = await this.orders.getOwned(buyerId, orderNo);
    order = await this.expireIfDue(order);
    if (order.state !== 'pending_payment') throw new AppError(409, 'ORDER_STATE_INVALID', order.state === 'cancelled' ? '订单已超时取消，请重新下单' : '订单无需支付');
    const user = await this.channelAccountOf(buyerId);
    const account = channel === 'wechat' ? user?.wechatOpenId : user?.alipayUserId;
    if (!account) throw new AppError(409, 'ORDER_STATE_INVALID', channel === 'wechat' ? '请在微信小程序内支付' : '请在支付宝小程序内支付');
    const outTradeNo = `${order.orderNo}${channel === 'wechat' ? 'P1' : 'A1'}`;
    await this.orders.mutate(order._id, (o) =>
      o.payments.some((p) => p.outTradeNo === outTradeNo)
        ? null
        : { set: { payments: [...o.payments, { outTradeNo, channel, amountFen: o.depositFen, status: 'created', prepayExpiresAt: o.paymentDeadline }] } },
    );
    return { order, outTradeNo, account, subject: `${order.modelName} ${order.trimName} 意向金` };
  }

  /** Start (or resume) the WeChat payment of an order's deposit; returns wx.requestPayment parameters. */
  async payWithWechat(buyerId: string, orderNo: string) {
    const wechat = this.client();
    const { order, outTradeNo, account, subject } = await this.preparePayment(buyerId, orderNo, 'wechat');
    const params = await wechat.jsapiPrepay({ outTradeNo, description: subject, totalFen: order.depositFen, openid: account, attach: order.orderNo, expiresAt: order.paymentDeadline });
    return { orderNo: order.orderNo, outTradeNo, amountFen: order.depositFen, requestPayment: params };
  }

  /** POST /payments/wechat/notify: TRANSACTION.SUCCESS. */
  async handlePaymentNotify(rawBody: string, headers: NotifyHeaders): Promise<NotifyOutcome> {
    const opened = this.open(rawBody, headers);
    if ('status' in opened) return opened;
    const txn = opened.resource as { mchid?: string; appid?: string; out_trade_no?: string; transaction_id?: string; trade_state?: string; amount?: { total?: number }; success_time?: string };
    if (opened.eventType !== 'TRANSACTION.SUCCESS' || txn.trade_state !== 'SUCCESS') return { status: 204 }; // nothing to apply
    if (txn.mchid !== this.mchid || txn.appid !== this.appid) return { status: 400, code: 'FAIL', message: '商户号或 appid 不匹配' };
    const order = await this.orders.findByOutTradeNo(txn.out_trade_no);
    // Our payment record is written before prepay, so "unknown" means not ours (or not yet visible): let WeChat retry.
    if (!order) return { status: 404, code: 'FAIL', message: '订单不存在' };
    const payment = order.payments.find((p) => p.outTradeNo === txn.out_trade_no)!;
    if (txn.amount?.total !== payment.amountFen) {
      this.logger.error({ orderNo: order.orderNo, expected: payment.amountFen, got: txn.amount?.total }, 'payment notify amount mismatch: not applied');
      return { status: 400, code: 'FAIL', message: '金额不一致' };
    }
    await this.applyPaid(order, payment.outTradeNo, txn.transaction_id ?? '', txn.success_time ? new Date(txn.success_time) : new Date());
    return { status: 204 };
  }

  /** POST /payments/wechat/refund-notify: REFUND.SUCCESS. */
  async handleRefundNotify(rawBody: string, headers: NotifyHeaders): Promise<NotifyOutcome> {
    const opened = this.open(rawBody, headers);
    if ('status' in opened) return opened;
    const r = opened.resource as { mchid?: string; out_refund_no?: string; refund_status?: string };
    if (r.mchid !== this.mchid) return { status: 400, code: 'FAIL', message: '商户号不匹配' };
    if (opened.eventType === 'REFUND.SUCCESS' && r.refund_status === 'SUCCESS' && r.out_refund_no) {
      const done = await this.orders.markRefunded(r.out_refund_no);
      if (!done) return { status: 404, code: 'FAIL', message: '退款单不存在' };
    }
    return { status: 204 };
  }

  private open(rawBody: string, headers: NotifyHeaders): { eventType: string; resource: unknown } | NotifyOutcome {
    const wechat = this.client();
    try {
      wechat.verify(headers, rawBody);
    } catch (err) {
      if (err instanceof WechatSignatureError) {
        this.logger.warn({ reason: err.message }, 'rejected a WeChat Pay notify with a bad signature');
        return { status: 401, code: 'FAIL', message: '签名错误' };
      }
      throw err;
    }
    try {
      const envelope = JSON.parse(rawBody) as { event_type: string; resource: { ciphertext: string; associated_data?: string; nonce: string } };
      return { eventType: envelope.event_type, resource: wechat.decrypt(envelope.resource) };
    } catch {
      return { status: 400, code: 'FAIL', message: '通知内容无法解析' };
    }
  }

  /**
   * Mark a payment paid and move the order on. Duplicates change nothing. If the order was
   * cancelled meanwhile (timeout won the race), the payment still wins: the order comes back
   * with its car if the car is still free, otherwise it comes back and is refunded at once.
   */
  async applyPaid(order: OrderDoc, outTradeNo: string, transactionId: string, paidAt: Date): Promise<OrderDoc> {
    // Recorded with the payment, in the same write: WeChat must then get its shipping info (outbox).
    const markPaid = (o: OrderDoc) => ({
      payments: o.payments.map((p) => (p.outTradeNo === outTradeNo ? { ...p, status: 'paid', transactionId, paidAt } : p)),
      ...(o.payments.find((p) => p.outTradeNo === outTradeNo)?.channel === 'wechat' ? { outbox: [...(o.outbox ?? []), shippingInfoOutboxEntry(outTradeNo)] } : {}),
    });
    const notYetPaid = (o: OrderDoc) => o.payments.some((p) => p.outTradeNo === outTradeNo && p.status !== 'paid');
    const paid = await this.orders.transition(order, 'pay', { kind: 'payment' }, { set: markPaid, when: notYetPaid, note: `${order.payments.find((p) => p.outTradeNo === outTradeNo)?.channel === 'alipay' ? '支付宝' : '微信支付'} ${transactionId}` });
    if (paid) {
      await this.scheduleOutbox(paid);
      return paid;
    }

    const current = (await this.orders.findById(order._id))!;
    if (!notYetPaid(current) || current.state !== 'cancelled') return current; // duplicate notify, or already moved on

    // The payment lost the race with the timeout but must win: bring the order back.
    let carBack = true;
    try {
      await this.inventory.reserve(current.stockKey, String(current._id));
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'OUT_OF_STOCK') throw err;
      carBack = false;
    }
    const reinstated = await this.orders.transition(current, 'reinstate', { kind: 'payment' }, {
      set: (o) => ({ ...markPaid(o), latePayment: !carBack }),
      when: notYetPaid,
      note: carBack ? '支付在超时取消后到账，订单已恢复' : '支付在超时取消后到账，车辆已售出，将自动退款',
    });
    if (!reinstated) {
      if (carBack) await this.orders.releaseCar(current);
      return (await this.orders.findById(order._id))!;
    }
    await this.scheduleOutbox(reinstated);
    if (!carBack) return this.orders.requestRefund(reinstated, { kind: 'system' }, '车辆已售出，自动退款');
    return reinstated;
  }

  /** Deliver pending outbox entries soon; if this enqueue is lost, the sweep delivers them. */
  private async scheduleOutbox(order: OrderDoc) {
    if (!order.outbox?.some((e) => e.status === 'pending')) return;
    await this.orders.jobs?.scheduleOutbox(String(order._id)).catch((err: Error) => this.logger.warn({ err: err.message }, 'could not enqueue the outbox; the sweep will'));
  }

  /**
   * The unpaid-order timeout (a delayed BullMQ job, and also run lazily on reads). Before
   * cancelling it asks each payment's provider: a payment that went through is applied instead;
   * an open one is closed first so it can no longer be paid. If a provider cannot be reached, it
   * throws and the job retries later: the order stays safely pending.
   */
  async timeoutUnpaid(orderId: string, actor: 'system' | 'buyer' = 'system'): Promise<OrderDoc | null> {
    const order = await this.orders.findById(orderId);
    if (!order || order.state !== 'pending_payment') return order;
    for (const p of order.payments.filter((x) => x.status === 'created')) {
      const remote = await this.queryRemote(p);
      if (remote?.paid) return this.applyPaid(order, p.outTradeNo, remote.transactionId, remote.paidAt);
      if (remote && (await this.closeRemote(p)) === 'paid') {
        const again = await this.queryRemote(p);
        return this.applyPaid(order, p.outTradeNo, again?.transactionId ?? '', again?.paidAt ?? new Date());
      }
    }
    const cancelled = await this.orders.transition(order, actor === 'system' ? 'timeout' : 'cancel', { kind: actor, id: actor === 'buyer' ? order.buyerId : undefined }, {
      // Only if nothing was paid meanwhile (a notify may have landed since we asked WeChat).
      when: (o) => o.payments.every((p) => p.status !== 'paid'),
      set: (o) => ({ payments: o.payments.map((p) => (p.status === 'created' ? { ...p, status: 'closed' } : p)) }),
      note: actor === 'system' ? '超时未支付，已释放车辆' : '买家取消',
    });
    if (cancelled) await this.orders.releaseCar(order);
    return cancelled ?? this.orders.findById(orderId);
  }

  /** Reads never show an order pending past its deadline, even if the timeout job was lost. */
  async expireIfDue(order: OrderDoc): Promise<OrderDoc> {
    if (order.state !== 'pending_payment' || new Date(order.paymentDeadline).getTime() > Date.now()) return order;
    try {
      return (await this.timeoutUnpaid(String(order._id))) ?? order;
    } catch (err) {
      this.logger.warn({ err: (err as Error).message, orderNo: order.orderNo }, 'lazy expiry failed; the timeout job will retry');
      return order;
    }
  }

  async cancelByBuyer(buyerId: string, orderNo: string) {
    const order = await this.orders.getOwned(buyerId, orderNo);
    if (order.state === 'deposit_paid') return this.orders.requestRefund(order, { kind: 'buyer', id: buyerId }, '买家申请退款');
    if (order.state !== 'pending_payment') throw new AppError(409, 'ORDER_STATE_INVALID', '当前状态不能取消');
    const result = await this.timeoutUnpaid(String(order._id), 'buyer');
    if (result?.state === 'deposit_paid') throw new AppError(409, 'ORDER_STATE_INVALID', '订单已支付，如需取消请申请退款');
    return result!;
  }

  /** The refund job: ask WeChat to refund (idempotent by out_refund_no). The refund notify finishes it. */
  async processRefund(orderId: string) {
    const order = await this.orders.findById(orderId);
    if (!order || order.state !== 'refunding') return;
    const refund = order.refunds.find((r) => r.status === 'processing');
    if (!refund) return;
    const paid = order.payments.find((p) => p.outTradeNo === refund.outTradeNo)!;
    if (paid.channel === 'alipay') {
      // Alipay refunds synchronously: done as soon as it says so.
      await this.alipayClient().refund({ outTradeNo: refund.outTradeNo, outRequestNo: refund.outRefundNo, refundFen: refund.amountFen, reason: refund.reason ?? '退款' });
      await this.orders.markRefunded(refund.outRefundNo);
      return;
    }
    await this.client().refund({ outTradeNo: refund.outTradeNo, outRefundNo: refund.outRefundNo, refundFen: refund.amountFen, totalFen: paid.amountFen, reason: refund.reason ?? '退款' });
  }

  async getForBuyer(buyerId: string, orderNo: string) {
    return this.expireIfDue(await this.orders.getOwned(buyerId, orderNo));
  }
}

