import type { Connection } from 'mongoose';
import {
  BODY_TYPE_LABELS,
  ENERGY_TYPE_LABELS,
  modelSummaryFromCatalog,
  type CatalogModel,
  type ModelSummary,
  type Paged,
} from '@carmall/shared-types';
import type { ModelListQuery } from '@carmall/shared-types/schemas';
import { carModelModel } from './model';

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Fields stored beside the catalog data so lists can be filtered and sorted in the database. */
export function derivedFields(model: CatalogModel, at: Date) {
  const summary = modelSummaryFromCatalog(model, at);
  const searchText = [model.name, model.series, model.code, BODY_TYPE_LABELS[model.bodyType], ENERGY_TYPE_LABELS[model.energyType]]
    .join(' ')
    .toLowerCase();
  return { ...summary, searchText };
}

type StoredModel = CatalogModel & { _id: unknown; startingPriceFen: number; seats: number; rangeKm: number | null };

export function toSummary(doc: StoredModel): ModelSummary {
  return {
    id: String(doc._id),
    code: doc.code,
    name: doc.name,
    series: doc.series,
    bodyType: doc.bodyType,
    energyType: doc.energyType,
    startingPriceFen: doc.startingPriceFen,
    seats: doc.seats,
    rangeKm: doc.rangeKm ?? null,
    coverImage: `/media/models/${doc.code}.svg`,
    tagline: doc.tagline ?? '',
    featured: Boolean(doc.featured),
  };
}

const SUMMARY_FIELDS = 'code name series bodyType energyType startingPriceFen seats rangeKm tagline featured';

export class CatalogService {
  constructor(private readonly conn: Connection) {}

  private get Models() {
    return carModelModel(this.conn);
  }

  async listModels(q: ModelListQuery): Promise<Paged<ModelSummary>> {
    const filter: Record<string, unknown> = {};
    if (q.bodyType) filter.bodyType = { $in: q.bodyType };
    if (q.energyType) filter.energyType = { $in: q.energyType };
    if (q.minPriceFen !== undefined || q.maxPriceFen !== undefined) {
      filter.startingPriceFen = {
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

  async findByCode(code: string): Promise<StoredModel | null> {
    return this.Models.findOne({ code }).lean<StoredModel>();
  }
}
