import { afterAll, describe, expect, it } from 'vitest';
import { startTestApp } from './helpers';

const t = await startTestApp('auth');
afterAll(() => t.close());

const failNext = (errcode: number) =>
  fetch(`${t.wechat.url}/__sim/wechat/fail`, { method: 'POST', body: JSON.stringify({ errcode, times: 1 }) });

describe('POST /api/v1/auth/wechat', () => {
  it('signs a new buyer in and returns a working session token', async () => {
    const res = await t.api('/api/v1/auth/wechat', { method: 'POST', json: { code: await t.wxCode('oAlice') } });
    expect(res.status).toBe(200);
    expect(res.body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(res.body.user).toMatchObject({ roles: ['buyer'], isNew: true });
    expect(Date.parse(res.body.expiresAt)).toBeGreaterThan(Date.now());
    const me = await t.api('/api/v1/auth/me', { token: res.body.token });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ id: res.body.user.id, roles: ['buyer'] });
  });

  it('the same WeChat user logging in again is the same user, not a new one', async () => {
    const first = await t.login('oBob');
    const second = await t.login('oBob');
    expect(second.user.id).toBe(first.user.id);
    expect(second.user.isNew).toBe(false);
    expect(await t.conn.collection('users').countDocuments({ wechatOpenId: 'oBob' })).toBe(1);
  });

  it('concurrent first logins of one user create exactly one user', async () => {
    const codes = await Promise.all([1, 2, 3, 4].map(() => t.wxCode('oCarol')));
    const results = await Promise.all(codes.map((code) => t.api('/api/v1/auth/wechat', { method: 'POST', json: { code } })));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(new Set(results.map((r) => r.body.user.id)).size).toBe(1);
    expect(await t.conn.collection('users').countDocuments({ wechatOpenId: 'oCarol' })).toBe(1);
  });

  it('a used or unknown code is a 400 WECHAT_CODE_INVALID', async () => {
    const code = await t.wxCode();
    expect((await t.api('/api/v1/auth/wechat', { method: 'POST', json: { code } })).status).toBe(200);
    const again = await t.api('/api/v1/auth/wechat', { method: 'POST', json: { code } });
    expect(again.status).toBe(400);
    expect(again.body.error).toMatchObject({ code: 'WECHAT_CODE_INVALID', details: { errcode: 40163 } });
    const unknown = await t.api('/api/v1/auth/wechat', { method: 'POST', json: { code: 'made-up' } });
    expect(unknown.body.error.details.errcode).toBe(40029);
  });

  it('validates the body', async () => {
    for (const json of [{}, { code: '' }, { code: 42 }, { code: 'a', extra: 1 }]) {
      const res = await t.api('/api/v1/auth/wechat', { method: 'POST', json });
      expect(res.status, JSON.stringify(json)).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.details[0]).toHaveProperty('path');
    }
  });

  it('maps WeChat rate limits and outages to 429 and 503', async () => {
    await failNext(45011);
    const limited = await t.api('/api/v1/auth/wechat', { method: 'POST', json: { code: await t.wxCode() } });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    await failNext(-1);
    const busy = await t.api('/api/v1/auth/wechat', { method: 'POST', json: { code: await t.wxCode() } });
    expect(busy.status).toBe(503);
    expect(busy.body.error.code).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('WeChat unreachable is a 503, not a 500', async () => {
    const offline = await startTestApp('auth_offline', { WECHAT_API_BASE: 'http://127.0.0.1:1' });
    try {
      const res = await offline.api('/api/v1/auth/wechat', { method: 'POST', json: { code: 'whatever' } });
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('UPSTREAM_UNAVAILABLE');
    } finally {
      await offline.close();
    }
  });
});

describe('sessions', () => {
  it('protected endpoints need a valid token', async () => {
    expect((await t.api('/api/v1/auth/me')).status).toBe(401);
    const bogus = await t.api('/api/v1/auth/me', { token: 'x'.repeat(43) });
    expect(bogus.status).toBe(401);
    expect(bogus.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('stores only a hash of the token in Redis, and logout ends the session', async () => {
    const { token } = await t.login();
    const keys = await t.redis.keys(`${t.config.REDIS_KEY_PREFIX}session:*`);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.some((k) => k.includes(token))).toBe(false);
    expect((await t.api('/api/v1/auth/logout', { method: 'POST', token })).status).toBe(204);
    expect((await t.api('/api/v1/auth/me', { token })).status).toBe(401);
  });
});
