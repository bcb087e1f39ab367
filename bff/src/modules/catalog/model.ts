import { Schema, type Connection } from 'mongoose';
import { BODY_TYPES, ENERGY_TYPES } from '@carmall/shared-types';

/**
 * One document per car model, holding its trims and options (the configurator's whole input).
 * Embedding keeps every catalog change a single-document atomic write (no transactions needed)
 * and lets one read feed the configurator. The summary fields (starting price, seats, range,
 * searchText) are derived from the trims at write time so list queries can filter and sort on them.
 */
const modelSchema = new Schema(
  {
    code: { type: String, required: true, unique: true },
    name: { type: String, required: true },
    series: { type: String, required: true },
    bodyType: { type: String, required: true, enum: BODY_TYPES },
    energyType: { type: String, required: true, enum: ENERGY_TYPES },
    tagline: { type: String, default: '' },
    featured: { type: Boolean, default: false },
    coverColor: { type: String, default: '#5b6b7f' },
    /** Display order for the brand's own ranking (featured lists). */
    rank: { type: Number, default: 100 },
    // Trims and options follow the CatalogModel shape from shared-types and are validated there.
    trims: { type: [Schema.Types.Mixed], default: [] },
    options: { type: [Schema.Types.Mixed], default: [] },
    // Derived, for filtering and sorting lists:
    /** Lowest trim price in force; null while no trim is on sale (the model is then hidden from lists). */
    startingPriceFen: { type: Number, default: null },
    /** When a scheduled price next starts or ends: reads recompute the derived fields after it. */
    nextPriceChangeAt: { type: Date, default: null },
    seats: { type: Number, required: true },
    rangeKm: { type: Number, default: null },
    /** Lower-cased name/series/code/labels; searched with an escaped regex (no text indexes on the test server). */
    searchText: { type: String, required: true },
    /** Whether buyers see the model (lists, its page, orders). Absent on older documents: published. */
    published: { type: Boolean, default: true },
    /** Bumped on every change: part of cache keys, and lets writers detect concurrent edits. */
    version: { type: Number, default: 1 },
  },
  { timestamps: true, collection: 'models' },
);
modelSchema.index({ bodyType: 1, energyType: 1, startingPriceFen: 1 });
modelSchema.index({ featured: 1, rank: 1 });
modelSchema.index({ nextPriceChangeAt: 1 });

export const carModelModel = (conn: Connection) => conn.models.CarModel ?? conn.model('CarModel', modelSchema);
