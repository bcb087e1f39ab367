import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, shanghaiDate } from '@carmall/shared-types';
import { Locks } from '../src/infra/lock';
import { SlotService } from '../src/modules/slots/service';
import { seedDemoSites } from '../src/seed/sites';
import { startTestApp } from './helpers';

const t = await startTestApp('slots');
// The module as other modules use it (same database and Redis as the running BFF).
const slots = new SlotService(t.conn, new Locks(t.redis));
const allDay = Array.from({ length: 7 }, () => ({ open: '00:00', close: '23:00' }));
const tomorrow = addDays(shanghaiDate(new Date()), 1);
let admin: string;
let buyer: string;

beforeAll(async () => {
  await seedDemoSites(t.conn);
  admin = (await t.loginAs('admin', 'oSlotsAdmin')).token;
  buyer = (await t.login('oSlotsBuyer')).token;
  const put = (code: string, body: object) => t.api(`/api/v1/admin/sites/${code}`, { method: 'PUT', token: admin, json: body });
  const base = { name: '测试服务中心', city: '上海', kind: 'service', address: '上海市测试路 1 号', phone: '021-12345678', weeklyHours: allDay, slotMinutes: 60 };
  expect((await put('T-CAP2', { ...base, capacity: 2 })).status).toBe(200);
  expect((await put('T-CLOSED', { ...base, capacity: 1, closedDates: [tomorrow] })).status).toBe(200);
});
afterAll(() => t.close());

const slotAt = (hour: number) => new Date(Date.parse(`${tomorrow}T00:00:00Z`) - 8 * 3_600_000 + hour * 3_600_000).toISOString();
let seq = 0;
const book = (over: Partial<Parameters<SlotService['book']>[0]> = {}) =>
  slots.book({ siteCode: 'T-CAP2', start: slotAt(10), purpose: 'service', refId: 'car-1', userId: 'u1', key: `k-${++seq}`, ...over });

describe('sites and slot listing', () => {
  it('lists seeded service centres and stores by kind and city, phone shown as the switchboard', async () => {
    const svc = await t.api('/api/v1/sites?kind=service');
    expect(svc.status).toBe(200);
    expect(svc.body.items.map((s: { code: string }) => s.code)).toEqual(expect.arrayContaining(['SC-SH-MINHANG', 'SC-BJ-YIZHUANG', 'SC-GZ-PANYU', 'SC-CD-WUHOU']));
    expect(svc.body.items.every((s: { kind: string }) => s.kind === 'service')).toBe(true);
    const minhang = svc.body.items.find((s: { code: string }) => s.code === 'SC-SH-MINHANG');
    expect(minhang).toMatchObject({ city: '上海', hours: ['周一至周日 08:30–17:30'], capacity: 3 });
    const jiading = svc.body.items.find((s: { code: string }) => s.code === 'SC-SH-JIADING');
    expect(jiading.hours).toEqual(['周一至周六 09:00–18:00', '周日 休息']);
    const bj = await t.api(`/api/v1/sites?city=${encodeURIComponent('北京')}&kind=store`);
    expect(bj.body.items.map((s: { code: string }) => s.code)).toEqual(['BJ-CHAOYANG']);
    expect((await t.api('/api/v1/sites?kind=garage')).status).toBe(400);
  });

  it('lists a day’s slots with remaining seats; closed days and unknown sites answer clearly', async () => {
    const res = await t.api(`/api/v1/sites/T-CAP2/slots?date=${tomorrow}`);
    expect(res.status).toBe(200);
    expect(res.body.slots).toHaveLength(23);
    expect(res.body.slots[10]).toMatchObject({ start: slotAt(10), label: '10:00–11:00', capacity: 2, remaining: 2 });
    expect(res.body.dates[0] >= shanghaiDate(new Date())).toBe(true);
    expect((await t.api(`/api/v1/sites/T-CLOSED/slots?date=${tomorrow}`)).body.slots).toEqual([]);
    expect((await t.api(`/api/v1/sites/T-CLOSED/slots?date=${tomorrow}`)).body.dates).not.toContain(tomorrow);
    expect((await t.api(`/api/v1/sites/NOPE/slots`)).status).toBe(404);
    expect((await t.api(`/api/v1/sites/T-CAP2/slots?date=2026-13-45x`)).status).toBe(400);
    // Yesterday: nothing to book.
    expect((await t.api(`/api/v1/sites/T-CAP2/slots?date=${addDays(shanghaiDate(new Date()), -1)}`)).body.slots).toEqual([]);
  });

  it('site admin is admin-only and validates opening hours', async () => {
    const body = { name: 'x', city: '上海', kind: 'service', address: 'x', weeklyHours: allDay, slotMinutes: 60, capacity: 1 };
    expect((await t.api('/api/v1/admin/sites/T-X', { method: 'PUT', token: buyer, json: body })).status).toBe(403);
    expect((await t.api('/api/v1/admin/sites/T-X', { method: 'PUT', json: body })).status).toBe(401);
    const short = await t.api('/api/v1/admin/sites/T-X', { method: 'PUT', token: admin, json: { ...body, weeklyHours: Array(7).fill({ open: '09:00', close: '09:30' }) } });
    expect(short.status).toBe(400);
    expect(short.body.error.code).toBe('VALIDATION_FAILED');
    expect((await t.api('/api/v1/admin/sites/T-X', { method: 'PUT', token: admin, json: { ...body, weeklyHours: allDay.slice(0, 6) } })).status).toBe(400);
    expect((await t.api('/api/v1/sites/T-X/slots')).status).toBe(404); // nothing half-written
  });

  it('staff are assigned to a site (admin only; unknown site 404)', async () => {
    const staffId = (await t.loginAs('service', 'oSlotsStaff')).user.id;
    expect((await t.api(`/api/v1/admin/site-staff/${staffId}`, { method: 'PUT', token: admin, json: { siteCode: 'SC-SH-MINHANG' } })).status).toBe(200);
    expect(await slots.staffSite(staffId)).toBe('SC-SH-MINHANG');
    expect((await t.api(`/api/v1/admin/site-staff/${staffId}`, { method: 'PUT', token: admin, json: { siteCode: 'NOPE' } })).status).toBe(404);
    expect((await t.api(`/api/v1/admin/site-staff/${staffId}`, { method: 'PUT', token: buyer, json: { siteCode: null } })).status).toBe(403);
    expect((await t.api(`/api/v1/admin/site-staff/${staffId}`, { method: 'PUT', token: admin, json: { siteCode: null } })).status).toBe(200);
    expect(await slots.staffSite(staffId)).toBeNull();
  });
});

describe('booking', () => {
  it('20 concurrent bookings of a capacity-2 slot: exactly 2 succeed, the rest SLOT_FULL', async () => {
    const start = slotAt(3);
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => book({ start, userId: `racer-${i}`, refId: `car-${i}`, key: `race-${i}` })));
    const ok = results.filter((r) => r.status === 'fulfilled');
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).toHaveLength(2);
    expect(failed.map((f) => f.reason.code)).toEqual(Array(18).fill('SLOT_FULL'));
    expect(await t.conn.collection('slot_seats').countDocuments({ siteCode: 'T-CAP2', slotStart: new Date(start) })).toBe(2);
    // Nothing half-written: no booking left behind for the losers.
    expect(await t.conn.collection('slot_bookings').countDocuments({ siteCode: 'T-CAP2', slotStart: new Date(start) })).toBe(2);
    const listed = (await t.api(`/api/v1/sites/T-CAP2/slots?date=${tomorrow}`)).body.slots.find((s: { start: string }) => s.start === start);
    expect(listed.remaining).toBe(0);
  });

  it('is idempotent by key, also when the same request is sent 10 times at once; another request with the key is 409', async () => {
    const start = slotAt(5);
    const same = await Promise.all(Array.from({ length: 10 }, () => book({ start, key: 'same-key-1' })));
    expect(new Set(same.map((r) => r.booking.id)).size).toBe(1);
    expect(same.filter((r) => r.created)).toHaveLength(1);
    expect(await t.conn.collection('slot_seats').countDocuments({ slotStart: new Date(start) })).toBe(1);
    await expect(book({ start: slotAt(6), key: 'same-key-1' })).rejects.toMatchObject({ status: 409, code: 'IDEMPOTENCY_KEY_REUSED' });
  });

  it('past, closed, off-grid and too-far slots are refused with their codes; nothing is written', async () => {
    const before = await t.conn.collection('slot_bookings').countDocuments();
    const hourAgo = new Date(Date.now() - 3_600_000);
    hourAgo.setUTCMinutes(0, 0, 0);
    await expect(book({ start: hourAgo.toISOString() })).rejects.toMatchObject({ status: 422, code: 'SLOT_IN_PAST' });
    await expect(book({ siteCode: 'T-CLOSED' })).rejects.toMatchObject({ status: 422, code: 'SLOT_NOT_OFFERED', details: { reason: 'SITE_CLOSED' } });
    await expect(book({ start: new Date(Date.parse(slotAt(10)) + 60_000).toISOString() })).rejects.toMatchObject({ code: 'SLOT_NOT_OFFERED', details: { reason: 'NOT_A_SLOT' } });
    await expect(book({ start: slotAt(24 * 60) })).rejects.toMatchObject({ code: 'SLOT_NOT_OFFERED', details: { reason: 'TOO_FAR_AHEAD' } });
    await expect(book({ siteCode: 'NOPE' })).rejects.toMatchObject({ status: 404 });
    await expect(book({ siteCode: 'SH-JINGAN', siteKind: 'service' })).rejects.toMatchObject({ status: 404 }); // a store is not a service centre
    expect(await t.conn.collection('slot_bookings').countDocuments()).toBe(before);
  });

  it('cancelling frees the seat (repeatable); another user cannot cancel; lists by user and by site', async () => {
    const start = slotAt(8);
    const a = await book({ start, userId: 'alice', key: 'c-a' });
    const b = await book({ start, userId: 'bob', key: 'c-b' });
    await expect(book({ start, userId: 'carol', key: 'c-c' })).rejects.toMatchObject({ code: 'SLOT_FULL' });
    await expect(slots.cancel(a.booking.id, { userId: 'bob' })).rejects.toMatchObject({ status: 404 });
    const cancelled = await slots.cancel(a.booking.id, { userId: 'alice' });
    expect(cancelled.status).toBe('cancelled');
    expect((await slots.cancel(a.booking.id, { userId: 'alice' })).status).toBe('cancelled');
    const c = await book({ start, userId: 'carol', key: 'c-c' });
    expect(c.created).toBe(true);
    expect((await slots.listForUser('alice')).map((x) => [x.id, x.status])).toEqual([[a.booking.id, 'cancelled']]);
    const site = await slots.listForSite('T-CAP2', tomorrow);
    expect(site.filter((x) => x.slotStart === start && x.status === 'booked').map((x) => x.userId).sort()).toEqual(['bob', 'carol']);
    expect(c.booking.slotLabel).toMatch(/^\d+月\d+日 周. 08:00–09:00$/);
    expect(b.booking.refId).toBe('car-1');
    expect(await slots.activeForRef('service', 'car-1')).toEqual(expect.arrayContaining([expect.objectContaining({ id: b.booking.id })]));
  });

  it('a booking left pending by a crash is completed by the retry with the same key', async () => {
    const start = slotAt(12);
    await t.conn.collection('slot_bookings').insertOne({
      _id: 'crashed-1' as never, idemKey: 'crash-key', requestHash: 'x', userId: 'u1', siteCode: 'T-CAP2', date: tomorrow,
      slotStart: new Date(start), slotEnd: new Date(Date.parse(start) + 3_600_000), purpose: 'service', refId: 'car-1', note: null, status: 'pending', seatId: '-',
      createdAt: new Date(), updatedAt: new Date(),
    });
    // A different request with that key is still refused.
    await expect(book({ start, key: 'crash-key' })).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    await t.conn.collection('slot_bookings').deleteOne({ _id: 'crashed-1' as never });
    const first = await book({ start, key: 'crash-key-2' });
    await t.conn.collection('slot_bookings').updateOne({ _id: first.booking.id as never }, { $set: { status: 'pending' } });
    const retried = await book({ start, key: 'crash-key-2' });
    expect(retried.booking.id).toBe(first.booking.id);
    expect(retried.booking.status).toBe('booked');
    expect(await t.conn.collection('slot_seats').countDocuments({ bookingId: first.booking.id })).toBe(1);
  });
});
