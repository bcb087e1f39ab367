import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, shanghaiDate } from '@carmall/shared-types';
import { seedDemoSites } from '../src/seed/sites';
import { startTestApp } from './helpers';

const t = await startTestApp('service_bookings');
const DAY = 86_400_000;
const allDay = Array.from({ length: 7 }, () => ({ open: '00:00', close: '23:00' }));
const tomorrow = addDays(shanghaiDate(new Date()), 1);
const slotAt = (hour: number) => new Date(Date.parse(`${tomorrow}T00:00:00Z`) - 8 * 3_600_000 + hour * 3_600_000).toISOString();
let staff: string;
let admin: string;
let staffId: string;
let vinSeq = 0;

beforeAll(async () => {
  await t.seed();
  await seedDemoSites(t.conn);
  admin = (await t.loginAs('admin', 'oSbAdmin')).token;
  const s = await t.loginAs('service', 'oSbStaff');
  staff = s.token;
  staffId = s.user.id;
  const base = { city: '上海', kind: 'service', address: '上海市测试路 1 号', weeklyHours: allDay, slotMinutes: 60 };
  expect((await t.api('/api/v1/admin/sites/T-SC1', { method: 'PUT', token: admin, json: { ...base, name: '测试服务中心一', capacity: 2 } })).status).toBe(200);
  expect((await t.api('/api/v1/admin/sites/T-SC2', { method: 'PUT', token: admin, json: { ...base, name: '测试服务中心二', capacity: 1 } })).status).toBe(200);
});
afterAll(() => t.close());

async function ownerWithCar(openid: string) {
  const { token, user } = await t.login(openid);
  const vin = `LYS5SB${String(++vinSeq).padStart(11, '0')}`;
  const car = await t.api('/api/v1/admin/vehicles', { method: 'POST', token: staff, json: { ownerId: user.id, vin, modelCode: 'yuanshan-s5', deliveredAt: new Date(Date.now() - 300 * DAY).toISOString() } });
  expect(car.status, JSON.stringify(car.body)).toBe(201);
  return { token, id: user.id, vehicleId: car.body.id as string, vin };
}
const bookReq = (token: string, json: object, key: string | null = randomUUID()) =>
  t.api('/api/v1/me/service-bookings', { method: 'POST', token, json, headers: key ? { 'idempotency-key': key } : {} });

describe('service bookings', () => {
  it('an owner books a slot for their car; repeat with the key answers the same; listed in my bookings', async () => {
    const o = await ownerWithCar('oSbOwner1');
    const key = randomUUID();
    const res = await bookReq(o.token, { vehicleId: o.vehicleId, siteCode: 'T-SC1', slotStart: slotAt(9), note: '常规保养' }, key);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ status: 'booked', site: { code: 'T-SC1', name: '测试服务中心一' }, vehicle: { id: o.vehicleId, modelName: '远山 S5' }, slotStart: slotAt(9), note: '常规保养', cancellable: true });
    expect(res.body.slotLabel).toMatch(/ 09:00–10:00$/);
    const again = await bookReq(o.token, { vehicleId: o.vehicleId, siteCode: 'T-SC1', slotStart: slotAt(9), note: '常规保养' }, key);
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(res.body.id);
    const mine = await t.api('/api/v1/me/service-bookings', { token: o.token });
    expect(mine.body.items.map((b: { id: string }) => b.id)).toEqual([res.body.id]);
    const slots = await t.api(`/api/v1/sites/T-SC1/slots?date=${tomorrow}`);
    expect(slots.body.slots.find((s: { start: string }) => s.start === slotAt(9)).remaining).toBe(1);
  });

  it('one upcoming booking per car (409 CONFLICT); cancelling frees the bay and allows a new one', async () => {
    const o = await ownerWithCar('oSbOwner2');
    const first = await bookReq(o.token, { vehicleId: o.vehicleId, siteCode: 'T-SC2', slotStart: slotAt(10) });
    expect(first.status).toBe(201);
    const second = await bookReq(o.token, { vehicleId: o.vehicleId, siteCode: 'T-SC1', slotStart: slotAt(11) });
    expect(second.status).toBe(409);
    expect(second.body.error).toMatchObject({ code: 'CONFLICT', details: { bookingId: first.body.id } });
    const other = await ownerWithCar('oSbOwner3');
    const full = await bookReq(other.token, { vehicleId: other.vehicleId, siteCode: 'T-SC2', slotStart: slotAt(10) });
    expect(full.status).toBe(409);
    expect(full.body.error.code).toBe('SLOT_FULL');
    // Someone else cannot cancel it.
    expect((await t.api(`/api/v1/me/service-bookings/${first.body.id}/cancel`, { method: 'POST', token: other.token })).status).toBe(404);
    const cancelled = await t.api(`/api/v1/me/service-bookings/${first.body.id}/cancel`, { method: 'POST', token: o.token });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', cancellable: false });
    expect((await t.api(`/api/v1/me/service-bookings/${first.body.id}/cancel`, { method: 'POST', token: o.token })).body.status).toBe('cancelled');
    expect((await bookReq(other.token, { vehicleId: other.vehicleId, siteCode: 'T-SC2', slotStart: slotAt(10) })).status).toBe(201);
    expect((await bookReq(o.token, { vehicleId: o.vehicleId, siteCode: 'T-SC1', slotStart: slotAt(11) })).status).toBe(201);
  });

  it('two taps at once for one car with different keys: one booking, the other 409', async () => {
    const o = await ownerWithCar('oSbOwner4');
    const res = await Promise.all([12, 13, 14].map((h) => bookReq(o.token, { vehicleId: o.vehicleId, siteCode: 'T-SC1', slotStart: slotAt(h) })));
    expect(res.map((r) => r.status).sort()).toEqual([201, 409, 409]);
  });

  it('bad input answers 4xx with its code and writes nothing', async () => {
    const o = await ownerWithCar('oSbOwner5');
    const stranger = await ownerWithCar('oSbOwner6');
    const ok = { vehicleId: o.vehicleId, siteCode: 'T-SC1', slotStart: slotAt(15) };
    const code = async (r: Promise<{ status: number; body: any }>) => {
      const x = await r;
      return [x.status, x.body.error?.code];
    };
    expect(await code(bookReq(o.token, ok, null))).toEqual([400, 'IDEMPOTENCY_KEY_REQUIRED']);
    expect(await code(bookReq(o.token, { ...ok, vehicleId: stranger.vehicleId }))).toEqual([404, 'NOT_FOUND']);
    expect(await code(bookReq(o.token, { ...ok, siteCode: 'SH-JINGAN' }))).toEqual([404, 'NOT_FOUND']); // a store, not a service centre
    expect(await code(bookReq(o.token, { ...ok, slotStart: new Date(Date.now() - 2 * 3_600_000).toISOString() }))).toEqual([422, 'SLOT_IN_PAST']);
    expect(await code(bookReq(o.token, { ...ok, slotStart: new Date(Date.parse(slotAt(15)) + 15 * 60_000).toISOString() }))).toEqual([422, 'SLOT_NOT_OFFERED']);
    expect(await code(bookReq(o.token, { ...ok, slotStart: 'tomorrow' }))).toEqual([400, 'VALIDATION_FAILED']);
    expect(await code(bookReq(o.token, { ...ok, extra: 1 }))).toEqual([400, 'VALIDATION_FAILED']);
    const key = randomUUID();
    expect((await bookReq(o.token, ok, key)).status).toBe(201);
    expect(await code(bookReq(o.token, { ...ok, slotStart: slotAt(16) }, key))).toEqual([409, 'IDEMPOTENCY_KEY_REUSED']);
    expect(await code(t.api('/api/v1/me/service-bookings', { method: 'POST', json: ok }))).toEqual([401, 'UNAUTHENTICATED']);
    expect((await t.api('/api/v1/me/service-bookings', { token: o.token })).body.items).toHaveLength(1);
  });

  it('staff see a centre’s bookings with owners masked; assigned staff only their centre; buyers 403', async () => {
    const o = await ownerWithCar('oSbOwner7');
    expect((await bookReq(o.token, { vehicleId: o.vehicleId, siteCode: 'T-SC2', slotStart: slotAt(20) })).status).toBe(201);
    const list = await t.api(`/api/v1/admin/service-bookings?siteCode=T-SC2&date=${tomorrow}`, { token: staff });
    expect(list.status).toBe(200);
    expect(list.body.site.code).toBe('T-SC2');
    const row = list.body.items.find((b: { vehicle: { id: string } }) => b.vehicle.id === o.vehicleId);
    expect(row).toMatchObject({ status: 'booked', vehicle: { vin: o.vin }, slotStart: slotAt(20), owner: expect.any(Object) });
    expect((await t.api(`/api/v1/admin/service-bookings?siteCode=T-SC2`, { token: o.token })).status).toBe(403);
    expect((await t.api(`/api/v1/admin/service-bookings`, { token: staff })).status).toBe(400); // brand-wide staff must choose
    // Assigned to T-SC1: sees T-SC1 by default, T-SC2 is refused.
    expect((await t.api(`/api/v1/admin/site-staff/${staffId}`, { method: 'PUT', token: admin, json: { siteCode: 'T-SC1' } })).status).toBe(200);
    const mineCentre = await t.api(`/api/v1/admin/service-bookings?date=${tomorrow}`, { token: staff });
    expect(mineCentre.status).toBe(200);
    expect(mineCentre.body.site.code).toBe('T-SC1');
    expect(mineCentre.body.items.length).toBeGreaterThan(0);
    expect(mineCentre.body.items.every((b: { site: { code: string } }) => b.site.code === 'T-SC1')).toBe(true);
    expect((await t.api(`/api/v1/admin/service-bookings?siteCode=T-SC2`, { token: staff })).status).toBe(403);
    expect((await t.api(`/api/v1/admin/service-bookings?siteCode=T-SC2&date=${tomorrow}`, { token: admin })).status).toBe(200);
  });
});
