import type { Connection } from 'mongoose';
import type { Redis } from 'ioredis';
import {
  formatDateCN,
  INTERACTION_WEIGHTS,
  recommend,
  similarItems,
  specDifferences,
  trainItemNeighbours,
  type BodyType,
  type Interaction,
  type InteractionKind,
  type ItemFeatures,
  type ModelSummary,
  type Preferences,
  type RivalMatch,
  type TrainedModel,
} from '@carmall/shared-types';
import { AppError } from '../../infra/errors';
import type { Logger } from '../../infra/logger';
import type { CatalogService } from '../catalog/service';
import { interactionModel, preferenceModel, type InteractionDoc, type PreferenceDoc } from './model';

const isDuplicate = (err: unknown) => (err as { code?: number }).code === 11000;
const MODEL_CODE = /^[a-z0-9][a-z0-9-]{0,39}$/;

export interface RecordInput {
  userId: string;
  modelCode: string;
  kind: InteractionKind;
  /**
   * What makes this event unique, so a retry records nothing new: an order number, a saved
   * configuration's short id, a booking id. Without one the event counts once per user, model,
   * kind and Shanghai day (ten views of a page in a day are one view).
   */
  naturalId?: string;
  at?: Date;
}

export interface TrainResult {
  version: number;
  trainedAt: string;
  users: number;
  items: number;
  interactions: number;
}

interface StoredModel extends TrainedModel {
  version: number;
  trainedAt: string;
}

const EMPTY: StoredModel = { ...trainItemNeighbours([]), version: 0, trainedAt: new Date(0).toISOString() };

/**
 * Recommendations: the interaction log other modules write to (`record`), buyers' preferences,
 * training (run by the BullMQ job: every interaction → top-k neighbours per model, stored in Redis
 * under a new version, then the `current` pointer moves), and serving, which reads only the
 * precomputed neighbours plus the buyer's own recent events.
 */
export class RecommendationService {
  private cached: StoredModel = EMPTY;

  constructor(
    private readonly conn: Connection,
    private readonly redis: Redis,
    private readonly catalog: CatalogService,
    private readonly logger: Logger,
    private readonly opts: { neighbours: number; recentEvents: number } = { neighbours: 20, recentEvents: 200 },
    /** RivalService.closestTo, passed in (the competitor set is the rivals module's). */
    private readonly rivalsFor: (ours: ItemFeatures, limit: number) => Promise<RivalMatch[]> = async () => [],
  ) {}

  /** Record one event; true when it is new. Throws on bad input (callers in other modules use `recordQuietly`). */
  async record(input: RecordInput): Promise<boolean> {
    if (!input.userId || !MODEL_CODE.test(input.modelCode) || !Object.hasOwn(INTERACTION_WEIGHTS, input.kind)) {
      throw new AppError(400, 'VALIDATION_FAILED', '推荐事件不正确', { modelCode: input.modelCode, kind: input.kind });
    }
    const at = input.at ?? new Date();
    const id = `${input.kind}:${input.naturalId ?? `${input.userId}:${input.modelCode}:${formatDateCN(at)}`}`;
    try {
      await interactionModel(this.conn).create({ _id: id, userId: input.userId, modelCode: input.modelCode, kind: input.kind, weight: INTERACTION_WEIGHTS[input.kind], at });
      return true;
    } catch (err) {
      if (isDuplicate(err)) return false;
      throw err;
    }
  }

  /** For hooks in other modules: a failed recording must never fail the buyer's request. */
  async recordQuietly(input: RecordInput): Promise<void> {
    await this.record(input).catch((err: Error) => this.logger.warn({ err: err.message, kind: input.kind, modelCode: input.modelCode }, 'recommendation event not recorded'));
  }

  async preferences(userId: string): Promise<Preferences & { source: 'explicit' | 'filters' | null }> {
    const doc = await preferenceModel(this.conn).findById(userId).lean<PreferenceDoc>();
    if (!doc) return { source: null, bodyTypes: [] };
    return {
      ...(doc.minPriceFen != null ? { minPriceFen: doc.minPriceFen } : {}),
      ...(doc.maxPriceFen != null ? { maxPriceFen: doc.maxPriceFen } : {}),
      bodyTypes: doc.bodyTypes ?? [],
      source: doc.source,
    };
  }

  /** Explicit preferences replace whatever was there; ones learnt from list filters never replace explicit ones. */
  async setPreferences(userId: string, prefs: { minPriceFen?: number | null; maxPriceFen?: number | null; bodyTypes?: BodyType[] }, source: 'explicit' | 'filters') {
    const doc = { minPriceFen: prefs.minPriceFen ?? null, maxPriceFen: prefs.maxPriceFen ?? null, bodyTypes: prefs.bodyTypes ?? [], source, updatedAt: new Date() };
    const filter = source === 'explicit' ? { _id: userId } : { _id: userId, source: 'filters' };
    await preferenceModel(this.conn)
      .updateOne(filter, { $set: doc }, { upsert: true })
      .catch((err) => {
        if (!isDuplicate(err)) throw err; // filters upserting over an explicit preference: keep the explicit one
      });
    return this.preferences(userId);
  }

  /** Training: read every interaction once, compute the neighbours, store them under a new version. */
  async train(): Promise<TrainResult> {
    const cursor = interactionModel(this.conn).find({}, { userId: 1, modelCode: 1, weight: 1, at: 1 }).lean<InteractionDoc[]>().cursor();
    const events: Interaction[] = [];
    for await (const d of cursor as AsyncIterable<InteractionDoc>) events.push({ user: d.userId, item: d.modelCode, weight: d.weight, at: new Date(d.at).getTime() });
    const model = trainItemNeighbours(events, { k: this.opts.neighbours });
    const version = await this.redis.incr('reco:version');
    const stored: StoredModel = { ...model, version, trainedAt: new Date().toISOString() };
    // Write the new version first, then move the pointer: readers never see half a model. The old
    // version lingers an hour for readers that already hold its number.
    await this.redis.set(`reco:model:${version}`, JSON.stringify(stored));
    const previous = await this.redis.getset('reco:model:current', String(version));
    if (previous && previous !== String(version)) await this.redis.expire(`reco:model:${previous}`, 3600);
    this.logger.info({ version, users: model.users, items: Object.keys(model.neighbours).length, interactions: model.interactions }, 'recommendations trained');
    return { version, trainedAt: stored.trainedAt, users: model.users, items: Object.keys(model.neighbours).length, interactions: model.interactions };
  }

  /** The current precomputed model (parsed once per version). */
  async model(): Promise<StoredModel> {
    const current = Number((await this.redis.get('reco:model:current')) ?? 0);
    if (current === this.cached.version) return this.cached;
    const raw = current ? await this.redis.get(`reco:model:${current}`) : null;
    this.cached = raw ? (JSON.parse(raw) as StoredModel) : EMPTY;
    return this.cached;
  }

  /** Models on sale with their features, in the catalog's order. */
  private async lineup(): Promise<{ summaries: Map<string, ModelSummary>; features: Map<string, ItemFeatures> }> {
    const summaries = new Map<string, ModelSummary>();
    for (let page = 1; ; page++) {
      const res = await this.catalog.listModels({ sort: 'price_asc', page, pageSize: 50 } as Parameters<CatalogService['listModels']>[0]);
      for (const m of res.items) summaries.set(m.code, m);
      if (res.items.length < 50 || page * 50 >= res.total) break;
    }
    const features = new Map<string, ItemFeatures>();
    for (const m of summaries.values())
      features.set(m.code, { code: m.code, name: m.name, bodyType: m.bodyType, energyType: m.energyType, priceFen: m.startingPriceFen, seats: m.seats, rangeKm: m.rangeKm });
    return { summaries, features };
  }

  async forUser(userId: string, limit = 6) {
    const [model, { summaries, features }, prefs, recent, ordered] = await Promise.all([
      this.model(),
      this.lineup(),
      this.preferences(userId),
      interactionModel(this.conn).find({ userId }).sort({ at: -1 }).limit(this.opts.recentEvents).lean<InteractionDoc[]>(),
      interactionModel(this.conn).find({ userId, kind: 'order' }, { modelCode: 1 }).lean<InteractionDoc[]>(),
    ]);
    const events: Interaction[] = recent.map((d) => ({ user: userId, item: d.modelCode, weight: d.weight, at: new Date(d.at).getTime(), kind: d.kind }));
    const exclude = ordered.map((d) => d.modelCode);
    const preferences: Preferences = { minPriceFen: prefs.minPriceFen, maxPriceFen: prefs.maxPriceFen, bodyTypes: prefs.bodyTypes };
    let recs = recommend({ model, events, items: features, preferences, exclude, limit });
    // A preference nothing in the lineup satisfies should not leave the buyer with an empty list.
    if (recs.length === 0) recs = recommend({ model, events, items: features, exclude, limit });
    if (events.length === 0) {
      // New buyer: most popular first, then the brand's own order for models nobody touched yet.
      const rank = new Map([...features.keys()].map((c, i) => [c, i]));
      recs.sort((a, b) => b.score - a.score || rank.get(a.item)! - rank.get(b.item)!);
    }
    return {
      modelVersion: model.version,
      trainedAt: model.version ? model.trainedAt : null,
      personalized: events.length > 0,
      preferences: prefs,
      // Each with the other brand's car closest to it (same body type and price band), if any.
      items: await Promise.all(
        recs.map(async (r) => ({ model: summaries.get(r.item)!, reason: r.reason, source: r.source, score: r.score, rival: (await this.rivalsFor(features.get(r.item)!, 1))[0] ?? null })),
      ),
    };
  }

  /**
   * Cars similar to one model, each with its specification differences marked, and the other
   * brands' cars closest to it (`rivals`, with how this model differs from each; never ours to sell).
   */
  async similar(code: string, limit = 4) {
    const [model, { summaries, features }] = await Promise.all([this.model(), this.lineup()]);
    let base = features.get(code);
    if (!base) {
      // Not on sale (no price in force) is still a model page a buyer can open: compare from its stored fields.
      const doc = await this.catalog.findByCode(code);
      if (!doc) throw new AppError(404, 'NOT_FOUND', '车型不存在', { code });
      base = { code, name: doc.name, bodyType: doc.bodyType, energyType: doc.energyType, priceFen: doc.startingPriceFen ?? 0, seats: doc.seats, rangeKm: doc.rangeKm ?? null };
      features.set(code, base);
    }
    const list = similarItems(model, features, code, { limit });
    const rivals = await this.rivalsFor(base, 3);
    return {
      modelCode: code,
      modelVersion: model.version,
      rivals: base.priceFen > 0 ? rivals : rivals.map((r) => ({ ...r, ours: r.ours.filter((d) => d.key !== 'price') })),
      items: list.map((s) => ({
        model: summaries.get(s.item)!,
        score: s.score,
        reason: s.cf > 0 && s.cf >= s.content * 0.5 ? `看过 ${base.name} 的用户也常关注` : `与 ${base.name} 配置相近`,
        differences: base.priceFen > 0 ? specDifferences(base, features.get(s.item)!) : specDifferences(base, features.get(s.item)!).filter((d) => d.key !== 'price'),
      })),
    };
  }
}
