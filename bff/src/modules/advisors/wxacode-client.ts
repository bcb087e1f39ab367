import { AppError } from '../../infra/errors';

/**
 * WeChat's unlimited mini-program code (`POST /wxa/getwxacodeunlimit?access_token=…`): answers the
 * picture, or JSON `{ errcode, errmsg }` with HTTP 200. The access token comes from the shared,
 * Redis-cached token of WechatMessageSender; a token WeChat refuses (40001/42001) is refreshed once.
 */
export interface WxacodeClientOptions {
  baseUrl: string;
  timeoutMs: number;
  envVersion: 'release' | 'trial' | 'develop';
  accessToken: (stale?: string) => Promise<string>;
}

export interface WxacodeRequest {
  /** <= 32 visible characters: our share id. */
  scene: string;
  /** A page of the released mini-program, no leading slash, no query. */
  page: string;
  width: number;
}

const unavailable = (details: unknown) => new AppError(503, 'UPSTREAM_UNAVAILABLE', '小程序码服务暂不可用，请稍后再试', details);

export class WxacodeClient {
  constructor(private readonly opts: WxacodeClientOptions) {}

  async getUnlimited(req: WxacodeRequest): Promise<Buffer> {
    let token = await this.token();
    let answer = await this.call(req, token);
    if ('errcode' in answer && (answer.errcode === 40001 || answer.errcode === 42001)) {
      token = await this.token(token);
      answer = await this.call(req, token);
    }
    if ('errcode' in answer) throw unavailable({ errcode: answer.errcode, errmsg: answer.errmsg });
    return answer.png;
  }

  private async token(stale?: string): Promise<string> {
    try {
      return await this.opts.accessToken(stale);
    } catch (err) {
      throw unavailable({ reason: (err as Error).message });
    }
  }

  private async call(req: WxacodeRequest, token: string): Promise<{ png: Buffer } | { errcode: number; errmsg: string }> {
    const url = new URL('/wxa/getwxacodeunlimit', this.opts.baseUrl);
    url.searchParams.set('access_token', token);
    const body = {
      scene: req.scene,
      page: req.page,
      width: req.width,
      // Only the released version knows its pages; trial/develop builds must skip the check.
      check_path: this.opts.envVersion === 'release',
      env_version: this.opts.envVersion,
    };
    let res: Response;
    try {
      res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(this.opts.timeoutMs) });
    } catch (err) {
      throw unavailable({ reason: (err as Error).name });
    }
    const bytes = Buffer.from(await res.arrayBuffer());
    const type = res.headers.get('content-type') ?? '';
    if (res.status === 200 && type.startsWith('image/') && bytes.length > 8) return { png: bytes };
    try {
      const json = JSON.parse(bytes.toString('utf8')) as { errcode?: number; errmsg?: string };
      return { errcode: json.errcode ?? -1, errmsg: json.errmsg ?? '' };
    } catch {
      throw unavailable({ status: res.status });
    }
  }
}
