import { z } from 'zod';
import {
  compareQuerySchema,
  modelCodeParamsSchema,
  modelListQuerySchema,
  modelListResponseSchema,
  modelSummarySchema,
  type ModelListQuery,
} from '@carmall/shared-types/schemas';
import { lockBusy, route } from '../../infra/route';
import type { AuthedUser } from '../auth/session';
import type { CatalogService } from './service';

/** What a signed-in buyer looked at (the recommendations module records it; never throws). */
export interface CatalogActivityHooks {
  onView?(user: AuthedUser, modelCode: string): Promise<void>;
  onCompare?(user: AuthedUser, modelCodes: string[]): Promise<void>;
  onFilter?(user: AuthedUser, query: ModelListQuery): Promise<void>;
}

export function catalogRoutes(service: CatalogService, hooks: CatalogActivityHooks = {}) {
  return [
    route({
      method: 'get',
      path: '/catalog/models',
      tag: 'catalog',
      summary: 'List models with filters (body type, energy, price, seats, range, text) and paging',
      query: modelListQuerySchema,
      response: modelListResponseSchema,
      errors: [lockBusy],
      handler: async (_ctx, { query, user }) => {
        const list = await service.listModels(query);
        if (user && hooks.onFilter) await hooks.onFilter(user, query);
        return list;
      },
    }),
    route({
      method: 'get',
      path: '/catalog/models/:code',
      tag: 'catalog',
      summary: 'One model with its trims, options, rules and price lists: the configurator input',
      params: modelCodeParamsSchema,
      response: z.object({ summary: modelSummarySchema, model: z.any(), version: z.number().int(), pricedAt: z.string() }),
      errors: [{ status: 404, code: 'NOT_FOUND', when: 'no model has this code' }, lockBusy],
      handler: async (_ctx, { params, user }) => {
        const detail = await service.getModel(params.code);
        if (user && hooks.onView) await hooks.onView(user, params.code);
        return detail;
      },
    }),
    route({
      method: 'get',
      path: '/catalog/compare',
      tag: 'catalog',
      summary: 'Compare 2-3 trims (trims=modelCode:trimCode,…; rival:<code> for a competitor car from /catalog/rivals): spec rows, differing ones marked',
      query: compareQuerySchema,
      response: z.object({
        trims: z.array(
          z.object({
            modelCode: z.string(),
            modelName: z.string(),
            trimCode: z.string(),
            trimName: z.string(),
            rival: z.object({ brand: z.string(), source: z.string(), asOf: z.string() }).optional(),
          }),
        ),
        rows: z.array(
          z.object({ key: z.string(), label: z.string(), values: z.array(z.union([z.number(), z.string(), z.null()])), display: z.array(z.string()), differs: z.boolean() }),
        ),
        disclaimer: z.string().nullable(),
      }),
      errors: [
        { status: 404, code: 'NOT_FOUND', when: 'a model code (or a rival code) is unknown' },
        { status: 404, code: 'UNKNOWN_TRIM', when: 'a trim code is unknown' },
        lockBusy,
      ],
      handler: async (_ctx, { query, user }) => {
        const result = await service.compare(query.trims);
        // Our models only: a rival is not an interest the recommender can act on.
        if (user && hooks.onCompare) await hooks.onCompare(user, [...new Set(query.trims.map((t) => t.split(':')[0]).filter((m) => m !== 'rival'))]);
        return result;
      },
    }),
  ];
}
