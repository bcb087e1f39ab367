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
