/**
 * `pnpm --filter @carmall/bff poster:sample [out.png]`: draw a sample share poster with the real
 * renderer and a real mini-program code from the local WeChat simulator (started in-process), and
 * print where it was written. Needs no database or Redis.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { defaultConfiguration } from '@carmall/shared-types';
import { startWechatSimulator } from '@carmall/simulators';
import { createLogger } from '../../infra/logger';
import { LINEUP } from '../../seed/lineup';
import { ensurePosterFont, PosterService, type PosterContent } from './poster';
import { newShareId, paintSwatch, SHARE_PAGE } from './service';
import { WxacodeClient } from './wxacode-client';

const out = resolve(process.argv[2] ?? join(tmpdir(), 'carmall-poster-sample.png'));
const wechat = await startWechatSimulator({ appId: 'wxsample000000000', secret: 'sample-secret' });
try {
  const logger = createLogger('warn');
  const accessToken = async () => {
    const q = new URLSearchParams({ grant_type: 'client_credential', appid: 'wxsample000000000', secret: 'sample-secret' });
    return ((await (await fetch(`${wechat.url}/cgi-bin/token?${q}`)).json()) as { access_token: string }).access_token;
  };
  const wxacode = new WxacodeClient({ baseUrl: wechat.url, timeoutMs: 5000, envVersion: 'release', accessToken });
  const model = LINEUP[0];
  const trim = model.trims[model.trims.length - 1];
  const resolved = defaultConfiguration(model, trim.code, new Date());
  if (!resolved.ok) throw new Error(resolved.error.message);
  const scene = newShareId();
  const started = performance.now();
  const code = await wxacode.getUnlimited({ scene, page: SHARE_PAGE, width: 280 });
  const codeMs = performance.now() - started;
  const content: PosterContent = {
    modelName: model.name,
    bodyType: model.bodyType,
    coverColor: paintSwatch(model, resolved.config.lineItems) ?? model.coverColor ?? '#5b6b7f',
    trimName: trim.name,
    options: resolved.config.lineItems.filter((l) => l.group !== 'trim').map((l) => l.name),
    priceFen: resolved.config.totalFen,
    priceLabel: '配置价',
    priceSuffix: '',
    advisorName: '王顾问',
    scene,
    page: SHARE_PAGE,
    expiresAt: new Date(Date.now() + 30 * 86_400_000),
  };
  const posters = new PosterService(null as never, null, null as never, logger);
  let png = await posters.render(content, code); // first render also loads the font
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    png = await posters.render(content, code);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  writeFileSync(out, png);
  console.log(`poster written: ${out} (${png.length} bytes, 750 px wide, scene ${scene}, CJK font ${ensurePosterFont() ? 'loaded' : 'MISSING'})`);
  console.log(`mini-program code from the simulator: ${codeMs.toFixed(0)} ms; poster render (uncached) median of 5: ${times[2].toFixed(0)} ms`);
} finally {
  await wechat.close();
}
