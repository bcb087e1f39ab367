import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createQueueConnection } from '../src/infra/redis';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { Locks } from '../src/infra/lock';
import { msUntilShanghaiMidnight } from '@carmall/shared-types';
import { quotaPause, WechatMessageSender } from '../src/modules/reminders/wechat-sender';
import { reminderKey } from '../src/modules/reminders/service';
import { REMINDER_QUEUE } from '../src/jobs/reminder-jobs';
import { startTestApp, WECHAT } from './helpers';

/**
 * WeChat's send limit for subscribe messages is a daily quota (45009 "reach max api daily quota
 * limit", reset at 00:00 Beijing time). Checked against the WeChat simulator and real Redis.
 */
const DAY = 86_400_000;
const t = await startTestApp('wechat_quota', { REMINDER_SCAN_EVERY_MS: '0', REMINDER_SEND_RATE_PER_SECOND: '1000', WECHAT_SUBSCRIBE_DAILY_QUOTA: '2' });
const TEMPLATE = t.config.WECHAT_TEMPLATE_MAINTENANCE;
const raw = new Redis(t.config.REDIS_URL, { keyPrefix: `${t.config.REDIS_KEY_PREFIX}sender-test:` });
afterAll(async () => {
  raw.disconnect();
  await t.close();
});
const stats = async () => (await (await fetch(`${t.wechat.url}/__sim/wechat/message-stats`)).json()) as { sendCalls: number; delivered: number };
const ctl = (path: string, body: object) => fetch(`${t.wechat.url}/__sim/wechat/${path}`, { method: 'POST', body: JSON.stringify(body) });
const DATA = { thing1: '远山 S5', date2: '2027-01-05', thing3: '保养即将到期' };

describe('WeChat subscribe-message quota', () => {
  it('the pause grows 1 min → 10 min → until 00:00 Asia/Shanghai', () => {
    const at = Date.UTC(2027, 0, 5, 4, 0); // 12:00 in Shanghai: 12 h to midnight
    expect(msUntilShanghaiMidnight(at)).toBe(12 * 3600_000);
    expect(msUntilShanghaiMidnight(Date.UTC(2027, 0, 5, 15, 59))).toBe(60_000);
    expect([1, 2, 3, 4].map((n) => quotaPause(n, at))).toEqual([60_000, 600_000, 12 * 3600_000, 12 * 3600_000]);
    expect(quotaPause(1, Date.UTC(2027, 0, 5, 15, 59, 30))).toBe(30_000); // never past midnight
  });

  it('on repeated 45009 the sender stops calling WeChat for the rest of the day', async () => {
    const sender = new WechatMessageSender({ baseUrl: t.wechat.url, appId: WECHAT.appId, secret: WECHAT.secret, timeoutMs: 2000, miniprogramState: 'developer', dailyQuota: 0 }, raw, new Locks(raw));
    await ctl('subscribe', { openid: 'oQuotaSender', templateId: TEMPLATE, count: 10 });
    await ctl('send-quota', { perDay: 0 }); // WeChat: today's quota is gone
    const now = Date.now();
    const pauses = [];
    for (let i = 0; i < 3; i++) {
      const out = await sender.send({ touser: 'oQuotaSender', templateId: TEMPLATE, data: DATA }, now);
      expect(out).toMatchObject({ kind: 'rate', errcode: 45009 });
      pauses.push(out.kind === 'rate' ? out.retryAfterMs : null);
    }
    expect(pauses).toEqual([60_000, 600_000, msUntilShanghaiMidnight(now)]);
    const calls = (await stats()).sendCalls;
    const fourth = await sender.send({ touser: 'oQuotaSender', templateId: TEMPLATE, data: DATA }, now);
    expect(fourth).toMatchObject({ kind: 'rate', retryAfterMs: msUntilShanghaiMidnight(now) });
    expect((await stats()).sendCalls).toBe(calls); // WeChat was not called again
    // The next Shanghai day starts afresh.
    await ctl('send-quota', { perDay: null });
    expect(await sender.send({ touser: 'oQuotaSender', templateId: TEMPLATE, data: DATA }, now + msUntilShanghaiMidnight(now) + 1000)).toMatchObject({ kind: 'sent' });
  });

  it('with our own daily budget used up, reminders wait for midnight without calling WeChat, and keep their opt-ins', async () => {
    await t.seed();
    const staff = (await t.loginAs('service', 'oStaffQuota')).token;
    const owners: { token: string; id: string; key: string }[] = [];
    for (let i = 0; i < 3; i++) {
      const openid = `oQuotaOwner${i}`;
      const { token, user } = await t.login(openid);
      await ctl('subscribe', { openid, templateId: TEMPLATE });
      await t.api('/api/v1/me/subscriptions', { method: 'POST', token, json: { templateIds: [TEMPLATE], results: { [TEMPLATE]: 'accept' }, requestId: `quota-grant-${i}` } });
      const car = await t.api('/api/v1/admin/vehicles', {
        method: 'POST',
        token: staff,
        json: { ownerId: user.id, vin: `LKWTA${String(i).padStart(12, '0')}`, modelCode: 'yuanshan-s5', deliveredAt: new Date(Date.now() - 355 * DAY).toISOString() },
      });
      expect(car.status).toBe(201);
      owners.push({ token, id: user.id, key: reminderKey(car.body.id, null) });
    }
    const before = await stats();
    expect((await t.api('/api/v1/admin/reminders/scan', { method: 'POST', token: staff })).status).toBe(202);
    await vi.waitFor(async () => expect(await t.conn.collection('reminder_delivery_results').countDocuments({ _id: { $in: owners.map((o) => o.key) as never[] } })).toBe(2), { timeout: 20_000, interval: 100 });
    // The queue is paused (all workers) until 00:00 Asia/Shanghai; the third reminder waits, its opt-in kept.
    const bull = new Redis(t.config.REDIS_URL);
    const limiter = `${t.config.REDIS_KEY_PREFIX}bull:${REMINDER_QUEUE}:limiter`;
    // (Measured against midnight, not a fixed figure: near 00:00 Shanghai the pause is short.)
    await vi.waitFor(async () => expect(await bull.pttl(limiter)).toBeGreaterThan(msUntilShanghaiMidnight(Date.now()) - 5_000), { timeout: 10_000, interval: 100 });
    expect(await bull.pttl(limiter)).toBeLessThanOrEqual(msUntilShanghaiMidnight(Date.now()) + 1_000);
    bull.disconnect();
    await new Promise((r) => setTimeout(r, 500));
    expect((await stats()).sendCalls - before.sendCalls).toBe(2);
    const left = await Promise.all(owners.map(async (o) => (await t.api('/api/v1/me/subscriptions', { token: o.token })).body.templates[0].remaining));
    expect(left.sort()).toEqual([0, 0, 1]);
    const queue = new Queue(REMINDER_QUEUE, { connection: createQueueConnection(t.config.REDIS_URL), prefix: `${t.config.REDIS_KEY_PREFIX}bull` });
    const states = await Promise.all(owners.map(async (o) => (await queue.getJob(o.key))?.getState()));
    expect(states.filter((s) => s === 'completed')).toHaveLength(2);
    expect(states.filter((s) => s === 'waiting' || s === 'delayed' || s === 'prioritized')).toHaveLength(1);
    await queue.close();
    // Not dead-lettered: a pause is not a failure.
    expect((await t.api('/api/v1/admin/reminders/dead-letters', { token: staff })).body.items).toEqual([]);
    // Staff see it: a campaign pushed now waits too, and its progress says until when.
    const push = await t.api('/api/v1/admin/campaigns', { method: 'POST', token: staff, json: { name: '额度用完', segment: { modelCodes: ['yuanshan-s5'] }, message: { title: '冬季关怀', body: '欢迎到店检测' } }, headers: { 'idempotency-key': 'quota-campaign-01' } });
    expect(push.status).toBe(202);
    const until = new Date(push.body.pausedUntil).getTime();
    expect(Math.abs(until - (Date.now() + msUntilShanghaiMidnight(Date.now())))).toBeLessThan(5_000);
    expect(push.body.status).toBe('building');
  });
});
