import { Schema, type Connection } from 'mongoose';

/**
 * Append-only log of what staff did to people's accounts and data: who (id and roles at the time),
 * what (action, target), why (reason, for reads of personal data), before/after, when, from where.
 * The BFF only ever inserts here and lists; no route, service or script updates or deletes entries.
 * In production the BFF's MongoDB user should have only `insert` and `find` on this collection.
 * Values of personal data are never written here, only which fields were read or changed.
 */
const auditSchema = new Schema(
  {
    at: { type: Date, required: true },
    actorId: { type: String, required: true },
    actorRoles: { type: [String], required: true },
    action: { type: String, required: true },
    targetType: { type: String, required: true },
    targetId: { type: String, required: true },
    reason: { type: String },
    before: { type: Schema.Types.Mixed },
    after: { type: Schema.Types.Mixed },
    requestId: { type: String },
    ip: { type: String },
  },
  { collection: 'audit_log', versionKey: false },
);
auditSchema.index({ at: -1 });
auditSchema.index({ targetId: 1, at: -1 });
auditSchema.index({ actorId: 1, at: -1 });

export const auditModel = (conn: Connection) => conn.models.AuditEntry ?? conn.model('AuditEntry', auditSchema);
