import Router from '@koa/router';
import { AppError, notFound } from '../../infra/errors';
import type { CatalogService } from '../catalog/service';
import { renderCoverSvg } from './cover';
import { carModelRoutes } from './models';

/** Images live outside /api/v1: they are linked from <Image src>, cached by CDNs and browsers. */
export function mediaRouter(catalog: CatalogService) {
  const router = new Router();
  router.get('/media/models/:file', async (ctx) => {
    const match = /^([a-z0-9-]{1,40})\.svg$/.exec(ctx.params.file);
    const detail = match
      ? await catalog.getModel(match[1]).catch((err: unknown) => {
          if (err instanceof AppError && err.status === 404) return null;
          throw err; // a down database stays a 503, not a missing picture
        })
      : null;
    const model = detail?.model;
    if (!model) throw notFound('图片');
    // ?paint=<code>: the car in the paint the buyer chose (the configurator's cover follows the choice).
    const paintCode = typeof ctx.query.paint === 'string' ? ctx.query.paint : undefined;
    const paint = paintCode ? model.options.find((o) => o.group === 'paint' && o.code === paintCode) : undefined;
    if (paintCode && !paint?.swatch) throw notFound('图片', { paint: paintCode });
    ctx.type = 'image/svg+xml';
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.body = renderCoverSvg({ name: model.name, bodyType: model.bodyType, color: paint?.swatch ?? model.coverColor ?? '#5b6b7f' });
  });
  carModelRoutes(router);
  return router;
}
