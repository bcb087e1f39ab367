import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelSummaryFromCatalog, type ModelSummary } from '@carmall/shared-types';
import { LINEUP } from '../src/seed/lineup';
import { startTestApp } from './helpers';

const t = await startTestApp('catalog');
beforeAll(() => t.seed());
afterAll(() => t.close());

const list = async (query = '') => t.api<{ items: ModelSummary[]; total: number; page: number; pageSize: number; error?: any }>(`/api/v1/catalog/models${query}`);
const now = new Date();

describe('GET /api/v1/catalog/models', () => {
  it('lists every seeded model, cheapest first, with prices derived from the trims', async () => {
    const res = await list();
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(LINEUP.length);
    expect(res.body.items.map((m) => m.code).sort()).toEqual(LINEUP.map((m) => m.code).sort());
    const prices = res.body.items.map((m) => m.startingPriceFen);
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
    for (const item of res.body.items) {
      const source = LINEUP.find((m) => m.code === item.code)!;
      const summary = modelSummaryFromCatalog(source, now);
      expect(item).toMatchObject({ name: source.name, startingPriceFen: summary.startingPriceFen, seats: summary.seats, rangeKm: summary.rangeKm });
      expect(Number.isInteger(item.startingPriceFen)).toBe(true);
      expect(item.coverImage).toBe(`/media/models/${item.code}.svg`);
      expect(item.id).toMatch(/^[0-9a-f]{24}$/);
    }
  });

  it('filters by body type and energy type (comma lists)', async () => {
    const suvs = await list('?bodyType=suv');
    expect(suvs.body.total).toBe(LINEUP.filter((m) => m.bodyType === 'suv').length);
    expect(suvs.body.items.every((m) => m.bodyType === 'suv')).toBe(true);
    const mixed = await list('?bodyType=sedan,mpv&energyType=phev');
    const expected = LINEUP.filter((m) => ['sedan', 'mpv'].includes(m.bodyType) && m.energyType === 'phev').map((m) => m.code);
    expect(mixed.body.items.map((m) => m.code).sort()).toEqual(expected.sort());
    expect(expected.length).toBeGreaterThan(0);
  });

  it('filters by price range, seats, range and featured', async () => {
    const all = (await list('?pageSize=50')).body.items;
    const max = 25_000_000;
    const cheap = await list(`?maxPriceFen=${max}`);
    expect(cheap.body.items.map((m) => m.code).sort()).toEqual(all.filter((m) => m.startingPriceFen <= max).map((m) => m.code).sort());
    const sixPlus = await list('?seats=6');
    expect(sixPlus.body.items.map((m) => m.code).sort()).toEqual(all.filter((m) => m.seats >= 6).map((m) => m.code).sort());
    const longRange = await list('?minRangeKm=600');
    expect(longRange.body.items.every((m) => (m.rangeKm ?? 0) >= 600)).toBe(true);
    const featured = await list('?featured=true');
    expect(featured.body.items.map((m) => m.code).sort()).toEqual(LINEUP.filter((m) => m.featured).map((m) => m.code).sort());
  });

  it('searches by name, series and Chinese labels, treating regex characters literally', async () => {
    const first = LINEUP[0];
    const byName = await list(`?q=${encodeURIComponent(first.name.split(' ')[0])}`);
    expect(byName.body.items.map((m) => m.code)).toContain(first.code);
    const byLabel = await list(`?q=${encodeURIComponent('插混')}`);
    expect(byLabel.body.items.length).toBe(LINEUP.filter((m) => m.energyType === 'phev').length);
    const regexy = await list(`?q=${encodeURIComponent('.*')}`);
    expect(regexy.status).toBe(200);
    expect(regexy.body.total).toBe(0);
  });

  it('pages stably and sorts by price or name', async () => {
    const pageSize = 3;
    const seen: string[] = [];
    for (let page = 1; page <= Math.ceil(LINEUP.length / pageSize); page++) {
      const res = await list(`?pageSize=${pageSize}&page=${page}&sort=price_desc`);
      expect(res.body).toMatchObject({ page, pageSize, total: LINEUP.length });
      seen.push(...res.body.items.map((m) => m.code));
    }
    expect(new Set(seen).size).toBe(LINEUP.length);
    const beyond = await list('?page=99');
    expect(beyond.body.items).toEqual([]);
    const desc = (await list('?sort=price_desc')).body.items.map((m) => m.startingPriceFen);
    expect(desc).toEqual([...desc].sort((a, b) => b - a));
  });

  it.each([
    ['?bodyType=truck', 'bodyType'],
    ['?energyType=', 'energyType'],
    ['?page=0', 'page'],
    ['?page=abc', 'page'],
    ['?pageSize=500', 'pageSize'],
    ['?minPriceFen=-1', 'minPriceFen'],
    ['?minPriceFen=300&maxPriceFen=100', 'minPriceFen'],
    ['?sort=random', 'sort'],
    ['?colour=red', ''],
    ['?page=1&page=2', 'page'],
  ])('rejects %s with 400 VALIDATION_FAILED naming the parameter', async (query, param) => {
    const res = await list(query);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.message).toBe('查询参数不正确');
    if (param) expect(res.body.error.details.map((d: { path: string }) => d.path.split('.')[0])).toContain(param);
  });
});

describe('GET /media/models/:code.svg', () => {
  it('draws a cover in the model colour', async () => {
    const m = LINEUP[0];
    const res = await t.api(`/media/models/${m.code}.svg`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('image/svg+xml');
    expect(res.body).toContain(m.coverColor);
    expect(res.body).toContain(m.name);
  });
  it('draws the car in a chosen paint (?paint=), and 404s for a paint the model lacks', async () => {
    const m = LINEUP[0];
    const paint = m.options.find((o) => o.group === 'paint' && o.swatch && o.swatch !== m.coverColor)!;
    const res = await t.api(`/media/models/${m.code}.svg?paint=${paint.code}`);
    expect(res.status).toBe(200);
    expect(res.body).toContain(paint.swatch);
    expect(res.body).not.toContain(m.coverColor);
    expect((await t.api(`/media/models/${m.code}.svg?paint=PAINT_NOPE`)).status).toBe(404);
  });
  it('404s for unknown models and odd names', async () => {
    expect((await t.api('/media/models/nope.svg')).status).toBe(404);
    expect((await t.api('/media/models/..%2Fetc.svg')).status).toBe(404);
  });
});

describe('seeding', () => {
  it('is idempotent: seeding twice leaves one document per model', async () => {
    await t.seed();
    expect(await t.conn.collection('models').countDocuments()).toBe(LINEUP.length);
    expect(await t.conn.collection('meta').countDocuments({ _id: 'demo-seed' as never })).toBe(1);
  });
});

describe('demo lineup copy', () => {
  it('a tagline never quotes a range other than the best trim’s, and says 最高 when the trims differ', () => {
    for (const m of LINEUP) {
      const quoted = /(\d{3})km/.exec(m.tagline);
      if (!quoted) continue;
      const ranges = m.trims.map((t) => t.specs.rangeKm).filter((r): r is number => r !== null);
      expect(Number(quoted[1]), m.code).toBe(Math.max(...ranges));
      if (new Set(ranges).size > 1) expect(m.tagline, m.code).toContain(`最高 ${quoted[1]}km`);
    }
  });
});
