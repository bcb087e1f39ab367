import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from './helpers';

// The waiting room's join and poll are served by the fast lane (infra/fast-lane.ts) ahead of Koa.
// A URL with a query string (even an empty one) is left to Koa: the same route answered both ways.
const t = await startTestApp('fast_lane', { RATE_LIMIT_WRITE_PER_USER_PER_MIN: '3' });
let operator: string;
const launch = (code: string, startsInMs: number) =>
  t.api('/api/v1/admin/launches', {
    method: 'POST',
    token: operator,
    json: { code, title: '快速通道', modelCode: 'yuanshan-s5', startsAt: new Date(Date.now() + startsInMs).toISOString(), admitPerSecond: 5, admissionSeconds: 60, variants: [{ trimCode: 'S5_520_RWD', paintCode: startsInMs > 0 ? 'PAINT_CARBON_BLACK' : 'PAINT_MIST_GREY', stock: 3 }] },
  });
const withoutRequestId = (body: any) => ({ ...body, error: { ...body.error, requestId: undefined } });

beforeAll(async () => {
  await t.seed();
  operator = (await t.loginAs('operator', 'oFastOperator')).token;
  expect((await launch('fast-later', 3_600_000)).status).toBe(201);
  expect((await launch('fast-open', -1000)).status).toBe(201);
});
afterAll(() => t.close());

describe('fast lane', () => {
  it('answers a route exactly as Koa does: status, error envelope, request id', async () => {
    const buyer = (await t.login('oFastBuyer1')).token;
    const headers = { 'x-device-id': 'device-fast-1' };
    const fast = await t.api('/api/v1/launches/fast-later/queue', { method: 'POST', token: buyer, headers: { ...headers, 'x-request-id': 'req-fast-1' } });
    const koa = await t.api('/api/v1/launches/fast-later/queue?', { method: 'POST', token: buyer, headers });
    expect(fast.status).toBe(409);
    expect(fast.body.error.code).toBe('LAUNCH_NOT_OPEN');
    expect(koa.status).toBe(409);
    expect(withoutRequestId(fast.body)).toEqual(withoutRequestId(koa.body));
    // The caller's request id is kept, and the envelope carries the same one as the header.
    expect(fast.headers.get('x-request-id')).toBe('req-fast-1');
    expect(fast.body.error.requestId).toBe('req-fast-1');
    expect(fast.headers.get('content-type')).toBe(koa.headers.get('content-type'));

    const anonymous = await t.api('/api/v1/launches/fast-open/queue', { method: 'POST', headers });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('UNAUTHENTICATED');
    expect(anonymous.body.error.requestId).toBe(anonymous.headers.get('x-request-id'));

    // (Three writes a minute per user here: another buyer for the next two.)
    const other = (await t.login('oFastBuyer1b')).token;
    const badCode = await t.api('/api/v1/launches/NOT_A_CODE/queue', { method: 'POST', token: other, headers });
    expect(badCode.status).toBe(400);
    expect(badCode.body.error.code).toBe('VALIDATION_FAILED');

    const noDevice = await t.api('/api/v1/launches/fast-open/queue', { method: 'POST', token: other });
    expect(noDevice.status).toBe(400);
    expect(noDevice.body.error.details).toEqual({ header: 'X-Device-Id' });

    // A query string the route does not take: Koa answers it, with the usual validation error.
    const query = await t.api('/api/v1/launches/fast-open/queue?x=1', { token: buyer });
    expect(query.status).toBe(400);
    expect(query.body.error.details[0]).toMatchObject({ in: 'query', path: 'x' });
  });

  it('joins and polls through the lane, and counts the write limit as Koa does', async () => {
    const buyer = (await t.login('oFastBuyer2')).token;
    const headers = { 'x-device-id': 'device-fast-2' };
    const joined = await t.api('/api/v1/launches/fast-open/queue', { method: 'POST', token: buyer, headers });
    expect(joined.status).toBe(200);
    expect(['waiting', 'admitted']).toContain(joined.body.status);
    const polled = await t.api('/api/v1/launches/fast-open/queue', { token: buyer });
    expect(polled.status).toBe(200);
    expect(polled.body.ticket).toBe(joined.body.ticket);
    // Three writes a minute for this user: two more joins pass (same ticket), the next is refused.
    for (let i = 0; i < 2; i++) expect((await t.api('/api/v1/launches/fast-open/queue', { method: 'POST', token: buyer, headers })).body.ticket).toBe(joined.body.ticket);
    const limited = await t.api('/api/v1/launches/fast-open/queue', { method: 'POST', token: buyer, headers });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Polls are reads: not counted against the write limit.
    expect((await t.api('/api/v1/launches/fast-open/queue', { token: buyer })).status).toBe(200);
  });
});
