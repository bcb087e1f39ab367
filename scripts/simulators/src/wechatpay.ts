import { createCipheriv, createHash, createSign, createVerify, randomBytes, randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson, startSimulator, type RunningSimulator } from './server';
import { formatTradeBill, shanghaiDate, shanghaiRfc3339, type BillPayment, type BillRefund } from './wechatpay-bill';

/**
 * WeChat Pay API v3 simulator (api.mch.weixin.qq.com), for JSAPI / mini-program payments.
 * Same paths, same WECHATPAY2-SHA256-RSA2048 request signatures (checked against the merchant's
 * public key), same signed responses and notifies (Wechatpay-Timestamp/Nonce/Signature/Serial,
 * signed by the platform key — in "platform certificate" mode the serial is a certificate serial,
 * in "public key" mode it is PUB_KEY_ID_…), notify resources encrypted with AEAD_AES_256_GCM under
 * the APIv3 key, and the documented error codes (PARAM_ERROR, SIGN_ERROR, ORDERPAID, ORDER_NOT_EXIST,
 * OUT_TRADE_NO_USED, SYSTEM_ERROR, FREQUENCY_LIMITED…).
 *
 *   POST /v3/pay/transactions/jsapi                      -> { prepay_id }
 *   POST /v3/pay/transactions/native                     -> { code_url: weixin://wxpay/bizpayurl?pr=… } (the PC QR code; valid 2 h)
 *   POST /v3/pay/transactions/h5                         -> { h5_url } (mobile browsers outside WeChat; scene_info.payer_client_ip and
 *                                                           scene_info.h5_info.type required; valid 5 minutes). The h5_url is a page on
 *                                                           this simulator (/cgi-bin/mmpayweb-bin/checkmweb, as on wx.tenpay.com) standing in for WeChat's cashier: 确认支付 pays, then it goes
 *                                                           back to the merchant's &redirect_url= (no result in it, as on WeChat).
 *   GET  /v3/pay/transactions/out-trade-no/{no}?mchid=   -> transaction (trade_state NOTPAY|SUCCESS|CLOSED|REFUND)
 *   POST /v3/pay/transactions/out-trade-no/{no}/close    -> 204 (400 ORDERPAID if already paid)
 *   POST /v3/refund/domestic/refunds                     -> refund (PROCESSING); REFUND.SUCCESS notify follows
 *   GET  /v3/bill/tradebill?bill_date=&bill_type=ALL|SUCCESS|REFUND[&tar_type=GZIP]
 *                                                        -> { hash_type: SHA1, hash_value, download_url } (400 NO_STATEMENT_EXIST
 *                                                           when nothing happened that day, PARAM_ERROR for a bad date)
 *   GET  /v3/billdownload/file?token=                    -> the bill file (valid 5 minutes). Like WeChat, this answer is NOT
 *                                                           signed: the merchant checks it against the signed hash_value.
 *   The bill of a day (Asia/Shanghai) lists the payments that succeeded and the refunds that succeeded that day.
 *   Unlike WeChat (which publishes yesterday's bill from 09:00), today's bill so far is available too.
 *
 * Test controls (not WeChat's): the buyer paying in WeChat, faults, and the ledger.
 *   POST /__sim/wxpay/pay     { out_trade_no, openid?, force? }     buyer confirms; TRANSACTION.SUCCESS notify is sent
 *   POST /__sim/wxpay/scan    { code_url, openid? }                 the buyer scans a Native QR code and pays it (notify sent)
 *                                                                   (force: even if closed — the close/pay race on WeChat's side)
 *   POST /__sim/wxpay/fail    { times, status, code, path? }        next N API calls fail (path: substring filter)
 *   POST /__sim/wxpay/notify  { duplicates?, delayMs?, tamper?, amountDelta?, payBeforeResponse? }  how the next notifies are sent
 *                             (payBeforeResponse: the next prepay is paid and its notify delivered before the prepay is answered)
 *   GET  /__sim/wxpay/ledger                                        every transaction and refund
 *   GET  /__sim/wxpay/deliveries                                    every notify attempt and the answer it got
 *   POST /__sim/wxpay/bill    { extra?, amounts?, omit?, refundAmounts?, omitRefunds?, reset? }   bill discrepancies (cumulative):
 *                             extra: [{ out_trade_no, total, openid?, success_time? }] payments made outside the merchant's flow
 *                               (SUCCESS in the ledger and in queries, no notify sent); amounts: { out_trade_no: fen } the bill
 *                               shows another amount; omit: [out_trade_no] the bill leaves a payment out; refundAmounts /
 *                               omitRefunds: the same for refunds by out_refund_no; reset: forget all of it
 */
export interface WechatPaySimulatorOptions {
  mchid: string;
  appid: string;
  merchantSerial: string;
  merchantPublicKeyPem: string;
  platformSerial: string;
  platformPrivateKeyPem: string;
  apiV3Key: string;
  port?: number;
  /** Delays between notify attempts; WeChat uses 15s/15s/30s/3m/10m/20m/30m/…; tests shorten them. */
  notifyRetryDelaysMs?: number[];
  /** Origin of the bill download_url; WeChat answers with its own host (the merchant's transport maps it). */
  billDownloadBase?: string;
}

type TradeType = 'JSAPI' | 'NATIVE' | 'MWEB';
interface Txn {
  out_trade_no: string;
  prepay_id: string;
  trade_type: TradeType;
  /** NATIVE: the QR code's content. */
  code_url?: string;
  /** MWEB (H5): when the h5_url stops working (5 minutes after it was issued). */
  h5_expires_at?: number;
  transaction_id?: string;
  description: string;
  notify_url: string;
  amount: { total: number; currency: string };
  payer: { openid: string };
  attach?: string;
  trade_state: 'NOTPAY' | 'SUCCESS' | 'CLOSED' | 'REFUND';
  success_time?: string;
  created_at: string;
  requestBody: string;
}
interface Refund {
  refund_id: string;
  out_refund_no: string;
  out_trade_no: string;
  transaction_id?: string;
  amount: { refund: number; total: number; currency: string };
  status: 'PROCESSING' | 'SUCCESS';
  notify_url?: string;
  success_time?: string;
}

const err = (res: ServerResponse, status: number, code: string, message: string) => sendJson(res, status, { code, message });
const BILL_URL_TTL_MS = 5 * 60_000;
const H5_URL_TTL_MS = 5 * 60_000;
const PREPAY_PATHS: Record<string, TradeType> = { '/v3/pay/transactions/jsapi': 'JSAPI', '/v3/pay/transactions/native': 'NATIVE', '/v3/pay/transactions/h5': 'MWEB' };
/** The h5_url's path, as on wx.tenpay.com. */
const H5_CASHIER_PATH = '/cgi-bin/mmpayweb-bin/checkmweb';
const escapeHtml = (v: string) => v.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const BILL_HISTORY_DAYS = 90; // WeChat keeps three months of bills

export function signMessage(privateKeyPem: string, message: string) {
  return createSign('RSA-SHA256').update(message).sign(privateKeyPem, 'base64');
}

export function encryptResource(apiV3Key: string, plaintext: string, associatedData: string) {
  const nonce = randomBytes(6).toString('hex'); // 12 chars, as WeChat sends
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(apiV3Key), nonce);
  cipher.setAAD(Buffer.from(associatedData));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]).toString('base64');
  return { algorithm: 'AEAD_AES_256_GCM', ciphertext, associated_data: associatedData, nonce };
}

export async function startWechatPaySimulator(opts: WechatPaySimulatorOptions): Promise<RunningSimulator & { ledger: () => { transactions: Txn[]; refunds: Refund[] } }> {
  const txns = new Map<string, Txn>();
  const refunds = new Map<string, Refund>();
  const deliveries: { id: string; event_type: string; attempt: number; status: number | string }[] = [];
  let fault: { times: number; status: number; code: string; path?: string } | null = null;
  let notifyMode: { duplicates?: number; delayMs?: number; tamper?: boolean; amountDelta?: number; payBeforeResponse?: boolean } = {};
  const retryDelays = opts.notifyRetryDelaysMs ?? [15_000, 15_000, 30_000, 180_000, 600_000, 1_200_000, 1_800_000];
  const timers = new Set<NodeJS.Timeout>();
  const bills = new Map<string, { file: Buffer; gzip: boolean; expiresAt: number }>();
  const billAdjust = { amounts: new Map<string, number>(), omit: new Set<string>(), refundAmounts: new Map<string, number>(), omitRefunds: new Set<string>() };

  /** Responses are signed like WeChat's: over "timestamp\nnonce\nbody\n" with the platform key. */
  function signedJson(res: ServerResponse, status: number, body: unknown) {
    const text = body === undefined ? '' : JSON.stringify(body);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = randomBytes(16).toString('hex');
    res.writeHead(status, {
      'Content-Type': 'application/json',
      'Request-ID': randomUUID(),
      'Wechatpay-Timestamp': timestamp,
      'Wechatpay-Nonce': nonce,
      'Wechatpay-Serial': opts.platformSerial,
      'Wechatpay-Signature': signMessage(opts.platformPrivateKeyPem, `${timestamp}\n${nonce}\n${text}\n`),
      'Wechatpay-Signature-Type': 'WECHATPAY2-SHA256-RSA2048',
      'Content-Length': Buffer.byteLength(text),
    });
    res.end(text);
  }

  /** Check the merchant's Authorization header: WECHATPAY2-SHA256-RSA2048 mchid="",nonce_str="",timestamp="",serial_no="",signature="". */
  function authorised(req: IncomingMessage, pathWithQuery: string, body: string): string | null {
    const header = req.headers.authorization ?? '';
    if (!header.startsWith('WECHATPAY2-SHA256-RSA2048 ')) return '缺少或错误的认证类型';
    const fields = Object.fromEntries([...header.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (fields.mchid !== opts.mchid) return '商户号不匹配';
    if (fields.serial_no !== opts.merchantSerial) return '商户证书序列号不匹配';
    if (Math.abs(Date.now() / 1000 - Number(fields.timestamp)) > 300) return '请求时间戳过期';
    const message = `${req.method}\n${pathWithQuery}\n${fields.timestamp}\n${fields.nonce_str}\n${body}\n`;
    const ok = createVerify('RSA-SHA256').update(message).verify(opts.merchantPublicKeyPem, fields.signature ?? '', 'base64');
    return ok ? null : '签名错误';
  }

  function schedule(fn: () => void, ms: number) {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  }

  /** Send an event to the merchant's notify_url, retrying like WeChat until it answers 2xx. */
  function notify(url: string, eventType: string, originalType: string, resource: object, summary: string) {
    const mode = notifyMode;
    notifyMode = {};
    const id = randomUUID();
    const plaintext = JSON.stringify(resource);
    const body = JSON.stringify({
      id,
      create_time: shanghaiRfc3339(new Date()),
      resource_type: 'encrypt-resource',
      event_type: eventType,
      summary,
      resource: { original_type: originalType, ...encryptResource(opts.apiV3Key, plaintext, originalType) },
    });
    const send = async (attempt: number) => {
      const timestamp = String(Math.floor(Date.now() / 1000));
      const nonce = randomBytes(16).toString('hex');
      let signature = signMessage(opts.platformPrivateKeyPem, `${timestamp}\n${nonce}\n${body}\n`);
      if (mode.tamper) signature = signMessage(opts.platformPrivateKeyPem, `${timestamp}\n${nonce}\n${body} \n`);
      let status: number | string;
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            'Wechatpay-Timestamp': timestamp,
            'Wechatpay-Nonce': nonce,
            'Wechatpay-Serial': opts.platformSerial,
            'Wechatpay-Signature': signature,
            'Wechatpay-Signature-Type': 'WECHATPAY2-SHA256-RSA2048',
          },
          body,
          signal: AbortSignal.timeout(5000),
        });
        status = res.status;
      } catch (e) {
        status = (e as Error).name;
      }
      deliveries.push({ id, event_type: eventType, attempt, status });
      const ok = typeof status === 'number' && status >= 200 && status < 300;
      if (!ok && !mode.tamper && attempt <= retryDelays.length) schedule(() => void send(attempt + 1), retryDelays[attempt - 1]);
    };
    const copies = 1 + (mode.duplicates ?? 0);
    if (mode.payBeforeResponse) return send(1); // delivered now, before the caller answers anything
    for (let i = 0; i < copies; i++) schedule(() => void send(1), (mode.delayMs ?? 0) + i * 20);
    return Promise.resolve();
  }

  /** The buyer paid: record it and tell the merchant. Returns the transaction as WeChat shows it. */
  function pay(t: Txn) {
    if (!t.payer.openid) t.payer = { openid: 'oSimulatedPayer' };
    t.trade_state = 'SUCCESS';
    t.transaction_id = `4200${Date.now()}${randomBytes(3).toString('hex')}`;
    t.success_time = shanghaiRfc3339(new Date());
    const view = transactionView(t);
    const delta = notifyMode.amountDelta ?? 0;
    const resource = delta ? { ...view, amount: { ...view.amount, total: view.amount.total + delta, payer_total: view.amount.total + delta } } : view;
    return { view, sent: notify(t.notify_url, 'TRANSACTION.SUCCESS', 'transaction', resource, '支付成功') };
  }

  function transactionView(t: Txn) {
    return {
      appid: opts.appid,
      mchid: opts.mchid,
      out_trade_no: t.out_trade_no,
      ...(t.transaction_id ? { transaction_id: t.transaction_id } : {}),
      trade_type: t.trade_type,
      trade_state: t.trade_state,
      trade_state_desc: { NOTPAY: '未支付', SUCCESS: '支付成功', CLOSED: '已关闭', REFUND: '转入退款' }[t.trade_state],
      ...(t.success_time ? { success_time: t.success_time, bank_type: 'OTHERS' } : {}),
      attach: t.attach ?? '',
      ...(t.payer.openid ? { payer: t.payer } : {}),
      amount: { total: t.amount.total, currency: 'CNY', ...(t.trade_state === 'SUCCESS' || t.trade_state === 'REFUND' ? { payer_total: t.amount.total, payer_currency: 'CNY' } : {}) },
    };
  }

  /** The trade bill of one Asia/Shanghai day as WeChat would publish it (with any injected discrepancies). */
  function billOf(date: string, type: 'ALL' | 'SUCCESS' | 'REFUND'): string | null {
    const payments: BillPayment[] = [];
    const refundRows: BillRefund[] = [];
    const base = (t: Txn) => ({ appid: opts.appid, mchid: opts.mchid, transactionId: t.transaction_id ?? '', outTradeNo: t.out_trade_no, openid: t.payer.openid, totalFen: t.amount.total, description: t.description, attach: t.attach });
    if (type !== 'REFUND') {
      for (const t of txns.values()) {
        if (!t.success_time || (t.trade_state !== 'SUCCESS' && t.trade_state !== 'REFUND')) continue;
        const time = new Date(t.success_time);
        if (shanghaiDate(time) !== date || billAdjust.omit.has(t.out_trade_no)) continue;
        payments.push({ ...base(t), time, totalFen: billAdjust.amounts.get(t.out_trade_no) ?? t.amount.total });
      }
    }
    if (type !== 'SUCCESS') {
      for (const r of refunds.values()) {
        const t = txns.get(r.out_trade_no);
        if (!t || r.status !== 'SUCCESS' || !r.success_time) continue;
        const time = new Date(r.success_time);
        if (shanghaiDate(time) !== date || billAdjust.omitRefunds.has(r.out_refund_no)) continue;
        refundRows.push({ ...base(t), time, refundId: r.refund_id, outRefundNo: r.out_refund_no, refundFen: billAdjust.refundAmounts.get(r.out_refund_no) ?? r.amount.refund });
      }
    }
    if (payments.length + refundRows.length === 0) return null;
    return formatTradeBill(payments, refundRows);
  }

  const sim = await startSimulator(
    'wechatpay',
    async (req, res, url) => {
      const path = url.pathname;
      // ---- test controls ----
      if (path.startsWith('/__sim/wxpay/')) {
        if (req.method === 'GET' && path === '/__sim/wxpay/ledger') return sendJson(res, 200, { transactions: [...txns.values()].map(transactionView), refunds: [...refunds.values()] });
        if (req.method === 'GET' && path === '/__sim/wxpay/deliveries') return sendJson(res, 200, { deliveries });
        const body = JSON.parse((await readBody(req)) || '{}');
        if (path === '/__sim/wxpay/fail') {
          fault = body;
          return sendJson(res, 200, { ok: true });
        }
        if (path === '/__sim/wxpay/notify') {
          notifyMode = body;
          return sendJson(res, 200, { ok: true });
        }
        if (path === '/__sim/wxpay/bill') {
          if (body.reset) {
            billAdjust.amounts.clear();
            billAdjust.omit.clear();
            billAdjust.refundAmounts.clear();
            billAdjust.omitRefunds.clear();
          }
          for (const [no, fen] of Object.entries(body.amounts ?? {})) billAdjust.amounts.set(no, Number(fen));
          for (const no of body.omit ?? []) billAdjust.omit.add(no);
          for (const [no, fen] of Object.entries(body.refundAmounts ?? {})) billAdjust.refundAmounts.set(no, Number(fen));
          for (const no of body.omitRefunds ?? []) billAdjust.omitRefunds.add(no);
          const added = [];
          for (const x of body.extra ?? []) {
            if (typeof x.out_trade_no !== 'string' || !Number.isInteger(x.total) || x.total < 1) return err(res, 400, 'PARAM_ERROR', 'extra: out_trade_no and a positive integer total are required');
            if (txns.has(x.out_trade_no)) return err(res, 409, 'OUT_TRADE_NO_USED', `${x.out_trade_no} already exists`);
            const now = new Date();
            const t: Txn = {
              out_trade_no: x.out_trade_no,
              prepay_id: `wx${Date.now()}${randomBytes(8).toString('hex')}`,
              transaction_id: `4200${Date.now()}${randomBytes(3).toString('hex')}`,
              description: x.description ?? '线下收款',
              notify_url: '',
              trade_type: 'JSAPI',
              amount: { total: x.total, currency: 'CNY' },
              payer: { openid: x.openid ?? 'oSimulatedPayer' },
              trade_state: 'SUCCESS',
              success_time: x.success_time ? shanghaiRfc3339(new Date(x.success_time)) : shanghaiRfc3339(now),
              created_at: now.toISOString(),
              requestBody: '',
            };
            txns.set(t.out_trade_no, t);
            added.push(transactionView(t));
          }
          return sendJson(res, 200, { ok: true, extra: added });
        }
        if (path === '/__sim/wxpay/scan') {
          const t = [...txns.values()].find((x) => x.trade_type === 'NATIVE' && x.code_url === body.code_url);
          if (!t) return err(res, 404, 'ORDER_NOT_EXIST', '二维码无效');
          if (t.trade_state !== 'NOTPAY') return err(res, 400, t.trade_state === 'SUCCESS' ? 'ORDERPAID' : 'ORDER_CLOSED', '订单状态不允许支付');
          t.payer = { openid: body.openid ?? 'oSimulatedScanner' };
          return sendJson(res, 200, pay(t).view);
        }
        if (path === '/__sim/wxpay/pay') {
          const t = txns.get(body.out_trade_no);
          if (!t) return err(res, 404, 'ORDER_NOT_EXIST', '订单不存在');
          const allowed = t.trade_state === 'NOTPAY' || (body.force && t.trade_state === 'CLOSED');
          if (!allowed) return err(res, 400, t.trade_state === 'SUCCESS' ? 'ORDERPAID' : 'ORDER_CLOSED', '订单状态不允许支付');
          if (body.openid) t.payer = { openid: body.openid };
          return sendJson(res, 200, pay(t).view);
        }
        return sendJson(res, 404, { code: 'NOT_FOUND', message: 'unknown control' });
      }

      // ---- the h5_url: WeChat's mobile cashier, played here (a page, not an API: no signatures) ----
      if (path === H5_CASHIER_PATH) {
        const t = [...txns.values()].find((x) => x.trade_type === 'MWEB' && x.prepay_id === url.searchParams.get('prepay_id'));
        const redirect = url.searchParams.get('redirect_url') ?? '';
        const expired = !t || (t.h5_expires_at ?? 0) < Date.now();
        if (req.method === 'POST' && t && !expired && t.trade_state === 'NOTPAY') {
          t.payer = { openid: 'oSimulatedH5Payer' };
          pay(t);
          if (/^https?:\/\//.test(redirect)) {
            res.writeHead(302, { Location: redirect });
            return void res.end();
          }
        }
        const state = !t ? '订单不存在' : expired && t.trade_state === 'NOTPAY' ? '链接已过期，请返回商户重新发起支付' : { NOTPAY: '待支付', SUCCESS: '支付成功', CLOSED: '订单已关闭', REFUND: '已退款' }[t.trade_state];
        const html = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>微信支付</title></head><body>
<h1>微信支付（模拟）</h1>${t ? `<p class="desc">${escapeHtml(t.description)}</p><p class="amount" data-total="${t.amount.total}">¥${(t.amount.total / 100).toFixed(2)}</p>` : ''}<p class="state" data-state="${t?.trade_state ?? 'NONE'}">${state}</p>
${t && !expired && t.trade_state === 'NOTPAY' ? `<form method="post"><button class="pay" type="submit">确认支付</button></form>` : ''}${/^https?:\/\//.test(redirect) ? `<a class="back" href="${escapeHtml(redirect)}">返回商户</a>` : ''}</body></html>`;
        res.writeHead(200, { 'Content-Type': 'text/html;charset=utf-8', 'Content-Length': Buffer.byteLength(html) });
        return void res.end(html);
      }

      // ---- WeChat Pay API v3 ----
      const raw = req.method === 'GET' ? '' : await readBody(req);
      const problem = authorised(req, url.pathname + url.search, raw);
      if (problem) return err(res, 401, 'SIGN_ERROR', problem);
      if (fault && fault.times > 0 && (!fault.path || path.includes(fault.path))) {
        fault.times -= 1;
        return err(res, fault.status, fault.code, '模拟故障');
      }
      let body: any = {};
      try {
        body = raw ? JSON.parse(raw) : {};
      } catch {
        return err(res, 400, 'PARAM_ERROR', '请求体不是有效的 JSON');
      }

      const prepayType: TradeType | undefined = req.method === 'POST' ? PREPAY_PATHS[path] : undefined;
      if (prepayType) {
        const missing = ['appid', 'mchid', 'description', 'out_trade_no', 'notify_url'].find((k) => typeof body[k] !== 'string' || !body[k]);
        if (missing) return err(res, 400, 'PARAM_ERROR', `输入源“/body/${missing}”映射到字段“${missing}”必填性规则校验失败，此字段为必填项`);
        if (!Number.isInteger(body.amount?.total) || body.amount.total < 1) return err(res, 400, 'PARAM_ERROR', '订单金额不正确');
        if (prepayType === 'JSAPI' && typeof body.payer?.openid !== 'string') return err(res, 400, 'PARAM_ERROR', '缺少 payer.openid');
        if (prepayType === 'MWEB') {
          if (typeof body.scene_info?.payer_client_ip !== 'string' || !/^[\d.:a-fA-F]{3,45}$/.test(body.scene_info.payer_client_ip))
            return err(res, 400, 'PARAM_ERROR', '输入源“/body/scene_info/payer_client_ip”映射到字段“用户终端IP”必填性规则校验失败，此字段为必填项');
          if (!['iOS', 'Android', 'Wap'].includes(body.scene_info?.h5_info?.type)) return err(res, 400, 'PARAM_ERROR', '输入源“/body/scene_info/h5_info/type”映射到字段“场景类型”必填性规则校验失败，此字段为必填项');
        }
        if (body.mchid !== opts.mchid || body.appid !== opts.appid) return err(res, 400, 'INVALID_REQUEST', 'appid 和 mch_id 不匹配');
        if (!/^[A-Za-z0-9_*|-]{6,32}$/.test(body.out_trade_no)) return err(res, 400, 'PARAM_ERROR', 'out_trade_no 格式不正确');
        if (body.time_expire !== undefined && Number.isNaN(Date.parse(body.time_expire))) return err(res, 400, 'PARAM_ERROR', 'time_expire 格式不正确');
        const answer = (t: Txn) => {
          if (t.trade_type === 'NATIVE') return { code_url: t.code_url };
          if (t.trade_type === 'MWEB') {
            t.h5_expires_at = Date.now() + H5_URL_TTL_MS; // each answer is a fresh 5-minute link
            return { h5_url: `http://${req.headers.host}${H5_CASHIER_PATH}?prepay_id=${t.prepay_id}&package=${randomBytes(5).readUInt32BE(0)}` };
          }
          return { prepay_id: t.prepay_id };
        };
        const existing = txns.get(body.out_trade_no);
        if (existing) {
          if (existing.trade_state === 'SUCCESS') return err(res, 400, 'ORDERPAID', '该订单已支付');
          if (existing.trade_state === 'CLOSED') return err(res, 400, 'ORDER_CLOSED', '订单已关闭');
          if (existing.trade_type !== prepayType || existing.amount.total !== body.amount.total || existing.description !== body.description)
            return err(res, 400, 'OUT_TRADE_NO_USED', '商户订单号重复');
          return signedJson(res, 200, answer(existing)); // same order, same prepay
        }
        const prepayId = `wx${Date.now()}${randomBytes(8).toString('hex')}`;
        const t: Txn = {
          out_trade_no: body.out_trade_no,
          prepay_id: prepayId,
          trade_type: prepayType,
          ...(prepayType === 'NATIVE' ? { code_url: `weixin://wxpay/bizpayurl?pr=${randomBytes(6).toString('base64url')}` } : {}),
          description: body.description,
          notify_url: body.notify_url,
          amount: { total: body.amount.total, currency: 'CNY' },
          // Native and H5 buyers are known only once they pay.
          payer: { openid: body.payer?.openid ?? '' },
          attach: body.attach,
          trade_state: 'NOTPAY',
          created_at: new Date().toISOString(),
          requestBody: raw,
        };
        txns.set(t.out_trade_no, t);
        if (notifyMode.payBeforeResponse) await pay(t).sent;
        return signedJson(res, 200, answer(t));
      }
      let m = /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)$/.exec(path);
      if (req.method === 'GET' && m) {
        if (url.searchParams.get('mchid') !== opts.mchid) return err(res, 400, 'PARAM_ERROR', 'mchid 不正确');
        const t = txns.get(decodeURIComponent(m[1]));
        return t ? signedJson(res, 200, transactionView(t)) : err(res, 404, 'ORDER_NOT_EXIST', '订单不存在');
      }
      m = /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)\/close$/.exec(path);
      if (req.method === 'POST' && m) {
        const t = txns.get(decodeURIComponent(m[1]));
        if (!t) return err(res, 404, 'ORDER_NOT_EXIST', '订单不存在');
        if (t.trade_state === 'SUCCESS' || t.trade_state === 'REFUND') return err(res, 400, 'ORDERPAID', '订单已支付');
        t.trade_state = 'CLOSED';
        return signedJson(res, 204, undefined);
      }
      if (req.method === 'POST' && path === '/v3/refund/domestic/refunds') {
        const t = txns.get(body.out_trade_no ?? '');
        if (!t) return err(res, 404, 'RESOURCE_NOT_EXISTS', '订单不存在');
        if (typeof body.out_refund_no !== 'string' || !Number.isInteger(body.amount?.refund)) return err(res, 400, 'PARAM_ERROR', '参数错误');
        const existing = refunds.get(body.out_refund_no);
        if (existing) return signedJson(res, 200, existing);
        if (t.trade_state !== 'SUCCESS') return err(res, 403, 'TRADE_ERROR', '订单状态不允许退款');
        if (body.amount.refund > t.amount.total || body.amount.total !== t.amount.total) return err(res, 400, 'PARAM_ERROR', '退款金额不正确');
        const r: Refund = {
          refund_id: `5030${Date.now()}${randomBytes(3).toString('hex')}`,
          out_refund_no: body.out_refund_no,
          out_trade_no: t.out_trade_no,
          transaction_id: t.transaction_id,
          amount: { refund: body.amount.refund, total: t.amount.total, currency: 'CNY' },
          status: 'PROCESSING',
          notify_url: body.notify_url,
        };
        refunds.set(r.out_refund_no, r);
        t.trade_state = 'REFUND';
        schedule(() => {
          r.status = 'SUCCESS';
          r.success_time = shanghaiRfc3339(new Date());
          if (r.notify_url)
            notify(r.notify_url, 'REFUND.SUCCESS', 'refund', { mchid: opts.mchid, out_trade_no: r.out_trade_no, transaction_id: r.transaction_id, out_refund_no: r.out_refund_no, refund_id: r.refund_id, refund_status: 'SUCCESS', success_time: r.success_time, amount: { total: r.amount.total, refund: r.amount.refund, payer_total: r.amount.total, payer_refund: r.amount.refund } }, '退款成功');
        }, 50);
        return signedJson(res, 200, r);
      }
      if (req.method === 'GET' && path === '/v3/bill/tradebill') {
        const date = url.searchParams.get('bill_date') ?? '';
        const type = url.searchParams.get('bill_type') ?? 'ALL';
        const tar = url.searchParams.get('tar_type');
        const day = /^\d{4}-\d{2}-\d{2}$/.test(date) ? new Date(`${date}T00:00:00+08:00`) : null;
        if (!day || Number.isNaN(day.getTime()) || shanghaiDate(day) !== date) return err(res, 400, 'PARAM_ERROR', '账单日期格式不正确');
        if (type !== 'ALL' && type !== 'SUCCESS' && type !== 'REFUND') return err(res, 400, 'PARAM_ERROR', '账单类型不正确');
        if (tar !== null && tar !== 'GZIP') return err(res, 400, 'PARAM_ERROR', '压缩类型不正确');
        const today = shanghaiDate(new Date());
        if (date > today) return err(res, 400, 'PARAM_ERROR', '账单日期不能晚于当前日期');
        if (Date.now() - day.getTime() > BILL_HISTORY_DAYS * 86_400_000) return err(res, 400, 'PARAM_ERROR', '仅支持下载三个月内的账单');
        const text = billOf(date, type);
        if (text === null) return err(res, 400, 'NO_STATEMENT_EXIST', '账单文件不存在');
        const file = tar === 'GZIP' ? gzipSync(Buffer.from(text, 'utf8')) : Buffer.from(text, 'utf8');
        const token = randomBytes(24).toString('base64url');
        const now = Date.now();
        for (const [k, b] of bills) if (b.expiresAt < now) bills.delete(k);
        bills.set(token, { file, gzip: tar === 'GZIP', expiresAt: now + BILL_URL_TTL_MS });
        const downloadBase = (opts.billDownloadBase ?? 'https://api.mch.weixin.qq.com').replace(/\/$/, '');
        return signedJson(res, 200, { hash_type: 'SHA1', hash_value: createHash('sha1').update(file).digest('hex'), download_url: `${downloadBase}/v3/billdownload/file?token=${token}` });
      }
      if (req.method === 'GET' && path === '/v3/billdownload/file') {
        const bill = bills.get(url.searchParams.get('token') ?? '');
        if (!bill || bill.expiresAt < Date.now()) return err(res, 400, 'PARAM_ERROR', '下载链接已失效，请重新申请账单');
        // Not signed (WeChat does not sign bill files); the hash in the signed tradebill answer covers it.
        res.writeHead(200, { 'Content-Type': bill.gzip ? 'application/octet-stream' : 'text/plain;charset=utf-8', 'Request-ID': randomUUID(), 'Content-Length': bill.file.length });
        return void res.end(bill.file);
      }
      return err(res, 404, 'NOT_FOUND', '接口不存在');
    },
    opts.port,
  );
  const close = sim.close;
  return {
    ...sim,
    ledger: () => ({ transactions: [...txns.values()], refunds: [...refunds.values()] }),
    close: async () => {
      for (const t of timers) clearTimeout(t);
      await close();
    },
  };
}
