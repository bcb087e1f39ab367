import { Schema, type Connection } from 'mongoose';

/** The in-app message centre (every owner, whatever their platform). */
const messageSchema = new Schema(
  {
    _id: { type: String }, // the delivery key: one message per delivery
    userId: { type: String, required: true },
    kind: { type: String, required: true },
    title: { type: String, required: true },
    body: { type: String, required: true },
    vehicleId: { type: String },
    campaignId: { type: String },
    /** Delivery-tracking messages: the order they are about. */
    orderNo: { type: String },
    readAt: { type: Date },
  },
  { timestamps: true, collection: 'messages', versionKey: false },
);
messageSchema.index({ userId: 1, createdAt: -1 });

export const messageModel = (conn: Connection) => conn.models.Message ?? conn.model('Message', messageSchema);
