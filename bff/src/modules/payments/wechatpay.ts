import { createHash, createVerify } from 'node:crypto';
import CircuitBreaker from 'opossum';
import WxPay from 'wechatpay-node-v3';
import { AppError } from '../../infra/errors';

/**
 * WeChat Pay API v3 adapter built on the wechatpay-node-v3 SDK: the SDK signs requests
 * (WECHATPAY2-SHA256-RSA2048), builds the requestPayment parameters (paySign) and decrypts
 * notify resources. Two things it does not do well are done here:
 *  - transport: the SDK hard-codes api.mch.weixin.qq.com; our HTTP layer sends the same request to
 *    WXPAY_API_BASE (the real host in production, the simulator locally), body byte-for-byte as signed;
 *  - verification: every response and notify is verified on the RAW body (the SDK re-serialises
 *    parsed JSON), against a platform certificate's key or a WeChat Pay public key (PUB_KEY_ID_…),
 *    chosen by the Wechatpay-Serial header.
 */
export interface WechatPayConfig {
  apiBase: string;
  appid: string;
  mchid: string;
  merchantSerial: string;
  merchantPrivateKeyPem: string;
  /** Wechatpay-Serial → PEM public key (platform certificate keys and/or PUB_KEY_ID_ keys). */
  platformPublicKeys: Record<string, string>;
  apiV3Key: string;
  notifyUrl: string;
  timeoutMs: number;
  /** How long the breaker stays open before letting a trial call through. */
  breakerResetMs?: number;
}

export interface WxResult {
  status: number;
  data?: any;
  error?: { code?: string; message?: string };
  /** The body as received, for bill files (not JSON, not signed). */
  bytes?: Buffer;
}

const REAL_HOST = 'https://api.mch.weixin.qq.com';
/** Bill files: WeChat does not sign these answers; the signed hash_value of the bill request covers them. */
const BILL_FILE_PATH = '/v3/billdownload/';

export class WechatSignatureError extends Error {}

export class WechatPayClient {
  private readonly sdk: WxPay;
  /**
   * Circuit breaker around every call to WeChat Pay: when it keeps failing (network errors, 5xx,
   * 429), calls fail fast for a while instead of piling up timeouts. Callers see 503
   * UPSTREAM_UNAVAILABLE either way and leave the order pending, safe to pay or query later.
   * WeChat's business answers (4xx such as ORDERPAID) are not failures of the service.
   */
  readonly breaker: CircuitBreaker<[string, string, Record<string, unknown> | undefined, Record<string, string>], unknown>;

  constructor(private readonly cfg: WechatPayConfig) {
    this.breaker = new CircuitBreaker((method: string, url: string, params: Record<string, unknown> | undefined, headers: Record<string, string>) => this.sendOnce(method as 'GET' | 'POST', url, params, headers), {
      timeout: false, // the fetch has its own timeout
      errorThresholdPercentage: 50,
      volumeThreshold: 4,
      rollingCountTimeout: 10_000,
      resetTimeout: cfg.breakerResetMs ?? 10_000,
      errorFilter: (err: unknown) => err instanceof AppError && err.status < 500, // not a provider failure
    });
    this.sdk = new WxPay({
      appid: cfg.appid,
      mchid: cfg.mchid,
      serial_no: cfg.merchantSerial,
      // The SDK wants a "public key" only to read a certificate serial, which we pass explicitly.
      publicKey: Buffer.from('unused: serial_no is given'),
      privateKey: Buffer.from(cfg.merchantPrivateKeyPem),
      key: cfg.apiV3Key,
    });
    this.sdk.createHttp({
      get: (url, headers) => this.send('GET', url, undefined, headers),
      post: (url, params, headers) => this.send('POST', url, params, headers),
      upload: async () => ({ status: 501, error: 'not used' }) as never,
    });
  }

  /** Verify "timestamp\nnonce\nbody\n" against the platform key named by the serial. */
  verify(headers: { timestamp?: string; nonce?: string; signature?: string; serial?: string }, rawBody: string, maxSkewSeconds = 300): void {
    const { timestamp, nonce, signature, serial } = headers;
    if (!timestamp || !nonce || !signature || !serial) throw new WechatSignatureError('missing Wechatpay-* headers');
    // Own properties only: a serial of `constructor` or `__proto__` must be unknown, not Object's.
    const key = Object.hasOwn(this.cfg.platformPublicKeys, serial) ? this.cfg.platformPublicKeys[serial] : undefined;
    if (!key) throw new WechatSignatureError(`unknown Wechatpay-Serial ${serial}`);
    if (Math.abs(Date.now() / 1000 - Number(timestamp)) > maxSkewSeconds) throw new WechatSignatureError('stale Wechatpay-Timestamp');
    const ok = createVerify('RSA-SHA256').update(`${timestamp}\n${nonce}\n${rawBody}\n`).verify(key, signature, 'base64');
    if (!ok) throw new WechatSignatureError('bad Wechatpay-Signature');
  }

  private verifyOrThrowUpstream(headers: Parameters<WechatPayClient['verify']>[0], rawBody: string) {
    try {
      this.verify(headers, rawBody);
    } catch (err) {
      throw new AppError(502, 'UPSTREAM_UNAVAILABLE', '微信支付应答验签失败', { reason: (err as Error).message });
    }
  }

  private async send(method: 'GET' | 'POST', url: string, params: Record<string, unknown> | undefined, headers: Record<string, string>): Promise<any> {
    try {
      return await this.breaker.fire(method, url, params, headers);
    } catch (err) {
      if (this.breaker.opened && !(err instanceof AppError)) {
        throw new AppError(503, 'UPSTREAM_UNAVAILABLE', '微信支付暂不可用，请稍后再试', { breaker: 'open' });
      }
      throw err;
    }
  }

  /** One HTTP exchange; 5xx/429 answers become errors so the breaker counts them. */
  private async sendOnce(method: 'GET' | 'POST', url: string, params: Record<string, unknown> | undefined, headers: Record<string, string>): Promise<any> {
    const target = this.cfg.apiBase.replace(/\/$/, '') + url.replace(REAL_HOST, '');
    const billFile = new URL(target).pathname.startsWith(BILL_FILE_PATH);
    let res: Response;
    let bytes: Buffer;
    try {
      res = await fetch(target, {
        method,
        headers: { Accept: billFile ? '*/*' : 'application/json', ...headers },
        // Exactly the JSON the SDK signed.
        body: params === undefined ? undefined : JSON.stringify(params),
        signal: AbortSignal.timeout(this.cfg.timeoutMs),
      });
      bytes = Buffer.from(await res.arrayBuffer());
    } catch (err) {
      throw new AppError(503, 'UPSTREAM_UNAVAILABLE', '微信支付暂不可用，请稍后再试', { cause: (err as Error).name });
    }
    const text = bytes.toString('utf8');
    if (billFile && res.status === 200) return { status: res.status, bytes }; // checked against hash_value by tradeBill()
    if (res.status >= 200 && res.status < 300) {
      // A 2xx that is not signed by WeChat is not WeChat: refuse it.
      this.verifyOrThrowUpstream(
        {
          timestamp: res.headers.get('wechatpay-timestamp') ?? undefined,
          nonce: res.headers.get('wechatpay-nonce') ?? undefined,
          signature: res.headers.get('wechatpay-signature') ?? undefined,
          serial: res.headers.get('wechatpay-serial') ?? undefined,
        },
        text,
      );
      this.lastAnswerAt = Date.now();
      return { status: res.status, data: text ? JSON.parse(text) : {} };
    }
    let error: WxResult['error'] = {};
    try {
      error = JSON.parse(text);
    } catch {
      /* non-JSON error page */
    }
    if (res.status < 500 && res.status !== 429) this.lastAnswerAt = Date.now();
    if (res.status >= 500 || res.status === 429) {
      throw new AppError(503, 'UPSTREAM_UNAVAILABLE', '微信支付暂不可用，请稍后再试', { status: res.status, code: error?.code });
    }
    return { status: res.status, error };
  }

  /** JSAPI prepay + the parameters for wx.requestPayment (paySign by the SDK). */
  async jsapiPrepay(p: { outTradeNo: string; description: string; totalFen: number; openid: string; attach?: string; expiresAt: Date }) {
    const r = (await this.sdk.transactions_jsapi({ ...this.prepayBody(p), payer: { openid: p.openid } } as never)) as WxResult;
    if (r.status !== 200 || !r.data?.paySign) throw upstreamError(r);
    return r.data as { appId: string; timeStamp: string; nonceStr: string; package: string; signType: 'RSA'; paySign: string };
  }

  /** Native prepay: the code_url the desktop page shows as a QR code (the buyer scans it with WeChat). */
  async nativePrepay(p: { outTradeNo: string; description: string; totalFen: number; attach?: string; expiresAt: Date }) {
    const r = (await this.sdk.transactions_native({ ...this.prepayBody(p) } as never)) as WxResult;
    if (r.status !== 200 || typeof r.data?.code_url !== 'string') throw upstreamError(r);
    return { codeUrl: r.data.code_url as string };
  }

  /** H5 prepay (mobile browsers outside WeChat): the h5_url the browser is sent to, valid 5 minutes. */
  async h5Prepay(p: { outTradeNo: string; description: string; totalFen: number; attach?: string; expiresAt: Date; clientIp: string; h5Type: 'iOS' | 'Android' | 'Wap' }) {
    const r = (await this.sdk.transactions_h5({ ...this.prepayBody(p), scene_info: { payer_client_ip: p.clientIp, h5_info: { type: p.h5Type } } } as never)) as WxResult;
    if (r.status !== 200 || typeof r.data?.h5_url !== 'string') throw upstreamError(r);
    return { h5Url: r.data.h5_url as string };
  }

  private prepayBody(p: { outTradeNo: string; description: string; totalFen: number; attach?: string; expiresAt: Date }) {
    return {
      description: p.description,
      out_trade_no: p.outTradeNo,
      notify_url: this.cfg.notifyUrl,
      amount: { total: p.totalFen, currency: 'CNY' },
      attach: p.attach,
      time_expire: p.expiresAt.toISOString().replace(/\.\d+Z$/, '+00:00'),
    };
  }

  /**
   * Whether checkout should offer the backup channel instead: the breaker is open, or WeChat
   * answered SYSTEM_ERROR/5xx (or could not be reached) within the last `recentMs`.
   */
  isDown(recentMs = 30_000): boolean {
    return this.breaker.opened || (this.lastOutageAt > this.lastAnswerAt && Date.now() - this.lastOutageAt < recentMs);
  }
  private lastOutageAt = 0;
  /** The last time WeChat answered at all (any signed 2xx or business 4xx): it is up again. */
  private lastAnswerAt = 0;
  /** Called by callers that saw an outage answer (503 UPSTREAM_UNAVAILABLE). */
  noteOutage() {
    this.lastOutageAt = Date.now();
  }

  async queryByOutTradeNo(outTradeNo: string) {
    const r = (await this.sdk.query({ out_trade_no: outTradeNo })) as WxResult;
    if (r.status === 404) return null;
    if (r.status !== 200) throw upstreamError(r);
    return r.data as { trade_state: string; transaction_id?: string; amount: { total: number; payer_total?: number }; success_time?: string; out_trade_no: string };
  }

  /** Close an unpaid transaction. Returns 'closed', or 'paid' when WeChat says it was paid meanwhile. */
  async close(outTradeNo: string): Promise<'closed' | 'paid' | 'absent'> {
    const r = (await this.sdk.close(outTradeNo)) as WxResult;
    if (r.status === 204 || r.status === 200) return 'closed';
    if (r.error?.code === 'ORDERPAID') return 'paid';
    if (r.status === 404) return 'absent';
    throw upstreamError(r);
  }

  async refund(p: { outTradeNo: string; outRefundNo: string; refundFen: number; totalFen: number; reason: string }) {
    const r = (await this.sdk.refunds({
      out_trade_no: p.outTradeNo,
      out_refund_no: p.outRefundNo,
      reason: p.reason,
      notify_url: this.cfg.notifyUrl.replace(/notify$/, 'refund-notify'),
      amount: { refund: p.refundFen, total: p.totalFen, currency: 'CNY' },
    } as never)) as WxResult;
    if (r.status !== 200) throw upstreamError(r);
    return r.data as { refund_id: string; status: string };
  }

  /**
   * The trade bill (bill_type=ALL) of one Asia/Shanghai day, as text; null when WeChat has none
   * (NO_STATEMENT_EXIST: nothing was paid or refunded that day). The bill request's answer is signed
   * and verified like every other; the file itself is not signed by WeChat, so its SHA1 must equal
   * the hash_value of that signed answer.
   */
  async tradeBill(date: string): Promise<string | null> {
    const r = (await this.sdk.tradebill({ bill_date: date, bill_type: 'ALL' })) as WxResult;
    if (r.status === 400 && r.error?.code === 'NO_STATEMENT_EXIST') return null;
    if (r.status !== 200 || typeof r.data?.download_url !== 'string') throw upstreamError(r);
    const { hash_type: hashType, hash_value: hashValue, download_url: downloadUrl } = r.data as { hash_type: string; hash_value: string; download_url: string };
    // The SDK signs the path of a URL on WeChat's host; refuse to send our signature anywhere else.
    const base = this.cfg.apiBase.replace(/\/$/, '');
    const url = downloadUrl.startsWith(`${REAL_HOST}/`) ? downloadUrl : downloadUrl.startsWith(`${base}/`) ? REAL_HOST + downloadUrl.slice(base.length) : null;
    if (!url) throw new AppError(502, 'UPSTREAM_UNAVAILABLE', '微信支付账单下载地址不可信', { downloadUrl });
    const file = (await this.sdk.downloadBill(url)) as WxResult;
    if (file.status !== 200 || !file.bytes) throw upstreamError(file);
    if (hashType !== 'SHA1' || createHash('sha1').update(file.bytes).digest('hex') !== String(hashValue).toLowerCase()) {
      throw new AppError(502, 'UPSTREAM_UNAVAILABLE', '微信支付账单校验失败', { hashType });
    }
    return file.bytes.toString('utf8');
  }

  /** AEAD_AES_256_GCM resource of a notify, decrypted by the SDK. */
  decrypt(resource: { ciphertext: string; associated_data?: string; nonce: string }): unknown {
    return this.sdk.decipher_gcm(resource.ciphertext, resource.associated_data ?? '', resource.nonce, this.cfg.apiV3Key);
  }
}

function upstreamError(r: WxResult): AppError {
  if (r.status === 429 || r.error?.code === 'FREQUENCY_LIMITED') return new AppError(503, 'UPSTREAM_UNAVAILABLE', '微信支付繁忙，请稍后再试', { status: r.status, code: r.error?.code });
  if (r.status >= 500) return new AppError(503, 'UPSTREAM_UNAVAILABLE', '微信支付暂不可用，请稍后再试', { status: r.status, code: r.error?.code });
  return new AppError(502, 'UPSTREAM_UNAVAILABLE', '微信支付请求被拒绝', { status: r.status, code: r.error?.code, message: r.error?.message });
}
