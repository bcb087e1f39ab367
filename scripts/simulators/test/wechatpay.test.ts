import { createHash, createSign, createVerify, randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
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

describe('WeChat Pay v3 simulator: trade bill', () => {
  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10); // Asia/Shanghai
  const sha1 = (b: Buffer) => createHash('sha1').update(b).digest('hex');
  /** Signed GET of a download_url (WeChat's host is mapped to the simulator, as the merchant's transport does). */
  async function download(downloadUrl: string) {
    const path = downloadUrl.replace('https://api.mch.weixin.qq.com', '');
    const ts = String(Math.floor(Date.now() / 1000));
    const nonce = randomBytes(8).toString('hex');
    const signature = createSign('RSA-SHA256').update(`GET\n${path}\n${ts}\n${nonce}\n\n`).sign(keys.merchantPrivateKeyPem, 'base64');
    const res = await fetch(sim.url + path, { headers: { authorization: `WECHATPAY2-SHA256-RSA2048 mchid="1900000109",nonce_str="${nonce}",timestamp="${ts}",serial_no="${keys.merchantSerial}",signature="${signature}"` } });
    return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()), headers: res.headers };
  }
  /** Rows of a bill as objects keyed by the header, backticks stripped. */
  function rows(text: string) {
    const lines = text.split(/\r?\n/).filter(Boolean);
    const header = lines[0].split(',');
    const summaryAt = lines.findIndex((l) => l.startsWith('总交易单数'));
    const toObj = (h: string[], l: string) => Object.fromEntries(l.split(',').map((c, i) => [h[i], c.replace(/^`/, '')]));
    return { header: lines[0], data: lines.slice(1, summaryAt).map((l) => toObj(header, l)), rawData: lines.slice(1, summaryAt), summary: toObj(lines[summaryAt].split(','), lines[summaryAt + 1]) };
  }
  const control = (body: object) => fetch(`${sim.url}/__sim/wxpay/bill`, { method: 'POST', body: JSON.stringify(body) });

  it('validates the date and type like WeChat, and says when there is no bill', async () => {
    expect((await call('GET', '/v3/bill/tradebill?bill_date=2026-13-01&bill_type=ALL')).body).toMatchObject({ code: 'PARAM_ERROR', message: '账单日期格式不正确' });
    expect((await call('GET', '/v3/bill/tradebill?bill_date=20261101&bill_type=ALL')).body.code).toBe('PARAM_ERROR');
    expect((await call('GET', `/v3/bill/tradebill?bill_date=${today}&bill_type=NOPE`)).body.code).toBe('PARAM_ERROR');
    const quiet = new Date(Date.now() + 8 * 3600_000 - 20 * 86_400_000).toISOString().slice(0, 10);
    const none = await call('GET', `/v3/bill/tradebill?bill_date=${quiet}&bill_type=ALL`);
    expect(none.status).toBe(400);
    expect(none.body.code).toBe('NO_STATEMENT_EXIST');
    expect((await call('GET', '/v3/bill/tradebill?bill_date=2020-01-01&bill_type=ALL')).body.code).toBe('PARAM_ERROR');
  });

  it("answers a signed hash and download_url; the file is WeChat's CSV with payments, refunds and a summary", async () => {
    const no = 'CM2026112800000002P1';
    await call('POST', '/v3/pay/transactions/jsapi', { ...order, out_trade_no: no, amount: { total: 123_45 } });
    await fetch(`${sim.url}/__sim/wxpay/pay`, { method: 'POST', body: JSON.stringify({ out_trade_no: no }) });
    await call('POST', '/v3/refund/domestic/refunds', { out_trade_no: no, out_refund_no: `${no}R1`, amount: { refund: 100_05, total: 123_45, currency: 'CNY' } });
    await new Promise((r) => setTimeout(r, 120)); // the refund succeeds shortly after

    const res = await call('GET', `/v3/bill/tradebill?bill_date=${today}&bill_type=ALL`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ hash_type: 'SHA1', download_url: expect.stringMatching(/^https:\/\/api\.mch\.weixin\.qq\.com\/v3\/billdownload\/file\?token=/) });
    const h = res.headers;
    expect(createVerify('RSA-SHA256').update(`${h.get('wechatpay-timestamp')}\n${h.get('wechatpay-nonce')}\n${res.raw}\n`).verify(keys.platformPublicKeyPem, h.get('wechatpay-signature')!, 'base64')).toBe(true);

    const file = await download(res.body.download_url);
    expect(file.status).toBe(200);
    expect(file.headers.get('wechatpay-signature')).toBeNull(); // bill files are not signed: the hash is
    expect(sha1(file.bytes)).toBe(res.body.hash_value);
    const bill = rows(file.bytes.toString('utf8'));
    expect(bill.header).toBe('交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注');
    expect(bill.rawData.every((l) => l.split(',').every((c) => c.startsWith('`')))).toBe(true);
    const paid = bill.data.find((r) => r['商户订单号'] === no && r['交易状态'] === 'SUCCESS')!;
    expect(paid).toMatchObject({ 商户号: '1900000109', 交易类型: 'JSAPI', 货币种类: 'CNY', 应结订单金额: '123.45', 订单金额: '123.45', 用户标识: 'oBuyer', 手续费: '0.74', 费率: '0.60%' });
    expect(paid['交易时间']).toMatch(new RegExp(`^${today} \\d{2}:\\d{2}:\\d{2}$`));
    expect(paid['微信订单号']).toMatch(/^4200/);
    const refund = bill.data.find((r) => r['交易状态'] === 'REFUND' && r['商户订单号'] === no)!;
    expect(refund).toMatchObject({ 商户退款单号: `${no}R1`, 退款金额: '100.05', 申请退款金额: '100.05', 退款状态: 'SUCCESS', 退款类型: 'ORIGINAL' });
    // The summary adds up the rows.
    const fen = (s: string) => Math.round(Number(s) * 100);
    const successRows = bill.data.filter((r) => r['交易状态'] === 'SUCCESS');
    expect(Number(bill.summary['总交易单数'])).toBe(bill.data.length);
    expect(fen(bill.summary['应结订单总金额'])).toBe(successRows.reduce((s, r) => s + fen(r['应结订单金额']), 0));
    expect(fen(bill.summary['退款总金额'])).toBe(bill.data.filter((r) => r['交易状态'] === 'REFUND').reduce((s, r) => s + fen(r['退款金额']), 0));

    // SUCCESS / REFUND bills, the GZIP variant, and the download needs a valid token and signature.
    const onlyRefunds = rows((await download((await call('GET', `/v3/bill/tradebill?bill_date=${today}&bill_type=REFUND`)).body.download_url)).bytes.toString('utf8'));
    expect(onlyRefunds.data.every((r) => r['交易状态'] === 'REFUND')).toBe(true);
    const gz = await call('GET', `/v3/bill/tradebill?bill_date=${today}&bill_type=ALL&tar_type=GZIP`);
    const gzFile = await download(gz.body.download_url);
    expect(sha1(gzFile.bytes)).toBe(gz.body.hash_value);
    expect(gunzipSync(gzFile.bytes).toString('utf8')).toContain(no);
    expect((await download('https://api.mch.weixin.qq.com/v3/billdownload/file?token=nope')).status).toBe(400);
    const unsigned = await fetch(sim.url + res.body.download_url.replace('https://api.mch.weixin.qq.com', ''));
    expect(unsigned.status).toBe(401);
  });

  it('can be told to put discrepancies in the bill', async () => {
    const no = 'CM2026112800000003P1';
    await call('POST', '/v3/pay/transactions/jsapi', { ...order, out_trade_no: no, amount: { total: 500_000 } });
    await fetch(`${sim.url}/__sim/wxpay/pay`, { method: 'POST', body: JSON.stringify({ out_trade_no: no }) });
    const extra = await control({ extra: [{ out_trade_no: 'OFFLINE0000001', total: 99_99 }], amounts: { [no]: 499_999 }, omit: ['CM2026112800000002P1'] });
    expect(extra.status).toBe(200);
    // The extra payment is a real one for WeChat: queries see it.
    expect((await call('GET', '/v3/pay/transactions/out-trade-no/OFFLINE0000001?mchid=1900000109')).body).toMatchObject({ trade_state: 'SUCCESS', amount: { total: 99_99 } });
    const bill = rows((await download((await call('GET', `/v3/bill/tradebill?bill_date=${today}&bill_type=ALL`)).body.download_url)).bytes.toString('utf8'));
    const success = (n: string) => bill.data.find((r) => r['商户订单号'] === n && r['交易状态'] === 'SUCCESS');
    expect(success('OFFLINE0000001')?.['应结订单金额']).toBe('99.99');
    expect(success(no)?.['应结订单金额']).toBe('4999.99');
    expect(success('CM2026112800000002P1')).toBeUndefined();
    expect(bill.data.find((r) => r['交易状态'] === 'REFUND' && r['商户订单号'] === 'CM2026112800000002P1')).toBeDefined(); // only the payment was omitted
    expect((await control({ extra: [{ out_trade_no: 'OFFLINE0000001', total: 1 }] })).status).toBe(409);
    await control({ reset: true });
    const clean = rows((await download((await call('GET', `/v3/bill/tradebill?bill_date=${today}&bill_type=ALL`)).body.download_url)).bytes.toString('utf8'));
    expect(clean.data.find((r) => r['商户订单号'] === no && r['交易状态'] === 'SUCCESS')?.['应结订单金额']).toBe('5000.00');
    expect(clean.data.some((r) => r['商户订单号'] === 'CM2026112800000002P1' && r['交易状态'] === 'SUCCESS')).toBe(true);
  });

  it('reports paid times in Asia/Shanghai (+08:00)', async () => {
    const t = (await call('GET', '/v3/pay/transactions/out-trade-no/CM2026112800000003P1?mchid=1900000109')).body;
    expect(t.success_time).toMatch(/\+08:00$/);
    expect(Math.abs(new Date(t.success_time).getTime() - Date.now())).toBeLessThan(60_000);
  });
});
