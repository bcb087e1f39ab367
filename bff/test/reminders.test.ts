import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { generateFleetHistory, generateUsageHistory } from '@carmall/simulators';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createQueueConnection } from '../src/infra/redis';
import { REMINDER_QUEUE } from '../src/jobs/reminder-jobs';
import { reminderKey } from '../src/modules/reminders/service';
import { startTestApp, type TestApp } from './helpers';

const FAST = { REMINDER_SCAN_EVERY_MS: '0', REMINDER_BACKOFF_MS: '100', REMINDER_ATTEMPTS: '3', REMINDER_SEND_RATE_PER_SECOND: '1000' };
const apps: TestApp[] = [];
const t = await startTestApp('reminders', FAST);
apps.push(t);
const TEMPLATE = t.config.WECHAT_TEMPLATE_MAINTENANCE;
const DAY = 86_400_000;
let vinSeq = 0;
const vin = () => `LYS5TEST${String(++vinSeq).padStart(9, '0')}`;

let staff: string;
beforeAll(async () => {
  await t.seed();
  staff = await withRoles(t, 'oStaffRem', ['service']);
});
afterAll(async () => {
  for (const a of apps.reverse()) await a.close();
});

async function withRoles(app: TestApp, openid: string, roles: string[]) {
  const first = await app.login(openid);
  await app.conn.collection('users').updateOne({ _id: new Types.ObjectId(first.user.id) }, { $set: { roles } });
  return (await app.login(openid)).token; // roles are read at login
}
async function owner(app: TestApp, openid: string) {
  const { token, user } = await app.login(openid);
  return { token, id: user.id, openid };
}
/** The owner taps "accept" n times: WeChat records the opt-ins, the app reports each result. */
async function optIn(app: TestApp, o: { token: string; openid: string }, n = 1, onWechatSide = true) {
  for (let i = 0; i < n; i++) {
    if (onWechatSide) await fetch(`${app.wechat.url}/__sim/wechat/subscribe`, { method: 'POST', body: JSON.stringify({ openid: o.openid, templateId: TEMPLATE }) });
    const res = await app.api('/api/v1/me/subscriptions', { method: 'POST', token: o.token, json: { templateIds: [TEMPLATE], results: { [TEMPLATE]: 'accept' }, requestId: randomUUID().replace(/-/g, '') } });
    expect(res.status).toBe(200);
  }
}
async function registerCar(app: TestApp, ownerId: string, opts: { daysAgo?: number; modelCode?: string } = {}) {
  const res = await app.api('/api/v1/admin/vehicles', {
    method: 'POST',
    token: staff,
    json: { ownerId, vin: vin(), modelCode: opts.modelCode ?? 'yuanshan-s5', deliveredAt: new Date(Date.now() - (opts.daysAgo ?? 355) * DAY).toISOString() },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; vin: string; health: { service: { dueDate: string } } };
}
const wxMessages = async (app: TestApp, openid: string) =>
  ((await (await fetch(`${app.wechat.url}/__sim/wechat/messages?openid=${openid}`)).json()) as { messages: { data: Record<string, { value: string }> }[] }).messages;
/** A delivery as the service sees it: its result document (sent / no_optin) over its record. */
const delivery = async (app: TestApp, key: string) => {
  const [rec, result] = await Promise.all([app.conn.collection('reminder_deliveries').findOne({ _id: key as never }), app.conn.collection('reminder_delivery_results').findOne({ _id: key as never })]);
  return rec || result ? { ...rec, ...result } : null;
};
const simFail = (app: TestApp, errcode: number, times: number) => fetch(`${app.wechat.url}/__sim/wechat/send-fail`, { method: 'POST', body: JSON.stringify({ errcode, times }) });
const scan = async (app: TestApp, token = staff) => {
  const res = await app.api('/api/v1/admin/reminders/scan', { method: 'POST', token });
  expect(res.status).toBe(202);
};
const settled = async (app: TestApp, keys: string[]) =>
  vi.waitFor(
    async () => {
      for (const k of keys) expect(['sent', 'no_optin', 'failed']).toContain((await delivery(app, k))?.status);
    },
    { timeout: 20_000, interval: 100 },
  );

describe('vehicles and usage', () => {
  it('staff register a car; the owner sees it with predictions; others get 404; wrong role 403; bad input 4xx', async () => {
    const alice = await owner(t, 'oAliceRem');
    const bob = await owner(t, 'oBobRem');
    const car = await registerCar(t, alice.id, { daysAgo: 100 });
    const mine = await t.api('/api/v1/me/vehicles', { token: alice.token });
    expect(mine.status).toBe(200);
    expect(mine.body.items).toHaveLength(1);
    const v = mine.body.items[0];
    expect(v).toMatchObject({ modelName: '远山 S5', energyType: 'bev', vin: car.vin });
    expect(v.health.service.reason).toContain(v.health.service.dueDate);
    expect(v.health.battery.reason).toMatch(/^电池健康度约/);
    expect(v.health.tyres.reason).toMatch(/^轮胎已行驶约/);
    expect((await t.api('/api/v1/me/vehicles', { token: bob.token })).body.items).toEqual([]);
    expect((await t.api(`/api/v1/me/vehicles/${car.id}`, { token: bob.token })).status).toBe(404);
    expect((await t.api(`/api/v1/me/vehicles/${car.id}`, { token: alice.token })).status).toBe(200);
    expect((await t.api('/api/v1/me/vehicles')).status).toBe(401);

    const body = { ownerId: bob.id, vin: vin(), modelCode: 'yuanshan-s5', deliveredAt: new Date().toISOString() };
    expect((await t.api('/api/v1/admin/vehicles', { method: 'POST', token: alice.token, json: body })).status).toBe(403);
    for (const bad of [{ ...body, vin: 'SHORT' }, { ...body, vin: 'LYS5TESTI00000001' }, { ...body, deliveredAt: 'yesterday' }, { ...body, extra: 1 }, { ...body, odometerKm: -1 }]) {
      const res = await t.api('/api/v1/admin/vehicles', { method: 'POST', token: staff, json: bad });
      expect(res.status, JSON.stringify(bad)).toBe(400);
    }
    expect((await t.api('/api/v1/admin/vehicles', { method: 'POST', token: staff, json: { ...body, ownerId: '0123456789abcdef01234567' } })).status).toBe(404);
    expect((await t.api('/api/v1/admin/vehicles', { method: 'POST', token: staff, json: { ...body, modelCode: 'no-such-model' } })).status).toBe(404);
    // The same VIN for another owner is a conflict; for the same owner it is the same car.
    expect((await t.api('/api/v1/admin/vehicles', { method: 'POST', token: staff, json: { ...body, vin: car.vin } })).status).toBe(409);
    const again = await t.api('/api/v1/admin/vehicles', { method: 'POST', token: staff, json: { ...body, ownerId: alice.id, vin: car.vin } });
    expect(again.body.id).toBe(car.id);
  });

  it('ingests usage reports once each, and the prediction follows them', async () => {
    const carol = await owner(t, 'oCarolRem');
    const car = await registerCar(t, carol.id, { daysAgo: 120 });
    const start = Date.now() - 119 * DAY;
    const reports = Array.from({ length: 17 }, (_, i) => ({
      reportId: `rep-${car.vin}-${i}`,
      vin: car.vin,
      at: new Date(start + i * 7 * DAY).toISOString(),
      odometerKm: 100 * 7 * i,
      harshBrakes: 20,
      charges: 5,
      fastCharges: 4,
      batterySohPct: 100 - i * 0.1,
    }));
    const first = await t.api('/api/v1/admin/vehicles/usage-reports', { method: 'POST', token: staff, json: { reports } });
    expect(first.body).toEqual({ accepted: 17, duplicates: 0, unknownVehicles: [] });
    const again = await t.api('/api/v1/admin/vehicles/usage-reports', { method: 'POST', token: staff, json: { reports: [...reports.slice(0, 3), { ...reports[0], reportId: 'rep-unknown-1', vin: 'LYS5TEST999999999' }] } });
    expect(again.body).toEqual({ accepted: 0, duplicates: 3, unknownVehicles: ['LYS5TEST999999999'] });
    expect(await t.conn.collection('usage_reports').countDocuments({ vehicleId: car.id })).toBe(17);
    const v = (await t.api(`/api/v1/me/vehicles/${car.id}`, { token: carol.token })).body;
    expect(v.health.pace).toEqual({ kmPerDay: 100, basis: 'recent' });
    expect(v.health.service.trigger).toBe('distance');
    expect(v.health.service.reason).toMatch(/^按您的用车节奏（约 100 公里\/天），距提车约 11,\d00 公里：预计 \d{4}-\d\d-\d\d 前后到期/);
    expect(v.health.tyres.reason).toContain('（偏多）');
    expect(v.health.battery.fastChargeShare).toBe(0.8);
    // A crash after the inserts, before the summary was refreshed: the sender's retry (all duplicates) repairs it.
    const carDoc = { _id: new Types.ObjectId(car.id) };
    await t.conn.collection('vehicles').updateOne(carDoc, { $set: { 'summary.serviceDueDate': '2000-01-01' } });
    expect((await t.api('/api/v1/admin/vehicles/usage-reports', { method: 'POST', token: staff, json: { reports: reports.slice(-2) } })).body).toMatchObject({ accepted: 0, duplicates: 2 });
    expect((await t.conn.collection('vehicles').findOne(carDoc))!.summary.serviceDueDate).toBe(v.health.service.dueDate);
    const bad = await t.api('/api/v1/admin/vehicles/usage-reports', { method: 'POST', token: staff, json: { reports: [{ ...reports[0], charges: 1, fastCharges: 2 }] } });
    expect(bad.status).toBe(400);
    expect((await t.api('/api/v1/admin/vehicles/usage-reports', { method: 'POST', token: carol.token, json: { reports } })).status).toBe(403);
  });
  it('ingests a generated fleet history (the telematics simulator), and each car’s prediction follows its driver', async () => {
    const olga = await owner(t, 'oOlgaRem');
    const daysAgo = 150;
    const heavy = await registerCar(t, olga.id, { daysAgo });
    const gentle = await registerCar(t, olga.id, { daysAgo });
    const cars = [heavy, gentle].map((c) => ({ vin: c.vin, energyType: 'bev' as const, deliveredAt: new Date(Date.now() - daysAgo * DAY) }));
    const drivers = { [heavy.vin]: { kmPerDay: 110, harshBrakesPer100Km: 3, fastChargeShare: 0.8 }, [gentle.vin]: { kmPerDay: 25, harshBrakesPer100Km: 0.3, fastChargeShare: 0.05 } };
    // The two cars get fixed habits to compare (generateFleetHistory would draw a driver per car).
    const reports = cars.flatMap((c) => generateUsageHistory(c, { seed: 11, until: new Date(), driver: drivers[c.vin] }));
    const post = async (batch: unknown[]) => (await t.api('/api/v1/admin/vehicles/usage-reports', { method: 'POST', token: staff, json: { reports: batch } })).body;
    const first = await post(reports);
    expect(first).toEqual({ accepted: reports.length, duplicates: 0, unknownVehicles: [] });
    expect(await post(reports.slice(0, 10))).toEqual({ accepted: 0, duplicates: 10, unknownVehicles: [] });
    const [h, g] = await Promise.all([heavy, gentle].map(async (c) => (await t.api(`/api/v1/me/vehicles/${c.id}`, { token: olga.token })).body));
    expect(h.health.pace.kmPerDay).toBeGreaterThan(90);
    expect(g.health.pace.kmPerDay).toBeLessThan(35);
    // 20,000 km at ~110 km/day comes long before 12 months; the gentle driver is due by time.
    expect(h.health.service.trigger).toBe('distance');
    expect(g.health.service.trigger).toBe('time');
    expect(h.health.service.dueDate < g.health.service.dueDate).toBe(true);
    expect(h.health.tyres.habitFactor).toBeGreaterThan(g.health.tyres.habitFactor);
    expect(h.health.tyres.wearPct).toBeGreaterThan(g.health.tyres.wearPct);
    expect(h.health.battery.fastChargeShare).toBeGreaterThan(0.6);
    expect(h.health.battery.sohPct).toBeLessThan(g.health.battery.sohPct);
    expect(h.health.service.reason).toContain(h.health.service.dueDate);

    // A fleet with drivers drawn from the seed, forwarded in the endpoint's batches of up to 500.
    const fleet = [];
    for (let i = 0; i < 8; i++) fleet.push(await registerCar(t, olga.id, { daysAgo: 150 + i * 20 }));
    const all = generateFleetHistory(
      fleet.map((c, i) => ({ vin: c.vin, energyType: 'bev' as const, deliveredAt: new Date(Date.now() - (150 + i * 20) * DAY) })),
      { seed: 11, until: new Date() },
    );
    let accepted = 0;
    for (let i = 0; i < all.length; i += 500) accepted += (await post(all.slice(i, i + 500))).accepted;
    expect(accepted).toBe(all.length);
    const paces = await Promise.all(fleet.map(async (c) => (await t.api(`/api/v1/me/vehicles/${c.id}`, { token: olga.token })).body.health.pace.kmPerDay));
    expect(new Set(paces).size).toBeGreaterThan(4); // every car its own driver
    for (const p of paces) expect(p).toBeGreaterThanOrEqual(5);
  });
});

describe('subscribe-message ledger', () => {
  it('counts one message per accept, idempotent by requestId; refuses bad input with 400', async () => {
    const dave = await owner(t, 'oDaveRem');
    const post = (json: unknown) => t.api('/api/v1/me/subscriptions', { method: 'POST', token: dave.token, json });
    const requestId = 'req-dave-0001';
    expect((await post({ templateIds: [TEMPLATE], results: { [TEMPLATE]: 'accept' }, requestId })).body.templates).toEqual([{ templateId: TEMPLATE, remaining: 1 }]);
    expect((await post({ templateIds: [TEMPLATE], results: { [TEMPLATE]: 'accept' }, requestId })).body.templates).toEqual([{ templateId: TEMPLATE, remaining: 1 }]);
    expect((await post({ templateIds: [TEMPLATE], results: { [TEMPLATE]: 'reject' } })).body.templates).toEqual([{ templateId: TEMPLATE, remaining: 1 }]);
    for (const bad of [
      { templateIds: [], results: {} },
      { templateIds: ['a', 'b', 'c', 'd'], results: { a: 'accept', b: 'accept', c: 'accept', d: 'accept' } },
      { templateIds: ['unknown-template'], results: { 'unknown-template': 'accept' } },
      { templateIds: [TEMPLATE], results: {} },
      { templateIds: [TEMPLATE], results: { [TEMPLATE]: 'maybe' } },
      'not json object',
    ]) {
      const res = await post(bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
    }
    expect((await t.api('/api/v1/me/subscriptions', { token: dave.token })).body.templates[0].remaining).toBe(1);
    expect((await t.api('/api/v1/me/subscriptions', { method: 'POST', json: { templateIds: [TEMPLATE], results: { [TEMPLATE]: 'accept' } } })).status).toBe(401);
  });
});

describe('due-service reminders', () => {
  it('send once per car and service interval, however often the scheduler runs, and never without an opt-in', async () => {
    const erin = await owner(t, 'oErinRem');
    const frank = await owner(t, 'oFrankRem'); // never opted in
    await optIn(t, erin, 1);
    const ce = await registerCar(t, erin.id);
    const cf = await registerCar(t, frank.id);
    const notDue = await registerCar(t, frank.id, { daysAgo: 30 });
    const keys = [ce, cf].map((c) => reminderKey(c.id, null));
    await Promise.all([scan(t), scan(t)]);
    await settled(t, keys);
    await scan(t);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await wxMessages(t, erin.openid)).toHaveLength(1);
    expect((await wxMessages(t, erin.openid))[0].data).toMatchObject({ thing1: { value: '远山 S5' }, date2: { value: ce.health.service.dueDate } });
    expect(await wxMessages(t, frank.openid)).toHaveLength(0);
    expect(await delivery(t, keys[0])).toMatchObject({ status: 'sent', channel: 'wechat', attempts: 1 });
    expect(await delivery(t, keys[1])).toMatchObject({ status: 'no_optin', channel: 'in_app' });
    expect(await t.conn.collection('reminder_deliveries').countDocuments({ vehicleId: notDue.id })).toBe(0);
    // Everyone finds it in the message centre, once.
    const inbox = (await t.api('/api/v1/me/messages', { token: frank.token })).body;
    expect(inbox).toMatchObject({ total: 1, unread: 1 });
    expect(inbox.items[0].body).toContain(cf.health.service.dueDate);
    expect((await t.api(`/api/v1/me/messages/${inbox.items[0].id}/read`, { method: 'POST', token: frank.token })).status).toBe(204);
    expect((await t.api(`/api/v1/me/messages/${inbox.items[0].id}/read`, { method: 'POST', token: erin.token })).status).toBe(404);
    expect((await t.api('/api/v1/me/messages', { token: frank.token })).body.unread).toBe(0);
    expect((await t.api('/api/v1/me/subscriptions', { token: erin.token })).body.templates[0].remaining).toBe(0);
  });

  it('a car already booked in for its service gets no "please book" reminder; the owner’s other due car does', async () => {
    const admin = await withRoles(t, 'oAdminRemBook', ['admin']);
    const allDay = Array.from({ length: 7 }, () => ({ open: '00:00', close: '23:00' }));
    expect((await t.api('/api/v1/admin/sites/T-REM-SC', { method: 'PUT', token: admin, json: { name: '提醒测试服务中心', city: '上海', kind: 'service', address: '上海市测试路 2 号', weeklyHours: allDay, slotMinutes: 60, capacity: 5 } })).status).toBe(200);
    const ivy = await owner(t, 'oIvyRemBook');
    const booked = await registerCar(t, ivy.id);
    const notBooked = await registerCar(t, ivy.id);
    const tomorrow = new Date(Date.now() + DAY).toISOString().slice(0, 10);
    const slots = (await t.api(`/api/v1/sites/T-REM-SC/slots?date=${tomorrow}`)).body.slots as { start: string; full: boolean }[];
    const slot = slots.find((x) => !x.full)!;
    const res = await t.api('/api/v1/me/service-bookings', { method: 'POST', token: ivy.token, json: { vehicleId: booked.id, siteCode: 'T-REM-SC', slotStart: slot.start }, headers: { 'idempotency-key': randomUUID() } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    await scan(t);
    await settled(t, [reminderKey(notBooked.id, null)]);
    expect(await t.conn.collection('reminder_deliveries').countDocuments({ vehicleId: booked.id })).toBe(0);
    const inbox = (await t.api('/api/v1/me/messages', { token: ivy.token })).body;
    // The booking's own confirmation (预约成功) and one reminder, for the car not booked in.
    expect(inbox.items.map((m: { kind: string }) => m.kind).sort()).toEqual(['booking_booked', 'service_due']);
    // The body reads 「您的远山 S5 预计 …」, with the space.
    expect(inbox.items.find((m: { kind: string }) => m.kind === 'service_due').body).toMatch(/^您的远山 S5 (预计|已到)/);
  });

  it('a due date moved by usage reports is the same service (no second reminder); a recorded service starts the next', async () => {
    const kim = await owner(t, 'oKimRem');
    await optIn(t, kim, 3);
    const car = await registerCar(t, kim.id); // due by time, ~10 days from now
    await scan(t);
    await settled(t, [reminderKey(car.id, null)]);
    expect(await wxMessages(t, kim.openid)).toHaveLength(1);

    // The car reports a fast pace: due by distance now, on another date (still within the lead time).
    const reports = Array.from({ length: 5 }, (_, i) => ({
      reportId: `rep-${car.vin}-move-${i}`,
      vin: car.vin,
      at: new Date(Date.now() - (28 - i * 7) * DAY).toISOString(),
      odometerKm: 19_500 - (28 - i * 7) * 100,
    }));
    expect((await t.api('/api/v1/admin/vehicles/usage-reports', { method: 'POST', token: staff, json: { reports } })).body.accepted).toBe(5);
    const moved = (await t.api(`/api/v1/me/vehicles/${car.id}`, { token: kim.token })).body;
    expect(moved.health.service.trigger).toBe('distance');
    expect(moved.health.service.dueDate).not.toBe(car.health.service.dueDate);
    await scan(t);
    await scan(t);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await wxMessages(t, kim.openid)).toHaveLength(1);
    expect(await t.conn.collection('reminder_delivery_results').countDocuments({ userId: kim.id })).toBe(1);

    // A service recorded (back-dated so the next one is due soon): a new interval, reminded once more.
    const serviceAt = new Date(Date.now() - 352 * DAY).toISOString();
    const serviced = await t.api(`/api/v1/admin/vehicles/${car.id}/services`, { method: 'POST', token: staff, json: { at: serviceAt, odometerKm: 1_000 } });
    expect(serviced.status).toBe(200);
    await scan(t);
    await settled(t, [reminderKey(car.id, { at: serviceAt })]);
    await scan(t);
    await new Promise((r) => setTimeout(r, 500));
    expect(await wxMessages(t, kim.openid)).toHaveLength(2);
    expect((await t.api('/api/v1/me/subscriptions', { token: kim.token })).body.templates[0].remaining).toBe(1);
  });

  it('spends each opt-in once when one owner has several cars due at once', async () => {
    const gina = await owner(t, 'oGinaRem');
    await optIn(t, gina, 2);
    const cars = [];
    for (let i = 0; i < 5; i++) cars.push(await registerCar(t, gina.id, { daysAgo: 355 + i }));
    await scan(t);
    await settled(t, cars.map((c) => reminderKey(c.id, null)));
    expect(await wxMessages(t, gina.openid)).toHaveLength(2);
    expect(await t.conn.collection('reminder_delivery_results').countDocuments({ userId: gina.id, status: 'sent' })).toBe(2);
    expect(await t.conn.collection('reminder_delivery_results').countDocuments({ userId: gina.id, status: 'no_optin' })).toBe(3);
    expect(await t.conn.collection('subscription_uses').countDocuments({ userId: gina.id })).toBe(2);
  });

  it('retries WeChat errors with backoff, then dead-letters; staff see and retry it; the opt-in is kept meanwhile', async () => {
    const hank = await owner(t, 'oHankRem');
    await optIn(t, hank, 1);
    await simFail(t, -1, 3); // busy for all 3 attempts
    const car = await registerCar(t, hank.id);
    const key = reminderKey(car.id, null);
    await scan(t);
    await settled(t, [key]);
    expect(await delivery(t, key)).toMatchObject({ status: 'failed', attempts: 3, lastError: expect.stringMatching(/^-1/) });
    expect((await t.api('/api/v1/me/subscriptions', { token: hank.token })).body.templates[0].remaining).toBe(1);
    const dead = await t.api('/api/v1/admin/reminders/dead-letters', { token: staff });
    expect(dead.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ jobId: key, attempts: 3, userId: hank.id })]));
    expect((await t.api('/api/v1/admin/reminders/dead-letters', { token: hank.token })).status).toBe(403);
    expect((await t.api('/api/v1/admin/reminders/dead-letters/no-such-job/retry', { method: 'POST', token: staff })).status).toBe(404);

    expect((await t.api(`/api/v1/admin/reminders/dead-letters/${key}/retry`, { method: 'POST', token: staff })).status).toBe(202);
    await vi.waitFor(async () => expect((await delivery(t, key))?.status).toBe('sent'), { timeout: 15_000, interval: 100 });
    expect(await wxMessages(t, hank.openid)).toHaveLength(1);
    expect((await t.api(`/api/v1/admin/reminders/dead-letters/${key}/retry`, { method: 'POST', token: staff })).status).toBe(409);
  });

  it('does not resend blindly after a crash in the middle of a send; a template error is not retried', async () => {
    const ivy = await owner(t, 'oIvyRem');
    await optIn(t, ivy, 2);
    const car = await registerCar(t, ivy.id);
    const key = reminderKey(car.id, null);
    // What a worker killed right after calling WeChat leaves behind.
    await t.conn.collection('reminder_deliveries').insertOne({ _id: key as never, kind: 'service_due', userId: ivy.id, vehicleId: car.id, status: 'sending', attempts: 1 });
    await scan(t);
    await settled(t, [key]);
    expect(await delivery(t, key)).toMatchObject({ status: 'failed', lastError: expect.stringMatching(/^UNCERTAIN/) });
    expect(await wxMessages(t, ivy.openid)).toHaveLength(0);
    // 47003 (bad template data): straight to the dead letters, the opt-in given back.
    const car2 = await registerCar(t, ivy.id);
    const key2 = reminderKey(car2.id, null);
    await simFail(t, 47003, 1);
    await scan(t);
    await settled(t, [key2]);
    expect(await delivery(t, key2)).toMatchObject({ status: 'failed', attempts: 1, lastError: expect.stringMatching(/^47003/) });
    expect((await t.api('/api/v1/me/subscriptions', { token: ivy.token })).body.templates[0].remaining).toBe(2);
  });

  it('a worker started after the API enqueued work delivers it once, also with two workers', async () => {
    const api = await startTestApp('reminders_api', { ...FAST, RUN_WORKERS: 'false' });
    apps.push(api);
    await api.seed();
    const staffToken = await withRoles(api, 'oStaffRem2', ['admin']);
    const jo = await owner(api, 'oJoRem');
    await fetch(`${api.wechat.url}/__sim/wechat/subscribe`, { method: 'POST', body: JSON.stringify({ openid: jo.openid, templateId: TEMPLATE, count: 3 }) });
    for (let i = 0; i < 3; i++) await api.api('/api/v1/me/subscriptions', { method: 'POST', token: jo.token, json: { templateIds: [TEMPLATE], results: { [TEMPLATE]: 'accept' } } });
    const res = await api.api('/api/v1/admin/vehicles', { method: 'POST', token: staffToken, json: { ownerId: jo.id, vin: vin(), modelCode: 'yuanshan-s7', deliveredAt: new Date(Date.now() - 355 * DAY).toISOString() } });
    const key = reminderKey(res.body.id, null);
    await scan(api, staffToken);
    await scan(api, staffToken);
    await new Promise((r) => setTimeout(r, 500));
    expect(await delivery(api, key)).toBeNull(); // nobody works yet

    const shared = { ...FAST, RUN_WORKERS: 'true', MONGODB_URI: api.config.MONGODB_URI, REDIS_KEY_PREFIX: api.config.REDIS_KEY_PREFIX, WECHAT_API_BASE: api.wechat.url };
    const [w1, w2] = await Promise.all([startTestApp('reminders_w1', shared), startTestApp('reminders_w2', shared)]);
    apps.push(w1, w2);
    await vi.waitFor(async () => expect((await delivery(api, key))?.status).toBe('sent'), { timeout: 20_000, interval: 100 });
    await w1.stop(); // a worker goes away; the other one and a new scan change nothing
    await scan(api, staffToken);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await wxMessages(api, jo.openid)).toHaveLength(1);
    expect((await api.api('/api/v1/me/subscriptions', { token: jo.token })).body.templates[0].remaining).toBe(2);
  });
});

describe('staff campaigns', () => {
  const MSG = { title: '冬季电池关怀', body: '天气转冷，欢迎到店免费检测电池与轮胎。' };
  it('a campaign saved but never queued (Redis down at the push) is built by a repeat of the push, or by the next scan', async () => {
    const nia = await owner(t, 'oNiaRem');
    await registerCar(t, nia.id, { modelCode: 'yuanshan-s7' });
    const segment = { modelCodes: ['yuanshan-s7'], dueWithinDays: 30 };
    const lost = async (idempotencyKey: string, minutesAgo: number) => {
      const _id = new Types.ObjectId();
      const at = new Date(Date.now() - minutesAgo * 60_000);
      await t.conn.collection('campaigns').insertOne({ _id, name: '丢失的推送', segment, message: MSG, createdBy: 'x', idempotencyKey, status: 'building', createdAt: at, updatedAt: at });
      return String(_id);
    };
    const status = async (id: string) => (await t.api(`/api/v1/admin/campaigns/${id}`, { token: staff })).body.status;
    // The staff's retry of the same push (same Idempotency-Key).
    const a = await lost('camp-lost-0001', 0);
    const again = await t.api('/api/v1/admin/campaigns', { method: 'POST', token: staff, json: { name: '丢失的推送', segment, message: MSG }, headers: { 'idempotency-key': 'camp-lost-0001' } });
    expect(again.body.id).toBe(a);
    await vi.waitFor(async () => expect(await status(a)).toBe('done'), { timeout: 20_000, interval: 200 });
    // Nobody retries: the scan's sweep picks it up once it is a few minutes old.
    const b = await lost('camp-lost-0002', 10);
    await scan(t);
    await vi.waitFor(async () => expect(await status(b)).toBe('done'), { timeout: 20_000, interval: 200 });
    expect((await t.api(`/api/v1/admin/campaigns/${b}`, { token: staff })).body.counts).toMatchObject({ targeted: expect.any(Number), queued: 0 });
  });

  it('a send that fails before its delivery record exists still counts as failed (the campaign finishes)', async () => {
    const lee = await owner(t, 'oLeeRem');
    const campaignId = new Types.ObjectId();
    await t.conn.collection('campaigns').insertOne({ _id: campaignId, name: '坏数据', segment: {}, message: MSG, createdBy: 'x', idempotencyKey: `k-${campaignId}`, status: 'queued', targeted: 1, createdAt: new Date(), updatedAt: new Date() });
    const key = `campaign-${campaignId}-${lee.id}`;
    // A job the database refuses on every attempt (no title: the in-app message cannot be written).
    const queue = new Queue(REMINDER_QUEUE, { connection: createQueueConnection(t.config.REDIS_URL), prefix: `${t.config.REDIS_KEY_PREFIX}bull` });
    await queue.add('send', { key, kind: 'campaign', userId: lee.id, campaignId: String(campaignId), title: '', body: 'x', wx: { thing1: 'x', date2: '2027-01-01', thing3: 'x' } }, { jobId: key, attempts: 3, backoff: { type: 'fixed', delay: 100 } });
    await settled(t, [key]);
    expect(await delivery(t, key)).toMatchObject({ status: 'failed', kind: 'campaign', userId: lee.id, attempts: 3 });
    const progress = (await t.api(`/api/v1/admin/campaigns/${campaignId}`, { token: staff })).body;
    expect(progress).toMatchObject({ status: 'done', counts: { targeted: 1, queued: 0, sent: 0, noOptIn: 0, failed: 1 } });
    await queue.close();
  });

  it('previews, pushes once per Idempotency-Key, and the counts add up', async () => {
    const app = await startTestApp('campaigns', FAST);
    apps.push(app);
    await app.seed();
    const ops = await withRoles(app, 'oOpsRem', ['service']);
    const buyer = await owner(app, 'oBuyerCamp');
    const people = await Promise.all(['oCamp1', 'oCamp2', 'oCamp3', 'oCamp4'].map((o) => owner(app, o)));
    const reg = (ownerId: string, modelCode: string, daysAgo = 355) =>
      app.api('/api/v1/admin/vehicles', { method: 'POST', token: ops, json: { ownerId, vin: vin(), modelCode, deliveredAt: new Date(Date.now() - daysAgo * DAY).toISOString() } });
    await reg(people[0].id, 'yuanshan-s5');
    await reg(people[0].id, 'yuanshan-s5'); // two cars, one message
    await reg(people[1].id, 'yuanshan-s5');
    await reg(people[2].id, 'yuanshan-s5');
    await reg(people[3].id, 'yuanshan-s7'); // outside the segment
    await reg(buyer.id, 'yuanshan-s5', 30); // not due within 30 days
    await optIn(app, people[0], 1);
    await optIn(app, people[2], 1, false); // our ledger says yes, WeChat says 43101

    const segment = { modelCodes: ['yuanshan-s5'], dueWithinDays: 30 };
    const preview = await app.api('/api/v1/admin/campaigns/preview', { method: 'POST', token: ops, json: { segment, message: MSG } });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ owners: 3, vehicles: 4, wechat: { data: { thing1: '远山 S5', thing3: MSG.title } }, inApp: MSG });
    expect(preview.body.sample[0].vin).toMatch(/^LYS\*+\d{4}$/);

    const push = (key: string, json: unknown = { name: '冬季关怀', segment, message: MSG }, token = ops) => app.api('/api/v1/admin/campaigns', { method: 'POST', token, json, headers: { 'idempotency-key': key } });
    expect((await push('camp-key-0001', undefined, buyer.token)).status).toBe(403);
    expect((await app.api('/api/v1/admin/campaigns', { method: 'POST', token: ops, json: { name: 'x', segment, message: MSG } })).status).toBe(400);
    expect((await push('camp-key-0002', { name: 'x', segment, message: { ...MSG, title: '这个标题超过了微信订阅消息允许的二十个字的长度' } })).status).toBe(400);
    expect((await push('camp-key-0003', { name: 'x', segment: { dueWithinDays: -1 }, message: MSG })).status).toBe(400);
    const first = await push('camp-key-0004');
    expect(first.status).toBe(202);
    const second = await push('camp-key-0004');
    expect(second.body.id).toBe(first.body.id);

    await vi.waitFor(
      async () => expect((await app.api(`/api/v1/admin/campaigns/${first.body.id}`, { token: ops })).body.status).toBe('done'),
      { timeout: 20_000, interval: 200 },
    );
    const done = (await app.api(`/api/v1/admin/campaigns/${first.body.id}`, { token: ops })).body;
    expect(done.counts).toEqual({ targeted: 3, queued: 0, sent: 1, noOptIn: 2, failed: 0 });
    expect(await wxMessages(app, people[0].openid)).toHaveLength(1);
    expect(await wxMessages(app, people[2].openid)).toHaveLength(0);
    for (const p of people.slice(0, 3)) expect((await app.api('/api/v1/me/messages', { token: p.token })).body.items.map((m: any) => m.title)).toContain(MSG.title);
    expect((await app.api('/api/v1/me/messages', { token: people[3].token })).body.total).toBe(0);
    // 43101 voided the ledger's stale opt-in.
    expect((await app.api('/api/v1/me/subscriptions', { token: people[2].token })).body.templates[0].remaining).toBe(0);

    const history = await app.api('/api/v1/admin/campaigns', { token: ops });
    expect(history.body.items).toEqual([expect.objectContaining({ id: first.body.id, name: '冬季关怀', status: 'done' })]);
    expect((await app.api('/api/v1/admin/campaigns', { token: buyer.token })).status).toBe(403);
    expect((await app.api('/api/v1/admin/campaigns/not-an-id', { token: ops })).status).toBe(400);
    expect((await app.api('/api/v1/admin/campaigns/0123456789abcdef01234567', { token: ops })).status).toBe(404);
  });
});
