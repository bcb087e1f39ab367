import { Schema, type Connection, type InferSchemaType } from 'mongoose';
import { ROLES } from '../auth/session';

/**
 * A person known to the shop. How they sign in lives in `identities` (one document per WeChat
 * openid, unionid, Alipay user id or verified phone, its _id unique), which links channels to one
 * user. `wechatOpenId` is kept here too for people and scripts that look users up by it.
 *
 * Personal data is only ever stored encrypted (see infra/crypto.ts): `pii.*` hold `pii1.` ciphertexts
 * bound to this user and field, `piiKid` is the key they are all encrypted under (the rotation
 * command looks for other kids), `phoneIndex` is the blind index used to find a user by phone.
 */
const userSchema = new Schema(
  {
    wechatOpenId: { type: String },
    wechatUnionId: { type: String },
    alipayUserId: { type: String },
    roles: { type: [String], enum: ROLES, default: ['buyer'] },
    pii: {
      phone: { type: String },
      realName: { type: String },
      idCardNo: { type: String },
      driverLicenceNo: { type: String },
    },
    piiKid: { type: String },
    phoneIndex: { type: String },
    lastLoginAt: { type: Date, required: true },
    /** Set when the account was erased at the user's request (personal data removed, orders kept). */
    deletedAt: { type: Date },
  },
  { timestamps: true, collection: 'users', minimize: true },
);
userSchema.index({ phoneIndex: 1 });
userSchema.index({ piiKid: 1 });

export type UserDoc = InferSchemaType<typeof userSchema>;
export const userModel = (conn: Connection) => conn.models.User ?? conn.model('User', userSchema);

/**
 * `_id` = `<kind>:<subject>`: `wechat:<openid>`, `wechat-union:<unionid>`, `alipay:<user_id>`,
 * `phone:<blind index>`. Inserting one is the atomic claim of that login for a user (unique _id is
 * atomic on FerretDB too), so concurrent first logins agree on one user.
 */
const identitySchema = new Schema(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    kind: { type: String, required: true, enum: ['wechat', 'wechat-union', 'alipay', 'phone'] },
  },
  { timestamps: true, collection: 'identities' },
);
identitySchema.index({ userId: 1 });
export const identityModel = (conn: Connection) => conn.models.Identity ?? conn.model('Identity', identitySchema);


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
