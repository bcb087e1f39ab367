import type { Connection } from 'mongoose';
import {
  BODY_TYPE_LABELS,
  diffTrimSpecs,
  ENERGY_TYPE_LABELS,
  modelSummaryFromCatalog,
  nextPriceChange,
  priceAt,
  ignoreUnpublished,
  rivalAsTrim,
  RIVAL_DISCLAIMER,
  type RivalCar,
  type CatalogModel,
  type ModelSummary,
  type Paged,
  type PriceEntry,
  type CompareColumn,
  type CompareResult,
  type SpecDiffRow,
  type Trim,
} from '@carmall/shared-types';
import type { ModelListQuery } from '@carmall/shared-types/schemas';
import type { ReadThroughCache } from '../../infra/cache';
import type { Locks } from '../../infra/lock';
import { AppError, notFound } from '../../infra/errors';
import { carModelModel } from './model';

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The next instant at which any price of the model changes (a scheduled entry starts or one ends). */
export function nextPriceChangeAt(model: CatalogModel, at: Date): Date | null {
  let next = Infinity;
  const lists: PriceEntry[][] = [...model.trims.map((t) => t.prices), ...model.options.map((o) => o.prices)];
  for (const prices of lists) {
    const upcoming = nextPriceChange(prices, at);
    if (upcoming) next = Math.min(next, Date.parse(upcoming.effectiveFrom));
    const current = priceAt(prices, at);
    if (current?.effectiveTo) next = Math.min(next, Date.parse(current.effectiveTo));
  }
  return Number.isFinite(next) ? new Date(next) : null;
}

/** Fields stored beside the catalog data so lists can be filtered and sorted in the database. */
export function derivedFields(model: CatalogModel, at: Date) {
  const summary = modelSummaryFromCatalog(model, at);
  const searchText = [model.name, model.series, model.code, BODY_TYPE_LABELS[model.bodyType], ENERGY_TYPE_LABELS[model.energyType]]
    .join(' ')
    .toLowerCase();
  // A model with no trim on sale keeps a null starting price and drops out of lists (see listModels).
  return { ...summary, searchText, nextPriceChangeAt: nextPriceChangeAt(model, at) };
}

export type StoredModel = CatalogModel & {
  _id: unknown;
  startingPriceFen: number | null;
  seats: number;
  rangeKm: number | null;
  version: number;
  nextPriceChangeAt: Date | null;
  published?: boolean;
  updatedAt?: Date;
};

/** Buyers see a model unless an operator unpublished it (older documents have no flag: published). */
const PUBLISHED = { published: { $ne: false } };

/** Where a model's cover picture is served (media module). */
export const coverImagePath = (code: string) => `/media/models/${code}.svg`;

export function toSummary(doc: StoredModel): ModelSummary {
  return {
    id: String(doc._id),
    code: doc.code,
    name: doc.name,
    series: doc.series,
    bodyType: doc.bodyType,
    energyType: doc.energyType,
    startingPriceFen: doc.startingPriceFen ?? 0,
    seats: doc.seats,
    rangeKm: doc.rangeKm ?? null,
    coverImage: coverImagePath(doc.code),
    tagline: doc.tagline ?? '',
    featured: Boolean(doc.featured),
  };
}

/** What the configurator needs: the whole model (all price entries, so schedules are visible) plus its version. */
export interface ModelDetail {
  summary: ModelSummary;
  model: CatalogModel;
  version: number;
  /** The instant the server priced at; clients pass it to the shared engine so both agree. */
  pricedAt: string;
}

const SUMMARY_FIELDS = 'code name series bodyType energyType startingPriceFen seats rangeKm tagline featured';

/** The catalog data of a stored model, without database fields. */
export function stripDoc(doc: StoredModel): CatalogModel {
  const { code, name, series, bodyType, energyType, tagline, featured, coverColor, rangeKm, trims, options } = doc;
  return { code, name, series, bodyType, energyType, tagline, featured, coverColor, rangeKm, trims, options };
}

export class CatalogService {
  constructor(
    private readonly conn: Connection,
    private readonly cache: ReadThroughCache,
    private readonly locks: Locks,
    /** RivalService.get, passed in (the competitor set is the rivals module's). */
    private readonly rival: (code: string) => Promise<RivalCar> = async (code) => {
      throw notFound('竞品车型', { code });
    },
  ) {}

  private get Models() {
    return carModelModel(this.conn);
  }

  /**
   * Scheduled prices take effect on time: models whose next price change has passed get their
   * derived fields recomputed (and the cache invalidated) before a read from the database.
   * Returns seconds until the earliest upcoming change, to bound cache lifetimes.
   */
  private async refreshDuePrices(now: Date): Promise<number | undefined> {
    // One small indexed query finds both the models that are due and the next change after now.
    const scheduled = await this.Models.find({ nextPriceChangeAt: { $ne: null } }, 'code nextPriceChangeAt')
      .sort({ nextPriceChangeAt: 1 })
      .lean<{ code: string; nextPriceChangeAt: Date }[]>();
    const dueCodes = scheduled.filter((m) => m.nextPriceChangeAt <= now).map((m) => m.code);
    if (dueCodes.length) {
      for (const code of dueCodes) {
        await this.locks.withLock(`model:${code}`, async () => {
          const doc = await this.Models.findOne({ code }).lean<StoredModel>();
          if (!doc || !doc.nextPriceChangeAt || doc.nextPriceChangeAt > now) return; // another reader did it
          await this.Models.updateOne({ code }, { $set: derivedFields(stripDoc(doc), now), $inc: { version: 1 } });
        });
      }
      await this.cache.invalidate();
    }
    const next = scheduled.find((m) => m.nextPriceChangeAt > now);
    return next ? Math.max(1, (next.nextPriceChangeAt.getTime() - now.getTime()) / 1000) : undefined;
  }

  async listModels(q: ModelListQuery): Promise<Paged<ModelSummary>> {
    return this.cache.get(`list:${JSON.stringify(q)}`, async () => {
      const ttlSeconds = await this.refreshDuePrices(new Date());
      return { value: await this.queryModels(q), ttlSeconds };
    });
  }

  private async queryModels(q: ModelListQuery): Promise<Paged<ModelSummary>> {
    const filter: Record<string, unknown> = { startingPriceFen: { $ne: null }, ...PUBLISHED };
    if (q.bodyType) filter.bodyType = { $in: q.bodyType };
    if (q.energyType) filter.energyType = { $in: q.energyType };
    if (q.minPriceFen !== undefined || q.maxPriceFen !== undefined) {
      filter.startingPriceFen = {
        $ne: null,
        ...(q.minPriceFen !== undefined ? { $gte: q.minPriceFen } : {}),
        ...(q.maxPriceFen !== undefined ? { $lte: q.maxPriceFen } : {}),
      };
    }
    if (q.seats !== undefined) filter.seats = { $gte: q.seats };
    if (q.minRangeKm !== undefined) filter.rangeKm = { $gte: q.minRangeKm };
    if (q.featured !== undefined) filter.featured = q.featured;
    if (q.q) filter.searchText = { $regex: escapeRegex(q.q.toLowerCase()) };

    // A unique tie-breaker (code) keeps paging stable when prices are equal.
    const sort: Record<string, 1 | -1> =
      q.sort === 'price_desc' ? { startingPriceFen: -1, code: 1 } : q.sort === 'name' ? { name: 1, code: 1 } : { startingPriceFen: 1, code: 1 };
    const [docs, total] = await Promise.all([
      this.Models.find(filter, SUMMARY_FIELDS)
        .sort(sort)
        .skip((q.page - 1) * q.pageSize)
        .limit(q.pageSize)
        .lean<StoredModel[]>(),
      this.Models.countDocuments(filter),
    ]);
    return { items: docs.map(toSummary), page: q.page, pageSize: q.pageSize, total };
  }

  /** Model detail for the configurator, cached. Throws 404 NOT_FOUND for unknown codes. */
  async getModel(code: string): Promise<ModelDetail> {
    const detail = await this.cache.get(`model:${code}`, async () => {
      const ttlSeconds = await this.refreshDuePrices(new Date());
      const doc = await this.Models.findOne({ code, ...PUBLISHED }).lean<StoredModel>();
      if (!doc) return { value: null, ttlSeconds: 30 }; // short negative caching of unknown (or unpublished) codes
      return { value: { summary: toSummary(doc), model: stripDoc(doc), version: doc.version }, ttlSeconds };
    });
    if (!detail) throw notFound('车型', { code });
    return { ...detail, pricedAt: new Date().toISOString() };
  }

  /** Uncached read for writers (operators) who must see the latest version. */
  async findByCode(code: string): Promise<StoredModel | null> {
    return this.Models.findOne({ code }).lean<StoredModel>();
  }

  /** Every model, published or not, for the console's list (uncached; a few dozen documents). */
  async listAllForAdmin(): Promise<StoredModel[]> {
    return this.Models.find({}).sort({ rank: 1, code: 1 }).lean<StoredModel[]>();
  }

  /** Catalog admin's publish/unpublish, only if the model is still at `expectedVersion`. */
  async setPublished(code: string, expectedVersion: number, published: boolean): Promise<boolean> {
    const res = await this.Models.updateOne({ code, version: expectedVersion }, { $set: { published }, $inc: { version: 1 } });
    return res.modifiedCount === 1;
  }

  /** Catalog admin's write: trims and options replaced only if the model is still at `expectedVersion`. */
  async replaceTrimsAndOptions(code: string, expectedVersion: number, next: CatalogModel): Promise<boolean> {
    const res = await this.Models.updateOne(
      { code, version: expectedVersion },
      { $set: { trims: next.trims, options: next.options, ...derivedFields(next, new Date()) }, $inc: { version: 1 } },
    );
    return res.modifiedCount === 1;
  }

  /** Compare 2-3 trims (of one model or several): spec rows with the differing ones marked. */
  /**
   * Compare 2-3 columns: `modelCode:trimCode` for ours, `rival:<rival code>` for a competitor car
   * (its public list price and published specs; labelled, with the disclaimer).
   */
  async compare(pairs: string[]): Promise<CompareResult> {
    const at = new Date();
    const picked: { column: CompareColumn; trim: Trim }[] = [];
    for (const pair of pairs) {
      const [modelCode, trimCode] = pair.split(':');
      if (modelCode === 'rival') {
        const r = await this.rival(trimCode);
        picked.push({ column: { modelCode: r.code, modelName: `${r.brand} ${r.name}`, trimCode: r.code, trimName: r.trimName, rival: { brand: r.brand, source: r.source, asOf: r.asOf } }, trim: rivalAsTrim(r) });
        continue;
      }
      const { model } = await this.getModel(modelCode);
      const trim = model.trims.find((t) => t.code === trimCode);
      if (!trim) throw new AppError(404, 'UNKNOWN_TRIM', `车型「${model.name}」没有版本 ${trimCode}`, { modelCode, trimCode });
      picked.push({ column: { modelCode: model.code, modelName: model.name, trimCode: trim.code, trimName: trim.name }, trim });
    }
    return {
      trims: picked.map((p) => p.column),
      rows: ignoreUnpublished(
        diffTrimSpecs(
          picked.map((p) => p.trim),
          { at },
        ),
        picked.map((p) => Boolean(p.column.rival)),
      ),
      disclaimer: picked.some((p) => p.column.rival) ? RIVAL_DISCLAIMER : null,
    };
  }

}
