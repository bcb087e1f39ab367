import { Types, type Connection } from 'mongoose';
import { addDays, shanghaiDate, type CampaignProgress, type CampaignSegment } from '@carmall/shared-types';
import { AppError, notFound } from '../../infra/errors';
import type { Locks } from '../../infra/lock';
import type { Logger } from '../../infra/logger';
import type { VehicleService } from '../vehicles/service';
import type { SubscriptionLedger } from './ledger';
import { campaignModel, deliveryModel, deliveryResultModel } from './model';
import type { NotificationSender } from '../notifications/sender';

/** What one reminder job carries: enough to send without reading the vehicle again. */
export interface DeliveryJob {
  key: string;
  kind: 'service_due' | 'campaign';
  userId: string;
  vehicleId?: string;
  campaignId?: string;
  title: string;
  body: string;
  /** The maintenance template's keywords: thing1 car, date2 date, thing3 note (≤ 20 characters each). */
  wx: { thing1: string; date2: string; thing3: string };
  /** Staff retry of a delivery whose outcome was uncertain: send even so. */
  force?: boolean;
}

/** Where reminder jobs go (BullMQ in the app; see jobs/reminder-jobs.ts). */
export interface ReminderJobs {
  enqueueDeliveries(jobs: DeliveryJob[]): Promise<void>;
  enqueueCampaignBuild(campaignId: string): Promise<void>;
  /** How long sending stays paused for WeChat's quota (0 when it is not). */
  pausedForMs(): Promise<number>;
}

/** Retry later (BullMQ backoff); `pauseMs` asks the worker to pause the whole queue that long (WeChat's quota). */
export class RetryableDeliveryError extends Error {
  constructor(message: string, public readonly pauseMs: number | null = null) {
    super(message);
  }
}
/** Do not retry: straight to the dead-letter list. */
export class PermanentDeliveryError extends Error {}

export type Segment = CampaignSegment;

const UNCERTAIN = 'UNCERTAIN: 上次发送中断，微信可能已送达；如确需重发请人工重试';
// A tapped subscribe message opens the message centre (its entry points to the car and 预约保养).
const PAGE = 'packages/garage/pages/messages';
const clip = (s: string, n = 20) => ([...s].length <= n ? s : [...s].slice(0, n - 1).join('') + '…');
const isDuplicate = (err: unknown) => (err as { code?: number }).code === 11000;

export class ReminderService {
  constructor(
    private readonly conn: Connection,
    private readonly vehicles: VehicleService,
    private readonly ledger: SubscriptionLedger,
    /** In-app message + WeChat subscribe message with the opt-in ledger (shared with delivery tracking). */
    private readonly notifier: NotificationSender,
    private readonly locks: Locks,
    private readonly logger: Logger,
    /** extraTemplates: other modules' one-time templates the buyer can opt in to here (e.g. delivery progress, bookings); `topic` says what for. */
    private readonly opts: {
      templateId: string;
      leadDays: number;
      extraTemplates?: Array<{ templateId: string; name: string; topic?: string }>;
      deliveryLockMs?: number;
      /** Of these cars, those already booked in for a service: no "please book" reminder for them (service-bookings module). */
      bookedIn?: (vehicleIds: string[], now: Date) => Promise<Set<string>>;
    },
    public jobs: ReminderJobs | null = null,
  ) {}

  get Deliveries() {
    return deliveryModel(this.conn);
  }
  get Results() {
    return deliveryResultModel(this.conn);
  }
  get Campaigns() {
    return campaignModel(this.conn);
  }
  get templateId() {
    return this.opts.templateId;
  }

  /**
   * Deliver one reminder: an in-app message always, and a WeChat subscribe message when the owner
   * has a WeChat account and a one-time opt-in left. Never twice: under the delivery's lock, the
   * result document (unique by key) says it is done; the in-app message and the opt-in claim are
   * idempotent by key, so a crash before WeChat is called is simply redone. The record is marked
   * `sending` right before the WeChat call, so a worker killed during that call leaves a record
   * that stops a blind resend (WeChat has no way to ask whether it delivered).
   */
  async deliver(job: DeliveryJob, attempt: { final: boolean }): Promise<'sent' | 'no_optin' | 'skipped'> {
    return this.locks.withLock(
      `delivery:${job.key}`,
      async () => {
        const D = this.Deliveries;
        // Done already (result document, or a record from before results were split out): never again.
        if (await this.Results.findById(job.key).lean()) return 'skipped';
        const rec = await D.findById(job.key).lean<{ status: string }>();
        if (rec && (rec.status === 'sent' || rec.status === 'no_optin')) return 'skipped';
        if (rec?.status === 'sending' && !job.force) {
          await D.updateOne({ _id: job.key }, { $set: { status: 'failed', lastError: UNCERTAIN } });
          throw new PermanentDeliveryError(UNCERTAIN);
        }
        const markSending = async () => {
          if (!rec) await D.create({ _id: job.key, kind: job.kind, campaignId: job.campaignId, userId: job.userId, vehicleId: job.vehicleId, status: 'sending', attempts: 1 });
          else await D.updateOne({ _id: job.key }, { $set: { status: 'sending' }, $inc: { attempts: 1 } });
        };
        const finish = (status: string, set: Record<string, unknown> = {}) => D.updateOne({ _id: job.key }, { $set: { status, ...set } });
        // The common outcomes are one insert (see deliveryResultSchema); only this call, under the delivery's lock, writes it.
        const succeed = (status: 'sent' | 'no_optin', set: Record<string, unknown>) =>
          this.Results.create({ _id: job.key, status, campaignId: job.campaignId, userId: job.userId, at: new Date(), ...set }).catch((err) => {
            if (!isDuplicate(err)) throw err;
          });

        await this.notifier.postInApp({ key: job.key, userId: job.userId, kind: job.kind, title: job.title, body: job.body, vehicleId: job.vehicleId, campaignId: job.campaignId });
        const outcome = await this.notifier.sendWechat({ key: job.key, userId: job.userId, templateId: this.opts.templateId, page: PAGE, data: job.wx }, { beforeSend: markSending });
        switch (outcome.kind) {
          case 'no_optin':
            await succeed('no_optin', { channel: 'in_app' });
            return 'no_optin';
          case 'sent':
            await succeed('sent', { channel: 'wechat', msgid: outcome.msgid });
            return 'sent';
          case 'refused':
            await succeed('no_optin', { channel: 'in_app', lastError: outcome.message });
            return 'no_optin';
          case 'invalid':
            await finish('failed', { lastError: outcome.message });
            throw new PermanentDeliveryError(outcome.message);
          case 'uncertain':
            await finish('failed', { lastError: `${UNCERTAIN} (${outcome.message})` });
            throw new PermanentDeliveryError(outcome.message);
          default:
            await finish(attempt.final ? 'failed' : 'retrying', { lastError: outcome.message });
            throw new RetryableDeliveryError(outcome.message, outcome.kind === 'rate' ? outcome.retryAfterMs : null);
        }
      },
      { ttlMs: this.opts.deliveryLockMs ?? 60_000, waitMs: 10_000 },
    );
  }

  /**
   * The outcome of a delivery that exhausted its attempts. A job can fail before its record exists
   * (the database or the lock was unavailable): a failed record is written then, so the campaign's
   * counts still add up and staff see it.
   */
  async markFailed(job: Pick<DeliveryJob, 'key' | 'kind' | 'userId' | 'vehicleId' | 'campaignId'>, reason: string, attempts: number) {
    if (await this.Results.findById(job.key).lean()) return; // it did succeed (the job failed after its outcome was written)
    const res = await this.Deliveries.updateOne({ _id: job.key, status: { $in: ['sending', 'retrying'] } }, { $set: { status: 'failed', lastError: reason } });
    if (res.matchedCount > 0) return;
    await this.Deliveries.create({ _id: job.key, kind: job.kind, campaignId: job.campaignId, userId: job.userId, vehicleId: job.vehicleId, status: 'failed', attempts, lastError: reason }).catch((err) => {
      if (!isDuplicate(err)) throw err; // a record exists already (failed, or settled): leave it
    });
  }

  /**
   * The scheduler: cars whose service falls due within the lead time get one reminder per service
   * interval (key reminder-{vehicleId}-after-{last service}, also the job id; see reminderKey).
   * Running it twice enqueues nothing new, and what was already delivered is skipped by its
   * delivery record, even when later usage reports have moved the due date.
   */
  async scanDue(now = new Date()) {
    const synced = await this.vehicles.syncDeliveredOrders();
    const limit = addDays(shanghaiDate(now), this.opts.leadDays);
    const cursor = this.vehicles.dueBy(limit);
    let batch: Parameters<typeof serviceDueJob>[0][] = [];
    let candidates = 0;
    let alreadyBooked = 0;
    // A car already booked in for its service gets no "please book" reminder (checked per 1,000 cars).
    const flush = async () => {
      const booked = this.opts.bookedIn ? await this.opts.bookedIn(batch.map((v) => String(v._id)), now) : new Set<string>();
      const jobs = batch.filter((v) => !booked.has(String(v._id))).map(serviceDueJob);
      alreadyBooked += batch.length - jobs.length;
      if (jobs.length) await this.jobs!.enqueueDeliveries(jobs);
      batch = [];
    };
    for await (const v of cursor as AsyncIterable<Parameters<typeof serviceDueJob>[0]>) {
      candidates += 1;
      batch.push(v);
      if (batch.length >= 1000) await flush();
    }
    if (batch.length) await flush();
    const resumed = await this.resumeStuckCampaigns(now);
    this.logger.info({ synced, candidates, alreadyBooked, limit, resumed }, 'reminder scan');
    return { synced, candidates, alreadyBooked, dueBy: limit, resumedCampaigns: resumed };
  }

  /** Campaigns saved but still not built after a while (their build was never queued, or failed): queue the build again. */
  async resumeStuckCampaigns(now = new Date(), olderThanMs = 5 * 60_000) {
    const stuck = await this.Campaigns.find({ status: 'building', createdAt: { $lt: new Date(now.getTime() - olderThanMs) } }, { _id: 1 }).lean<{ _id: Types.ObjectId }[]>();
    for (const c of stuck) await this.jobs!.enqueueCampaignBuild(String(c._id));
    return stuck.length;
  }

  // --- Campaigns -------------------------------------------------------------------------------

  private render(message: { title: string; body: string }, v: { modelName: string; summary?: { serviceDueDate?: string } }, now = new Date()) {
    return {
      inApp: { title: message.title, body: message.body },
      wechat: { templateId: this.opts.templateId, page: PAGE, data: { thing1: clip(v.modelName), date2: v.summary?.serviceDueDate ?? shanghaiDate(now), thing3: clip(message.title) } },
    };
  }

  async preview(segment: Segment, message: { title: string; body: string }) {
    const { vehicles, owners, sample } = await this.vehicles.segmentPreview(segment);
    return {
      vehicles,
      owners,
      sample: sample.map((v: any) => ({
        vin: `${String(v.vin).slice(0, 3)}**********${String(v.vin).slice(-4)}`,
        modelName: v.modelName,
        serviceDueDate: v.summary?.serviceDueDate ?? null,
        batterySohPct: v.summary?.batterySohPct ?? null,
      })),
      ...(sample[0] ? this.render(message, sample[0] as any) : this.render(message, { modelName: '（示例车型）' })),
    };
  }

  async createCampaign(by: string, idempotencyKey: string, input: { name: string; segment: Segment; message: { title: string; body: string } }): Promise<CampaignProgress> {
    const existing = await this.Campaigns.findOne({ idempotencyKey }).lean<{ _id: Types.ObjectId; status: string }>();
    if (existing) {
      // A repeat after the first push was saved but its build was not queued (e.g. Redis was down): queue it now.
      if (existing.status === 'building') await this.jobs!.enqueueCampaignBuild(String(existing._id));
      return this.progress(String(existing._id));
    }
    const id = new Types.ObjectId();
    try {
      await this.Campaigns.create({ _id: id, ...input, createdBy: by, idempotencyKey, status: 'building' });
    } catch (err) {
      if (!isDuplicate(err)) throw err;
      return this.createCampaign(by, idempotencyKey, input);
    }
    await this.jobs!.enqueueCampaignBuild(String(id));
    return this.progress(String(id));
  }

  /** The campaign job: one delivery per owner in the segment (key campaign-{id}-{userId}); rerunnable. */
  async buildCampaign(campaignId: string) {
    const c = await this.Campaigns.findById(campaignId).lean<{ _id: Types.ObjectId; segment: Segment; message: { title: string; body: string } }>();
    if (!c) return;
    const seen = new Set<string>();
    let batch: DeliveryJob[] = [];
    const cursor = this.vehicles.segment(c.segment);
    for await (const v of cursor as AsyncIterable<{ _id: Types.ObjectId; ownerId: string; modelName: string; summary?: { serviceDueDate?: string } }>) {
      if (seen.has(v.ownerId)) continue;
      seen.add(v.ownerId);
      const r = this.render(c.message, v);
      batch.push({ key: `campaign-${campaignId}-${v.ownerId}`, kind: 'campaign', userId: v.ownerId, vehicleId: String(v._id), campaignId, title: r.inApp.title, body: r.inApp.body, wx: r.wechat.data });
      if (batch.length >= 1000) {
        await this.jobs!.enqueueDeliveries(batch);
        batch = [];
      }
    }
    if (batch.length) await this.jobs!.enqueueDeliveries(batch);
    await this.Campaigns.updateOne({ _id: c._id }, { $set: { status: 'queued', targeted: seen.size, builtAt: new Date() } });
  }

  async progress(campaignId: string): Promise<CampaignProgress> {
    const c = Types.ObjectId.isValid(campaignId) ? await this.Campaigns.findById(campaignId).lean<any>() : null;
    if (!c) throw notFound('推送活动');
    // Successes are result documents; failures (and records from before results were split out) are delivery records.
    const group = [{ $match: { campaignId } }, { $group: { _id: '$status', n: { $sum: 1 } } }];
    const [done, records] = await Promise.all([this.Results.aggregate<{ _id: string; n: number }>(group), this.Deliveries.aggregate<{ _id: string; n: number }>(group)]);
    const by: Record<string, number> = {};
    for (const r of [...done, ...records]) if (r._id !== 'sending' && r._id !== 'retrying') by[r._id] = (by[r._id] ?? 0) + r.n;
    const sent = by.sent ?? 0;
    const noOptIn = by.no_optin ?? 0;
    const failed = by.failed ?? 0;
    const targeted = c.targeted ?? null;
    const finished = c.status !== 'building' && targeted !== null && sent + noOptIn + failed >= targeted;
    // The limiter's own 1-second windows are not a pause worth telling staff about.
    const pausedMs = finished || !this.jobs ? 0 : await this.jobs.pausedForMs();
    return {
      id: String(c._id),
      name: c.name,
      segment: c.segment,
      message: c.message,
      status: c.status === 'building' ? 'building' : finished ? 'done' : 'sending',
      pausedUntil: pausedMs > 5_000 ? new Date(Date.now() + pausedMs).toISOString() : null,
      createdBy: c.createdBy,
      createdAt: new Date(c.createdAt).toISOString(),
      counts: { targeted, queued: targeted === null ? null : Math.max(0, targeted - sent - noOptIn - failed), sent, noOptIn, failed },
    };
  }

  async history(limit = 20) {
    const list = await this.Campaigns.find({}, { _id: 1 }).sort({ createdAt: -1 }).limit(limit).lean();
    return { items: await Promise.all(list.map((c) => this.progress(String(c._id)))) };
  }

  // --- Message centre --------------------------------------------------------------------------

  async inbox(userId: string, page: number, pageSize: number) {
    return this.notifier.inbox(userId, page, pageSize);
  }

  async markRead(userId: string, messageId: string) {
    return this.notifier.markRead(userId, messageId);
  }

  async subscriptions(userId: string) {
    const all = [{ templateId: this.opts.templateId, name: '车辆保养提醒', topic: 'maintenance' }, ...(this.opts.extraTemplates ?? [])];
    return { templates: await Promise.all(all.map(async (t) => ({ ...t, remaining: await this.ledger.remaining(userId, t.templateId) }))) };
  }

  async recordSubscription(userId: string, body: { templateIds: string[]; results: Record<string, 'accept' | 'reject' | 'ban' | 'filter'>; requestId?: string }) {
    const known = new Set([this.opts.templateId, ...(this.opts.extraTemplates ?? []).map((t) => t.templateId)]);
    const unknown = body.templateIds.filter((t) => !known.has(t));
    if (unknown.length) throw new AppError(400, 'VALIDATION_FAILED', '订阅消息模板不存在', { templateIds: unknown });
    const missing = body.templateIds.filter((t) => !Object.hasOwn(body.results, t));
    const extra = Object.keys(body.results).filter((t) => !body.templateIds.includes(t));
    if (missing.length || extra.length) throw new AppError(400, 'VALIDATION_FAILED', '订阅结果与模板不一致', { missing, extra });
    await this.ledger.record(userId, body.requestId ?? new Types.ObjectId().toHexString(), body.results);
    return { templates: await Promise.all(body.templateIds.map(async (templateId) => ({ templateId, remaining: await this.ledger.remaining(userId, templateId) }))) };
  }
}


/**
 * The due-service reminder's key: one per car and service interval. The interval is named by the
 * service it starts from (the last recorded service, or delivery), not by the predicted due date,
 * which moves with every usage report and would otherwise make a second reminder for the same
 * service. Recording a service starts a new interval, so the next one is reminded again.
 * (BullMQ job ids may not contain ':', so the instant is written as epoch milliseconds.)
 */
export function reminderKey(vehicleId: string, lastService: { at: Date | string } | null | undefined) {
  return `reminder-${vehicleId}-after-${lastService ? `service${new Date(lastService.at).getTime()}` : 'delivery'}`;
}

export function serviceDueJob(v: {
  _id: Types.ObjectId | string;
  ownerId: string;
  modelName: string;
  lastService?: { at: Date | string } | null;
  summary: { serviceDueDate: string; serviceStatus?: string };
}): DeliveryJob {
  const due = v.summary.serviceDueDate;
  const overdue = v.summary.serviceStatus === 'overdue';
  return {
    key: reminderKey(String(v._id), v.lastService),
    kind: 'service_due',
    userId: v.ownerId,
    vehicleId: String(v._id),
    title: overdue ? '保养已到期' : '保养提醒',
    body: overdue ? `您的${v.modelName}已到保养时间（${due}），请尽快预约服务中心。` : `您的${v.modelName} 预计 ${due} 前后需要保养，请提前预约服务中心。`,
    wx: { thing1: clip(v.modelName), date2: due, thing3: overdue ? '保养已到期，请尽快预约' : '保养即将到期，请提前预约' },
  };
}
