import { Schema, type Connection, type InferSchemaType } from 'mongoose';
import { ROLES } from './session';

/**
 * A person known to the shop. Identified by their WeChat openid (per mini-program); unionid links
 * the same person across the brand's apps when WeChat provides it.
 */
const userSchema = new Schema(
  {
    wechatOpenId: { type: String, required: true, unique: true },
    wechatUnionId: { type: String },
    roles: { type: [String], enum: ROLES, default: ['buyer'] },
    lastLoginAt: { type: Date, required: true },
  },
  { timestamps: true, collection: 'users' },
);

export type UserDoc = InferSchemaType<typeof userSchema>;
export const userModel = (conn: Connection) => conn.models.User ?? conn.model('User', userSchema);
