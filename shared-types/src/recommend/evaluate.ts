/**
 * Offline evaluation of the recommender against a popularity baseline (pure: the CLI in
 * bff/src/modules/recommendations/eval-cli.ts reads files and measures time and memory).
 *
 * Input: `user,item,rating|event,timestamp` rows. Split by time, so nothing from the future leaks
 * into training:
 * - `global` (default): one cutoff at the `testFraction` quantile of all timestamps; train on
 *   everything before it, test on each user's items first touched after it;
 * - `user`: per user, the last `testFraction` of their events (at least one) is test.
 * A test user counts when they have training events and at least one test item they had not
 * touched in training; their seen items are never recommended. precision@k = hits / k,
 * recall@k = hits / |test items|, both averaged over test users; coverage = distinct items
 * recommended to someone / items in the data.
 */
import { BODY_TYPES, ENERGY_TYPES, type BodyType, type EnergyType } from '../catalog';
import { INTERACTION_KINDS, INTERACTION_WEIGHTS, recommend, recommendPopular, trainItemNeighbours, type Interaction, type InteractionKind, type ItemFeatures, type TrainedModel } from './model';

export class CsvError extends Error {}

/** Parse `user,item,rating|event,timestamp` (header optional; timestamp epoch s/ms or ISO 8601). */
export function parseInteractionsCsv(text: string): Interaction[] {
  const out: Interaction[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, n) => {
    if (!line.trim() || line.startsWith('#')) return;
    const cells = line.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
    if (cells.length < 4) throw new CsvError(`line ${n + 1}: expected user,item,rating|event,timestamp`);
    const [user, item, value, ts] = cells;
    const at = parseTimestamp(ts);
    if (n === 0 && at === null) return; // a header
    if (at === null) throw new CsvError(`line ${n + 1}: timestamp "${ts}" is neither epoch seconds/ms nor ISO 8601`);
    let weight: number;
    let kind: InteractionKind | undefined;
    if ((INTERACTION_KINDS as readonly string[]).includes(value)) {
      kind = value as InteractionKind;
      weight = INTERACTION_WEIGHTS[kind];
    } else {
      weight = Number(value);
      if (value === '' || !Number.isFinite(weight)) throw new CsvError(`line ${n + 1}: "${value}" is neither a number nor one of ${INTERACTION_KINDS.join('|')}`);
    }
    if (!user || !item) throw new CsvError(`line ${n + 1}: empty user or item`);
    out.push({ user, item, weight, at, ...(kind ? { kind } : {}) });
  });
  return out;
}

function parseTimestamp(s: string): number | null {
  if (/^\d+(\.\d+)?$/.test(s)) {
    const v = Number(s);
    return v < 1e11 ? Math.round(v * 1000) : Math.round(v); // seconds or milliseconds
  }
  if (!/^\d{4}-\d{2}-\d{2}/.test(s)) return null;
  const t = Date.parse(s);
  return Number.isNaN(t) ? null : t;
}

/** Deterministic PRNG (mulberry32) so a seed always gives the same data set. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SyntheticOptions {
  seed: number;
  users: number;
  items?: number;
  /** Latent taste groups (items belong to one; users favour a couple). */
  groups?: number;
  eventsPerUser?: [number, number];
  days?: number;
}

/**
 * A synthetic catalog and event log with real signal: every user has a body type, energy and
 * price band they like and two latent taste groups (unobservable, only CF can learn them); items
 * are picked by a softmax over that affinity plus a popularity skew; the event kind follows the
 * purchase funnel.
 */
export function syntheticDataset(opts: SyntheticOptions): { items: ItemFeatures[]; interactions: Interaction[] } {
  const rnd = seededRandom(opts.seed);
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  const nItems = opts.items ?? 80;
  const groups = opts.groups ?? 8;
  const days = opts.days ?? 180;
  const [minEv, maxEv] = opts.eventsPerUser ?? [4, 16];
  const items: (ItemFeatures & { group: number; pop: number })[] = [];
  for (let i = 0; i < nItems; i++) {
    const bodyType = pick(BODY_TYPES) as BodyType;
    const energyType = pick(ENERGY_TYPES) as EnergyType;
    items.push({
      code: `m${String(i).padStart(3, '0')}`,
      name: `车型 ${i}`,
      bodyType,
      energyType,
      priceFen: Math.round((10 + rnd() * 40) * 10) * 1000 * 100, // 10-50万, in steps of ¥1,000
      seats: bodyType === 'mpv' ? 7 : bodyType === 'suv' ? pick([5, 5, 7]) : 5,
      rangeKm: energyType === 'ice' ? null : Math.round((energyType === 'bev' ? 450 + rnd() * 300 : 100 + rnd() * 150) / 10) * 10,
      group: i % groups,
      pop: rnd() ** 3, // a few items are much more popular
    });
  }
  const kinds: [InteractionKind, number][] = [['view', 0.5], ['compare', 0.15], ['configure', 0.15], ['quote', 0.1], ['test_drive', 0.06], ['order', 0.04]];
  const kindOf = () => {
    let x = rnd();
    for (const [k, p] of kinds) if ((x -= p) < 0) return k;
    return 'view';
  };
  const start = Date.UTC(2026, 0, 1);
  const interactions: Interaction[] = [];
  for (let u = 0; u < opts.users; u++) {
    const body = pick(BODY_TYPES);
    const energy = pick(ENERGY_TYPES);
    const budget = 10 + rnd() * 40; // 万
    const g1 = Math.floor(rnd() * groups);
    const g2 = Math.floor(rnd() * groups);
    const weights = items.map((it) => {
      const a =
        (it.bodyType === body ? 1 : 0) + (it.energyType === energy ? 0.7 : 0) - Math.abs(it.priceFen / 1_000_000 - budget) / 15 + (it.group === g1 ? 2.2 : it.group === g2 ? 1.4 : 0) + 1.5 * it.pop;
      return Math.exp(2 * a);
    });
    const total = weights.reduce((s, w) => s + w, 0);
    const n = minEv + Math.floor(rnd() * (maxEv - minEv + 1));
    const t0 = start + rnd() * days * 0.5 * 86_400_000;
    const span = (0.2 + rnd() * 0.5) * days * 86_400_000;
    for (let e = 0; e < n; e++) {
      let x = rnd() * total;
      let idx = 0;
      while ((x -= weights[idx]) > 0 && idx < items.length - 1) idx++;
      const kind = kindOf();
      interactions.push({ user: `u${u}`, item: items[idx].code, weight: INTERACTION_WEIGHTS[kind], at: Math.round(t0 + (span * e) / n + rnd() * 3_600_000), kind });
    }
  }
  interactions.sort((a, b) => a.at - b.at);
  return { items: items.map(({ group: _g, pop: _p, ...f }) => f), interactions };
}

export function toCsv(interactions: Interaction[]): string {
  return ['user,item,event,timestamp', ...interactions.map((e) => `${e.user},${e.item},${e.kind ?? e.weight},${new Date(e.at).toISOString()}`)].join('\n') + '\n';
}

export type SplitMode = 'global' | 'user';

export function splitByTime(interactions: Interaction[], mode: SplitMode = 'global', testFraction = 0.2): { train: Interaction[]; test: Interaction[]; cutoff?: number } {
  if (mode === 'global') {
    const times = interactions.map((e) => e.at).sort((a, b) => a - b);
    const cutoff = times[Math.min(times.length - 1, Math.floor(times.length * (1 - testFraction)))] ?? 0;
    return { train: interactions.filter((e) => e.at < cutoff), test: interactions.filter((e) => e.at >= cutoff), cutoff };
  }
  const byUser = new Map<string, Interaction[]>();
  for (const e of interactions) (byUser.get(e.user) ?? byUser.set(e.user, []).get(e.user)!).push(e);
  const train: Interaction[] = [];
  const test: Interaction[] = [];
  for (const events of byUser.values()) {
    events.sort((a, b) => a.at - b.at);
    const nTest = events.length < 2 ? 0 : Math.max(1, Math.round(events.length * testFraction));
    train.push(...events.slice(0, events.length - nTest));
    test.push(...events.slice(events.length - nTest));
  }
  return { train, test };
}

export interface Metrics {
  precision: number;
  recall: number;
  coverage: number;
}

export interface EvaluationReport {
  k: number;
  split: SplitMode;
  users: number;
  items: number;
  trainEvents: number;
  testEvents: number;
  testUsers: number;
  trainMs: number;
  recommender: Metrics;
  popularity: Metrics;
  model: TrainedModel;
}

export function evaluate(
  interactions: Interaction[],
  opts: { k?: number; split?: SplitMode; testFraction?: number; items?: ItemFeatures[]; neighbours?: number; now?: () => number } = {},
): EvaluationReport {
  const k = opts.k ?? 10;
  const now = opts.now ?? (() => Date.now());
  const split = opts.split ?? 'global';
  const { train, test } = splitByTime(interactions, split, opts.testFraction ?? 0.2);
  const t0 = now();
  const model = trainItemNeighbours(train, { k: opts.neighbours ?? 30 });
  const trainMs = now() - t0;
  const features = new Map((opts.items ?? []).map((f) => [f.code, f]));
  const allItems = new Set(interactions.map((e) => e.item));
  const candidates = [...allItems];

  const trainBy = new Map<string, Interaction[]>();
  for (const e of train) (trainBy.get(e.user) ?? trainBy.set(e.user, []).get(e.user)!).push(e);
  const testBy = new Map<string, Set<string>>();
  for (const e of test) (testBy.get(e.user) ?? testBy.set(e.user, new Set()).get(e.user)!).add(e.item);

  const acc = { rec: { p: 0, r: 0, seen: new Set<string>() }, pop: { p: 0, r: 0, seen: new Set<string>() } };
  let testUsers = 0;
  for (const [user, testItems] of testBy) {
    const history = trainBy.get(user);
    if (!history) continue;
    const seen = new Set(history.map((e) => e.item));
    const truth = [...testItems].filter((i) => !seen.has(i));
    if (truth.length === 0) continue;
    testUsers++;
    const recs = recommend({ model, events: history, items: features.size ? features : undefined, candidates, excludeSeen: true, limit: k }).map((r) => r.item);
    const pops = recommendPopular(model, { exclude: seen, limit: k });
    for (const [name, list] of [['rec', recs], ['pop', pops]] as const) {
      const hits = list.filter((i) => testItems.has(i)).length;
      acc[name].p += hits / k;
      acc[name].r += hits / truth.length;
      list.forEach((i) => acc[name].seen.add(i));
    }
  }
  const metrics = (a: { p: number; r: number; seen: Set<string> }): Metrics => ({
    precision: testUsers ? a.p / testUsers : 0,
    recall: testUsers ? a.r / testUsers : 0,
    coverage: allItems.size ? a.seen.size / allItems.size : 0,
  });
  return {
    k,
    split,
    users: new Set(interactions.map((e) => e.user)).size,
    items: allItems.size,
    trainEvents: train.length,
    testEvents: test.length,
    testUsers,
    trainMs,
    recommender: metrics(acc.rec),
    popularity: metrics(acc.pop),
    model,
  };
}

/** The report as the command prints it. */
export function formatReport(r: EvaluationReport): string {
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  const row = (name: string, m: Metrics) => `${name.padEnd(12)} precision@${r.k} ${pct(m.precision).padStart(7)}  recall@${r.k} ${pct(m.recall).padStart(7)}  coverage ${pct(m.coverage).padStart(7)}`;
  return [
    `data: ${r.users} users, ${r.items} items; split ${r.split}: ${r.trainEvents} train / ${r.testEvents} test events; ${r.testUsers} test users`,
    row('recommender', r.recommender),
    row('popularity', r.popularity),
    `training: ${r.trainMs.toFixed(1)} ms (${r.model.interactions} events, ${Object.keys(r.model.neighbours).length} items)`,
  ].join('\n');
}
