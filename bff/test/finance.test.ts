import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBankSimulator } from '@carmall/simulators';
import { startTestApp } from './helpers';
import { fractionToBp, percentToBp, yuanStringToFen } from '../src/modules/finance/bank-client';
import { loadConfig } from '../src/config';

const BANK = { appId: 'carmall-test', secret: 'test-bank-secret' };
const bank = await startBankSimulator({ ...BANK });
const t = await startTestApp('finance', {
  BANK_API_BASE: bank.url,
  BANK_APP_ID: BANK.appId,
  BANK_SECRET: BANK.secret,
  FINANCE_BANK_RETRY_SECONDS: '2',
});
beforeAll(() => t.seed());
afterAll(async () => {
  await t.close();
  await bank.close();
});

const yuan = (y: number) => Math.round(y * 100);
const sim = (path: string, body: object = {}) => fetch(`${bank.url}/__sim/bank/${path}`, { method: 'POST', body: JSON.stringify(body) });
const bankCalls = async () => ((await (await fetch(`${bank.url}/__sim/bank/stats`)).json()) as { productRequests: number }).productRequests;
const quote = (json: object) => t.api('/api/v1/finance/quote', { method: 'POST', json });
/** Rates expire in Redis after FINANCE_RATES_TTL_SECONDS; tests expire them on the spot. */
const expireFresh = () => t.redis.del('finance:rates:fresh');

describe('GET /api/v1/finance/products', () => {
  it("serves the bank's products in fen and basis points, with the bank's asOf", async () => {
    const res = await t.api('/api/v1/finance/products');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ asOf: '2026-01-01T00:00:00.000Z', stale: false });
    expect(Date.parse(res.body.fetchedAt)).not.toBeNaN();
    const byId = Object.fromEntries(res.body.products.map((p: { id: string }) => [p.id, p]));
    expect(Object.keys(byId)).toEqual(['BANK-STD', 'YS-ZERO', 'YS-BALLOON']);
    expect(byId['BANK-STD']).toMatchObject({ methods: ['equal_installment', 'equal_principal'], minDownRatioBp: 1500, maxDownRatioBp: 8000, maxBalloonRatioBp: 0 });
    expect(byId['BANK-STD'].rates.find((r: { termMonths: number }) => r.termMonths === 36)).toEqual({ termMonths: 36, annualRateBp: 385 });
    expect(byId['YS-ZERO'].rates[0]).toEqual({ termMonths: 12, annualRateBp: 0, standardRateBp: 320 });
    expect(byId['YS-ZERO'].fees).toEqual([{ code: 'SERVICE', name: '金融服务费', amountFen: yuan(1_500), when: 'upfront' }]);
    expect(byId['YS-BALLOON'].fees[0]).toMatchObject({ rateBp: 100, when: 'monthly' });
  });

  it('answers from Redis without asking the bank again', async () => {
    await t.api('/api/v1/finance/products');
    const before = await bankCalls();
    for (let i = 0; i < 3; i++) expect((await t.api('/api/v1/finance/products')).status).toBe(200);
    expect(await quote({ priceFen: yuan(200_000), productId: 'BANK-STD', downPayment: { ratio: 0.3 }, termMonths: 36 })).toMatchObject({ status: 200 });
    expect(await bankCalls()).toBe(before);
  });
});

describe('POST /api/v1/finance/quote', () => {
  it('quotes a price: 等额本息 ¥140,000 at 3.85 % over 36 months is ¥4,124.02 a month; ¥10,000 more down saves ¥294.57', async () => {
    const res = await quote({ priceFen: yuan(200_000), productId: 'BANK-STD', downPayment: { ratio: 0.3 }, termMonths: 36 });
    expect(res.status).toBe(200);
    const { totals, schedule } = res.body;
    // Exact annuity: 140000 · r(1+r)^36 / ((1+r)^36 − 1), r = 0.0385/12 → 4124.0226… (computed independently).
    expect(totals).toMatchObject({ priceFen: yuan(200_000), downPaymentFen: yuan(60_000), financedFen: yuan(140_000), monthlyPaymentFen: yuan(4_124.02), subsidyFen: 0 });
    expect(res.body).toMatchObject({ method: 'equal_installment', annualRateBp: 385, termMonths: 36, stale: false, asOf: '2026-01-01T00:00:00.000Z' });
    expect(schedule).toHaveLength(36);
    expect(schedule.reduce((s: number, r: { principalFen: number }) => s + r.principalFen, 0)).toBe(yuan(140_000));
    expect(schedule[35].balanceFen).toBe(0);
    // 130000 → 3829.4496… → ¥3,829.45: ¥294.57 less a month.
    expect(res.body.comparison).toMatchObject({ extraDownPaymentFen: yuan(10_000), monthlyPaymentFen: yuan(3_829.45), monthlyPaymentDeltaFen: -yuan(294.57) });
    expect(res.body.comparison.summary).toMatch(/^首付多付 ¥10,000，月供减少 ¥294\.57，总利息减少 ¥[\d,.]+$/);
  });

  it('quotes a configuration priced by the server (same engine and catalog as POST /configurations)', async () => {
    const priced = await t.api('/api/v1/configurations', { method: 'POST', json: { modelCode: 'yuanshan-s5', trimCode: 'S5_600_AWD', selections: ['PKG_PERFORMANCE'] } });
    const res = await quote({ modelCode: 'yuanshan-s5', trimCode: 'S5_600_AWD', selections: ['PKG_PERFORMANCE'], productId: 'BANK-STD', downPayment: { amountFen: yuan(80_000) }, termMonths: 48, method: 'equal_principal' });
    expect(res.status).toBe(200);
    expect(res.body.vehicle).toMatchObject({ priceFen: priced.body.config.totalFen, modelCode: 'yuanshan-s5', trimCode: 'S5_600_AWD' });
    expect(res.body.vehicle.modelName).toMatch(/[\u4e00-\u9fff]/);
    expect(res.body.vehicle.selected).toContain('WHEEL_21_FORGED');
    expect(res.body.totals.financedFen).toBe(priced.body.config.totalFen - yuan(80_000));
    expect(res.body.method).toBe('equal_principal');
    expect(res.body.schedule[0].paymentFen).toBeGreaterThan(res.body.schedule[47].paymentFen);
  });

  it('0 息: no interest for the buyer, the subsidy and the service fee reported', async () => {
    const res = await quote({ priceFen: yuan(150_000), productId: 'YS-ZERO', downPayment: { ratio: 0.3 }, termMonths: 12 });
    expect(res.status).toBe(200);
    // 105000 / 12 = 8750 exactly.
    expect(res.body.totals).toMatchObject({ financedFen: yuan(105_000), totalInterestFen: 0, monthlyPaymentFen: yuan(8_750), upfrontFeesFen: yuan(1_500), dueAtSigningFen: yuan(45_000 + 1_500) });
    expect(res.body.totals.subsidyFen).toBeGreaterThan(yuan(1_000));
    expect(res.body.annualRateBp).toBe(0);
  });

  it('弹性尾款: the balloon is due with the last instalment', async () => {
    const res = await quote({ priceFen: yuan(200_000), productId: 'YS-BALLOON', downPayment: { ratio: 0.2 }, termMonths: 36, balloonRatio: 0.4 });
    expect(res.status).toBe(200);
    // annuity(160000 with 80000 left at the end, 4.49 %) = 2678.7297… → ¥2,678.73, plus the 1 % account fee over 36 months (¥1,600 / 36 → ¥44.44).
    expect(res.body.totals).toMatchObject({ balloonFen: yuan(80_000), monthlyPaymentFen: yuan(2_678.73 + 44.44), totalFeesFen: yuan(1_600) });
    expect(res.body.schedule[35].balloonFen).toBe(yuan(80_000));
    expect(res.body.schedule[35].paymentFen).toBeGreaterThan(yuan(80_000));
  });

  it.each([
    [{ priceFen: 100 }, 'both a price and a configuration', { modelCode: 'yuanshan-s5', trimCode: 'S5_600_AWD' }],
    [{}, 'neither a price nor a configuration', { priceFen: undefined }],
    [{ downPayment: { ratio: 1.5 } }, 'a ratio above 1', {}],
    [{ downPayment: { ratio: 0.12345 } }, 'a ratio with 5 decimals', {}],
    [{ downPayment: { ratio: 0.3, amountFen: 100 } }, 'two kinds of down payment', {}],
    [{ termMonths: 6 }, 'a term under 12 months', {}],
    [{ termMonths: 36.5 }, 'a fractional term', {}],
    [{ priceFen: -1 }, 'a negative price', {}],
    [{ productId: 'bad id!' }, 'a malformed product id', {}],
    [{ extra: true }, 'an unknown field', {}],
  ])('400 VALIDATION_FAILED for %j (%s)', async (patch, _why, more) => {
    const res = await quote({ priceFen: yuan(200_000), productId: 'BANK-STD', downPayment: { ratio: 0.3 }, termMonths: 36, ...patch, ...more });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });

  it.each([
    ['BANK-STD', { termMonths: 30 }, 'TERM_NOT_OFFERED'],
    ['BANK-STD', { downPayment: { ratio: 0.1 } }, 'DOWN_PAYMENT_OUT_OF_RANGE'],
    ['BANK-STD', { downPayment: { amountFen: yuan(200_000) } }, 'DOWN_PAYMENT_OUT_OF_RANGE'],
    ['BANK-STD', { balloonRatio: 0.2 }, 'BALLOON_OUT_OF_RANGE'],
    ['YS-BALLOON', { balloonRatio: 0.45 }, 'BALLOON_OUT_OF_RANGE'],
    ['YS-ZERO', { method: 'equal_principal' }, 'METHOD_NOT_OFFERED'],
    ['YS-ZERO', { termMonths: 48 }, 'TERM_NOT_OFFERED'],
  ])('422 LOAN_TERMS_INVALID for %s %j (%s)', async (productId, patch, reason) => {
    const res = await quote({ priceFen: yuan(200_000), productId, downPayment: { ratio: 0.3 }, termMonths: 36, ...patch });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'LOAN_TERMS_INVALID', details: { reason } });
    expect(res.body.error.message).toMatch(/[\u4e00-\u9fff]/);
  });

  it('404 for an unknown product or model, the configurator codes for a bad configuration', async () => {
    const product = await quote({ priceFen: yuan(200_000), productId: 'NOPE', downPayment: { ratio: 0.3 }, termMonths: 36 });
    expect(product.status).toBe(404);
    expect(product.body.error.details.offered).toContain('BANK-STD');
    const model = await quote({ modelCode: 'no-such-car', trimCode: 'X', productId: 'BANK-STD', downPayment: { ratio: 0.3 }, termMonths: 36 });
    expect(model.status).toBe(404);
    const conflict = await quote({ modelCode: 'yuanshan-s5', trimCode: 'S5_600_AWD', selections: ['PKG_PERFORMANCE', 'WHEEL_19_AERO'], productId: 'BANK-STD', downPayment: { ratio: 0.3 }, termMonths: 36 });
    expect([conflict.status, conflict.body.error.code]).toEqual([422, 'OPTION_CONFLICT']);
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await t.api('/api/v1/openapi.json')).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/finance/products', '/api/v1/finance/quote']));
  });
});

describe('bank outages', () => {
  it('falls back to the last known rates (stale, old asOf) while the bank fails, waits FINANCE_BANK_RETRY_SECONDS, then picks up new rates', async () => {
    const first = await t.api('/api/v1/finance/products');
    expect(first.body.stale).toBe(false);
    await sim('fail', { times: -1, status: 503 });
    await expireFresh();
    const calls = await bankCalls();
    const down = await t.api('/api/v1/finance/products');
    expect(down.status).toBe(200);
    expect(down.body).toMatchObject({ stale: true, asOf: first.body.asOf, fetchedAt: first.body.fetchedAt });
    // Quotes keep working on the last known rates, and say so.
    const q = await quote({ priceFen: yuan(200_000), productId: 'BANK-STD', downPayment: { ratio: 0.3 }, termMonths: 36 });
    expect(q.status).toBe(200);
    expect(q.body).toMatchObject({ stale: true, asOf: first.body.asOf });
    expect(q.body.totals.monthlyPaymentFen).toBe(yuan(4_124.02));
    // The failing bank is not asked again during the cool-down.
    expect(await bankCalls()).toBe(calls);

    // The bank comes back with new rates: after the cool-down they are served, fresh.
    await sim('fail', { times: 0 });
    await sim('rates', { asOf: '2026-03-01T00:00:00.000Z' });
    await new Promise((r) => setTimeout(r, 2_100));
    const back = await t.api('/api/v1/finance/products');
    expect(back.body).toMatchObject({ stale: false, asOf: '2026-03-01T00:00:00.000Z' });
    expect(Date.parse(back.body.fetchedAt)).toBeGreaterThan(Date.parse(first.body.fetchedAt));
  });

  it('treats a tampered answer and a timeout like an outage', async () => {
    await t.redis.del('finance:rates:cooldown');
    await expireFresh();
    await sim('tamper', { times: 1 });
    expect((await t.api('/api/v1/finance/products')).body.stale).toBe(true);

    await t.redis.del('finance:rates:cooldown');
    await sim('delay', { ms: 2_500, times: 1 }); // UPSTREAM_TIMEOUT_MS is 2000 in tests
    const started = Date.now();
    const slow = await t.api('/api/v1/finance/products');
    expect(slow.body.stale).toBe(true);
    expect(Date.now() - started).toBeLessThan(2_500);
  });
});

describe('bank never reached', () => {
  let never: Awaited<ReturnType<typeof startTestApp>>;
  beforeAll(async () => {
    // A port nothing listens on: every call fails, and there are no last known rates.
    never = await startTestApp('finance_never', { BANK_API_BASE: 'http://127.0.0.1:9', BANK_APP_ID: BANK.appId, BANK_SECRET: BANK.secret });
  });
  afterAll(() => never?.close());

  it('answers 503 FINANCE_RATES_UNAVAILABLE with Retry-After for products and quotes', async () => {
    const products = await never.api('/api/v1/finance/products');
    expect(products.status).toBe(503);
    expect(products.body.error.code).toBe('FINANCE_RATES_UNAVAILABLE');
    expect(products.body.error.message).toMatch(/[\u4e00-\u9fff]/);
    expect(products.headers.get('retry-after')).toBeTruthy();
    const q = await never.api('/api/v1/finance/quote', { method: 'POST', json: { priceFen: yuan(200_000), productId: 'BANK-STD', downPayment: { ratio: 0.3 }, termMonths: 36 } });
    expect([q.status, q.body.error.code]).toEqual([503, 'FINANCE_RATES_UNAVAILABLE']);
  });
});

describe('bank adapter units and settings', () => {
  it("converts the bank's decimal strings exactly", () => {
    expect([percentToBp('3.85'), percentToBp('4'), percentToBp('0'), percentToBp('1.9'), percentToBp('12.05')]).toEqual([385, 400, 0, 190, 1205]);
    expect([fractionToBp('0.15'), fractionToBp('1'), fractionToBp('0.0100'), fractionToBp('0')]).toEqual([1500, 10_000, 100, 0]);
    expect([yuanStringToFen('1500.00'), yuanStringToFen('0.5'), yuanStringToFen('19')]).toEqual([150_000, 50, 1_900]);
    for (const bad of [() => percentToBp('3.855'), () => percentToBp('-1'), () => fractionToBp('1.5'), () => fractionToBp('0.12345'), () => yuanStringToFen('1e3'), () => yuanStringToFen('1.234')]) {
      expect(bad).toThrow(/not a|above/);
    }
  });

  it('validates the finance settings at start-up', () => {
    const base = { MONGODB_URI: 'mongodb://127.0.0.1/x', REDIS_URL: 'redis://127.0.0.1' };
    expect(loadConfig(base)).toMatchObject({ FINANCE_RATES_TTL_SECONDS: 300, FINANCE_BANK_RETRY_SECONDS: 15, BANK_APP_ID: 'carmall-dev' });
    expect(() => loadConfig({ ...base, BANK_API_BASE: 'not a url' })).toThrow(/BANK_API_BASE/);
    expect(() => loadConfig({ ...base, FINANCE_RATES_TTL_SECONDS: '0' })).toThrow(/FINANCE_RATES_TTL_SECONDS/);
    expect(() => loadConfig({ ...base, NODE_ENV: 'production', BANK_API_BASE: 'https://bank.example' })).toThrow(/BANK_SECRET: is required in production/);
  });
});
