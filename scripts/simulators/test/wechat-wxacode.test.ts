import { afterAll, describe, expect, it } from 'vitest';
import { startWechatSimulator } from '../src';

let clock = Date.now();
const sim = await startWechatSimulator({ appId: 'wx3333333333333333', secret: 's3cret', now: () => clock });
const limited = await startWechatSimulator({ appId: 'wx3333333333333333', secret: 's3cret', now: () => clock, wxacodeQuotaPerMinute: 5 });
afterAll(() => Promise.all([sim.close(), limited.close()]));

const token = async (s = sim) => {
  const q = new URLSearchParams({ grant_type: 'client_credential', appid: 'wx3333333333333333', secret: 's3cret' });
  return ((await (await fetch(`${s.url}/cgi-bin/token?${q}`)).json()) as { access_token: string }).access_token;
};
const code = (accessToken: string, body: unknown, s = sim) =>
  fetch(`${s.url}/wxa/getwxacodeunlimit?access_token=${encodeURIComponent(accessToken)}`, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });
const errcode = async (res: Response) => ((await res.json()) as { errcode: number }).errcode;

describe('wechat simulator: getwxacodeunlimit', () => {
  it('answers a PNG for a valid scene and page, and records the call', async () => {
    const res = await code(await token(), { scene: 'Ab3dEf7hJk9m', page: 'pages/share/index', width: 430, env_version: 'release' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    const png = Buffer.from(await res.arrayBuffer());
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(430); // IHDR width
    const { calls } = (await (await fetch(`${sim.url}/__sim/wechat/wxacode`)).json()) as { calls: Array<{ scene: string; page: string }> };
    expect(calls.at(-1)).toMatchObject({ scene: 'Ab3dEf7hJk9m', page: 'pages/share/index' });
  });

  it("answers WeChat's errcodes as JSON: credential, scene, page, args, body", async () => {
    const t = await token();
    expect(await errcode(await code('made-up', { scene: 'x', page: 'pages/share/index' }))).toBe(40001);
    expect(await errcode(await code(t, { scene: 'x'.repeat(33), page: 'pages/share/index' }))).toBe(40129);
    expect(await errcode(await code(t, { scene: '中文', page: 'pages/share/index' }))).toBe(40129);
    expect(await errcode(await code(t, { scene: 'ok', page: 'pages/nowhere/index' }))).toBe(41030);
    expect(await errcode(await code(t, { scene: 'ok', page: '/pages/share/index' }))).toBe(41030);
    expect(await errcode(await code(t, { scene: 'ok', page: 'pages/share/index', width: 100 }))).toBe(40097);
    expect(await errcode(await code(t, { scene: 'ok', page: 'pages/share/index', env_version: 'beta' }))).toBe(40097);
    expect(await errcode(await code(t, 'not json'))).toBe(47001);
    // An unreleased page passes with check_path=false.
    expect((await code(t, { scene: 'ok', page: 'pages/nowhere/index', check_path: false, env_version: 'develop' })).headers.get('content-type')).toBe('image/png');
  });

  it('limits the frequency with 45009 and recovers the next minute', async () => {
    clock += 120_000;
    const t = await token(limited);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await code(t, { scene: `q${i}`, page: 'pages/share/index' }, limited);
      statuses.push(res.headers.get('content-type') === 'image/png' ? 0 : await errcode(res));
    }
    expect(statuses).toEqual([0, 0, 0, 0, 0, 45009]);
    clock += 61_000;
    expect((await code(t, { scene: 'again', page: 'pages/share/index' }, limited)).headers.get('content-type')).toBe('image/png');
  });
});
