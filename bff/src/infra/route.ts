import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { AppError, validationFailed } from './errors';
import type { AuthedUser, Role } from '../modules/auth/session';

/**
 * One declaration per endpoint: its zod schemas validate the request AND produce the OpenAPI
 * document, so the two cannot drift apart. Handlers receive already-parsed input.
 */
export interface RouteSpec<Q extends z.ZodType, B extends z.ZodType, P extends z.ZodType> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Path relative to /api/v1, in @koa/router syntax (":code"). */
  path: string;
  summary: string;
  tag: string;
  query?: Q;
  body?: B;
  params?: P;
  response?: z.ZodType;
  /** Status on success (default 200). */
  status?: number;
  /** 'public' (default), 'user' (any signed-in user) or the roles allowed. */
  auth?: 'public' | 'user' | Role[];
  /**
   * Served by the fast lane (infra/fast-lane.ts) ahead of Koa: for the few routes every buyer taps
   * in the same second. Only for routes without query or body whose handler reads nothing of the
   * context but `ctx.get(header)`, `ctx.ip` and `ctx.set(header)`.
   */
  fast?: boolean;
  /** Extra error codes this route can answer with, listed in the OpenAPI document. */
  errors?: Array<{ status: number; code: string; when: string }>;
  handler: (
    ctx: Context,
    input: { query: z.output<Q>; body: z.output<B>; params: z.output<P>; user: AuthedUser | null },
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

export type AnyRoute = RouteSpec<z.ZodType, z.ZodType, z.ZodType>;

export function route<Q extends z.ZodType = z.ZodUndefined, B extends z.ZodType = z.ZodUndefined, P extends z.ZodType = z.ZodUndefined>(
  spec: RouteSpec<Q, B, P>,
): AnyRoute {
  return spec as unknown as AnyRoute;
}

function parse<T extends z.ZodType>(schema: T, value: unknown, where: 'query' | 'body' | 'params'): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw validationFailed(
    where === 'body' ? '请求内容不正确' : where === 'query' ? '查询参数不正确' : '路径参数不正确',
    result.error.issues.map((i) => ({ in: where, path: i.path.join('.'), message: i.message, code: i.code })),
  );
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
 * below and the fast lane (infra/fast-lane.ts), so both answer exactly alike.
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
  const body = spec.body ? parse(spec.body, raw.body ?? {}, 'body') : undefined;
  const params = spec.params ? parse(spec.params, raw.params, 'params') : undefined;
  const result = await spec.handler(ctx, { query, body, params, user } as never);
  if (result instanceof WithStatus) return { status: result.status, body: result.body };
  return { status: spec.status ?? 200, body: result };
}

export function mountRoutes(router: Router, routes: AnyRoute[], authenticate: Authenticate) {
  for (const spec of routes) {
    router[spec.method](spec.path, async (ctx) => {
      const user = await authenticate(ctx);
      const { status, body } = await invoke(spec, ctx, user, { query: ctx.query, body: (ctx.request as { body?: unknown }).body, params: ctx.params });
      ctx.status = status;
      if (body !== undefined) ctx.body = body;
    });
  }
}
