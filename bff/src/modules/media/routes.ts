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
    ctx.type = 'image/svg+xml';
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.body = renderCoverSvg({ name: model.name, bodyType: model.bodyType, color: model.coverColor ?? '#5b6b7f' });
  });
  carModelRoutes(router);
  return router;
}
