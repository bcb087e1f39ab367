import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { aliyunPercentEncode, aliyunSignature, startDyplsSimulator } from '../src';

const opts = { accessKeyId: 'LTAIpnp', accessKeySecret: 'pnp-secret', poolKey: 'FC1000001', secretNumbers: ['17000000011', '17000000012'] };
const sim = await startDyplsSimulator(opts);
afterAll(() => sim.close());

const beijing = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');

async function rpc(action: string, biz: Record<string, string>, over: Record<string, string> = {}, secret = opts.accessKeySecret) {
  const params: Record<string, string> = {
    AccessKeyId: opts.accessKeyId,
    Action: action,
    Format: 'JSON',
    SignatureMethod: 'HMAC-SHA1',
    SignatureNonce: randomUUID(),
    SignatureVersion: '1.0',
    Timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    Version: '2017-05-25',
    PoolKey: opts.poolKey,
    ...biz,
    ...over,
  };
  params.Signature = aliyunSignature('POST', params, secret);
  const res = await fetch(`${sim.url}/`, { method: 'POST', body: Object.entries(params).map(([k, v]) => `${aliyunPercentEncode(k)}=${aliyunPercentEncode(v)}`).join('&') });
  return { status: res.status, body: (await res.json()) as Record<string, any>, nonce: params.SignatureNonce };
}
const bind = (a: string, b: string, minutes = 60) => rpc('BindAxb', { PhoneNoA: a, PhoneNoB: b, Expiration: beijing(Date.now() + minutes * 60_000) });
const relay = async (caller: string, secretNo: string) => (await fetch(`${sim.url}/__sim/dypls/call`, { method: 'POST', body: JSON.stringify({ caller, secretNo }) })).json();

describe('privacy number simulator (Aliyun Dyplsapi AXB)', () => {
  it('binds A and B to an X that relays between them only, and unbinds', async () => {
    const r = await bind('13900000001', '13800000001');
    expect(r.body).toMatchObject({ Code: 'OK', SecretBindDTO: { SecretNo: '17000000011', SubsId: expect.any(String) } });
    const x = r.body.SecretBindDTO.SecretNo;
    expect(await relay('13900000001', x)).toMatchObject({ connected: true, callee: '13800000001' });
    expect(await relay('13800000001', x)).toMatchObject({ connected: true, callee: '13900000001' });
    expect(await relay('13700000001', x)).toMatchObject({ connected: false });
    const detail = await rpc('QuerySubscriptionDetail', { SubsId: r.body.SecretBindDTO.SubsId, PhoneNoX: x, SecretNo: x });
    expect(detail.body.SecretBindDetailDTO).toMatchObject({ PhoneNoA: '13900000001', PhoneNoB: '13800000001', Status: 1 });
    expect((await rpc('UnbindSubscription', { SubsId: r.body.SecretBindDTO.SubsId, SecretNo: x })).body.Code).toBe('OK');
    expect(await relay('13900000001', x)).toMatchObject({ connected: false });
    expect((await rpc('UnbindSubscription', { SubsId: r.body.SecretBindDTO.SubsId, SecretNo: x })).body.Code).toBe('isv.NO_NOT_EXIST');
  });

  it('never gives one A two bindings on the same X; a pool without a free X says isv.NO_AVAILABLE_NUMBER', async () => {
    const first = await bind('13900000002', '13800000002');
    const second = await bind('13900000002', '13800000003');
    expect(second.body.SecretBindDTO.SecretNo).not.toBe(first.body.SecretBindDTO.SecretNo);
    expect((await bind('13900000002', '13800000004')).body.Code).toBe('isv.NO_AVAILABLE_NUMBER');
  });

  it("checks Aliyun's rules: numbers, expiration, pool", async () => {
    expect((await bind('13900000003', '13900000003')).body.Code).toBe('isv.INVALID_PARAMETERS');
    expect((await bind('1390000', '13800000005')).body.Code).toBe('isv.INVALID_PARAMETERS');
    expect((await bind('13900000003', '13800000005', 1)).body.Code).toBe('isv.INVALID_PARAMETERS');
    expect((await rpc('BindAxb', { PhoneNoA: '13900000003', PhoneNoB: '13800000005', Expiration: '2030/01/01' })).body.Code).toBe('isv.INVALID_PARAMETERS');
    expect((await rpc('BindAxb', { PhoneNoA: '13900000003', PhoneNoB: '13800000005', Expiration: beijing(Date.now() + 3_600_000) }, { PoolKey: 'FC-other' })).body.Code).toBe('isv.POOL_NOT_EXIST');
  });

  it('refuses a wrong signature, an unknown key, a reused nonce and a stale timestamp as Aliyun does', async () => {
    const badSig = await rpc('BindAxb', {}, {}, 'wrong-secret');
    expect(badSig).toMatchObject({ status: 400, body: { Code: 'SignatureDoesNotMatch', HostId: 'dyplsapi.aliyuncs.com' } });
    expect((await rpc('BindAxb', {}, { AccessKeyId: 'LTAIother' })).status).toBe(404);
    const ok = await rpc('UnbindSubscription', { SubsId: '1', SecretNo: '17000000011' });
    expect((await rpc('UnbindSubscription', { SubsId: '1', SecretNo: '17000000011' }, { SignatureNonce: ok.nonce })).body.Code).toBe('SignatureNonceUsed');
    expect((await rpc('BindAxb', {}, { Timestamp: '2020-01-01T00:00:00Z' })).body.Code).toBe('InvalidTimeStamp.Expired');
    expect((await rpc('SendSms', {})).body.Code).toBe('InvalidAction.NotFound');
  });
});
