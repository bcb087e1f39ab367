import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBankSimulator } from '@carmall/simulators';
import { seedDemoSites } from '../src/seed/sites';
import { startTestApp } from './helpers';

const BANK = { appId: 'carmall-test', secret: 'test-bank-secret' };
const bank = await startBankSimulator({ ...BANK });
// Training only on demand here (the scheduler would race the assertions on versions).
const t = await startTestApp('recommendations', { BANK_API_BASE: bank.url, BANK_APP_ID: BANK.appId, BANK_SECRET: BANK.secret, RECO_TRAIN_EVERY_MS: '0' });
const CAR = { modelCode: 'yuanshan-s5', trimCode: 'S5_520_RWD', selections: ['PAINT_MIST_GREY'] };
let admin: string;

beforeAll(async () => {
  await t.seed();
  await seedDemoSites(t.conn);
  admin = (await t.loginAs('admin', 'oRecoAdmin')).token;
});
afterAll(async () => {
  await t.close();
  await bank.close();
});

const interactions = () => t.conn.collection('reco_interactions');
const train = async () => {
  const res = await t.api('/api/v1/admin/recommendations/train', { method: 'POST', token: admin });
  expect(res.status).toBe(200);
  return res.body as { version: number; users: number; items: number; interactions: number };
};

/** Other buyers' history (fixture data written where the modules write it): S5 viewers also configure E7, M8 goes with S7. */
async function crowd() {
  const docs = [];
  const at = new Date('2026-11-01T02:00:00Z');
  for (let u = 0; u < 12; u++) {
    docs.push({ _id: `view:crowd${u}:yuanshan-s5`, userId: `crowd${u}`, modelCode: 'yuanshan-s5', kind: 'view', weight: 1, at });
    docs.push({ _id: `configure:crowd${u}:changfeng-e7`, userId: `crowd${u}`, modelCode: 'changfeng-e7', kind: 'configure', weight: 3, at });
  }
  for (let u = 0; u < 4; u++) {
    docs.push({ _id: `view:pair${u}:yunqi-m8`, userId: `pair${u}`, modelCode: 'yunqi-m8', kind: 'view', weight: 1, at });
    docs.push({ _id: `view:pair${u}:yuanshan-s7`, userId: `pair${u}`, modelCode: 'yuanshan-s7', kind: 'view', weight: 1, at });
  }
  await interactions().insertMany(docs as never[]);
}

describe('recommendations', () => {
  it('a new buyer gets popular models (before any training: the lineup in the brand order)', async () => {
    const { token } = await t.login('oRecoNew');
    const res = await t.api('/api/v1/me/recommendations', { token });
    expect(res.status).toBe(200);
    expect(res.body.personalized).toBe(false);
    expect(res.body.modelVersion).toBe(0);
    expect(res.body.items.length).toBe(6);
    expect(res.body.items.every((i: { reason: string; source: string }) => i.reason === '热门车型' && i.source === 'popular')).toBe(true);
    expect(res.body.items[0].model).toMatchObject({ code: expect.any(String), startingPriceFen: expect.any(Number), coverImage: expect.stringMatching(/^\/media\/models\//) });
  });

  it('records the buyer’s events from the modules, once per natural id', async () => {
    const { token, user } = await t.login('oRecoEvents');
    // Two views of the same model on the same day are one event; anonymous views are not recorded.
    for (let i = 0; i < 2; i++) expect((await t.api('/api/v1/catalog/models/yuanshan-s5', { token })).status).toBe(200);
    expect((await t.api('/api/v1/catalog/models/yuanshan-s7')).status).toBe(200);
    // Saved configuration (saved twice: same short id, one event).
    for (let i = 0; i < 2; i++) expect((await t.api('/api/v1/configurations/saved', { method: 'POST', json: CAR, token })).status).toBe(201);
    expect((await t.api('/api/v1/catalog/compare?trims=yuanshan-s5:S5_520_RWD,changfeng-e7:E7_560_RWD', { token })).status).toBe(200);
    const products = await t.api('/api/v1/finance/products');
    const quote = { ...CAR, productId: products.body.products[0].id, downPayment: { ratio: 0.3 }, termMonths: 36 };
    expect((await t.api('/api/v1/finance/quote', { method: 'POST', json: quote, token })).status).toBe(200);
    // An order retried with the same Idempotency-Key is one order event.
    const key = randomUUID();
    for (let i = 0; i < 2; i++) expect((await t.api('/api/v1/orders', { method: 'POST', json: CAR, token, headers: { 'idempotency-key': key } })).status).toBe(201);

    // A test drive booked twice with the same Idempotency-Key is one test_drive event.
    const tomorrow = new Date(Date.now() + 8 * 3_600_000 + 86_400_000).toISOString().slice(0, 10);
    const drive = { storeCode: 'SH-JINGAN', slotStart: new Date(`${tomorrow}T11:00:00+08:00`).toISOString(), modelCode: 'yunqi-m8', contactName: '张三', phone: '13812345678' };
    const driveKey = randomUUID();
    const booked = [];
    for (let i = 0; i < 2; i++) booked.push(await t.api('/api/v1/test-drives', { method: 'POST', json: drive, token, headers: { 'idempotency-key': driveKey } }));
    expect(booked.map((b) => b.status)).toEqual([201, 201]);

    const mine = await interactions().find({ userId: user.id }).toArray();
    expect(mine.filter((d) => d.kind === 'test_drive')).toEqual([expect.objectContaining({ _id: `test_drive:${booked[0].body.id}`, modelCode: 'yunqi-m8', weight: 5 })]);
    const kinds = mine.map((d) => `${d.kind}:${d.modelCode}`).sort();
    expect(kinds.filter((k) => k === 'view:yuanshan-s5')).toHaveLength(1);
    expect(kinds).toContain('configure:yuanshan-s5');
    expect(kinds).toEqual(expect.arrayContaining(['compare:yuanshan-s5', 'compare:changfeng-e7']));
    expect(kinds).toContain('quote:yuanshan-s5');
    expect(kinds.filter((k) => k === 'order:yuanshan-s5')).toHaveLength(1);
    expect(kinds.filter((k) => k.startsWith('configure:'))).toHaveLength(1);
    expect(mine.find((d) => d.kind === 'order')).toMatchObject({ weight: 8, _id: expect.stringMatching(/^order:CM\d{16}$/) });
    expect(mine.some((d) => d.modelCode === 'yuanshan-s7')).toBe(false);
  });

  it('the BullMQ training job stores versioned neighbours in Redis; serving reads them', async () => {
    await crowd();
    const first = await train();
    expect(first.version).toBeGreaterThanOrEqual(1);
    expect(first.users).toBeGreaterThanOrEqual(16);
    expect(first.interactions).toBe(await interactions().countDocuments());
    expect(await t.redis.get('reco:model:current')).toBe(String(first.version));
    const stored = JSON.parse((await t.redis.get(`reco:model:${first.version}`))!);
    expect(stored.neighbours['yuanshan-s5'][0].item).toBe('changfeng-e7');
    expect(stored.neighbours['yunqi-m8'][0].item).toBe('yuanshan-s7');
    const second = await train();
    expect(second.version).toBe(first.version + 1);
    expect(await t.redis.ttl(`reco:model:${first.version}`)).toBeGreaterThan(0); // the old version expires

    // A buyer who viewed S5 gets E7 (co-interest) first, with the reason naming S5.
    const { token } = await t.login('oRecoViewer');
    await t.api('/api/v1/catalog/models/yuanshan-s5', { token });
    const recs = await t.api('/api/v1/me/recommendations?limit=3', { token });
    expect(recs.status).toBe(200);
    expect(recs.body).toMatchObject({ personalized: true, modelVersion: second.version });
    expect(recs.body.items[0].model.code).toBe('changfeng-e7');
    expect(recs.body.items[0].reason).toContain('和您看过的 远山 S5 相似');

    // The buyer who ordered an S5 is never recommended the S5.
    const ordered = await t.login('oRecoEvents');
    const theirs = await t.api('/api/v1/me/recommendations?limit=20', { token: ordered.token });
    expect(theirs.body.items.map((i: { model: { code: string } }) => i.model.code)).not.toContain('yuanshan-s5');
  });

  it('cold start: a single view of a model nobody else touched is answered from content similarity', async () => {
    const { token } = await t.login('oRecoCold');
    await t.api('/api/v1/catalog/models/yuanshan-x4', { token });
    const recs = await t.api('/api/v1/me/recommendations', { token });
    expect(recs.body.personalized).toBe(true);
    expect(recs.body.items[0].source).toBe('content');
    expect(recs.body.items[0].reason).toBe('和您看过的 远山 X4 相似');
  });

  it('budget and body type: explicit preferences and the list filters a buyer uses', async () => {
    const { token } = await t.login('oRecoPrefs');
    await t.api('/api/v1/catalog/models/yuanshan-s5', { token });
    // Learnt from the list filters.
    expect((await t.api('/api/v1/catalog/models?bodyType=suv&maxPriceFen=30000000', { token })).status).toBe(200);
    expect((await t.api('/api/v1/me/recommendations/preferences', { token })).body).toEqual({ source: 'filters', bodyTypes: ['suv'], maxPriceFen: 30_000_000 });
    const recs = await t.api('/api/v1/me/recommendations?limit=20', { token });
    for (const i of recs.body.items) {
      expect(i.model.bodyType).toBe('suv');
      expect(i.model.startingPriceFen).toBeLessThanOrEqual(30_000_000);
    }
    // Explicit wins, and later filters do not overwrite it.
    const put = await t.api('/api/v1/me/recommendations/preferences', { method: 'PUT', token, json: { bodyTypes: ['mpv'], maxPriceFen: null } });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ source: 'explicit', bodyTypes: ['mpv'] });
    await t.api('/api/v1/catalog/models?bodyType=sedan', { token });
    expect((await t.api('/api/v1/me/recommendations/preferences', { token })).body.bodyTypes).toEqual(['mpv']);
    const mpv = await t.api('/api/v1/me/recommendations', { token });
    expect(mpv.body.items.map((i: { model: { bodyType: string } }) => i.model.bodyType)).toEqual(mpv.body.items.map(() => 'mpv'));
  });

  it('similar cars on a model page, with the specification differences marked', async () => {
    const res = await t.api('/api/v1/catalog/models/yuanshan-s5/similar?limit=3');
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(3);
    expect(res.body.items.map((i: { model: { code: string } }) => i.model.code)).not.toContain('yuanshan-s5');
    const s5 = (await t.api('/api/v1/catalog/models?q=S5')).body.items.find((m: { code: string }) => m.code === 'yuanshan-s5');
    for (const item of res.body.items) {
      const price = item.differences.find((d: { key: string }) => d.key === 'price');
      if (item.model.startingPriceFen !== s5.startingPriceFen) {
        expect(price.delta).toBe(item.model.startingPriceFen - s5.startingPriceFen);
        expect(price.text).toMatch(/^价格 [+-]¥[\d,]+$/);
      }
      const range = item.differences.find((d: { key: string }) => d.key === 'range');
      if (range) expect(range.text).toMatch(/^续航 [+-]\d+ km$/);
    }
    expect(res.body.items[0].model.code).toBe('changfeng-e7'); // 12 buyers looked at both
    expect(res.body.items[0].reason).toBe('看过 远山 S5 的用户也常关注');
  });

  it('bad input is a 4xx with a stable code, never a 500', async () => {
    const { token } = await t.login('oRecoBad');
    const cases: [string, RequestInit & { json?: unknown; token?: string }, number, string][] = [
      ['/api/v1/catalog/models/NOT_A_CODE/similar', {}, 400, 'VALIDATION_FAILED'],
      ['/api/v1/catalog/models/no-such-car/similar', {}, 404, 'NOT_FOUND'],
      ['/api/v1/catalog/models/yuanshan-s5/similar?limit=0', {}, 400, 'VALIDATION_FAILED'],
      ['/api/v1/catalog/models/yuanshan-s5/similar?limit=abc', {}, 400, 'VALIDATION_FAILED'],
      ['/api/v1/catalog/models/yuanshan-s5/similar?x=1', {}, 400, 'VALIDATION_FAILED'],
      ['/api/v1/me/recommendations', {}, 401, 'UNAUTHENTICATED'],
      ['/api/v1/me/recommendations?limit=999', { token }, 400, 'VALIDATION_FAILED'],
      ['/api/v1/me/recommendations/preferences', { method: 'PUT', token, json: { minPriceFen: 5, maxPriceFen: 1 } }, 400, 'VALIDATION_FAILED'],
      ['/api/v1/me/recommendations/preferences', { method: 'PUT', token, json: { bodyTypes: ['truck'] } }, 400, 'VALIDATION_FAILED'],
      ['/api/v1/me/recommendations/preferences', { method: 'PUT', token, json: { minPriceFen: -1 } }, 400, 'VALIDATION_FAILED'],
      ['/api/v1/me/recommendations/preferences', { method: 'PUT', token, json: { colour: 'red' } }, 400, 'VALIDATION_FAILED'],
      ['/api/v1/admin/recommendations/train', { method: 'POST', token }, 403, 'FORBIDDEN'],
    ];
    for (const [path, init, status, code] of cases) {
      const res = await t.api(path, init);
      expect([path, res.status, res.body?.error?.code]).toEqual([path, status, code]);
    }
    // Nothing was written by the refused preference changes.
    expect((await t.api('/api/v1/me/recommendations/preferences', { token })).body).toEqual({ source: null, bodyTypes: [] });
  });
});
