import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from './helpers';

const t = await startTestApp('catalog_admin');
let operator: string;
let buyer: string;

beforeAll(async () => {
  await t.seed();
  buyer = (await t.login('oBuyerAdm')).token;
  await t.login('oOperator');
  await t.conn.collection('users').updateOne({ wechatOpenId: 'oOperator' }, { $set: { roles: ['operator'] } });
  operator = (await t.login('oOperator')).token; // roles are read at login
});
afterAll(() => t.close());

const MODEL = 'yuanshan-x4';
const detail = async () => (await t.api(`/api/v1/catalog/models/${MODEL}`)).body;
const startingPrice = async () =>
  (await t.api(`/api/v1/catalog/models?q=${encodeURIComponent('远山 X4')}`)).body.items.find((m: { code: string }) => m.code === MODEL).startingPriceFen;
const setPrices = (trimCode: string, body: object, token = operator) =>
  t.api(`/api/v1/admin/catalog/models/${MODEL}/trims/${trimCode}/prices`, { method: 'PUT', json: body, token });

describe('operator price changes', () => {
  it('needs the operator role', async () => {
    const d = await detail();
    const trim = d.model.trims[0].code;
    const body = { expectedVersion: d.version, prices: [{ amountFen: 1_000_000_00, effectiveFrom: '2020-01-01T00:00:00Z' }] };
    expect((await setPrices(trim, body, '')).status).toBe(401);
    const asBuyer = await setPrices(trim, body, buyer);
    expect(asBuyer.status).toBe(403);
    expect(asBuyer.body.error.code).toBe('FORBIDDEN');
    expect((await t.api('/api/v1/admin/catalog/audit', { token: buyer })).status).toBe(403);
  });

  it('takes effect at once everywhere: no stale price from the cache after the change returns', async () => {
    // Warm the caches.
    const before = await detail();
    const cheapest = before.model.trims.reduce((a: any, b: any) => (a.prices.at(-1).amountFen <= b.prices.at(-1).amountFen ? a : b));
    expect(await startingPrice()).toBe(before.summary.startingPriceFen);
    expect((await t.redis.keys(`${t.config.REDIS_KEY_PREFIX}cache:catalog:*`)).length).toBeGreaterThan(1);

    const newPrice = before.summary.startingPriceFen - 500_000; // ¥5,000 off
    const res = await setPrices(cheapest.code, {
      expectedVersion: before.version,
      prices: [{ amountFen: newPrice, effectiveFrom: '2020-01-01T00:00:00Z' }],
      note: '限时优惠',
    });
    expect(res.status).toBe(200);
    expect(res.body.version).toBe(before.version + 1);

    const after = await detail();
    expect(after.model.trims.find((x: any) => x.code === cheapest.code).prices).toEqual([{ amountFen: newPrice, effectiveFrom: '2020-01-01T00:00:00Z' }]);
    expect(await startingPrice()).toBe(newPrice);
    const priced = await t.api('/api/v1/configurations', { method: 'POST', json: { modelCode: MODEL, trimCode: cheapest.code, selections: [] } });
    expect(priced.body.config.lineItems[0].priceFen).toBe(newPrice);
  });

  it('a saved configuration keeps the price it was saved with and shows the current one beside it', async () => {
    const d = await detail();
    const trim = d.model.trims[0];
    const saved = await t.api('/api/v1/configurations/saved', { method: 'POST', json: { modelCode: MODEL, trimCode: trim.code, selections: [] } });
    const frozen = saved.body.config.totalFen;
    const res = await setPrices(trim.code, { expectedVersion: d.version, prices: [{ amountFen: trim.prices.at(-1).amountFen + 1_000_000, effectiveFrom: '2020-01-01T00:00:00Z' }] });
    expect(res.status).toBe(200);
    const reloaded = await t.api(`/api/v1/configurations/saved/${saved.body.shortId}`);
    expect(reloaded.body.config.totalFen).toBe(frozen);
    expect(reloaded.body.current.totalFen).toBe(frozen + 1_000_000);
  });

  it('refuses a stale version (409) and broken data (422), leaving the model unchanged', async () => {
    const d = await detail();
    const trim = d.model.trims[0].code;
    const stale = await setPrices(trim, { expectedVersion: d.version - 1, prices: [{ amountFen: 1, effectiveFrom: '2020-01-01T00:00:00Z' }] });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'VERSION_CONFLICT', details: { currentVersion: d.version } });
    const overlapping = await setPrices(trim, {
      expectedVersion: d.version,
      prices: [
        { amountFen: 10_000_000, effectiveFrom: '2020-01-01T00:00:00Z' },
        { amountFen: 11_000_000, effectiveFrom: '2021-01-01T00:00:00Z', effectiveTo: '2030-01-01T00:00:00Z' },
      ],
    });
    expect(overlapping.status).toBe(422);
    expect(overlapping.body.error.code).toBe('CATALOG_INVALID');
    expect(overlapping.body.error.details.problems.length).toBeGreaterThan(0);
    const badShape = await setPrices(trim, { expectedVersion: d.version, prices: [{ amountFen: 1.5, effectiveFrom: 'tomorrow' }] });
    expect(badShape.status).toBe(400);
    const unknownTrim = await setPrices('NOPE', { expectedVersion: d.version, prices: [{ amountFen: 1, effectiveFrom: '2020-01-01T00:00:00Z' }] });
    expect(unknownTrim.status).toBe(404);
    expect(unknownTrim.body.error.code).toBe('UNKNOWN_TRIM');
    expect(await detail()).toEqual({ ...d, pricedAt: expect.any(String) });
  });

  it('applies a scheduled price exactly when it starts', async () => {
    const d = await detail();
    const trim = d.model.trims.reduce((a: any, b: any) => (a.prices.at(-1).amountFen <= b.prices.at(-1).amountFen ? a : b));
    const current = trim.prices.at(-1).amountFen;
    const startsAt = new Date(Date.now() + 1500).toISOString();
    const res = await setPrices(trim.code, {
      expectedVersion: d.version,
      prices: [
        { amountFen: current, effectiveFrom: '2020-01-01T00:00:00Z', effectiveTo: startsAt },
        { amountFen: current - 200_000, effectiveFrom: startsAt },
      ],
    });
    expect(res.status).toBe(200);
    expect(await startingPrice()).toBe(current);
    await new Promise((r) => setTimeout(r, Date.parse(startsAt) - Date.now() + 50));
    expect(await startingPrice()).toBe(current - 200_000);
  });
});

describe('operator option edits', () => {
  it('changes rules, validates references, and records who changed what', async () => {
    const d = await detail();
    const option = d.model.options.find((o: any) => o.group === 'accessory');
    const bad = await t.api(`/api/v1/admin/catalog/models/${MODEL}/options/${option.code}`, {
      method: 'PATCH',
      token: operator,
      json: { expectedVersion: d.version, requires: ['DOES_NOT_EXIST'] },
    });
    expect(bad.status).toBe(422);
    const ok = await t.api(`/api/v1/admin/catalog/models/${MODEL}/options/${option.code}`, {
      method: 'PATCH',
      token: operator,
      json: { expectedVersion: d.version, name: '新名称', note: '改名' },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.model.options.find((o: any) => o.code === option.code).name).toBe('新名称');
    const audit = await t.api(`/api/v1/admin/catalog/audit?modelCode=${MODEL}`, { token: operator });
    expect(audit.status).toBe(200);
    const entry = audit.body.items[0];
    expect(entry).toMatchObject({ action: 'option.update', target: option.code, before: { name: option.name }, after: { name: '新名称' }, note: '改名', status: 'applied' });
    const me = await t.api('/api/v1/auth/me', { token: operator });
    expect(entry.actorId).toBe(me.body.id);
    expect(audit.body.items.some((a: any) => a.status === 'applied' && a.action === 'trim.prices')).toBe(true);
  });
});
