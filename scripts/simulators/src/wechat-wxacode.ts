import type { IncomingMessage, ServerResponse } from 'node:http';
import QRCode from 'qrcode';
import { readBody, sendJson } from './server';

/**
 * WeChat 小程序码 (unlimited), part of the wechat simulator (same base URL and access tokens):
 *   POST /wxa/getwxacodeunlimit?access_token=…
 *        { scene (required, 1-32 visible chars of [0-9A-Za-z!#$&'()*+,/:;=?@._~-]), page? (an existing page,
 *          no leading slash, no query; default the home page), check_path? (default true: the page must
 *          exist in the released version), env_version? ('release' | 'trial' | 'develop'), width? (280-1280,
 *          default 430), auto_color?, line_color?, is_hyaline? }
 *        -> 200 image/png (the code's picture), or 200 application/json { errcode, errmsg }:
 *        40001 invalid credential (access token), 42001 access_token expired, 47001 data format error,
 *        40129 invalid scene, 41030 invalid page, 40097 invalid args (env_version/width),
 *        45009 reach max api minute quota (frequency limit), -1 system error.
 * The picture is a plain QR code of "<page>?scene=<scene>" (WeChat draws a round "sun code"; clients only
 * need a PNG), so a test can tell which scene a poster carries by asking the simulator for its calls.
 * Test controls: GET /__sim/wechat/wxacode (calls so far, newest last), POST /__sim/wechat/wxacode-fail
 * { errcode, times }.
 */
export interface WxacodeOptions {
  tokenErrcode: (token: string) => 0 | 40001 | 42001;
  /** Pages of the released mini-program (check_path=true accepts only these). */
  pages?: string[];
  /** Calls per minute before errcode 45009 (default unlimited). */
  quotaPerMinute?: number;
  now: () => number;
}

export const DEFAULT_MINIPROGRAM_PAGES = [
  'pages/index/index',
  'pages/models/index',
  'pages/model/index',
  'pages/share/index',
  'pages/orders/index',
  'pages/me/index',
];
const SCENE_RE = /^[0-9A-Za-z!#$&'()*+,/:;=?@._~-]{1,32}$/;
const ERRMSG: Record<number, string> = {
  40001: 'invalid credential, access_token is invalid or not latest',
  42001: 'access_token expired',
  47001: 'data format error',
  40129: 'invalid scene',
  41030: 'invalid page',
  40097: 'invalid args',
  45009: 'reach max api minute quota limit',
  [-1]: 'system error',
};

export function createWxacodeApi(opts: WxacodeOptions) {
  const pages = new Set(opts.pages ?? DEFAULT_MINIPROGRAM_PAGES);
  const calls: Array<{ scene: string; page: string; width: number; envVersion: string; at: number }> = [];
  let forced: { errcode: number; times: number } | null = null;
  let window = { start: 0, count: 0 };
  const fail = (res: ServerResponse, errcode: number) => sendJson(res, 200, { errcode, errmsg: ERRMSG[errcode] ?? 'error' });

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    if (req.method === 'GET' && url.pathname === '/__sim/wechat/wxacode') {
      sendJson(res, 200, { calls });
      return true;
    }
    if (req.method === 'POST' && url.pathname === '/__sim/wechat/wxacode-fail') {
      forced = JSON.parse((await readBody(req)) || '{}');
      sendJson(res, 200, { ok: true });
      return true;
    }
    if (req.method !== 'POST' || url.pathname !== '/wxa/getwxacodeunlimit') return false;
    const tokenErr = opts.tokenErrcode(url.searchParams.get('access_token') ?? '');
    if (tokenErr) return fail(res, tokenErr), true;
    if (forced && forced.times > 0) {
      forced.times -= 1;
      return fail(res, forced.errcode), true;
    }
    if (opts.quotaPerMinute !== undefined) {
      const t = opts.now();
      if (t - window.start >= 60_000) window = { start: t, count: 0 };
      if (window.count >= opts.quotaPerMinute) return fail(res, 45009), true;
      window.count += 1;
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(await readBody(req));
      if (!body || typeof body !== 'object') throw new Error('not an object');
    } catch {
      return fail(res, 47001), true;
    }
    const scene = body.scene;
    if (typeof scene !== 'string' || !SCENE_RE.test(scene)) return fail(res, 40129), true;
    const page = body.page === undefined ? 'pages/index/index' : body.page;
    if (typeof page !== 'string' || page.startsWith('/') || page.includes('?')) return fail(res, 41030), true;
    if (body.check_path !== false && !pages.has(page)) return fail(res, 41030), true;
    const envVersion = body.env_version ?? 'release';
    if (envVersion !== 'release' && envVersion !== 'trial' && envVersion !== 'develop') return fail(res, 40097), true;
    const width = body.width ?? 430;
    if (typeof width !== 'number' || !Number.isInteger(width) || width < 280 || width > 1280) return fail(res, 40097), true;
    calls.push({ scene, page, width, envVersion, at: opts.now() });
    const png = await QRCode.toBuffer(`${page}?scene=${encodeURIComponent(scene)}`, { type: 'png', width, margin: 2, errorCorrectionLevel: 'M' });
    res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': png.length });
    res.end(png);
    return true;
  }

  return { handle };
}
