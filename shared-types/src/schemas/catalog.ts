import { z } from 'zod';
import { BODY_TYPES, ENERGY_TYPES } from '../catalog';
import { fenSchema, pagedSchema, pagingQuery, queryInt } from './common';

/** Comma-separated list in a query string: "suv,mpv" -> ['suv','mpv']. */
const csvOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((s) => s.split(',').map((v) => v.trim()).filter(Boolean))
    .pipe(z.array(z.enum(values)).min(1));

export const modelListQuerySchema = z
  .object({
    bodyType: csvOf(BODY_TYPES).optional(),
    energyType: csvOf(ENERGY_TYPES).optional(),
    minPriceFen: queryInt(0, 1_000_000_000).optional(),
    maxPriceFen: queryInt(0, 1_000_000_000).optional(),
    seats: queryInt(2, 9).optional(),
    minRangeKm: queryInt(0, 5_000).optional(),
    q: z.string().trim().min(1).max(40).optional(),
    featured: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
    sort: z.enum(['price_asc', 'price_desc', 'name']).optional().default('price_asc'),
    ...pagingQuery,
  })
  .strict()
  .refine((q) => q.minPriceFen === undefined || q.maxPriceFen === undefined || q.minPriceFen <= q.maxPriceFen, {
    message: 'minPriceFen 不能大于 maxPriceFen',
    path: ['minPriceFen'],
    params: { rule: 'minPriceFen is not above maxPriceFen' },
  });
export type ModelListQuery = z.infer<typeof modelListQuerySchema>;

export const modelSummarySchema = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  series: z.string(),
  bodyType: z.enum(BODY_TYPES),
  energyType: z.enum(ENERGY_TYPES),
  startingPriceFen: fenSchema,
  seats: z.number().int(),
  rangeKm: z.number().int().nullable(),
  coverImage: z.string(),
  tagline: z.string(),
  featured: z.boolean(),
});

export const modelListResponseSchema = pagedSchema(modelSummarySchema);

// ---------------------------------------------------------------------------------------------
// Model detail, configurations, compare, operator edits

export const modelCodeSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, '车型编码不正确');
export const trimCodeSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/, '版本编码不正确');
export const optionCodeSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,59}$/, '选装编码不正确');

export const modelCodeParamsSchema = z.object({ code: modelCodeSchema });

export const configurationRequestSchema = z
  .object({
    modelCode: modelCodeSchema,
    trimCode: trimCodeSchema,
    /** Options the buyer chose, oldest first (the engine keeps later choices when re-resolving). */
    selections: z.array(optionCodeSchema).max(40).default([]),
  })
  .strict();
export type ConfigurationRequest = z.infer<typeof configurationRequestSchema>;

/** Short id of a saved configuration: 8 base-58 characters, fits a mini-program code's `scene`. */
export const shortIdSchema = z.string().regex(/^[1-9A-HJ-NP-Za-km-z]{8}$/, '配置编号不正确');
export const shortIdParamsSchema = z.object({ shortId: shortIdSchema });

const lineItemSchema = z.object({
  code: z.string(),
  name: z.string(),
  group: z.string(),
  priceFen: fenSchema,
  includedIn: z.string().optional(),
  addedBecause: z.object({ by: z.string(), reason: z.string() }).optional(),
});
const changeSchema = z.object({ code: z.string(), reason: z.string(), by: z.string(), message: z.string() });

export const resolvedConfigSchema = z.object({
  modelCode: z.string(),
  trimCode: z.string(),
  explicit: z.array(z.string()),
  selected: z.array(z.string()),
  lineItems: z.array(lineItemSchema),
  totalFen: fenSchema,
  changes: z.object({ added: z.array(changeSchema), removed: z.array(changeSchema) }),
  pricedAt: z.string(),
});

export const savedConfigurationSchema = z.object({
  shortId: z.string(),
  modelCode: z.string(),
  modelName: z.string(),
  trimCode: z.string(),
  trimName: z.string(),
  config: resolvedConfigSchema,
  /** The same selections priced now: shows a price change since saving, or that it is no longer valid. */
  current: z.object({ valid: z.boolean(), totalFen: fenSchema.nullable(), reason: z.string().nullable() }),
  createdAt: z.string(),
});

export const compareQuerySchema = z
  .object({
    /** 2-3 "modelCode:trimCode" pairs, comma-separated. */
    trims: z
      .string()
      .transform((s) => s.split(',').map((p) => p.trim()))
      .pipe(
        z
          .array(z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}:[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/, '格式应为 车型编码:版本编码'))
          .min(2, '至少选择 2 个版本')
          .max(3, '最多对比 3 个版本'),
      ),
  })
  .strict();

export const priceEntrySchema = z
  .object({
    amountFen: fenSchema,
    effectiveFrom: z.iso.datetime({ offset: true }),
    effectiveTo: z.iso.datetime({ offset: true }).optional(),
  })
  .strict()
  .refine((p) => p.effectiveTo === undefined || Date.parse(p.effectiveTo) > Date.parse(p.effectiveFrom), {
    message: 'effectiveTo 必须晚于 effectiveFrom',
    path: ['effectiveTo'],
    params: { rule: 'effectiveTo, when given, is after effectiveFrom' },
  });

/** Operator: replace a trim's or an option's price list (schedule a change by adding an entry). */
export const priceListUpdateSchema = z
  .object({
    expectedVersion: z.number().int().min(1),
    prices: z.array(priceEntrySchema).min(1).max(20),
    note: z.string().trim().max(200).optional(),
  })
  .strict();

const codeList = z.array(optionCodeSchema).max(40);
/** Operator: change an option's availability and rules (absent fields stay as they are). */
export const optionUpdateSchema = z
  .object({
    expectedVersion: z.number().int().min(1),
    name: z.string().trim().min(1).max(40).optional(),
    description: z.string().trim().max(200).optional(),
    availableOn: z.array(trimCodeSchema).max(20).optional(),
    requires: codeList.optional(),
    requiresAny: codeList.optional(),
    excludes: codeList.optional(),
    includes: codeList.optional(),
    prices: z.array(priceEntrySchema).min(1).max(20).optional(),
    note: z.string().trim().max(200).optional(),
  })
  .strict();
