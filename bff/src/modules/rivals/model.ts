import { Schema, type Connection } from 'mongoose';
import { BODY_TYPES, ENERGY_TYPES } from '@carmall/shared-types';

/**
 * Competitor cars (shared-types/src/rivals.ts RivalCar), one document each. Never in the catalog's
 * collection: nothing that sells (configurations, orders, stock) can find them.
 */
const rivalSchema = new Schema(
  {
    code: { type: String, required: true, unique: true },
    brand: { type: String, required: true },
    name: { type: String, required: true },
    trimName: { type: String, required: true },
    bodyType: { type: String, required: true, enum: BODY_TYPES },
    energyType: { type: String, required: true, enum: ENERGY_TYPES },
    priceFen: { type: Number, required: true, min: 1 },
    seats: { type: Number, required: true },
    rangeKm: { type: Number, default: null },
    specs: { type: Schema.Types.Mixed, required: true },
    source: { type: String, required: true },
    asOf: { type: String, required: true },
  },
  { collection: 'rival_cars', versionKey: false },
);

export const rivalModel = (conn: Connection) => conn.models.RivalCar ?? conn.model('RivalCar', rivalSchema);
