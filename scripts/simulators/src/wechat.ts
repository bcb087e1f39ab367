import { createHash, randomBytes } from 'node:crypto';
import { readBody, sendJson, startSimulator, type RunningSimulator } from './server';
import { createMessageApi, type SubscribeTemplate } from './wechat-messages';
import { createShippingApi } from './wechat-shipping';
import { createWxacodeApi } from './wechat-wxacode';

/**
 * WeChat server API simulator (api.weixin.qq.com). Implements code2Session with WeChat's own
 * parameters and errcodes:
 *   GET /sns/jscode2session?appid&secret&js_code&grant_type=authorization_code
 *   -> { openid, session_key, unionid? } | { errcode, errmsg }
 * errcodes: 40013 invalid appid, 40125 invalid appsecret, 40029 invalid code, 40163 code been used,
 * 45011 minute quota reached, -1 system busy. A code is valid for 5 minutes and only once.
 *
 * Test controls (not part of WeChat's API):
 *   POST /__sim/wechat/codes { openid?, unionid? } -> { code, openid }  (what wx.login would yield)
 *   POST /__sim/wechat/fail  { errcode, times }                         (next N calls fail with errcode)
 *   POST /__sim/wechat/delay { ms, times }                              (next N calls answer after ms)
 * With `acceptUnknownCodes` (local dev only), an unknown code logs in a stable user derived from
 * the code, so the devtools' real wx.login codes work against the simulator.
 *
 * Access tokens and subscribe messages (`/cgi-bin/token`, `/cgi-bin/message/subscribe/send`) are
 * served by the same simulator; see wechat-messages.ts. So is the shipping-info upload of WeChat
 * Pay orders (/wxa/sec/order/upload_shipping_info); see wechat-shipping.ts. And mini-program codes
 * (/wxa/getwxacodeunlimit); see wechat-wxacode.ts.
 */
export interface WechatSimulatorOptions {
  appId: string;
  secret: string;
  port?: number;
  acceptUnknownCodes?: boolean;
  /** Clock, for testing code expiry. */
  now?: () => number;
  /** Subscribe-message templates of this mini-program (default: the dev maintenance and delivery-progress templates). */
  subscribeTemplates?: SubscribeTemplate[];
  accessTokenTtlSeconds?: number;
  /** subscribeMessage.send calls allowed per minute before errcode 45009 (default: unlimited). */
  sendQuotaPerMinute?: number;
  /** subscribeMessage.send calls allowed per Asia/Shanghai day before errcode 45009 (default: unlimited). */
  sendQuotaPerDay?: number;
  /** getwxacodeunlimit calls allowed per minute before errcode 45009 (default: unlimited). */
  wxacodeQuotaPerMinute?: number;
  /** Pages of the released mini-program (getwxacodeunlimit with check_path). */
  miniprogramPages?: string[];
}

const CODE_TTL_MS = 5 * 60 * 1000;
const ERRMSG: Record<number, string> = {
  40013: 'invalid appid',
  40125: 'invalid appsecret',
  40029: 'invalid code',
  40163: 'code been used',
  45011: 'api minute-quota reach limit mustslower retry next minute',
  40226: 'high risk user',
  [-1]: 'system error',
};

const err = (errcode: number) => ({ errcode, errmsg: `${ERRMSG[errcode] ?? 'error'}, rid: ${randomBytes(6).toString('hex')}` });

export async function startWechatSimulator(opts: WechatSimulatorOptions): Promise<RunningSimulator> {
  const now = opts.now ?? Date.now;
  const codes = new Map<string, { openid: string; unionid?: string; issuedAt: number; used: boolean }>();
  let forced: { errcode: number; times: number } | null = null;
  let delayed: { ms: number; times: number } | null = null;
  const messages = createMessageApi({
    appId: opts.appId,
    secret: opts.secret,
    now,
    templates: opts.subscribeTemplates,
    tokenTtlSeconds: opts.accessTokenTtlSeconds,
    sendQuotaPerMinute: opts.sendQuotaPerMinute,
    sendQuotaPerDay: opts.sendQuotaPerDay,
  });
  const shipping = createShippingApi({ tokenErrcode: messages.tokenErrcode });
  const wxacode = createWxacodeApi({ tokenErrcode: messages.tokenErrcode, now, quotaPerMinute: opts.wxacodeQuotaPerMinute, pages: opts.miniprogramPages });

  return startSimulator(
    'wechat',
    async (req, res, url) => {
      if (req.method === 'POST' && url.pathname === '/__sim/wechat/codes') {
        const body = JSON.parse((await readBody(req)) || '{}') as { openid?: string; unionid?: string };
        const code = randomBytes(16).toString('hex');
        const openid = body.openid ?? `o${randomBytes(14).toString('base64url')}`;
        codes.set(code, { openid, unionid: body.unionid, issuedAt: now(), used: false });
        return sendJson(res, 200, { code, openid });
      }
      if (req.method === 'POST' && url.pathname === '/__sim/wechat/fail') {
        forced = JSON.parse(await readBody(req)) as { errcode: number; times: number };
        return sendJson(res, 200, { ok: true });
      }
      if (req.method === 'POST' && url.pathname === '/__sim/wechat/delay') {
        delayed = JSON.parse(await readBody(req)) as { ms: number; times: number };
        return sendJson(res, 200, { ok: true });
      }
      if (req.method === 'GET' && url.pathname === '/sns/jscode2session') {
        if (delayed && delayed.times > 0) {
          delayed.times -= 1;
          await new Promise((r) => setTimeout(r, delayed!.ms));
        }
        const q = url.searchParams;
        // WeChat labels these JSON answers text/plain.
        const reply = (body: unknown) => sendJson(res, 200, body, 'text/plain');
        if (forced && forced.times > 0) {
          forced.times -= 1;
          return reply(err(forced.errcode));
        }
        if (q.get('appid') !== opts.appId) return reply(err(40013));
        if (q.get('secret') !== opts.secret) return reply(err(40125));
        if (q.get('grant_type') !== 'authorization_code') return reply(err(40029));
        const code = q.get('js_code') ?? '';
        let entry = codes.get(code);
        if (!entry && opts.acceptUnknownCodes && /^[A-Za-z0-9_-]{8,64}$/.test(code)) {
          entry = { openid: `o${createHash('sha256').update(code).digest('base64url').slice(0, 27)}`, issuedAt: now(), used: false };
          codes.set(code, entry);
        }
        if (!entry || now() - entry.issuedAt > CODE_TTL_MS) return reply(err(40029));
        if (entry.used) return reply(err(40163));
        entry.used = true;
        return reply({
          openid: entry.openid,
          session_key: randomBytes(16).toString('base64'),
          ...(entry.unionid ? { unionid: entry.unionid } : {}),
        });
      }
      if (await messages.handle(req, res, url)) return;
      if (await shipping.handle(req, res, url)) return;
      if (await wxacode.handle(req, res, url)) return;
      sendJson(res, 404, { errcode: 404, errmsg: 'not found' });
    },
    opts.port,
  );
}
