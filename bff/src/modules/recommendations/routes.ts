import { z } from 'zod';
import { BODY_TYPES } from '@carmall/shared-types';
import { modelCodeParamsSchema, modelSummarySchema } from '@carmall/shared-types/schemas';
import { serviceUnavailable } from '../../infra/errors';
import { lockBusy, route } from '../../infra/route';
import { rivalMatchSchema, specDifferenceSchema } from '../rivals/schema';
import type { RecommendationService, TrainResult } from './service';

const limitQuery = (max: number, def: number) =>
  z.object({ limit: z.coerce.number().int().min(1, 'limit 至少为 1').max(max, `limit 最多为 ${max}`).optional().default(def) }).strict();

const fen = z.number().int().min(0).max(1_000_000_000);
const preferencesBody = z
  .object({
    minPriceFen: fen.nullable().optional(),
    maxPriceFen: fen.nullable().optional(),
    bodyTypes: z.array(z.enum(BODY_TYPES)).max(BODY_TYPES.length).optional(),
  })
  .strict()
  .refine((p) => p.minPriceFen == null || p.maxPriceFen == null || p.minPriceFen <= p.maxPriceFen, {
    message: '最低预算不能高于最高预算',
    path: ['minPriceFen'],
    params: { rule: 'minPriceFen is not above maxPriceFen (when both are set)' },
  });
const preferencesSchema = z.object({
  minPriceFen: fen.optional(),
  maxPriceFen: fen.optional(),
  bodyTypes: z.array(z.enum(BODY_TYPES)),
  /** explicit: set by the buyer; filters: learnt from the list filters they used; null: none yet. */
  source: z.enum(['explicit', 'filters']).nullable(),
});

export function recommendationRoutes(service: RecommendationService, trainNow: () => Promise<TrainResult>) {
  return [
    route({
      method: 'get',
      path: '/me/recommendations',
      tag: 'recommendations',
      summary: '为你推荐: models for the signed-in buyer from their own events (CF + content, budget/body preference applied, ordered models left out), each with its reason and the closest other brand’s car (rival, with how ours differs); popular models for a new buyer',
      auth: 'user',
      query: limitQuery(20, 6),
      response: z.object({
        modelVersion: z.number().int(),
        trainedAt: z.string().nullable(),
        personalized: z.boolean(),
        preferences: preferencesSchema,
        items: z.array(
          z.object({ model: modelSummarySchema, reason: z.string(), source: z.enum(['collaborative', 'content', 'popular']), score: z.number(), rival: rivalMatchSchema.nullable() }),
        ),
      }),
      errors: [lockBusy],
      handler: async (_ctx, { query, user }) => service.forUser(user!.id, query.limit),
    }),
    route({
      method: 'get',
      path: '/me/recommendations/preferences',
      tag: 'recommendations',
      summary: "The buyer's budget and body-type preference (explicit, or learnt from the list filters they used)",
      auth: 'user',
      response: preferencesSchema,
      handler: async (_ctx, { user }) => service.preferences(user!.id),
    }),
    route({
      method: 'put',
      path: '/me/recommendations/preferences',
      tag: 'recommendations',
      summary: 'Set the budget (fen) and body types recommendations are filtered by; null/[] clears',
      auth: 'user',
      body: preferencesBody,
      response: preferencesSchema,
      handler: async (_ctx, { body, user }) => service.setPreferences(user!.id, body, 'explicit'),
    }),
    route({
      method: 'get',
      path: '/catalog/models/:code/similar',
      tag: 'recommendations',
      summary: '相似车型: models similar to this one (co-interest from precomputed neighbours blended with specification similarity), with the differences marked (续航 +120 km, 价格 -¥18,000); and rivals: the other brands’ cars closest to it (same body type, price within a third), with how this model differs from each',
      params: modelCodeParamsSchema,
      query: limitQuery(10, 4),
      response: z.object({
        modelCode: z.string(),
        modelVersion: z.number().int(),
        items: z.array(z.object({ model: modelSummarySchema, score: z.number(), reason: z.string(), differences: z.array(specDifferenceSchema) })),
        rivals: z.array(rivalMatchSchema),
      }),
      errors: [{ status: 404, code: 'NOT_FOUND', when: 'no model has this code' }, lockBusy],
      handler: async (_ctx, { params, query }) => service.similar(params.code, query.limit),
    }),
    route({
      method: 'post',
      path: '/admin/recommendations/train',
      tag: 'recommendations',
      summary: 'Operator/admin: retrain now (runs the BullMQ training job and waits for it); answers the new version',
      auth: ['admin', 'operator'],
      errors: [{ status: 503, code: 'SERVICE_UNAVAILABLE', when: 'the training job failed or did not finish within a minute (no worker running?)' }],
      response: z.object({ version: z.number().int(), trainedAt: z.string(), users: z.number().int(), items: z.number().int(), interactions: z.number().int() }),
      handler: async () => {
        try {
          return await trainNow();
        } catch (err) {
          // A failed job or a wait that timed out (no worker): the job may still run; say so, not 500.
          throw serviceUnavailable('推荐模型训练暂时无法完成，请稍后再试', { reason: (err as Error).message });
        }
      },
    }),
  ];
}
