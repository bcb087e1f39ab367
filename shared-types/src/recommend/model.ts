/**
 * Item-based collaborative filtering blended with content similarity (pure; the BFF trains and
 * serves it, the offline evaluation runs the very same code).
 *
 * - Implicit rating of (user, item) = log1p(sum of the user's event weights on the item): an order
 *   counts more than a view, but ten views do not outweigh an order.
 * - Item-item cosine similarity over those ratings, shrunk by co-support (sim * n / (n + shrink))
 *   so a pair seen together by one user does not look as similar as a pair seen by fifty;
 *   only the k nearest neighbours per item are kept (that is what is stored and served).
 * - Content similarity (body, energy, price, seats, range) covers cold start: the fewer events a
 *   user (or an item) has, the more the content part weighs.
 */
import { formatFen } from '../money';
import type { BodyType, EnergyType } from '../catalog';

export const INTERACTION_KINDS = ['view', 'configure', 'compare', 'test_drive', 'quote', 'order'] as const;
export type InteractionKind = (typeof INTERACTION_KINDS)[number];

/** Default weight of each event (stronger intent, larger weight). */
export const INTERACTION_WEIGHTS: Record<InteractionKind, number> = {
  view: 1,
  compare: 2,
  configure: 3,
  quote: 4,
  test_drive: 5,
  order: 8,
};

/** How the reason names what the user did with an item ("和您看过的 远山 S5 相似"). */
export const INTERACTION_VERBS: Record<InteractionKind, string> = {
  view: '看过',
  compare: '对比过',
  configure: '配置过',
  quote: '算过月供',
  test_drive: '试驾过',
  // An order may have been cancelled unpaid: it was placed, not bought.
  order: '下过单',
};

export interface Interaction {
  user: string;
  item: string;
  weight: number;
  /** Epoch milliseconds. */
  at: number;
  kind?: InteractionKind;
}

export interface ItemFeatures {
  code: string;
  name: string;
  bodyType: BodyType;
  energyType: EnergyType;
  priceFen: number;
  seats: number;
  rangeKm: number | null;
}

export interface Neighbour {
  item: string;
  /** Shrunk cosine similarity in (0, 1]. */
  sim: number;
}

/** What training produces and serving reads: plain JSON, stored with a version. */
export interface TrainedModel {
  neighbours: Record<string, Neighbour[]>;
  /** Distinct users per item (CF support; also the popularity ranking). */
  support: Record<string, number>;
  /** Items by distinct users, most popular first. */
  popular: string[];
  users: number;
  interactions: number;
}

export interface TrainOptions {
  /** Neighbours kept per item. */
  k?: number;
  /** Co-support shrinkage constant. */
  shrink?: number;
  /** At most this many items per user count (the most recent), bounding the pair work per user. */
  maxItemsPerUser?: number;
}

/** Ratings per user: item → log1p(summed weight), plus the last time each item was touched. */
export function userRatings(interactions: Iterable<Interaction>): Map<string, Map<string, { r: number; at: number }>> {
  const raw = new Map<string, Map<string, { w: number; at: number }>>();
  for (const e of interactions) {
    if (!(e.weight > 0) || !Number.isFinite(e.weight)) continue;
    let items = raw.get(e.user);
    if (!items) raw.set(e.user, (items = new Map()));
    const cur = items.get(e.item);
    if (cur) {
      cur.w += e.weight;
      cur.at = Math.max(cur.at, e.at);
    } else items.set(e.item, { w: e.weight, at: e.at });
  }
  const out = new Map<string, Map<string, { r: number; at: number }>>();
  for (const [u, items] of raw) {
    const m = new Map<string, { r: number; at: number }>();
    for (const [i, v] of items) m.set(i, { r: Math.log1p(v.w), at: v.at });
    out.set(u, m);
  }
  return out;
}

export function trainItemNeighbours(interactions: Iterable<Interaction>, opts: TrainOptions = {}): TrainedModel {
  const k = opts.k ?? 20;
  const shrink = opts.shrink ?? 3;
  const maxItems = opts.maxItemsPerUser ?? 200;
  let count = 0;
  const counted = (function* () {
    for (const e of interactions) {
      count++;
      yield e;
    }
  })();
  const ratings = userRatings(counted);

  // Items get dense indices so pair sums live in per-item sparse rows keyed by a number.
  const index = new Map<string, number>();
  const names: string[] = [];
  const norm: number[] = [];
  const support: number[] = [];
  const rows: Map<number, { dot: number; n: number }>[] = [];
  const idx = (item: string) => {
    let i = index.get(item);
    if (i === undefined) {
      i = names.length;
      index.set(item, i);
      names.push(item);
      norm.push(0);
      support.push(0);
      rows.push(new Map());
    }
    return i;
  };
  for (const items of ratings.values()) {
    let list = [...items.entries()];
    if (list.length > maxItems) list = list.sort((a, b) => b[1].at - a[1].at).slice(0, maxItems);
    const vec = list.map(([item, v]) => [idx(item), v.r] as const);
    for (const [i, r] of vec) {
      norm[i] += r * r;
      support[i]++;
    }
    for (let a = 0; a < vec.length; a++) {
      for (let b = a + 1; b < vec.length; b++) {
        const [i, ri] = vec[a];
        const [j, rj] = vec[b];
        const lo = Math.min(i, j);
        const hi = Math.max(i, j);
        const cell = rows[lo].get(hi);
        if (cell) {
          cell.dot += ri * rj;
          cell.n++;
        } else rows[lo].set(hi, { dot: ri * rj, n: 1 });
      }
    }
  }
  // Symmetric top-k lists from the upper-triangular sums.
  const lists: Neighbour[][] = names.map(() => []);
  for (let i = 0; i < rows.length; i++) {
    for (const [j, { dot, n }] of rows[i]) {
      const sim = (dot / Math.sqrt(norm[i] * norm[j])) * (n / (n + shrink));
      if (!(sim > 0)) continue;
      lists[i].push({ item: names[j], sim });
      lists[j].push({ item: names[i], sim });
    }
  }
  const neighbours: Record<string, Neighbour[]> = {};
  const supportOut: Record<string, number> = {};
  names.forEach((name, i) => {
    neighbours[name] = lists[i]
      .sort((a, b) => b.sim - a.sim || (a.item < b.item ? -1 : 1))
      .slice(0, k)
      .map((n) => ({ item: n.item, sim: Math.round(n.sim * 1e6) / 1e6 }));
    supportOut[name] = support[i];
  });
  const popular = [...names].sort((a, b) => supportOut[b] - supportOut[a] || (a < b ? -1 : 1));
  return { neighbours, support: supportOut, popular, users: ratings.size, interactions: count };
}

/** Content similarity in [0, 1] from the specification: same body and energy, close price, seats and range. */
export function contentSimilarity(a: ItemFeatures, b: ItemFeatures): number {
  const body = a.bodyType === b.bodyType ? 1 : 0;
  const electric = (e: EnergyType) => e !== 'ice';
  const energy = a.energyType === b.energyType ? 1 : electric(a.energyType) === electric(b.energyType) ? 0.5 : 0;
  // Price on a log scale: half or double the price is as far apart as it gets.
  const price = a.priceFen > 0 && b.priceFen > 0 ? Math.max(0, 1 - Math.abs(Math.log(a.priceFen / b.priceFen)) / Math.LN2) : 0;
  const seats = Math.max(0, 1 - Math.abs(a.seats - b.seats) / 3);
  const range =
    a.rangeKm == null && b.rangeKm == null ? 1 : a.rangeKm == null || b.rangeKm == null ? 0.3 : Math.max(0, 1 - Math.abs(a.rangeKm - b.rangeKm) / 400);
  return 0.3 * body + 0.2 * energy + 0.3 * price + 0.1 * seats + 0.1 * range;
}

export interface Preferences {
  minPriceFen?: number;
  maxPriceFen?: number;
  bodyTypes?: BodyType[];
}

export interface Recommendation {
  item: string;
  score: number;
  /** Chinese, for the buyer. */
  reason: string;
  source: 'collaborative' | 'content' | 'popular';
}

export interface RecommendInput {
  model: TrainedModel;
  /** The user's own events (recent ones are enough). */
  events: Interaction[];
  /** Catalog features by code; items without features get no content score and cannot be filtered by preference. */
  items?: Map<string, ItemFeatures>;
  /** Candidates (default: every item with features, else every trained item). */
  candidates?: string[];
  preferences?: Preferences;
  /** Items never to recommend (e.g. already ordered). */
  exclude?: Iterable<string>;
  /** Leave out everything the user already touched (offline evaluation). */
  excludeSeen?: boolean;
  limit?: number;
  /** Events at which CF and content weigh the same (default 3). */
  coldStartEvents?: number;
}

function matchesPreferences(f: ItemFeatures | undefined, p: Preferences | undefined): boolean {
  if (!p || !f) return true;
  if (p.minPriceFen != null && f.priceFen < p.minPriceFen) return false;
  if (p.maxPriceFen != null && f.priceFen > p.maxPriceFen) return false;
  if (p.bodyTypes && p.bodyTypes.length > 0 && !p.bodyTypes.includes(f.bodyType)) return false;
  return true;
}

/** The strongest kind of event a user had on an item (for the reason's verb). */
function strongestKinds(events: Interaction[]): Map<string, InteractionKind> {
  const out = new Map<string, InteractionKind>();
  for (const e of events) {
    if (!e.kind) continue;
    const cur = out.get(e.item);
    if (!cur || INTERACTION_WEIGHTS[e.kind] > INTERACTION_WEIGHTS[cur]) out.set(e.item, e.kind);
  }
  return out;
}

export function recommend(input: RecommendInput): Recommendation[] {
  const { model, items } = input;
  const limit = input.limit ?? 10;
  const profile = userRatings(input.events).values().next().value ?? new Map<string, { r: number; at: number }>();
  const kinds = strongestKinds(input.events);
  const exclude = new Set(input.exclude ?? []);
  const candidates = input.candidates ?? (items && items.size > 0 ? [...items.keys()] : Object.keys(model.neighbours));
  const nameOf = (code: string) => items?.get(code)?.name ?? code;

  // CF part: neighbours of what the user touched, weighted by the user's rating.
  const cf = new Map<string, { s: number; best: string; bestS: number }>();
  let cfEvents = 0;
  for (const [i, { r }] of profile) {
    const ns = model.neighbours[i];
    if (!ns || ns.length === 0) continue;
    cfEvents += input.events.filter((e) => e.item === i).length;
    for (const n of ns) {
      const contrib = r * n.sim;
      const cur = cf.get(n.item);
      if (!cur) cf.set(n.item, { s: contrib, best: i, bestS: contrib });
      else {
        cur.s += contrib;
        if (contrib > cur.bestS) Object.assign(cur, { best: i, bestS: contrib });
      }
    }
  }
  const c0 = input.coldStartEvents ?? 3;
  const cfWeight = cfEvents / (cfEvents + c0);
  const cfMax = Math.max(0, ...[...cf.values()].map((v) => v.s));
  const totalR = [...profile.values()].reduce((s, v) => s + v.r, 0);
  const popMax = Math.max(1, ...Object.values(model.support));

  const out: Recommendation[] = [];
  for (const j of candidates) {
    if (exclude.has(j)) continue;
    if (input.excludeSeen && profile.has(j)) continue;
    const fj = items?.get(j);
    if (!matchesPreferences(fj, input.preferences)) continue;
    const cfj = cf.get(j);
    const cfScore = cfj && cfMax > 0 ? cfj.s / cfMax : 0;
    // Content part: rating-weighted similarity to what the user touched (not to j itself).
    let content = 0;
    let bestContent = { item: '', s: 0 };
    if (fj && totalR > 0) {
      let weightSum = 0;
      for (const [i, { r }] of profile) {
        const fi = items!.get(i);
        if (!fi || i === j) continue;
        const s = contentSimilarity(fi, fj);
        content += r * s;
        weightSum += r;
        if (r * s > bestContent.s) bestContent = { item: i, s: r * s };
      }
      content = weightSum > 0 ? content / weightSum : 0;
    }
    const pop = (model.support[j] ?? 0) / popMax;
    const personal = profile.size > 0 && (cfScore > 0 || content > 0);
    // A small popularity prior breaks ties and is the whole score for a user with no events.
    const score = profile.size > 0 ? cfWeight * cfScore + (1 - cfWeight) * content + 0.05 * pop : pop;
    let reason: string;
    let source: Recommendation['source'];
    if (!personal) {
      source = 'popular';
      reason = '热门车型';
    } else {
      const viaCf = cfj && cfWeight * cfScore >= (1 - cfWeight) * content;
      source = viaCf ? 'collaborative' : 'content';
      const anchor = viaCf ? cfj!.best : bestContent.item || cfj?.best || '';
      const verb = INTERACTION_VERBS[kinds.get(anchor) ?? 'view'];
      reason = viaCf ? `和您${verb}的 ${nameOf(anchor)} 相似，常被一起关注` : `和您${verb}的 ${nameOf(anchor)} 相似`;
    }
    out.push({ item: j, score: Math.round(score * 1e6) / 1e6, reason, source });
  }
  return out.sort((a, b) => b.score - a.score || (a.item < b.item ? -1 : 1)).slice(0, limit);
}

/** Popularity baseline (and the fallback for users with no events). */
export function recommendPopular(model: TrainedModel, opts: { exclude?: Iterable<string>; limit?: number; candidates?: Set<string> } = {}): string[] {
  const exclude = new Set(opts.exclude ?? []);
  return model.popular.filter((i) => !exclude.has(i) && (!opts.candidates || opts.candidates.has(i))).slice(0, opts.limit ?? 10);
}

export interface SimilarItem {
  item: string;
  score: number;
  /** Co-interest similarity (0 when no one looked at both). */
  cf: number;
  content: number;
}

/**
 * Cars similar to one car: its stored CF neighbours blended with content similarity; the fewer
 * users an item has, the more the content part weighs (a new model still gets similar cars).
 */
export function similarItems(model: TrainedModel, items: Map<string, ItemFeatures>, code: string, opts: { limit?: number; coldStartUsers?: number } = {}): SimilarItem[] {
  const base = items.get(code);
  if (!base) return [];
  const ns = new Map((model.neighbours[code] ?? []).map((n) => [n.item, n.sim]));
  const users = model.support[code] ?? 0;
  const w = users / (users + (opts.coldStartUsers ?? 10));
  const cfMax = Math.max(0, ...ns.values());
  const out: SimilarItem[] = [];
  for (const [j, fj] of items) {
    if (j === code) continue;
    const cf = cfMax > 0 ? (ns.get(j) ?? 0) / cfMax : 0;
    const content = contentSimilarity(base, fj);
    out.push({ item: j, score: Math.round((w * cf + (1 - w) * content) * 1e6) / 1e6, cf: ns.get(j) ?? 0, content: Math.round(content * 1e6) / 1e6 });
  }
  return out.sort((a, b) => b.score - a.score || (a.item < b.item ? -1 : 1)).slice(0, opts.limit ?? 4);
}

export interface SpecDifference {
  key: 'price' | 'range' | 'seats' | 'bodyType' | 'energyType';
  /** Numeric difference (other − base) for price (fen), range (km), seats; absent for labels. */
  delta?: number;
  /** "续航 +120 km", "价格 -¥18,000", "座位 +2", "车身 SUV → MPV". */
  text: string;
}

const BODY_LABEL: Record<BodyType, string> = { suv: 'SUV', sedan: '轿车', mpv: 'MPV' };
const ENERGY_LABEL: Record<EnergyType, string> = { bev: '纯电', phev: '插混', ice: '燃油' };

/** What differs between a car and a similar one, marked for the buyer (other relative to base). */
export function specDifferences(base: ItemFeatures, other: ItemFeatures): SpecDifference[] {
  const out: SpecDifference[] = [];
  const dp = other.priceFen - base.priceFen;
  if (dp !== 0) out.push({ key: 'price', delta: dp, text: `价格 ${dp > 0 ? '+' : '-'}${formatFen(Math.abs(dp))}` });
  if (base.rangeKm != null && other.rangeKm != null && other.rangeKm !== base.rangeKm) {
    const d = other.rangeKm - base.rangeKm;
    out.push({ key: 'range', delta: d, text: `续航 ${d > 0 ? '+' : '-'}${Math.abs(d)} km` });
  }
  if (other.seats !== base.seats) {
    const d = other.seats - base.seats;
    out.push({ key: 'seats', delta: d, text: `座位 ${d > 0 ? '+' : '-'}${Math.abs(d)}` });
  }
  if (other.bodyType !== base.bodyType) out.push({ key: 'bodyType', text: `车身 ${BODY_LABEL[base.bodyType]} → ${BODY_LABEL[other.bodyType]}` });
  if (other.energyType !== base.energyType) out.push({ key: 'energyType', text: `动力 ${ENERGY_LABEL[base.energyType]} → ${ENERGY_LABEL[other.energyType]}` });
  return out;
}
