import { createSign, createVerify } from 'node:crypto';
import { beijingDateTime } from '@carmall/shared-types';
import { AppError } from '../../infra/errors';

/**
 * Alipay OpenAPI adapter (gateway.do, classic protocol): every call is signed with the app's
 * private key (RSA2 over the sorted "k=v&…" parameters); every answer is verified with Alipay's
 * public key over the exact text of its response node; async notifies are verified the same way
 * (without sign/sign_type). ALIPAY_GATEWAY_URL is openapi.alipay.com in production, the simulator
 * locally.
 */
export interface AlipayConfig {
  gatewayUrl: string;
  appId: string;
  appPrivateKeyPem: string;
  alipayPublicKeyPem: string;
  notifyUrl: string;
  timeoutMs: number;
}

export function signContent(params: Record<string, string>, exclude: string[]): string {
  return Object.keys(params)
    .filter((k) => !exclude.includes(k) && params[k] !== '' && params[k] !== undefined)
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
}

/** "5000.00" → 500000, exactly (no floating point). Null when not a money string. */
export function yuanStringToFen(s: string): number | null {
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(s);
  return m ? Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0')) : null;
}
export const fenToYuanString = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;


export class AlipayClient {
  constructor(private readonly cfg: AlipayConfig) {}

  /** The common parameters with biz_content, signed (RSA2 over the sorted k=v string). */
  private signed(method: string, biz: Record<string, unknown>, extra: Record<string, string> = {}): Record<string, string> {
    const params: Record<string, string> = {
      app_id: this.cfg.appId,
      method,
      format: 'JSON',
      charset: 'utf-8',
      sign_type: 'RSA2',
      timestamp: beijingDateTime(),
      version: '1.0',
      biz_content: JSON.stringify(biz),
      ...extra,
    };
    params.sign = createSign('RSA-SHA256').update(signContent(params, ['sign'])).sign(this.cfg.appPrivateKeyPem, 'base64');
    return params;
  }

  private async call(method: string, biz: Record<string, unknown>, withNotify = false): Promise<Record<string, any>> {
    const params = this.signed(method, biz, withNotify ? { notify_url: this.cfg.notifyUrl } : {});
    let text: string;
    try {
      const res = await fetch(this.cfg.gatewayUrl, {
        method: 'POST',
        body: new URLSearchParams(params).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' },
        signal: AbortSignal.timeout(this.cfg.timeoutMs),
      });
      text = await res.text();
    } catch (err) {
      throw new AppError(503, 'UPSTREAM_UNAVAILABLE', '支付宝暂不可用，请稍后再试', { cause: (err as Error).name });
    }
    // Verify over the response node's exact text, as Alipay signs it (not a re-serialisation).
    const key = `"${method.replace(/\./g, '_')}_response":`;
    const start = text.indexOf(key);
    const signAt = text.lastIndexOf(',"sign":"');
    if (start < 0 || signAt < 0) throw new AppError(502, 'UPSTREAM_UNAVAILABLE', '支付宝应答格式错误');
    const nodeText = text.slice(start + key.length, signAt);
    const sign = JSON.parse(text.slice(signAt + 1 + '"sign":'.length, text.lastIndexOf('}')));
    if (!createVerify('RSA-SHA256').update(nodeText).verify(this.cfg.alipayPublicKeyPem, sign, 'base64')) {
      throw new AppError(502, 'UPSTREAM_UNAVAILABLE', '支付宝应答验签失败');
    }
    const node = JSON.parse(nodeText) as Record<string, any>;
    if (node.code === '20000') throw new AppError(503, 'UPSTREAM_UNAVAILABLE', '支付宝繁忙，请稍后再试', { sub_code: node.sub_code });
    return node;
  }

  /** alipay.trade.create for the mini-program: returns the trade_no for my.tradePay. */
  async createTrade(p: { outTradeNo: string; totalFen: number; subject: string; buyerId: string; timeoutExpress: string }) {
    const node = await this.call('alipay.trade.create', { out_trade_no: p.outTradeNo, total_amount: fenToYuanString(p.totalFen), subject: p.subject, buyer_id: p.buyerId, timeout_express: p.timeoutExpress, product_code: 'JSAPI_PAY' }, true);
    if (node.code !== '10000') throw new AppError(502, 'UPSTREAM_UNAVAILABLE', '支付宝拒绝了交易请求', { code: node.code, sub_code: node.sub_code });
    return { tradeNo: node.trade_no as string };
  }

  /**
   * alipay.trade.wap.pay (mobile browser) / alipay.trade.page.pay (PC): page-redirect methods. No
   * call is made: the signed gateway URL is built here and the buyer's browser goes to it (Alipay's
   * cashier). Alipay creates the trade when the cashier opens; the notify and a query apply it.
   */
  pagePayUrl(p: { method: 'wap' | 'page'; outTradeNo: string; totalFen: number; subject: string; timeExpire: Date; returnUrl: string; quitUrl?: string }): string {
    const biz = {
      out_trade_no: p.outTradeNo,
      total_amount: fenToYuanString(p.totalFen),
      subject: p.subject,
      product_code: p.method === 'wap' ? 'QUICK_WAP_WAY' : 'FAST_INSTANT_TRADE_PAY',
      time_expire: beijingDateTime(p.timeExpire),
      ...(p.method === 'wap' && p.quitUrl ? { quit_url: p.quitUrl } : {}),
    };
    const params = this.signed(p.method === 'wap' ? 'alipay.trade.wap.pay' : 'alipay.trade.page.pay', biz, { notify_url: this.cfg.notifyUrl, return_url: p.returnUrl });
    return `${this.cfg.gatewayUrl}?${new URLSearchParams(params).toString()}`;
  }

  /** The sync parameters on return_url are Alipay's if signed like a notify. They prove nothing about payment by themselves. */
  verifyReturn(params: Record<string, string>): boolean {
    return this.verifyNotify(params);
  }

  async query(outTradeNo: string) {
    const node = await this.call('alipay.trade.query', { out_trade_no: outTradeNo });
    if (node.sub_code === 'ACQ.TRADE_NOT_EXIST') return null;
    if (node.code !== '10000') throw new AppError(502, 'UPSTREAM_UNAVAILABLE', '支付宝查询失败', { sub_code: node.sub_code });
    return node as { trade_status: string; trade_no: string; total_amount: string; send_pay_date?: string };
  }

  async close(outTradeNo: string): Promise<'closed' | 'paid' | 'absent'> {
    const node = await this.call('alipay.trade.close', { out_trade_no: outTradeNo });
    if (node.code === '10000') return 'closed';
    if (node.sub_code === 'ACQ.TRADE_NOT_EXIST') return 'absent';
    const remote = await this.query(outTradeNo);
    if (remote && (remote.trade_status === 'TRADE_SUCCESS' || remote.trade_status === 'TRADE_FINISHED')) return 'paid';
    if (remote?.trade_status === 'TRADE_CLOSED') return 'closed';
    throw new AppError(502, 'UPSTREAM_UNAVAILABLE', '支付宝关单失败', { sub_code: node.sub_code });
  }

  /** Refunds are synchronous on Alipay: fund_change "Y" means the money went back. Idempotent by out_request_no. */
  async refund(p: { outTradeNo: string; outRequestNo: string; refundFen: number; reason: string }): Promise<'succeeded'> {
    const node = await this.call('alipay.trade.refund', { out_trade_no: p.outTradeNo, out_request_no: p.outRequestNo, refund_amount: fenToYuanString(p.refundFen), refund_reason: p.reason });
    if (node.code !== '10000') throw new AppError(502, 'UPSTREAM_UNAVAILABLE', '支付宝退款失败', { sub_code: node.sub_code });
    return 'succeeded';
  }

  /** An async notify is Alipay's if its signature checks out over the other parameters. */
  verifyNotify(params: Record<string, string>): boolean {
    if (params.sign_type !== 'RSA2' || !params.sign) return false;
    return createVerify('RSA-SHA256').update(signContent(params, ['sign', 'sign_type'])).verify(this.cfg.alipayPublicKeyPem, params.sign, 'base64');
  }
}
