import type { Context } from 'koa';
import { maskPhone } from '@carmall/shared-types';
import { AppError } from '../../infra/errors';
import type { RateLimiter } from '../../infra/rate-limit';
import type { UserService } from '../users/service';
import type { AlipayAuthClient } from './alipay-client';
import type { AuthedUser, IssuedTokens, SessionStore } from './session';
import type { SmsClient } from './sms-client';
import { SmsCodes } from './sms-codes';
import type { WechatClient } from './wechat-client';

export interface AuthLimits {
  loginPerIpPerMin: number;
  smsPerIpPerHour: number;
}

function sessionResponse(tokens: IssuedTokens, user: AuthedUser, isNew: boolean) {
  return {
    token: tokens.accessToken,
    accessToken: tokens.accessToken,
    expiresAt: tokens.expiresAt.toISOString(),
    refreshToken: tokens.refreshToken,
    refreshExpiresAt: tokens.refreshExpiresAt.toISOString(),
    user: { id: user.id, roles: user.roles, isNew },
  };
}

const notConfigured = (what: string) => new AppError(503, 'LOGIN_METHOD_NOT_CONFIGURED', `${what}暂未开通`);

export class AuthService {
  constructor(
    private readonly users: UserService,
    private readonly sessions: SessionStore,
    private readonly limiter: RateLimiter,
    private readonly limits: AuthLimits,
    private readonly wechat: WechatClient,
    private readonly sms: SmsClient | null,
    private readonly smsCodes: SmsCodes,
    private readonly alipay: AlipayAuthClient | null,
  ) {}

  private loginLimit(ctx: Context) {
    return this.limiter.enforce(ctx, [{ key: `login:ip:${ctx.ip}`, limit: this.limits.loginPerIpPerMin, windowSeconds: 60 }], '登录过于频繁，请稍后再试');
  }

  private async issue(user: AuthedUser, isNew: boolean) {
    return sessionResponse(await this.sessions.create(user), user, isNew);
  }

  /**
   * wx.login code -> openid (+ unionid, which links the person's other WeChat apps) -> user -> session.
   * session_key is not kept: nothing needs it, and keeping it would be sensitive data to protect.
   */
  async loginWithWechat(ctx: Context, code: string) {
    await this.loginLimit(ctx);
    const wx = await this.wechat.code2Session(code);
    const { user, isNew } = await this.users.login({
      primary: { kind: 'wechat', subject: wx.openid },
      links: wx.unionid ? [{ kind: 'wechat-union', subject: wx.unionid }] : [],
      set: { wechatOpenId: wx.openid, ...(wx.unionid ? { wechatUnionId: wx.unionid } : {}) },
      legacy: { wechatOpenId: wx.openid },
    });
    return this.issue(user, isNew);
  }

  /** my.getAuthCode auth code -> alipay.system.oauth.token -> Alipay user id -> user -> session. */
  async loginWithAlipay(ctx: Context, authCode: string) {
    if (!this.alipay) throw notConfigured('支付宝登录');
    await this.loginLimit(ctx);
    const { userId } = await this.alipay.oauthToken(authCode);
    const { user, isNew } = await this.users.login({ primary: { kind: 'alipay', subject: userId }, set: { alipayUserId: userId } });
    return this.issue(user, isNew);
  }

  /**
   * Sends a 6-digit login code. Limits: one per phone per minute and ten per day, and per IP per
   * hour; the provider's own limits (isv.BUSINESS_LIMIT_CONTROL) also come back as 429.
   */
  async sendSmsCode(ctx: Context, phone: string) {
    if (!this.sms) throw notConfigured('短信登录');
    const idx = this.users.phoneIndex(phone);
    await this.limiter.enforce(
      ctx,
      [
        { key: `sms:ip:${ctx.ip}`, limit: this.limits.smsPerIpPerHour, windowSeconds: 3600 },
        { key: `sms:phone:${idx}`, limit: 1, windowSeconds: 60 },
        { key: `sms:phone-day:${idx}`, limit: 10, windowSeconds: 86_400 },
      ],
      '验证码发送过于频繁，请稍后再试',
    );
    const code = await this.smsCodes.issue(idx);
    try {
      await this.sms.sendCode(phone, code);
    } catch (err) {
      await this.smsCodes.discard(idx);
      if (err instanceof AppError && err.status === 429) ctx.set('Retry-After', '60');
      throw err;
    }
    return { sentTo: maskPhone(phone), expiresInSeconds: SmsCodes.TTL_SECONDS, resendAfterSeconds: 60 };
  }

  private async checkCode(phone: string, code: string) {
    const result = await this.smsCodes.verify(this.users.phoneIndex(phone), code);
    if (result === 'locked') throw new AppError(400, 'SMS_CODE_LOCKED', '验证码错误次数过多，请重新获取');
    if (result !== 'ok') throw new AppError(400, 'SMS_CODE_INVALID', '验证码错误或已过期');
  }

  /** H5: phone + SMS code. A verified phone is an identity: it finds the user who verified it on any channel. */
  async loginWithSms(ctx: Context, phone: string, code: string) {
    if (!this.sms) throw notConfigured('短信登录');
    await this.loginLimit(ctx);
    await this.checkCode(phone, code);
    const { user, isNew } = await this.users.login({ primary: { kind: 'phone', subject: this.users.phoneIndex(phone) } });
    if (isNew) await this.users.writePii(user.id, { phone });
    return this.issue(user, isNew);
  }

  /** A signed-in user (e.g. from WeChat) verifies a phone: it then links their H5 login. */
  async bindPhone(ctx: Context, user: AuthedUser, phone: string, code: string) {
    if (!this.sms) throw notConfigured('短信验证');
    await this.limiter.enforce(ctx, [{ key: `login:ip:${ctx.ip}`, limit: this.limits.loginPerIpPerMin, windowSeconds: 60 }]);
    await this.checkCode(phone, code);
    await this.users.bindPhone(user.id, phone);
    return this.users.me(user.id);
  }

  async refresh(ctx: Context, refreshToken: string) {
    await this.loginLimit(ctx);
    const { tokens, user } = await this.sessions.rotate(refreshToken, (id) => this.users.sessionUser(id));
    return sessionResponse(tokens, user, false);
  }
}
