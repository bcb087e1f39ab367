import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { readBody, sendJson, startSimulator, type RunningSimulator } from './server';

/**
 * Aliyun SMS (Dysmsapi 2017-05-25) simulator: `SendSms` over the RPC protocol, GET query or POST
 * form, with Aliyun's signature (SignatureMethod HMAC-SHA1, SignatureVersion 1.0: HMAC over
 * "METHOD&%2F&" + percent-encoded sorted parameters, key = AccessKeySecret + "&"), nonce reuse and
 * timestamp checks, and its answers: `{ Code: "OK", Message, BizId, RequestId }` or error codes
 * SignatureDoesNotMatch (400), InvalidAccessKeyId.NotFound (404), SignatureNonceUsed (400),
 * InvalidTimeStamp.Expired (400), isv.MOBILE_NUMBER_ILLEGAL, isv.BUSINESS_LIMIT_CONTROL (same
 * number: 1 per minute, 5 per hour, 10 per day), isv.SMS_SIGNATURE_ILLEGAL,
 * isv.SMS_TEMPLATE_ILLEGAL, isv.TEMPLATE_MISSING_PARAMETERS, isp.SYSTEM_ERROR.
 *
 * Test controls (not Aliyun's):
 *   GET  /__sim/sms/last?phone=13800138000 -> { phone, code, templateParam, signName, at } (404 if none)
 *   POST /__sim/sms/fail { code, times }    -> the next N sends answer that error code
 *   POST /__sim/sms/reset                   -> forget sent messages and frequency counters
 */
export interface SmsSimulatorOptions {
  accessKeyId: string;
  accessKeySecret: string;
  signName: string;
  templateCode: string;
  port?: number;
  now?: () => number;
}

export function aliyunPercentEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function aliyunSignature(method: string, params: Record<string, string>, secret: string): string {
  const canonical = Object.keys(params)
    .filter((k) => k !== 'Signature')
    .sort()
    .map((k) => `${aliyunPercentEncode(k)}=${aliyunPercentEncode(params[k])}`)
    .join('&');
  return createHmac('sha1', `${secret}&`).update(`${method}&${aliyunPercentEncode('/')}&${aliyunPercentEncode(canonical)}`).digest('base64');
}

const MESSAGES: Record<string, string> = {
  'isv.MOBILE_NUMBER_ILLEGAL': '非法手机号',
  'isv.BUSINESS_LIMIT_CONTROL': '触发号码天级流控Permits:10',
  'isv.SMS_SIGNATURE_ILLEGAL': '该账号下找不到对应签名',
  'isv.SMS_TEMPLATE_ILLEGAL': '该账号下找不到对应模板',
  'isv.TEMPLATE_MISSING_PARAMETERS': '模板变量中存在未赋值变量',
  'isp.SYSTEM_ERROR': 'isp.SYSTEM_ERROR',
  'isv.AMOUNT_NOT_ENOUGH': '账户余额不足',
};

export async function startSmsSimulator(opts: SmsSimulatorOptions): Promise<RunningSimulator> {
  const now = opts.now ?? Date.now;
  const sent = new Map<string, { phone: string; code?: string; templateParam: Record<string, string>; signName: string; at: string }>();
  const history = new Map<string, number[]>();
  const nonces = new Set<string>();
  let forced: { code: string; times: number } | null = null;

  return startSimulator(
    'sms',
    async (req, res, url) => {
      if (url.pathname === '/__sim/sms/last' && req.method === 'GET') {
        const last = sent.get(url.searchParams.get('phone') ?? '');
        return last ? sendJson(res, 200, last) : sendJson(res, 404, { error: 'no message to this phone' });
      }
      if (url.pathname === '/__sim/sms/fail' && req.method === 'POST') {
        forced = JSON.parse((await readBody(req)) || '{}');
        return sendJson(res, 200, { ok: true });
      }
      if (url.pathname === '/__sim/sms/reset' && req.method === 'POST') {
        sent.clear();
        history.clear();
        return sendJson(res, 200, { ok: true });
      }
      if (url.pathname !== '/') return sendJson(res, 404, { Code: 'InvalidAction.NotFound', Message: 'Specified api is not found, please check your url and method.' });
      const params: Record<string, string> = Object.fromEntries(url.searchParams);
      if (req.method === 'POST') for (const [k, v] of new URLSearchParams(await readBody(req))) params[k] = v;
      const RequestId = randomUUID().toUpperCase();
      const fail = (status: number, Code: string, Message = MESSAGES[Code] ?? Code) =>
        sendJson(res, status, status === 200 ? { RequestId, Code, Message } : { RequestId, HostId: 'dysmsapi.aliyuncs.com', Code, Message, Recommend: `https://api.aliyun.com/troubleshoot?q=${Code}` });

      if (params.AccessKeyId !== opts.accessKeyId) return fail(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.');
      if (params.SignatureMethod !== 'HMAC-SHA1' || params.SignatureVersion !== '1.0' || !params.Signature) return fail(400, 'IncompleteSignature', 'The request signature does not conform to Aliyun standards.');
      if (aliyunSignature(req.method ?? 'GET', params, opts.accessKeySecret) !== params.Signature)
        return fail(400, 'SignatureDoesNotMatch', 'Specified signature is not matched with our calculation.');
      const ts = Date.parse(params.Timestamp ?? '');
      if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(params.Timestamp ?? '') || Math.abs(now() - ts) > 15 * 60_000)
        return fail(400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.');
      if (!params.SignatureNonce || nonces.has(params.SignatureNonce)) return fail(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.');
      nonces.add(params.SignatureNonce);
      if (params.Action !== 'SendSms' || params.Version !== '2017-05-25') return fail(404, 'InvalidAction.NotFound', 'Specified api is not found, please check your url and method.');
      if (forced && forced.times > 0) {
        forced.times -= 1;
        return fail(200, forced.code);
      }
      const phone = params.PhoneNumbers ?? '';
      if (!/^1[3-9]\d{9}$/.test(phone)) return fail(200, 'isv.MOBILE_NUMBER_ILLEGAL');
      if (params.SignName !== opts.signName) return fail(200, 'isv.SMS_SIGNATURE_ILLEGAL');
      if (params.TemplateCode !== opts.templateCode) return fail(200, 'isv.SMS_TEMPLATE_ILLEGAL');
      let templateParam: Record<string, string>;
      try {
        templateParam = JSON.parse(params.TemplateParam ?? '');
      } catch {
        return fail(200, 'isv.TEMPLATE_MISSING_PARAMETERS');
      }
      if (!templateParam || typeof templateParam.code !== 'string') return fail(200, 'isv.TEMPLATE_MISSING_PARAMETERS');
      const t = now();
      const times = (history.get(phone) ?? []).filter((x) => t - x < 86_400_000);
      if (times.some((x) => t - x < 60_000)) return fail(200, 'isv.BUSINESS_LIMIT_CONTROL', '触发号码分钟级流控Permits:1');
      if (times.filter((x) => t - x < 3_600_000).length >= 5) return fail(200, 'isv.BUSINESS_LIMIT_CONTROL', '触发号码小时级流控Permits:5');
      if (times.length >= 10) return fail(200, 'isv.BUSINESS_LIMIT_CONTROL');
      history.set(phone, [...times, t]);
      sent.set(phone, { phone, code: templateParam.code, templateParam, signName: params.SignName, at: new Date(t).toISOString() });
      return sendJson(res, 200, { RequestId, Code: 'OK', Message: 'OK', BizId: `${randomBytes(9).toString('hex')}^0` });
    },
    opts.port,
  );
}
