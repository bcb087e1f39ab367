import { describe, expect, it } from 'vitest';
import {
  contentSimilarity,
  evaluate,
  INTERACTION_WEIGHTS,
  parseInteractionsCsv,
  recommend,
  similarItems,
  specDifferences,
  splitByTime,
  syntheticDataset,
  toCsv,
  trainItemNeighbours,
  CsvError,
  type Interaction,
  type ItemFeatures,
} from '../src/recommend';

const DAY = 86_400_000;
const ev = (user: string, item: string, kind: keyof typeof INTERACTION_WEIGHTS, day = 0): Interaction => ({ user, item, kind, weight: INTERACTION_WEIGHTS[kind], at: day * DAY });

const cars: ItemFeatures[] = [
  { code: 's5', name: '远山 S5', bodyType: 'suv', energyType: 'bev', priceFen: 19_980_000, seats: 5, rangeKm: 520 },
  { code: 's7', name: '远山 S7', bodyType: 'suv', energyType: 'bev', priceFen: 25_980_000, seats: 7, rangeKm: 640 },
  { code: 'e7', name: '长风 E7', bodyType: 'sedan', energyType: 'bev', priceFen: 21_980_000, seats: 5, rangeKm: 700 },
  { code: 'm8', name: '云栖 M8', bodyType: 'mpv', energyType: 'phev', priceFen: 32_980_000, seats: 7, rangeKm: 180 },
  { code: 'x4', name: '远山 X4', bodyType: 'suv', energyType: 'ice', priceFen: 12_980_000, seats: 5, rangeKm: null },
];
const features = new Map(cars.map((c) => [c.code, c]));

describe('item-based CF training', () => {
  it('computes shrunk cosine similarities from weighted events, symmetric, top-k per item', () => {
    const log = [ev('a', 's5', 'view'), ev('a', 's7', 'order'), ev('b', 's5', 'configure'), ev('b', 's7', 'quote'), ev('c', 'e7', 'view'), ev('c', 'm8', 'view')];
    const m = trainItemNeighbours(log, { k: 5, shrink: 0 });
    // Independently: s5 = (log1p(1), log1p(3)), s7 = (log1p(8), log1p(4)) over users a, b.
    const s5 = [Math.log1p(1), Math.log1p(3)];
    const s7 = [Math.log1p(8), Math.log1p(4)];
    const cos = (s5[0] * s7[0] + s5[1] * s7[1]) / (Math.hypot(...s5) * Math.hypot(...s7));
    expect(m.neighbours.s5[0].item).toBe('s7');
    expect(m.neighbours.s5[0].sim).toBeCloseTo(cos, 5);
    expect(m.neighbours.s7[0].sim).toBeCloseTo(cos, 5);
    expect(m.neighbours.s5.map((n) => n.item)).not.toContain('e7'); // never seen together
    expect(m.support).toMatchObject({ s5: 2, s7: 2, e7: 1 });
    expect(m.users).toBe(3);
    expect(m.interactions).toBe(6);
    // Shrinkage: the pair seen by one user is discounted more than the pair seen by two.
    const shrunk = trainItemNeighbours(log, { shrink: 3 });
    expect(shrunk.neighbours.e7[0].sim).toBeCloseTo(1 * (1 / 4), 5);
    expect(trainItemNeighbours(log, { k: 1 }).neighbours.s5).toHaveLength(1);
  });

  it('ignores zero, negative and non-finite weights', () => {
    const m = trainItemNeighbours([{ user: 'a', item: 'x', weight: 0, at: 0 }, { user: 'a', item: 'y', weight: Number.NaN, at: 0 }, { user: 'a', item: 'z', weight: -1, at: 0 }]);
    expect(m.neighbours).toEqual({});
  });
});

describe('recommend', () => {
  const log: Interaction[] = [];
  // Many buyers who looked at S5 also configured E7 (a sedan): CF knows it, content does not.
  for (let u = 0; u < 20; u++) log.push(ev(`u${u}`, 's5', 'view'), ev(`u${u}`, 'e7', 'configure'));
  for (let u = 0; u < 5; u++) log.push(ev(`v${u}`, 'm8', 'view'), ev(`v${u}`, 's7', 'view'));
  const model = trainItemNeighbours(log);

  it('a user with history gets CF neighbours with an explainable reason', () => {
    const recs = recommend({ model, events: [ev('me', 's5', 'view'), ev('me', 's5', 'view', 1), ev('me', 's5', 'test_drive', 2)], items: features, limit: 3 });
    expect(recs[0].item).toBe('e7');
    expect(recs[0].source).toBe('collaborative');
    expect(recs[0].reason).toBe('和您试驾过的 远山 S5 相似，常被一起关注');
  });

  it('names an order as placed (下过单), never as bought, and with one 的', () => {
    const recs = recommend({ model, events: [ev('me', 's5', 'order')], items: features, limit: 3 });
    expect(recs.length).toBeGreaterThan(0);
    expect(recs[0].reason).toMatch(/^和您下过单的 远山 S5 相似/);
    expect(recs.map((r) => r.reason).join()).not.toMatch(/订购|的的/);
  });

  it('cold start: one event weighs content more than CF', () => {
    const recs = recommend({ model: trainItemNeighbours([]), events: [ev('me', 's5', 'view')], items: features, limit: 2 });
    expect(recs[0].item).toBe('s7'); // the other BEV SUV
    expect(recs[0].source).toBe('content');
    expect(recs[0].reason).toBe('和您看过的 远山 S5 相似');
  });

  it('a user with no events gets the popular items', () => {
    const recs = recommend({ model, events: [], items: features, limit: 2 });
    expect(recs.map((r) => r.item)).toEqual(['e7', 's5']);
    expect(recs.every((r) => r.source === 'popular' && r.reason === '热门车型')).toBe(true);
  });

  it('filters by budget and body type and leaves out what was ordered', () => {
    const events = [ev('me', 's5', 'view'), ev('me', 's7', 'order')];
    const recs = recommend({ model, events, items: features, preferences: { maxPriceFen: 30_000_000, bodyTypes: ['suv', 'sedan'] }, exclude: ['s7'] });
    const codes = recs.map((r) => r.item);
    expect(codes).not.toContain('s7');
    expect(codes).not.toContain('m8'); // MPV and over budget
    expect(codes).toContain('e7');
    expect(recommend({ model, events, items: features, preferences: { minPriceFen: 20_000_000 } }).map((r) => r.item)).not.toContain('x4');
    expect(recommend({ model, events, items: features, excludeSeen: true }).map((r) => r.item)).not.toContain('s5');
  });
});

describe('content similarity, similar cars and their differences', () => {
  it('is 1 for the same car and symmetric', () => {
    expect(contentSimilarity(cars[0], cars[0])).toBeCloseTo(1, 9);
    expect(contentSimilarity(cars[0], cars[3])).toBeCloseTo(contentSimilarity(cars[3], cars[0]), 9);
    expect(contentSimilarity(cars[0], cars[1])).toBeGreaterThan(contentSimilarity(cars[0], cars[3]));
  });

  it('similar cars: content for an item nobody looked at, CF once many did', () => {
    expect(similarItems(trainItemNeighbours([]), features, 's5', { limit: 1 })[0].item).toBe('s7');
    const log: Interaction[] = [];
    for (let u = 0; u < 200; u++) log.push(ev(`u${u}`, 's5', 'view'), ev(`u${u}`, 'm8', 'quote'));
    const top = similarItems(trainItemNeighbours(log), features, 's5', { limit: 2 });
    expect(top[0].item).toBe('m8');
    expect(similarItems(trainItemNeighbours(log), features, 'nope')).toEqual([]);
  });

  it('marks the specification differences in Chinese', () => {
    expect(specDifferences(cars[0], cars[1]).map((d) => d.text)).toEqual(['价格 +¥60,000', '续航 +120 km', '座位 +2']);
    expect(specDifferences(cars[1], cars[0]).find((d) => d.key === 'price')).toEqual({ key: 'price', delta: -6_000_000, text: '价格 -¥60,000' });
    expect(specDifferences(cars[0], cars[3]).map((d) => d.text)).toContain('车身 SUV → MPV');
    expect(specDifferences(cars[0], cars[4]).map((d) => d.text)).toEqual(['价格 -¥70,000', '动力 纯电 → 燃油']);
  });
});

describe('offline evaluation', () => {
  it('parses CSV with or without a header, ratings or event names, epoch or ISO timestamps', () => {
    const rows = parseInteractionsCsv('user,item,rating,timestamp\nu1,i1,4.5,1700000000\nu1,i2,order,2026-01-02T03:04:05Z\n\nu2,i1,view,1700000000123\n');
    expect(rows).toEqual([
      { user: 'u1', item: 'i1', weight: 4.5, at: 1_700_000_000_000 },
      { user: 'u1', item: 'i2', weight: 8, kind: 'order', at: Date.parse('2026-01-02T03:04:05Z') },
      { user: 'u2', item: 'i1', weight: 1, kind: 'view', at: 1_700_000_000_123 },
    ]);
    expect(parseInteractionsCsv('a,b,3,1700000000')).toHaveLength(1);
    expect(() => parseInteractionsCsv('u,i,3,1\nu,i,lots,1700000000')).toThrow(CsvError);
    expect(() => parseInteractionsCsv('u,i,3,1700000000\nu,i,3,yesterday')).toThrow(/line 2/);
    expect(() => parseInteractionsCsv('u,i,3')).toThrow(/expected/);
  });

  it('splits by time: global cutoff and per user, nothing from the future in training', () => {
    const log = [ev('a', 'x', 'view', 1), ev('a', 'y', 'view', 2), ev('b', 'x', 'view', 3), ev('b', 'z', 'view', 4), ev('a', 'z', 'view', 5)];
    const g = splitByTime(log, 'global', 0.4);
    expect(Math.max(...g.train.map((e) => e.at))).toBeLessThan(Math.min(...g.test.map((e) => e.at)));
    expect(g.test).toHaveLength(2);
    const u = splitByTime(log, 'user', 0.2);
    expect(u.test.map((e) => `${e.user}${e.item}`).sort()).toEqual(['az', 'bz']);
  });

  it('the same seed gives the same synthetic data; CSV round-trips', () => {
    const a = syntheticDataset({ seed: 7, users: 30 });
    expect(syntheticDataset({ seed: 7, users: 30 })).toEqual(a);
    expect(syntheticDataset({ seed: 8, users: 30 }).interactions).not.toEqual(a.interactions);
    expect(parseInteractionsCsv(toCsv(a.interactions)).map(({ user, item, at }) => ({ user, item, at }))).toEqual(a.interactions.map(({ user, item, at }) => ({ user, item, at })));
  });

  it('on a small synthetic set the recommender beats the popularity baseline', () => {
    const data = syntheticDataset({ seed: 42, users: 400 });
    for (const split of ['global', 'user'] as const) {
      const r = evaluate(data.interactions, { k: 10, items: data.items, split });
      expect(r.testUsers).toBeGreaterThan(50);
      expect(r.recommender.precision).toBeGreaterThan(r.popularity.precision);
      expect(r.recommender.recall).toBeGreaterThan(r.popularity.recall);
      expect(r.recommender.coverage).toBeGreaterThan(r.popularity.coverage);
    }
    // Without catalog features (a plain CSV) CF alone still beats popularity.
    const csvOnly = evaluate(parseInteractionsCsv(toCsv(data.interactions)), { k: 10 });
    expect(csvOnly.recommender.precision).toBeGreaterThan(csvOnly.popularity.precision);
  });
});
