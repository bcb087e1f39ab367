import { modelListQuerySchema, modelListResponseSchema } from '@carmall/shared-types/schemas';
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
  ];
}
