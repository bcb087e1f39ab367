import { Schema, type Connection } from 'mongoose';

/**
 * A configuration a buyer saved (or shared). It freezes what the buyer saw: the resolved options,
 * line items and total at `config.pricedAt`, and the catalog version they came from. Orders and
 * share cards refer to it by `shortId`.
 */
const savedConfigurationSchema = new Schema(
  {
    shortId: { type: String, required: true, unique: true },
    modelCode: { type: String, required: true },
    modelName: { type: String, required: true },
    trimCode: { type: String, required: true },
    trimName: { type: String, required: true },
    /** The engine's ResolvedConfig, as priced when saved. */
    config: { type: Schema.Types.Mixed, required: true },
    totalFen: { type: Number, required: true },
    modelVersion: { type: Number, required: true },
    /** Null for anonymous saves (H5 visitors, shared links); set when a signed-in buyer saves. */
    ownerId: { type: String, default: null },
  },
  { timestamps: true, collection: 'saved_configurations' },
);
savedConfigurationSchema.index({ ownerId: 1, createdAt: -1 });

export const savedConfigurationModel = (conn: Connection) =>
  conn.models.SavedConfiguration ?? conn.model('SavedConfiguration', savedConfigurationSchema);
