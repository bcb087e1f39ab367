import { randomBytes } from 'node:crypto';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { bankRequestSignature, bankResponseSignature, DEFAULT_BANK_PRODUCTS, startBankSimulator } from '../src/bank';

const APP = { appId: 'carmall-test', secret: 'test-bank-secret' };
const sim = await startBankSimulator({ ...APP });
afterAll(() => sim.close());

const control = (path: string, body: object = {}) => fetch(`${sim.url}/__sim/bank/${path}`, { method: 'POST', body: JSON.stringify(body) });

/** A signed call as the BFF makes it; `patch` breaks one part of it. */
async function call(pathAndQuery = '/v1/loan-products', patch: { appId?: string; secret?: string; ts?: string; nonce?: string } = {}) {
  const ts = patch.ts ?? String(Math.floor(Date.now() / 1000));
  const nonce = patch.nonce ?? randomBytes(8).toString('hex');
  const res = await fetch(sim.url + pathAndQuery, {
    headers: {
      'x-bank-app-id': patch.appId ?? APP.appId,
      'x-bank-timestamp': ts,
      'x-bank-nonce': nonce,
      'x-bank-signature': bankRequestSignature(patch.secret ?? APP.secret, 'GET', pathAndQuery, ts, nonce, ''),
    },
  });
  const text = await res.text();
  const signed =
    res.headers.get('x-bank-signature') === bankResponseSignature(APP.secret, res.headers.get('x-bank-timestamp') ?? '', res.headers.get('x-bank-nonce') ?? '', text);
  return { status: res.status, body: JSON.parse(text), signed, nonce };
}

beforeEach(async () => {
  await control('fail', { times: 0 });
  await control('delay', { ms: 0, times: 0 });
});

describe('bank simulator: loan products', () => {
  it('listens on loopback only and serves the signed rate book', async () => {
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const r = await call('/v1/loan-products?channel=ONLINE');
    expect(r.status).toBe(200);
    expect(r.signed).toBe(true);
    expect(r.body.code).toBe('000000');
    expect(r.body.data.asOf).toBe('2026-01-01T00:00:00.000Z');
    expect(r.body.data.products.map((p: { productId: string }) => p.productId)).toEqual(DEFAULT_BANK_PRODUCTS.map((p) => p.productId));
    // Rates are decimal strings, as banks send them.
    expect(r.body.data.products[0].rates[2]).toEqual({ term: 36, annualRate: '3.85' });
  });

  it('refuses unknown apps, bad signatures, stale timestamps and replayed nonces with bank codes (answers still signed)', async () => {
    const unknown = await call(undefined, { appId: 'someone-else' });
    expect([unknown.status, unknown.body.code, unknown.signed]).toEqual([401, 'AUTH_APP_UNKNOWN', true]);
    expect((await call(undefined, { secret: 'wrong' })).body.code).toBe('AUTH_SIGNATURE_INVALID');
    const old = await call(undefined, { ts: String(Math.floor(Date.now() / 1000) - 301) });
    expect([old.status, old.body.code]).toEqual([401, 'AUTH_TIMESTAMP_EXPIRED']);
    const first = await call();
    expect(first.status).toBe(200);
    const replay = await call(undefined, { nonce: first.nonce });
    expect([replay.status, replay.body.code]).toEqual([409, 'AUTH_NONCE_REPLAYED']);
    expect((await call('/v1/loan-products?channel=MOON')).body.code).toBe('PARAM_INVALID');
    expect((await call('/v1/nothing')).status).toBe(404);
  });

  it('fails, delays, republishes and tampers on request', async () => {
    await control('fail', { times: 2, status: 503 });
    expect((await call()).body.code).toBe('SYSTEM_BUSY');
    expect((await call()).status).toBe(503);
    expect((await call()).status).toBe(200);
    await control('fail', { times: 1, status: 429, code: 'RATE_LIMITED' });
    expect((await call()).body.code).toBe('RATE_LIMITED');

    await control('delay', { ms: 300, times: 1 });
    const started = Date.now();
    expect((await call()).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);

    await control('rates', { asOf: '2026-02-01T00:00:00.000Z', products: [DEFAULT_BANK_PRODUCTS[0]] });
    const now = await call();
    expect(now.body.data.asOf).toBe('2026-02-01T00:00:00.000Z');
    expect(now.body.data.products).toHaveLength(1);

    await control('tamper', { times: 1 });
    expect((await call()).signed).toBe(false);
    expect((await call()).signed).toBe(true);
    const stats = (await (await fetch(`${sim.url}/__sim/bank/stats`)).json()) as { productRequests: number };
    expect(stats.productRequests).toBeGreaterThan(5);
  });
});
