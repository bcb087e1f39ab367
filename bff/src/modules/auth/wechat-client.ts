import { AppError } from '../../infra/errors';

/**
 * Adapter for WeChat's server API (api.weixin.qq.com in production, the local simulator in dev and
 * tests: same paths, same parameters, same errcodes). Only code2Session so far.
 */
export interface WechatSession {
  openid: string;
  unionid?: string;
  sessionKey: string;
}

export interface WechatClientOptions {
  baseUrl: string;
  appId: string;
  secret: string;
  timeoutMs: number;
}

export class WechatClient {
  constructor(private readonly opts: WechatClientOptions) {}

  /** https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/user-login/code2Session.html */
  async code2Session(code: string): Promise<WechatSession> {
    const url = new URL('/sns/jscode2session', this.opts.baseUrl);
    url.search = new URLSearchParams({
      appid: this.opts.appId,
      secret: this.opts.secret,
      js_code: code,
      grant_type: 'authorization_code',
    }).toString();
    let body: { openid?: string; unionid?: string; session_key?: string; errcode?: number; errmsg?: string };
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(this.opts.timeoutMs) });
      // WeChat answers 200 with JSON (sometimes labelled text/plain) even for errors.
      body = JSON.parse(await res.text());
    } catch (err) {
      throw new AppError(503, 'UPSTREAM_UNAVAILABLE', '微信登录服务暂不可用，请稍后再试', { cause: (err as Error).name });
    }
    if (!body.errcode && body.openid && body.session_key) {
      return { openid: body.openid, unionid: body.unionid, sessionKey: body.session_key };
    }
    switch (body.errcode) {
      case 40029: // invalid code
      case 40163: // code been used
        throw new AppError(400, 'WECHAT_CODE_INVALID', '登录凭证无效或已使用，请重新登录', { errcode: body.errcode });
      case 40226: // high-risk user blocked by WeChat
        throw new AppError(403, 'FORBIDDEN', '该微信账号暂时无法登录', { errcode: body.errcode });
      case 45011: // API minute-quota reached
        throw new AppError(429, 'RATE_LIMITED', '登录过于频繁，请稍后再试', { errcode: body.errcode });
      default: // -1 system busy, 40013/40125 our appid/secret misconfigured, or a malformed answer
        throw new AppError(503, 'UPSTREAM_UNAVAILABLE', '微信登录服务暂不可用，请稍后再试', { errcode: body.errcode ?? null });
    }
  }
}
