import { Schema, type Connection } from 'mongoose';

/**
 * One AXB binding made for an advisor to call a lead: the middle number X and until when it
 * relays. The real numbers are never stored here (they live encrypted with the user and the lead);
 * a live binding is reused, so repeated taps do not take another X.
 */
const bindingSchema = new Schema(
  {
    leadId: { type: String, required: true },
    advisorUserId: { type: String, required: true },
    secretNo: { type: String, required: true },
    subsId: { type: String, required: true },
    expiresAt: { type: Date, required: true },
    createdAt: { type: Date, required: true },
    unboundAt: { type: Date },
  },
  { collection: 'privacy_call_bindings', versionKey: false },
);
bindingSchema.index({ leadId: 1, advisorUserId: 1, expiresAt: -1 });

export interface PrivacyBindingDoc {
  _id: unknown;
  leadId: string;
  advisorUserId: string;
  secretNo: string;
  subsId: string;
  expiresAt: Date;
  createdAt: Date;
  unboundAt?: Date;
}

export const privacyBindingModel = (conn: Connection) => conn.models.PrivacyCallBinding ?? conn.model('PrivacyCallBinding', bindingSchema);
