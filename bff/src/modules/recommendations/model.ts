import { Schema, type Connection } from 'mongoose';
import { BODY_TYPES, INTERACTION_KINDS } from '@carmall/shared-types';

/**
 * One buyer event on a model (view, configure, compare, test_drive, quote, order). `_id` is the
 * event's natural id (e.g. `order:CM…`, `view:{user}:{model}:{Shanghai day}`), so a repeated call
 * or a retried request inserts nothing new (idempotent by the unique _id). Queried by user
 * (indexed) for serving and read whole only by the training job.
 */
const interactionSchema = new Schema(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    modelCode: { type: String, required: true },
    kind: { type: String, required: true, enum: INTERACTION_KINDS },
    weight: { type: Number, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'reco_interactions', versionKey: false },
);
interactionSchema.index({ userId: 1, at: -1 });

export interface InteractionDoc {
  _id: string;
  userId: string;
  modelCode: string;
  kind: (typeof INTERACTION_KINDS)[number];
  weight: number;
  at: Date;
}

export const interactionModel = (conn: Connection) => conn.models.RecoInteraction ?? conn.model('RecoInteraction', interactionSchema);

/**
 * A buyer's budget and body-type preference: set explicitly (PUT /me/recommendations/preferences)
 * or learnt from the filters they list models with; an explicit one is never overwritten by filters.
 */
const preferenceSchema = new Schema(
  {
    _id: { type: String, required: true }, // the user id
    minPriceFen: { type: Number, default: null },
    maxPriceFen: { type: Number, default: null },
    bodyTypes: { type: [{ type: String, enum: BODY_TYPES }], default: [] },
    source: { type: String, enum: ['explicit', 'filters'], required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'reco_preferences', versionKey: false },
);

export interface PreferenceDoc {
  _id: string;
  minPriceFen: number | null;
  maxPriceFen: number | null;
  bodyTypes: (typeof BODY_TYPES)[number][];
  source: 'explicit' | 'filters';
  updatedAt: Date;
}

export const preferenceModel = (conn: Connection) => conn.models.RecoPreference ?? conn.model('RecoPreference', preferenceSchema);
