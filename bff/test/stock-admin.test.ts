import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from './helpers';

/** The console's stock screen: list per variant and region, inbound and corrections with reasons, the history. */
const t = await startTestApp('stock_admin');
let operator: string;
let service: string;
let buyer: string;
const MODEL = 'yuanshan-x4';
let trimCode: string;
let paintCode: string;
let key: string;

beforeAll(async () => {
  await t.seed();
  buyer = (await t.login('oStockBuyer')).token;
  for (const [openid, role] of [['oStockOperator', 'operator'], ['oStockService', 'service']]) {
    await t.login(openid);
    await t.conn.collection('users').updateOne({ wechatOpenId: openid }, { $set: { roles: [role] } });
  }
  operator = (await t.login('oStockOperator')).token;
  service = (await t.login('oStockService')).token;
  const { model } = (await t.api(`/api/v1/catalog/models/${MODEL}`)).body;
  trimCode = model.trims[0].code;
  paintCode = model.trims[0].defaults.find((c: string) => model.options.find((o: any) => o.code === c).group === 'paint');
  key = `national:${MODEL}:${trimCode}:${paintCode}`;
  // Two cars for sale, both taken by orders.
  const set = await t.api('/api/v1/admin/stock', { method: 'PUT', token: operator, json: { modelCode: MODEL, trimCode, paintCode, total: 2, reason: '测试备货' } });
  expect(set.status).toBe(200);
  for (let i = 0; i < 2; i++) {
    const res = await order();
    expect([201, 202]).toContain(res.status);
  }
});
afterAll(() => t.close());

const order = () => t.api('/api/v1/orders', { method: 'POST', token: buyer, json: { modelCode: MODEL, trimCode, selections: [] }, headers: { 'idempotency-key': randomUUID() } });
const adjust = (body: object, opts: { token?: string; idem?: string | null } = {}) =>
  t.api('/api/v1/admin/stock/adjustments', {
    method: 'POST',
    token: opts.token ?? operator,
    json: { modelCode: MODEL, trimCode, paintCode, ...body },
    headers: opts.idem === null ? {} : { 'idempotency-key': opts.idem ?? randomUUID() },
  });
const row = async () => (await t.api(`/api/v1/admin/stock?modelCode=${MODEL}`, { token: operator })).body.items.find((r: any) => r.key === key);
const gateFree = () => t.redis.scard(`gate:${key}:free`);

describe('stock per variant and region', () => {
  it('lists the variants of a model with total, held and available (the gate), region national', async () => {
    const res = await t.api(`/api/v1/admin/stock?modelCode=${MODEL}`, { token: operator });
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeGreaterThan(1);
    expect(res.body.items.every((r: any) => r.modelCode === MODEL && r.region === 'national')).toBe(true);
    expect(await row()).toMatchObject({ total: 2, held: 2, available: 0, trimCode, paintCode });
  });

  it('is for operators: service staff and buyers get 403', async () => {
    for (const token of [service, buyer]) {
      expect((await t.api('/api/v1/admin/stock', { token })).status).toBe(403);
      const res = await adjust({ kind: 'inbound', delta: 1, reason: '到货' }, { token });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
    }
    expect((await row()).total).toBe(2);
  });

  it.each([
    [{ kind: 'inbound', delta: -1, reason: '到货' }, 'delta'],
    [{ kind: 'adjustment', delta: 0, reason: '盘点' }, 'delta'],
    [{ kind: 'adjustment', delta: 1 }, 'reason'],
    [{ kind: 'adjustment', delta: 1, reason: ' ' }, 'reason'],
    [{ kind: 'move', delta: 1, reason: '调拨' }, 'kind'],
    [{ kind: 'inbound', delta: 1.5, reason: '到货' }, 'delta'],
  ])('refuses %j with 400 VALIDATION_FAILED naming %s, nothing written', async (body, field) => {
    const res = await adjust(body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details.map((d: any) => d.path)).toContain(field);
    expect((await row()).total).toBe(2);
  });

  it('needs an Idempotency-Key and a known variant', async () => {
    const noKey = await adjust({ kind: 'inbound', delta: 1, reason: '到货' }, { idem: null });
    expect(noKey.status).toBe(400);
    expect(noKey.body.error.code).toBe('IDEMPOTENCY_KEY_REQUIRED');
    const unknown = await adjust({ kind: 'inbound', delta: 1, reason: '到货', paintCode: 'PAINT_NOPE' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('NOT_FOUND');
  });

  it('never goes below what orders hold (409 STOCK_BELOW_HELD), gate unchanged', async () => {
    const res = await adjust({ kind: 'adjustment', delta: -1, reason: '盘点少一台' });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'STOCK_BELOW_HELD', details: { total: 2, held: 2, minDelta: 0 } });
    expect(await row()).toMatchObject({ total: 2, held: 2, available: 0 });
    expect(await gateFree()).toBe(0);
  });

  it('takes inbound cars into the gate at once (a buyer can order one), once per request, audited', async () => {
    const idem = randomUUID();
    const res = await adjust({ kind: 'inbound', delta: 3, reason: '上海港到货' }, { idem });
    expect(res.status).toBe(201);
    expect(res.body.adjustment).toMatchObject({ kind: 'inbound', delta: 3, before: 2, after: 5, reason: '上海港到货', status: 'applied', key });
    expect(res.body.stock).toMatchObject({ total: 5, held: 2, available: 3 });
    expect(await gateFree()).toBe(3);
    // The same request again (a retry): the same answer, applied once, audited once.
    const again = await adjust({ kind: 'inbound', delta: 3, reason: '上海港到货' }, { idem });
    expect(again.status).toBe(201);
    expect(again.body.adjustment.id).toBe(res.body.adjustment.id);
    expect((await row()).total).toBe(5);
    const reused = await adjust({ kind: 'inbound', delta: 4, reason: '上海港到货' }, { idem });
    expect(reused.status).toBe(409);
    expect(reused.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const audits = await t.conn.collection('audit_log').find({ action: 'stock.inbound', targetId: key }).toArray();
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ reason: '上海港到货', before: { total: 2 }, after: { total: 5, delta: 3 }, actorRoles: ['operator'] });

    const placed = await order();
    expect([201, 202]).toContain(placed.status);
    expect(await row()).toMatchObject({ total: 5, held: 3, available: 2 });
    expect(await gateFree()).toBe(2);
  });

  it('corrects down to exactly what is held and keeps the history, newest first', async () => {
    const res = await adjust({ kind: 'adjustment', delta: -2, reason: '盘点：两台展车' });
    expect(res.status).toBe(201);
    expect(res.body.stock).toMatchObject({ total: 3, held: 3, available: 0 });
    expect(await gateFree()).toBe(0);
    const sold = await order();
    expect(sold.status).toBe(409);
    expect(sold.body.error.code).toBe('OUT_OF_STOCK');
    const history = await t.api(`/api/v1/admin/stock/adjustments?key=${encodeURIComponent(key)}`, { token: operator });
    expect(history.status).toBe(200);
    expect(history.body.items.map((a: any) => [a.kind, a.delta, a.before, a.after])).toEqual([
      ['adjustment', -2, 5, 3],
      ['inbound', 3, 2, 5],
    ]);
    expect((await t.api('/api/v1/admin/stock/adjustments?limit=0', { token: operator })).status).toBe(400);
  });
});
