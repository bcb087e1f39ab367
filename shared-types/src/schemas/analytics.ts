/**
 * Analytics and experiments API contract.
 *   POST /api/v1/events                                   public (optional user): a batch of tracking events
 *   GET  /api/v1/experiments/assignments                  public (optional user): my variant per running experiment
 *   GET|POST /api/v1/admin/analytics/funnels              operator/admin: funnel definitions
 *   GET  /api/v1/admin/analytics/funnels/:key/report      operator/admin: step counts from the pre-aggregates
 *   GET|POST /api/v1/admin/experiments, GET …/:key         operator/admin: definitions and results
 *   POST /api/v1/admin/experiments/:key/{start,stop,ship}  operator/admin: lifecycle
 */
import { z } from 'zod';
import { ANONYMOUS_ID_PATTERN, EVENT_NAME_PATTERN, EXPERIMENT_KEY_PATTERN, VARIANT_KEY_PATTERN, EVENT_PROPERTY_KEY_PATTERN, MAX_EVENT_PROPERTIES, MAX_EVENT_STRING, findPersonalDataInEvent } from '../analytics/events';
import { containsPersonalData } from '../personal-data';

export const EVENT_PLATFORMS = ['weapp', 'alipay', 'h5'] as const;
/** How every refusal for personal data reads (the BFF reports `reason: PERSONAL_DATA`). */
export const PERSONAL_DATA_MESSAGE = '不能包含手机号、身份证号、邮箱等个人信息';
const personalData = { message: PERSONAL_DATA_MESSAGE, params: { reason: 'PERSONAL_DATA', rule: 'holds nothing that reads as a phone or ID-card number' } };
export const eventNameSchema = z
  .string()
  .regex(EVENT_NAME_PATTERN, '事件名只能是小写字母、数字和单个下划线（2-48 位）')
  .refine((v) => !containsPersonalData(v), personalData);
/**
 * Device (anonymous) and session ids the SDK generates: 32 lowercase hex digits, nothing else, and
 * none that reads as a phone or ID number (the SDK draws another id when one does).
 */
export const anonymousIdSchema = z
  .string()
  .regex(ANONYMOUS_ID_PATTERN, 'id 必须是 32 位小写十六进制')
  .refine((v) => !containsPersonalData(v), personalData);
const propertyKey = z.string().regex(EVENT_PROPERTY_KEY_PATTERN);
const propertyValue = z.union([z.string().max(MAX_EVENT_STRING), z.number().finite(), z.boolean(), z.null()]);


const trackingEventShape = z
  .object({
    /** UUID made by the SDK: the dedup key of retried batches. */
    id: z.uuid(),
    name: eventNameSchema,
    /** When it happened on the device. */
    ts: z.iso.datetime({ offset: true }),
    anonymousId: anonymousIdSchema,
    sessionId: anonymousIdSchema,
    platform: z.enum(EVENT_PLATFORMS),
    page: z.string().max(120).regex(/^[A-Za-z0-9/_-]*$/).optional(),
    properties: z
      .record(propertyKey, propertyValue)
      .refine((p) => Object.keys(p).length <= MAX_EVENT_PROPERTIES, { message: `最多 ${MAX_EVENT_PROPERTIES} 个属性`, params: { rule: `at most ${MAX_EVENT_PROPERTIES} properties` } })
      .default({}),
  })
  .strict();
/**
 * One tracking event. Personal data is looked for first, in every key and string or number value
 * of the raw event (name, page, ids, property keys and values, unknown fields too), so such an event
 * is refused as PERSONAL_DATA (with its path) whatever else is wrong with it; then its shape.
 */
export const trackingEventSchema = z
  .unknown()
  .superRefine((raw, ctx) => {
    const hit = findPersonalDataInEvent(raw);
    // A key that carries it is not named in the answer: the path stops at the object holding it.
    if (hit) ctx.addIssue({ code: 'custom', path: hit.inKey ? hit.path.slice(0, -1) : hit.path, message: PERSONAL_DATA_MESSAGE, params: { reason: 'PERSONAL_DATA', kind: hit.kind } });
  })
  .pipe(trackingEventShape);
export type TrackingEvent = z.output<typeof trackingEventShape>;

/** The envelope only: each event is checked by the service so a bad one names its index (EVENT_BATCH_INVALID). */
export const eventBatchSchema = z
  .object({
    events: z.array(z.unknown()).min(1, '至少一个事件').max(100, '每批最多 100 个事件'),
    /** The device's clock when it sent the batch: lets the BFF correct events of a device whose clock is wrong. */
    sentAt: z.string().datetime({ offset: true, message: 'sentAt 必须是 ISO 8601 时间' }).optional(),
  })
  .strict();
export const eventBatchResultSchema = z.object({ accepted: z.number().int(), duplicates: z.number().int() });

export const experimentKeySchema = z.string().regex(EXPERIMENT_KEY_PATTERN, '实验 key 只能是小写字母、数字和连字符（3-41 位）');
const variantKeySchema = z.string().regex(VARIANT_KEY_PATTERN, '变体 key 格式不正确');
export const experimentInputSchema = z
  .object({
    key: experimentKeySchema,
    name: z.string().trim().min(1).max(60),
    description: z.string().trim().max(300).optional(),
    variants: z
      .array(z.object({ key: variantKeySchema, weight: z.number().int().min(1).max(100), label: z.string().trim().max(30).optional() }).strict())
      .min(2, '至少两个变体')
      .max(5, '最多五个变体')
      .refine((vs) => new Set(vs.map((v) => v.key)).size === vs.length, { message: '变体 key 不能重复', params: { rule: 'variant keys are unique' } }),
    /** The conversion: a unit converts when it sends this event after its exposure. */
    targetEvent: eventNameSchema,
  })
  .strict();
export type ExperimentInput = z.output<typeof experimentInputSchema>;
export const EXPERIMENT_STATUSES = ['draft', 'running', 'stopped', 'shipped'] as const;

export const funnelInputSchema = z
  .object({
    key: experimentKeySchema,
    name: z.string().trim().min(1).max(60),
    // A trailing `?` marks a step units may skip (not the first one).
    steps: z
      .array(
        z
          .string()
          .regex(/^[^?]+\??$/, '步骤名不正确')
          .refine((s) => eventNameSchema.safeParse(s.replace(/\?$/, '')).success, { message: '步骤名不正确', params: { rule: 'an event name, with a trailing ? when the step is optional' } }),
      )
      .min(2, '至少两步')
      .max(8, '最多八步')
      .refine((steps) => !steps[0]?.endsWith('?'), { message: '第一步不能是可选步骤', params: { rule: 'the first step is not optional' } }),
  })
  .strict();

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式为 YYYY-MM-DD');
const segmentValue = z.string().regex(/^[^|,*]{1,40}$/, '分群值不正确').optional();
export const funnelReportQuerySchema = z
  .object({ from: day, to: day, platform: z.enum(EVENT_PLATFORMS).optional(), model: segmentValue, city: segmentValue })
  .strict()
  .refine((q) => q.from <= q.to, { message: '开始日期不能晚于结束日期', path: ['from'], params: { rule: 'from is not after to' } });

export const assignmentsQuerySchema = z
  .object({ anonymousId: anonymousIdSchema, keys: z.string().regex(/^[a-z0-9,-]{1,400}$/).optional() })
  .strict();

// --- Response shapes (the BFF declares them; the ops pages read their types) ---------------------

export const assignmentsSchema = z.object({
  assignments: z.record(z.string(), z.object({ variant: z.string(), status: z.enum(['running', 'shipped', 'stopped']) })),
});
export const funnelSchema = z.object({ key: z.string(), name: z.string(), steps: z.array(z.string()), createdAt: z.string() });
export const funnelReportSchema = z.object({
  funnel: z.object({ key: z.string(), name: z.string(), steps: z.array(z.string()) }),
  range: z.object({ from: z.string(), to: z.string(), timeZone: z.literal('Asia/Shanghai') }),
  /** The filters applied (platform, model, city), only those given. */
  segment: z.record(z.string(), z.string()),
  steps: z.array(
    z.object({ name: z.string(), optional: z.boolean(), count: z.number().int(), conversion: z.number(), overall: z.number(), dropOff: z.number().int(), dropOffRate: z.number() }),
  ),
});
export type FunnelReport = z.output<typeof funnelReportSchema>;
const comparisonSchema = z.object({
  rateA: z.number(),
  rateB: z.number(),
  diff: z.number(),
  lift: z.number().nullable(),
  z: z.number().nullable(),
  pValue: z.number().nullable(),
  ci: z.tuple([z.number(), z.number()]).nullable(),
  confidence: z.number(),
  significant: z.boolean(),
});
export const experimentSchema = z.object({
  key: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  variants: z.array(z.object({ key: z.string(), weight: z.number().int(), label: z.string() })),
  targetEvent: z.string(),
  status: z.enum(EXPERIMENT_STATUSES),
  /** 草稿 / 进行中 / 已停止 / 已全量 */
  statusText: z.string(),
  shippedVariant: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  stoppedAt: z.string().nullable(),
  results: z.object({
    /** The first variant is the control (vsControl null). */
    variants: z.array(
      z.object({ key: z.string(), label: z.string(), weight: z.number().int(), exposed: z.number().int(), converted: z.number().int(), rate: z.number(), vsControl: comparisonSchema.nullable() }),
    ),
    srm: z.object({ chiSquare: z.number(), df: z.number().int(), pValue: z.number(), mismatch: z.boolean(), expected: z.array(z.number()) }),
    totalExposed: z.number().int(),
  }),
});
export type ExperimentView = z.output<typeof experimentSchema>;
