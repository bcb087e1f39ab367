import type { Connection } from 'mongoose';
import type { Redis } from 'ioredis';
import { AppError } from '../../infra/errors';
import { isDuplicateKey } from '../../infra/mongo';
import type { Locks } from '../../infra/lock';
import type { StockAdjustment, StockRow } from '@carmall/shared-types/schemas';
import { stockAdjustmentModel, stockHoldModel, stockModel } from './model';
import { stockKey } from './keys';
import { StockGate, type LaunchKeys, type ReserveResult } from './gate';

/** A durable hold as stored: `_id` is "<key>#<slot>". */
interface HoldDoc {
  _id: string;
  key: string;
  orderId: string;
  at: Date;
}
interface StockDoc {
  key: string;
  modelCode: string;
  trimCode: string;
  paintCode: string;
  region: string;
  total: number;
  launchCode?: string;
  updatedAt?: Date;
}
interface AdjustmentDoc extends Omit<StockAdjustment, 'id' | 'at'> {
  _id: string;
  at: Date;
}
const presentAdjustment = ({ _id, at, ...a }: AdjustmentDoc): StockAdjustment => ({ id: _id, ...a, at: at.toISOString() });

/** A staff stock change: cars arrived (inbound, delta > 0) or a correction either way (adjustment). */
export interface StockAdjustmentInput {
  /** The request's idempotency id: the same id is the same change, applied once. */
  id: string;
  modelCode: string;
  trimCode: string;
  paintCode: string;
  region: string;
  kind: 'inbound' | 'adjustment';
  delta: number;
  reason: string;
  actorId: string;
}

const slotOf = (h: Pick<HoldDoc, '_id'>) => Number(h._id.slice(h._id.lastIndexOf('#') + 1));

export const SOLD_OUT_MESSAGE = '该配置车辆已售罄，请选择其他颜色或版本';
/** The buyer-facing answer when no car of `key` is left. */
export const outOfStock = (key: string) => new AppError(409, 'OUT_OF_STOCK', SOLD_OUT_MESSAGE, { key });

/**
 * Cars to sell and who holds them. The fast decision is the Redis gate (gate.ts); the durable
 * record is a MongoDB hold per car, whose unique _id ("<key>#<slot>") means one slot is never held
 * twice and whose unique orderId means one order never holds two cars, whatever the gate says. The
 * gate is built from the holds when Redis has none (first use, or Redis lost its data), and the
 * sweep (OrderService.reconcileStock) repairs any disagreement between the two.
 */
export class InventoryService {
  private ready: Promise<unknown> | null = null;
  readonly gate: StockGate;

  constructor(
    private readonly conn: Connection,
    redis: Redis,
    private readonly locks: Locks,
  ) {
    this.gate = new StockGate(redis);
  }

  private async models() {
    // The unique indexes ARE the guarantee: make sure they exist before the first hold.
    this.ready ??= Promise.all([stockModel(this.conn).init(), stockHoldModel(this.conn).init()]);
    await this.ready;
    return { Stock: stockModel(this.conn), Holds: stockHoldModel(this.conn) };
  }

  /** Build the gate of `key` from MongoDB if Redis has none (one process builds; the others wait). */
  async ensureGate(key: string): Promise<void> {
    if (await this.gate.built(key)) return;
    await this.locks.withLock(`gate-build:${key}`, async () => {
      if (await this.gate.built(key)) return;
      const { Stock, Holds } = await this.models();
      const stock = await Stock.findOne({ key }, 'total launchCode').lean<{ total: number; launchCode?: string }>();
      const holds = await Holds.find({ key }, '_id orderId').lean<HoldDoc[]>();
      await this.gate.build(key, stock?.total ?? 0, stock?.launchCode ?? '', holds.map((h) => ({ orderId: h.orderId, slot: slotOf(h) })));
    }, { ttlMs: 30_000, waitMs: 30_000 });
  }

  /**
   * Keys this process saw sold out in the last moment. In a rush most buyers arrive after the last
   * car went; they are answered without sending their order to the gate. A car given back
   * elsewhere is seen here within SOLD_OUT_MEMO_MS.
   */
  private readonly soldOut = new Map<string, number>();
  static readonly SOLD_OUT_MEMO_MS = 250;

  recentlySoldOut(key: string): boolean {
    const until = this.soldOut.get(key);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.soldOut.delete(key);
    return false;
  }

  /** The gate's decision for a new order (see StockGate.reserve); builds the gate on first use. */
  async admit(key: string, p: Parameters<StockGate['reserve']>[1], launch?: LaunchKeys & { ticket: number }): Promise<ReserveResult> {
    let r = await this.gate.reserve(key, p, launch);
    if (r.kind === 'unbuilt') {
      await this.ensureGate(key);
      r = await this.gate.reserve(key, p, launch);
    }
    if (r.kind === 'sold_out') this.soldOut.set(key, Date.now() + InventoryService.SOLD_OUT_MEMO_MS);
    return r;
  }

  /**
   * Write the durable hold for a slot the gate gave `orderId`. If the slot turns out to be held by
   * another order (the gate was rebuilt while a hold was being written), the gate gives another.
   * Returns the slot held, or null when no car is left. Idempotent for the same order.
   */
  async holdDurably(key: string, orderId: string, slot: number): Promise<number | null> {
    const { Holds } = await this.models();
    for (let tries = 0; tries < 20; tries++) {
      try {
        await Holds.collection.insertOne({ _id: `${key}#${slot}` as never, key, orderId, at: new Date() });
        return slot;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        const mine = await Holds.findOne({ orderId }).lean<HoldDoc>();
        if (mine) {
          // A retry of this same order: it already holds a car (maybe another slot).
          if (mine.key !== key) throw new AppError(409, 'CONFLICT', '该订单已预留其他车辆');
          if (slotOf(mine) !== slot) await this.gate.adopt(key, orderId, slotOf(mine));
          return slotOf(mine);
        }
        const next = await this.gate.reslot(key, orderId);
        if (next === null) return null;
        slot = next;
      }
    }
    throw new AppError(503, 'SERVICE_UNAVAILABLE', '库存服务繁忙，请稍后再试');
  }

  /**
   * Hold a car for an order that already exists (a payment that landed after its order was
   * cancelled brings the order back). Throws 409 OUT_OF_STOCK when none is left.
   */
  async reserve(key: string, orderId: string): Promise<void> {
    await this.ensureGate(key);
    const slot = (await this.gate.take(key, orderId)) ?? null;
    const held = slot === null ? null : await this.holdDurably(key, orderId, slot);
    await this.gate.settle(key, orderId);
    if (held === null) throw outOfStock(key);
  }

  /** Give the car back: the durable hold first, then the gate (the sweep finishes a crash in between). Idempotent. */
  async release(key: string, orderId: string, launch?: { buyers: string; buyerId: string; orderNo: string }): Promise<boolean> {
    const { Holds } = await this.models();
    const deleted = (await Holds.deleteOne({ key, orderId })).deletedCount === 1;
    await this.gate.release(key, orderId, launch);
    this.soldOut.delete(key);
    return deleted;
  }

  async available(key: string): Promise<number> {
    await this.ensureGate(key);
    return this.gate.free(key);
  }

  async availableMany(keys: string[]): Promise<number[]> {
    await Promise.all(keys.map((k) => this.ensureGate(k)));
    return this.gate.freeMany(keys);
  }

  async total(key: string): Promise<number | null> {
    const { Stock } = await this.models();
    return (await Stock.findOne({ key }, 'total').lean<{ total: number }>())?.total ?? null;
  }

  /**
   * Set how many cars of a variant are for sale (an operator's stock change, a launch's
   * allocation), and/or which launch owns them. Cars already held stay held. `launchCode` ('' for
   * none) reserves the stock for a launch: other orders are refused with LAUNCH_ONLY.
   */
  async setStock(key: string, change: { total?: number; launchCode?: string }): Promise<{ total: number; available: number }> {
    const { Stock } = await this.models();
    const set: Record<string, unknown> = {};
    if (change.total !== undefined) set.total = change.total;
    if (change.launchCode !== undefined) set.launchCode = change.launchCode;
    const res = await Stock.updateOne({ key }, { $set: set });
    if (res.matchedCount === 0) throw new AppError(404, 'NOT_FOUND', '库存记录不存在', { key });
    await this.locks.withLock(`gate-build:${key}`, async () => {
      if (!(await this.gate.built(key))) return; // it will be built from MongoDB, with these values
      if (change.total !== undefined) await this.gate.resize(key, change.total);
      if (change.launchCode !== undefined) await this.gate.setLaunch(key, change.launchCode);
    }, { ttlMs: 30_000, waitMs: 30_000 });
    return { total: change.total ?? (await this.total(key))!, available: await this.available(key) };
  }

  /** Stock rows per variant and region with what is held and what buyers can order now (the console's stock screen). */
  async listStock(filter: { modelCode?: string; region?: string } = {}): Promise<StockRow[]> {
    const { Stock, Holds } = await this.models();
    const q: Record<string, string> = {};
    if (filter.modelCode) q.modelCode = filter.modelCode;
    if (filter.region) q.region = filter.region;
    const docs = await Stock.find(q).sort({ modelCode: 1, trimCode: 1, paintCode: 1, region: 1 }).lean<StockDoc[]>();
    if (docs.length === 0) return [];
    const keys = docs.map((d) => d.key);
    const counts = await Holds.aggregate<{ _id: string; n: number }>([{ $match: { key: { $in: keys } } }, { $group: { _id: '$key', n: { $sum: 1 } } }]);
    const durable = new Map(counts.map((c) => [c._id, c.n]));
    const free = await this.availableMany(keys);
    return docs.map((d, i) => this.row(d, durable.get(d.key) ?? 0, free[i]));
  }

  /** Held = the larger of the durable holds and the gate's (an order between the two is still a car taken). */
  private row(d: StockDoc, durableHeld: number, free: number): StockRow {
    return {
      key: d.key,
      modelCode: d.modelCode,
      trimCode: d.trimCode,
      paintCode: d.paintCode,
      region: d.region ?? 'national',
      total: d.total,
      held: Math.max(durableHeld, d.total - free),
      available: free,
      launchCode: d.launchCode || null,
      updatedAt: d.updatedAt ? d.updatedAt.toISOString() : null,
    };
  }

  private async stockRow(key: string): Promise<StockRow> {
    const { Stock, Holds } = await this.models();
    const d = await Stock.findOne({ key }).lean<StockDoc>();
    if (!d) throw new AppError(404, 'NOT_FOUND', '库存记录不存在', { key });
    return this.row(d, await Holds.countDocuments({ key }), await this.available(key));
  }

  /**
   * Inbound cars or a correction, with its reason, kept in the history. Never below what orders
   * hold (409 STOCK_BELOW_HELD). Goes through setStock, so the Redis gate is resized in the same
   * step as the total; one change per variant at a time. Retrying the same id answers the first
   * result (a retry after a crash between the history entry and the stock write finishes it).
   */
  async adjust(input: StockAdjustmentInput): Promise<{ adjustment: StockAdjustment; stock: StockRow; replayed: boolean }> {
    const key = stockKey(input.modelCode, input.trimCode, input.paintCode, input.region);
    return this.locks.withLock(`stock-adjust:${key}`, async () => {
      const { Stock } = await this.models();
      const Adjustments = stockAdjustmentModel(this.conn);
      const prior = await Adjustments.findById(input.id).lean<AdjustmentDoc>();
      if (prior) {
        if (prior.key !== key || prior.delta !== input.delta || prior.kind !== input.kind) {
          throw new AppError(409, 'IDEMPOTENCY_KEY_REUSED', '该请求编号已用于另一次库存调整', { id: input.id });
        }
        if (prior.status === 'pending') {
          const total = await this.total(key);
          if (total === prior.before || total === prior.after) await this.setStock(key, { total: prior.after });
          const status = total === prior.before || total === prior.after ? 'applied' : 'rejected';
          await Adjustments.updateOne({ _id: input.id }, { $set: { status } });
          prior.status = status;
        }
        return { adjustment: presentAdjustment(prior), stock: await this.stockRow(key), replayed: true };
      }
      const stock = await Stock.findOne({ key }).lean<StockDoc>();
      if (!stock) throw new AppError(404, 'NOT_FOUND', '库存记录不存在', { key });
      const now = await this.stockRow(key);
      const after = stock.total + input.delta;
      if (after < now.held) {
        throw new AppError(409, 'STOCK_BELOW_HELD', `调整后库存 ${after} 台少于订单已占用的 ${now.held} 台`, { total: stock.total, held: now.held, minDelta: now.held - stock.total });
      }
      const doc: AdjustmentDoc = {
        _id: input.id,
        key,
        modelCode: input.modelCode,
        trimCode: input.trimCode,
        paintCode: input.paintCode,
        region: input.region,
        kind: input.kind,
        delta: input.delta,
        before: stock.total,
        after,
        reason: input.reason,
        actorId: input.actorId,
        status: 'pending',
        at: new Date(),
      };
      try {
        await Adjustments.create(doc);
      } catch (err) {
        // The same id for another variant at the same moment (its own lock): a reused key.
        if (isDuplicateKey(err)) throw new AppError(409, 'IDEMPOTENCY_KEY_REUSED', '该请求编号已用于另一次库存调整', { id: input.id });
        throw err;
      }
      await this.setStock(key, { total: after });
      await Adjustments.updateOne({ _id: input.id }, { $set: { status: 'applied' } });
      return { adjustment: presentAdjustment({ ...doc, status: 'applied' }), stock: await this.stockRow(key), replayed: false };
    }, { ttlMs: 30_000, waitMs: 10_000 });
  }

  /** The history of staff stock changes, newest first. */
  async adjustments(filter: { key?: string; modelCode?: string; limit: number }): Promise<StockAdjustment[]> {
    const q: Record<string, string> = {};
    if (filter.key) q.key = filter.key;
    if (filter.modelCode) q.modelCode = filter.modelCode;
    const docs = await stockAdjustmentModel(this.conn).find(q).sort({ at: -1 }).limit(filter.limit).lean<AdjustmentDoc[]>();
    return docs.map(presentAdjustment);
  }

  /** Every stock key whose gate exists (what the sweep walks). */
  async gateKeys(): Promise<string[]> {
    return this.gate.keys();
  }

  /** The durable holds of `key`, for the sweep. */
  async holdsOf(key: string): Promise<{ orderId: string; slot: number; at: Date }[]> {
    const { Holds } = await this.models();
    return (await Holds.find({ key }).lean<HoldDoc[]>()).map((h) => ({ orderId: h.orderId, slot: slotOf(h), at: h.at }));
  }

  async hasHold(orderId: string): Promise<boolean> {
    const { Holds } = await this.models();
    return (await Holds.exists({ orderId })) !== null;
  }
}
