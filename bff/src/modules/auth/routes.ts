import {
  alipayLoginBodySchema,
  refreshBodySchema,
  sessionResponseSchema,
  smsLoginBodySchema,
  smsSendBodySchema,
  wechatLoginBodySchema,
} from '@carmall/shared-types/schemas';
import { z } from 'zod';
import { route, type RouteError } from '../../infra/route';
import type { AuthService } from './service';
import type { SessionStore } from './session';

const rateLimited: RouteError = { status: 429, code: 'RATE_LIMITED', when: 'too many attempts from this IP (Retry-After says when to retry)' };
/** An account half-way through its erasure signs in again (users.login). */
const accountConflict: RouteError = { status: 409, code: 'CONFLICT', when: 'the account is being erased; retry later' };
const notConfigured = (what: string): RouteError => ({ status: 503, code: 'LOGIN_METHOD_NOT_CONFIGURED', when: `${what} is not set up on this server` });

export function authRoutes(service: AuthService, sessions: SessionStore) {
  return [
    route({
      method: 'post',
      path: '/auth/wechat',
      tag: 'auth',
      summary: 'Sign in with a wx.login code (code2Session); returns an access token (also as `token`) and a refresh token',
      body: wechatLoginBodySchema,
      response: sessionResponseSchema,
      errors: [
        { status: 400, code: 'WECHAT_CODE_INVALID', when: 'the code is unknown, expired or already used' },
        { status: 403, code: 'FORBIDDEN', when: 'WeChat blocks this account as high-risk (errcode 40226)' },
        { status: 429, code: 'RATE_LIMITED', when: 'WeChat rate-limited the login, or too many logins from this IP' },
        { status: 503, code: 'UPSTREAM_UNAVAILABLE', when: 'WeChat is unreachable or busy' },
        accountConflict,
      ],
      handler: async (ctx, { body }) => service.loginWithWechat(ctx, body.code),
    }),
    route({
      method: 'post',
      path: '/auth/alipay',
      tag: 'auth',
      summary: 'Sign in with an Alipay mini-program auth code (my.getAuthCode → alipay.system.oauth.token)',
      body: alipayLoginBodySchema,
      response: sessionResponseSchema,
      errors: [
        { status: 400, code: 'ALIPAY_CODE_INVALID', when: 'the auth code is invalid, expired or used' },
        rateLimited,
        { status: 503, code: 'UPSTREAM_UNAVAILABLE', when: 'Alipay is unreachable, busy, or its answer is not signed by Alipay' },
        notConfigured('Alipay'),
        accountConflict,
      ],
      handler: async (ctx, { body }) => service.loginWithAlipay(ctx, body.authCode),
    }),
    route({
      method: 'post',
      path: '/auth/sms/send',
      tag: 'auth',
      summary: 'Send a 6-digit login code by SMS (valid 5 minutes, 5 attempts); the answer shows the phone masked',
      body: smsSendBodySchema,
      response: z.object({ sentTo: z.string(), expiresInSeconds: z.number(), resendAfterSeconds: z.number() }),
      errors: [
        { status: 400, code: 'SMS_SEND_REFUSED', when: 'the provider refuses this number' },
        { status: 429, code: 'RATE_LIMITED', when: 'one code per phone per minute, ten per day; per-IP hourly limit' },
        { status: 503, code: 'UPSTREAM_UNAVAILABLE', when: 'the SMS provider is unreachable or refuses our credentials' },
        notConfigured('SMS'),
      ],
      handler: async (ctx, { body }) => service.sendSmsCode(ctx, body.phone),
    }),
    route({
      method: 'post',
      path: '/auth/sms/login',
      tag: 'auth',
      summary: 'Sign in (H5) with phone + SMS code; a phone verified on another channel finds the same user',
      body: smsLoginBodySchema,
      response: sessionResponseSchema,
      errors: [
        { status: 400, code: 'SMS_CODE_INVALID', when: 'wrong or expired code' },
        { status: 400, code: 'SMS_CODE_LOCKED', when: 'too many wrong attempts: ask for a new code' },
        rateLimited,
        notConfigured('SMS'),
        accountConflict,
      ],
      handler: async (ctx, { body }) => service.loginWithSms(ctx, body.phone, body.code),
    }),
    route({
      method: 'post',
      path: '/auth/refresh',
      tag: 'auth',
      summary: 'Exchange a refresh token for a new access + refresh token (the old refresh token stops working; presenting it again ends the sign-in)',
      body: refreshBodySchema,
      response: sessionResponseSchema,
      errors: [
        { status: 401, code: 'REFRESH_TOKEN_INVALID', when: 'unknown, expired or revoked refresh token' },
        { status: 401, code: 'REFRESH_TOKEN_REUSED', when: 'an already-used refresh token: the whole sign-in is revoked' },
        rateLimited,
      ],
      handler: async (ctx, { body }) => service.refresh(ctx, body.refreshToken),
    }),
    route({
      method: 'get',
      path: '/auth/me',
      tag: 'auth',
      summary: 'The signed-in user (id and roles)',
      auth: 'user',
      response: z.object({ id: z.string(), roles: z.array(z.string()) }),
      handler: async (_ctx, { user }) => ({ id: user!.id, roles: user!.roles }),
    }),
    route({
      method: 'post',
      path: '/auth/logout',
      tag: 'auth',
      summary: 'End this sign-in: its access tokens and its refresh token',
      auth: 'user',
      status: 204,
      handler: async (ctx) => {
        await sessions.revoke(ctx.get('authorization').replace(/^Bearer /i, ''));
      },
    }),
  ];
}
