import { z } from 'zod';
import {
  compareQuerySchema,
  modelCodeParamsSchema,
  modelListQuerySchema,
  modelListResponseSchema,
  modelSummarySchema,
} from '@carmall/shared-types/schemas';
import { route } from '../../infra/route';
import type { CatalogService } from './service';

export function catalogRoutes(service: CatalogService) {
  return [
    route({
      method: 'get',
      path: '/catalog/models',
      tag: 'catalog',
      summary: 'List models with filters (body type, energy, price, seats, range, text) and paging',
      query: modelListQuerySchema,
      response: modelListResponseSchema,
      handler: async (_ctx, { query }) => service.listModels(query),
    }),
    route({
      method: 'get',
      path: '/catalog/models/:code',
      tag: 'catalog',
      summary: 'One model with its trims, options, rules and price lists: the configurator input',
      params: modelCodeParamsSchema,
      response: z.object({ summary: modelSummarySchema, model: z.any(), version: z.number().int(), pricedAt: z.string() }),
      errors: [{ status: 404, code: 'NOT_FOUND', when: 'no model has this code' }],
      handler: async (_ctx, { params }) => service.getModel(params.code),
    }),
    route({
      method: 'get',
      path: '/catalog/compare',
      tag: 'catalog',
      summary: 'Compare 2-3 trims (trims=modelCode:trimCode,…): spec rows, differing ones marked',
      query: compareQuerySchema,
      errors: [
        { status: 404, code: 'NOT_FOUND', when: 'a model code is unknown' },
        { status: 404, code: 'UNKNOWN_TRIM', when: 'a trim code is unknown' },
      ],
      handler: async (_ctx, { query }) => service.compare(query.trims),
    }),
  ];
}
