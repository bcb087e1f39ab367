import { Schema, type Connection } from 'mongoose';

/**
 * Cars available to order, per region + model + trim + paint: `total` of them.
 * A reservation is a document in `stock_holds` whose _id is "<key>#<slot>" (slot < total) and whose
 * orderId is unique: the database's unique indexes make it impossible to hold more cars than
 * exist, or two cars for one order, whatever the concurrency — on MongoDB and on the test server
 * alike (unique-index inserts are atomic on both; read-modify-write counters are not on the latter).
 */
const stockSchema = new Schema(
  {
    key: { type: String, required: true, unique: true },
    modelCode: { type: String, required: true },
    trimCode: { type: String, required: true },
    paintCode: { type: String, required: true },
    region: { type: String, required: true, default: 'national' },
    total: { type: Number, required: true, min: 0 },
  },
  { timestamps: true, collection: 'stock' },
);

const holdSchema = new Schema(
  {
    _id: { type: String, required: true }, // "<stock key>#<slot>"
    key: { type: String, required: true, index: true },
    orderId: { type: String, required: true, unique: true },
    at: { type: Date, required: true },
  },
  { collection: 'stock_holds', versionKey: false },
);

export const stockModel = (conn: Connection) => conn.models.Stock ?? conn.model('Stock', stockSchema);
export const stockHoldModel = (conn: Connection) => conn.models.StockHold ?? conn.model('StockHold', holdSchema);
export const stockKey = (modelCode: string, trimCode: string, paintCode: string, region = 'national') => `${region}:${modelCode}:${trimCode}:${paintCode}`;
