import { Schema, type Connection } from 'mongoose';

/**
 * A launch (首发抢购) as an operator scheduled it. The live state (queue, admissions, holds) is in
 * Redis (waiting-room.ts, inventory/gate.ts); the orders and holds it produces are MongoDB's.
 */
const variantSchema = new Schema(
  {
    trimCode: { type: String, required: true },
    paintCode: { type: String, required: true },
    stockKey: { type: String, required: true },
    stock: { type: Number, required: true, min: 0 },
  },
  { _id: false },
);

const launchSchema = new Schema(
  {
    code: { type: String, required: true, unique: true },
    title: { type: String, required: true },
    modelCode: { type: String, required: true },
    startsAt: { type: Date, required: true },
    endsAt: { type: Date },
    admitPerSecond: { type: Number, required: true },
    /** Admitted at once at the open, and the most that pile up while nobody is waiting. */
    admitBurst: { type: Number, required: true },
    admissionSeconds: { type: Number, required: true },
    /** Buyers may join this long before the open (the early arrivals, shuffled at the open); 0: none. */
    preQueueSeconds: { type: Number, default: 0 },
    variants: { type: [variantSchema], required: true },
    createdBy: { type: String, required: true },
    /** Set when the launch's stock went back to normal sale (after endsAt or an operator's end). */
    closedAt: { type: Date },
  },
  { timestamps: true, collection: 'launches' },
);
launchSchema.index({ startsAt: 1 });

export const launchModel = (conn: Connection) => conn.models.Launch ?? conn.model('Launch', launchSchema);
