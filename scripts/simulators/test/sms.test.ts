import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { aliyunPercentEncode, aliyunSignature, startSmsSimulator } from '../src';

const opts = { accessKeyId: 'LTAIsim', accessKeySecret: 'sim-secret', signName: '远山汽车', templateCode: 'SMS_1' };
const sim = await startSmsSimulator(opts);
afterAll(() => sim.close());

async function send(over: Record<string, string> = {}, secret = opts.accessKeySecret) {
  const params: Record<string, string> = {
    AccessKeyId: opts.accessKeyId,
    Action: 'SendSms',
    Format: 'JSON',
    PhoneNumbers: '13800138000',
    RegionId: 'cn-hangzhou',
    SignName: opts.signName,
    SignatureMethod: 'HMAC-SHA1',
    SignatureNonce: randomUUID(),
    SignatureVersion: '1.0',
    TemplateCode: opts.templateCode,
    TemplateParam: JSON.stringify({ code: '123456' }),
    Timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    Version: '2017-05-25',
    ...over,
  };
  params.Signature = aliyunSignature('POST', params, secret);
  const res = await fetch(`${sim.url}/`, { method: 'POST', body: Object.entries(params).map(([k, v]) => `${aliyunPercentEncode(k)}=${aliyunPercentEncode(v)}`).join('&') });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

describe('sms simulator (Aliyun Dysmsapi SendSms)', () => {
  it('sends with a valid signature and exposes the code under /__sim/', async () => {
    const r = await send();
    expect(r.body).toMatchObject({ Code: 'OK', Message: 'OK' });
    const last = (await (await fetch(`${sim.url}/__sim/sms/last?phone=13800138000`)).json()) as { code: string };
    expect(last.code).toBe('123456');
  });
  it('applies Aliyun per-number flow control and its error codes', async () => {
    expect((await send()).body.Code).toBe('isv.BUSINESS_LIMIT_CONTROL');
    expect((await send({ PhoneNumbers: '1380013' })).body.Code).toBe('isv.MOBILE_NUMBER_ILLEGAL');
    expect((await send({ PhoneNumbers: '13900000000', TemplateCode: 'SMS_2' })).body.Code).toBe('isv.SMS_TEMPLATE_ILLEGAL');
    const bad = await send({}, 'wrong');
    expect(bad.status).toBe(400);
    expect(bad.body.Code).toBe('SignatureDoesNotMatch');
    expect((await send({ Timestamp: '2020-01-01T00:00:00Z' })).body.Code).toBe('InvalidTimeStamp.Expired');
    expect((await send({ AccessKeyId: 'nope' })).body.Code).toBe('InvalidAccessKeyId.NotFound');
    const nonce = randomUUID();
    await send({ PhoneNumbers: '13900000001', SignatureNonce: nonce });
    expect((await send({ PhoneNumbers: '13900000002', SignatureNonce: nonce })).body.Code).toBe('SignatureNonceUsed');
  });
  it('can be told to fail', async () => {
    await fetch(`${sim.url}/__sim/sms/fail`, { method: 'POST', body: JSON.stringify({ code: 'isp.SYSTEM_ERROR', times: 1 }) });
    expect((await send({ PhoneNumbers: '13700000000' })).body.Code).toBe('isp.SYSTEM_ERROR');
  });
});
