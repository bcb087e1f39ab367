import { randomBytes } from 'node:crypto';
import { acceptRpcCall } from './aliyun-rpc';
import { readBody, sendJson, startSimulator, type RunningSimulator } from './server';

export { aliyunPercentEncode, aliyunSignature } from './aliyun-rpc';

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
      const call = await acceptRpcCall(req, res, url, { host: 'dysmsapi.aliyuncs.com', accessKeyId: opts.accessKeyId, accessKeySecret: opts.accessKeySecret, version: '2017-05-25', actions: ['SendSms'], now }, nonces, MESSAGES);
      if (!call) return;
      const { params, fail } = call;
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
      return sendJson(res, 200, { RequestId: call.requestId, Code: 'OK', Message: 'OK', BizId: `${randomBytes(9).toString('hex')}^0` });
    },
    opts.port,
  );
}
