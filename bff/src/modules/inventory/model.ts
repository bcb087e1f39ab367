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

/**
 * The history of stock changes made by staff: inbound cars, corrections, and the older "set the
 * total" route. `_id` is the request's idempotency id, so a retried request is the same entry and
 * is never applied twice. Written `pending` before the stock changes and `applied` after; a crash
 * between the two is finished by the retry (see InventoryService.adjust).
 */
const adjustmentSchema = new Schema(
  {
    _id: { type: String, required: true },
    key: { type: String, required: true },
    modelCode: { type: String, required: true },
    trimCode: { type: String, required: true },
    paintCode: { type: String, required: true },
    region: { type: String, required: true },
    kind: { type: String, required: true, enum: ['inbound', 'adjustment', 'set'] },
    delta: { type: Number, required: true },
    before: { type: Number, required: true },
    after: { type: Number, required: true },
    reason: { type: String, required: true },
    actorId: { type: String, required: true },
    status: { type: String, required: true, enum: ['pending', 'applied', 'rejected'] },
    at: { type: Date, required: true },
  },
  { collection: 'stock_adjustments', versionKey: false },
);
adjustmentSchema.index({ key: 1, at: -1 });
adjustmentSchema.index({ modelCode: 1, at: -1 });

export const stockAdjustmentModel = (conn: Connection) => conn.models.StockAdjustment ?? conn.model('StockAdjustment', adjustmentSchema);
export const stockModel = (conn: Connection) => conn.models.Stock ?? conn.model('Stock', stockSchema);
export const stockHoldModel = (conn: Connection) => conn.models.StockHold ?? conn.model('StockHold', holdSchema);
export { stockKey } from './keys';
