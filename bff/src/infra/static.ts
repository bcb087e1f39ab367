import type { ServerResponse } from 'node:http';
import { basename } from 'node:path';
import serve from 'koa-static';

// Taro's H5 build names its chunks with a content hash: app.1a2b3c4d.js, 128.b75bb55a.css.
const HASHED = /\.[0-9a-f]{8,}\.(js|css)(\.(br|gz))?$/;

/**
 * The H5 build: pre-compressed files (`x.js.br` / `x.js.gz` written beside each asset by
 * scripts/compress-h5.mjs) are sent when the browser accepts them, hashed files are cached for a
 * year (a new build has new names), and everything else (index.html above all) is revalidated on
 * every load, so a release is picked up at once.
 */
export function serveH5(dir: string) {
  return serve(dir, {
    index: 'index.html',
    brotli: true,
    gzip: true,
    setHeaders: (res: ServerResponse, path: string) => {
      res.setHeader('Vary', 'Accept-Encoding');
      res.setHeader('Cache-Control', HASHED.test(basename(path)) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
}
