import type { Connection } from 'mongoose';
import { formatDateTimeCN, formatEtaCN, PLACES, placeName, type Alert, type DeliveryCentre } from '@carmall/shared-types';
import type { Locks } from '../../infra/lock';
import type { Logger } from '../../infra/logger';
import type { NotificationSender } from '../notifications/sender';
import { trackingNoticeModel } from './model';

/**
 * Delivery alerts to people: the buyer gets the in-app message and, with a WeChat account and a
 * one-time opt-in for the delivery template, a WeChat subscribe message; the advisor gets the
 * in-app message. Alerts are decided under the shipment's lock (shared-types decideAlerts) and
 * recorded here once each (unique id) before the shipment is written; delivery follows, and a
 * notice WeChat could not take yet stays pending until the shipment's next event.
 */
export interface NoticeDoc {
  _id: string;
  orderNo: string;
  userId: string;
  role: 'buyer' | 'advisor';
  kind: string;
  title: string;
  body: string;
  wx?: Record<string, string>;
  status: 'pending' | 'sending' | 'sent' | 'in_app' | 'failed';
  attempts: number;
}

const MAX_ATTEMPTS = 5;
const clip = (s: string, n = 20) => ([...s].length <= n ? s : [...s].slice(0, n - 1).join('') + '…');
const isDuplicate = (err: unknown) => (err as { code?: number }).code === 11000;

/** The words of an alert, for the buyer and for the advisor. */
export function noticeText(a: Alert, orderNo: string, centre: DeliveryCentre) {
  const centreName = PLACES[centre].name;
  const place = a.place ? placeName(a.place) : '中转库';
  const eta = a.eta ? formatEtaCN(a.eta) : null;
  const etaLine = eta ? `${eta.text}。` : '';
  const slipH = a.slipMin ? Math.max(1, Math.round(a.slipMin / 60)) : 0;
  const [title, status, what] = ((): [string, string, string] => {
    switch (a.kind) {
      case 'departed':
        return ['车辆已发车', '已从宁波工厂发车', `已从宁波工厂发车，发往${centreName}。${etaLine}`];
      case 'hub_arrived':
        return ['车辆到达中转库', `到达${place}`, `已到达${place}，交接换车后继续发往${centreName}。${etaLine}`];
      case 'arriving_today':
        return ['车辆今日送达', '预计今日送达', `预计今天 ${eta!.time} 送达${centreName}（${eta!.window}）。`];
      case 'arrived':
        return ['车辆已到达交付中心', `已到达${centreName}`, `已到达${centreName}，交付专员将联系您预约提车。`];
      case 'delay':
        return ['运输延误提醒', `运输延误约${slipH}小时`, `预计送达时间推迟约 ${slipH} 小时，现${etaLine}`];
    }
  })();
  return {
    buyer: { title, body: `您的爱车（订单 ${orderNo}）${what}` },
    advisor: { title: `客户订单：${title}`, body: `客户订单 ${orderNo} 的车辆${what}` },
    wx: {
      character_string1: orderNo,
      thing2: clip(status),
      time3: formatDateTimeCN(a.eta ? a.eta.etaAt : a.at),
      thing4: clip(a.kind === 'arrived' ? '交付专员将联系您预约提车' : '点击查看车辆实时位置'),
    },
  };
}

export class TrackingNotifier {
  constructor(
    private readonly conn: Connection,
    private readonly sender: NotificationSender,
    private readonly locks: Locks,
    private readonly logger: Logger,
    private readonly opts: { templateId: string },
  ) {}

  get Notices() {
    return trackingNoticeModel(this.conn);
  }

  /** The notices of some alerts, one per recipient, recorded once each. */
  async record(orderNo: string, centre: DeliveryCentre, alerts: Alert[], to: { buyerId: string; advisorUserId?: string }) {
    for (const a of alerts) {
      const text = noticeText(a, orderNo, centre);
      const docs = [
        { _id: `track-${orderNo}-${a.id}-buyer`, userId: to.buyerId, role: 'buyer', ...text.buyer, wx: text.wx },
        ...(to.advisorUserId ? [{ _id: `track-${orderNo}-${a.id}-advisor`, userId: to.advisorUserId, role: 'advisor', ...text.advisor }] : []),
      ];
      for (const d of docs) {
        await this.Notices.create({ ...d, orderNo, kind: `delivery_${a.kind}`, status: 'pending', attempts: 0 }).catch((err) => {
          if (!isDuplicate(err)) throw err;
        });
      }
    }
  }

  /** Deliver an order's pending notices (each under its own lock: concurrent events never send one twice). */
  async deliverPending(orderNo: string) {
    const pending = await this.Notices.find({ orderNo, status: 'pending' }, { _id: 1 }).sort({ createdAt: 1 }).lean<{ _id: string }[]>();
    for (const { _id } of pending) {
      await this.locks
        .withLock(`notice:${_id}`, () => this.deliverOne(_id), { ttlMs: 60_000, waitMs: 10_000 })
        .catch((err: Error) => this.logger.warn({ err: err.message, notice: _id }, 'delivery notice not delivered; retried on the next event'));
    }
  }

  private async deliverOne(id: string) {
    const n = await this.Notices.findById(id).lean<NoticeDoc>();
    if (!n || n.status !== 'pending') return;
    const finish = (status: NoticeDoc['status'], set: Record<string, unknown> = {}) => this.Notices.updateOne({ _id: id }, { $set: { status, ...set } });
    // Marked before WeChat is called: a crash in the middle leaves `sending`, which is never resent blindly.
    await this.Notices.updateOne({ _id: id }, { $set: { status: 'sending' }, $inc: { attempts: 1 } });
    await this.sender.postInApp({ key: id, userId: n.userId, kind: n.kind, title: n.title, body: n.body, orderNo: n.orderNo });
    if (n.role !== 'buyer' || !n.wx) return finish('in_app', { channel: 'in_app' });
    const outcome = await this.sender.sendWechat({ key: id, userId: n.userId, templateId: this.opts.templateId, page: `pages/tracking/index?orderNo=${n.orderNo}`, data: n.wx });
    switch (outcome.kind) {
      case 'sent':
        return finish('sent', { channel: 'wechat' });
      case 'no_optin':
      case 'refused':
        return finish('in_app', { channel: 'in_app', ...(outcome.kind === 'refused' ? { lastError: outcome.message } : {}) });
      case 'invalid':
      case 'uncertain':
        return finish('failed', { channel: 'in_app', lastError: outcome.message });
      default:
        // WeChat busy or rate-limited: the in-app message is there; WeChat is tried again on the next event.
        return finish(n.attempts + 1 >= MAX_ATTEMPTS ? 'failed' : 'pending', { lastError: outcome.message });
    }
  }
}
