import type { Redis } from 'ioredis';
import { msUntilShanghaiMidnight, shanghaiDate } from '@carmall/shared-types';
import type { Locks } from '../../infra/lock';

/**
 * WeChat subscribe messages (api.weixin.qq.com in production, the simulator locally): the
 * access_token is cached in Redis for all processes (refreshed under a lock, 5 minutes before it
 * expires or when WeChat calls it invalid), and every answer is classified for the caller:
 *   sent       delivered (msgid)
 *   refused    43101: the user has no opt-in left on WeChat's side
 *   invalid    40003/40037/47003: our request is wrong; retrying cannot help
 *   rate       45009 "reach max api daily quota limit", or our own count of today's sends reached
 *              WECHAT_SUBSCRIBE_DAILY_QUOTA: not sent; `retryAfterMs` says when to try again (see
 *              `quotaPause`)
 *   retry      -1 busy, token trouble, connection refused: not delivered, try again later
 *   uncertain  timeout or reset after the request went out: WeChat may have delivered it
 */
export type SendOutcome =
  | { kind: 'sent'; msgid: number }
  | { kind: 'rate'; errcode: number | null; message: string; retryAfterMs: number }
  | { kind: 'refused' | 'invalid' | 'retry' | 'uncertain'; errcode: number | null; message: string };

export interface SubscribeMessage {
  touser: string;
  templateId: string;
  page?: string;
  data: Record<string, string>;
}

export interface WechatMessageSenderOptions {
  baseUrl: string;
  appId: string;
  secret: string;
  timeoutMs: number;
  /** miniprogram_state: formal in production, developer/trial elsewhere. */
  miniprogramState: 'formal' | 'developer' | 'trial';
  /** subscribeMessage.send calls per Asia/Shanghai day across all processes (0: count none, rely on WeChat's 45009). */
  dailyQuota?: number;
}

const DAY_MS = 86_400_000;
/** From this many 45009s in a day on, the quota is taken as gone until midnight (see quotaPause). */
const QUOTA_GONE_STRIKE = 3;

/**
 * How long to stop sending after the n-th 45009 of a day. WeChat answers 45009 both when the
 * account's daily quota is used up and (reportedly) for short-term frequency limits, so the first
 * two are treated as a burst (1 and 10 minutes); a third one the same day means the quota is gone
 * until midnight.
 */
export function quotaPause(strike: number, now: number): number {
  const untilMidnight = msUntilShanghaiMidnight(now);
  if (strike <= 1) return Math.min(60_000, untilMidnight);
  if (strike < QUOTA_GONE_STRIKE) return Math.min(600_000, untilMidnight);
  return untilMidnight;
}

const TOKEN_KEY = 'wechat:access_token';
const QUOTA_COUNT_KEY = 'wechat:subscribe-send:count';
const QUOTA_STRIKES_KEY = 'wechat:subscribe-send:45009';
const QUOTA_GONE_KEY = 'wechat:subscribe-send:quota-gone';
const TOKEN_EARLY_REFRESH_S = 300;

class TokenError extends Error {
  constructor(public readonly errcode: number | null, message: string) {
    super(message);
  }
}

export class WechatMessageSender {
  constructor(
    private readonly opts: WechatMessageSenderOptions,
    private readonly redis: Redis,
    private readonly locks: Locks,
  ) {}

  /** A valid access token; `stale` is one WeChat just refused, so a cached copy of it is not good enough. */
  async accessToken(stale?: string): Promise<string> {
    const cached = await this.redis.get(TOKEN_KEY);
    if (cached && cached !== stale) return cached;
    return this.locks.withLock(
      'wechat-access-token',
      async () => {
        const again = await this.redis.get(TOKEN_KEY);
        if (again && again !== stale) return again; // another process refreshed it meanwhile
        const url = new URL('/cgi-bin/token', this.opts.baseUrl);
        url.search = new URLSearchParams({ grant_type: 'client_credential', appid: this.opts.appId, secret: this.opts.secret }).toString();
        let body: { access_token?: string; expires_in?: number; errcode?: number; errmsg?: string };
        try {
          body = JSON.parse(await (await fetch(url, { signal: AbortSignal.timeout(this.opts.timeoutMs) })).text());
        } catch (err) {
          throw new TokenError(null, `access_token request failed: ${(err as Error).name}`);
        }
        if (!body.access_token || !body.expires_in) throw new TokenError(body.errcode ?? null, `access_token refused: ${body.errcode} ${body.errmsg ?? ''}`);
        const ttl = Math.max(30, body.expires_in - TOKEN_EARLY_REFRESH_S);
        await this.redis.set(TOKEN_KEY, body.access_token, 'EX', ttl);
        return body.access_token;
      },
      { ttlMs: this.opts.timeoutMs + 2000, waitMs: this.opts.timeoutMs + 5000 },
    );
  }

  async send(msg: SubscribeMessage, now = Date.now()): Promise<SendOutcome> {
    // Today's budget (per Shanghai day, shared by every process through Redis): over it, WeChat is not called.
    const day = shanghaiDate(now);
    const quota = this.opts.dailyQuota ?? 0;
    if (await this.redis.exists(`${QUOTA_GONE_KEY}:${day}`)) {
      return { kind: 'rate', errcode: 45009, message: '45009 daily quota used up today (until 00:00 Asia/Shanghai)', retryAfterMs: msUntilShanghaiMidnight(now) };
    }
    if (quota > 0) {
      const used = await this.countToday(QUOTA_COUNT_KEY, day);
      if (used > quota) {
        return { kind: 'rate', errcode: null, message: `daily send quota of ${quota} reached (until 00:00 Asia/Shanghai)`, retryAfterMs: msUntilShanghaiMidnight(now) };
      }
    }
    const outcome = await this.sendWithToken(msg);
    if (outcome.kind === 'rate') {
      const strike = await this.countToday(QUOTA_STRIKES_KEY, day);
      const retryAfterMs = quotaPause(strike, now);
      if (strike >= QUOTA_GONE_STRIKE) await this.redis.set(`${QUOTA_GONE_KEY}:${day}`, '1', 'PX', retryAfterMs);
      return { ...outcome, retryAfterMs };
    }
    return outcome;
  }

  /** Count one more for today (Shanghai day) in Redis, shared by every process; the key outlives the day. */
  private async countToday(prefix: string, day: string): Promise<number> {
    const key = `${prefix}:${day}`;
    const [[, n]] = (await this.redis.multi().incr(key).pexpire(key, 2 * DAY_MS).exec()) as [[null, number], unknown];
    return n;
  }

  private async sendWithToken(msg: SubscribeMessage): Promise<SendOutcome> {
    let token: string;
    try {
      token = await this.accessToken();
    } catch (err) {
      return { kind: 'retry', errcode: err instanceof TokenError ? err.errcode : null, message: (err as Error).message };
    }
    let outcome = await this.sendOnce(msg, token);
    if (outcome.kind === 'retry' && (outcome.errcode === 40001 || outcome.errcode === 42001)) {
      // The token was refreshed elsewhere or expired early: get a new one and try once more.
      try {
        token = await this.accessToken(token);
      } catch (err) {
        return { kind: 'retry', errcode: err instanceof TokenError ? err.errcode : null, message: (err as Error).message };
      }
      outcome = await this.sendOnce(msg, token);
    }
    return outcome;
  }

  private async sendOnce(msg: SubscribeMessage, token: string): Promise<SendOutcome> {
    const url = new URL('/cgi-bin/message/subscribe/send', this.opts.baseUrl);
    url.searchParams.set('access_token', token);
    const payload = {
      touser: msg.touser,
      template_id: msg.templateId,
      ...(msg.page ? { page: msg.page } : {}),
      data: Object.fromEntries(Object.entries(msg.data).map(([k, value]) => [k, { value }])),
      miniprogram_state: this.opts.miniprogramState,
      lang: 'zh_CN',
    };
    let res: Response;
    try {
      res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload), signal: AbortSignal.timeout(this.opts.timeoutMs) });
    } catch (err) {
      // Refused before anything was sent: safe to retry. A timeout: WeChat may have it.
      const code = (err as { cause?: { code?: string } }).cause?.code;
      if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { kind: 'retry', errcode: null, message: `WeChat unreachable (${code})` };
      return { kind: 'uncertain', errcode: null, message: `no answer from WeChat (${(err as Error).name})` };
    }
    let body: { errcode?: number; errmsg?: string; msgid?: number };
    try {
      body = JSON.parse(await res.text());
    } catch {
      return res.status >= 500 ? { kind: 'retry', errcode: null, message: `WeChat HTTP ${res.status}` } : { kind: 'uncertain', errcode: null, message: `unreadable answer (HTTP ${res.status})` };
    }
    const errcode = body.errcode ?? 0;
    const message = `${errcode} ${body.errmsg ?? ''}`.trim();
    if (errcode === 0) return { kind: 'sent', msgid: body.msgid ?? 0 };
    if (errcode === 43101) return { kind: 'refused', errcode, message };
    if (errcode === 45009) return { kind: 'rate', errcode, message, retryAfterMs: 60_000 }; // send() sets the real pause
    if ([40003, 40037, 47003, 47001].includes(errcode)) return { kind: 'invalid', errcode, message };
    return { kind: 'retry', errcode, message }; // -1 busy, 40001/42001 token, anything new
  }
}
