import { createHmac, randomUUID } from 'node:crypto';
import { AppError } from '../../infra/errors';

/**
 * SMS adapter: Aliyun Dysmsapi SendSms (RPC style, API version 2017-05-25) with its signature
 * method (HMAC-SHA1 over "POST&%2F&" + the percent-encoded sorted query, key = secret + "&").
 * SMS_API_BASE is https://dysmsapi.aliyuncs.com in production, the local simulator otherwise.
 * https://help.aliyun.com/zh/sms/developer-reference/api-dysmsapi-2017-05-25-sendsms
 */
export interface SmsClientOptions {
  baseUrl: string;
  accessKeyId: string;
  accessKeySecret: string;
  signName: string;
  templateCode: string;
  timeoutMs: number;
}

/** RFC 3986 encoding as Aliyun's signature expects it (space %20, * %2A, ~ kept). */
export function aliyunEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function aliyunSign(method: string, params: Record<string, string>, secret: string): string {
  const canonical = Object.keys(params)
    .sort()
    .map((k) => `${aliyunEncode(k)}=${aliyunEncode(params[k])}`)
    .join('&');
  const stringToSign = `${method}&${aliyunEncode('/')}&${aliyunEncode(canonical)}`;
  return createHmac('sha1', `${secret}&`).update(stringToSign).digest('base64');
}

export class SmsClient {
  constructor(private readonly opts: SmsClientOptions) {}

  async sendCode(phone: string, code: string): Promise<{ bizId: string }> {
    const params: Record<string, string> = {
      AccessKeyId: this.opts.accessKeyId,
      Action: 'SendSms',
      Format: 'JSON',
      PhoneNumbers: phone,
      RegionId: 'cn-hangzhou',
      SignName: this.opts.signName,
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: randomUUID(),
      SignatureVersion: '1.0',
      TemplateCode: this.opts.templateCode,
      TemplateParam: JSON.stringify({ code }),
      Timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      Version: '2017-05-25',
    };
    params.Signature = aliyunSign('POST', params, this.opts.accessKeySecret);
    let body: { Code?: string; Message?: string; BizId?: string; RequestId?: string };
    try {
      const res = await fetch(new URL('/', this.opts.baseUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: Object.entries(params)
          .map(([k, v]) => `${aliyunEncode(k)}=${aliyunEncode(v)}`)
          .join('&'),
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
      body = JSON.parse(await res.text());
    } catch (err) {
      throw new AppError(503, 'UPSTREAM_UNAVAILABLE', '短信服务暂不可用，请稍后再试', { cause: (err as Error).name });
    }
    if (body.Code === 'OK') return { bizId: body.BizId ?? '' };
    switch (body.Code) {
      case 'isv.MOBILE_NUMBER_ILLEGAL':
      case 'isv.BLACK_KEY_CONTROL_LIMIT':
        throw new AppError(400, 'SMS_SEND_REFUSED', '该手机号无法接收短信', { providerCode: body.Code });
      case 'isv.BUSINESS_LIMIT_CONTROL':
      case 'isv.DAY_LIMIT_CONTROL':
        throw new AppError(429, 'RATE_LIMITED', '短信发送过于频繁，请稍后再试', { providerCode: body.Code, retryAfterSeconds: 60 });
      default: // signature/key/template misconfiguration, account out of service, isp.SYSTEM_ERROR
        throw new AppError(503, 'UPSTREAM_UNAVAILABLE', '短信服务暂不可用，请稍后再试', { providerCode: body.Code ?? null });
    }
  }
}
