import { z } from 'zod';
import {
  configurationRequestSchema,
  resolvedConfigSchema,
  savedConfigurationSchema,
  shortIdParamsSchema,
} from '@carmall/shared-types/schemas';
import { route, type RouteError } from '../../infra/route';
import type { AuthedUser } from '../auth/session';
import type { ConfigurationService } from './service';

/** What pricing a configuration (ConfigurationService.price) can answer; routes that price one list these. */
export const configuratorErrors: RouteError[] = [
  { status: 404, code: 'NOT_FOUND', when: 'the model is unknown' },
  { status: 404, code: 'UNKNOWN_TRIM', when: 'the trim is not one of the model' },
  ...(['UNKNOWN_OPTION', 'OPTION_NOT_AVAILABLE', 'OPTION_CONFLICT', 'REQUIREMENT_UNMET', 'GROUP_CARDINALITY'] as const).map(
    (code): RouteError => ({ status: 422, code, when: 'the choices break a rule; details.codes names the options' }),
  ),
  { status: 409, code: 'NO_PRICE', when: 'the trim or an option has no price in force (not on sale)' },
];

/** Called after a signed-in buyer saves a configuration (recommendations record it; never throws). */
export type SavedConfigurationHook = (user: AuthedUser, saved: { shortId: string; modelCode: string }) => Promise<void>;

export function configurationRoutes(service: ConfigurationService, onSaved?: SavedConfigurationHook) {
  return [
    route({
      method: 'post',
      path: '/configurations',
      tag: 'configurations',
      summary: 'Validate and price a configuration (required options added, conflicts explained)',
      body: configurationRequestSchema,
      response: z.object({ config: resolvedConfigSchema, modelVersion: z.number().int() }),
      errors: configuratorErrors,
      handler: async (_ctx, { body }) => {
        const { config, modelVersion } = await service.price(body);
        return { config, modelVersion };
      },
    }),
    route({
      method: 'post',
      path: '/configurations/saved',
      tag: 'configurations',
      summary: 'Save a configuration with its prices frozen; returns a short shareable id (idempotent)',
      body: configurationRequestSchema,
      status: 201,
      response: savedConfigurationSchema,
      errors: configuratorErrors,
      handler: async (_ctx, { body, user }) => {
        const saved = await service.save(body, user?.id ?? null);
        if (user && onSaved) await onSaved(user, { shortId: saved.shortId, modelCode: body.modelCode });
        return saved;
      },
    }),
    route({
      method: 'get',
      path: '/configurations/saved/:shortId',
      tag: 'configurations',
      summary: 'A saved configuration by short id, with the same choices priced now',
      params: shortIdParamsSchema,
      response: savedConfigurationSchema,
      errors: [{ status: 404, code: 'NOT_FOUND', when: 'no configuration has this id' }],
      handler: async (_ctx, { params }) => service.get(params.shortId),
    }),
    route({
      method: 'get',
      path: '/me/configurations',
      tag: 'configurations',
      summary: "The signed-in buyer's saved configurations, newest first",
      auth: 'user',
      response: z.object({ items: z.array(savedConfigurationSchema) }),
      handler: async (_ctx, { user }) => service.listMine(user!.id),
    }),
    route({
      method: 'delete',
      path: '/me/configurations/:shortId',
      tag: 'configurations',
      summary: 'Delete one of my saved configurations',
      auth: 'user',
      params: shortIdParamsSchema,
      status: 204,
      errors: [{ status: 404, code: 'NOT_FOUND', when: 'not one of mine' }],
      handler: async (_ctx, { params, user }) => service.deleteMine(user!.id, params.shortId),
    }),
  ];
}
