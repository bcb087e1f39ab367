import { z } from 'zod';
import {
  adminModelDetailSchema,
  adminModelListSchema,
  catalogAuditListSchema,
  modelCodeSchema,
  optionCodeSchema,
  optionUpdateSchema,
  priceListUpdateSchema,
  publicationBodySchema,
  trimCodeSchema,
} from '@carmall/shared-types/schemas';
import { route, type RouteError } from '../../infra/route';
import type { Role } from '../auth/session';
import type { CatalogAdminService } from './service';

/** Who edits the catalog (the console's CATALOG_EDITOR_ROLES; service staff and advisors get 403). */
const OPERATORS: Role[] = ['operator', 'admin'];
const writeErrors: RouteError[] = [
  { status: 404, code: 'NOT_FOUND', when: 'the model does not exist' },
  { status: 404, code: 'UNKNOWN_TRIM', when: 'the trim does not exist' },
  { status: 404, code: 'UNKNOWN_OPTION', when: 'the option does not exist' },
  { status: 409, code: 'VERSION_CONFLICT', when: 'expectedVersion is not the current version (someone else changed it): details.currentVersion and details.changes say what changed' },
  { status: 422, code: 'CATALOG_INVALID', when: 'the change would break the catalog rules; details.problems lists them (scope, code, field, kind, message)' },
];
const modelParams = z.object({ code: modelCodeSchema });
const noModel: RouteError = { status: 404, code: 'NOT_FOUND', when: 'the model does not exist' };

export function catalogAdminRoutes(service: CatalogAdminService) {
  return [
    route({
      method: 'get',
      path: '/admin/catalog/models',
      tag: 'catalog-admin',
      summary: 'Every model, published or not, with its version and starting price (the console’s catalog list)',
      auth: OPERATORS,
      response: adminModelListSchema,
      handler: async () => service.list(),
    }),
    route({
      method: 'get',
      path: '/admin/catalog/models/:code',
      tag: 'catalog-admin',
      summary: 'One model for the editor: uncached, with its version, published flag and the problems the rules find now',
      auth: OPERATORS,
      params: modelParams,
      response: adminModelDetailSchema,
      errors: [noModel],
      handler: async (_ctx, { params }) => service.detail(params.code),
    }),
    route({
      method: 'put',
      path: '/admin/catalog/models/:code/trims/:trimCode/prices',
      tag: 'catalog-admin',
      summary: "Replace a trim's price list (add an entry with a future effectiveFrom to schedule a change)",
      auth: OPERATORS,
      params: z.object({ code: modelCodeSchema, trimCode: trimCodeSchema }),
      body: priceListUpdateSchema,
      response: adminModelDetailSchema,
      errors: writeErrors,
      handler: async (ctx, { params, body, user }) => service.setTrimPrices(params.code, params.trimCode, body, { user: user!, ctx }),
    }),
    route({
      method: 'patch',
      path: '/admin/catalog/models/:code/options/:optionCode',
      tag: 'catalog-admin',
      summary: "Change an option's name, availability, rules or price list",
      auth: OPERATORS,
      params: z.object({ code: modelCodeSchema, optionCode: optionCodeSchema }),
      body: optionUpdateSchema,
      response: adminModelDetailSchema,
      errors: writeErrors,
      handler: async (ctx, { params, body, user }) => service.updateOption(params.code, params.optionCode, body, { user: user!, ctx }),
    }),
    route({
      method: 'put',
      path: '/admin/catalog/models/:code/publication',
      tag: 'catalog-admin',
      summary: 'Publish a model (buyers see it in lists, on its page and can order it) or unpublish it',
      auth: OPERATORS,
      params: modelParams,
      body: publicationBodySchema,
      response: adminModelDetailSchema,
      errors: [noModel, ...writeErrors.filter((e) => e.status !== 404)],
      handler: async (ctx, { params, body, user }) => service.setPublished(params.code, body, { user: user!, ctx }),
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
      response: catalogAuditListSchema,
      handler: async (_ctx, { query }) => service.audit(query.modelCode, query.limit),
    }),
  ];
}
