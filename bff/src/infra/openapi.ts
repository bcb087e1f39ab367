import { z } from 'zod';
import type { AnyRoute } from './route';
import { errorBodySchema } from '@carmall/shared-types/schemas';

const toSchema = (schema: z.ZodType, io: 'input' | 'output') =>
  z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'openapi-3.0' }) as Record<string, unknown>;

/** OpenAPI 3.0 document built from the same route specs that validate requests. */
export function buildOpenApi(routes: AnyRoute[], info: { version: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = '/api/v1' + r.path.replace(/:([A-Za-z_]+)/g, '{$1}');
    const parameters: unknown[] = [];
    for (const [where, schema] of [['query', r.query], ['path', r.params]] as const) {
      if (!schema) continue;
      const json = toSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, s] of Object.entries(json.properties ?? {})) {
        parameters.push({ name, in: where, required: where === 'path' || (json.required ?? []).includes(name), schema: s });
      }
    }
    const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: toSchema(errorBodySchema, 'output') } } });
    const responses: Record<string, unknown> = {
      [String(r.status ?? 200)]: r.response
        ? { description: 'OK', content: { 'application/json': { schema: toSchema(r.response, 'output') } } }
        : { description: 'OK' },
      '400': errorResponse('VALIDATION_FAILED: the request does not match the schema'),
    };
    if (r.auth && r.auth !== 'public') {
      responses['401'] = errorResponse('UNAUTHENTICATED');
      if (Array.isArray(r.auth)) responses['403'] = errorResponse(`FORBIDDEN: needs one of ${r.auth.join(', ')}`);
    }
    for (const e of r.errors ?? []) responses[String(e.status)] = errorResponse(`${e.code}: ${e.when}`);
    paths[path] ??= {};
    paths[path][r.method] = {
      summary: r.summary,
      tags: [r.tag],
      parameters,
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: toSchema(r.body, 'input') } } } } : {}),
      ...(r.auth && r.auth !== 'public' ? { security: [{ bearer: [] }] } : {}),
      responses,
    };
  }
  return {
    openapi: '3.0.3',
    info: { title: 'carmall BFF', version: info.version, description: 'Backend-for-frontend of the carmall mini-program. Errors: { error: { code, message, details, requestId } }.' },
    servers: [{ url: '/' }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    paths,
  };
}
