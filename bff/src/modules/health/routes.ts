import Router from '@koa/router';
import type { AppContext } from '../../app';

const withTimeout = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms))]);

/**
 * /healthz: the process is alive (for restarts). /readyz: it can serve traffic, i.e. MongoDB and
 * Redis answer and we are not shutting down (for load balancers). Kept outside /api/v1 on purpose.
 */
export function healthRouter(deps: AppContext, draining: { value: boolean }) {
  const router = new Router();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok', uptimeSeconds: Math.round(process.uptime()) };
  });
  router.get('/readyz', async (ctx) => {
    const check = async (fn: () => Promise<unknown>) => {
      try {
        await withTimeout(fn(), 1000);
        return 'ok';
      } catch (err) {
        return `down: ${(err as Error).message}`;
      }
    };
    const [mongodb, redis] = await Promise.all([check(() => deps.mongo.ping()), check(() => deps.redis.ping())]);
    const ready = mongodb === 'ok' && redis === 'ok' && !draining.value;
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ready' : draining.value ? 'draining' : 'not_ready', checks: { mongodb, redis } };
  });
  return router;
}
