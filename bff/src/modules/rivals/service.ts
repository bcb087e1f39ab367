import type { Connection } from 'mongoose';
import { RIVAL_DISCLAIMER, rivalsFor, type ItemFeatures, type RivalCar, type RivalMatch } from '@carmall/shared-types';
import { notFound } from '../../infra/errors';
import { rivalModel } from './model';

const FIELDS = 'code brand name trimName bodyType energyType priceFen seats rangeKm specs source asOf';

/**
 * The competitor set: read by the comparison (catalog) and the similar cars (recommendations)
 * through this service. A handful of documents, read on every model page: kept in the process for
 * a minute (an operator's edit shows within that).
 */
export class RivalService {
  private memo: { at: number; list: Promise<RivalCar[]> } | null = null;

  constructor(private readonly conn: Connection) {}

  async list(): Promise<RivalCar[]> {
    if (!this.memo || Date.now() - this.memo.at > 60_000) {
      const list = rivalModel(this.conn).find({}, FIELDS).sort({ priceFen: 1 }).lean<(RivalCar & { _id: unknown })[]>().exec();
      const memo = { at: Date.now(), list: list.then((docs) => docs.map(({ _id, ...r }) => r as RivalCar)) };
      memo.list.catch(() => this.memo === memo && (this.memo = null));
      this.memo = memo;
    }
    return this.memo.list;
  }

  async get(code: string): Promise<RivalCar> {
    const r = (await this.list()).find((x) => x.code === code);
    if (!r) throw notFound('竞品车型', { code });
    return r;
  }

  /** The rivals closest to one of our cars, with how ours differs from each. */
  async closestTo(ours: ItemFeatures, limit = 3): Promise<RivalMatch[]> {
    return rivalsFor(ours, await this.list(), limit);
  }

  /** Loaded by the seed (idempotent by code). */
  async upsertAll(rivals: RivalCar[]): Promise<void> {
    const Rivals = rivalModel(this.conn);
    await Rivals.init();
    await Rivals.bulkWrite(rivals.map((r) => ({ updateOne: { filter: { code: r.code }, update: { $set: r }, upsert: true } })));
    this.memo = null;
  }
}

export { RIVAL_DISCLAIMER };
