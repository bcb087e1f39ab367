import type { Connection } from 'mongoose';
import { assignVariant, compareProportions, sampleRatioMismatch } from '@carmall/shared-types';
import type { ExperimentInput } from '@carmall/shared-types/schemas';
import { AppError, notFound } from '../../infra/errors';
import type { Locks } from '../../infra/lock';
import type { Logger } from '../../infra/logger';
import type { Aggregates } from './aggregates';
import { experimentModel, exposureModel, type ExperimentDoc } from './model';

/** Statistics to 6 decimals: enough for any display, and no float noise in the answer. */
const r6 = (x: number) => Math.round(x * 1e6) / 1e6;
function rounded<T>(value: T): T {
  if (typeof value === 'number') return (Number.isFinite(value) ? r6(value) : value) as T;
  if (Array.isArray(value)) return value.map(rounded) as T;
  if (value && typeof value === 'object' && !(value instanceof Date)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rounded(v)])) as T;
  return value;
}

const isDuplicate = (err: unknown) => (err as { code?: number }).code === 11000;
const stateInvalid = (status: string, action: string) =>
  new AppError(409, 'EXPERIMENT_STATE_INVALID', `实验当前状态为「${STATUS_CN[status] ?? status}」，不能${action}`, { status });
export const STATUS_CN: Record<string, string> = { draft: '草稿', running: '进行中', stopped: '已停止', shipped: '已全量' };

export interface Assignment {
  variant: string;
  status: 'running' | 'shipped' | 'stopped';
}

/**
 * A/B experiments: definitions in MongoDB (written under a Redis lock: FerretDB loses concurrent
 * updates), assignment by the shared deterministic bucketing, exposure and conversion counters in
 * Redis (see aggregates.ts). The first variant is the control.
 */
export class ExperimentService {
  private cache: { at: number; live: ExperimentDoc[] } | null = null;

  constructor(
    private readonly conn: Connection,
    private readonly agg: Aggregates,
    private readonly locks: Locks,
    private readonly logger: Logger,
  ) {}

  /** Running and shipped experiments (what assignment and conversion counting need), cached 5 s per process. */
  private async live(): Promise<ExperimentDoc[]> {
    if (this.cache && Date.now() - this.cache.at < 5_000) return this.cache.live;
    const live = await experimentModel(this.conn).find({ status: { $in: ['running', 'shipped'] } }).lean<ExperimentDoc[]>();
    this.cache = { at: Date.now(), live };
    return live;
  }

  async running(): Promise<ExperimentDoc[]> {
    return (await this.live()).filter((x) => x.status === 'running');
  }

  /**
   * The caller's variants. A signed-in user is bucketed by user id (the same on every platform and
   * device), a visitor by the SDK's anonymous id. Exposure of a running experiment is counted once
   * per unit; a shipped experiment answers its winner to everyone without counting.
   */
  async assignments(userId: string | null, anonymousId: string, keys?: string[]): Promise<Record<string, Assignment>> {
    const unit = userId ? `u:${userId}` : `a:${anonymousId}`;
    const out: Record<string, Assignment> = {};
    for (const x of await this.live()) {
      if (keys && !keys.includes(x._id)) continue;
      if (x.status === 'shipped') {
        out[x._id] = { variant: x.shippedVariant!, status: 'shipped' };
        continue;
      }
      const bucketed = assignVariant(x._id, unit, x.variants);
      const { variant, first } = await this.agg.expose(x._id, unit, bucketed);
      if (first) {
        await exposureModel(this.conn)
          .collection.insertOne({ _id: `${x._id}:${unit}` as never, experimentKey: x._id, unit, variant, at: new Date() })
          .catch((err) => (isDuplicate(err) ? undefined : this.logger.warn({ err }, 'exposure record failed')));
      }
      out[x._id] = { variant, status: 'running' };
    }
    return out;
  }

  async create(input: ExperimentInput, by: string): Promise<{ experiment: ReturnType<typeof view>; created: boolean }> {
    const model = experimentModel(this.conn);
    try {
      await model.create({ _id: input.key, name: input.name, description: input.description, variants: input.variants, targetEvent: input.targetEvent, status: 'draft', createdBy: by, createdAt: new Date() });
      return { experiment: view((await model.findById(input.key).lean<ExperimentDoc>())!), created: true };
    } catch (err) {
      if (!isDuplicate(err)) throw err;
      const existing = (await model.findById(input.key).lean<ExperimentDoc>())!;
      const same = existing.targetEvent === input.targetEvent && JSON.stringify(existing.variants.map((v) => [v.key, v.weight])) === JSON.stringify(input.variants.map((v) => [v.key, v.weight]));
      if (!same) throw new AppError(409, 'CONFLICT', '该实验 key 已存在且定义不同', { key: input.key });
      return { experiment: view(existing), created: false };
    }
  }

  async list() {
    const all = await experimentModel(this.conn).find().sort({ createdAt: -1 }).limit(100).lean<ExperimentDoc[]>();
    return { items: await Promise.all(all.map((x) => this.withResults(x))) };
  }

  async get(key: string) {
    const x = await experimentModel(this.conn).findById(key).lean<ExperimentDoc>();
    if (!x) throw notFound('实验');
    return this.withResults(x);
  }

  /** start (draft → running), stop (running → stopped), ship (running|stopped → shipped, with the winner). Repeating the same action is a no-op. */
  async transition(key: string, action: 'start' | 'stop' | 'ship', variant?: string) {
    await this.locks.withLock(`experiment:${key}`, async () => {
      const model = experimentModel(this.conn);
      const x = await model.findById(key).lean<ExperimentDoc>();
      if (!x) throw notFound('实验');
      const now = new Date();
      if (action === 'start') {
        if (x.status === 'running') return;
        if (x.status !== 'draft') throw stateInvalid(x.status, '开始');
        await model.updateOne({ _id: key }, { $set: { status: 'running', startedAt: now } });
      } else if (action === 'stop') {
        if (x.status === 'stopped') return;
        if (x.status !== 'running') throw stateInvalid(x.status, '停止');
        await model.updateOne({ _id: key }, { $set: { status: 'stopped', stoppedAt: now } });
      } else {
        if (!variant || !x.variants.some((v) => v.key === variant)) throw new AppError(400, 'VALIDATION_FAILED', '请选择要全量的变体', { variants: x.variants.map((v) => v.key) });
        if (x.status === 'shipped' && x.shippedVariant === variant) return;
        if (x.status !== 'running' && x.status !== 'stopped') throw stateInvalid(x.status, '全量');
        await model.updateOne({ _id: key }, { $set: { status: 'shipped', shippedVariant: variant, ...(x.stoppedAt ? {} : { stoppedAt: now }) } });
      }
    });
    this.cache = null;
    return this.get(key);
  }

  private async withResults(x: ExperimentDoc) {
    const { exposed, converted } = await this.agg.experimentCounts(x._id);
    const variants = x.variants.map((v) => ({ key: v.key, label: v.label ?? v.key, weight: v.weight, exposed: exposed[v.key] ?? 0, converted: converted[v.key] ?? 0 }));
    const control = variants[0];
    return {
      ...view(x),
      results: rounded({
        variants: variants.map((v, i) => ({
          ...v,
          rate: v.exposed > 0 ? v.converted / v.exposed : 0,
          vsControl: i === 0 ? null : compareProportions({ n: control.exposed, x: control.converted }, { n: v.exposed, x: v.converted }),
        })),
        srm: sampleRatioMismatch(variants.map((v) => v.exposed), variants.map((v) => v.weight)),
        totalExposed: variants.reduce((s, v) => s + v.exposed, 0),
      }),
    };
  }
}

function view(x: ExperimentDoc) {
  return {
    key: x._id,
    name: x.name,
    description: x.description ?? null,
    variants: x.variants.map((v) => ({ key: v.key, weight: v.weight, label: v.label ?? v.key })),
    targetEvent: x.targetEvent,
    status: x.status,
    statusText: STATUS_CN[x.status],
    shippedVariant: x.shippedVariant ?? null,
    createdAt: x.createdAt,
    startedAt: x.startedAt ?? null,
    stoppedAt: x.stoppedAt ?? null,
  };
}
