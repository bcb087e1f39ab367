import Koa from 'koa';
import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import cors from '@koa/cors';
import serve from 'koa-static';
import type { Redis } from 'ioredis';
import type { Config } from './config';
import { createLogger, type Logger } from './infra/logger';
import { errorHandler, requestContext } from './infra/middleware';
import { connectMongo, type Mongo } from './infra/mongo';
import { connectRedis } from './infra/redis';
import { mountRoutes, type AnyRoute } from './infra/route';
import { buildOpenApi } from './infra/openapi';
import { AuthService } from './modules/auth/service';
import { authRoutes } from './modules/auth/routes';
import { SessionStore } from './modules/auth/session';
import { WechatClient } from './modules/auth/wechat-client';
import { ReadThroughCache } from './infra/cache';
import { CatalogService } from './modules/catalog/service';
import { catalogRoutes } from './modules/catalog/routes';
import { CatalogAdminService } from './modules/catalog-admin/service';
import { catalogAdminRoutes } from './modules/catalog-admin/routes';
import { ConfigurationService } from './modules/configurations/service';
import { configurationRoutes } from './modules/configurations/routes';
import { healthRouter } from './modules/health/routes';
import { mediaRouter } from './modules/media/routes';

export const API_VERSION = '0.1.0';

export interface AppContext {
  config: Config;
  logger: Logger;
  mongo: Mongo;
  redis: Redis;
}

/** Everything the process owns, so start-up and shutdown (and tests) handle it in one place. */
export interface App {
  koa: Koa;
  deps: AppContext;
  /** Set by the server while shutting down: /readyz answers 503 so the load balancer drains us. */
  draining: { value: boolean };
  close: () => Promise<void>;
}

export function createApp(config: Config, opts: { logger?: Logger } = {}): App {
  const logger = opts.logger ?? createLogger(config.LOG_LEVEL);
  const mongo = connectMongo(config.MONGODB_URI, logger);
  const redis = connectRedis(config.REDIS_URL, config.REDIS_KEY_PREFIX, logger);
  const deps: AppContext = { config, logger, mongo, redis };
  const draining = { value: false };

  // Domain modules: each gets only what it needs.
  const sessions = new SessionStore(redis, config.SESSION_SECRET, config.SESSION_TTL_SECONDS);
  const wechat = new WechatClient({
    baseUrl: config.WECHAT_API_BASE,
    appId: config.WECHAT_APPID,
    secret: config.WECHAT_SECRET,
    timeoutMs: config.UPSTREAM_TIMEOUT_MS,
  });
  const catalogCache = new ReadThroughCache(redis, 'catalog', logger);
  const catalog = new CatalogService(mongo.conn, catalogCache);
  const routes: AnyRoute[] = [
    ...catalogRoutes(catalog),
    ...configurationRoutes(new ConfigurationService(mongo.conn, catalog)),
    ...catalogAdminRoutes(new CatalogAdminService(mongo.conn, catalog, catalogCache)),
    ...authRoutes(new AuthService(mongo.conn, wechat, sessions), sessions),
  ];

  const api = new Router({ prefix: '/api/v1' });
  mountRoutes(api, routes, sessions.authenticate);
  const openapi = buildOpenApi(routes, { version: API_VERSION });
  api.get('/openapi.json', (ctx) => {
    ctx.body = openapi;
  });

  const koa = new Koa({ proxy: config.TRUST_PROXY });
  koa.silent = true; // errors are logged by our error handler, once, with the request id
  koa.use(requestContext(logger));
  koa.use(errorHandler());
  if (config.CORS_ORIGINS) {
    const allowed = new Set(config.CORS_ORIGINS.split(',').map((s) => s.trim()));
    koa.use(cors({ origin: (ctx) => (allowed.has(ctx.get('origin')) ? ctx.get('origin') : ''), exposeHeaders: ['X-Request-Id'] }));
  }
  koa.use(bodyParser({ enableTypes: ['json'], jsonLimit: '100kb', encoding: 'utf-8' }));
  const health = healthRouter(deps, draining);
  koa.use(health.routes());
  koa.use(api.routes()).use(api.allowedMethods());
  const media = mediaRouter(catalog);
  koa.use(media.routes());
  if (config.STATIC_H5_DIR) koa.use(serve(config.STATIC_H5_DIR, { maxage: 60_000, index: 'index.html' }));

  return {
    koa,
    deps,
    draining,
    close: async () => {
      await Promise.allSettled([mongo.close(), redis.quit().catch(() => redis.disconnect())]);
    },
  };
}
