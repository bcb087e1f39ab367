import { z } from 'zod';
import { BODY_TYPES, ENERGY_TYPES } from '../catalog';
import { OPTION_GROUPS, type CatalogModel } from '../configurator/types';
import { fenSchema, queryInt } from './common';
import { modelCodeSchema, optionCodeSchema, trimCodeSchema } from './catalog';

/** The console's catalog editor and stock screen (operator/admin): answers and bodies. */

const storedPriceSchema = z.object({ amountFen: fenSchema, effectiveFrom: z.string(), effectiveTo: z.string().optional() });

/** A catalog model as stored (the configurator's input; shared-types CatalogModel). */
export const catalogModelSchema = z.object({
  code: z.string(),
  name: z.string(),
  series: z.string(),
  bodyType: z.enum(BODY_TYPES),
  energyType: z.enum(ENERGY_TYPES),
  tagline: z.string(),
  featured: z.boolean(),
  coverColor: z.string(),
  rangeKm: z.number().nullable().optional(),
  trims: z.array(
    z.object({
      code: z.string(),
      name: z.string(),
      prices: z.array(storedPriceSchema),
      specs: z.record(z.string(), z.union([z.number(), z.string(), z.null()])),
      defaults: z.array(z.string()),
    }),
  ),
  options: z.array(
    z.object({
      code: z.string(),
      group: z.enum(OPTION_GROUPS),
      name: z.string(),
      description: z.string().optional(),
      swatch: z.string().optional(),
      prices: z.array(storedPriceSchema),
      availableOn: z.array(z.string()),
      includes: z.array(z.string()).optional(),
      requires: z.array(z.string()).optional(),
      requiresAny: z.array(z.string()).optional(),
      excludes: z.array(z.string()).optional(),
    }),
  ),
});

export const catalogProblemSchema = z.object({
  scope: z.enum(['model', 'trim', 'option']),
  code: z.string().nullable(),
  field: z.string().nullable(),
  kind: z.enum(['DATA', 'UNKNOWN_TRIM', 'UNKNOWN_OPTION', 'OPTION_NOT_AVAILABLE', 'CONFLICT', 'REQUIREMENT_UNMET', 'GROUP_CARDINALITY']),
  message: z.string(),
});

/** One model as the editor loads it: uncached, with its version, whether buyers see it, and its problems now. */
export const adminModelDetailSchema = z.object({
  model: catalogModelSchema,
  version: z.number().int(),
  published: z.boolean(),
  updatedAt: z.string().nullable(),
  /** The instant the problems and prices were evaluated at (ISO UTC). */
  pricedAt: z.string(),
  problems: z.array(catalogProblemSchema),
});
/** The model typed as the engine's CatalogModel (the schema checks the same shape, specs loosely). */
export type AdminModelDetail = Omit<z.infer<typeof adminModelDetailSchema>, 'model'> & { model: CatalogModel };

export const adminModelListSchema = z.object({
  items: z.array(
    z.object({
      code: z.string(),
      name: z.string(),
      series: z.string(),
      bodyType: z.enum(BODY_TYPES),
      energyType: z.enum(ENERGY_TYPES),
      published: z.boolean(),
      version: z.number().int(),
      /** Lowest trim price in force; null when no trim is on sale. */
      startingPriceFen: fenSchema.nullable(),
      trims: z.number().int(),
      options: z.number().int(),
      nextPriceChangeAt: z.string().nullable(),
      updatedAt: z.string().nullable(),
    }),
  ),
});
export type AdminModelList = z.infer<typeof adminModelListSchema>;

export const publicationBodySchema = z
  .object({ expectedVersion: z.number().int().min(1), published: z.boolean(), note: z.string().trim().max(200).optional() })
  .strict();

/** What someone else changed since the version an editor loaded (409 VERSION_CONFLICT's details.changes). */
export const catalogChangeSchema = z.object({
  action: z.string(),
  target: z.string(),
  actorId: z.string(),
  note: z.string().nullable(),
  fromVersion: z.number().int(),
  at: z.string(),
});
export type CatalogChange = z.infer<typeof catalogChangeSchema>;

export const catalogAuditListSchema = z.object({
  items: z.array(
    catalogChangeSchema.extend({
      id: z.string(),
      modelCode: z.string(),
      before: z.unknown(),
      after: z.unknown(),
      status: z.enum(['pending', 'applied', 'rejected']),
    }),
  ),
});
export type CatalogAuditList = z.infer<typeof catalogAuditListSchema>;

// --- Stock -------------------------------------------------------------------------------------

/** Where cars are counted. Only the national pool exists today; the key and the rows already carry it. */
export const stockRegionSchema = z.string().regex(/^[a-z][a-z0-9-]{0,29}$/, '地区编码不正确');

export const stockRowSchema = z.object({
  key: z.string(),
  modelCode: z.string(),
  trimCode: z.string(),
  paintCode: z.string(),
  region: z.string(),
  /** Cars for sale in total (held ones included). */
  total: z.number().int(),
  /** Cars held by orders (the stock can never go below this). */
  held: z.number().int(),
  /** Cars a buyer can order now (the admission gate's free count). */
  available: z.number().int(),
  /** Set while a launch owns this stock. */
  launchCode: z.string().nullable(),
  updatedAt: z.string().nullable(),
});
export type StockRow = z.infer<typeof stockRowSchema>;
export const stockListSchema = z.object({ items: z.array(stockRowSchema) });

export const stockListQuerySchema = z.object({ modelCode: modelCodeSchema.optional(), region: stockRegionSchema.optional() }).strict();

export const STOCK_ADJUSTMENT_KINDS = ['inbound', 'adjustment'] as const;
export const stockAdjustmentBodySchema = z
  .object({
    modelCode: modelCodeSchema,
    trimCode: trimCodeSchema,
    paintCode: optionCodeSchema,
    region: stockRegionSchema.optional().default('national'),
    /** inbound: cars arrived (delta > 0); adjustment: a correction either way (delta ≠ 0). */
    kind: z.enum(STOCK_ADJUSTMENT_KINDS),
    delta: z.number().int().min(-100_000).max(100_000),
    reason: z.string().trim().min(2).max(200),
  })
  .strict()
  .refine((b) => b.delta !== 0, { message: '数量不能为 0', path: ['delta'], params: { rule: 'delta is not 0' } })
  .refine((b) => b.kind !== 'inbound' || b.delta > 0, { message: '入库数量必须为正数', path: ['delta'], params: { rule: 'an inbound delta is positive' } });
export type StockAdjustmentBody = z.infer<typeof stockAdjustmentBodySchema>;

export const stockAdjustmentSchema = z.object({
  id: z.string(),
  key: z.string(),
  modelCode: z.string(),
  trimCode: z.string(),
  paintCode: z.string(),
  region: z.string(),
  kind: z.enum(['inbound', 'adjustment', 'set']),
  delta: z.number().int(),
  before: z.number().int(),
  after: z.number().int(),
  reason: z.string(),
  actorId: z.string(),
  status: z.enum(['pending', 'applied', 'rejected']),
  at: z.string(),
});
export type StockAdjustment = z.infer<typeof stockAdjustmentSchema>;
export const stockAdjustmentAnswerSchema = z.object({ adjustment: stockAdjustmentSchema, stock: stockRowSchema });
export type StockAdjustmentAnswer = z.infer<typeof stockAdjustmentAnswerSchema>;
export const stockAdjustmentListSchema = z.object({ items: z.array(stockAdjustmentSchema) });
export const stockAdjustmentListQuerySchema = z
  .object({ key: z.string().min(3).max(200).optional(), modelCode: modelCodeSchema.optional(), limit: queryInt(1, 200).optional().default(50) })
  .strict();
