import { randomUUID } from 'node:crypto';
import type { Context, Next } from 'koa';
import type { ErrorCode } from '@carmall/shared-types';
import { AppError } from './errors';
import type { Logger } from './logger';

declare module 'koa' {
  interface DefaultState {
    requestId: string;
    log: Logger;
  }
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** The caller's (or gateway's) request id when it is a sane one, else a new one. */
export const requestIdOf = (incoming: string) => (REQUEST_ID.test(incoming) ? incoming : randomUUID());

/**
 * A request's logger, made when first used (most requests log nothing at the production level),
 * and its access-log line. Koa's requests and the fast lane's (infra/fast-lane.ts) log alike.
 */
export function requestLog(logger: Logger, requestId: string) {
  const started = performance.now();
  let log: Logger | undefined;
  return {
    get log(): Logger {
      return (log ??= logger.child({ requestId }));
    },
    done(method: string | undefined, path: string | undefined, status: number) {
      if (logger.isLevelEnabled('info')) this.log.info({ method, path, status, ms: Math.round((performance.now() - started) * 10) / 10 }, 'request');
    },
  };
}

/** Give every request an id (or keep a sane one from the caller/gateway), a child logger, and an access log line. */
export function requestContext(logger: Logger) {
  return async (ctx: Context, next: Next) => {
    const requestId = requestIdOf(ctx.get('x-request-id'));
    const rl = requestLog(logger, requestId);
    ctx.state.requestId = requestId;
    Object.defineProperty(ctx.state, 'log', { get: () => rl.log, configurable: true, enumerable: true });
    ctx.set('X-Request-Id', requestId);
    try {
      await next();
    } finally {
      rl.done(ctx.method, ctx.path, ctx.status);
    }
  };
}

/** Errors we did not throw ourselves, mapped to a stable code. Returns null for true bugs (500). */
function classify(err: unknown): AppError | null {
  if (err instanceof AppError) return err;
  const e = err as { name?: string; status?: number; statusCode?: number; code?: unknown; type?: string; message?: string; expose?: boolean };
  const status = e.status ?? e.statusCode;
  // http-errors from the body parser / koa itself.
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const byStatus: Record<number, [ErrorCode, string]> = {
      400: ['VALIDATION_FAILED', e.type === 'entity.parse.failed' ? '请求体不是有效的 JSON' : '请求不正确'],
      401: ['UNAUTHENTICATED', '请先登录'],
      403: ['FORBIDDEN', '没有权限执行此操作'],
      404: ['NOT_FOUND', '资源不存在'],
      413: ['PAYLOAD_TOO_LARGE', '请求体过大'],
      415: ['UNSUPPORTED_MEDIA_TYPE', '请求体必须是 application/json'],
    };
    const [code, message] = byStatus[status] ?? ['VALIDATION_FAILED', '请求不正确'];
    return new AppError(status, code, message);
  }
  if (e.name === 'CastError' || e.name === 'ValidationError') return new AppError(400, 'VALIDATION_FAILED', '请求内容不正确');
  if (e.code === 11000) return new AppError(409, 'CONFLICT', '记录已存在');
  const msg = String(e.message ?? '');
  if (
    /^Mongo(ServerSelection|Network|NotConnected|Topology)/.test(e.name ?? '') ||
    /buffering timed out|before initial connection|Client must be connected|connection .* closed|ECONNREFUSED/i.test(msg)
  )
    return new AppError(503, 'SERVICE_UNAVAILABLE', '数据库暂不可用，请稍后再试');
  if (/enableOfflineQueue|Connection is closed|Stream isn't writeable/i.test(msg))
    return new AppError(503, 'SERVICE_UNAVAILABLE', '缓存服务暂不可用，请稍后再试');
  return null;
}

/** The one place errors become responses: `{ error: { code, message, details, requestId } }`. */
export function errorResponse(err: unknown, requestId: string, log: Logger | undefined): { status: number; body: unknown; headers: Record<string, string> } {
  const known = classify(err);
  const appErr = known ?? new AppError(500, 'INTERNAL', '服务器开小差了，请稍后再试');
  if (!known) log?.error({ err }, 'unhandled error');
  else if (appErr.status >= 500) log?.warn({ err }, appErr.code);
  const headers: Record<string, string> = {};
  if (appErr.status === 503) headers['Retry-After'] = '5';
  // A 429 says when to come back (the rate limiter sets it itself; other limits carry it in details).
  const retryAfter = (appErr.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  if (appErr.status === 429 && typeof retryAfter === 'number') headers['Retry-After'] = String(retryAfter);
  return {
    status: appErr.status,
    headers,
    body: { error: { code: appErr.code, message: appErr.message, ...(appErr.details !== undefined ? { details: appErr.details } : {}), requestId } },
  };
}

export function errorHandler() {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined && ctx.path.startsWith('/api/')) {
        throw new AppError(404, 'NOT_FOUND', '接口不存在', { method: ctx.method, path: ctx.path });
      }
      // The router answers a method it has no route for with a plain-text 405 (known method) or
      // 501 (TRACE, CONNECT, ...), with `Allow` set: the same 405 in our envelope for both.
      if ((ctx.status === 405 || ctx.status === 501) && ctx.path.startsWith('/api/')) {
        const allow = (ctx.response.get('Allow') || '').split(',').map((m) => m.trim()).filter(Boolean);
        // No method at all on this path: it does not exist.
        if (allow.length === 0) throw new AppError(404, 'NOT_FOUND', '接口不存在', { method: ctx.method, path: ctx.path });
        throw new AppError(405, 'METHOD_NOT_ALLOWED', '不支持该请求方法', { method: ctx.method, allow });
      }
    } catch (err) {
      const { status, body, headers } = errorResponse(err, ctx.state.requestId, ctx.state.log);
      ctx.status = status;
      ctx.body = body;
      // Headers set before the throw (the rate limiter's Retry-After) are kept.
      for (const [k, v] of Object.entries(headers)) if (!ctx.response.get(k)) ctx.set(k, v);
    }
  };
}
