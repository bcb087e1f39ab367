import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createCanvas, GlobalFonts, loadImage, type SKRSContext2D } from '@napi-rs/canvas';
import type { Redis } from 'ioredis';
import { formatDateCN, formatFen, type BodyType } from '@carmall/shared-types';
import type { Locks } from '../../infra/lock';
import type { Logger } from '../../infra/logger';
import { renderCoverSvg } from '../media/cover';
import type { WxacodeClient } from './wxacode-client';

/**
 * Share posters: a 750 px PNG drawn with @napi-rs/canvas (Skia, prebuilt binary from npm): the car
 * picture, model / trim / chosen options, the price, the advisor's name and the mini-program code
 * whose `scene` is the share id. Posters are cached in Redis under the hash of everything drawn on
 * them, and the code picture under its scene: a repeat request is one Redis read, and a price change
 * redraws the poster without asking WeChat for the code again.
 */
export interface PosterContent {
  modelName: string;
  bodyType: BodyType;
  coverColor: string;
  trimName: string | null;
  /** Chosen options, in order ("星云白", "21 英寸轮毂"). */
  options: string[];
  priceFen: number;
  /** "指导价" (model) or "配置价" (configuration). */
  priceLabel: string;
  /** "起" after a model's starting price. */
  priceSuffix: string;
  advisorName: string;
  /** Share id: the code's scene. */
  scene: string;
  page: string;
  expiresAt: Date;
}

/** Bump when the drawing changes, so cached posters of the old layout are not served. */
const LAYOUT_VERSION = 1;
const WIDTH = 750;
const HEIGHT = 1260;
const CODE_WIDTH = 280;
const POSTER_TTL_S = 7 * 86_400;
const CODE_TTL_S = 30 * 86_400; // unlimited codes never expire on WeChat's side
const FONT_FILES = ['/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc'];
const FONT = 'CarmallCJK';

let fontLoaded: boolean | null = null;
/** Registers the CJK font once (Debian's fonts-wqy-microhei; the start/test scripts install it). */
export function ensurePosterFont(logger?: Logger): boolean {
  if (fontLoaded !== null) return fontLoaded;
  const file = FONT_FILES.find((f) => existsSync(f));
  fontLoaded = file ? GlobalFonts.registerFromPath(file, FONT) !== null : false;
  if (!fontLoaded) logger?.warn({ tried: FONT_FILES }, 'no CJK font found: poster text falls back to system fonts (install fonts-wqy-microhei)');
  return fontLoaded;
}

export class PosterService {
  /** Counts renders (not cache hits), for tests and the sample script. */
  renders = 0;

  constructor(
    private readonly redis: Redis,
    private readonly wxacode: WxacodeClient | null,
    private readonly locks: Locks,
    private readonly logger: Logger,
  ) {}

  static contentHash(c: PosterContent): string {
    const canonical = JSON.stringify({ v: LAYOUT_VERSION, ...c, expiresAt: formatDateCN(c.expiresAt) });
    return createHash('sha256').update(canonical).digest('hex');
  }

  async poster(content: PosterContent): Promise<{ png: Buffer; hash: string; cached: boolean }> {
    const hash = PosterService.contentHash(content);
    const key = `poster:${hash}`;
    const hit = await this.redis.getBuffer(key).catch(() => null);
    if (hit) return { png: hit, hash, cached: true };
    const code = await this.code(content.scene, content.page);
    const png = await this.render(content, code);
    await this.redis.set(key, png, 'EX', POSTER_TTL_S).catch((err: Error) => this.logger.warn({ err: err.message }, 'poster cache write failed'));
    return { png, hash, cached: false };
  }

  /** The mini-program code picture for a scene, from Redis or WeChat (null when no WeChat is configured). */
  private async code(scene: string, page: string): Promise<Buffer | null> {
    if (!this.wxacode) return null;
    const key = `wxacode:${createHash('sha256').update(`${page}\n${scene}\n${CODE_WIDTH}`).digest('hex')}`;
    const cached = () => this.redis.getBuffer(key).catch(() => null);
    const hit = await cached();
    if (hit) return hit;
    // One WeChat call per scene even when a poster is opened by many at once (its quota is per minute).
    return this.locks.withLock(
      key,
      async () => {
        const again = await cached();
        if (again) return again;
        const png = await this.wxacode!.getUnlimited({ scene, page, width: CODE_WIDTH });
        await this.redis.set(key, png, 'EX', CODE_TTL_S).catch(() => undefined);
        return png;
      },
      { ttlMs: 15_000, waitMs: 15_000 },
    );
  }

  async render(c: PosterContent, code: Buffer | null): Promise<Buffer> {
    this.renders += 1;
    const font = (px: number, bold = false) => `${bold ? 'bold ' : ''}${px}px ${ensurePosterFont(this.logger) ? FONT : 'sans-serif'}`;
    const canvas = createCanvas(WIDTH, HEIGHT);
    const g = canvas.getContext('2d');
    g.fillStyle = '#ffffff';
    g.fillRect(0, 0, WIDTH, HEIGHT);

    // Brand band.
    g.fillStyle = '#1d2733';
    g.fillRect(0, 0, WIDTH, 110);
    g.fillStyle = '#ffffff';
    g.font = font(40, true);
    g.fillText('远山汽车', 40, 70);
    g.font = font(24);
    g.fillStyle = '#c9d2dc';
    g.textAlign = 'right';
    g.fillText(`${c.advisorName} 为您推荐`, WIDTH - 40, 68);
    g.textAlign = 'left';

    // Car picture (the same drawing as the catalogue cover, in the model's colour).
    const cover = await loadImage(Buffer.from(renderCoverSvg({ name: '', bodyType: c.bodyType, color: c.coverColor })));
    g.drawImage(cover, 0, 110, WIDTH, Math.round((WIDTH * 360) / 640));
    let y = 110 + Math.round((WIDTH * 360) / 640) + 70;

    g.fillStyle = '#1d2733';
    g.font = font(48, true);
    g.fillText(c.modelName, 40, y);
    y += 52;
    if (c.trimName) {
      g.font = font(30);
      g.fillStyle = '#3a4756';
      g.fillText(c.trimName, 40, y);
      y += 46;
    }
    if (c.options.length) {
      g.font = font(24);
      g.fillStyle = '#5b6b7f';
      for (const line of wrap(g, c.options.join(' · '), WIDTH - 80).slice(0, 3)) {
        g.fillText(line, 40, y);
        y += 36;
      }
    }
    y += 30;
    g.font = font(26);
    g.fillStyle = '#5b6b7f';
    g.fillText(c.priceLabel, 40, y);
    g.font = font(64, true);
    g.fillStyle = '#d0021b';
    const price = formatFen(c.priceFen);
    g.fillText(price, 40, y + 72);
    if (c.priceSuffix) {
      const w = g.measureText(price).width;
      g.font = font(30);
      g.fillText(c.priceSuffix, 48 + w, y + 72);
    }

    // Footer: advisor and the mini-program code.
    const footerTop = HEIGHT - 340;
    g.fillStyle = '#f4f6f9';
    g.fillRect(0, footerTop, WIDTH, 340);
    g.fillStyle = '#1d2733';
    g.font = font(34, true);
    g.fillText(`顾问：${c.advisorName}`, 40, footerTop + 90);
    g.font = font(26);
    g.fillStyle = '#3a4756';
    g.fillText('长按识别小程序码', 40, footerTop + 150);
    g.fillText('查看配置、预约试驾', 40, footerTop + 190);
    g.font = font(22);
    g.fillStyle = '#8a96a3';
    g.fillText(`有效期至 ${formatDateCN(c.expiresAt)}`, 40, footerTop + 250);
    const codeSize = 260;
    const codeX = WIDTH - 40 - codeSize;
    const codeY = footerTop + 40;
    if (code) {
      g.drawImage(await loadImage(code), codeX, codeY, codeSize, codeSize);
    } else {
      g.strokeStyle = '#c9d2dc';
      g.strokeRect(codeX, codeY, codeSize, codeSize);
      g.font = font(22);
      g.fillStyle = '#8a96a3';
      g.fillText('小程序码暂不可用', codeX + 42, codeY + codeSize / 2);
    }
    return canvas.encode('png');
  }
}

/** Greedy line breaking by measured width (CJK text has no spaces, so break anywhere). */
function wrap(g: SKRSContext2D, text: string, maxWidth: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const ch of Array.from(text)) {
    if (g.measureText(line + ch).width > maxWidth && line) {
      lines.push(line);
      line = ch.trim() ? ch : '';
    } else line += ch;
  }
  if (line) lines.push(line);
  return lines;
}
