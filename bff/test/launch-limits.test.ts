import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from './helpers';

// Per-IP cap of the waiting room: at most 2 buyers per network here (every test buyer is 127.0.0.1).
const t = await startTestApp('launch_limits', { LAUNCH_BUYERS_PER_IP: '2' });
let operator: string;
beforeAll(async () => {
  await t.seed();
  operator = (await t.loginAs('operator', 'oLimitsOperator')).token;
});
afterAll(() => t.close());

describe('launch abuse limits', () => {
  it('caps the buyers queued from one IP, with Retry-After, and writes no ticket for the refused one', async () => {
    const code = 'ip-capped';
    const res = await t.api('/api/v1/admin/launches', {
      method: 'POST',
      token: operator,
      json: { code, title: '限流测试', modelCode: 'yuanshan-s5', startsAt: new Date(Date.now() + 200).toISOString(), admitPerSecond: 1, admissionSeconds: 60, variants: [{ trimCode: 'S5_520_RWD', paintCode: 'PAINT_CARBON_BLACK', stock: 5 }] },
    });
    expect(res.status).toBe(201);
    await new Promise((r) => setTimeout(r, 400));
    const join = async (i: number) =>
      t.api(`/api/v1/launches/${code}/queue`, { method: 'POST', token: (await t.login(`oLimits${i}`)).token, headers: { 'x-device-id': `device-${i}-${randomUUID().slice(0, 8)}` } });
    expect((await join(1)).status).toBe(200);
    expect((await join(2)).status).toBe(200);
    const third = await join(3);
    expect(third.status).toBe(429);
    expect(third.body.error.code).toBe('RATE_LIMITED');
    expect(third.headers.get('retry-after')).toBe('30');
    expect(await t.redis.get(`launch:${code}:seq`)).toBe('2');
  });
});
