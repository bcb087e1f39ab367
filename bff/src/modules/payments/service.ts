import type { Connection } from 'mongoose';
import { AppError } from '../../infra/errors';
import type { Logger } from '../../infra/logger';
import type { InventoryService } from '../inventory/service';
import type { OrderDoc, OrderService } from '../orders/service';
import { WechatSignatureError, type WechatPayClient } from './wechatpay';
import { yuanStringToFen, type AlipayClient } from './alipay';
import { shippingInfoOutboxEntry } from '../orders/outbox';
import { METHOD_CHANNEL, METHOD_LABEL, PLATFORM_METHODS, TRADE_LETTER, h5TypeOf, methodOf, type ClientPlatform, type Delivery, type PayChannel, type PayMethod } from '@carmall/shared-types';

/** How a started payment is carried out by the client (see `Delivery`). */
export interface StartedPayment {
  orderNo: string;
  outTradeNo: string;
  channel: PayChannel;
  method: PayMethod;
  amountFen: number;
  delivery: Delivery;
  expiresAt: string;
  /** jsapi: wx.requestPayment's parameters. */
  requestPayment?: { appId: string; timeStamp: string; nonceStr: string; package: string; signType: 'RSA'; paySign: string };
  /** app: my.tradePay's tradeNO. */
  tradeNO?: string;
  /** native: the QR code's content (weixin://wxpay/bizpayurl?pr=…). */
  codeUrl?: string;
  /** h5, wap, page: where the browser goes (WeChat's h5_url with our redirect_url; Alipay's signed gateway URL). */
  payUrl?: string;
}

export interface PaymentRequestContext {
  platform: ClientPlatform;
  /** The buyer's IP (WeChat H5 pay's scene_info.payer_client_ip). */
  clientIp: string;
  userAgent?: string;
}

/** What a provider says about one of our payments. */
export interface RemoteTrade {
  paid: boolean;
  amountFen: number | null;
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
    /** Where browsers come back to after paying on WeChat's or Alipay's page (the BFF serves the H5 app there). */
    private readonly publicBaseUrl = '',
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
      return { paid, amountFen: yuanStringToFen(t.total_amount ?? ''), transactionId: t.trade_no, paidAt: t.send_pay_date ? new Date(`${t.send_pay_date.replace(' ', 'T')}+08:00`) : new Date() };
    }
    const t = await this.client().queryByOutTradeNo(p.outTradeNo);
    if (!t) return null;
    return { paid: t.trade_state === 'SUCCESS', amountFen: t.amount?.total ?? null, transactionId: t.transaction_id ?? '', paidAt: new Date(t.success_time ?? Date.now()) };
  }

  /** For reconciliation: what the payment's provider says about it now (null: no such trade). */
  queryPayment(p: OrderDoc['payments'][number]): Promise<RemoteTrade | null> {
    return this.queryRemote(p);
  }

  private closeRemote(p: OrderDoc['payments'][number]) {
    return p.channel === 'alipay' ? this.alipayClient().close(p.outTradeNo) : this.client().close(p.outTradeNo);
  }

  /** Start (or resume) paying an order's deposit in the Alipay mini-program: returns the tradeNO for my.tradePay. */
  async payWithAlipay(buyerId: string, orderNo: string, ctx: PaymentRequestContext = { platform: 'alipay', clientIp: '' }) {
    const started = await this.startPayment(buyerId, orderNo, 'app', ctx);
    return { orderNo: started.orderNo, outTradeNo: started.outTradeNo, amountFen: started.amountFen, tradeNO: started.tradeNO! };
  }

  /** Start (or resume) the WeChat payment of an order's deposit; returns wx.requestPayment parameters. */
  async payWithWechat(buyerId: string, orderNo: string, ctx: PaymentRequestContext = { platform: 'weapp', clientIp: '' }) {
    const started = await this.startPayment(buyerId, orderNo, 'jsapi', ctx);
    return { orderNo: started.orderNo, outTradeNo: started.outTradeNo, amountFen: started.amountFen, requestPayment: started.requestPayment! };
  }

  private configured(channel: PayChannel) {
    return channel === 'wechat' ? !!this.wechat : !!this.alipay;
  }

  /** The methods to offer while WeChat Pay is down on this platform (Alipay, where it can run). */
  private backupMethods(platform: ClientPlatform) {
    const table = PLATFORM_METHODS[platform];
    return [...table.primary, ...table.backup].filter((m) => METHOD_CHANNEL[m.method] === 'alipay' && this.configured('alipay')).map((m) => ({ channel: 'alipay' as const, method: m.method }));
  }

  /**
   * What the buyer can pay with on this platform now: each method with whether it works and why
   * not, the backup channel while WeChat Pay is down (breaker open, or SYSTEM_ERROR/5xx moments
   * ago), and the open payment a repeat tap would resume.
   */
  async paymentOptions(buyerId: string, orderNo: string, platform: ClientPlatform) {
    const order = await this.getForBuyer(buyerId, orderNo);
    const wechatDown = !!this.wechat?.isDown();
    const table = PLATFORM_METHODS[platform];
    const user = await this.channelAccountOf(buyerId);
    const entries = [...table.primary.map((m) => ({ ...m, backup: false })), ...(wechatDown ? table.backup.map((m) => ({ ...m, backup: true })) : [])];
    const methods = entries.map(({ method, delivery, backup }) => {
      const channel = METHOD_CHANNEL[method];
      let reason: string | null = null;
      if (!this.configured(channel)) reason = channel === 'wechat' ? '微信支付暂未开通' : '支付宝支付暂未开通';
      else if (channel === 'wechat' && wechatDown) reason = '微信支付暂时不可用，请使用支付宝支付';
      else if (method === 'jsapi' && !user?.wechatOpenId) reason = '请在微信小程序内支付';
      else if (method === 'app' && !user?.alipayUserId) reason = '请在支付宝小程序内支付';
      return { channel, method, label: METHOD_LABEL[method], delivery, available: reason === null, reason, backup };
    });
    const offersWechat = table.primary.some((m) => METHOD_CHANNEL[m.method] === 'wechat');
    const backupInForce = wechatDown && offersWechat && methods.some((m) => m.channel === 'alipay' && m.available);
    const open = order.payments.find((p) => p.status === 'created' && methods.some((m) => m.method === methodOf(p)));
    return {
      orderNo: order.orderNo,
      state: order.state,
      payable: order.state === 'pending_payment',
      amountFen: order.depositFen,
      paymentDeadline: new Date(order.paymentDeadline).toISOString(),
      platform,
      backup: backupInForce,
      notice: backupInForce ? '微信支付暂时不可用，请使用支付宝支付' : wechatDown && offersWechat ? '微信支付暂时不可用，请稍后再试' : null,
      methods,
      open: open ? { channel: open.channel, method: methodOf(open), outTradeNo: open.outTradeNo } : null,
    };
  }

  /**
   * Start (or resume) paying the deposit with one method. Idempotent: a repeat resumes the open
   * payment of the same method (same out_trade_no, so the provider answers with the same trade).
   * Switching method first closes the other methods' open trades, so only one can still be paid;
   * if a provider cannot be reached to close one (WeChat down: the reason to switch), it stays
   * open and a second payment is refunded automatically when it arrives (see applyPaid).
   */
  async startPayment(buyerId: string, orderNo: string, method: PayMethod, ctx: PaymentRequestContext): Promise<StartedPayment> {
    const table = PLATFORM_METHODS[ctx.platform];
    const offered = [...table.primary, ...table.backup].find((m) => m.method === method);
    if (!offered) throw new AppError(409, 'PAYMENT_METHOD_UNAVAILABLE', `${METHOD_LABEL[method]}（${method}）不能在此平台使用`, { platform: ctx.platform, method });
    const channel = METHOD_CHANNEL[method];
    if (channel === 'wechat') this.client();
    else this.alipayClient();
    const { order, payment, account } = await this.openPayment(buyerId, orderNo, method);
    const subject = `${order.modelName} ${order.trimName} 意向金`;
    const expiresAt = new Date(order.paymentDeadline);
    const base = { orderNo: order.orderNo, outTradeNo: payment.outTradeNo, channel, method, amountFen: payment.amountFen, delivery: offered.delivery, expiresAt: expiresAt.toISOString() };
    const common = { outTradeNo: payment.outTradeNo, description: subject, totalFen: payment.amountFen, attach: order.orderNo, expiresAt };
    const orderPage = `${this.publicBaseUrl.replace(/\/$/, '')}/#/pages/order/index?orderNo=${order.orderNo}`;
    try {
      switch (method) {
        case 'jsapi':
          return { ...base, requestPayment: await this.client().jsapiPrepay({ ...common, openid: account! }) };
        case 'native':
          return { ...base, codeUrl: (await this.client().nativePrepay(common)).codeUrl };
        case 'h5': {
          const { h5Url } = await this.client().h5Prepay({ ...common, clientIp: ctx.clientIp, h5Type: h5TypeOf(ctx.userAgent) });
          // WeChat goes back to redirect_url after the cashier (paid or not): our order page, which asks.
          return { ...base, payUrl: `${h5Url}&redirect_url=${encodeURIComponent(orderPage)}` };
        }
        case 'app': {
          const minutes = Math.max(1, Math.floor((expiresAt.getTime() - Date.now()) / 60_000));
          const { tradeNo } = await this.alipayClient().createTrade({ outTradeNo: payment.outTradeNo, totalFen: payment.amountFen, subject, buyerId: account!, timeoutExpress: `${minutes}m` });
          return { ...base, tradeNO: tradeNo };
        }
        case 'wap':
        case 'page':
          return {
            ...base,
            payUrl: this.alipayClient().pagePayUrl({ method, outTradeNo: payment.outTradeNo, totalFen: payment.amountFen, subject, timeExpire: expiresAt, returnUrl: `${this.publicBaseUrl.replace(/\/$/, '')}/api/v1/payments/alipay/return`, quitUrl: orderPage }),
          };
      }
    } catch (err) {
      if (channel === 'wechat' && err instanceof AppError && err.status === 503 && err.code === 'UPSTREAM_UNAVAILABLE') {
        // WeChat Pay is failing: say so, and what to pay with instead.
        this.wechat!.noteOutage();
        const backup = this.backupMethods(ctx.platform);
        throw new AppError(503, 'UPSTREAM_UNAVAILABLE', backup.length ? '微信支付暂时不可用，请使用支付宝支付' : err.message, { ...(err.details as object), backup });
      }
      throw err;
    }
  }

  /**
   * What every method does before asking its provider: the order must be the buyer's and still
   * awaiting payment, the buyer must have an account on that channel (mini-program methods), other
   * methods' open trades are closed, and the payment record is written first (so a notify can never
   * arrive for an unknown payment).
   */
  private async openPayment(buyerId: string, orderNo: string, method: PayMethod) {
    let order = await this.orders.getOwned(buyerId, orderNo);
    order = await this.expireIfDue(order);
    if (order.state !== 'pending_payment') throw new AppError(409, 'ORDER_STATE_INVALID', order.state === 'cancelled' ? '订单已超时取消，请重新下单' : '订单无需支付');
    let account: string | undefined;
    if (method === 'jsapi' || method === 'app') {
      const user = await this.channelAccountOf(buyerId);
      account = method === 'jsapi' ? user?.wechatOpenId : user?.alipayUserId;
      if (!account) throw new AppError(409, 'ORDER_STATE_INVALID', method === 'jsapi' ? '请在微信小程序内支付' : '请在支付宝小程序内支付');
    }
    for (const other of order.payments.filter((p) => p.status === 'created' && methodOf(p) !== method)) {
      if ((await this.closeOpen(order, other)) === 'paid') throw new AppError(409, 'ORDER_STATE_INVALID', '订单已支付');
    }
    const { order: written } = await this.orders.mutate(order._id, (o) => {
      if (o.state !== 'pending_payment' || o.payments.some((p) => p.status === 'created' && methodOf(p) === method)) return null;
      const n = o.payments.filter((p) => methodOf(p) === method).length + 1;
      const outTradeNo = `${o.orderNo}${TRADE_LETTER[method]}${n}`;
      return { set: { payments: [...o.payments, { outTradeNo, channel: METHOD_CHANNEL[method], method, amountFen: o.depositFen, status: 'created', prepayExpiresAt: o.paymentDeadline }] } };
    });
    if (written.state !== 'pending_payment') throw new AppError(409, 'ORDER_STATE_INVALID', '订单无需支付');
    const payment = written.payments.find((p) => p.status === 'created' && methodOf(p) === method)!;
    return { order: written, payment, account };
  }

  /**
   * Close one open trade at its provider and record it closed. 'paid' when the provider says it
   * was paid meanwhile (then applied); 'open' when the provider cannot be reached (left open: a
   * payment on it later is refunded as a duplicate).
   */
  private async closeOpen(order: OrderDoc, p: OrderDoc['payments'][number]): Promise<'closed' | 'paid' | 'open'> {
    let outcome: 'closed' | 'paid' | 'absent';
    try {
      outcome = await this.closeRemote(p);
    } catch (err) {
      if (err instanceof AppError && err.status >= 500) {
        this.logger.warn({ orderNo: order.orderNo, outTradeNo: p.outTradeNo, err: err.message }, 'could not close the other open trade; a payment on it will be refunded');
        return 'open';
      }
      throw err;
    }
    if (outcome === 'paid') {
      const remote = await this.queryRemote(p).catch(() => null);
      await this.applyPaid(order, p.outTradeNo, remote?.transactionId ?? '', remote?.paidAt ?? new Date());
      return 'paid';
    }
    await this.orders.mutate(order._id, (o) =>
      o.payments.some((x) => x.outTradeNo === p.outTradeNo && x.status === 'created')
        ? { set: { payments: o.payments.map((x) => (x.outTradeNo === p.outTradeNo && x.status === 'created' ? { ...x, status: 'closed' } : x)) } }
        : null,
    );
    return 'closed';
  }

  /** A provider's answer proves the payment only if it is paid with our amount (a mismatch is logged, never applied). */
  private confirmsPayment(order: OrderDoc, p: OrderDoc['payments'][number], remote: RemoteTrade | null): remote is RemoteTrade {
    if (!remote?.paid) return false;
    if (remote.amountFen !== p.amountFen) {
      this.logger.error({ orderNo: order.orderNo, outTradeNo: p.outTradeNo, expected: p.amountFen, got: remote.amountFen }, 'provider reports another amount: not applied');
      return false;
    }
    return true;
  }

  /** Once an order is paid, its other open trades are closed so they cannot be paid too (best effort). */
  private async closeOthers(order: OrderDoc, paidTradeNo: string) {
    for (const p of order.payments.filter((x) => x.status === 'created' && x.outTradeNo !== paidTradeNo)) {
      await this.closeOpen(order, p).catch((err: Error) => this.logger.warn({ orderNo: order.orderNo, err: err.message }, 'closing the other open trade failed'));
    }
  }

  /**
   * The browser back from Alipay's cashier (return_url). Its parameters are checked (signed by
   * Alipay) but prove nothing: if they verify, Alipay is asked (trade query) and only its answer
   * is applied. Returns the order to show, if known.
   */
  async handleAlipayReturn(params: Record<string, string>): Promise<{ orderNo: string | null; verified: boolean }> {
    const order = params.out_trade_no ? await this.orders.findByOutTradeNo(params.out_trade_no) : null;
    if (!this.alipay || !this.alipay.verifyReturn(params) || params.app_id !== this.alipayAppId) {
      this.logger.warn({ outTradeNo: params.out_trade_no }, 'Alipay return_url parameters did not verify: nothing asked or applied');
      return { orderNo: order?.orderNo ?? null, verified: false };
    }
    if (!order) return { orderNo: null, verified: true };
    const payment = order.payments.find((p) => p.outTradeNo === params.out_trade_no)!;
    if (payment.status !== 'paid') {
      const remote = await this.queryRemote(payment).catch(() => null);
      if (this.confirmsPayment(order, payment, remote)) await this.applyPaid(order, payment.outTradeNo, remote.transactionId, remote.paidAt);
    }
    return { orderNo: order.orderNo, verified: true };
  }

  /**
   * "Did my payment go through?" — for clients whose payment result is unknown (Alipay result
   * codes 8000/6004, a WeChat requestPayment that returned nothing): ask the providers now
   * instead of waiting for their notify, and apply what they confirm.
   */
  async syncPayments(buyerId: string, orderNo: string): Promise<OrderDoc> {
    const order = await this.orders.getOwned(buyerId, orderNo);
    if (order.state !== 'pending_payment' && order.state !== 'cancelled') return order;
    // One provider down (WeChat, during an outage) must not hide a payment at the other.
    let failure: unknown = null;
    for (const p of order.payments.filter((x) => x.status !== 'paid')) {
      let remote: RemoteTrade | null;
      try {
        remote = await this.queryRemote(p);
      } catch (err) {
        if (!(err instanceof AppError) || err.status < 500) throw err;
        failure ??= err;
        continue;
      }
      if (this.confirmsPayment(order, p, remote)) return this.applyPaid(order, p.outTradeNo, remote!.transactionId, remote!.paidAt);
    }
    if (failure) throw failure;
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
      void this.closeOthers(paid, outTradeNo);
      return paid;
    }

    const current = (await this.orders.findById(order._id))!;
    // Another payment of this order was paid first (across channels or methods): this one goes back.
    if (notYetPaid(current) && current.payments.some((p) => p.status === 'paid' && p.outTradeNo !== outTradeNo)) return this.refundDuplicate(current, outTradeNo, transactionId, paidAt);
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

  /**
   * A second payment of an already-paid order: record it paid and refund it in full, in one write;
   * the order itself does not change. The refund job sends it (idempotent by out_refund_no).
   */
  private async refundDuplicate(order: OrderDoc, outTradeNo: string, transactionId: string, paidAt: Date): Promise<OrderDoc> {
    const { order: updated, changed } = await this.orders.mutate(order._id, (o) => {
      const p = o.payments.find((x) => x.outTradeNo === outTradeNo);
      if (!p || p.status === 'paid') return null;
      const refund = { outRefundNo: `${outTradeNo}R`, outTradeNo, amountFen: p.amountFen, status: 'processing', reason: '重复支付，自动退款', duplicate: true, requestedAt: new Date() };
      return {
        set: {
          payments: o.payments.map((x) => (x.outTradeNo === outTradeNo ? { ...x, status: 'paid', transactionId, paidAt } : x)),
          refunds: [...o.refunds.filter((r) => r.outRefundNo !== refund.outRefundNo), refund],
        },
      };
    });
    if (changed) {
      this.logger.warn({ orderNo: order.orderNo, outTradeNo }, 'second payment of a paid order: refunding it');
      await this.orders.jobs?.scheduleRefund(String(order._id), `${outTradeNo}R`).catch((err: Error) => this.logger.warn({ err: err.message }, 'could not enqueue the duplicate refund'));
    }
    return updated;
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
    if (!order) return;
    // Duplicate payments go back whatever the order's state.
    for (const r of order.refunds.filter((x) => x.duplicate && x.status === 'processing')) await this.sendRefund(order, r);
    if (order.state !== 'refunding') return;
    const refund = order.refunds.find((r) => r.status === 'processing' && !r.duplicate);
    if (refund) await this.sendRefund(order, refund);
  }

  private async sendRefund(order: OrderDoc, refund: OrderDoc['refunds'][number]) {
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

