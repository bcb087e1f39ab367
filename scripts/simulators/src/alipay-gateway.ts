import { createSign, createVerify, randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { beijingDateTime } from '@carmall/shared-types';
import { readBody, sendJson, startSimulator, type RunningSimulator } from './server';

/**
 * Alipay OpenAPI gateway simulator (openapi.alipay.com/gateway.do), classic v2 protocol:
 * form-encoded common parameters (app_id, method, charset, sign_type=RSA2, timestamp, version,
 * notify_url, biz_content) signed with the app's private key over the sorted "k=v&…" string;
 * answers `{ "<method_with_underscores>_response": {...}, "sign": "…" }` where sign is RSA2 over the
 * response node's exact JSON text with the Alipay private key; async notifies are form posts signed
 * the same way, retried until the merchant answers "success".
 *
 * Methods: alipay.trade.create (mini-program, needs buyer_id/buyer_open_id), alipay.trade.query,
 * alipay.trade.wap.pay (product_code QUICK_WAP_WAY) and alipay.trade.page.pay (FAST_INSTANT_TRADE_PAY):
 * page-redirect methods — the merchant sends the buyer's browser to gateway.do (GET query or POST
 * form) with the signed parameters; the gateway answers an HTML cashier (or an HTML error page
 * with the same error codes), creates the trade, and once the buyer pays sends the signed async
 * notify to notify_url and redirects the browser to return_url with the signed sync parameters
 * (method alipay.trade.page.pay.return / alipay.trade.wap.pay.return, signed like a notify),
 * alipay.trade.close, alipay.trade.refund. Codes: 10000 Success; 40002 isv.invalid-signature /
 * isv.missing-method; 40004 ACQ.TRADE_NOT_EXIST, ACQ.TRADE_HAS_SUCCESS, ACQ.TRADE_STATUS_ERROR,
 * ACQ.INVALID_PARAMETER; 20000 isp.unknow-error (service unavailable).
 * Other simulators can add methods with `methods` (e.g. alipay.system.oauth.token).
 *
 * Test controls: POST /__sim/alipay/pay { out_trade_no } (the buyer pays in Alipay; the notify is
 * sent; a wap/page trade exists once its cashier was opened), POST /__sim/alipay/cashier/pay
 * (the cashier page's 确认付款 form: pays, notifies, 302 to return_url), POST /__sim/alipay/fail { times } (next calls answer 20000), GET /__sim/alipay/ledger.
 */
export interface AlipayGatewayOptions {
  appId: string;
  /** The merchant app's public key: verifies request signatures. */
  appPublicKeyPem: string;
  /** Alipay's private key: signs responses and notifies (the merchant holds the public half). */
  alipayPrivateKeyPem: string;
  port?: number;
  notifyRetryDelaysMs?: number[];
  methods?: Record<string, (biz: Record<string, unknown>, params: Record<string, string>) => { ok: true; body: Record<string, unknown> } | { ok: false; code: string; msg: string; sub_code: string; sub_msg: string }>;
}

interface Trade {
  out_trade_no: string;
  trade_no: string;
  total_amount: string;
  subject: string;
  buyer_id: string;
  notify_url?: string;
  /** wap/page pay: where the browser goes back after paying, and which method made the trade. */
  return_url?: string;
  method?: string;
  time_expire?: string;
  trade_status: 'WAIT_BUYER_PAY' | 'TRADE_SUCCESS' | 'TRADE_CLOSED' | 'TRADE_FINISHED';
  gmt_payment?: string;
  refunds: { out_request_no: string; refund_amount: string }[];
}

/** The string Alipay signs: non-empty params except sign (and sign_type for notifies), sorted, k=v joined by &. */
export function alipaySignContent(params: Record<string, string>, exclude: string[] = ['sign']): string {
  return Object.keys(params)
    .filter((k) => !exclude.includes(k) && params[k] !== '' && params[k] !== undefined)
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
}

export const rsa2Sign = (pem: string, content: string) => createSign('RSA-SHA256').update(content, 'utf8').sign(pem, 'base64');
export const rsa2Verify = (pem: string, content: string, sig: string) => createVerify('RSA-SHA256').update(content, 'utf8').verify(pem, sig, 'base64');

/** The page-redirect methods and the product_code each requires. */
const PAGE_METHODS: Record<string, string> = { 'alipay.trade.wap.pay': 'QUICK_WAP_WAY', 'alipay.trade.page.pay': 'FAST_INSTANT_TRADE_PAY' };
const SELLER_ID = '2088101122136241';
/** "2026-11-28 21:05:00" (Beijing time) is in the past. */
const pastBeijing = (at: string) => Date.parse(`${at.replace(' ', 'T')}+08:00`) < Date.now();
const escapeHtml = (v: string) => v.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Beijing time as Alipay writes it: "2026-11-28 21:05:00". */
/** Alipay's timestamps: Beijing time, "yyyy-MM-dd HH:mm:ss". */
export const alipayTime = (d: Date = new Date()) => beijingDateTime(d);

export async function startAlipayGateway(opts: AlipayGatewayOptions): Promise<RunningSimulator & { ledger: () => Trade[] }> {
  const trades = new Map<string, Trade>();
  let failures = 0;
  const retryDelays = opts.notifyRetryDelaysMs ?? [240_000, 600_000, 600_000, 3_600_000];
  const timers = new Set<NodeJS.Timeout>();

  function answer(res: ServerResponse, method: string, node: Record<string, unknown>) {
    const key = `${method.replace(/\./g, '_')}_response`;
    const nodeText = JSON.stringify(node);
    const text = `{"${key}":${nodeText},"sign":"${rsa2Sign(opts.alipayPrivateKeyPem, nodeText)}"}`;
    res.writeHead(200, { 'Content-Type': 'text/html;charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }
  const error = (code: string, msg: string, sub_code: string, sub_msg: string) => ({ code, msg, sub_code, sub_msg });

  function notify(t: Trade) {
    if (!t.notify_url) return;
    const params: Record<string, string> = {
      notify_time: alipayTime(),
      notify_type: 'trade_status_sync',
      notify_id: randomBytes(16).toString('hex'),
      app_id: opts.appId,
      charset: 'utf-8',
      version: '1.0',
      sign_type: 'RSA2',
      trade_no: t.trade_no,
      out_trade_no: t.out_trade_no,
      trade_status: t.trade_status,
      total_amount: t.total_amount,
      receipt_amount: t.total_amount,
      buyer_id: t.buyer_id,
      gmt_payment: t.gmt_payment ?? '',
      subject: t.subject,
    };
    params.sign = rsa2Sign(opts.alipayPrivateKeyPem, alipaySignContent(params, ['sign', 'sign_type']));
    const send = async (attempt: number) => {
      let ok = false;
      try {
        const res = await fetch(t.notify_url!, { method: 'POST', body: new URLSearchParams(params).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, signal: AbortSignal.timeout(5000) });
        ok = (await res.text()).trim() === 'success';
      } catch {
        ok = false;
      }
      if (!ok && attempt <= retryDelays.length) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          void send(attempt + 1);
        }, retryDelays[attempt - 1]);
        timers.add(timer);
      }
    };
    void send(1);
  }

  /** A wap/page trade past its time_expire is closed, as Alipay closes it. */
  function expireIfDue(t: Trade) {
    if (t.trade_status === 'WAIT_BUYER_PAY' && t.time_expire && pastBeijing(t.time_expire)) t.trade_status = 'TRADE_CLOSED';
  }

  /** The sync parameters Alipay appends to return_url (signed like a notify: without sign and sign_type). */
  function returnParams(t: Trade) {
    const params: Record<string, string> = {
      charset: 'utf-8',
      out_trade_no: t.out_trade_no,
      method: `${t.method}.return`,
      total_amount: t.total_amount,
      trade_no: t.trade_no,
      auth_app_id: opts.appId,
      version: '1.0',
      app_id: opts.appId,
      sign_type: 'RSA2',
      seller_id: SELLER_ID,
      timestamp: alipayTime(),
    };
    params.sign = rsa2Sign(opts.alipayPrivateKeyPem, alipaySignContent(params, ['sign', 'sign_type']));
    return params;
  }

  function cashierPage(res: ServerResponse, t: Trade) {
    const label = { WAIT_BUYER_PAY: '待付款', TRADE_SUCCESS: '付款成功', TRADE_CLOSED: '交易已关闭', TRADE_FINISHED: '交易完成' }[t.trade_status];
    const html = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>支付宝收银台</title></head><body>
<h1>支付宝收银台（模拟）</h1><p class="method">${t.method === 'alipay.trade.wap.pay' ? '手机网站支付' : '电脑网站支付'}</p><p class="subject">${escapeHtml(t.subject)}</p><p class="amount" data-total="${t.total_amount}">¥${t.total_amount}</p><p class="state" data-state="${t.trade_status}">${label}</p>
${t.trade_status === 'WAIT_BUYER_PAY' ? `<form method="post" action="/__sim/alipay/cashier/pay"><input type="hidden" name="out_trade_no" value="${escapeHtml(t.out_trade_no)}"><button class="pay" type="submit">确认付款</button></form>` : ''}</body></html>`;
    res.writeHead(200, { 'Content-Type': 'text/html;charset=utf-8', 'Content-Length': Buffer.byteLength(html) });
    res.end(html);
  }

  /** A page method's error: Alipay shows an error page in the browser (the merchant gets nothing back). */
  function cashierError(res: ServerResponse, subCode: string, subMsg: string) {
    const html = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>支付宝 - 错误</title></head><body><h1>支付宝</h1><p class="error" data-sub-code="${escapeHtml(subCode)}">错误代码 ${escapeHtml(subCode)}</p><p>${escapeHtml(subMsg)}</p></body></html>`;
    res.writeHead(400, { 'Content-Type': 'text/html;charset=utf-8', 'Content-Length': Buffer.byteLength(html) });
    res.end(html);
  }

  /** alipay.trade.wap.pay / alipay.trade.page.pay: validate like the gateway, create (or reopen) the trade, show the cashier. */
  function pagePay(res: ServerResponse, method: string, params: Record<string, string>) {
    if (params.app_id !== opts.appId) return cashierError(res, 'isv.invalid-app-id', '无效的AppID参数');
    if (params.sign_type !== 'RSA2' || !params.sign || !rsa2Verify(opts.appPublicKeyPem, alipaySignContent(params), params.sign)) return cashierError(res, 'isv.invalid-signature', '验签出错');
    if (failures > 0) {
      failures -= 1;
      return cashierError(res, 'isp.unknow-error', '系统繁忙');
    }
    let biz: Record<string, any>;
    try {
      biz = JSON.parse(params.biz_content ?? '{}');
    } catch {
      return cashierError(res, 'ACQ.INVALID_PARAMETER', 'biz_content 不是有效的 JSON');
    }
    if (typeof biz.out_trade_no !== 'string' || !/^[A-Za-z0-9_]{1,64}$/.test(biz.out_trade_no) || !/^\d+\.\d{2}$/.test(String(biz.total_amount)) || !biz.subject) return cashierError(res, 'ACQ.INVALID_PARAMETER', '参数无效');
    if (biz.product_code !== PAGE_METHODS[method]) return cashierError(res, 'ACQ.INVALID_PARAMETER', `product_code 须为 ${PAGE_METHODS[method]}`);
    if (params.return_url !== undefined && !/^https?:\/\//.test(params.return_url)) return cashierError(res, 'isv.invalid-return-url', 'return_url 无效');
    if (biz.time_expire !== undefined && !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(String(biz.time_expire))) return cashierError(res, 'ACQ.INVALID_PARAMETER', 'time_expire 格式不正确');
    const existing = trades.get(biz.out_trade_no);
    if (existing) expireIfDue(existing);
    // A link opened after its time_expire: Alipay refuses it (the trade cannot be paid any more).
    if (!existing && biz.time_expire && pastBeijing(biz.time_expire)) return cashierError(res, 'ACQ.TRADE_HAS_CLOSE', '交易已关闭');
    if (existing) {
      if (existing.trade_status === 'TRADE_SUCCESS' || existing.trade_status === 'TRADE_FINISHED') return cashierError(res, 'ACQ.TRADE_HAS_SUCCESS', '交易已被支付');
      if (existing.trade_status === 'TRADE_CLOSED') return cashierError(res, 'ACQ.TRADE_HAS_CLOSE', '交易已关闭');
      if (existing.total_amount !== biz.total_amount) return cashierError(res, 'ACQ.TRADE_STATUS_ERROR', '交易状态不合法');
      existing.return_url = params.return_url ?? existing.return_url;
      return cashierPage(res, existing);
    }
    const t: Trade = {
      out_trade_no: biz.out_trade_no,
      trade_no: `2026${Date.now()}${randomBytes(4).toString('hex')}`,
      total_amount: biz.total_amount,
      subject: biz.subject,
      buyer_id: '2088000000000000', // known once paid; the cashier's simulated buyer
      notify_url: params.notify_url,
      return_url: params.return_url,
      method,
      time_expire: biz.time_expire,
      trade_status: 'WAIT_BUYER_PAY',
      refunds: [],
    };
    trades.set(t.out_trade_no, t);
    return cashierPage(res, t);
  }

  const sim = await startSimulator(
    'alipay',
    async (req, res, url) => {
      if (url.pathname.startsWith('/__sim/alipay/')) {
        if (req.method === 'GET' && url.pathname === '/__sim/alipay/ledger') return sendJson(res, 200, { trades: [...trades.values()] });
        const text = await readBody(req);
        // The cashier's form is form-encoded; the controls are JSON.
        const body = url.pathname === '/__sim/alipay/cashier/pay' ? { __form: text } : JSON.parse(text || '{}');
        if (url.pathname === '/__sim/alipay/fail') {
          failures = body.times ?? 1;
          return sendJson(res, 200, { ok: true });
        }
        if (url.pathname === '/__sim/alipay/cashier/pay') {
          const form = new URLSearchParams(body.__form ?? '');
          const t = trades.get(form.get('out_trade_no') ?? '');
          if (t) expireIfDue(t);
          if (!t || t.trade_status !== 'WAIT_BUYER_PAY') return cashierError(res, 'ACQ.TRADE_STATUS_ERROR', '交易状态不合法');
          t.trade_status = 'TRADE_SUCCESS';
          t.gmt_payment = alipayTime();
          notify(t);
          if (!t.return_url) return cashierPage(res, t);
          res.writeHead(302, { Location: `${t.return_url}${t.return_url.includes('?') ? '&' : '?'}${new URLSearchParams(returnParams(t)).toString()}` });
          return void res.end();
        }
        if (url.pathname === '/__sim/alipay/pay') {
          const t = trades.get(body.out_trade_no);
          if (!t || t.trade_status !== 'WAIT_BUYER_PAY') return sendJson(res, 400, { error: 'trade not payable' });
          t.trade_status = 'TRADE_SUCCESS';
          t.gmt_payment = alipayTime();
          notify(t);
          return sendJson(res, 200, t);
        }
        return sendJson(res, 404, { error: 'unknown control' });
      }
      if (url.pathname !== '/gateway.do' || (req.method !== 'POST' && req.method !== 'GET')) return sendJson(res, 404, { error: 'not found' });
      const params: Record<string, string> = Object.fromEntries(new URLSearchParams(url.search));
      if (req.method === 'POST') for (const [k, v] of new URLSearchParams(await readBody(req))) params[k] = v;
      const method = params.method ?? '';
      if (PAGE_METHODS[method]) return pagePay(res, method, params);
      if (req.method !== 'POST') return sendJson(res, 404, { error: 'not found' });
      if (!method) return answer(res, 'error', error('40001', 'Missing Required Arguments', 'isv.missing-method', '缺少方法名参数'));
      if (params.app_id !== opts.appId) return answer(res, method, error('40002', 'Invalid Arguments', 'isv.invalid-app-id', '无效的AppID参数'));
      if (params.sign_type !== 'RSA2' || !params.sign || !rsa2Verify(opts.appPublicKeyPem, alipaySignContent(params), params.sign)) {
        return answer(res, method, error('40002', 'Invalid Arguments', 'isv.invalid-signature', '验签出错'));
      }
      if (failures > 0) {
        failures -= 1;
        return answer(res, method, error('20000', 'Service Currently Unavailable', 'isp.unknow-error', '系统繁忙'));
      }
      let biz: Record<string, any>;
      try {
        biz = JSON.parse(params.biz_content ?? '{}');
      } catch {
        return answer(res, method, error('40004', 'Business Failed', 'ACQ.INVALID_PARAMETER', 'biz_content 不是有效的 JSON'));
      }
      const ok = (node: Record<string, unknown>) => answer(res, method, { code: '10000', msg: 'Success', ...node });
      switch (method) {
        case 'alipay.trade.create': {
          if (typeof biz.out_trade_no !== 'string' || !/^\d+\.\d{2}$/.test(String(biz.total_amount)) || !biz.subject) {
            return answer(res, method, error('40004', 'Business Failed', 'ACQ.INVALID_PARAMETER', '参数无效'));
          }
          if (!biz.buyer_id && !biz.buyer_open_id) return answer(res, method, error('40004', 'Business Failed', 'ACQ.INVALID_PARAMETER', '小程序支付需要 buyer_id 或 buyer_open_id'));
          const existing = trades.get(biz.out_trade_no);
          if (existing) {
            if (existing.trade_status === 'TRADE_SUCCESS') return answer(res, method, error('40004', 'Business Failed', 'ACQ.TRADE_HAS_SUCCESS', '交易已被支付'));
            if (existing.total_amount !== biz.total_amount) return answer(res, method, error('40004', 'Business Failed', 'ACQ.TRADE_STATUS_ERROR', '交易状态不合法'));
            return ok({ out_trade_no: existing.out_trade_no, trade_no: existing.trade_no });
          }
          const t: Trade = {
            out_trade_no: biz.out_trade_no,
            trade_no: `2026${Date.now()}${randomBytes(4).toString('hex')}`,
            total_amount: biz.total_amount,
            subject: biz.subject,
            buyer_id: biz.buyer_id ?? biz.buyer_open_id,
            notify_url: params.notify_url,
            trade_status: 'WAIT_BUYER_PAY',
            refunds: [],
          };
          trades.set(t.out_trade_no, t);
          return ok({ out_trade_no: t.out_trade_no, trade_no: t.trade_no });
        }
        case 'alipay.trade.query': {
          const t = trades.get(biz.out_trade_no);
          if (t) expireIfDue(t);
          if (!t) return answer(res, method, error('40004', 'Business Failed', 'ACQ.TRADE_NOT_EXIST', '交易不存在'));
          return ok({ out_trade_no: t.out_trade_no, trade_no: t.trade_no, trade_status: t.trade_status, total_amount: t.total_amount, buyer_user_id: t.buyer_id, send_pay_date: t.gmt_payment });
        }
        case 'alipay.trade.close': {
          const t = trades.get(biz.out_trade_no);
          if (!t) return answer(res, method, error('40004', 'Business Failed', 'ACQ.TRADE_NOT_EXIST', '交易不存在'));
          if (t.trade_status !== 'WAIT_BUYER_PAY') return answer(res, method, error('40004', 'Business Failed', 'ACQ.TRADE_STATUS_ERROR', '交易状态不合法'));
          t.trade_status = 'TRADE_CLOSED';
          return ok({ out_trade_no: t.out_trade_no, trade_no: t.trade_no });
        }
        case 'alipay.trade.refund': {
          const t = trades.get(biz.out_trade_no);
          if (!t) return answer(res, method, error('40004', 'Business Failed', 'ACQ.TRADE_NOT_EXIST', '交易不存在'));
          if (t.trade_status !== 'TRADE_SUCCESS') return answer(res, method, error('40004', 'Business Failed', 'ACQ.TRADE_STATUS_ERROR', '交易状态不合法'));
          if (!t.refunds.some((r) => r.out_request_no === biz.out_request_no)) t.refunds.push({ out_request_no: biz.out_request_no, refund_amount: biz.refund_amount });
          return ok({ out_trade_no: t.out_trade_no, trade_no: t.trade_no, refund_fee: biz.refund_amount, fund_change: 'Y' });
        }
        default: {
          const extra = opts.methods?.[method];
          if (!extra) return answer(res, method, error('40002', 'Invalid Arguments', 'isv.invalid-method', '不存在的方法名'));
          const r = extra(biz, params);
          return r.ok ? ok(r.body) : answer(res, method, r);
        }
      }
    },
    opts.port,
  );
  const close = sim.close;
  return {
    ...sim,
    ledger: () => [...trades.values()],
    close: async () => {
      for (const t of timers) clearTimeout(t);
      await close();
    },
  };
}
