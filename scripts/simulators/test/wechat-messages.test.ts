import { afterAll, describe, expect, it } from 'vitest';
import { startWechatSimulator } from '../src';
import { DEV_BOOKING_REMINDER_TEMPLATE, DEV_BOOKING_TEMPLATE, DEV_MAINTENANCE_TEMPLATE as T } from '../src/wechat-messages';

let clock = Date.now();
const sim = await startWechatSimulator({ appId: 'wx2222222222222222', secret: 's3cret', now: () => clock, sendQuotaPerMinute: 7 });
afterAll(() => sim.close());

const getToken = async (params: Record<string, string> = {}) => {
  const q = new URLSearchParams({ grant_type: 'client_credential', appid: 'wx2222222222222222', secret: 's3cret', ...params });
  return (await (await fetch(`${sim.url}/cgi-bin/token?${q}`)).json()) as { access_token?: string; expires_in?: number; errcode?: number };
};
const send = async (token: string, body: object) =>
  (await (await fetch(`${sim.url}/cgi-bin/message/subscribe/send?access_token=${encodeURIComponent(token)}`, { method: 'POST', body: JSON.stringify(body) })).json()) as {
    errcode: number;
    errmsg?: string;
    msgid?: number;
  };
const ctl = (path: string, body: object = {}) => fetch(`${sim.url}/__sim/wechat/${path}`, { method: 'POST', body: JSON.stringify(body) });
const DATA = { thing1: { value: '远山 S5' }, date2: { value: '2027-03-02' }, thing3: { value: '您的爱车即将到保养时间' } };

describe('wechat simulator: access token', () => {
  it('issues tokens with an expiry and refuses wrong credentials with WeChat errcodes', async () => {
    const ok = await getToken();
    expect(ok).toMatchObject({ access_token: expect.any(String), expires_in: 7200 });
    expect((await getToken({ appid: 'wx0000000000000009' })).errcode).toBe(40013);
    expect((await getToken({ secret: 'nope' })).errcode).toBe(40125);
    expect((await getToken({ grant_type: 'password' })).errcode).toBe(40002);
  });

  it('keeps the previous token valid for 5 minutes after a refresh, then answers 42001; unknown tokens are 40001', async () => {
    clock = Date.now();
    const old = (await getToken()).access_token!;
    await getToken();
    await ctl('subscribe', { openid: 'oTokenUser', templateId: T.id, count: 2 });
    expect((await send(old, { touser: 'oTokenUser', template_id: T.id, data: DATA })).errcode).toBe(0);
    clock += 6 * 60_000;
    expect((await send(old, { touser: 'oTokenUser', template_id: T.id, data: DATA })).errcode).toBe(42001);
    expect((await send('made-up', { touser: 'oTokenUser', template_id: T.id, data: DATA })).errcode).toBe(40001);
  });
});

describe('wechat simulator: subscribeMessage.send', () => {
  it('delivers one message per one-time opt-in, then answers 43101', async () => {
    clock = Date.now() + 3_600_000;
    const token = (await getToken()).access_token!;
    expect((await send(token, { touser: 'oOnce', template_id: T.id, data: DATA })).errcode).toBe(43101);
    await ctl('subscribe', { openid: 'oOnce', templateId: T.id });
    const first = await send(token, { touser: 'oOnce', template_id: T.id, page: 'pages/garage/index', data: DATA });
    expect(first).toMatchObject({ errcode: 0, msgid: expect.any(Number) });
    expect((await send(token, { touser: 'oOnce', template_id: T.id, data: DATA })).errcode).toBe(43101);
    const { messages } = (await (await fetch(`${sim.url}/__sim/wechat/messages?openid=oOnce`)).json()) as { messages: unknown[] };
    expect(messages).toEqual([expect.objectContaining({ touser: 'oOnce', template_id: T.id, page: 'pages/garage/index', data: DATA })]);
  });

  it('checks the template and its parameters (40037, 47003, 40003) without using the opt-in', async () => {
    clock = Date.now() + 2 * 3_600_000;
    const token = (await getToken()).access_token!;
    await ctl('subscribe', { openid: 'oParams', templateId: T.id });
    expect((await send(token, { touser: 'oParams', template_id: 'unknown-template', data: DATA })).errcode).toBe(40037);
    expect((await send(token, { touser: 'oParams', template_id: T.id, data: { ...DATA, thing3: { value: '这是一条超过二十个字的提醒内容，微信不会接受它的' } } })).errcode).toBe(47003);
    expect((await send(token, { touser: 'oParams', template_id: T.id, data: { ...DATA, date2: { value: 'soon' } } })).errcode).toBe(47003);
    expect((await send(token, { touser: 'oParams', template_id: T.id, data: { thing1: DATA.thing1 } })).errcode).toBe(47003);
    expect((await send(token, { touser: '', template_id: T.id, data: DATA })).errcode).toBe(40003);
    expect((await send(token, { touser: 'oParams', template_id: T.id, data: DATA })).errcode).toBe(0);
  });

  it('knows the booking templates: time and phrase keywords are checked as WeChat does', async () => {
    clock = Date.now() + 10 * 3_600_000;
    const token = (await getToken()).access_token!;
    const B = DEV_BOOKING_TEMPLATE.id;
    const booking = { thing1: { value: '试驾 远山 S5' }, time2: { value: '2026-12-02 10:00' }, thing3: { value: '远山汽车 上海静安体验中心' }, phrase4: { value: '预约成功' }, thing5: { value: '请携带驾驶证原件，提前10分钟到店' } };
    await ctl('subscribe', { openid: 'oBooking', templateId: B, count: 1 });
    await ctl('subscribe', { openid: 'oBooking', templateId: DEV_BOOKING_REMINDER_TEMPLATE.id, count: 1 });
    expect((await send(token, { touser: 'oBooking', template_id: B, data: { ...booking, phrase4: { value: '预约成功啦！' } } })).errcode).toBe(47003); // phrase: up to 5 Chinese characters
    expect((await send(token, { touser: 'oBooking', template_id: B, data: { ...booking, time2: { value: '明天上午' } } })).errcode).toBe(47003);
    expect((await send(token, { touser: 'oBooking', template_id: B, data: booking })).errcode).toBe(0);
    const reminder = { thing1: booking.thing1, time2: booking.time2, thing3: booking.thing3, thing4: { value: '明天 10:00 到店' } };
    expect((await send(token, { touser: 'oBooking', template_id: DEV_BOOKING_REMINDER_TEMPLATE.id, data: { ...reminder, phrase4: booking.phrase4 } })).errcode).toBe(47003); // not in that template
    expect((await send(token, { touser: 'oBooking', template_id: DEV_BOOKING_REMINDER_TEMPLATE.id, data: reminder })).errcode).toBe(0);
  });

  it('rate-limits with 45009, and injects failures on request', async () => {
    clock = Date.now() + 3 * 3_600_000;
    const token = (await getToken()).access_token!;
    await ctl('subscribe', { openid: 'oBusy', templateId: T.id, count: 10 });
    const codes: number[] = [];
    for (let i = 0; i < 8; i++) codes.push((await send(token, { touser: 'oBusy', template_id: T.id, data: DATA })).errcode);
    expect(codes).toEqual([0, 0, 0, 0, 0, 0, 0, 45009]);
    clock += 60_000;
    await ctl('send-fail', { errcode: -1, times: 1 });
    expect((await send(token, { touser: 'oBusy', template_id: T.id, data: DATA })).errcode).toBe(-1);
    expect((await send(token, { touser: 'oBusy', template_id: T.id, data: DATA })).errcode).toBe(0);
    await ctl('expire-tokens');
    expect((await send(token, { touser: 'oBusy', template_id: T.id, data: DATA })).errcode).toBe(40001);
  });

  it('answers 45009 once the Beijing day’s quota is used, and resets at 00:00 Asia/Shanghai (16:00 UTC)', async () => {
    // 15:59 UTC is 23:59 in Shanghai; two minutes later it is the next day there.
    clock = Date.UTC(2027, 0, 5, 15, 59);
    const token = (await getToken()).access_token!;
    await ctl('subscribe', { openid: 'oQuota', templateId: T.id, count: 10 });
    expect(await (await ctl('send-quota', { perDay: 2 })).json()).toMatchObject({ perDay: 2 });
    const codes: number[] = [];
    for (let i = 0; i < 3; i++) codes.push((await send(token, { touser: 'oQuota', template_id: T.id, data: DATA })).errcode);
    expect(codes).toEqual([0, 0, 45009]);
    expect((await send(token, { touser: 'oQuota', template_id: T.id, data: DATA })).errmsg).toMatch(/^reach max api daily quota limit/);
    clock += 2 * 60_000;
    expect((await send(token, { touser: 'oQuota', template_id: T.id, data: DATA })).errcode).toBe(0);
    await ctl('send-quota', { perDay: null });
  });
});
