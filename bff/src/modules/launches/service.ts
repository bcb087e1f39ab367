import type { Connection } from 'mongoose';
import {
  earlyPollAfterMs,
  launchPhase,
  type LaunchView,
  type OrderPlacement,
  type QueueStatus,
} from '@carmall/shared-types';
import { AppError, notFound } from '../../infra/errors';
import { isDuplicateKey } from '../../infra/mongo';
import type { Logger } from '../../infra/logger';
import type { AuthedUser } from '../auth/session';
import type { AuditLog } from '../audit/service';
import type { ConfigurationService } from '../configurations/service';
import type { InventoryService } from '../inventory/service';
import { stockKey } from '../inventory/keys';
import { launchKeys } from '../inventory/gate';
import type { OrderDoc, OrderService } from '../orders/service';
import type { DeliveryCentre } from '@carmall/shared-types';
import { launchModel } from './model';
import { WaitingRoom, type RoomSettings } from './waiting-room';

export interface LaunchDoc {
  code: string;
  title: string;
  modelCode: string;
  startsAt: Date;
  endsAt?: Date | null;
  admitPerSecond: number;
  admitBurst: number;
  admissionSeconds: number;
  /** 0 or absent: no early joining. */
  preQueueSeconds?: number;
  variants: { trimCode: string; paintCode: string; stockKey: string; stock: number }[];
  createdBy: string;
  closedAt?: Date | null;
}

export interface ScheduleLaunch {
  code: string;
  title: string;
  modelCode: string;
  startsAt: Date;
  endsAt?: Date;
  admitPerSecond: number;
  admitBurst?: number;
  admissionSeconds: number;
  preQueueSeconds?: number;
  variants: { trimCode: string; paintCode: string; stock: number }[];
}

/** How often a waiting buyer should ask again: about when their turn may come, 1-5 s, jittered. */
function pollAfterMs(ahead: number, admitPerSecond: number): number {
  const eta = (ahead / Math.max(1, admitPerSecond)) * 1000;
  const base = Math.min(5000, Math.max(1000, eta / 2));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

/** From when buyers may join early (the open itself when the launch has no early joining). */
function preQueueFrom(l: LaunchDoc): Date {
  return new Date(new Date(l.startsAt).getTime() - (l.preQueueSeconds ?? 0) * 1000);
}

/**
 * Launches: scheduling (operators), the public view with its countdown, the waiting room, and the
 * launch order, which goes through the same order path as any order with the buyer's admission.
 * Launch documents are read through a 2-second in-process memo: a launch is read on every poll
 * by thousands of buyers and changes only when an operator edits it.
 */
export class LaunchService {
  private readonly memo = new Map<string, { at: number; doc: Promise<LaunchDoc | null> }>();
  readonly room: WaitingRoom;

  constructor(
    private readonly conn: Connection,
    private readonly inventory: InventoryService,
    private readonly orders: OrderService,
    private readonly configurations: ConfigurationService,
    private readonly audit: AuditLog,
    private readonly logger: Logger,
    opts: { secret: string; buyersPerIp: number },
  ) {
    this.room = new WaitingRoom(inventory.gate.redis, opts.secret, { buyersPerIp: opts.buyersPerIp });
  }

  private get Launches() {
    return launchModel(this.conn);
  }

  private async find(code: string): Promise<LaunchDoc> {
    let hit = this.memo.get(code);
    if (!hit || Date.now() - hit.at >= 2000) {
      // One read per process however many buyers ask at once (at the open, thousands do).
      hit = { at: Date.now(), doc: this.Launches.findOne({ code }).lean<LaunchDoc>().exec() };
      this.memo.set(code, hit);
      hit.doc.catch(() => this.memo.get(code) === hit && this.memo.delete(code));
      if (this.memo.size > 1000) this.memo.delete(this.memo.keys().next().value!);
    }
    const doc = await hit.doc;
    if (!doc) throw notFound('首发活动', { code });
    return doc;
  }

  private settings(l: LaunchDoc): RoomSettings {
    return { code: l.code, startsAt: new Date(l.startsAt), preQueueFrom: preQueueFrom(l), admitPerSecond: l.admitPerSecond, burst: l.admitBurst, admissionSeconds: l.admissionSeconds, stockKeys: l.variants.map((v) => v.stockKey) };
  }

  /** Operators: schedule a launch. Its stock is set aside at once (only its admitted buyers may order it). */
  async schedule(actor: AuthedUser, input: ScheduleLaunch): Promise<LaunchView> {
    if (input.endsAt && input.endsAt <= input.startsAt) throw new AppError(400, 'VALIDATION_FAILED', '结束时间须晚于开始时间', { field: 'endsAt' });
    const seen = new Set<string>();
    const variants = [];
    for (const v of input.variants) {
      const key = stockKey(input.modelCode, v.trimCode, v.paintCode);
      if (seen.has(key)) throw new AppError(400, 'VALIDATION_FAILED', '同一版本与颜色只能出现一次', { trimCode: v.trimCode, paintCode: v.paintCode });
      seen.add(key);
      // The configurator decides whether the trim and paint exist and go together (422 otherwise).
      await this.configurations.price({ modelCode: input.modelCode, trimCode: v.trimCode, selections: [v.paintCode] });
      if ((await this.inventory.total(key)) === null) throw new AppError(404, 'NOT_FOUND', '该配置没有库存记录', { key });
      variants.push({ ...v, stockKey: key });
    }
    const taken = await this.Launches.find({ 'variants.stockKey': { $in: [...seen] }, closedAt: null }, 'code').lean<{ code: string }[]>();
    if (taken.length > 0) throw new AppError(409, 'CONFLICT', `这些车辆已在首发活动 ${taken[0].code} 中`, { launchCode: taken[0].code });
    const doc = {
      ...input,
      endsAt: input.endsAt ?? null,
      admitBurst: input.admitBurst ?? Math.max(1, Math.ceil(input.admitPerSecond)),
      variants,
      createdBy: actor.id,
    };
    try {
      await this.Launches.create(doc);
    } catch (err) {
      if (isDuplicateKey(err)) throw new AppError(409, 'CONFLICT', '活动编号已存在', { code: input.code });
      throw err;
    }
    for (const v of variants) await this.inventory.setStock(v.stockKey, { total: v.stock, launchCode: input.code });
    await this.audit.record(actor, null, { action: 'launch.schedule', targetType: 'launch', targetId: input.code, after: doc });
    this.memo.delete(input.code);
    return this.view(input.code);
  }

  /** Operators: end a launch now; its unsold cars go back to normal sale. */
  async end(actor: AuthedUser, code: string): Promise<LaunchView> {
    const l = await this.Launches.findOne({ code }).lean<LaunchDoc>();
    if (!l) throw notFound('首发活动', { code });
    await this.close(l, new Date());
    await this.audit.record(actor, null, { action: 'launch.end', targetType: 'launch', targetId: code });
    return this.view(code);
  }

  private async close(l: LaunchDoc, at: Date) {
    for (const v of l.variants) await this.inventory.setStock(v.stockKey, { launchCode: '' });
    await this.Launches.updateOne({ code: l.code }, { $set: { closedAt: at, ...(l.endsAt && new Date(l.endsAt) <= at ? {} : { endsAt: at }) } });
    this.memo.delete(l.code);
  }

  /** Worker: launches past their end give their unsold cars back to normal sale. */
  async closeEnded(now = new Date()): Promise<number> {
    const ended = await this.Launches.find({ closedAt: null, endsAt: { $ne: null, $lte: now } }).lean<LaunchDoc[]>();
    for (const l of ended) await this.close(l, now);
    return ended.length;
  }

  async view(code: string, now = new Date()): Promise<LaunchView> {
    return this.present(await this.find(code), now);
  }

  /** Upcoming and open launches, soonest first. */
  async list(now = new Date()): Promise<LaunchView[]> {
    const docs = await this.Launches.find({ closedAt: null }).sort({ startsAt: 1 }).limit(20).lean<LaunchDoc[]>();
    const views = await Promise.all(docs.map((d) => this.present(d, now)));
    return views.filter((v) => v.phase !== 'ended');
  }

  async adminList(): Promise<(LaunchView & { stats: { joined: number; admitted: number; ordered: number } })[]> {
    const docs = await this.Launches.find({}).sort({ startsAt: -1 }).limit(100).lean<LaunchDoc[]>();
    return Promise.all(docs.map(async (d) => ({ ...(await this.present(d, new Date())), stats: await this.room.stats(d.code) })));
  }

  private async present(l: LaunchDoc, now: Date): Promise<LaunchView> {
    const { model } = await this.configurations.catalogModel(l.modelCode);
    const free = await this.inventory.availableMany(l.variants.map((v) => v.stockKey));
    const available = free.reduce((a, b) => a + b, 0);
    const variants = await Promise.all(
      l.variants.map(async (v, i) => {
        const priced = await this.configurations.price({ modelCode: l.modelCode, trimCode: v.trimCode, selections: [v.paintCode] });
        return {
          trimCode: v.trimCode,
          trimName: priced.trimName,
          paintCode: v.paintCode,
          paintName: model.options.find((o) => o.code === v.paintCode)?.name ?? v.paintCode,
          priceFen: priced.config.totalFen,
          stock: v.stock,
          available: free[i],
        };
      }),
    );
    return {
      code: l.code,
      title: l.title,
      modelCode: l.modelCode,
      modelName: model.name,
      startsAt: new Date(l.startsAt).toISOString(),
      endsAt: l.endsAt ? new Date(l.endsAt).toISOString() : null,
      serverTime: now.toISOString(),
      phase: l.closedAt ? 'ended' : launchPhase(l, now, available === 0),
      admitPerSecond: l.admitPerSecond,
      admissionSeconds: l.admissionSeconds,
      preQueueAt: l.preQueueSeconds ? preQueueFrom(l).toISOString() : null,
      variants,
      available,
    };
  }

  private async openLaunch(code: string, now: number): Promise<LaunchDoc> {
    const l = await this.find(code);
    if (l.closedAt || (l.endsAt && new Date(l.endsAt).getTime() <= now)) throw new AppError(409, 'LAUNCH_ENDED', '本次首发抢购已结束');
    return l;
  }

  /** Join the queue (a repeat returns the same ticket), or ask where one stands. */
  async enter(user: AuthedUser, code: string, mode: 'join' | 'poll', who: { deviceId: string; ip: string }): Promise<QueueStatus> {
    const now = Date.now();
    const l = await this.openLaunch(code, now);
    const r = await this.room.enter(this.settings(l), user.id, mode, who);
    switch (r.kind) {
      case 'early':
        return { status: 'early', opensAt: new Date(l.startsAt).toISOString(), joined: r.joined, pollAfterMs: earlyPollAfterMs(new Date(l.startsAt).getTime() - now, r.joined, Math.random()) };
      case 'waiting':
        return { status: 'waiting', ticket: r.ticket, ahead: r.ahead, pollAfterMs: pollAfterMs(r.ahead, l.admitPerSecond), available: r.available };
      case 'admitted':
        return { status: 'admitted', ticket: r.ticket, admissionToken: this.room.sign(code, user.id, r.ticket, r.expiresAt), admittedUntil: new Date(r.expiresAt).toISOString(), available: r.available };
      case 'ordered':
        return { status: 'ordered', ticket: r.ticket, orderNo: r.orderNo };
      case 'sold_out':
        return { status: 'sold_out', ticket: r.ticket };
      case 'expired':
        return { status: 'expired', ticket: r.ticket };
      case 'not_open':
        throw new AppError(409, 'LAUNCH_NOT_OPEN', l.preQueueSeconds ? '排队尚未开始' : '抢购尚未开始', {
          startsAt: new Date(l.startsAt).toISOString(),
          ...(l.preQueueSeconds ? { preQueueAt: preQueueFrom(l).toISOString() } : {}),
        });
      case 'not_in_queue':
        throw new AppError(404, 'NOT_IN_QUEUE', '您还没有排队');
      case 'device_limit':
        throw new AppError(409, 'DEVICE_LIMIT', '此设备已有其他账号参与本次抢购');
      case 'ip_limit':
        throw new AppError(429, 'RATE_LIMITED', '当前网络参与人数过多，请稍后再试', { retryAfterSeconds: 30 });
    }
  }

  /** An admitted buyer's order: their admission token buys one car of the launch. */
  async order(
    user: AuthedUser,
    code: string,
    idempotencyKey: string,
    body: { admissionToken: string; trimCode: string; paintCode: string; deliveryCentreCode?: DeliveryCentre },
  ): Promise<OrderPlacement<OrderDoc>> {
    const now = Date.now();
    const l = await this.find(code);
    if (now < new Date(l.startsAt).getTime()) throw new AppError(409, 'LAUNCH_NOT_OPEN', '抢购尚未开始', { startsAt: new Date(l.startsAt).toISOString() });
    await this.openLaunch(code, now);
    const admission = this.room.verify(code, user.id, body.admissionToken);
    if (!admission) throw new AppError(403, 'ADMISSION_INVALID', '购买资格无效，请重新排队');
    if (!l.variants.some((v) => v.trimCode === body.trimCode && v.paintCode === body.paintCode)) {
      throw new AppError(400, 'VALIDATION_FAILED', '该配置不在本次首发抢购中', { trimCode: body.trimCode, paintCode: body.paintCode });
    }
    return this.orders.place(
      user.id,
      idempotencyKey,
      { modelCode: l.modelCode, trimCode: body.trimCode, selections: [body.paintCode], ...(body.deliveryCentreCode ? { deliveryCentreCode: body.deliveryCentreCode } : {}) },
      { ...launchKeys(code), ticket: admission.ticket },
    );
  }
}
