import { Schema, type Connection } from 'mongoose';

/**
 * Consent records (PIPL): which document (privacy policy / user agreement), which version, given
 * or withdrawn, when, on which channel. Append-only: a withdrawal is a new record, so the history
 * of what a user agreed to stays provable. Kept (pseudonymous, by user id) after account deletion.
 */
const consentSchema = new Schema(
  {
    userId: { type: String, required: true },
    document: { type: String, required: true, enum: ['privacy_policy', 'user_agreement'] },
    version: { type: String, required: true },
    channel: { type: String, required: true, enum: ['weapp', 'alipay', 'h5'] },
    granted: { type: Boolean, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'consents', versionKey: false },
);
consentSchema.index({ userId: 1, at: -1 });

export const consentModel = (conn: Connection) => conn.models.Consent ?? conn.model('Consent', consentSchema);
