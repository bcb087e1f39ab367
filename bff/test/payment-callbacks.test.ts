import { afterAll, describe, expect, it } from 'vitest';
import { alipaySignContent, encryptResource, rsa2Sign, signMessage } from '@carmall/simulators';
import { startTestApp } from './helpers';

// Issue #26: the payment callbacks are limited per IP on failed verifications only, answered in the
// provider's own format; a notify that verifies is never limited, so WeChat's and Alipay's retries
// always get through, even from an address a forger has pushed over the limit.
const t = await startTestApp('payment_callbacks', { RATE_LIMIT_NOTIFY_FAILURES_PER_IP_PER_MIN: '3' });
afterAll(() => t.close());

/** A WeChat Pay notify envelope signed with `key` (the platform key: WeChat itself; another: a forger). */
function wechatNotify(opts: { key?: string; serial?: string; resource?: object } = {}) {
  const resource = encryptResource(t.wxpayKeys.apiV3Key, JSON.stringify(opts.resource ?? { mchid: t.config.WXPAY_MCHID, appid: t.config.WECHAT_APPID, out_trade_no: 'CM0000000000000000P1', trade_state: 'NOTPAY' }), 'transaction');
  const body = JSON.stringify({ id: 'EV-1', event_type: 'TRANSACTION.SUCCESS', resource_type: 'encrypt-resource', resource });
  const ts = String(Math.floor(Date.now() / 1000));
  const signature = signMessage(opts.key ?? t.wxpayKeys.platformPrivateKeyPem, `${ts}\nn\n${body}\n`);
  return { body, headers: { 'content-type': 'application/json', 'wechatpay-timestamp': ts, 'wechatpay-nonce': 'n', 'wechatpay-serial': opts.serial ?? t.wxpayKeys.platformSerial, 'wechatpay-signature': signature } };
}
const postWechat = async (path: 'notify' | 'refund-notify', n: ReturnType<typeof wechatNotify>) => {
  const res = await fetch(`${t.url}/api/v1/payments/wechat/${path}`, { method: 'POST', body: n.body, headers: n.headers });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, retryAfter: res.headers.get('retry-after') };
};
async function postAlipay(fields: Record<string, string>, key = t.alipayKeys.alipayPrivateKeyPem) {
  const params: Record<string, string> = { notify_time: '2026-11-28 21:00:00', notify_type: 'trade_status_sync', notify_id: 'n1', app_id: t.config.ALIPAY_APP_ID!, charset: 'utf-8', version: '1.0', sign_type: 'RSA2', ...fields };
  params.sign = rsa2Sign(key, alipaySignContent(params, ['sign', 'sign_type']));
  const res = await fetch(`${t.url}/api/v1/payments/alipay/notify`, { method: 'POST', body: new URLSearchParams(params).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  return { status: res.status, text: await res.text(), retryAfter: res.headers.get('retry-after') };
}

describe('WeChat Pay callbacks', () => {
  it('answer a bad signature and an unknown serial as WeChat expects (401, { code: FAIL, message }), then 429 in the same format past the per-IP limit', async () => {
    await t.dropRedisKeys('rl:notify-fail:*');
    const forged = wechatNotify({ key: t.wxpayKeys.merchantPrivateKeyPem });
    const answers = [
      await postWechat('notify', forged),
      await postWechat('refund-notify', wechatNotify({ serial: 'PUB_KEY_ID_NOPE' })),
      await postWechat('notify', wechatNotify({ serial: '__proto__' })),
    ];
    for (const a of answers) expect(a).toMatchObject({ status: 401, body: { code: 'FAIL', message: '签名错误' } });
    for (const path of ['notify', 'refund-notify'] as const) {
      const limited = await postWechat(path, forged);
      expect(limited.status).toBe(429);
      expect(limited.body).toEqual({ code: 'FAIL', message: expect.any(String) });
      expect([...limited.body.message].length).toBeLessThanOrEqual(64); // WeChat's message field: string[1,64]
      expect(Number(limited.retryAfter)).toBeGreaterThan(0);
    }
  });

  it('a notify that verifies is never limited, even from an IP over the limit', async () => {
    await t.dropRedisKeys('rl:notify-fail:*');
    for (let i = 0; i < 5; i++) await postWechat('notify', wechatNotify({ key: t.wxpayKeys.merchantPrivateKeyPem }));
    expect((await postWechat('notify', wechatNotify({ key: t.wxpayKeys.merchantPrivateKeyPem }))).status).toBe(429);
    // WeChat's own notifies from the same address, many of them: answered as always (nothing to apply here: 204).
    for (let i = 0; i < 10; i++) expect((await postWechat('notify', wechatNotify())).status).toBe(204);
    // One that verifies but names a trade we do not have: WeChat's 404 FAIL (it retries), not 429.
    const unknownTrade = await postWechat('notify', wechatNotify({ resource: { mchid: t.config.WXPAY_MCHID, appid: t.config.WECHAT_APPID, out_trade_no: 'CM0000000000000000P1', trade_state: 'SUCCESS', amount: { total: 1 } } }));
    expect(unknownTrade).toMatchObject({ status: 404, body: { code: 'FAIL' } });
    // Verified notifies are not counted at all.
    expect(Number(await t.redis.get('rl:notify-fail:ip:127.0.0.1'))).toBe(6);
  });
});

describe('Alipay notify', () => {
  it('counts only notifies that fail verification; past the limit 429 "failure"; a signed one still gets "success"', async () => {
    await t.dropRedisKeys('rl:notify-fail:*');
    const fields = { out_trade_no: 'CM0000000000000000A1', trade_no: '2026000000', trade_status: 'WAIT_BUYER_PAY', total_amount: '5000.00' };
    const forged = [];
    for (let i = 0; i < 4; i++) forged.push(await postAlipay(fields, t.alipayKeys.appPrivateKeyPem)); // not Alipay's key
    expect(forged.map((r) => [r.status, r.text])).toEqual([[200, 'failure'], [200, 'failure'], [200, 'failure'], [429, 'failure']]);
    expect(Number(forged[3].retryAfter)).toBeGreaterThan(0);
    for (let i = 0; i < 5; i++) expect(await postAlipay(fields)).toMatchObject({ status: 200, text: 'success' });
  });
});
