import { z } from 'zod';
import { BODY_TYPES, RIVAL_DISCLAIMER } from '@carmall/shared-types';
import { route } from '../../infra/route';
import { rivalCarSchema } from './schema';
import type { RivalService } from './service';

export function rivalRoutes(rivals: RivalService) {
  return [
    route({
      method: 'get',
      path: '/catalog/rivals',
      tag: 'catalog',
      summary: '竞品: other brands’ cars with their public list prices and specs (shown for comparison, never sold); optional body type',
      query: z.object({ bodyType: z.enum(BODY_TYPES).optional() }).strict(),
      response: z.object({ items: z.array(rivalCarSchema), disclaimer: z.string() }),
      handler: async (_ctx, { query }) => ({
        items: (await rivals.list()).filter((r) => !query.bodyType || r.bodyType === query.bodyType),
        disclaimer: RIVAL_DISCLAIMER,
      }),
    }),
  ];
}
