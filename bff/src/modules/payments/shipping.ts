import { OutboxPermanentError, type OutboxSender } from '../orders/outbox';

/**
 * WeChat's 发货信息录入 (upload_shipping_info): a mini-program with WeChat Pay must tell WeChat how
 * each paid order is fulfilled, or the money stays frozen. A car deposit is fulfilled when the
 * buyer collects the car at the delivery centre, so it is reported as 用户自提 (logistics_type 4).
 * Sent through the order outbox right after the payment is recorded.
 *   POST /wxa/sec/order/upload_shipping_info?access_token=…
 *   errcodes: 0 ok; 10060002 already shipped (we treat as done: a retry after success);
 *   40001/42001 token invalid/expired (refresh once); 10060001 payment not found yet, 10060012
 *   busy, -1 (retry later); other 1006xxxx are refusals a retry cannot fix (parked).
 */
export interface ShippingSenderOptions {
  baseUrl: string;
  mchid: string;
  timeoutMs: number;
  accessToken: (stale?: string) => Promise<string>;
  openidOf: (buyerId: string) => Promise<string | null>;
}

const RETRYABLE = new Set([-1, 10060001, 10060012, 40001, 42001]);

const shanghaiRfc3339 = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().replace('Z', '+08:00');

export function wechatShippingSender(opts: ShippingSenderOptions): OutboxSender {
  return async (order, entry) => {
    const outTradeNo = entry.data?.outTradeNo;
    const openid = await opts.openidOf(order.buyerId);
    if (!outTradeNo || !openid) throw new OutboxPermanentError('no out_trade_no or payer openid for the shipping info');
    const body = JSON.stringify({
      order_key: { order_number_type: 1, mchid: opts.mchid, out_trade_no: outTradeNo },
      logistics_type: 4,
      delivery_mode: 1,
      shipping_list: [{ item_desc: `${order.modelName} ${order.trimName} 意向金（交付中心提车）` }],
      upload_time: shanghaiRfc3339(new Date()),
      payer: { openid },
    });
    const post = async (token: string) => {
      const url = new URL('/wxa/sec/order/upload_shipping_info', opts.baseUrl);
      url.searchParams.set('access_token', token);
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(opts.timeoutMs) });
      return (await res.json()) as { errcode?: number; errmsg?: string };
    };
    let token = await opts.accessToken();
    let answer = await post(token);
    if (answer.errcode === 40001 || answer.errcode === 42001) {
      token = await opts.accessToken(token);
      answer = await post(token);
    }
    if (!answer.errcode || answer.errcode === 10060002) return {};
    const message = `upload_shipping_info: ${answer.errcode} ${answer.errmsg ?? ''}`;
    if (RETRYABLE.has(answer.errcode)) throw new Error(message);
    throw new OutboxPermanentError(message);
  };
}
