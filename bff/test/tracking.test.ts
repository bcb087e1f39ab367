import { createHmac, randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTmsSimulator } from '@carmall/simulators';
import { startTestApp, type TestApp } from './helpers';

const TMS = { keyId: 'carmall-test', secret: 'test-tms-secret', webhookSecret: 'test-tms-webhook-secret' };
const tms = await startTmsSimulator({ ...TMS, pingEveryMin: 30, webhookRetryDelaysMs: [200, 500, 1000] });
// The simulated clock stands still until a test moves it (08:00 in Shanghai: a day's drive ahead).
/** JSON from a simulator control. */
const simJson = async (path: string): Promise<any> => (await fetch(`${tms.url}${path}`)).json();
const clock = (body: object) => fetch(`${tms.url}/__sim/tms/clock`, { method: 'POST', body: JSON.stringify(body) }).then((r) => r.json());
await clock({ paused: true, setTo: '2026-03-02T00:00:00.000Z' });
const t = await startTestApp('tracking', { TMS_API_BASE: tms.url, TMS_KEY_ID: TMS.keyId, TMS_SECRET: TMS.secret, TMS_WEBHOOK_SECRET: TMS.webhookSecret });

let alice: string;
let bob: string;
let staff: string;
let staffId: string;

/** A user with these roles: roles are read at login, so set them and sign in again. */
async function loginWithRoles(openid: string, roles: string[]) {
  const first = await t.login(openid);
  await t.conn.collection('users').updateOne({ _id: new Types.ObjectId(first.user.id) }, { $set: { roles } });
  const again = await t.login(openid);
  return { token: again.token, id: again.user.id };
}

async function lockedOrder(token: string, extra: { deliveryCentreCode?: string } = {}) {
  const trimCode = (await t.api('/api/v1/catalog/models/yuanshan-s7')).body.model.trims[0].code;
  const order = (await t.api('/api/v1/orders', { method: 'POST', token, headers: { 'idempotency-key': randomUUID() }, json: { modelCode: 'yuanshan-s7', trimCode, selections: [], ...extra } })).body;
  const pay = await t.api(`/api/v1/orders/${order.orderNo}/payments/wechat`, { method: 'POST', token });
  await fetch(`${t.wxpay.url}/__sim/wxpay/pay`, { method: 'POST', body: JSON.stringify({ out_trade_no: pay.body.outTradeNo }) });
  await vi.waitFor(async () => expect((await t.api(`/api/v1/orders/${order.orderNo}`, { token })).body.state).toBe('deposit_paid'), { timeout: 10_000 });
  expect((await t.api(`/api/v1/orders/${order.orderNo}/lock`, { method: 'POST', token })).body.state).toBe('locked');
  return order.orderNo as string;
}

const staffEvent = (orderNo: string, body: object, token = staff) => t.api(`/api/v1/admin/orders/${orderNo}/events`, { method: 'POST', token, json: body });
const tracking = (orderNo: string, token = alice) => t.api(`/api/v1/orders/${orderNo}/tracking`, { token });
const vin = () => `LYS${Array.from({ length: 14 }, () => '0123456789ABCDEFGHJKLMNPRSTUVWXYZ'[Math.floor(Math.random() * 33)]).join('')}`;

/** Post a TMS event to the BFF as the TMS would (or with a given signature). */
async function postEvent(event: object, opts: { secret?: string; ts?: number; raw?: string } = {}) {
  const raw = opts.raw ?? JSON.stringify(event);
  const ts = String(opts.ts ?? Math.floor(Date.now() / 1000));
  const sig = createHmac('sha256', opts.secret ?? TMS.webhookSecret).update(`${ts}\n${raw}`).digest('hex');
  return t.api('/api/v1/tracking/tms/events', { method: 'POST', body: raw, headers: { 'content-type': 'application/json', 'x-tms-timestamp': ts, 'x-tms-signature': sig } });
}

beforeAll(async () => {
  await t.seed();
  alice = (await t.login('oAliceTracking')).token;
  bob = (await t.login('oBobTracking')).token;
  ({ token: staff, id: staffId } = await loginWithRoles('oStaffTracking', ['service']));
});
afterAll(async () => {
  await t.close();
  await tms.close();
});

describe('staff move an order along its delivery', () => {
  it('needs a staff role, a valid event and the right order state', async () => {
    const orderNo = await lockedOrder(alice);
    expect((await staffEvent(orderNo, { event: 'allocate' }, alice)).status).toBe(403);
    expect((await t.api(`/api/v1/admin/orders/${orderNo}/events`, { method: 'POST', json: { event: 'allocate' } })).status).toBe(401);
    for (const bad of [{ event: 'fly' }, { event: 'ship', vin: 'SHORT' }, { event: 'ship', vin: 'LYS0000000000000I' }, { event: 'allocate', extra: 1 }, { event: 'ship', centre: 'MARS' }, {}]) {
      const res = await staffEvent(orderNo, bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    expect((await staffEvent('CM2026030200000000', { event: 'allocate' })).status).toBe(404);
    expect((await staffEvent('nope', { event: 'allocate' })).status).toBe(400);
    const early = await staffEvent(orderNo, { event: 'ship', vin: vin() });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('ORDER_STATE_INVALID');
    expect(await t.conn.collection('shipments').countDocuments({ orderNo })).toBe(0);
    expect((await staffEvent(orderNo, { event: 'deliver' })).status).toBe(409);
  });
});

describe('a shipment from the factory to the Shanghai centre', () => {
  let orderNo: string;
  let carVin: string;

  it('ships: the TMS shipment is created and the order is in transit', async () => {
    orderNo = await lockedOrder(alice);
    carVin = vin();
    const allocated = await staffEvent(orderNo, { event: 'allocate', vin: carVin });
    expect(allocated.status).toBe(200);
    expect(allocated.body.order.state).toBe('allocated');
    // The VIN given at allocation is used when shipping.
    const shipped = await staffEvent(orderNo, { event: 'ship', centre: 'SHA' });
    expect(shipped.status).toBe(200);
    expect(shipped.body.order.state).toBe('in_transit');
    expect(shipped.body.shipment).toMatchObject({ vin: carVin, destination: { code: 'SHA', name: '上海交付中心' }, shipmentNo: expect.stringMatching(/^TMS/) });
    expect(shipped.body.order.timeline.at(-1)).toMatchObject({ event: 'ship', actor: { kind: 'staff', id: staffId } });
    const inTms = (await simJson('/__sim/tms/shipments')).shipments;
    expect(inTms.filter((s: { orderNo: string }) => s.orderNo === orderNo)).toHaveLength(1);
    // Shipping again is refused (state) and creates nothing.
    expect((await staffEvent(orderNo, { event: 'ship', vin: carVin })).status).toBe(409);
  });

  it('recomputes the ETA on every new position', async () => {
    await clock({ advanceHours: 2 });
    await vi.waitFor(async () => expect((await tracking(orderNo)).body.shipment.track.length).toBeGreaterThanOrEqual(4), { timeout: 15_000, interval: 100 });
    const first = (await tracking(orderNo)).body.shipment;
    expect(first.milestones[0]).toMatchObject({ type: 'departed', label: '已从宁波工厂发车' });
    expect(first.eta).toMatchObject({ arrived: false, confidence: 0.8 });
    expect(first.eta.remainingKm).toBeLessThan(first.eta.totalKm);
    expect(Date.parse(first.eta.lowAt)).toBeLessThanOrEqual(Date.parse(first.eta.at));
    expect(Date.parse(first.eta.at)).toBeLessThanOrEqual(Date.parse(first.eta.highAt));
    expect(first.eta.summary).toMatch(/^剩余约 [\d,]+ 公里/);
    expect(first.eta.explanation.segments.length).toBeGreaterThan(0);
    expect(first.route.stops.map((s: { code: string }) => s.code)).toEqual(['NGB', 'HGH', 'SHA']);

    await clock({ advanceHours: 1.5 });
    await vi.waitFor(async () => expect(Date.parse((await tracking(orderNo)).body.shipment.eta.asOf)).toBeGreaterThan(Date.parse(first.eta.asOf) + 3600_000), { timeout: 15_000, interval: 100 });
    const later = (await tracking(orderNo)).body.shipment;
    expect(Date.parse(later.latest.at)).toBeGreaterThan(Date.parse(first.latest.at));
    expect(Date.parse(later.eta.computedAt)).toBeGreaterThan(Date.parse(first.eta.computedAt));
    expect(later.eta.remainingKm).toBeLessThanOrEqual(first.eta.remainingKm);
  });

  it('lets the buyer and staff see it, and nobody else', async () => {
    expect((await tracking(orderNo, alice)).status).toBe(200);
    const other = await tracking(orderNo, bob);
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe('NOT_FOUND');
    const asStaff = await tracking(orderNo, staff);
    expect(asStaff.status).toBe(200);
    expect(asStaff.body.shipment.vin).toBe(carVin);
    expect((await t.api(`/api/v1/orders/${orderNo}/tracking`)).status).toBe(401);
    expect((await tracking('CM0000', alice)).status).toBe(400);
    expect((await tracking('CM2026030299999999', staff)).status).toBe(404);
  });

  it('lets the order\'s advisor and every staff role see it; another advisor or a bare advisor role gets 404', async () => {
    const advisor = await loginWithRoles('oAdvisorTracking', ['advisor']);
    const otherAdvisor = await loginWithRoles('oOtherAdvisorTracking', ['advisor']);
    // Attribution sets the advisor at order creation; here it is written as that would.
    await t.conn.collection('orders').updateOne({ orderNo }, { $set: { advisorUserId: advisor.id } });
    const seen = await tracking(orderNo, advisor.token);
    expect(seen.status).toBe(200);
    expect(seen.body.shipment.vin).toBe(carVin);
    for (const who of [otherAdvisor.token, bob]) {
      const refused = await tracking(orderNo, who);
      expect(refused.status).toBe(404);
      expect(refused.body.error.code).toBe('NOT_FOUND');
    }
    for (const role of ['service', 'operator', 'admin']) {
      const member = await loginWithRoles(`oStaff-${role}-Tracking`, [role]);
      expect((await tracking(orderNo, member.token)).status, role).toBe(200);
    }
    // The buyer's order view does not reveal who the advisor is.
    expect((await t.api(`/api/v1/orders/${orderNo}`, { token: alice })).body).not.toHaveProperty('advisorUserId');
  });

  it('arrival at the centre makes the order ready for delivery and teaches the ETA model', async () => {
    await clock({ advanceHours: 30 });
    await vi.waitFor(async () => expect((await t.api(`/api/v1/orders/${orderNo}`, { token: alice })).body.state).toBe('ready_for_delivery'), { timeout: 20_000, interval: 200 });
    const done = (await tracking(orderNo)).body;
    expect(done.orderState).toBe('ready_for_delivery');
    expect(done.shipment).toMatchObject({ status: 'arrived', statusLabel: '已到达交付中心', eta: { arrived: true, remainingKm: 0 } });
    expect(done.shipment.milestones.at(-1)).toMatchObject({ type: 'arrived', label: '到达上海交付中心' });
    const times = done.shipment.milestones.map((m: { at: string }) => Date.parse(m.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(done.shipment.milestones.map((m: { type: string }) => m.type)).toEqual(expect.arrayContaining(['hub_arrived', 'hub_departed']));
    await vi.waitFor(async () => expect(await t.conn.collection('eta_trips').countDocuments({})).toBe(1), { timeout: 10_000 });
    const order = (await t.api(`/api/v1/orders/${orderNo}`, { token: alice })).body;
    expect(order.timeline.at(-1)).toMatchObject({ event: 'arrive', actor: { kind: 'system' } });
    // Staff hand the car over.
    const delivered = (await staffEvent(orderNo, { event: 'deliver' })).body.order;
    expect(delivered.state).toBe('delivered');
    expect(delivered.vin).toBe(carVin);
    // 我的车库: the car is there at once, under the VIN given at allocation (no scan needed).
    const garageNow = (await t.api('/api/v1/me/vehicles', { token: alice })).body.items as { vin: string; orderNo?: string; source: string }[];
    expect(garageNow.find((v) => v.orderNo === orderNo)).toMatchObject({ vin: carVin, source: 'order' });
    // The scan's catch-up finds nothing more to add: still one car for the order.
    const service = await loginWithRoles('oServiceTrackingGarage', ['service']);
    expect((await t.api('/api/v1/admin/reminders/scan', { method: 'POST', token: service.token })).status).toBe(202);
    await vi.waitFor(
      async () => {
        const garage = (await t.api('/api/v1/me/vehicles', { token: alice })).body.items as { vin: string; orderNo?: string }[];
        expect(garage.filter((v) => v.orderNo === orderNo).map((v) => v.vin)).toEqual([carVin]);
      },
      { timeout: 20_000, interval: 300 },
    );
  });
});

describe('TMS events', () => {
  let orderNo: string;
  let shipmentNo: string;
  const base = () => ({ shipmentNo, orderNo, type: 'position' as string, position: { lat: 30.1, lng: 120.4 } });

  beforeAll(async () => {
    orderNo = await lockedOrder(alice);
    await staffEvent(orderNo, { event: 'allocate' });
    const shipped = await staffEvent(orderNo, { event: 'ship', vin: vin(), centre: 'BJS' });
    expect(shipped.status).toBe(200);
    shipmentNo = shipped.body.shipment.shipmentNo;
    await vi.waitFor(async () => expect((await tracking(orderNo)).body.shipment.milestones.length).toBeGreaterThanOrEqual(1), { timeout: 10_000 });
  });

  it('rejects a bad or stale signature with 401 and stores nothing', async () => {
    const event = { ...base(), eventId: `X-${randomUUID()}`, occurredAt: '2026-03-02T01:00:00.000Z' };
    const wrong = await postEvent(event, { secret: 'not-the-webhook-secret' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('UNAUTHENTICATED');
    expect((await postEvent(event, { ts: Math.floor(Date.now() / 1000) - 3600 })).status).toBe(401);
    const unsigned = await t.api('/api/v1/tracking/tms/events', { method: 'POST', json: event });
    expect(unsigned.status).toBe(401);
    // Tampered body under a valid signature of another body.
    const ts = String(Math.floor(Date.now() / 1000));
    const sig = createHmac('sha256', TMS.webhookSecret).update(`${ts}\n${JSON.stringify(event)}`).digest('hex');
    const tampered = await t.api('/api/v1/tracking/tms/events', { method: 'POST', body: JSON.stringify({ ...event, position: { lat: 1, lng: 1 } }), headers: { 'content-type': 'application/json', 'x-tms-timestamp': ts, 'x-tms-signature': sig } });
    expect(tampered.status).toBe(401);
    expect(await t.conn.collection('tracking_events').countDocuments({ _id: event.eventId as never })).toBe(0);
  });

  it('answers malformed events with 4xx, never 500', async () => {
    const ok = { ...base(), eventId: `X-${randomUUID()}`, occurredAt: '2026-03-02T01:00:00.000Z' };
    const cases: Array<[object | string, number]> = [
      [{ ...ok, position: { lat: 200, lng: 120 } }, 400],
      [{ ...ok, type: 'teleported' }, 400],
      [{ ...ok, occurredAt: 'yesterday' }, 400],
      [{ ...ok, eventId: '' }, 400],
      [{ ...ok, orderNo: 'CM2026030211111111' }, 404],
      [{ ...ok, shipmentNo: 'TMS-OTHER' }, 404],
      [[1, 2, 3], 400],
      ['{"not json', 400],
    ];
    for (const [event, status] of cases) {
      const res = typeof event === 'string' ? await postEvent({}, { raw: event }) : await postEvent(event);
      expect(res.status, JSON.stringify(event)).toBe(status);
      expect(res.body.error.code).toMatch(/VALIDATION_FAILED|NOT_FOUND/);
    }
  });

  it('ingests a duplicate once and keeps the latest position when an older one arrives late', async () => {
    const before = (await tracking(orderNo)).body.shipment;
    const t0 = Date.parse(before.latest?.at ?? before.milestones[0].at);
    const newer = { ...base(), eventId: `X-${randomUUID()}`, occurredAt: new Date(t0 + 3 * 3600_000).toISOString(), position: { lat: 30.27, lng: 120.15, speedKmh: 0 } };
    const older = { ...base(), eventId: `X-${randomUUID()}`, occurredAt: new Date(t0 + 2 * 3600_000).toISOString(), position: { lat: 30.1, lng: 120.4, speedKmh: 70 } };
    const first = await postEvent(newer);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ status: 'applied', eventId: newer.eventId });
    const afterNewer = (await tracking(orderNo)).body.shipment;
    expect(afterNewer.latest).toMatchObject({ lat: 30.27, lng: 120.15, at: newer.occurredAt });
    expect(afterNewer.eta.asOf).toBe(newer.occurredAt);

    const dup = await postEvent(newer);
    expect(dup.status).toBe(200);
    expect(dup.body.status).toBe('duplicate');
    expect(await t.conn.collection('tracking_events').countDocuments({ _id: newer.eventId as never })).toBe(1);

    expect((await postEvent(older)).body.status).toBe('applied');
    const afterOlder = (await tracking(orderNo)).body.shipment;
    expect(afterOlder.latest.at).toBe(newer.occurredAt); // not moved back
    expect(afterOlder.eta.asOf).toBe(newer.occurredAt);
    const trackTimes = afterOlder.track.map((p: { at: string }) => p.at);
    expect(trackTimes).toEqual(expect.arrayContaining([older.occurredAt, newer.occurredAt]));
    expect(trackTimes).toEqual([...trackTimes].sort());

    // Milestones out of order: kept in the order they happened.
    const m2 = { ...base(), type: 'rest_ended', kind: 'rest', eventId: `X-${randomUUID()}`, occurredAt: new Date(t0 + 3.5 * 3600_000).toISOString() };
    const m1 = { ...base(), type: 'rest_started', kind: 'rest', eventId: `X-${randomUUID()}`, occurredAt: new Date(t0 + 3.2 * 3600_000).toISOString() };
    await postEvent(m2);
    await postEvent(m1);
    await postEvent(m1);
    const s = (await tracking(orderNo)).body.shipment;
    const ours = s.milestones.filter((m: { type: string }) => m.type.startsWith('rest_'));
    expect(ours.map((m: { type: string }) => m.type)).toEqual(['rest_started', 'rest_ended']);
    expect(s.status).toBe('in_transit');
  });

  it('survives duplicated and reordered deliveries from the TMS', async () => {
    await fetch(`${tms.url}/__sim/tms/webhooks`, { method: 'POST', body: JSON.stringify({ duplicates: 6, reorder: 6 }) });
    await clock({ advanceHours: 3 });
    const sim = async () => (await simJson('/__sim/tms/shipments')).shipments.find((x: { shipmentNo: string }) => x.shipmentNo === shipmentNo);
    await vi.waitFor(async () => {
      const d = (await simJson('/__sim/tms/deliveries')).deliveries.filter((x: { eventId: string }) => x.eventId.startsWith(shipmentNo));
      const sent = (await sim()).sent;
      expect(new Set(d.filter((x: { status: number }) => x.status === 200).map((x: { eventId: string }) => x.eventId)).size).toBe(sent);
    }, { timeout: 20_000, interval: 200 });
    const deliveries = (await simJson('/__sim/tms/deliveries')).deliveries.filter((x: { eventId: string }) => x.eventId.startsWith(shipmentNo));
    expect(deliveries.length).toBeGreaterThan(new Set(deliveries.map((x: { eventId: string }) => x.eventId)).size); // some were sent twice
    const stored = await t.conn.collection('tracking_events').countDocuments({ shipmentNo, _id: { $regex: `^${shipmentNo}` } as never });
    expect(stored).toBe((await sim()).sent);
    const s = (await tracking(orderNo)).body.shipment;
    const times = s.milestones.map((m: { at: string }) => Date.parse(m.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    // The latest position is the newest one the TMS sent, whatever the delivery order.
    const positions = await t.conn.collection('tracking_events').find({ shipmentNo, type: 'position' }).toArray();
    const newest = Math.max(...positions.map((p) => new Date(p.occurredAt).getTime()));
    expect(Date.parse(s.latest.at)).toBe(newest);
    // A full replay changes nothing.
    const countBefore = await t.conn.collection('tracking_events').countDocuments({ shipmentNo });
    await fetch(`${tms.url}/__sim/tms/replay`, { method: 'POST', body: JSON.stringify({ shipmentNo }) });
    await new Promise((r) => setTimeout(r, 1500));
    expect(await t.conn.collection('tracking_events').countDocuments({ shipmentNo })).toBe(countBefore);
    expect((await tracking(orderNo)).body.shipment.milestones.length).toBe(s.milestones.length);
  });

  it('moves the ETA later when the carrier stops unexpectedly', async () => {
    // A shipment of its own (the one above has hand-made events in it).
    const orderNo = await lockedOrder(alice);
    await staffEvent(orderNo, { event: 'allocate' });
    const shipmentNo = (await staffEvent(orderNo, { event: 'ship', vin: vin(), centre: 'XIY' })).body.shipment.shipmentNo;
    await clock({ advanceHours: 1 });
    await vi.waitFor(async () => expect((await tracking(orderNo)).body.shipment.eta).not.toBeNull(), { timeout: 10_000, interval: 100 });
    const before = (await tracking(orderNo)).body.shipment.eta;
    const r = await fetch(`${tms.url}/__sim/tms/delay`, { method: 'POST', body: JSON.stringify({ shipmentNo, minutes: 240, reason: '前方事故，道路管制' }) });
    expect(r.status).toBe(200);
    // The carrier stops at the first moment it is moving (not while resting or at a hub).
    const delayed = async () => (await tracking(orderNo)).body.shipment.milestones.some((m: { type: string }) => m.type === 'delay_started');
    for (let i = 0; i < 12 && !(await delayed()); i++) {
      await clock({ advanceHours: 0.5 });
      await new Promise((r) => setTimeout(r, 300));
    }
    await vi.waitFor(async () => expect(await delayed()).toBe(true), { timeout: 10_000, interval: 100 });
    const stoppedAt = Date.parse((await tracking(orderNo)).body.shipment.milestones.find((m: { type: string }) => m.type === 'delay_started').at);
    await clock({ advanceHours: 2 });
    await vi.waitFor(async () => expect(Date.parse((await tracking(orderNo)).body.shipment.eta.asOf)).toBeGreaterThan(stoppedAt + 1.5 * 3600_000), { timeout: 15_000, interval: 100 });
    const during = (await tracking(orderNo)).body.shipment;
    expect(during).toMatchObject({ status: 'delayed', statusLabel: '临时停车' });
    expect(during.milestones.at(-1).label).toBe('临时停车：前方事故，道路管制');
    expect(Date.parse(during.eta.at)).toBeGreaterThan(Date.parse(before.at) + 60 * 60_000);
  });
});

// Last: its CTU shipment would otherwise take the simulator's duplicate/reorder budget above.
describe('the delivery centre chosen at checkout', () => {
  it('lists the centres, nearest first for a location, and rejects half a location', async () => {
    const all = await t.api('/api/v1/delivery-centres');
    expect(all.status).toBe(200);
    expect(all.body.items.map((c: { code: string }) => c.code)).toEqual(['SHA', 'BJS', 'CAN', 'CTU', 'XIY']);
    expect(all.body.items[0]).toEqual({ code: 'SHA', name: '上海交付中心', lat: 31.23, lng: 121.47 });
    const near = await t.api('/api/v1/delivery-centres?lat=30.66&lng=104.06');
    expect(near.body.items[0]).toMatchObject({ code: 'CTU', name: '成都交付中心', distanceKm: expect.any(Number) });
    for (const q of ['lat=30', 'lat=100&lng=100', 'lat=x&lng=1', 'city=sh']) {
      const bad = await t.api(`/api/v1/delivery-centres?${q}`);
      expect(bad.status, q).toBe(400);
      expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    }
  });

  it('is stored on the order (first centre by default), an unknown one is refused, and shipping goes there', async () => {
    const trimCode = (await t.api('/api/v1/catalog/models/yuanshan-s7')).body.model.trims[0].code;
    const bad = await t.api('/api/v1/orders', { method: 'POST', token: alice, headers: { 'idempotency-key': randomUUID() }, json: { modelCode: 'yuanshan-s7', trimCode, selections: [], deliveryCentreCode: 'MARS' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    const plain = await t.api('/api/v1/orders', { method: 'POST', token: alice, headers: { 'idempotency-key': randomUUID() }, json: { modelCode: 'yuanshan-s7', trimCode, selections: [] } });
    expect(plain.body.deliveryCentre).toEqual({ code: 'SHA', name: '上海交付中心' });
    expect(plain.body).not.toHaveProperty('advisorUserId');
    await t.api(`/api/v1/orders/${plain.body.orderNo}/cancel`, { method: 'POST', token: alice });

    const orderNo = await lockedOrder(alice, { deliveryCentreCode: 'CTU' });
    expect((await t.api(`/api/v1/orders/${orderNo}`, { token: alice })).body.deliveryCentre).toEqual({ code: 'CTU', name: '成都交付中心' });
    await staffEvent(orderNo, { event: 'allocate' });
    const shipped = await staffEvent(orderNo, { event: 'ship', vin: vin() });
    expect(shipped.status).toBe(200);
    expect(shipped.body.shipment.destination).toEqual({ code: 'CTU', name: '成都交付中心' });
    const inTms = (await simJson('/__sim/tms/shipments')).shipments.find((s: { orderNo: string }) => s.orderNo === orderNo);
    expect(inTms.destination).toBe('CTU');
  });
});
