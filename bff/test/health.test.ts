import { afterAll, describe, expect, it, vi } from 'vitest';
import { startTestApp } from './helpers';

const t = await startTestApp('health');
afterAll(() => t.close());

describe('health, readiness and API basics', () => {
  it('/healthz answers while the process lives', async () => {
    const res = await t.api('/healthz');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
  });

  it('/readyz checks MongoDB and Redis', async () => {
    const res = await t.api('/readyz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ready', checks: { mongodb: 'ok', redis: 'ok' } });
  });

  it('every response carries a request id, and a sane incoming one is kept', async () => {
    const mine = await t.api('/healthz', { headers: { 'x-request-id': 'gw-123' } });
    expect(mine.headers.get('x-request-id')).toBe('gw-123');
    const bad = await t.api('/healthz', { headers: { 'x-request-id': 'has spaces and \u00e9' } });
    expect(bad.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('unknown API paths are a JSON 404 with a stable code', async () => {
    const res = await t.api('/api/v1/nope');
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ code: 'NOT_FOUND' });
    expect(res.body.error.requestId).toBe(res.headers.get('x-request-id'));
  });

  it('malformed, oversized and non-JSON bodies are 4xx, never 500', async () => {
    const bad = await t.api('/api/v1/auth/wechat', { method: 'POST', body: '{"code":', headers: { 'content-type': 'application/json' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    const big = await t.api('/api/v1/auth/wechat', { method: 'POST', json: { code: 'x'.repeat(200_000) } });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    const form = await t.api('/api/v1/auth/wechat', { method: 'POST', body: 'code=abc', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(form.status).toBe(400);
    expect(form.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('serves an OpenAPI document generated from the route schemas', async () => {
    const res = await t.api('/api/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.0.3');
    const list = res.body.paths['/api/v1/catalog/models'].get;
    expect(list.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['bodyType', 'energyType', 'page', 'pageSize', 'q']));
    expect(list.responses['200'].content['application/json'].schema.properties.items.type).toBe('array');
    const login = res.body.paths['/api/v1/auth/wechat'].post;
    expect(login.requestBody.content['application/json'].schema.required).toEqual(['code']);
    expect(login.responses['400'].description).toMatch(/WECHAT_CODE_INVALID|VALIDATION_FAILED/);
  });
});

describe('when the database is down', () => {
  it('answers 503 with a stable code and reports not ready, instead of crashing', async () => {
    const down = await startTestApp('health_down', { MONGODB_URI: 'mongodb://127.0.0.1:1/none' });
    try {
      const ready = await down.api('/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body.status).toBe('not_ready');
      expect(ready.body.checks.mongodb).toMatch(/^down/);
      expect(ready.body.checks.redis).toBe('ok');
      const list = await down.api('/api/v1/catalog/models');
      expect(list.status).toBe(503);
      expect(list.body.error.code).toBe('SERVICE_UNAVAILABLE');
      expect(list.headers.get('retry-after')).toBe('5');
      expect((await down.api('/healthz')).status).toBe(200);
    } finally {
      await down.close();
    }
  });
});

describe('graceful shutdown', () => {
  it('finishes in-flight requests, then refuses new ones and closes connections', async () => {
    const s = await startTestApp('health_stop');
    // A login whose WeChat call takes 400 ms is in flight when the stop begins.
    await fetch(`${s.wechat.url}/__sim/wechat/delay`, { method: 'POST', body: JSON.stringify({ ms: 400, times: 1 }) });
    const slow = s.api('/api/v1/auth/wechat', { method: 'POST', json: { code: await s.wxCode() } });
    await new Promise((r) => setTimeout(r, 150));
    const stopped = s.stop();
    const res = await slow;
    expect(res.status).toBe(200);
    expect(res.body.token).toBeTypeOf('string');
    await stopped;
    await expect(fetch(s.url + '/healthz')).rejects.toThrow();
    expect(s.app.deps.mongo.ready()).toBe(false);
    await vi.waitFor(() => expect(s.redis.status).toBe('end'));
    await s.wechat.close();
  });
});

describe('the PIPL response scan every test runs through api()', () => {
  it('rejects full phone and ID-card numbers, accepts masked ones and long order numbers', async () => {
    const { assertNoUnmaskedPii } = await import('./helpers');
    expect(() => assertNoUnmaskedPii('/api/v1/me', '{"phone":"13812345678"}')).toThrow(/PIPL/);
    expect(() => assertNoUnmaskedPii('/api/v1/me', '{"idCardNo":"11010519491231002X"}')).toThrow(/PIPL/);
    expect(() => assertNoUnmaskedPii('/api/v1/me', '{"phone":"138****5678","idCardNo":"110***********002X","orderNo":"CM2026112857690565"}')).not.toThrow();
    expect(() => assertNoUnmaskedPii('/api/v1/admin/users/x/pii?reason=r', '{"phone":"13812345678"}')).not.toThrow();
  });
});
