import type { Connection } from 'mongoose';
import {
  funnelRows,
  segmentKey,
  segmentKeys,
  shanghaiDay,
  shanghaiDaysInRange,
  type AnalyticsSegment,
} from '@carmall/shared-types';
import { trackingEventSchema, type TrackingEvent } from '@carmall/shared-types/schemas';
import { AppError, notFound, serviceUnavailable } from '../../infra/errors';
import type { Logger } from '../../infra/logger';
import { Aggregates, type AggregatedEvent } from './aggregates';
import type { ExperimentService } from './experiments';
import { funnelModel, analyticsEventModel, type FunnelDoc } from './model';

const DAY_MS = 86_400_000;
/** Events older than this (an SDK offline for a month) or from the future are refused. */
const MAX_EVENT_AGE_MS = 30 * DAY_MS;
const MAX_CLOCK_SKEW_MS = 10 * 60_000;
/** A device clock off by more than this (from the batch's sentAt) is corrected; below it, the gap is mostly network time. */
const CLOCK_CORRECTION_MIN_MS = 60_000;
/** Longer than the SDK keeps and retries an event, so a retry is always recognised. */
const DEDUP_TTL_SECONDS = 35 * 86_400;
/** A unit's funnel journey counts within 30 days of entering. */
export const FUNNEL_WINDOW_SECONDS = 30 * 86_400;
const MAX_REPORT_DAYS = 93;

/** The funnel every shop needs, created at start-up if missing. */
// 金融方案 is optional: a buyer who pays cash skips it and must still count as ordered and paid.
export const DEFAULT_FUNNEL = { key: 'purchase', name: '购车转化', steps: ['view_model', 'configure', 'open_finance?', 'order_created', 'pay_success'] };
/** The default funnel as first shipped (金融方案 required); same step indexes, so counters carry over. */
const DEFAULT_FUNNEL_V1_STEPS = ['view_model', 'configure', 'open_finance', 'order_created', 'pay_success'];

const r6 = (x: number) => Math.round(x * 1e6) / 1e6;
const isDuplicate = (err: unknown) => (err as { code?: number }).code === 11000 || /E11000|duplicate key/i.test(String((err as Error)?.message));

/** A segment value as a counter-key part: no separators, bounded, '未知' when absent. */
function segmentValue(v: unknown): string {
  const s = typeof v === 'string' || typeof v === 'number' ? String(v).replace(/[|,*]/g, '').trim().slice(0, 40) : '';
  return s || '未知';
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
}

/**
 * Tracking ingestion and funnel reports. A batch is validated whole (one bad event refuses the
 * batch, nothing written), deduplicated by event id in Redis, stored with one insertMany, then
 * folded into the pre-aggregates (funnel cohorts, daily counts, experiment conversions).
 */
export class AnalyticsService {
  private funnelCache: { at: number; funnels: FunnelDoc[] } | null = null;

  constructor(
    private readonly conn: Connection,
    private readonly agg: Aggregates,
    private readonly experiments: ExperimentService,
    private readonly logger: Logger,
  ) {}

  async ensureDefaults(): Promise<void> {
    await funnelModel(this.conn).updateOne({ _id: DEFAULT_FUNNEL.key }, { $setOnInsert: { name: DEFAULT_FUNNEL.name, steps: DEFAULT_FUNNEL.steps, createdAt: new Date() } }, { upsert: true });
    await funnelModel(this.conn).updateOne({ _id: DEFAULT_FUNNEL.key, steps: DEFAULT_FUNNEL_V1_STEPS }, { $set: { steps: DEFAULT_FUNNEL.steps } });
  }

  /** Parse every event; the first bad one refuses the batch with its index and reason. */
  validate(raw: unknown[], now = Date.now(), skewMs = 0): TrackingEvent[] {
    const problems: { index: number; path: string; message: string; reason: string }[] = [];
    const events: TrackingEvent[] = [];
    raw.forEach((item, index) => {
      const r = trackingEventSchema.safeParse(item);
      if (!r.success) {
        for (const i of r.error.issues) {
          const reason = (i as { params?: { reason?: string } }).params?.reason ?? 'INVALID';
          problems.push({ index, path: i.path.join('.'), message: i.message, reason });
        }
        return;
      }
      const t = Date.parse(r.data.ts) + skewMs;
      if (t > now + MAX_CLOCK_SKEW_MS || t < now - MAX_EVENT_AGE_MS) problems.push({ index, path: 'ts', message: '事件时间超出可接受范围（30 天内）', reason: 'TS_OUT_OF_RANGE' });
      events.push(skewMs ? { ...r.data, ts: new Date(t).toISOString() } : r.data);
    });
    if (problems.length === 0 && new Set(events.map((e) => e.anonymousId)).size > 1)
      problems.push({ index: 0, path: 'anonymousId', message: '一批事件必须来自同一设备', reason: 'MIXED_DEVICES' });
    if (problems.length) throw new AppError(400, 'EVENT_BATCH_INVALID', `事件批次不正确（第 ${problems[0].index + 1} 个事件：${problems[0].message}），整批未写入`, { problems: problems.slice(0, 20) });
    return events;
  }

  /**
   * `sentAt` is the device's clock at sending: a device whose clock is off (by more than a minute)
   * has its events moved by the same amount, as analytics SDKs do, instead of losing them all as
   * "from the future".
   */
  async ingest(raw: unknown[], userId: string | null, sentAt?: string): Promise<IngestResult> {
    const now = Date.now();
    const skew = sentAt ? now - Date.parse(sentAt) : 0;
    const skewMs = Math.abs(skew) > CLOCK_CORRECTION_MIN_MS ? skew : 0;
    const events = this.validate(raw, now, skewMs);
    const fresh = await this.agg.claimIds(events.map((e) => e.id), DEDUP_TTL_SECONDS);
    const todo = events.filter((_, i) => fresh[i]);
    if (todo.length === 0) return { accepted: 0, duplicates: events.length };
    const receivedAt = new Date();
    const docs = todo.map((e) => ({
      _id: e.id,
      name: e.name,
      ts: new Date(e.ts),
      receivedAt,
      day: shanghaiDay(e.ts),
      anonymousId: e.anonymousId,
      sessionId: e.sessionId,
      ...(userId ? { userId } : {}),
      platform: e.platform,
      ...(e.page ? { page: e.page } : {}),
      properties: e.properties,
      ...(skewMs ? { clockSkewMs: skewMs } : {}),
    }));
    try {
      await this.insertAll(docs);
    } catch (err) {
      await this.agg.releaseIds(todo.map((e) => e.id)).catch(() => undefined);
      this.logger.error({ err }, 'storing tracking events failed');
      throw serviceUnavailable('事件暂时无法保存，请稍后重试');
    }
    // Pre-aggregates, in event time order. A failure here is logged, not returned: the events are
    // stored, and a retry would be deduplicated anyway.
    try {
      const [funnels, running] = await Promise.all([this.funnels(), this.experiments.running()]);
      const ordered = [...todo].sort((a, b) => Date.parse(a.ts) - Date.parse(b.ts));
      const units = (e: TrackingEvent) => [...(userId ? [`u:${userId}`] : []), `a:${e.anonymousId}`];
      const aggregated: AggregatedEvent[] = ordered.map((e) => ({
        name: e.name,
        day: shanghaiDay(e.ts),
        segments: segmentKeys(this.segmentOf(e)),
        unit: e.anonymousId,
        conversions: running.filter((x) => x.targetEvent === e.name).map((x) => ({ experiment: x._id, units: units(e) })),
      }));
      await this.agg.apply(aggregated, funnels.map((f) => ({ key: f._id, steps: f.steps })));
    } catch (err) {
      this.logger.error({ err }, 'updating analytics pre-aggregates failed');
    }
    return { accepted: todo.length, duplicates: events.length - todo.length };
  }

  private segmentOf(e: TrackingEvent): AnalyticsSegment {
    return { platform: e.platform, model: segmentValue(e.properties.modelCode), city: segmentValue(e.properties.city) };
  }

  /** insertMany; where the database stops at a duplicate (FerretDB ignores ordered:false), the rest one by one. */
  private async insertAll(docs: Record<string, unknown>[]): Promise<void> {
    const model = analyticsEventModel(this.conn);
    try {
      await model.collection.insertMany(docs as never[], { ordered: false });
    } catch (err) {
      if (!isDuplicate(err)) throw err;
      for (const d of docs) await model.collection.insertOne(d as never).catch((e) => (isDuplicate(e) ? undefined : Promise.reject(e)));
    }
  }

  async funnels(): Promise<FunnelDoc[]> {
    if (this.funnelCache && Date.now() - this.funnelCache.at < 5_000) return this.funnelCache.funnels;
    const funnels = await funnelModel(this.conn).find().sort({ createdAt: 1 }).lean<FunnelDoc[]>();
    this.funnelCache = { at: Date.now(), funnels };
    return funnels;
  }

  /** A new funnel counts from now on (counters are kept per step at ingestion). Same definition again: no-op. */
  async createFunnel(input: { key: string; name: string; steps: string[] }): Promise<{ funnel: FunnelDoc; created: boolean }> {
    const model = funnelModel(this.conn);
    try {
      await model.create({ _id: input.key, name: input.name, steps: input.steps, createdAt: new Date() });
      this.funnelCache = null;
      return { funnel: (await model.findById(input.key).lean<FunnelDoc>())!, created: true };
    } catch (err) {
      if (!isDuplicate(err)) throw err;
      const existing = (await model.findById(input.key).lean<FunnelDoc>())!;
      if (existing.steps.join(',') !== input.steps.join(',')) throw new AppError(409, 'CONFLICT', '该漏斗已存在且步骤不同；请换一个 key', { key: input.key, steps: existing.steps });
      return { funnel: existing, created: false };
    }
  }

  async report(key: string, q: { from: string; to: string; platform?: string; model?: string; city?: string }) {
    const funnel = await funnelModel(this.conn).findById(key).lean<FunnelDoc>();
    if (!funnel) throw notFound('漏斗');
    const days = shanghaiDaysInRange(q.from, q.to);
    if (days.length > MAX_REPORT_DAYS) throw new AppError(400, 'VALIDATION_FAILED', `日期范围最多 ${MAX_REPORT_DAYS} 天`, { days: days.length });
    const filter = { platform: q.platform, model: q.model, city: q.city };
    const counts = await this.agg.funnelCounts(key, days, segmentKey(filter), funnel.steps.length);
    return {
      funnel: { key: funnel._id, name: funnel.name, steps: funnel.steps },
      range: { from: q.from, to: q.to, timeZone: 'Asia/Shanghai' },
      segment: Object.fromEntries(Object.entries(filter).filter(([, v]) => v)),
      // Shares to 6 decimals: enough for display, no float noise.
      steps: funnelRows(funnel.steps, counts).map((r) => ({ ...r, conversion: r6(r.conversion), overall: r6(r.overall), dropOffRate: r6(r.dropOffRate) })),
    };
  }
}
