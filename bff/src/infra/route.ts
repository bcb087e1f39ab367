import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import type { ErrorCode } from '@carmall/shared-types';
import { AppError, validationFailed } from './errors';
import type { AuthedUser, Role } from '../modules/auth/session';

/** An error a route can answer with, beyond the ones every route of its kind can (see openapi.ts `responsesOf`). */
export interface RouteError {
  status: number;
  code: ErrorCode;
  when: string;
}

/**
 * 409 REQUEST_IN_PROGRESS: a resource's Redis lock (infra/lock.ts) stayed taken past its wait.
 * Every write lists it (derived); reads that may take a lock (a catalog read applying a due price
 * change) list this.
 */
export const lockBusy: RouteError = { status: 409, code: 'REQUEST_IN_PROGRESS', when: 'another request is changing the same resource; retry shortly' };

/** A success answer other than the route's usual one (a handler's `withStatus(…)`), e.g. 202 while work goes on. */
export interface OtherResponse {
  status: number;
  description: string;
  schema?: z.ZodType;
}

/**
 * One declaration per endpoint: its zod schemas validate the request AND produce the OpenAPI
 * document, so the two cannot drift apart. Handlers receive already-parsed input.
 */
export interface RouteSpec<Q extends z.ZodType, B extends z.ZodType, P extends z.ZodType, H extends z.ZodObject = z.ZodObject<{}>> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Path relative to /api/v1, in @koa/router syntax (":code"). */
  path: string;
  summary: string;
  tag: string;
  query?: Q;
  /** The JSON request body; a request without one is a 400 VALIDATION_FAILED. */
  body?: B;
  params?: P;
  /**
   * The path names something looked up, so a route with params can answer 404 NOT_FOUND (derived
   * when the route declares no 404 of its own). False for a route that creates what its path names.
   */
  notFound?: false;
  /**
   * The request headers the handler reads, by their canonical names (`Idempotency-Key`), e.g.
   * `idempotencyKeyHeader`. Validated like query and body (a missing or malformed one is a 400:
   * the code in HEADER_ERRORS, else VALIDATION_FAILED, with `details.header`) and listed in the
   * document as `in: header` parameters.
   */
  headers?: H;
  response?: z.ZodType;
  /** Status on success (default 200). */
  status?: number;
  /** Other success answers the handler gives with `withStatus` (each with its schema). */
  otherResponses?: OtherResponse[];
  /** The success answer's media type when it is not JSON (e.g. `image/png`). */
  contentType?: string;
  /** Headers the success answer carries: name → what it says. */
  responseHeaders?: Record<string, string>;
  /** 'public' (default), 'user' (any signed-in user) or the roles allowed. */
  auth?: 'public' | 'user' | Role[];
  /**
   * Served by the fast lane (infra/fast-lane.ts) ahead of Koa: for the few routes every buyer taps
   * in the same second. Only for routes without query or body whose handler reads nothing of the
   * context but `ctx.get(header)`, `ctx.ip` and `ctx.set(header)`.
   */
  fast?: boolean;
  /**
   * The error codes this route's handler and services can answer with, listed in the OpenAPI
   * document. Not needed for what every route of its kind answers (openapi.ts `responsesOf`:
   * validation, auth, the write limit, a missing header, an unavailable database).
   */
  errors?: RouteError[];
  handler: (
    ctx: Context,
    input: { query: z.output<Q>; body: z.output<B>; params: z.output<P>; headers: z.output<H>; user: AuthedUser | null },
  ) => Promise<unknown>;
}

/** A handler's answer with a status other than the route's usual one (e.g. 202 while work goes on). */
export class WithStatus {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {}
}
export const withStatus = (status: number, body: unknown) => new WithStatus(status, body);

export type AnyRoute = RouteSpec<z.ZodType, z.ZodType, z.ZodType, z.ZodObject>;

export function route<
  Q extends z.ZodType = z.ZodUndefined,
  B extends z.ZodType = z.ZodUndefined,
  P extends z.ZodType = z.ZodUndefined,
  H extends z.ZodObject = z.ZodObject<{}>,
>(spec: RouteSpec<Q, B, P, H>): AnyRoute {
  return spec as unknown as AnyRoute;
}

/** The client's key of one intended write: a repeat with the same key answers the first result. */
export const IDEMPOTENCY_KEY = /^[A-Za-z0-9_-]{8,64}$/;
export const idempotencyKeyHeader = z.object({
  'Idempotency-Key': z
    .string()
    .regex(IDEMPOTENCY_KEY)
    .describe('8-64 characters [A-Za-z0-9_-], made once per intended action: a repeat with the same key answers the first result'),
});

/** The error code of a missing or malformed request header, where it is not VALIDATION_FAILED. */
export const HEADER_ERRORS: Record<string, ErrorCode> = { 'idempotency-key': 'IDEMPOTENCY_KEY_REQUIRED' };

function parse<T extends z.ZodType>(schema: T, value: unknown, where: 'query' | 'body' | 'params'): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw validationFailed(
    where === 'body' ? '请求内容不正确' : where === 'query' ? '查询参数不正确' : '路径参数不正确',
    result.error.issues.map((i) => ({ in: where, path: i.path.join('.'), message: i.message, code: i.code })),
  );
}

function parseHeaders(schema: z.ZodObject, ctx: Pick<Context, 'get'>) {
  const raw: Record<string, string | undefined> = {};
  for (const name of Object.keys(schema.shape)) raw[name] = ctx.get(name) || undefined;
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const name = String(result.error.issues[0]?.path[0] ?? Object.keys(schema.shape)[0]);
  throw new AppError(400, HEADER_ERRORS[name.toLowerCase()] ?? 'VALIDATION_FAILED', `缺少或格式错误的 ${name} 请求头`, { header: name });
}

/** Query strings can repeat a key (?a=1&a=2); our schemas take one value per key. */
function singleValued(query: Record<string, string | string[] | undefined>) {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(query)) {
    if (Array.isArray(v)) throw validationFailed('查询参数不正确', [{ in: 'query', path: k, message: '参数重复', code: 'duplicate' }]);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

export type Authenticate = (ctx: Context) => Promise<AuthedUser | null>;

/**
 * One request through one route: role check, input parsing, the handler. Shared by the Koa mount
 * below and the fast lane (infra/fast-lane.ts), so both answer exactly alike. `raw.body` is
 * undefined when the request has no (JSON) body.
 */
export async function invoke(
  spec: AnyRoute,
  ctx: Context,
  user: AuthedUser | null,
  raw: { query: Record<string, string | string[] | undefined>; body: unknown; params: Record<string, string> },
): Promise<{ status: number; body: unknown }> {
  const auth = spec.auth ?? 'public';
  if (auth !== 'public') {
    if (!user) throw new AppError(401, 'UNAUTHENTICATED', '请先登录');
    if (Array.isArray(auth) && !auth.some((r) => user.roles.includes(r))) throw new AppError(403, 'FORBIDDEN', '没有权限执行此操作');
  }
  const query = spec.query ? parse(spec.query, singleValued(raw.query), 'query') : undefined;
  if (!spec.query && Object.keys(raw.query).length > 0) {
    throw validationFailed('查询参数不正确', [{ in: 'query', path: Object.keys(raw.query)[0], message: '不支持的参数', code: 'unrecognized_keys' }]);
  }
  if (spec.body && raw.body === undefined) {
    throw validationFailed('缺少请求体', [{ in: 'body', path: '', message: '需要 JSON 请求体（Content-Type: application/json）', code: 'missing_body' }]);
  }
  const body = spec.body ? parse(spec.body, raw.body, 'body') : undefined;
  const params = spec.params ? parse(spec.params, raw.params, 'params') : undefined;
  const headers = spec.headers ? parseHeaders(spec.headers, ctx) : {};
  const result = await spec.handler(ctx, { query, body, params, headers, user } as never);
  if (result instanceof WithStatus) return { status: result.status, body: result.body };
  return { status: spec.status ?? 200, body: result };
}

/** The parsed JSON body, or undefined when the request carried none (no bytes, or not JSON: the body parser reads only JSON). */
function jsonBodyOf(ctx: Context): unknown {
  const req = ctx.request as { body?: unknown; rawBody?: string };
  return typeof req.rawBody === 'string' && req.rawBody.trim() !== '' ? req.body : undefined;
}

export function mountRoutes(router: Router, routes: AnyRoute[], authenticate: Authenticate) {
  for (const spec of routes) {
    router[spec.method](spec.path, async (ctx) => {
      const user = await authenticate(ctx);
      const { status, body } = await invoke(spec, ctx, user, { query: ctx.query, body: jsonBodyOf(ctx), params: ctx.params });
      ctx.status = status;
      if (body !== undefined) ctx.body = body;
    });
  }
}
