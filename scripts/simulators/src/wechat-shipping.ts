import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from './server';

/**
 * WeChat 发货信息管理 (part of the wechat simulator; same base URL and access tokens):
 *   POST /wxa/sec/order/upload_shipping_info?access_token=…
 *        { order_key: { order_number_type: 1, mchid, out_trade_no } | { order_number_type: 2, transaction_id },
 *          logistics_type (1 express, 2 same-city, 3 virtual, 4 self pick-up), delivery_mode,
 *          shipping_list: [{ item_desc, tracking_no?, express_company? }], upload_time (RFC 3339), payer: { openid } }
 *        -> { errcode: 0, errmsg: 'ok' }
 *        errcodes 40001/42001 access token, 47001 malformed body, 10060002 already shipped (a second
 *        upload for the same order), 10060005 bad logistics_type, 10060012 busy (can be forced).
 * It does not cross-check the payment with the WeChat Pay simulator.
 * Test controls: GET /__sim/wechat/shipping (what was uploaded), POST /__sim/wechat/shipping-fail { errcode, times }.
 */
export function createShippingApi(opts: { tokenErrcode: (token: string) => 0 | 40001 | 42001 }) {
  const uploads = new Map<string, Record<string, unknown>>();
  let forced: { errcode: number; times: number } | null = null;
  const answer = (res: ServerResponse, errcode: number, errmsg = errcode ? 'error' : 'ok') => sendJson(res, 200, { errcode, errmsg });

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    if (req.method === 'GET' && url.pathname === '/__sim/wechat/shipping') {
      sendJson(res, 200, { uploads: [...uploads.values()] });
      return true;
    }
    if (req.method === 'POST' && url.pathname === '/__sim/wechat/shipping-fail') {
      forced = JSON.parse((await readBody(req)) || '{}');
      sendJson(res, 200, { ok: true });
      return true;
    }
    if (req.method !== 'POST' || url.pathname !== '/wxa/sec/order/upload_shipping_info') return false;
    const tokenErr = opts.tokenErrcode(url.searchParams.get('access_token') ?? '');
    if (tokenErr) return answer(res, tokenErr, 'invalid credential, access_token is invalid or not latest'), true;
    if (forced && forced.times > 0) {
      forced.times -= 1;
      return answer(res, forced.errcode, 'system busy'), true;
    }
    let body: any;
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      return answer(res, 47001, 'data format error'), true;
    }
    const key = body?.order_key;
    const id = key?.order_number_type === 1 ? `${key.mchid}:${key.out_trade_no}` : key?.order_number_type === 2 ? `tx:${key.transaction_id}` : null;
    if (!id || !Array.isArray(body.shipping_list) || !body.shipping_list.length || typeof body.payer?.openid !== 'string' || typeof body.upload_time !== 'string') {
      return answer(res, 47001, 'data format error'), true;
    }
    if (![1, 2, 3, 4].includes(body.logistics_type)) return answer(res, 10060005, 'invalid logistics_type'), true;
    if (uploads.has(id)) return answer(res, 10060002, 'order already shipped'), true;
    uploads.set(id, body);
    return answer(res, 0), true;
  }

  return { handle };
}
