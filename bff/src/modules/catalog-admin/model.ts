import { Schema, type Connection } from 'mongoose';

/**
 * Who changed what in the catalog. Written as `pending` before the change and marked `applied`
 * (or `rejected`) after, so even a crash between the two leaves a trace of the attempt.
 */
const catalogAuditSchema = new Schema(
  {
    modelCode: { type: String, required: true },
    actorId: { type: String, required: true },
    action: { type: String, required: true, enum: ['trim.prices', 'option.update', 'model.publish', 'model.unpublish'] },
    target: { type: String, required: true },
    before: { type: Schema.Types.Mixed },
    after: { type: Schema.Types.Mixed },
    note: { type: String },
    fromVersion: { type: Number, required: true },
    status: { type: String, required: true, enum: ['pending', 'applied', 'rejected'] },
  },
  { timestamps: true, collection: 'catalog_audit' },
);
catalogAuditSchema.index({ modelCode: 1, createdAt: -1 });

export const catalogAuditModel = (conn: Connection) => conn.models.CatalogAudit ?? conn.model('CatalogAudit', catalogAuditSchema);
