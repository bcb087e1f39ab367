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

describe('the console catalog editor', () => {
  let service: string;
  beforeAll(async () => {
    await t.login('oServiceAdm');
    await t.conn.collection('users').updateOne({ wechatOpenId: 'oServiceAdm' }, { $set: { roles: ['service'] } });
    service = (await t.login('oServiceAdm')).token;
  });
  const adminDetail = async (token = operator) => t.api(`/api/v1/admin/catalog/models/${MODEL}`, { token });
  const publication = (body: object, token = operator) => t.api(`/api/v1/admin/catalog/models/${MODEL}/publication`, { method: 'PUT', json: body, token });

  it('is for operators: a service user gets 403 FORBIDDEN on every editor route, nothing written', async () => {
    const d = (await adminDetail()).body;
    for (const [path, init] of [
      ['/api/v1/admin/catalog/models', {}],
      [`/api/v1/admin/catalog/models/${MODEL}`, {}],
      [`/api/v1/admin/catalog/models/${MODEL}/publication`, { method: 'PUT', json: { expectedVersion: d.version, published: false } }],
      [`/api/v1/admin/catalog/models/${MODEL}/trims/${d.model.trims[0].code}/prices`, { method: 'PUT', json: { expectedVersion: d.version, prices: [{ amountFen: 1, effectiveFrom: '2020-01-01T00:00:00Z' }] } }],
    ] as const) {
      const res = await t.api(path, { ...init, token: service });
      expect(res.status, path).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
    }
    expect((await adminDetail()).body.version).toBe(d.version);
  });

  it('lists every model with its version and publication, and loads one uncached with no problems', async () => {
    const list = await t.api('/api/v1/admin/catalog/models', { token: operator });
    expect(list.status).toBe(200);
    const row = list.body.items.find((m: any) => m.code === MODEL);
    expect(row).toMatchObject({ published: true, trims: expect.any(Number), version: expect.any(Number) });
    const d = await adminDetail();
    expect(d.status).toBe(200);
    expect(d.body).toMatchObject({ published: true, version: row.version, problems: [] });
  });

  it('refuses a change the rule engine cannot resolve (422 with the problem on its option), nothing written', async () => {
    const d = (await adminDetail()).body;
    const pkg = d.model.options.find((o: any) => o.group === 'package');
    const paints = d.model.options.filter((o: any) => o.group === 'paint').map((o: any) => o.code);
    // A package that excludes every paint can never be chosen: the engine's GROUP_CARDINALITY.
    const res = await t.api(`/api/v1/admin/catalog/models/${MODEL}/options/${pkg.code}`, { method: 'PATCH', token: operator, json: { expectedVersion: d.version, excludes: paints } });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('CATALOG_INVALID');
    expect(res.body.error.details.problems).toEqual(
      expect.arrayContaining([expect.objectContaining({ scope: 'option', code: pkg.code, field: 'rules', kind: 'GROUP_CARDINALITY' })]),
    );
    const after = (await adminDetail()).body;
    expect(after.version).toBe(d.version);
    expect(after.model.options.find((o: any) => o.code === pkg.code).excludes ?? []).toEqual(pkg.excludes ?? []);
  });

  it('tells the second of two editors what changed (409 VERSION_CONFLICT with the changes) and lets a reload succeed', async () => {
    const loaded = (await adminDetail()).body; // both operators load the same version
    const trim = loaded.model.trims[0];
    const first = await setPrices(trim.code, { expectedVersion: loaded.version, prices: [{ amountFen: 20_000_000, effectiveFrom: '2020-01-01T00:00:00Z' }], note: '第一位' });
    expect(first.status).toBe(200);
    const second = await setPrices(trim.code, { expectedVersion: loaded.version, prices: [{ amountFen: 21_000_000, effectiveFrom: '2020-01-01T00:00:00Z' }] });
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('VERSION_CONFLICT');
    expect(second.body.error.details).toMatchObject({ currentVersion: loaded.version + 1, yourVersion: loaded.version });
    expect(second.body.error.details.changes).toEqual([expect.objectContaining({ action: 'trim.prices', target: trim.code, note: '第一位', fromVersion: loaded.version })]);
    const reloaded = (await adminDetail()).body;
    const retry = await setPrices(trim.code, { expectedVersion: reloaded.version, prices: [{ amountFen: 21_000_000, effectiveFrom: '2020-01-01T00:00:00Z' }] });
    expect(retry.status).toBe(200);
    expect(retry.body.model.trims[0].prices).toEqual([{ amountFen: 21_000_000, effectiveFrom: '2020-01-01T00:00:00Z' }]);
  });

  it('clears a rule with an empty list (as the editor sends it) and keeps the model valid', async () => {
    const d = (await adminDetail()).body;
    const option = d.model.options.find((o: any) => o.group === 'accessory' && !o.requiresAny);
    const res = await t.api(`/api/v1/admin/catalog/models/${MODEL}/options/${option.code}`, {
      method: 'PATCH',
      token: operator,
      json: { expectedVersion: d.version, requires: [], requiresAny: [], excludes: [], includes: [], availableOn: option.availableOn },
    });
    expect(res.status).toBe(200);
    const saved = res.body.model.options.find((o: any) => o.code === option.code);
    for (const k of ['requires', 'requiresAny', 'excludes', 'includes']) expect(saved).not.toHaveProperty(k);
    expect(res.body.problems).toEqual([]);
  });

  it('writes every change to the staff audit log with before/after', async () => {
    const d = (await adminDetail()).body;
    const trim = d.model.trims[1];
    const res = await setPrices(trim.code, { expectedVersion: d.version, prices: [{ amountFen: 23_456_700, effectiveFrom: '2020-01-01T00:00:00Z' }], note: '调价' });
    expect(res.status).toBe(200);
    const entry = await t.conn.collection('audit_log').findOne({ action: 'catalog.trim.prices', targetId: MODEL, 'after.version': d.version + 1 });
    expect(entry).toMatchObject({ targetType: 'catalog_model', reason: '调价', actorRoles: ['operator'], before: { target: trim.code, value: trim.prices }, after: { value: [{ amountFen: 23_456_700 }] } });
  });

  it('unpublishes (buyers get 404 and no list entry) and publishes again, each audited', async () => {
    const d = (await adminDetail()).body;
    const off = await publication({ expectedVersion: d.version, published: false, note: '暂停销售' });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ published: false, version: d.version + 1 });
    expect((await t.api(`/api/v1/catalog/models/${MODEL}`)).status).toBe(404);
    expect((await t.api('/api/v1/catalog/models?pageSize=50')).body.items.map((m: any) => m.code)).not.toContain(MODEL);
    expect((await t.api('/api/v1/admin/catalog/models', { token: operator })).body.items.find((m: any) => m.code === MODEL).published).toBe(false);
    const stale = await publication({ expectedVersion: d.version, published: true });
    expect(stale.status).toBe(409);
    const on = await publication({ expectedVersion: d.version + 1, published: true });
    expect(on.status).toBe(200);
    expect((await t.api(`/api/v1/catalog/models/${MODEL}`)).status).toBe(200);
    const actions = (await t.conn.collection('audit_log').find({ targetId: MODEL, action: /^catalog\.model\./ }).toArray()).map((a) => a.action);
    expect(actions).toEqual(['catalog.model.unpublish', 'catalog.model.publish']);
    const bad = await publication({ expectedVersion: d.version + 2, published: 'yes' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
  });
});
