import { Schema, type Connection } from 'mongoose';
import type { SavedDoc } from '../configurations/service';

/**
 * A share card an advisor sent: `_id` is the short random share id (the mini-program code's
 * `scene`). `targetKey` = advisor + target makes "share this again" return the same card while it is
 * valid (found under a Redis lock: FerretDB has no partial unique index to say "one unexpired").
 */
const shareSchema = new Schema(
  {
    _id: { type: String, required: true },
    advisorUserId: { type: String, required: true },
    kind: { type: String, required: true, enum: ['model', 'configuration'] },
    modelCode: { type: String, required: true },
    configurationId: { type: String, default: null },
    // The configuration as it was shared, so the card survives the owner deleting it later.
    snapshot: { type: Schema.Types.Mixed, default: null },
    targetKey: { type: String, required: true },
    expiresAt: { type: Date, required: true },
  },
  { timestamps: true, collection: 'shares' },
);
shareSchema.index({ targetKey: 1 });
shareSchema.index({ advisorUserId: 1, createdAt: -1 });

/**
 * One visit per device (visitorId) per share per Shanghai day: `_id` is that natural key, so a
 * repeated or concurrent visit inserts nothing. `userId` is the signed-in buyer (set at the visit, or
 * later when the same device signs in); `self` marks the share's own advisor (never credited, not
 * counted in the advisor's figures). Only POST /shares/:id/visits writes here.
 */
const shareVisitSchema = new Schema(
  {
    _id: { type: String, required: true },
    shareId: { type: String, required: true },
    advisorUserId: { type: String, required: true },
    visitorId: { type: String, required: true },
    userId: { type: String, default: null },
    self: { type: Boolean, default: false },
    at: { type: Date, required: true },
  },
  { collection: 'share_visits', versionKey: false },
);
shareVisitSchema.index({ userId: 1, at: -1 });
shareVisitSchema.index({ visitorId: 1 });
shareVisitSchema.index({ advisorUserId: 1 });

/**
 * Who got the credit for a lead or an order, written once (`_id` = `<kind>:<ref>`): the advisor's
 * per-share figures count these, and a lead or order can never be credited twice.
 */
const creditSchema = new Schema(
  {
    _id: { type: String, required: true },
    kind: { type: String, required: true, enum: ['test_drive', 'finance_quote', 'wechat_contact', 'order'] },
    ref: { type: String, required: true },
    shareId: { type: String, required: true },
    visitId: { type: String, required: true },
    advisorUserId: { type: String, required: true },
    buyerUserId: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'advisor_credits', versionKey: false },
);
creditSchema.index({ advisorUserId: 1 });

/**
 * A lead an advisor follows up: a test-drive booking or a signed-in buyer's finance quote.
 * `naturalKey` (unique) makes its creation idempotent; contact details are stored encrypted
 * (PiiCipher, AAD bound to the lead) and only ever sent masked. Status changes append to `history`
 * under the lead's Redis lock.
 */
const leadSchema = new Schema(
  {
    naturalKey: { type: String, required: true, unique: true },
    kind: { type: String, required: true, enum: ['test_drive', 'finance_quote', 'wechat_contact'] },
    status: { type: String, required: true, enum: ['new', 'contacted', 'scheduled', 'completed', 'lost'] },
    advisorUserId: { type: String, default: null },
    shareId: { type: String, default: null },
    // The credited visit: with advisor and share, enough to (re)write the credit on a retry.
    visitId: { type: String, default: null },
    storeCode: { type: String, default: null },
    buyerUserId: { type: String, required: true },
    modelCode: { type: String, required: true },
    modelName: { type: String, required: true },
    contact: { name: { type: String }, phone: { type: String }, wechat: { type: String } },
    /** wechat_contact leads: the consent the buyer gave (its text as shown, and when). */
    consent: { type: Schema.Types.Mixed, default: null },
    testDrive: { type: Schema.Types.Mixed, default: null },
    financeQuote: { type: Schema.Types.Mixed, default: null },
    history: { type: [Schema.Types.Mixed], default: [] },
  },
  { timestamps: true, collection: 'advisor_leads' },
);
leadSchema.index({ advisorUserId: 1, createdAt: -1 });
leadSchema.index({ storeCode: 1, advisorUserId: 1 });

/** How an advisor appears to buyers (display name only; the store they work at is the slot module's site staff). `_id` = user id. */
const advisorProfileSchema = new Schema(
  {
    _id: { type: String, required: true },
    displayName: { type: String, required: true },
    /** The advisor's work WeChat ID, shown on their cards so buyers can add them. */
    wechatId: { type: String, default: null },
  },
  { timestamps: true, collection: 'advisor_profiles' },
);

export const shareModel = (conn: Connection) => conn.models.Share ?? conn.model('Share', shareSchema);
export const shareVisitModel = (conn: Connection) => conn.models.ShareVisit ?? conn.model('ShareVisit', shareVisitSchema);
export const creditModel = (conn: Connection) => conn.models.AdvisorCredit ?? conn.model('AdvisorCredit', creditSchema);
export const leadModel = (conn: Connection) => conn.models.AdvisorLead ?? conn.model('AdvisorLead', leadSchema);
export const advisorProfileModel = (conn: Connection) => conn.models.AdvisorProfile ?? conn.model('AdvisorProfile', advisorProfileSchema);

export interface ShareDoc {
  _id: string;
  advisorUserId: string;
  kind: 'model' | 'configuration';
  modelCode: string;
  configurationId: string | null;
  snapshot?: ShareSnapshot | null;
  targetKey: string;
  expiresAt: Date;
  createdAt: Date;
}
/** The saved configuration frozen into a share at creation (choices and the price then). */
export type ShareSnapshot = Omit<SavedDoc, 'createdAt'>;
export interface ShareVisitDoc {
  _id: string;
  shareId: string;
  advisorUserId: string;
  visitorId: string;
  userId: string | null;
  self: boolean;
  at: Date;
}
export interface CreditDoc {
  _id: string;
  kind: 'test_drive' | 'finance_quote' | 'wechat_contact' | 'order';
  ref: string;
  shareId: string;
  visitId: string;
  advisorUserId: string;
  buyerUserId: string;
  at: Date;
}
