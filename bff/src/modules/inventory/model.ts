import { Schema, type Connection } from 'mongoose';

/**
 * Cars available to order, per region + model + trim + paint: `total` of them.
 * A reservation is a document in `stock_holds` whose _id is "<key>#<slot>" and whose orderId is
 * unique. Slots are handed out by the Redis gate (gate.ts), which keeps held + free = total; the
 * unique _id means one slot is never held twice even if the gate is rebuilt mid-rush, and the
 * unique orderId that one order never holds two cars (unique-index inserts are atomic on MongoDB
 * and on the test server alike; read-modify-write counters are not on the latter).
 */
const stockSchema = new Schema(
  {
    key: { type: String, required: true, unique: true },
    modelCode: { type: String, required: true },
    trimCode: { type: String, required: true },
    paintCode: { type: String, required: true },
    region: { type: String, required: true, default: 'national' },
    total: { type: Number, required: true, min: 0 },
    /** Set while a launch owns this stock: only its admitted buyers may order it (LAUNCH_ONLY otherwise). */
    launchCode: { type: String, default: '' },
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
export { stockKey } from './keys';
