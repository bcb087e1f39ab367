import { afterAll, describe, expect, it } from 'vitest';
import { proxyWarning } from '../src/modules/auth/write-limit';
import { startTestApp } from './helpers';

// Issue #26: writes were counted per IP before the sign-in check, so behind a load balancer the BFF
// does not trust (TRUST_PROXY=false: every client has the balancer's address) one burst blocked
// everyone's writes. Now a signed-in write counts against its user, an anonymous one against its IP.
const LIMITS = { RATE_LIMIT_WRITE_PER_IP_PER_MIN: '5', RATE_LIMIT_WRITE_PER_USER_PER_MIN: '3', RATE_LIMIT_LOGIN_PER_IP_PER_MIN: '1000' };
const behindProxy = await startTestApp('write_limits', LIMITS);
const trusting = await startTestApp('write_limits_proxy', { ...LIMITS, TRUST_PROXY: 'true' });
afterAll(async () => {
  await behindProxy.close();
  await trusting.close();
});

type App = typeof behindProxy;
const consent = { document: 'privacy_policy', version: '1', channel: 'weapp', granted: true };
const signedInWrite = (t: App, token: string, ip: string) => t.api('/api/v1/me/consents', { method: 'POST', token, json: consent, headers: { 'x-forwarded-for': ip } });
// Pricing a configuration needs no sign-in; an empty body is a 400, counted all the same.
const anonymousWrite = (t: App, ip: string) => t.api('/api/v1/configurations', { method: 'POST', json: {}, headers: { 'x-forwarded-for': ip } });
/** Sign-ins are anonymous writes too: the IP's count is cleared around them so each test starts from zero. */
async function users(t: App, n: number, tag: string) {
  const out = [];
  for (let i = 0; i < n; i++) {
    await t.redis.del('rl:write:ip:127.0.0.1');
    out.push(await t.login(`oWriteLimit${tag}${i}`));
  }
  await t.redis.del('rl:write:ip:127.0.0.1');
  return out;
}

describe('write limits behind a load balancer the BFF does not trust (TRUST_PROXY=false)', () => {
  it("one user's burst does not block the other users behind the same address", async () => {
    const t = behindProxy;
    const [burster, ...others] = await users(t, 6, 'A');
    // Each request comes through the balancer: its own X-Forwarded-For, not trusted; all are 127.0.0.1 here.
    const burst = [];
    for (let i = 0; i < 6; i++) burst.push((await signedInWrite(t, burster.token, `198.51.100.${i}`)).status);
    expect(burst).toEqual([201, 201, 201, 429, 429, 429]);
    // Five other people, two writes each: ten signed-in writes from the one address, twice its anonymous limit.
    for (const [i, u] of others.entries()) {
      for (let k = 0; k < 2; k++) expect((await signedInWrite(t, u.token, `198.51.100.${10 + i}`)).status).toBe(201);
    }
    expect(await t.redis.exists('rl:write:ip:127.0.0.1')).toBe(0); // signed-in writes never counted against the address
  });

  it('anonymous writes are still limited per IP, and that does not block signed-in users', async () => {
    const t = behindProxy;
    const [u] = await users(t, 1, 'B');
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await anonymousWrite(t, `198.51.100.${i}`)).status);
    expect(statuses).toEqual([400, 400, 400, 400, 400, 429]);
    const limited = await anonymousWrite(t, '198.51.100.99');
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // A bad token is anonymous: limited with the address.
    expect((await signedInWrite(t, 'not-a-token', '198.51.100.1')).status).toBe(429);
    expect((await signedInWrite(t, u.token, '198.51.100.1')).status).toBe(201);
  });

  it('the fast lane counts the same limits (a signed-in join counts against the user, not the address)', async () => {
    const t = behindProxy;
    const [u] = await users(t, 1, 'C');
    const before = Number((await t.redis.get(`rl:write:user:${u.user.id}`)) ?? 0);
    const res = await t.api('/api/v1/launches/no-such-launch/queue', { method: 'POST', token: u.token, headers: { 'x-device-id': 'device-write-limit-1' } });
    expect(res.status).not.toBe(429);
    expect(Number(await t.redis.get(`rl:write:user:${u.user.id}`))).toBe(before + 1);
    expect(await t.redis.exists('rl:write:ip:127.0.0.1')).toBe(0);
  });
});

describe('with TRUST_PROXY=true', () => {
  it("X-Forwarded-For is the counted address: the balancer's last entry, not what the client wrote before it", async () => {
    const t = trusting;
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await anonymousWrite(t, '203.0.113.7')).status);
    expect(statuses).toEqual([400, 400, 400, 400, 400, 429]);
    expect(await t.redis.exists('rl:write:ip:203.0.113.7')).toBe(1);
    expect(await t.redis.exists('rl:write:ip:127.0.0.1')).toBe(0);
    // Another client behind the same balancer is not limited.
    expect((await anonymousWrite(t, '203.0.113.8')).status).toBe(400);
    // A client that sends its own X-Forwarded-For gets the balancer's entry appended: it is still 203.0.113.7.
    expect((await anonymousWrite(t, '198.51.100.200, 203.0.113.7')).status).toBe(429);
    expect(await t.redis.exists('rl:write:ip:198.51.100.200')).toBe(0);
  });
});

describe('start-up', () => {
  it('warns when production runs without TRUST_PROXY', () => {
    expect(proxyWarning({ NODE_ENV: 'production', TRUST_PROXY: false })).toMatch(/TRUST_PROXY/);
    expect(proxyWarning({ NODE_ENV: 'production', TRUST_PROXY: true })).toBeNull();
    expect(proxyWarning({ NODE_ENV: 'development', TRUST_PROXY: false })).toBeNull();
  });
});
