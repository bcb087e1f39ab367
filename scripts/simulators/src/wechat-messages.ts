import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from './server';

/**
 * WeChat server API, subscribe messages (part of the wechat simulator; same base URL):
 *   GET  /cgi-bin/token?grant_type=client_credential&appid&secret -> { access_token, expires_in }
 *        errcodes 40002 invalid grant_type, 40013 invalid appid, 40125 invalid appsecret
 *        (40001 and -1 can be forced). A new token leaves the previous ones valid for 5 minutes,
 *        as WeChat does.
 *   POST /cgi-bin/message/subscribe/send?access_token=…
 *        { touser, template_id, page?, data: { key: { value } }, miniprogram_state?, lang? }
 *        -> { errcode: 0, errmsg: 'ok', msgid }
 *        errcodes 40001 invalid/expired access_token, 40003 invalid openid, 40037 invalid
 *        template_id, 43101 user refused (no opt-in left), 47003 template parameter invalid,
 *        45009 "reach max api daily quota limit" (the account's calls for the day, counted per
 *        Asia/Shanghai day, are used up; a per-minute limit can be set too).
 * WeChat keeps each user's one-time opt-ins: one accepted request allows ONE message; the
 * simulator keeps the same count per openid and template.
 *
 * Test controls (not part of WeChat's API):
 *   POST /__sim/wechat/subscribe { openid | openids, templateId, count? }  the user(s) accepted on the device
 *   POST /__sim/wechat/send-fail { errcode, times }               next N sends fail with errcode
 *   POST /__sim/wechat/send-delay { ms, times }                   next N sends answer after ms
 *   POST /__sim/wechat/send-quota { perDay }                      the daily quota (null: unlimited); today's count is kept
 *   POST /__sim/wechat/expire-tokens                              every issued token becomes invalid (40001)
 *   GET  /__sim/wechat/messages[?openid=]                         messages delivered, oldest first
 *   GET  /__sim/wechat/message-stats                              tokens issued, send calls, errors by code
 */
export type KeywordType = 'thing' | 'number' | 'letter' | 'symbol' | 'character_string' | 'time' | 'date' | 'amount' | 'phone_number' | 'car_number' | 'name' | 'phrase';

export interface SubscribeTemplate {
  id: string;
  title: string;
  /** Keyword name (e.g. thing1, date2) -> its type, which decides what values WeChat accepts. */
  keywords: Record<string, KeywordType>;
}

/** The maintenance-reminder template of the dev/test mini-program (the BFF's default WECHAT_TEMPLATE_MAINTENANCE). */
export const DEV_MAINTENANCE_TEMPLATE: SubscribeTemplate = {
  id: 'Mnt0Rmd_DevTemplate_000000000000000000000A',
  title: '车辆保养提醒',
  keywords: { thing1: 'thing', date2: 'date', thing3: 'thing' },
};

/** The delivery-progress template (物流状态通知) of the dev/test mini-program (the BFF's default WECHAT_TEMPLATE_DELIVERY). */
export const DEV_DELIVERY_TEMPLATE: SubscribeTemplate = {
  id: 'Dlv0Prg_DevTemplate_000000000000000000000B',
  title: '物流状态通知',
  keywords: { character_string1: 'character_string', thing2: 'thing', time3: 'time', thing4: 'thing' },
};

/**
 * The booking-result template (预约结果通知) of the dev/test mini-program (the BFF's default
 * WECHAT_TEMPLATE_BOOKING): 预约项目, 预约时间, 预约地点, 预约状态 (预约成功 / 已改期 / 已取消), 温馨提示.
 */
export const DEV_BOOKING_TEMPLATE: SubscribeTemplate = {
  id: 'Bkg0Res_DevTemplate_000000000000000000000C',
  title: '预约结果通知',
  keywords: { thing1: 'thing', time2: 'time', thing3: 'thing', phrase4: 'phrase', thing5: 'thing' },
};

/** The appointment-reminder template (预约提醒) of the dev/test mini-program (the BFF's default WECHAT_TEMPLATE_BOOKING_REMINDER). */
export const DEV_BOOKING_REMINDER_TEMPLATE: SubscribeTemplate = {
  id: 'Bkg0Rmd_DevTemplate_000000000000000000000D',
  title: '预约提醒',
  keywords: { thing1: 'thing', time2: 'time', thing3: 'thing', thing4: 'thing' },
};

export interface MessageApiOptions {
  appId: string;
  secret: string;
  now: () => number;
  templates?: SubscribeTemplate[];
  tokenTtlSeconds?: number;
  /** Sends allowed per minute before 45009 (default: unlimited). */
  sendQuotaPerMinute?: number;
  /** Sends allowed per Asia/Shanghai day before 45009, as WeChat's daily API quota (default: unlimited). */
  sendQuotaPerDay?: number;
}

const ERRMSG: Record<number, string> = {
  [-1]: 'system error',
  40001: 'invalid credential, access_token is invalid or not latest',
  40002: 'invalid grant_type',
  40003: 'invalid openid',
  40013: 'invalid appid',
  40037: 'invalid template_id',
  40125: 'invalid appsecret',
  42001: 'access_token expired',
  43101: 'user refuse to accept the msg',
  45009: 'reach max api daily quota limit',
  47003: 'argument invalid!',
};
const err = (errcode: number, detail = '') => ({ errcode, errmsg: `${ERRMSG[errcode] ?? 'error'}${detail ? ` ${detail}` : ''} rid: ${randomBytes(6).toString('hex')}` });

const len = (s: string) => [...s].length;
const KEYWORD_RULES: Record<KeywordType, (v: string) => boolean> = {
  thing: (v) => len(v) <= 20,
  number: (v) => /^[+-]?\d{1,32}(\.\d+)?$/.test(v) && len(v) <= 32,
  letter: (v) => /^[A-Za-z]{1,32}$/.test(v),
  symbol: (v) => len(v) <= 5 && !/[\p{L}\p{N}]/u.test(v),
  character_string: (v) => len(v) <= 32 && /^[\x21-\x7e]+$/.test(v),
  time: (v) => /^(\d{4}(-\d{2}-\d{2}|年\d{1,2}月\d{1,2}日) )?\d{1,2}:\d{2}(:\d{2})?$/.test(v),
  date: (v) => /^\d{4}(-\d{2}-\d{2}|年\d{1,2}月\d{1,2}日)( \d{1,2}:\d{2}(:\d{2})?)?$/.test(v),
  amount: (v) => /^[¥$€]?\d{1,10}(\.\d{1,2})?元?$/.test(v),
  phone_number: (v) => /^[\d+-]{1,17}$/.test(v),
  car_number: (v) => len(v) <= 8,
  name: (v) => (/^[A-Za-z ]+$/.test(v) ? len(v) <= 20 : len(v) <= 10),
  phrase: (v) => len(v) <= 5 && /^[\u4e00-\u9fa5]+$/.test(v),
};

export interface SentMessage {
  msgid: number;
  touser: string;
  template_id: string;
  page?: string;
  data: Record<string, { value: string }>;
  at: number;
}

export function createMessageApi(opts: MessageApiOptions) {
  const templates = new Map((opts.templates ?? [DEV_MAINTENANCE_TEMPLATE, DEV_DELIVERY_TEMPLATE, DEV_BOOKING_TEMPLATE, DEV_BOOKING_REMINDER_TEMPLATE]).map((t) => [t.id, t]));
  const ttl = opts.tokenTtlSeconds ?? 7200;
  const tokens = new Map<string, number>(); // token -> expires at (ms)
  const optIns = new Map<string, number>(); // `${openid} ${templateId}` -> remaining one-time opt-ins
  const sent: SentMessage[] = [];
  const stats = { tokensIssued: 0, sendCalls: 0, errors: {} as Record<string, number> };
  let forced: { errcode: number; times: number } | null = null;
  let delayed: { ms: number; times: number } | null = null;
  let window = { minute: -1, count: 0 };
  let perDay = opts.sendQuotaPerDay ?? null;
  let today = { day: -1, count: 0 };
  let msgid = 2_000_000_000;

  const json = async <T>(req: IncomingMessage): Promise<T | null> => {
    try {
      return JSON.parse((await readBody(req)) || '{}') as T;
    } catch {
      return null;
    }
  };
  const fail = (res: ServerResponse, errcode: number, detail?: string) => {
    stats.errors[errcode] = (stats.errors[errcode] ?? 0) + 1;
    sendJson(res, 200, err(errcode, detail));
  };

  async function send(req: IncomingMessage, res: ServerResponse, url: URL) {
    stats.sendCalls += 1;
    if (delayed && delayed.times > 0) {
      delayed.times -= 1;
      await new Promise((r) => setTimeout(r, delayed!.ms));
    }
    const token = url.searchParams.get('access_token') ?? '';
    const expires = tokens.get(token);
    if (expires === undefined) return fail(res, 40001);
    if (expires <= opts.now()) return fail(res, 42001);
    if (forced && forced.times > 0) {
      forced.times -= 1;
      return fail(res, forced.errcode);
    }
    if (perDay !== null) {
      const day = Math.floor((opts.now() + 8 * 3600_000) / 86_400_000); // WeChat's quotas reset at 00:00 Beijing time
      if (today.day !== day) today = { day, count: 0 };
      if (today.count >= perDay) return fail(res, 45009);
      today.count += 1;
    }
    if (opts.sendQuotaPerMinute !== undefined) {
      const minute = Math.floor(opts.now() / 60_000);
      if (window.minute !== minute) window = { minute, count: 0 };
      if (window.count >= opts.sendQuotaPerMinute) return fail(res, 45009);
      window.count += 1;
    }
    const body = await json<{ touser?: unknown; template_id?: unknown; page?: unknown; data?: unknown }>(req);
    if (!body) return fail(res, 47001 as number, 'data format error');
    if (typeof body.touser !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(body.touser)) return fail(res, 40003);
    const template = typeof body.template_id === 'string' ? templates.get(body.template_id) : undefined;
    if (!template) return fail(res, 40037);
    const data = body.data as Record<string, { value?: unknown }> | undefined;
    if (!data || typeof data !== 'object') return fail(res, 47003, 'data is empty');
    for (const [key, type] of Object.entries(template.keywords)) {
      const value = data[key]?.value;
      if (typeof value !== 'string' || value.length === 0 || !KEYWORD_RULES[type](value)) return fail(res, 47003, `data.${key}.value invalid`);
    }
    for (const key of Object.keys(data)) if (!(key in template.keywords)) return fail(res, 47003, `data.${key} not in template`);
    const k = `${body.touser} ${template.id}`;
    const left = optIns.get(k) ?? 0;
    if (left <= 0) return fail(res, 43101);
    optIns.set(k, left - 1);
    msgid += 1;
    sent.push({ msgid, touser: body.touser, template_id: template.id, page: typeof body.page === 'string' ? body.page : undefined, data: data as SentMessage['data'], at: opts.now() });
    return sendJson(res, 200, { errcode: 0, errmsg: 'ok', msgid });
  }

  /** Answers the request and returns true when it is one of ours. */
  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const route = `${req.method} ${url.pathname}`;
    switch (route) {
      case 'GET /cgi-bin/token': {
        const q = url.searchParams;
        if (forced && forced.times > 0 && [40001, -1].includes(forced.errcode)) {
          forced.times -= 1;
          fail(res, forced.errcode);
          return true;
        }
        if (q.get('grant_type') !== 'client_credential') fail(res, 40002);
        else if (q.get('appid') !== opts.appId) fail(res, 40013);
        else if (q.get('secret') !== opts.secret) fail(res, 40125);
        else {
          const now = opts.now();
          // WeChat: after a refresh the old token stays usable for 5 minutes.
          for (const [t, exp] of tokens) tokens.set(t, Math.min(exp, now + 5 * 60_000));
          const token = `SIM_${randomBytes(48).toString('base64url')}`;
          tokens.set(token, now + ttl * 1000);
          stats.tokensIssued += 1;
          sendJson(res, 200, { access_token: token, expires_in: ttl });
        }
        return true;
      }
      case 'POST /cgi-bin/message/subscribe/send':
        await send(req, res, url);
        return true;
      case 'POST /__sim/wechat/subscribe': {
        // { openid } for one user, or { openids: [...] } for a synthetic fleet in one call.
        const b = await json<{ openid?: string; openids?: string[]; templateId?: string; count?: number }>(req);
        const who = b?.openids ?? (b?.openid ? [b.openid] : []);
        if (!who.length || !b?.templateId) {
          sendJson(res, 400, { error: 'openid (or openids) and templateId required' });
          return true;
        }
        for (const openid of who) optIns.set(`${openid} ${b.templateId}`, (optIns.get(`${openid} ${b.templateId}`) ?? 0) + (b.count ?? 1));
        sendJson(res, 200, { remaining: optIns.get(`${who[0]} ${b.templateId}`), users: who.length });
        return true;
      }
      case 'POST /__sim/wechat/send-fail':
        forced = await json<{ errcode: number; times: number }>(req);
        sendJson(res, 200, { ok: true });
        return true;
      case 'POST /__sim/wechat/send-delay':
        delayed = await json<{ ms: number; times: number }>(req);
        sendJson(res, 200, { ok: true });
        return true;
      case 'POST /__sim/wechat/send-quota': {
        const b = await json<{ perDay?: number | null }>(req);
        perDay = typeof b?.perDay === 'number' ? b.perDay : null;
        sendJson(res, 200, { perDay, usedToday: today.count });
        return true;
      }
      case 'POST /__sim/wechat/expire-tokens':
        tokens.clear();
        sendJson(res, 200, { ok: true });
        return true;
      case 'GET /__sim/wechat/messages': {
        const openid = url.searchParams.get('openid');
        sendJson(res, 200, { messages: openid ? sent.filter((m) => m.touser === openid) : sent });
        return true;
      }
      case 'GET /__sim/wechat/message-stats':
        sendJson(res, 200, { ...stats, delivered: sent.length });
        return true;
      default:
        return false;
    }
  }

  /** For other WeChat APIs served by the same simulator: is this access token valid now? (0, or the errcode WeChat answers.) */
  const tokenErrcode = (token: string): 0 | 40001 | 42001 => {
    const expires = tokens.get(token);
    if (expires === undefined) return 40001;
    return expires <= opts.now() ? 42001 : 0;
  };

  return { handle, tokenErrcode };
}
