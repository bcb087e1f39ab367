import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { addDays, bookingReminders, formatDateTimeCN, shanghaiDate } from '@carmall/shared-types';
import { createQueueConnection } from '../src/infra/redis';
import { BOOKING_NOTICE_QUEUE } from '../src/jobs/booking-notice-jobs';
import { seedDemoSites } from '../src/seed/sites';
import { startTestApp, type TestApp } from './helpers';

/**
 * Booking confirmations and reminders on a real BFF (FerretDB, Redis, BullMQ) with the WeChat
 * simulator: what reached the buyer is read from the simulator (WeChat) and the message centre
 * (in-app). Reminder jobs are delayed by hours, so a test finds the job by its id, checks when it
 * is due, and promotes it (BullMQ runs it now) instead of waiting.
 */
const FAST = { REMINDER_SCAN_EVERY_MS: '0', REMINDER_BACKOFF_MS: '100', REMINDER_ATTEMPTS: '3', REMINDER_SEND_RATE_PER_SECOND: '1000' };
const apps: TestApp[] = [];
const queues: Queue[] = [];
const t = await startTestApp('booking_notices', FAST);
apps.push(t);
const BOOKING = t.config.WECHAT_TEMPLATE_BOOKING;
const REMINDER = t.config.WECHAT_TEMPLATE_BOOKING_REMINDER;
const DAY = 86_400_000;
const queueOf = (app: TestApp) => {
  const q = new Queue(BOOKING_NOTICE_QUEUE, { connection: createQueueConnection(app.config.REDIS_URL), prefix: `${app.config.REDIS_KEY_PREFIX}bull` });
  queues.push(q);
  return q;
};
const queue = queueOf(t);
/** A Shanghai wall-clock time `days` days from today, as an ISO instant. */
const at = (days: number, hh: number) => new Date(`${addDays(shanghaiDate(new Date()), days)}T${String(hh).padStart(2, '0')}:00:00+08:00`).toISOString();
// A service centre open round the clock (its next slot is always under 2 hours away), with a name longer than WeChat's 20-character `thing`.
const LONG_NAME = '远山汽车 上海浦东新区张江高科技园区旗舰服务中心';
const allDay = Array.from({ length: 7 }, () => ({ open: '00:00', close: '23:00' }));
let staff: string;
let vinSeq = 0;

beforeAll(async () => {
  await t.seed();
  await seedDemoSites(t.conn);
  const admin = (await t.loginAs('admin', 'oBnAdmin')).token;
  staff = (await t.loginAs('service', 'oBnStaff')).token;
  const site = { city: '上海', kind: 'service', name: LONG_NAME, address: '上海市浦东新区科苑路 88 号', weeklyHours: allDay, slotMinutes: 60, capacity: 3 };
  expect((await t.api('/api/v1/admin/sites/T-SC-ALL', { method: 'PUT', token: admin, json: site })).status).toBe(200);
});
afterAll(async () => {
  for (const q of queues) await q.close();
  for (const a of apps.reverse()) await a.close();
});

interface Buyer {
  token: string;
  id: string;
  openid: string;
}
async function buyer(app: TestApp, openid: string): Promise<Buyer> {
  const { token, user } = await app.login(openid);
  return { token, id: user.id, openid };
}
/** One tap on the booking page: WeChat asks for both templates; the answer is recorded as the mini-program does. */
async function optIn(app: TestApp, b: Buyer, results: Record<string, 'accept' | 'reject'>) {
  for (const [templateId, r] of Object.entries(results))
    if (r === 'accept') await fetch(`${app.wechat.url}/__sim/wechat/subscribe`, { method: 'POST', body: JSON.stringify({ openid: b.openid, templateId }) });
  const res = await app.api('/api/v1/me/subscriptions', { method: 'POST', token: b.token, json: { templateIds: Object.keys(results), results, requestId: randomUUID().replace(/-/g, '') } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}
const wx = async (app: TestApp, openid: string) =>
  ((await (await fetch(`${app.wechat.url}/__sim/wechat/messages?openid=${openid}`)).json()) as { messages: { template_id: string; page?: string; data: Record<string, { value: string }> }[] }).messages;
const inbox = async (app: TestApp, b: Buyer) => (await app.api('/api/v1/me/messages?pageSize=50', { token: b.token })).body.items as { id: string; kind: string; title: string; body: string }[];
const remaining = async (app: TestApp, b: Buyer) =>
  Object.fromEntries(((await app.api('/api/v1/me/subscriptions', { token: b.token })).body.templates as { templateId: string; remaining: number }[]).map((x) => [x.templateId, x.remaining]));
const record = (app: TestApp, key: string) => app.conn.collection('booking_notices').findOne({ _id: key as never });
const settled = (app: TestApp, key: string, status: string) =>
  vi.waitFor(async () => expect((await record(app, key))?.status).toBe(status), { timeout: 20_000, interval: 100 });
/** Nothing of this queue left to run now (the delayed reminders aside). */
const idle = (q: Queue) =>
  vi.waitFor(
    async () => {
      const c = await q.getJobCounts('waiting', 'active', 'prioritized');
      expect(c.waiting + c.active + c.prioritized).toBe(0);
    },
    { timeout: 20_000, interval: 100 },
  );
/** Run a delayed job now; checks first that it is due when it should be. */
async function runNow(q: Queue, key: string, dueAt?: Date) {
  const job = await q.getJob(key);
  expect(job, `job ${key}`).toBeTruthy();
  expect(await job!.getState()).toBe('delayed');
  if (dueAt) expect(Math.abs(job!.timestamp + job!.opts.delay! - dueAt.getTime())).toBeLessThan(2000);
  await job!.promote();
}

const bookDrive = (b: Buyer, slotStart: string, key = randomUUID()) =>
  t.api('/api/v1/test-drives', { method: 'POST', token: b.token, headers: { 'idempotency-key': key }, json: { storeCode: 'SH-JINGAN', slotStart, modelCode: 'yuanshan-s5', contactName: '张三', phone: '13812345678' } });
const slotBookingOf = async (testDriveId: string) => (await t.conn.collection('test_drives').findOne({ _id: new Types.ObjectId(testDriveId) }))!.bookingId as string;
const tdKey = (slotBookingId: string, what: string) => `booking-test_drive-${slotBookingId}-${what}`;
const svKey = (bookingId: string, what: string) => `booking-service-${bookingId}-${what}`;

async function ownerWithCar(openid: string) {
  const b = await buyer(t, openid);
  const vin = `LYS5BN${String(++vinSeq).padStart(11, '0')}`;
  const car = await t.api('/api/v1/admin/vehicles', { method: 'POST', token: staff, json: { ownerId: b.id, vin, modelCode: 'yuanshan-s5', deliveredAt: new Date(Date.now() - 300 * DAY).toISOString() } });
  expect(car.status, JSON.stringify(car.body)).toBe(201);
  return { ...b, vehicleId: car.body.id as string };
}
const bookService = (o: Buyer & { vehicleId: string }, slotStart: string, key = randomUUID(), siteCode = 'T-SC-ALL') =>
  t.api('/api/v1/me/service-bookings', { method: 'POST', token: o.token, headers: { 'idempotency-key': key }, json: { vehicleId: o.vehicleId, siteCode, slotStart } });

describe('confirmation on booking', () => {
  it('a test drive: one 「预约成功」 in-app and one WeChat 预约结果通知 with the opt-in; a repeat of the request sends nothing more', async () => {
    const b = await buyer(t, 'oBnDrive1');
    await optIn(t, b, { [BOOKING]: 'accept', [REMINDER]: 'accept' });
    const start = at(2, 11);
    const key = randomUUID();
    const res = await bookDrive(b, start, key);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const slot = await slotBookingOf(res.body.id);
    await settled(t, tdKey(slot, 'booked'), 'sent');

    const sent = await wx(t, b.openid);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      template_id: BOOKING,
      page: 'packages/sales/pages/my-test-drives',
      data: { thing1: { value: '试驾 远山 S5' }, time2: { value: formatDateTimeCN(start) }, thing3: { value: '远山汽车 上海静安体验中心' }, phrase4: { value: '预约成功' }, thing5: { value: '请携带驾驶证原件，提前10分钟到达' } },
    });
    expect(formatDateTimeCN(start)).toMatch(/ 11:00$/); // Shanghai time, not UTC (03:00)
    const [msg, ...rest] = await inbox(t, b);
    expect(rest).toHaveLength(0);
    expect(msg).toMatchObject({ kind: 'booking_booked', title: '预约成功' });
    expect(msg.body).toContain(`${res.body.slotLabel}，地点：远山汽车 上海静安体验中心（上海市静安区南京西路 1266 号）`);
    expect(msg.body).toContain('请携带驾驶证原件');
    expect(msg.body).toContain('如需改期或取消，请在「我的试驾」中操作');
    expect(await remaining(t, b)).toMatchObject({ [BOOKING]: 0, [REMINDER]: 1 }); // the reminder's opt-in is still there

    // The same request again (a lost answer, a double tap): the same booking, nothing sent again.
    const again = await bookDrive(b, start, key);
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(res.body.id);
    await idle(queue);
    expect(await wx(t, b.openid)).toHaveLength(1);
    expect(await inbox(t, b)).toHaveLength(1);
    expect(await t.conn.collection('booking_notices').countDocuments({ userId: b.id })).toBe(1);

    // Its two reminders wait in Redis for their times (the day before at 18:00, 2 hours before).
    const due = bookingReminders(start, Date.now());
    expect(due.map((r) => r.kind)).toEqual(['eve', 'soon']);
    for (const r of due) {
      const job = await queue.getJob(tdKey(slot, `remind_${r.kind}`));
      expect(await job?.getState()).toBe('delayed');
      expect(Math.abs(job!.timestamp + job!.opts.delay! - r.at.getTime())).toBeLessThan(2000);
    }
    expect(due[0].at.toISOString()).toBe(new Date(`${addDays(shanghaiDate(start), -1)}T18:00:00+08:00`).toISOString());
    expect(due[1].at.toISOString()).toBe(new Date(Date.parse(start) - 2 * 3_600_000).toISOString());
  });

  it('a service booking without an opt-in: the in-app message only, never WeChat; thing fields are clipped to 20 characters', async () => {
    const o = await ownerWithCar('oBnService1');
    const start = at(2, 9);
    const res = await bookService(o, start);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    await settled(t, svKey(res.body.id, 'booked'), 'in_app');
    expect(await record(t, svKey(res.body.id, 'booked'))).toMatchObject({ channel: 'in_app', reason: 'no_credit' });
    expect(await wx(t, o.openid)).toHaveLength(0);
    const [msg] = await inbox(t, o);
    expect(msg).toMatchObject({ kind: 'booking_booked', title: '预约成功' });
    expect(msg.body).toContain(`您已预约保养 远山 S5：${res.body.slotLabel}，地点：${LONG_NAME}（上海市浦东新区科苑路 88 号）`);
    expect(msg.body).toContain('请携带行驶证');
    expect(msg.body).toContain('「我的保养预约」');

    // With an opt-in the next one goes to WeChat too, with the long centre name clipped (WeChat refuses a longer thing: 47003).
    const o2 = await ownerWithCar('oBnService2');
    await optIn(t, o2, { [BOOKING]: 'accept', [REMINDER]: 'reject' });
    const res2 = await bookService(o2, start);
    await settled(t, svKey(res2.body.id, 'booked'), 'sent');
    const [m] = await wx(t, o2.openid);
    expect(m.template_id).toBe(BOOKING);
    expect(m.data.thing3.value).toBe(`${[...LONG_NAME].slice(0, 19).join('')}…`);
    expect([...m.data.thing3.value]).toHaveLength(20);
    expect(m.data.thing1.value).toBe('保养 远山 S5');
  });

  it('a slot under 2 hours away gets its confirmation and no reminders (their times are past)', async () => {
    const o = await ownerWithCar('oBnSoon');
    const slots = (await t.api(`/api/v1/sites/T-SC-ALL/slots`)).body;
    const next = [slots.slots, ...(await Promise.all(slots.dates.slice(0, 2).map(async (d: string) => (await t.api(`/api/v1/sites/T-SC-ALL/slots?date=${d}`)).body.slots)))].flat().find((s: { remaining: number }) => s.remaining > 0);
    expect(Date.parse(next.start) - Date.now()).toBeLessThan(2 * 3_600_000);
    const res = await bookService(o, next.start);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    await settled(t, svKey(res.body.id, 'booked'), 'in_app');
    expect(bookingReminders(next.start, Date.now())).toEqual([]);
    expect(await queue.getJob(svKey(res.body.id, 'remind_eve'))).toBeUndefined();
    expect(await queue.getJob(svKey(res.body.id, 'remind_soon'))).toBeUndefined();
  });
});

describe('reminders', () => {
  it('fire at their time: in-app 「预约提醒」 and WeChat 预约提醒 with its own opt-in, never without one', async () => {
    const b = await buyer(t, 'oBnRemind');
    // One opt-in for reminders, none for the confirmation.
    await optIn(t, b, { [BOOKING]: 'reject', [REMINDER]: 'accept' });
    const start = at(3, 14);
    const res = await bookDrive(b, start);
    const slot = await slotBookingOf(res.body.id);
    await settled(t, tdKey(slot, 'booked'), 'in_app');
    expect(await wx(t, b.openid)).toHaveLength(0); // no opt-in for the confirmation template
    const [eve, soon] = bookingReminders(start, Date.now());

    await runNow(queue, tdKey(slot, 'remind_eve'), eve.at);
    await settled(t, tdKey(slot, 'remind_eve'), 'sent');
    const [m] = await wx(t, b.openid);
    expect(m).toMatchObject({ template_id: REMINDER, page: 'packages/sales/pages/my-test-drives', data: { thing1: { value: '试驾 远山 S5' }, time2: { value: formatDateTimeCN(start) }, thing3: { value: '远山汽车 上海静安体验中心' } } });
    expect(m.data.thing4.value).toBe('请携带驾驶证原件，提前10分钟到达');
    const reminders = (await inbox(t, b)).filter((x) => x.kind === 'booking_reminder');
    expect(reminders).toHaveLength(1);
    expect(reminders[0].title).toBe('预约提醒');
    expect(reminders[0].body).toMatch(/14:00 您预约了试驾 远山 S5，地点：远山汽车 上海静安体验中心/);

    // The 2-hour one: no opt-in left, so in-app only.
    await runNow(queue, tdKey(slot, 'remind_soon'), soon.at);
    await settled(t, tdKey(slot, 'remind_soon'), 'in_app');
    expect(await wx(t, b.openid)).toHaveLength(1);
    expect((await inbox(t, b)).filter((x) => x.kind === 'booking_reminder')).toHaveLength(2);
    // The same job added again (e.g. a replayed request once BullMQ forgot it): its record says done.
    await queue.add('reminder', { key: tdKey(slot, 'remind_eve'), type: 'reminder', bookingKind: 'test_drive', bookingId: slot, userId: b.id, start, reminder: 'eve' }, { jobId: `${tdKey(slot, 'remind_eve')}-again` });
    await idle(queue);
    expect(await wx(t, b.openid)).toHaveLength(1);
    expect((await inbox(t, b)).filter((x) => x.kind === 'booking_reminder')).toHaveLength(2);
  });

  it('a cancelled booking: 「预约已取消」 (WeChat 已取消 with an opt-in), its reminders removed, and one that still runs is skipped', async () => {
    const b = await buyer(t, 'oBnCancel');
    await optIn(t, b, { [BOOKING]: 'accept', [REMINDER]: 'accept' });
    await optIn(t, b, { [BOOKING]: 'accept', [REMINDER]: 'accept' });
    const start = at(2, 15);
    const res = await bookDrive(b, start);
    const slot = await slotBookingOf(res.body.id);
    await settled(t, tdKey(slot, 'booked'), 'sent');
    expect(await queue.getJob(tdKey(slot, 'remind_eve'))).toBeTruthy();

    const cancelled = await t.api(`/api/v1/me/test-drives/${res.body.id}/cancel`, { method: 'POST', token: b.token });
    expect(cancelled.body.status).toBe('cancelled');
    await settled(t, tdKey(slot, 'cancelled'), 'sent');
    expect((await t.api(`/api/v1/me/test-drives/${res.body.id}/cancel`, { method: 'POST', token: b.token })).status).toBe(200); // repeated: nothing more
    await idle(queue);
    const sent = await wx(t, b.openid);
    expect(sent.map((m) => m.data.phrase4.value)).toEqual(['预约成功', '已取消']);
    const cancelMsg = (await inbox(t, b)).find((m) => m.kind === 'booking_cancelled')!;
    expect(cancelMsg.title).toBe('预约已取消');
    expect(cancelMsg.body).toContain(`${res.body.slotLabel} 的试驾 远山 S5（远山汽车 上海静安体验中心）已取消`);
    expect((await inbox(t, b)).filter((m) => m.kind === 'booking_cancelled')).toHaveLength(1);
    expect(await queue.getJob(tdKey(slot, 'remind_eve'))).toBeUndefined();
    expect(await queue.getJob(tdKey(slot, 'remind_soon'))).toBeUndefined();

    // A reminder job that runs all the same (it was already taken by a worker, say) looks the booking up: cancelled, skipped.
    await queue.add('reminder', { key: tdKey(slot, 'remind_soon'), type: 'reminder', bookingKind: 'test_drive', bookingId: slot, userId: b.id, start, reminder: 'soon' }, { jobId: tdKey(slot, 'remind_soon') });
    await settled(t, tdKey(slot, 'remind_soon'), 'skipped');
    expect(await record(t, tdKey(slot, 'remind_soon'))).toMatchObject({ reason: 'booking is cancelled' });
    expect(await wx(t, b.openid)).toHaveLength(2);
    expect((await inbox(t, b)).some((m) => m.kind === 'booking_reminder')).toBe(false);
    expect(await remaining(t, b)).toMatchObject({ [REMINDER]: 2 }); // no reminder opt-in used
  });

  it('a rescheduled service booking: 「预约已改期」 with the new time, new reminders, the old ones skipped; a repeat of the move sends nothing more', async () => {
    const o = await ownerWithCar('oBnMove');
    await optIn(t, o, { [BOOKING]: 'accept', [REMINDER]: 'accept' });
    await optIn(t, o, { [BOOKING]: 'accept', [REMINDER]: 'accept' });
    const first = await bookService(o, at(2, 10));
    await settled(t, svKey(first.body.id, 'booked'), 'sent');
    const moveKey = randomUUID();
    const move = () => t.api(`/api/v1/me/service-bookings/${first.body.id}/reschedule`, { method: 'POST', token: o.token, headers: { 'idempotency-key': moveKey }, json: { slotStart: at(4, 16) } });
    const moved = await move();
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body).toMatchObject({ status: 'booked', slotStart: at(4, 16) });
    expect(moved.body.id).not.toBe(first.body.id);
    const mine = (await t.api('/api/v1/me/service-bookings', { token: o.token })).body.items as { id: string; status: string; movedTo: string | null }[];
    expect(mine.find((x) => x.id === first.body.id)).toMatchObject({ status: 'cancelled', movedTo: moved.body.id });
    expect(mine.find((x) => x.id === moved.body.id)).toMatchObject({ status: 'booked', movedTo: null });
    await settled(t, svKey(moved.body.id, 'rescheduled'), 'sent');
    const notice = (await inbox(t, o)).find((m) => m.kind === 'booking_rescheduled')!;
    expect(notice.title).toBe('预约已改期');
    expect(notice.body).toContain(`您的保养 远山 S5已改到 ${moved.body.slotLabel}`);
    expect((await wx(t, o.openid)).map((m) => [m.data.phrase4.value, m.data.time2.value])).toEqual([
      ['预约成功', formatDateTimeCN(at(2, 10))],
      ['已改期', formatDateTimeCN(at(4, 16))],
    ]);
    // Reminders: the new booking's are due at the new time; the old booking's are gone.
    const [eve] = bookingReminders(at(4, 16), Date.now());
    expect(await queue.getJob(svKey(first.body.id, 'remind_eve'))).toBeUndefined();
    const again = await move();
    expect(again.body.id).toBe(moved.body.id);
    await idle(queue);
    expect(await wx(t, o.openid)).toHaveLength(2);
    expect((await inbox(t, o)).filter((m) => m.kind === 'booking_rescheduled')).toHaveLength(1);
    // An old reminder that still runs finds its booking cancelled (moved): skipped.
    await queue.add('reminder', { key: svKey(first.body.id, 'remind_eve'), type: 'reminder', bookingKind: 'service', bookingId: first.body.id, userId: o.id, start: at(2, 10), reminder: 'eve' }, { jobId: svKey(first.body.id, 'remind_eve') });
    await settled(t, svKey(first.body.id, 'remind_eve'), 'skipped');
    await runNow(queue, svKey(moved.body.id, 'remind_eve'), eve.at);
    await settled(t, svKey(moved.body.id, 'remind_eve'), 'sent');
    const last = (await wx(t, o.openid)).at(-1)!;
    expect(last).toMatchObject({ template_id: REMINDER, data: { time2: { value: formatDateTimeCN(at(4, 16)) } } });
    expect((await inbox(t, o)).filter((m) => m.kind === 'booking_reminder')).toHaveLength(1);
  });

  it('a rescheduled test drive: its old slot booking’s reminders skip, the new one’s are due at the new time', async () => {
    const b = await buyer(t, 'oBnDriveMove');
    const res = await bookDrive(b, at(2, 13));
    const oldSlot = await slotBookingOf(res.body.id);
    const moved = await t.api(`/api/v1/me/test-drives/${res.body.id}/reschedule`, { method: 'POST', token: b.token, headers: { 'idempotency-key': randomUUID() }, json: { slotStart: at(3, 10) } });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body).toMatchObject({ id: res.body.id, status: 'booked', slotStart: at(3, 10) });
    const newSlot = await slotBookingOf(res.body.id);
    expect(newSlot).not.toBe(oldSlot);
    await settled(t, tdKey(newSlot, 'rescheduled'), 'in_app');
    expect((await t.api(`/api/v1/stores/SH-JINGAN/test-drive-slots?date=${shanghaiDate(at(2, 13))}`)).body.slots.find((s: { start: string }) => s.start === at(2, 13)).available).toBe(true);
    await queue.add('reminder', { key: tdKey(oldSlot, 'remind_soon'), type: 'reminder', bookingKind: 'test_drive', bookingId: oldSlot, userId: b.id, start: at(2, 13), reminder: 'soon' }, { jobId: tdKey(oldSlot, 'remind_soon') });
    await settled(t, tdKey(oldSlot, 'remind_soon'), 'skipped');
    expect(await record(t, tdKey(oldSlot, 'remind_soon'))).toMatchObject({ reason: 'booking moved' });
    const [, soon] = bookingReminders(at(3, 10), Date.now());
    await runNow(queue, tdKey(newSlot, 'remind_soon'), soon.at);
    await settled(t, tdKey(newSlot, 'remind_soon'), 'in_app');
    expect((await inbox(t, b)).filter((m) => m.kind === 'booking_reminder').map((m) => m.body)).toEqual([expect.stringMatching(/10:00 您预约了试驾 远山 S5/)]);
    // A cancelled test drive cannot be moved.
    await t.api(`/api/v1/me/test-drives/${res.body.id}/cancel`, { method: 'POST', token: b.token });
    const late = await t.api(`/api/v1/me/test-drives/${res.body.id}/reschedule`, { method: 'POST', token: b.token, headers: { 'idempotency-key': randomUUID() }, json: { slotStart: at(3, 11) } });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('TEST_DRIVE_STATE_INVALID');
  });
});

describe('restart', () => {
  it('reminders booked through an API without workers are in Redis: a worker process started later sends them', async () => {
    const api = await startTestApp('booking_notices_api', { ...FAST, RUN_WORKERS: 'false' });
    apps.push(api);
    await api.seed();
    await seedDemoSites(api.conn);
    const b = await buyer(api, 'oBnRestart');
    await optIn(api, b, { [BOOKING]: 'accept', [REMINDER]: 'accept' });
    const start = at(2, 16);
    const res = await api.api('/api/v1/test-drives', { method: 'POST', token: b.token, headers: { 'idempotency-key': randomUUID() }, json: { storeCode: 'SH-JINGAN', slotStart: start, modelCode: 'yuanshan-s5', contactName: '李四', phone: '13912345678' } });
    expect(res.status).toBe(201);
    const slot = (await api.conn.collection('test_drives').findOne({ _id: new Types.ObjectId(res.body.id) }))!.bookingId as string;
    expect((await inbox(api, b)).map((m) => m.title)).toEqual(['预约成功']); // in-app at once, from the API
    await api.stop(); // the API process goes away; its jobs stay in Redis

    const worker = await startTestApp('booking_notices_worker', { ...FAST, RUN_WORKERS: 'true', MONGODB_URI: api.config.MONGODB_URI, REDIS_KEY_PREFIX: api.config.REDIS_KEY_PREFIX, WECHAT_API_BASE: api.wechat.url });
    apps.push(worker);
    await settled(worker, tdKey(slot, 'booked'), 'sent');
    const q = queueOf(worker);
    await runNow(q, tdKey(slot, 'remind_soon'), bookingReminders(start, Date.now()).find((r) => r.kind === 'soon')!.at);
    await settled(worker, tdKey(slot, 'remind_soon'), 'sent');
    expect((await wx(api, b.openid)).map((m) => m.template_id)).toEqual([BOOKING, REMINDER]);
    expect(await q.getJob(tdKey(slot, 'remind_eve')).then((j) => j?.getState())).toBe('delayed');
  });
});
