import type { Connection } from 'mongoose';
import { BOOKING_REMINDER_LEAD_MINUTES, bookingReminders, formatDateTimeCN, relativeDayTimeCN, slotLabelCN, type BookingReminderKind } from '@carmall/shared-types';
import type { Locks } from '../../infra/lock';
import type { Logger } from '../../infra/logger';
import type { NotificationSender } from '../notifications/sender';
import { bookingNoticeModel, type NoticeStatus } from './model';

/**
 * Booking notices: what a person is told about an appointment they booked — a test drive, a
 * service visit, and (issue #23) a car's handover, which only has to register its kind and call
 * `changed` like the others.
 *
 *  - On booking, reschedule and cancellation: an in-app message at once (「预约成功」 with the date
 *    and time in Shanghai time, the place, what to bring, where to change it), and a WeChat
 *    subscribe message (WECHAT_TEMPLATE_BOOKING, 预约结果通知) when the person has an opt-in left
 *    for it, sent by a BullMQ job.
 *  - Reminders (WECHAT_TEMPLATE_BOOKING_REMINDER, 预约提醒, its own opt-ins, plus in-app): delayed
 *    jobs at the times of shared-types `bookingReminders` (the day before at 18:00 and 2 hours
 *    before), those already past left out. When a reminder is due the booking is looked up again
 *    through its module: cancelled, completed or moved to another slot, it is skipped.
 *
 * Every notice has a key — `booking-{kind}-{slot booking id}-{what}` — that is its in-app message
 * id, its BullMQ job id and its delivery record, so a retried request, a re-added job or a
 * redelivered job never notifies twice. The slot booking id names one appointment at one time: a
 * reschedule makes a new slot booking (slots.reschedule), so its notices and reminders have new
 * keys and the old ones find their booking moved.
 */
export type BookingKind = 'test_drive' | 'service' | 'handover';
export type BookingEvent = 'booked' | 'rescheduled' | 'cancelled';

/** An appointment as its owning module describes it to this one. */
export interface BookingSnapshot {
  kind: BookingKind;
  /** The slot booking's id (new on every reschedule). */
  id: string;
  userId: string;
  status: 'booked' | 'cancelled' | 'completed';
  start: Date;
  end: Date;
  /** What is booked, short: 「试驾 远山 S5」, 「保养 远山 S5」. */
  subject: string;
  place: { name: string; address: string };
  /** What to bring: 「驾驶证原件」. */
  bring: string;
  /** Where in the app to change or cancel it: 「我的试驾」. */
  manage: string;
  /** The mini-program page a tapped WeChat message opens. */
  page: string;
  vehicleId?: string;
}

/** A BullMQ job of the booking-notices queue. */
export interface BookingNoticeJob {
  key: string;
  type: 'event' | 'reminder';
  bookingKind: BookingKind;
  bookingId: string;
  userId: string;
  /** The appointment's start when the job was made (ISO). */
  start: string;
  event?: BookingEvent;
  reminder?: BookingReminderKind;
  /** Event notices: the WeChat message, fixed when the event happened. */
  wx?: Record<string, string>;
  page?: string;
}

/** Where the jobs go (BullMQ in the app; see jobs/booking-notice-jobs.ts). */
export interface BookingNoticeJobs {
  /** Add jobs (a job whose id exists already is left as it is); `runAt` delays one. */
  enqueue(jobs: Array<{ data: BookingNoticeJob; runAt?: Date }>): Promise<void>;
  /** Drop jobs not run yet (best effort: a job that runs anyway finds its booking changed). Not `remove`: BullMQ's Queue has one. */
  drop(keys: string[]): Promise<void>;
}

export type BookingLookup = (bookingId: string) => Promise<BookingSnapshot | null>;

/** Retry later (BullMQ backoff); `pauseMs`: pause the queue that long (WeChat's daily quota). */
export class RetryableNoticeError extends Error {
  constructor(message: string, public readonly pauseMs: number | null = null) {
    super(message);
  }
}
/** Do not retry. */
export class PermanentNoticeError extends Error {}

const UNCERTAIN = 'UNCERTAIN: 上次发送中断，微信可能已送达，不再重发';
const DONE: NoticeStatus[] = ['sent', 'in_app', 'skipped'];
const STATUS_WORD: Record<BookingEvent, string> = { booked: '预约成功', rescheduled: '已改期', cancelled: '已取消' }; // phrase: ≤ 5 Chinese characters
/** WeChat's `thing` keyword takes at most 20 characters (47003 otherwise): clipped with an ellipsis, as the other senders do. */
export const clipThing = (s: string, n = 20) => ([...s].length <= n ? s : [...s].slice(0, n - 1).join('') + '…');
const isDuplicate = (err: unknown) => (err as { code?: number }).code === 11000;

export const bookingNoticeKey = (kind: BookingKind, bookingId: string, what: BookingEvent | `remind_${BookingReminderKind}`) => `booking-${kind}-${bookingId}-${what}`;

/** The words of a booking, rescheduling or cancellation: in-app title and body, and the 预约结果通知 data. */
export function eventText(b: BookingSnapshot, event: BookingEvent) {
  const when = slotLabelCN(b.start, b.end);
  const where = `${b.place.name}（${b.place.address}）`;
  const bring = `请携带${b.bring}，提前 10 分钟到达。`;
  const change = `如需改期或取消，请在「${b.manage}」中操作。`;
  const [title, body] = ((): [string, string] => {
    switch (event) {
      case 'booked':
        return ['预约成功', `您已预约${b.subject}：${when}，地点：${where}。${bring}${change}`];
      case 'rescheduled':
        return ['预约已改期', `您的${b.subject}已改到 ${when}，地点：${where}。${bring}${change}`];
      case 'cancelled':
        return ['预约已取消', `您 ${when} 的${b.subject}（${b.place.name}）已取消。如需再次预约，请在小程序中重新选择时段。`];
    }
  })();
  return {
    title,
    body,
    wx: {
      thing1: clipThing(b.subject),
      time2: formatDateTimeCN(b.start),
      thing3: clipThing(b.place.name),
      phrase4: STATUS_WORD[event],
      thing5: clipThing(event === 'cancelled' ? '如需再次预约，请重新选择时段' : `请携带${b.bring}，提前10分钟到达`),
    },
  };
}

/** The words of a reminder as it goes out (`now`: today/tomorrow are said relative to it). */
export function reminderText(b: BookingSnapshot, now: Date) {
  const when = relativeDayTimeCN(b.start, now);
  return {
    title: '预约提醒',
    body: `${when} 您预约了${b.subject}，地点：${b.place.name}（${b.place.address}）。请携带${b.bring}，提前 10 分钟到达。如需改期或取消，请在「${b.manage}」中操作。`,
    wx: { thing1: clipThing(b.subject), time2: formatDateTimeCN(b.start), thing3: clipThing(b.place.name), thing4: clipThing(`请携带${b.bring}，提前10分钟到达`) },
  };
}

export class BookingNoticeService {
  private readonly lookups = new Map<BookingKind, BookingLookup>();

  constructor(
    private readonly conn: Connection,
    /** In-app message + WeChat subscribe message with the opt-in ledger (shared with reminders and tracking). */
    private readonly sender: NotificationSender,
    private readonly locks: Locks,
    private readonly logger: Logger,
    private readonly opts: { bookingTemplateId: string; reminderTemplateId: string; lockMs?: number },
    public jobs: BookingNoticeJobs | null = null,
  ) {}

  get Records() {
    return bookingNoticeModel(this.conn);
  }

  /** A booking module tells how to find one of its appointments again (passed in from app.ts: no import cycle). */
  register(kind: BookingKind, lookup: BookingLookup) {
    this.lookups.set(kind, lookup);
  }

  /**
   * An appointment was booked, moved (`b` is the new one) or cancelled: the in-app message now,
   * the WeChat message and the reminders as jobs. Idempotent: call it again on every retry of
   * the request (it repairs a crash between the booking and its notices, and sends nothing twice).
   */
  async changed(b: BookingSnapshot, event: BookingEvent, now = new Date()): Promise<void> {
    const key = bookingNoticeKey(b.kind, b.id, event);
    const text = eventText(b, event);
    await this.sender.postInApp({ key, userId: b.userId, kind: `booking_${event}`, title: text.title, body: text.body, vehicleId: b.vehicleId });
    const base = { bookingKind: b.kind, bookingId: b.id, userId: b.userId, start: b.start.toISOString() };
    const jobs: Array<{ data: BookingNoticeJob; runAt?: Date }> = [{ data: { ...base, key, type: 'event', event, wx: text.wx, page: b.page } }];
    if (event !== 'cancelled' && b.status === 'booked') {
      for (const r of bookingReminders(b.start, now)) jobs.push({ data: { ...base, key: bookingNoticeKey(b.kind, b.id, `remind_${r.kind}`), type: 'reminder', reminder: r.kind }, runAt: r.at });
    }
    if (!this.jobs) return;
    await this.jobs.enqueue(jobs);
    if (event === 'cancelled') {
      // Their run would skip them anyway (the booking is looked up again); this just keeps Redis tidy.
      await this.jobs.drop((['eve', 'soon'] as const).map((k) => bookingNoticeKey(b.kind, b.id, `remind_${k}`))).catch((err: Error) => this.logger.warn({ err: err.message, booking: b.id }, 'reminder jobs of a cancelled booking not removed'));
    }
  }

  /** The appointment it was moved away from: its reminders are dropped (they would be skipped when due anyway). */
  async movedAway(kind: BookingKind, oldBookingId: string): Promise<void> {
    await this.jobs
      ?.drop((['eve', 'soon'] as const).map((k) => bookingNoticeKey(kind, oldBookingId, `remind_${k}`)))
      .catch((err: Error) => this.logger.warn({ err: err.message, booking: oldBookingId }, 'reminder jobs of a moved booking not removed'));
  }

  /**
   * Run one job: the WeChat message of an event, or a reminder (in-app + WeChat). Never twice: under
   * the notice's lock its record says whether it is done; `sending` (a worker killed during the
   * WeChat call) is not sent again. A reminder (and the confirmation of a booking since moved or
   * cancelled) whose booking is no longer booked at that time is skipped.
   */
  async deliver(job: BookingNoticeJob, attempt: { final: boolean }, now = new Date()): Promise<'sent' | 'in_app' | 'skipped'> {
    return this.locks.withLock(
      `booking-notice:${job.key}`,
      async () => {
        const R = this.Records;
        const rec = await R.findById(job.key).lean<{ status: NoticeStatus }>();
        if (rec && DONE.includes(rec.status)) return 'skipped';
        if (rec?.status === 'sending') {
          await R.updateOne({ _id: job.key }, { $set: { status: 'failed', lastError: UNCERTAIN } });
          throw new PermanentNoticeError(UNCERTAIN);
        }
        const record = { userId: job.userId, bookingKind: job.bookingKind, bookingId: job.bookingId, what: job.type === 'event' ? job.event! : `remind_${job.reminder}` };
        const settle = (status: NoticeStatus, set: Record<string, unknown> = {}) => R.updateOne({ _id: job.key }, { $set: { ...record, status, ...set } }, { upsert: true });

        const lookup = this.lookups.get(job.bookingKind);
        if (!lookup) throw new PermanentNoticeError(`no lookup registered for bookings of kind ${job.bookingKind}`);
        const current = await lookup(job.bookingId);
        const stillOn = !!current && current.status === 'booked' && current.start.getTime() === Date.parse(job.start);
        const skip = (reason: string) => settle('skipped', { reason }).then(() => 'skipped' as const);

        let templateId: string;
        let data: Record<string, string>;
        let page = job.page ?? current?.page;
        if (job.type === 'event') {
          // A confirmation of an appointment cancelled or moved in the meantime is not sent (its in-app message is there, and the newer notice follows).
          if (job.event !== 'cancelled' && !stillOn) return skip(current ? `booking is ${current.status}` : 'booking moved');
          templateId = this.opts.bookingTemplateId;
          data = job.wx!;
        } else {
          if (!stillOn) return skip(current ? `booking is ${current.status}` : 'booking moved');
          const start = current!.start.getTime();
          if (now.getTime() >= start) return skip('appointment started');
          // Late (a worker was down): the evening reminder is not sent once the 2-hour one is due.
          if (job.reminder === 'eve' && now.getTime() >= start - BOOKING_REMINDER_LEAD_MINUTES * 60_000) return skip('superseded by the 2-hour reminder');
          const text = reminderText(current!, now);
          await this.sender.postInApp({ key: job.key, userId: job.userId, kind: 'booking_reminder', title: text.title, body: text.body, vehicleId: current!.vehicleId });
          templateId = this.opts.reminderTemplateId;
          data = text.wx;
          page = current!.page;
        }
        const markSending = async () => {
          await R.updateOne({ _id: job.key }, { $set: { ...record, status: 'sending' }, $inc: { attempts: 1 } }, { upsert: true });
        };
        const outcome = await this.sender.sendWechat({ key: job.key, userId: job.userId, templateId, ...(page ? { page } : {}), data }, { beforeSend: markSending });
        switch (outcome.kind) {
          case 'sent':
            await settle('sent', { channel: 'wechat', msgid: outcome.msgid });
            return 'sent';
          case 'no_optin':
            await settle('in_app', { channel: 'in_app', reason: outcome.reason });
            return 'in_app';
          case 'refused':
            await settle('in_app', { channel: 'in_app', lastError: outcome.message });
            return 'in_app';
          case 'invalid':
            await settle('failed', { lastError: outcome.message });
            throw new PermanentNoticeError(outcome.message);
          case 'uncertain':
            await settle('failed', { lastError: `${UNCERTAIN} (${outcome.message})` });
            throw new PermanentNoticeError(outcome.message);
          default:
            await settle(attempt.final ? 'failed' : 'retrying', { lastError: outcome.message });
            throw new RetryableNoticeError(outcome.message, outcome.kind === 'rate' ? outcome.retryAfterMs : null);
        }
      },
      { ttlMs: this.opts.lockMs ?? 60_000, waitMs: 10_000 },
    );
  }

  /** A job that ran out of attempts (or failed before it had a record): its record says failed, unless it did finish. */
  async markFailed(job: BookingNoticeJob, reason: string) {
    const res = await this.Records.updateOne({ _id: job.key, status: { $nin: DONE } }, { $set: { status: 'failed', lastError: reason } });
    if (res.matchedCount > 0) return;
    await this.Records.create({
      _id: job.key,
      userId: job.userId,
      bookingKind: job.bookingKind,
      bookingId: job.bookingId,
      what: job.type === 'event' ? job.event : `remind_${job.reminder}`,
      status: 'failed',
      lastError: reason,
    }).catch((err) => {
      if (!isDuplicate(err)) throw err; // it has a record already (done, or failed): leave it
    });
  }
}
