import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { reminderKey } from '../src/modules/reminders/service';
import { startTestApp } from './helpers';

/**
 * The worker as its own process (`src/worker.ts`, as in production), SIGKILLed in the middle of a
 * batch, then started again: every reminder ends with exactly one outcome, nobody gets a WeChat
 * message twice, and the only deliveries not completed are the ones WeChat was being called for
 * at the moment of the kill (marked UNCERTAIN for staff, never resent blindly).
 */
const FLEET = 30;
const DAY = 86_400_000;
// The API process only enqueues; short job locks so the restarted worker takes over quickly.
const t = await startTestApp('reminder_kill', {
  RUN_WORKERS: 'false',
  REMINDER_SCAN_EVERY_MS: '0',
  REMINDER_ATTEMPTS: '3',
  REMINDER_BACKOFF_MS: '200',
  REMINDER_JOB_LOCK_MS: '2000',
  REMINDER_SEND_RATE_PER_SECOND: '1000',
  REMINDER_CONCURRENCY: '4',
});
const TEMPLATE = t.config.WECHAT_TEMPLATE_MAINTENANCE;
const children: ChildProcess[] = [];
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await t.close();
});

function startWorker() {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], {
    cwd: join(import.meta.dirname, '..'),
    env: { ...process.env, ...t.envVars, RUN_WORKERS: 'true', LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  return child;
}
const stats = async () => (await (await fetch(`${t.wechat.url}/__sim/wechat/message-stats`)).json()) as { sendCalls: number; delivered: number };
const wx = async () => ((await (await fetch(`${t.wechat.url}/__sim/wechat/messages`)).json()) as { messages: { touser: string }[] }).messages;

describe('a reminder worker killed mid-batch', () => {
  it('loses and duplicates nothing when it is restarted', { timeout: 120_000 }, async () => {
    await t.seed();
    const staff = (await t.loginAs('service', 'oStaffKill')).token;
    const owners: { id: string; openid: string; car: string }[] = [];
    for (let i = 0; i < FLEET; i++) {
      const openid = `oKill${i}`;
      const { token, user } = await t.login(openid);
      await fetch(`${t.wechat.url}/__sim/wechat/subscribe`, { method: 'POST', body: JSON.stringify({ openid, templateId: TEMPLATE }) });
      await t.api('/api/v1/me/subscriptions', { method: 'POST', token, json: { templateIds: [TEMPLATE], results: { [TEMPLATE]: 'accept' }, requestId: randomUUID().replace(/-/g, '') } });
      const car = await t.api('/api/v1/admin/vehicles', {
        method: 'POST',
        token: staff,
        json: { ownerId: user.id, vin: `LKWRK${String(i).padStart(12, '0')}`, modelCode: 'yuanshan-s5', deliveredAt: new Date(Date.now() - 355 * DAY).toISOString() },
      });
      expect(car.status).toBe(201);
      owners.push({ id: user.id, openid, car: car.body.id });
    }
    // Every WeChat send takes a while, so sends are in flight when the worker dies.
    await fetch(`${t.wechat.url}/__sim/wechat/send-delay`, { method: 'POST', body: JSON.stringify({ ms: 400, times: 1000 }) });
    expect((await t.api('/api/v1/admin/reminders/scan', { method: 'POST', token: staff })).status).toBe(202);

    const first = startWorker();
    // Killed after some deliveries, while a WeChat call is in flight (sent to WeChat, not yet answered).
    let inFlight = 0;
    await vi.waitFor(
      async () => {
        const s = await stats();
        inFlight = s.sendCalls - s.delivered;
        expect(s.delivered >= 5 && inFlight > 0).toBe(true);
      },
      { timeout: 60_000, interval: 10 },
    );
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const atKill = await stats();
    expect(atKill.delivered).toBeLessThan(FLEET); // really mid-batch
    // (WeChat may still complete a call the dead worker made: counted before the kill, not after.)
    expect(inFlight).toBeGreaterThan(0);

    startWorker();
    const keys = owners.map((o) => reminderKey(o.car, null));
    const outcome = async () => {
      const [results, records] = await Promise.all([
        t.conn.collection('reminder_delivery_results').find({ _id: { $in: keys as never[] } }).toArray(),
        t.conn.collection('reminder_deliveries').find({ _id: { $in: keys as never[] }, status: 'failed' }).toArray(),
      ]);
      return { results, failed: records };
    };
    await vi.waitFor(
      async () => {
        const o = await outcome();
        expect(o.results.length + o.failed.length).toBe(FLEET);
      },
      { timeout: 60_000, interval: 200 },
    );
    const { results, failed } = await outcome();
    // Nothing lost: one outcome per reminder, and each owner has the in-app message.
    expect(new Set([...results, ...failed].map((d) => String(d._id))).size).toBe(FLEET);
    for (const o of owners) expect(await t.conn.collection('messages').countDocuments({ userId: o.id, kind: 'service_due' })).toBe(1);
    // Nothing duplicated: no owner got two WeChat messages, and every 'sent' is one WeChat message.
    const delivered = await wx();
    const perUser = new Map<string, number>();
    for (const m of delivered) perUser.set(m.touser, (perUser.get(m.touser) ?? 0) + 1);
    expect([...perUser.values()].every((n) => n === 1)).toBe(true);
    const sent = results.filter((r) => r.status === 'sent');
    for (const r of sent) expect(perUser.get(owners.find((o) => o.id === r.userId)!.openid)).toBe(1);
    // The only failures are the sends in flight at the kill (at most the worker's concurrency), flagged UNCERTAIN.
    expect(failed.length).toBeLessThanOrEqual(4);
    for (const f of failed) expect(f.lastError).toMatch(/^UNCERTAIN/);
    expect(sent.length + failed.length).toBe(FLEET);
    expect(delivered.length).toBeGreaterThanOrEqual(sent.length);
    expect(delivered.length).toBeLessThanOrEqual(sent.length + failed.length);
    // The ledger agrees: each owner's single opt-in is used exactly once.
    expect(await t.conn.collection('subscription_uses').countDocuments({ userId: { $in: owners.map((o) => o.id) } })).toBe(sent.length + failed.length);
    // And a later scan sends nothing new.
    const before = (await stats()).delivered;
    expect((await t.api('/api/v1/admin/reminders/scan', { method: 'POST', token: staff })).status).toBe(202);
    await new Promise((r) => setTimeout(r, 2000));
    expect((await stats()).delivered).toBe(before);
  });
});
