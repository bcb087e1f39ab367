import { Types, type Connection } from 'mongoose';
import type { SubscriptionLedger } from '../reminders/ledger';
import type { SendOutcome, WechatMessageSender } from '../reminders/wechat-sender';
import { notFound } from '../../infra/errors';
import { messageModel } from './model';

/**
 * The one way a person is notified, shared by maintenance reminders and delivery tracking:
 *   - the in-app message centre (every platform: WeChat, Alipay, H5), one message per key;
 *   - a WeChat subscribe message, only to a user with a WeChat account AND a one-time opt-in left
 *     in the ledger (never without one). The ledger bookkeeping follows WeChat's answer: the
 *     opt-in is used when sent, given back when nothing was delivered, and the remaining ones are
 *     void when WeChat says the user has none.
 * Callers keep their own delivery record and retry policy (what to do with `retry`/`uncertain`).
 */
export interface InAppMessage {
  /** Unique per message and person: a repeat is a no-op. */
  key: string;
  userId: string;
  kind: string;
  title: string;
  body: string;
  vehicleId?: string;
  campaignId?: string;
  orderNo?: string;
}

export interface WechatNotice {
  /** The delivery's key: a retried delivery reuses its opt-in, never takes two. */
  key: string;
  userId: string;
  templateId: string;
  page?: string;
  data: Record<string, string>;
}

/** `no_optin`: no WeChat account, or no opt-in left (the in-app message is all they get). */
export type WechatResult = SendOutcome | { kind: 'no_optin'; reason: 'no_wechat' | 'no_credit' };

const isDuplicate = (err: unknown) => (err as { code?: number }).code === 11000;

export class NotificationSender {
  constructor(
    private readonly conn: Connection,
    private readonly ledger: SubscriptionLedger,
    private readonly wechat: WechatMessageSender,
    /** UserService.channelAccountOf, passed in: the users collection is not this module's. */
    private readonly channelAccountOf: (userId: string) => Promise<{ wechatOpenId?: string } | null>,
  ) {}

  private get Messages() {
    return messageModel(this.conn);
  }

  async postInApp(m: InAppMessage): Promise<void> {
    await this.Messages
      .create({ _id: m.key, userId: m.userId, kind: m.kind, title: m.title, body: m.body, vehicleId: m.vehicleId, campaignId: m.campaignId, orderNo: m.orderNo })
      .catch((err) => {
        if (!isDuplicate(err)) throw err;
      });
  }

  /**
   * `beforeSend` runs after the opt-in is claimed and right before WeChat is called: the caller
   * marks its record there, so only a crash during the call itself leaves an uncertain delivery.
   */
  async sendWechat(n: WechatNotice, hooks: { beforeSend?: () => Promise<void> } = {}): Promise<WechatResult> {
    const user = Types.ObjectId.isValid(n.userId) ? await this.channelAccountOf(n.userId) : null;
    if (!user?.wechatOpenId) return { kind: 'no_optin', reason: 'no_wechat' };
    const credit = await this.ledger.claim(n.userId, n.templateId, n.key);
    if (!credit) return { kind: 'no_optin', reason: 'no_credit' };
    await hooks.beforeSend?.();
    const outcome = await this.wechat.send({ touser: user.wechatOpenId, templateId: n.templateId, ...(n.page ? { page: n.page } : {}), data: n.data });
    if (outcome.kind === 'refused') await this.ledger.voidRemaining(n.userId, n.templateId, n.key);
    // Not delivered and not consumed on WeChat's side: the opt-in is still the user's.
    else if (outcome.kind === 'invalid' || outcome.kind === 'retry' || outcome.kind === 'rate') await this.ledger.release(n.key);
    // sent: used; uncertain: WeChat may have used it, so it stays used.
    return outcome;
  }

  // --- The message centre (read by the reminders routes) ---

  async inbox(userId: string, page: number, pageSize: number) {
    const [items, total, unread] = await Promise.all([
      this.Messages.find({ userId }).sort({ createdAt: -1 }).skip((page - 1) * pageSize).limit(pageSize).lean<any[]>(),
      this.Messages.countDocuments({ userId }),
      this.Messages.countDocuments({ userId, readAt: { $exists: false } }),
    ]);
    return {
      items: items.map((m) => ({ id: m._id, kind: m.kind, title: m.title, body: m.body, vehicleId: m.vehicleId ?? null, orderNo: m.orderNo ?? null, createdAt: new Date(m.createdAt).toISOString(), read: Boolean(m.readAt) })),
      total,
      unread,
      page,
      pageSize,
    };
  }

  async markRead(userId: string, messageId: string) {
    const res = await this.Messages.updateOne({ _id: messageId, userId }, { $set: { readAt: new Date() } });
    if (res.matchedCount === 0) throw notFound('消息');
  }
}
