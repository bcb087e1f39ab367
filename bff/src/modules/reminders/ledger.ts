import type { Connection } from 'mongoose';
import { creditModel, useModel } from './model';

export type SubscribeResult = 'accept' | 'reject' | 'ban' | 'filter';

const isDuplicate = (err: unknown) => (err as { code?: number }).code === 11000;

/** The per-user, per-template ledger of one-time subscribe-message opt-ins (see model.ts). */
export class SubscriptionLedger {
  constructor(private readonly conn: Connection) {}

  private get Credits() {
    return creditModel(this.conn);
  }
  private get Uses() {
    return useModel(this.conn);
  }

  /** Record what wx.requestSubscribeMessage returned: each "accept" is one credit. Idempotent by grantId. */
  async record(userId: string, grantId: string, results: Record<string, SubscribeResult>) {
    const now = new Date();
    for (const [templateId, result] of Object.entries(results)) {
      if (result !== 'accept') continue;
      await this.Credits.create({ _id: `${userId}:${templateId}:${grantId}`, userId, templateId, grantedAt: now }).catch((err) => {
        if (!isDuplicate(err)) throw err;
      });
    }
  }

  async remaining(userId: string, templateId: string): Promise<number> {
    const [credits, uses] = await Promise.all([this.Credits.countDocuments({ userId, templateId }), this.Uses.countDocuments({ userId, templateId })]);
    return Math.max(0, credits - uses);
  }

  /**
   * Take one credit for a delivery, oldest first. Returns the credit id, or null when none is left.
   * A delivery that already holds a credit (a retry) gets the same one back.
   */
  async claim(userId: string, templateId: string, deliveryKey: string): Promise<string | null> {
    const held = await this.Uses.findOne({ deliveryKey }).lean<{ _id: string }>();
    if (held) return held._id;
    const credits = await this.Credits.find({ userId, templateId }).sort({ grantedAt: 1, _id: 1 }).lean<{ _id: string }[]>();
    if (credits.length === 0) return null;
    const used = new Set((await this.Uses.find({ userId, templateId }, { _id: 1 }).lean<{ _id: string }[]>()).map((u) => u._id));
    for (const c of credits) {
      if (used.has(c._id)) continue;
      try {
        await this.Uses.create({ _id: c._id, userId, templateId, deliveryKey, reason: 'send', at: new Date() });
        return c._id;
      } catch (err) {
        if (!isDuplicate(err)) throw err;
        // Another delivery took this credit, or this delivery raced itself: look again.
        const mine = await this.Uses.findOne({ deliveryKey }).lean<{ _id: string }>();
        if (mine) return mine._id;
      }
    }
    return null;
  }

  /** Give a delivery's credit back (WeChat did not deliver and did not use the opt-in). */
  async release(deliveryKey: string) {
    await this.Uses.deleteOne({ deliveryKey, reason: 'send' });
  }

  /** WeChat says the user has no opt-in left (43101): our remaining credits are void. */
  async voidRemaining(userId: string, templateId: string, deliveryKey: string) {
    const credits = await this.Credits.find({ userId, templateId }, { _id: 1 }).lean<{ _id: string }[]>();
    const used = new Set((await this.Uses.find({ userId, templateId }, { _id: 1 }).lean<{ _id: string }[]>()).map((u) => u._id));
    for (const c of credits) {
      if (used.has(c._id)) continue;
      await this.Uses.create({ _id: c._id, userId, templateId, deliveryKey: `${deliveryKey}#void#${c._id}`, reason: 'refused', at: new Date() }).catch((err) => {
        if (!isDuplicate(err)) throw err;
      });
    }
  }
}
