import type { IncomingMessage, ServerResponse } from 'node:http';
import type Koa from 'koa';
import type { Context } from 'koa';
import type { AuthedUser } from '../modules/auth/session';
import type { Logger } from './logger';
import { errorResponse, requestIdOf, requestLog } from './middleware';
import type { Limit, RateLimiter } from './rate-limit';
import { invoke, type AnyRoute, type Authenticate } from './route';

/**
 * The fast lane: the few routes marked `fast` (the launch waiting room's join and poll, which every
 * buyer taps at the same second of a launch's open) are answered by a plain request listener in
 * front of Koa. Koa's middleware chain costs about as much as those routes' own work (bench:rush,
 * README "Launch day"), and at the open it is paid ten thousand times in a second.
 *
 * Same answers as through Koa: the route's spec (auth, params, handler, status, response), the
 * write limit, the error envelope, X-Request-Id and the access log. A request the lane is not sure
 * of (a query string, a body, a cross-origin request when CORS is on, a bad escape) goes to Koa,
 * which answers it in full, errors included.
 */
export interface FastLaneOptions {
  /** The API's path prefix, e.g. `/api/v1`. */
  prefix: string;
  koa: Koa;
  authenticate: Authenticate;
  limiter: RateLimiter;
  /** What a write counts against before its route runs (the same limits Koa's write limit counts). */
  writeLimits: (ip: string, user: AuthedUser | null) => Limit[];
  logger: Logger;
  /** True for requests that must go through Koa anyway (e.g. cross-origin ones, for CORS). */
  passToKoa?: (req: IncomingMessage) => boolean;
}

interface Compiled {
  spec: AnyRoute;
  method: string;
  re: RegExp;
  names: string[];
}

const WRITE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function fastLane(routes: AnyRoute[], opts: FastLaneOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  const compiled: Compiled[] = routes
    .filter((r) => r.fast)
    .map((spec) => {
      const names: string[] = [];
      const pattern = spec.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:(\w+)/g, (_, name: string) => (names.push(name), '([^/]+)'));
      return { spec, method: spec.method.toUpperCase(), re: new RegExp(`^${opts.prefix}${pattern}$`), names };
    });
  const { koa, logger } = opts;

  return (req, res) => {
    const url = req.url ?? '';
    if (compiled.length === 0 || !url.startsWith(opts.prefix) || url.includes('?')) return false;
    if (req.headers['transfer-encoding'] || Number(req.headers['content-length'] ?? 0) > 0) return false;
    let hit: Compiled | undefined;
    let m: RegExpExecArray | null = null;
    for (const c of compiled) {
      if (c.method === req.method && (m = c.re.exec(url))) {
        hit = c;
        break;
      }
    }
    if (!hit || !m || opts.passToKoa?.(req)) return false;
    const params: Record<string, string> = {};
    try {
      hit.names.forEach((name, i) => (params[name] = decodeURIComponent(m![i + 1])));
    } catch {
      return false;
    }
    serve(hit.spec, params, req, res).catch((err) => logger.error({ err }, 'fast lane: answer failed'));
    return true;
  };

  async function serve(spec: AnyRoute, params: Record<string, string>, req: IncomingMessage, res: ServerResponse) {
    const requestId = requestIdOf(header(req, 'x-request-id'));
    const rl = requestLog(logger, requestId);
    const state = {
      requestId,
      get log() {
        return rl.log;
      },
    };
    const headers: Record<string, string> = { 'X-Request-Id': requestId };
    // What routes, the session store and the rate limiter read of a Koa context.
    const ctx = {
      method: req.method,
      path: req.url,
      ip: clientIp(koa, req),
      state,
      get: (name: string) => header(req, name),
      set: (name: string, value: string) => void (headers[name] = value),
    } as unknown as Context;
    let status: number;
    let body: unknown;
    try {
      const user = await opts.authenticate(ctx);
      if (WRITE.has(req.method ?? '')) await opts.limiter.enforce(ctx, opts.writeLimits(ctx.ip, user));
      ({ status, body } = await invoke(spec, ctx, user, { query: {}, body: undefined, params }));
    } catch (err) {
      const e = errorResponse(err, requestId, state.log);
      ({ status, body } = e);
      for (const [k, v] of Object.entries(e.headers)) headers[k] ??= v;
    }
    const json = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, { ...headers, ...(json ? { 'Content-Type': 'application/json; charset=utf-8' } : {}), 'Content-Length': Buffer.byteLength(json) });
    res.end(json);
    rl.done(req.method, req.url, status);
  }
}

function header(req: IncomingMessage, name: string): string {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(',') : (v ?? '');
}

/** The client's address as Koa computes `ctx.ip` (X-Forwarded-For only behind a trusted proxy). */
function clientIp(koa: Koa, req: IncomingMessage): string {
  const forwarded = koa.proxy ? header(req, koa.proxyIpHeader) : '';
  let ips = forwarded ? forwarded.split(',').map((s) => s.trim()).filter(Boolean) : [];
  if (koa.maxIpsCount > 0) ips = ips.slice(-koa.maxIpsCount);
  return ips[0] || req.socket.remoteAddress || '';
}
