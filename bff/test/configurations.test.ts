import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfiguration, type CatalogModel } from '@carmall/shared-types';
import { LINEUP } from '../src/seed/lineup';
import { startTestApp } from './helpers';

const t = await startTestApp('configurations');
beforeAll(() => t.seed());
afterAll(() => t.close());

const S5 = LINEUP.find((m) => m.code === 'yuanshan-s5')! as CatalogModel;
const fen = (yuan: number) => yuan * 100;
const price = (trimCode: string, selections: string[] = [], modelCode = 'yuanshan-s5') =>
  t.api('/api/v1/configurations', { method: 'POST', json: { modelCode, trimCode, selections } });

describe('GET /api/v1/catalog/models/:code', () => {
  it('returns the configurator input for a model', async () => {
    const res = await t.api('/api/v1/catalog/models/yuanshan-s5');
    expect(res.status).toBe(200);
    expect(res.body.model.trims.map((x: { code: string }) => x.code)).toEqual(S5.trims.map((x) => x.code));
    expect(res.body.model.options).toHaveLength(S5.options.length);
    expect(res.body.version).toBeGreaterThanOrEqual(1);
    expect(Date.parse(res.body.pricedAt)).not.toBeNaN();
  });
  it('404s an unknown model and 400s a malformed code', async () => {
    const unknown = await t.api('/api/v1/catalog/models/no-such-car');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('NOT_FOUND');
    const bad = await t.api('/api/v1/catalog/models/BAD%20CODE');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
  });
});

describe('POST /api/v1/configurations', () => {
  it('prices the trim defaults', async () => {
    const res = await price('S5_600_AWD');
    expect(res.status).toBe(200);
    // 600 四驱性能版 ¥239,800 with its default 20-inch wheels (+¥6,000), white paint and black interior (free).
    expect(res.body.config.totalFen).toBe(fen(239_800 + 6_000));
    expect(res.body.config.selected).toEqual(['INT_OBSIDIAN_BLACK', 'PAINT_GLACIER_WHITE', 'WHEEL_20_SPORT']);
    expect(res.body.config.lineItems[0]).toMatchObject({ group: 'trim', code: 'S5_600_AWD', priceFen: fen(239_800) });
  });

  it('adds required options and explains why', async () => {
    const res = await price('S5_600_AWD', ['PKG_PERFORMANCE']);
    expect(res.status).toBe(200);
    const { config } = res.body;
    expect(config.selected).toContain('WHEEL_21_FORGED');
    expect(config.selected).not.toContain('WHEEL_20_SPORT');
    expect(config.totalFen).toBe(fen(239_800 + 15_000 + 12_000));
    const forged = config.lineItems.find((l: { code: string }) => l.code === 'WHEEL_21_FORGED');
    expect(forged.addedBecause).toEqual({ by: 'PKG_PERFORMANCE', reason: 'requires' });
    // The BFF and the mini-program run the same engine: the totals agree.
    const local = resolveConfiguration(S5, 'S5_600_AWD', ['PKG_PERFORMANCE'], new Date(config.pricedAt));
    expect(local.ok && local.config.totalFen).toBe(config.totalFen);
  });

  it('includes package contents at no cost', async () => {
    const res = await price('S5_520_RWD', ['PKG_COMFORT']);
    const vent = res.body.config.lineItems.find((l: { code: string }) => l.code === 'ACC_SEAT_VENT');
    expect(vent).toMatchObject({ priceFen: 0, includedIn: 'PKG_COMFORT' });
  });

  it.each([
    [{ trimCode: 'S5_600_AWD', selections: ['PKG_PERFORMANCE', 'WHEEL_19_AERO'] }, 422, 'OPTION_CONFLICT'],
    [{ trimCode: 'S5_520_RWD', selections: ['WHEEL_21_FORGED'] }, 422, 'OPTION_NOT_AVAILABLE'],
    [{ trimCode: 'S5_520_RWD', selections: ['PAINT_NOPE'] }, 422, 'UNKNOWN_OPTION'],
    [{ trimCode: 'S5_999', selections: [] }, 404, 'UNKNOWN_TRIM'],
    [{ trimCode: 'S5_520_RWD', selections: ['PAINT_GLACIER_WHITE', 'PAINT_CARBON_BLACK'] }, 422, 'GROUP_CARDINALITY'],
  ])('rejects %j with %i %s', async (body, status, code) => {
    const res = await price(body.trimCode, body.selections);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.message).toMatch(/[\u4e00-\u9fa5]/);
    expect(res.body.error.details.codes).toBeInstanceOf(Array);
  });

  it('answers 404 for an unknown model and 400 for malformed bodies', async () => {
    expect((await price('X', [], 'no-such-car')).status).toBe(404);
    for (const json of [{}, { modelCode: 'yuanshan-s5' }, { modelCode: 'yuanshan-s5', trimCode: 'S5_520_RWD', selections: 'PKG_COMFORT' }, { modelCode: 'yuanshan-s5', trimCode: 'S5_520_RWD', selections: ['bad code!'] }, { modelCode: 'yuanshan-s5', trimCode: 'S5_520_RWD', extra: true }]) {
      const res = await t.api('/api/v1/configurations', { method: 'POST', json });
      expect(res.status, JSON.stringify(json)).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
  });
});

describe('saved configurations', () => {
  const body = { modelCode: 'yuanshan-s5', trimCode: 'S5_600_AWD', selections: ['PAINT_LAKE_BLUE', 'PKG_COMFORT'] };

  it('saves with a short id, idempotently, and reloads the same configuration', async () => {
    const first = await t.api('/api/v1/configurations/saved', { method: 'POST', json: body });
    expect(first.status).toBe(201);
    expect(first.body.shortId).toMatch(/^[1-9A-HJ-NP-Za-km-z]{8}$/);
    const again = await t.api('/api/v1/configurations/saved', { method: 'POST', json: body });
    expect(again.body.shortId).toBe(first.body.shortId);
    expect(await t.conn.collection('saved_configurations').countDocuments({ shortId: first.body.shortId })).toBe(1);
    const loaded = await t.api(`/api/v1/configurations/saved/${first.body.shortId}`);
    expect(loaded.status).toBe(200);
    expect(loaded.body.config).toEqual(first.body.config);
    expect(loaded.body).toMatchObject({ modelName: '远山 S5', trimName: expect.any(String), current: { valid: true, totalFen: first.body.config.totalFen } });
  });

  it('stores nothing when the configuration is invalid', async () => {
    const before = await t.conn.collection('saved_configurations').countDocuments();
    const res = await t.api('/api/v1/configurations/saved', { method: 'POST', json: { ...body, selections: ['PKG_PERFORMANCE', 'WHEEL_19_AERO'] } });
    expect(res.status).toBe(422);
    expect(await t.conn.collection('saved_configurations').countDocuments()).toBe(before);
  });

  it('lists a signed-in buyer’s saves under 我的, and only theirs', async () => {
    const alice = await t.login('oAliceCfg');
    const bob = await t.login('oBobCfg');
    const saved = await t.api('/api/v1/configurations/saved', { method: 'POST', json: body, token: alice.token });
    expect(saved.status).toBe(201);
    const mine = await t.api('/api/v1/me/configurations', { token: alice.token });
    expect(mine.body.items.map((i: { shortId: string }) => i.shortId)).toEqual([saved.body.shortId]);
    expect((await t.api('/api/v1/me/configurations', { token: bob.token })).body.items).toEqual([]);
    expect((await t.api(`/api/v1/me/configurations/${saved.body.shortId}`, { method: 'DELETE', token: bob.token })).status).toBe(404);
    expect((await t.api(`/api/v1/me/configurations/${saved.body.shortId}`, { method: 'DELETE', token: alice.token })).status).toBe(204);
    expect((await t.api('/api/v1/me/configurations', { token: alice.token })).body.items).toEqual([]);
    expect((await t.api('/api/v1/me/configurations')).status).toBe(401);
  });

  it('rejects malformed and unknown ids', async () => {
    expect((await t.api('/api/v1/configurations/saved/short')).body.error.code).toBe('VALIDATION_FAILED');
    expect((await t.api('/api/v1/configurations/saved/11111111')).status).toBe(404);
  });
});

describe('GET /api/v1/catalog/compare', () => {
  it('marks the specs that differ', async () => {
    const res = await t.api('/api/v1/catalog/compare?trims=yuanshan-s5:S5_520_RWD,yuanshan-s5:S5_700_AWD');
    expect(res.status).toBe(200);
    const rows = Object.fromEntries(res.body.rows.map((r: { key: string }) => [r.key, r]));
    expect(rows.price.differs).toBe(true);
    expect(rows.rangeKm.values).toEqual([520, 700]);
    expect(rows.seats.differs).toBe(false);
    expect(rows.drive.display).toEqual(['后驱', '四驱']);
  });
  it.each([
    ['?trims=yuanshan-s5:S5_520_RWD', 400, 'VALIDATION_FAILED'],
    ['?trims=a:b,c:d,e:f,g:h', 400, 'VALIDATION_FAILED'],
    ['?trims=yuanshan-s5:S5_520_RWD,yuanshan-s5:NOPE', 404, 'UNKNOWN_TRIM'],
    ['?trims=yuanshan-s5:S5_520_RWD,nope:X', 404, 'NOT_FOUND'],
  ])('%s → %i %s', async (q, status, code) => {
    const res = await t.api(`/api/v1/catalog/compare${q}`);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
  });
});
