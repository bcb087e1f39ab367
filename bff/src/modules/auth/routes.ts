import { sessionResponseSchema, wechatLoginBodySchema } from '@carmall/shared-types/schemas';
import { z } from 'zod';
import { route } from '../../infra/route';
import type { AuthService } from './service';
import type { SessionStore } from './session';

export function authRoutes(service: AuthService, sessions: SessionStore) {
  return [
    route({
      method: 'post',
      path: '/auth/wechat',
      tag: 'auth',
      summary: 'Sign in with a wx.login code (code2Session); returns a bearer session token',
      body: wechatLoginBodySchema,
      response: sessionResponseSchema,
      errors: [
        { status: 400, code: 'WECHAT_CODE_INVALID', when: 'the code is unknown, expired or already used' },
        { status: 429, code: 'RATE_LIMITED', when: 'WeChat rate-limited the login' },
        { status: 503, code: 'UPSTREAM_UNAVAILABLE', when: 'WeChat is unreachable or busy' },
      ],
      handler: async (_ctx, { body }) => service.loginWithWechat(body.code),
    }),
    route({
      method: 'get',
      path: '/auth/me',
      tag: 'auth',
      summary: 'The signed-in user',
      auth: 'user',
      response: z.object({ id: z.string(), roles: z.array(z.string()) }),
      handler: async (_ctx, { user }) => user,
    }),
    route({
      method: 'post',
      path: '/auth/logout',
      tag: 'auth',
      summary: 'End this session',
      auth: 'user',
      status: 204,
      handler: async (ctx) => {
        await sessions.revoke(ctx.get('authorization').replace(/^Bearer /i, ''));
      },
    }),
  ];
}
