import { createSign, createVerify, randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { generateWechatPayKeys, startWechatPaySimulator } from '../src';

const keys = generateWechatPayKeys('certificate');
const sim = await startWechatPaySimulator({
  mchid: '1900000109',
  appid: 'wx1111111111111111',
  merchantSerial: keys.merchantSerial,
  merchantPublicKeyPem: keys.merchantPublicKeyPem,
  platformSerial: keys.platformSerial,
  platformPrivateKeyPem: keys.platformPrivateKeyPem,
  apiV3Key: keys.apiV3Key,
});
afterAll(() => sim.close());

/** A merchant request signed the WECHATPAY2-SHA256-RSA2048 way. */
async function call(method: 'GET' | 'POST', path: string, body?: object, signWith = keys.merchantPrivateKeyPem) {
  const text = body ? JSON.stringify(body) : '';
  const ts = String(Math.floor(Date.now() / 1000));
  const nonce = randomBytes(8).toString('hex');
  const signature = createSign('RSA-SHA256').update(`${method}\n${path}\n${ts}\n${nonce}\n${text}\n`).sign(signWith, 'base64');
  const res = await fetch(sim.url + path, {
    method,
    body: body ? text : undefined,
    headers: { 'content-type': 'application/json', authorization: `WECHATPAY2-SHA256-RSA2048 mchid="1900000109",nonce_str="${nonce}",timestamp="${ts}",serial_no="${keys.merchantSerial}",signature="${signature}"` },
  });
  const raw = await res.text();
  return { status: res.status, raw, body: raw ? JSON.parse(raw) : null, headers: res.headers };
}

const order = { appid: 'wx1111111111111111', mchid: '1900000109', description: '意向金', out_trade_no: 'CM2026112800000001P1', notify_url: 'http://127.0.0.1:1/notify', amount: { total: 500000 }, payer: { openid: 'oBuyer' } };

describe('WeChat Pay v3 simulator', () => {
  it('creates a prepay and signs the answer with the platform key', async () => {
    const res = await call('POST', '/v3/pay/transactions/jsapi', order);
    expect(res.status).toBe(200);
    expect(res.body.prepay_id).toMatch(/^wx/);
    const h = res.headers;
    expect(h.get('wechatpay-serial')).toBe(keys.platformSerial);
    const ok = createVerify('RSA-SHA256').update(`${h.get('wechatpay-timestamp')}\n${h.get('wechatpay-nonce')}\n${res.raw}\n`).verify(keys.platformPublicKeyPem, h.get('wechatpay-signature')!, 'base64');
    expect(ok).toBe(true);
    expect((await call('POST', '/v3/pay/transactions/jsapi', order)).body.prepay_id).toBe(res.body.prepay_id);
    expect((await call('POST', '/v3/pay/transactions/jsapi', { ...order, amount: { total: 1 } })).body.code).toBe('OUT_TRADE_NO_USED');
  });

  it('rejects requests not signed by the merchant key', async () => {
    const other = generateWechatPayKeys().merchantPrivateKeyPem;
    const res = await call('POST', '/v3/pay/transactions/jsapi', order, other);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('SIGN_ERROR');
  });

  it('answers queries, refuses to close a paid order, and keeps a ledger', async () => {
    const path = `/v3/pay/transactions/out-trade-no/${order.out_trade_no}?mchid=1900000109`;
    expect((await call('GET', path)).body.trade_state).toBe('NOTPAY');
    await fetch(`${sim.url}/__sim/wxpay/pay`, { method: 'POST', body: JSON.stringify({ out_trade_no: order.out_trade_no }) });
    expect((await call('GET', path)).body).toMatchObject({ trade_state: 'SUCCESS', amount: { total: 500000, payer_total: 500000 } });
    const close = await call('POST', `/v3/pay/transactions/out-trade-no/${order.out_trade_no}/close`, { mchid: '1900000109' });
    expect(close.body.code).toBe('ORDERPAID');
    expect((await call('GET', '/v3/pay/transactions/out-trade-no/NOPE123456?mchid=1900000109')).body.code).toBe('ORDER_NOT_EXIST');
    expect(sim.ledger().transactions).toHaveLength(1);
  });

  it('can be told to fail', async () => {
    await fetch(`${sim.url}/__sim/wxpay/fail`, { method: 'POST', body: JSON.stringify({ times: 1, status: 500, code: 'SYSTEM_ERROR' }) });
    expect((await call('GET', '/v3/pay/transactions/out-trade-no/X123456?mchid=1900000109')).body.code).toBe('SYSTEM_ERROR');
  });
});
