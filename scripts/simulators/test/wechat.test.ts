import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWechatSimulator } from '../src';

let clock = Date.now();
const sim = await startWechatSimulator({ appId: 'wx1111111111111111', secret: 's3cret', now: () => clock });
afterAll(() => sim.close());

const mint = async (body: object = {}) =>
  (await (await fetch(`${sim.url}/__sim/wechat/codes`, { method: 'POST', body: JSON.stringify(body) })).json()) as { code: string; openid: string };
const code2Session = async (params: Record<string, string>) => {
  const q = new URLSearchParams({ appid: 'wx1111111111111111', secret: 's3cret', grant_type: 'authorization_code', ...params });
  const res = await fetch(`${sim.url}/sns/jscode2session?${q}`);
  return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as Record<string, unknown> };
};

describe('wechat simulator: code2Session', () => {
  beforeAll(() => {
    clock = Date.now();
  });
  it('listens on loopback only', () => {
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
  it('exchanges a minted code once, like WeChat', async () => {
    const { code, openid } = await mint({ openid: 'oFixed', unionid: 'uFixed' });
    const first = await code2Session({ js_code: code });
    expect(first.status).toBe(200);
    expect(first.type).toBe('text/plain');
    expect(first.body).toMatchObject({ openid: 'oFixed', unionid: 'uFixed' });
    expect(openid).toBe('oFixed');
    expect(typeof first.body.session_key).toBe('string');
    const again = await code2Session({ js_code: code });
    expect(again.body.errcode).toBe(40163);
  });
  it('rejects unknown codes, wrong appid/secret and expired codes with WeChat errcodes', async () => {
    expect((await code2Session({ js_code: 'nope' })).body.errcode).toBe(40029);
    const { code } = await mint();
    expect((await code2Session({ js_code: code, appid: 'wx2222222222222222' })).body.errcode).toBe(40013);
    expect((await code2Session({ js_code: code, secret: 'bad' })).body.errcode).toBe(40125);
    clock += 5 * 60 * 1000 + 1;
    expect((await code2Session({ js_code: code })).body.errcode).toBe(40029);
  });
  it('can be told to fail the next calls', async () => {
    await fetch(`${sim.url}/__sim/wechat/fail`, { method: 'POST', body: JSON.stringify({ errcode: 45011, times: 1 }) });
    clock = Date.now();
    const { code } = await mint();
    expect((await code2Session({ js_code: code })).body.errcode).toBe(45011);
    expect((await code2Session({ js_code: code })).body.openid).toBeTypeOf('string');
  });
});
