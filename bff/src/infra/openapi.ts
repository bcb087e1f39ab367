import { z } from 'zod';
import type { ErrorCode } from '@carmall/shared-types';
import type { AnyRoute, RouteError } from './route';
import { HEADER_ERRORS, lockBusy } from './route';

const toSchema = (schema: z.ZodType, io: 'input' | 'output') =>
  z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'openapi-3.0' }) as Record<string, unknown>;

const WRITES = new Set(['post', 'put', 'patch', 'delete']);

/** One status a route can answer: a success with its schema, or errors with the codes they carry. */
export interface Answer {
  status: number;
  description: string;
  /** Success: the body's schema (none: no body, or not JSON). */
  schema?: z.ZodType;
  /** Errors: the codes an answer of this status can carry, each with when. */
  errors?: RouteError[];
  /** Response headers (beyond X-Request-Id, which every answer has): name → what it says. */
  headers?: Record<string, string>;
  contentType?: string;
}

const RETRY_AFTER = 'seconds to wait before trying again';

/**
 * Every status a route can answer: its success status(es), the errors every route of its kind
 * answers (derived from what the route declares: validation, headers, body, auth, writes), and
 * the errors it declares itself.
 */
export function responsesOf(r: AnyRoute): Answer[] {
  const errors: RouteError[] = [{ status: 400, code: 'VALIDATION_FAILED', when: 'the request does not match the schema (details lists the problems), or its body is not JSON' }];
  for (const name of Object.keys(r.headers?.shape ?? {})) {
    const code = HEADER_ERRORS[name.toLowerCase()];
    if (code) errors.push({ status: 400, code, when: `no valid ${name} header` });
  }
  if (r.body) errors.push({ status: 413, code: 'PAYLOAD_TOO_LARGE', when: 'the body is over 100 KB' });
  if (r.auth && r.auth !== 'public') {
    errors.push({ status: 401, code: 'UNAUTHENTICATED', when: 'no valid access token (refresh it, or sign in)' });
    if (Array.isArray(r.auth)) errors.push({ status: 403, code: 'FORBIDDEN', when: `the user has none of the roles ${r.auth.join(', ')}` });
  }
  if (WRITES.has(r.method)) {
    errors.push({ status: 429, code: 'RATE_LIMITED', when: 'too many writes from this IP or user in a minute (Retry-After says when to retry)' });
    errors.push(lockBusy);
  }
  errors.push({ status: 503, code: 'SERVICE_UNAVAILABLE', when: 'the database or cache is unavailable (Retry-After)' });
  errors.push(...(r.errors ?? []));
  if (r.params && r.notFound !== false && !errors.some((e) => e.status === 404)) {
    errors.push({ status: 404, code: 'NOT_FOUND', when: `nothing has this ${Object.keys((r.params as z.ZodObject).shape ?? {}).join(' and ')}, or it is not the caller's to see` });
  }

  const answers: Answer[] = [
    {
      status: r.status ?? 200,
      description: r.status === 204 ? 'No content' : 'OK',
      ...(r.response ? { schema: r.response } : {}),
      ...(r.contentType ? { contentType: r.contentType } : {}),
      ...(r.responseHeaders ? { headers: r.responseHeaders } : {}),
    },
    ...(r.otherResponses ?? []).map((o) => ({ status: o.status, description: o.description, ...(o.schema ? { schema: o.schema } : {}) })),
  ];
  const byStatus = new Map<number, RouteError[]>();
  for (const e of errors) {
    const list = byStatus.get(e.status) ?? [];
    if (!list.some((x) => x.code === e.code && x.when === e.when)) list.push(e);
    byStatus.set(e.status, list);
  }
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    answers.push({
      status,
      description: list.map((e) => `${e.code}: ${e.when}`).join('; '),
      errors: list,
      ...(status === 429 || status === 503 ? { headers: { 'Retry-After': RETRY_AFTER } } : {}),
    });
  }
  return answers;
}

/** The error codes a route can answer with a status (empty: that status is not declared as an error). */
export function errorCodesOf(r: AnyRoute, status: number): ErrorCode[] {
  return [...new Set(responsesOf(r).find((a) => a.status === status)?.errors?.map((e) => e.code) ?? [])];
}

/** A rule a zod refinement checks that JSON Schema cannot say (e.g. `from` not after `to`). */
export interface Rule {
  in: 'query' | 'body' | 'path' | 'header';
  /** Where the refined value sits ('' = the whole query/body; `prices[]` = each price entry). */
  at: string;
  /** The field a broken rule is reported on (details[].path), when the rule names one. */
  field?: string;
  rule: string;
}

type Def = { type: string; checks?: Array<{ _zod: { def: { check?: string; params?: { rule?: unknown }; path?: PropertyKey[] } } }> } & Record<string, unknown>;

/**
 * The refinements of a schema, with the description each carries in its params
 * (`.refine(fn, { message, params: { rule: '…' } })`). A refinement without one is listed as
 * undescribed (the contract test fails on it).
 */
export function rulesOf(schema: z.ZodType, where: Rule['in']): Rule[] {
  const out: Rule[] = [];
  const onPath = new Set<unknown>(); // guards recursive schemas; a schema used twice is listed at both places
  const join = (at: string, key: string) => (at ? `${at}.${key}` : key);
  const walk = (s: unknown, at: string) => {
    if (!s || typeof s !== 'object' || onPath.has(s)) return;
    const def = (s as { _zod?: { def?: Def } })._zod?.def;
    if (!def) return;
    onPath.add(s);
    for (const check of def.checks ?? []) {
      const c = check._zod.def;
      if (c.check !== 'custom') continue;
      const field = c.path?.length ? c.path.map(String).reduce(join, at) : undefined;
      out.push({ in: where, at, ...(field ? { field } : {}), rule: typeof c.params?.rule === 'string' ? c.params.rule : 'undescribed refinement' });
    }
    switch (def.type) {
      case 'object':
        for (const [k, v] of Object.entries(def.shape as Record<string, unknown>)) walk(v, join(at, k));
        break;
      case 'array':
        walk(def.element, `${at}[]`);
        break;
      case 'pipe':
        walk(def.in, at);
        walk(def.out, at);
        break;
      case 'union':
        for (const o of def.options as unknown[]) walk(o, at);
        break;
      case 'intersection':
        walk(def.left, at);
        walk(def.right, at);
        break;
      case 'record':
        walk(def.valueType, `${at}{}`);
        break;
      case 'tuple':
        (def.items as unknown[]).forEach((item, i) => walk(item, `${at}[${i}]`));
        break;
      default:
        if (def.innerType) walk(def.innerType, at); // optional, nullable, default, readonly, catch…
    }
    onPath.delete(s);
  };
  walk(schema, '');
  return out;
}

/** Every rule of a route's request (query, body, path parameters). */
export function routeRules(r: AnyRoute): Rule[] {
  return [...(r.query ? rulesOf(r.query, 'query') : []), ...(r.body ? rulesOf(r.body, 'body') : []), ...(r.params ? rulesOf(r.params, 'path') : [])];
}

const errorBodySchemaOf = (codes: string[]) => ({
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'requestId'],
      properties: {
        code: { type: 'string', enum: codes },
        message: { type: 'string', description: 'for people (Simplified Chinese); branch on code' },
        details: { description: 'what went wrong, by code (e.g. the validation problems)' },
        requestId: { type: 'string' },
      },
    },
  },
});

/** OpenAPI 3.0 document built from the same route specs that validate requests. */
export function buildOpenApi(routes: AnyRoute[], info: { version: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = '/api/v1' + r.path.replace(/:([A-Za-z_]+)/g, '{$1}');
    const parameters: unknown[] = [];
    for (const [where, schema] of [['query', r.query], ['path', r.params], ['header', r.headers]] as const) {
      if (!schema) continue;
      const json = toSchema(schema, 'input') as { properties?: Record<string, { description?: string }>; required?: string[] };
      for (const [name, s] of Object.entries(json.properties ?? {})) {
        const { description, ...rest } = s;
        parameters.push({ name, in: where, required: where === 'path' || (json.required ?? []).includes(name), ...(description ? { description } : {}), schema: rest });
      }
    }
    const responses: Record<string, unknown> = {};
    for (const a of responsesOf(r)) {
      const headers = { 'X-Request-Id': { $ref: '#/components/headers/X-Request-Id' }, ...Object.fromEntries(Object.entries(a.headers ?? {}).map(([name, description]) => [name, name === 'Retry-After' ? { $ref: '#/components/headers/Retry-After' } : { description, schema: { type: 'string' } }])) };
      const content = a.errors
        ? { 'application/json': { schema: errorBodySchemaOf([...new Set(a.errors.map((e) => e.code))]) } }
        : a.schema
          ? { [a.contentType ?? 'application/json']: { schema: toSchema(a.schema, 'output') } }
          : a.contentType
            ? { [a.contentType]: { schema: { type: 'string', format: 'binary' } } }
            : undefined;
      responses[String(a.status)] = { description: a.description, headers, ...(content ? { content } : {}) };
    }
    const rules = routeRules(r);
    const description = rules.length
      ? `${r.summary}\n\nRules the schemas cannot express (a request breaking one is a 400 VALIDATION_FAILED):\n${rules.map((x) => `- ${x.in} \`${x.field ?? (x.at || '(whole)')}\`: ${x.rule}`).join('\n')}`
      : undefined;
    paths[path] ??= {};
    paths[path][r.method] = {
      operationId: `${r.method}${r.path.replace(/[:/.-]+(\w)/g, (_, c: string) => c.toUpperCase())}`,
      summary: r.summary,
      ...(description ? { description } : {}),
      tags: [r.tag],
      parameters,
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: toSchema(r.body, 'input') } } } } : {}),
      ...(rules.length ? { 'x-rules': rules } : {}),
      ...(r.auth && r.auth !== 'public' ? { security: [{ bearer: [] }] } : {}),
      responses,
    };
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'carmall BFF',
      version: info.version,
      description:
        'Backend-for-frontend of the carmall mini-program. Errors: { error: { code, message, details, requestId } }; each operation lists every status it can answer and, per status, the codes. x-rules lists the checks on a request that span fields (or that JSON Schema cannot express).',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      headers: {
        'X-Request-Id': { description: "the request's id (the caller's own when it sent a sane one); quote it when reporting a problem", schema: { type: 'string' } },
        'Retry-After': { description: RETRY_AFTER, schema: { type: 'integer', minimum: 1 } },
      },
    },
    paths,
  };
}
