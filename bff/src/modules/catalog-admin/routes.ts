import { z } from 'zod';
import {
  modelCodeSchema,
  optionCodeSchema,
  optionUpdateSchema,
  priceListUpdateSchema,
  trimCodeSchema,
} from '@carmall/shared-types/schemas';
import { route, type RouteError } from '../../infra/route';
import type { Role } from '../auth/session';
import type { CatalogAdminService } from './service';

const OPERATORS: Role[] = ['operator', 'admin'];
const writeErrors: RouteError[] = [
  { status: 404, code: 'NOT_FOUND', when: 'the model does not exist' },
  { status: 404, code: 'UNKNOWN_TRIM', when: 'the trim does not exist' },
  { status: 404, code: 'UNKNOWN_OPTION', when: 'the option does not exist' },
  { status: 409, code: 'VERSION_CONFLICT', when: 'expectedVersion is not the current version (someone else changed it)' },
  { status: 422, code: 'CATALOG_INVALID', when: 'the change would break the catalog rules; details.problems lists them' },
];

export function catalogAdminRoutes(service: CatalogAdminService) {
  return [
    route({
      method: 'put',
      path: '/admin/catalog/models/:code/trims/:trimCode/prices',
      tag: 'catalog-admin',
      summary: "Replace a trim's price list (add an entry with a future effectiveFrom to schedule a change)",
      auth: OPERATORS,
      params: z.object({ code: modelCodeSchema, trimCode: trimCodeSchema }),
      body: priceListUpdateSchema,
      errors: writeErrors,
      handler: async (_ctx, { params, body, user }) => service.setTrimPrices(params.code, params.trimCode, body, user!.id),
    }),
    route({
      method: 'patch',
      path: '/admin/catalog/models/:code/options/:optionCode',
      tag: 'catalog-admin',
      summary: "Change an option's name, availability, rules or price list",
      auth: OPERATORS,
      params: z.object({ code: modelCodeSchema, optionCode: optionCodeSchema }),
      body: optionUpdateSchema,
      errors: writeErrors,
      handler: async (_ctx, { params, body, user }) => service.updateOption(params.code, params.optionCode, body, user!.id),
    }),
    route({
      method: 'get',
      path: '/admin/catalog/audit',
      tag: 'catalog-admin',
      summary: 'Who changed what in the catalog, newest first',
      auth: OPERATORS,
      query: z
        .object({
          modelCode: modelCodeSchema.optional(),
          limit: z.string().regex(/^\d+$/).transform(Number).pipe(z.number().int().min(1).max(200)).optional().default(50),
        })
        .strict(),
      handler: async (_ctx, { query }) => service.audit(query.modelCode, query.limit),
    }),
  ];
}
