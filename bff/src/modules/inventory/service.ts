import type { Connection } from 'mongoose';
import { AppError } from '../../infra/errors';
import { stockHoldModel, stockModel } from './model';

const isDuplicate = (err: unknown) => (err as { code?: number }).code === 11000;

export class InventoryService {
  private ready: Promise<unknown> | null = null;

  constructor(private readonly conn: Connection) {}

  private async models() {
    // The unique indexes ARE the guarantee: make sure they exist before the first reservation.
    this.ready ??= Promise.all([stockModel(this.conn).init(), stockHoldModel(this.conn).init()]);
    await this.ready;
    return { Stock: stockModel(this.conn), Holds: stockHoldModel(this.conn) };
  }

  /**
   * Reserve one car for an order by inserting a hold into a free slot. Concurrent buyers race
   * for slots; the unique _id lets exactly one win each slot. Retrying for the same order is a
   * no-op (unique orderId). Throws 409 OUT_OF_STOCK when every slot is taken.
   */
  async reserve(key: string, orderId: string): Promise<void> {
    const { Stock, Holds } = await this.models();
    const mine = await Holds.findOne({ orderId }).lean<{ key: string }>();
    if (mine) {
      if (mine.key === key) return;
      throw new AppError(409, 'CONFLICT', '该订单已预留其他车辆');
    }
    const stock = await Stock.findOne({ key }, 'total').lean<{ total: number }>();
    const taken = new Set((await Holds.find({ key }, '_id').lean<{ _id: string }[]>()).map((h) => h._id));
    for (let slot = 0; slot < (stock?.total ?? 0); slot++) {
      const _id = `${key}#${slot}`;
      if (taken.has(_id)) continue;
      try {
        await Holds.create({ _id, key, orderId, at: new Date() });
        return;
      } catch (err) {
        if (!isDuplicate(err)) throw err;
        if (await Holds.exists({ orderId })) return; // a concurrent retry of this same order won
      }
    }
    throw new AppError(409, 'OUT_OF_STOCK', '该配置车辆已售罄，请选择其他颜色或版本', { key });
  }

  /** Give the car back. Idempotent. */
  async release(key: string, orderId: string): Promise<boolean> {
    const { Holds } = await this.models();
    return (await Holds.deleteOne({ key, orderId })).deletedCount === 1;
  }

  async available(key: string): Promise<number> {
    const { Stock, Holds } = await this.models();
    const stock = await Stock.findOne({ key }, 'total').lean<{ total: number }>();
    return Math.max(0, (stock?.total ?? 0) - (await Holds.countDocuments({ key })));
  }
}
