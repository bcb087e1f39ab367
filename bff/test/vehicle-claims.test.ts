import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, shanghaiDate, vinCheckDigit } from '@carmall/shared-types';
import type { DmsSoldVehicle } from '@carmall/simulators';
import { seedDemoSites } from '../src/seed/sites';
import { startTestApp } from './helpers';

/**
 * 添加我的车 (POST /me/vehicles) against the real BFF, FerretDB, Redis, the SMS simulator (logins
 * with a verified phone) and the DMS simulator (seeded with sold cars through /__sim/dms/vehicles).
 */
const LIMIT = 8;
const t = await startTestApp('vehicle_claims', { RATE_LIMIT_VEHICLE_CLAIMS_PER_USER_PER_DAY: String(LIMIT) });
afterAll(() => t.close());

let serial = 0;
/** A China-market VIN with its real check digit (LLY… is this test's made-up maker code). */
const newVin = (model = 'S5A1') => {
  const s = `LLY${model}R0RS${String(++serial).padStart(6, '0')}`;
  return s.slice(0, 8) + vinCheckDigit(s)! + s.slice(9);
};
const sold = (vin: string, mobile: string, over: Partial<DmsSoldVehicle> = {}): DmsSoldVehicle => ({
  vin,
  modelCode: 'yuanshan-s5',
  modelName: '远山 S5',
  trimCode: 'S5_520_RWD',
  trimName: '520 长续航后驱版',
  energyType: 'bev',
  colour: { code: 'PAINT_LAKE_BLUE', name: '澜湖蓝' },
  soldAt: '2024-05-18T03:20:00.000Z',
  deliveredAt: '2024-05-25T02:00:00.000Z',
  dealer: { code: 'D-SH-0021', name: '远山汽车 上海浦东授权经销商' },
  owner: { mobile },
  ...over,
});
async function seedDms(...cars: DmsSoldVehicle[]) {
  const res = await fetch(`${t.dms.url}/__sim/dms/vehicles`, { method: 'POST', body: JSON.stringify({ vehicles: cars }) });
  expect(res.status).toBe(200);
}
const lookups = async (vin: string) =>
  ((await (await fetch(`${t.dms.url}/__sim/dms/vehicles`)).json()) as { vehicles: Array<{ vin: string; lookups: number }> }).vehicles.find((v) => v.vin === vin)?.lookups ?? 0;

/** A user signed in on H5 with this phone (so it is their verified phone). */
async function phoneUser(phone: string) {
  expect((await t.api('/api/v1/auth/sms/send', { method: 'POST', json: { phone } })).status).toBe(200);
  const res = await t.api('/api/v1/auth/sms/login', { method: 'POST', json: { phone, code: await t.smsCode(phone) } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return { token: res.body.accessToken as string, id: res.body.user.id as string };
}
const claim = (token: string, json: unknown, key: string | null = randomUUID()) =>
  t.api('/api/v1/me/vehicles', { method: 'POST', token, json, headers: key ? { 'idempotency-key': key } : {} });
const garageVins = async (token: string) => ((await t.api('/api/v1/me/vehicles', { token })).body.items as Array<{ vin: string }>).map((v) => v.vin);
const stored = (vin: string) => t.conn.collection('vehicles').countDocuments({ vin });
const codeOf = (r: { status: number; body: any }) => [r.status, r.body?.error?.code];

let admin: string;
let staff: string;
beforeAll(async () => {
  await t.seed();
  await seedDemoSites(t.conn);
  admin = (await t.loginAs('admin', 'oVcAdmin')).token;
  staff = (await t.loginAs('service', 'oVcStaff')).token;
  const allDay = Array.from({ length: 7 }, () => ({ open: '00:00', close: '23:00' }));
  const site = { name: '测试服务中心', city: '上海', kind: 'service', address: '上海市测试路 1 号', weeklyHours: allDay, slotMinutes: 60, capacity: 2 };
  expect((await t.api('/api/v1/admin/sites/T-VC1', { method: 'PUT', token: admin, json: site })).status).toBe(200);
});

describe('POST /me/vehicles', () => {
  it('the DMS owner’s phone is mine: the car is added at once (typed loosely, with a new-energy plate), audited, and can be booked for service', async () => {
    const owner = await phoneUser('13800138000');
    const vin = newVin();
    await seedDms(sold(vin, '13800138000'));
    const typed = ` ${vin.slice(0, 8).toLowerCase()} ${vin.slice(8)} `;
    const res = await claim(owner.token, { vin: typed, plate: '沪A·D12345' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      vin,
      source: 'dms_claim',
      modelCode: 'yuanshan-s5',
      modelName: '远山 S5',
      trimCode: 'S5_520_RWD',
      energyType: 'bev',
      orderNo: null,
      plate: '沪AD12345',
      colourName: '澜湖蓝',
      dealerName: '远山汽车 上海浦东授权经销商',
      deliveredAt: '2024-05-25T02:00:00.000Z',
      deliveredOn: '2024-05-25',
      odometerKm: 0,
      lastService: null,
    });
    expect(res.body.health.service.reason).toEqual(expect.any(String));
    expect(JSON.stringify(res.body)).not.toContain('13800138000');
    // In 我的车库 like a car delivered through the app, and in the audit log (no phone in it).
    expect(await garageVins(owner.token)).toEqual([vin]);
    expect((await t.api(`/api/v1/me/vehicles/${res.body.id}`, { token: owner.token })).body).toMatchObject({ id: res.body.id, source: 'dms_claim' });
    const audit = await t.api(`/api/v1/admin/audit?targetId=${res.body.id}`, { token: admin });
    expect(audit.body.items).toEqual([expect.objectContaining({ action: 'vehicle.claim', actorId: owner.id, targetType: 'vehicle', after: expect.objectContaining({ vin, dealerCode: 'D-SH-0021', plate: '沪AD12345' }) })]);
    expect(JSON.stringify(audit.body)).not.toContain('13800138000');
    // ...and it can book a service visit.
    const tomorrow = addDays(shanghaiDate(new Date()), 1);
    const slotStart = new Date(Date.parse(`${tomorrow}T10:00:00+08:00`)).toISOString();
    const booking = await t.api('/api/v1/me/service-bookings', { method: 'POST', token: owner.token, headers: { 'idempotency-key': randomUUID() }, json: { vehicleId: res.body.id, siteCode: 'T-VC1', slotStart } });
    expect(booking.status, JSON.stringify(booking.body)).toBe(201);
    expect(booking.body.vehicle).toMatchObject({ id: res.body.id, vin });
  });

  it('a repeat is the same car: the same key, another key, or both at once; the DMS is asked once; the same key for another car is refused', async () => {
    const owner = await phoneUser('13800138002');
    const [vin, other] = [newVin(), newVin()];
    await seedDms(sold(vin, '13800138002'), sold(other, '13800138002'));
    const key = randomUUID();
    const first = await claim(owner.token, { vin }, key);
    expect(first.status).toBe(201);
    const again = await claim(owner.token, { vin }, key);
    expect([again.status, again.body.id]).toEqual([201, first.body.id]);
    const [a, b] = await Promise.all([claim(owner.token, { vin }), claim(owner.token, { vin: vin.toLowerCase() })]);
    expect([a.status, a.body.id, b.status, b.body.id]).toEqual([201, first.body.id, 201, first.body.id]);
    expect(await lookups(vin)).toBe(1);
    expect(await stored(vin)).toBe(1);
    expect(codeOf(await claim(owner.token, { vin: other }, key))).toEqual([409, 'IDEMPOTENCY_KEY_REUSED']);
    expect(await stored(other)).toBe(0);
    // Someone else asking for the same new car at the same moment: the owner gets it, they get the mismatch.
    const third = newVin();
    await seedDms(sold(third, '13800138002'));
    const racer = await phoneUser('13800138003');
    const [mine, theirs] = await Promise.all([claim(owner.token, { vin: third }), claim(racer.token, { vin: third })]);
    expect([mine.status, codeOf(theirs)]).toEqual([201, [409, 'VEHICLE_OWNER_MISMATCH']]);
    expect(await stored(third)).toBe(1);
  });

  it('another phone: 409 VEHICLE_OWNER_MISMATCH with the registered phone masked and what to do; nothing written', async () => {
    const vin = newVin();
    await seedDms(sold(vin, '13912345678'));
    const stranger = await phoneUser('13800138004');
    const res = await claim(stranger.token, { vin, plate: '沪A12345' });
    expect(codeOf(res)).toEqual([409, 'VEHICLE_OWNER_MISMATCH']);
    expect(res.body.error.details).toEqual({ registeredPhone: '139****5678', signedInPhone: 'different' });
    expect(res.body.error.message).toContain('139****5678');
    expect(res.body.error.message).toContain('登录');
    expect(res.body.error.message).toContain('行驶证');
    expect(JSON.stringify(res.body)).not.toContain('13912345678');
    // Signed in with WeChat only (no verified phone): told to bind the registered one.
    const wx = await t.login('oVcNoPhone');
    const none = await claim(wx.token, { vin });
    expect(none.body.error).toMatchObject({ code: 'VEHICLE_OWNER_MISMATCH', details: { registeredPhone: '139****5678', signedInPhone: 'none' } });
    expect(none.body.error.message).toContain('绑定');
    expect(await stored(vin)).toBe(0);
    expect(await garageVins(stranger.token)).toEqual([]);
    expect((await t.api(`/api/v1/admin/audit?action=vehicle.claim&actorId=${stranger.id}`, { token: admin })).body.items).toEqual([]);
  });

  it('an unknown VIN is 404 VEHICLE_NOT_FOUND; a car in someone else’s garage is 409 VEHICLE_ALREADY_CLAIMED (to its DMS owner; others see the mismatch)', async () => {
    const user = await phoneUser('13800138005');
    expect(codeOf(await claim(user.token, { vin: newVin() }))).toEqual([404, 'VEHICLE_NOT_FOUND']);
    // Registered by staff for someone else (e.g. a former owner), while the DMS names this user.
    const vin = newVin();
    await seedDms(sold(vin, '13800138005'));
    const former = await t.login('oVcFormerOwner');
    const reg = await t.api('/api/v1/admin/vehicles', { method: 'POST', token: staff, json: { ownerId: former.user.id, vin, modelCode: 'yuanshan-s5', deliveredAt: '2024-05-25T02:00:00.000Z' } });
    expect(reg.status).toBe(201);
    const res = await claim(user.token, { vin });
    expect(codeOf(res)).toEqual([409, 'VEHICLE_ALREADY_CLAIMED']);
    expect(res.body.error.message).toContain('服务中心');
    expect(codeOf(await claim((await phoneUser('13800138006')).token, { vin }))).toEqual([409, 'VEHICLE_OWNER_MISMATCH']);
    expect(await t.conn.collection('vehicles').findOne({ vin })).toMatchObject({ ownerId: former.user.id, source: 'staff' });
    expect(await garageVins(user.token)).toEqual([]);
  });

  it('a bad VIN, a bad plate, no key: 400 with its code, nothing written and the DMS not asked', async () => {
    const user = await phoneUser('13800138007');
    const vin = newVin();
    await seedDms(sold(vin, '13800138007'));
    const bad = async (json: unknown, key?: null) => {
      const r = await claim(user.token, json, key);
      return [r.status, r.body.error?.code, r.body.error?.details?.reason ?? r.body.error?.details?.field];
    };
    expect(await bad({ vin: vin.slice(0, 16) })).toEqual([400, 'VIN_INVALID', 'LENGTH']);
    expect(await bad({ vin: vin.slice(0, 12) + 'O' + vin.slice(13) })).toEqual([400, 'VIN_INVALID', 'FORBIDDEN_LETTER']);
    const wrongCheck = vin.slice(0, 8) + (vin[8] === '3' ? '4' : '3') + vin.slice(9);
    expect(await bad({ vin: wrongCheck })).toEqual([400, 'VIN_INVALID', 'CHECK_DIGIT']);
    expect(await bad({ vin: '' })).toEqual([400, 'VIN_INVALID', 'EMPTY']);
    expect(await bad({ vin, plate: '沪A1234' })).toEqual([400, 'PLATE_INVALID', 'plate']);
    expect(await bad({ vin, plate: '沪A123456' })).toEqual([400, 'PLATE_INVALID', 'plate']);
    expect(await bad({ vin, plate: 'XA12345' })).toEqual([400, 'PLATE_INVALID', 'plate']);
    expect((await bad({ vin }, null)).slice(0, 2)).toEqual([400, 'IDEMPOTENCY_KEY_REQUIRED']);
    expect((await bad({ vin: 1 })).slice(0, 2)).toEqual([400, 'VALIDATION_FAILED']);
    expect((await bad({ vin, owner: 'me' })).slice(0, 2)).toEqual([400, 'VALIDATION_FAILED']);
    expect(codeOf(await t.api('/api/v1/me/vehicles', { method: 'POST', json: { vin }, headers: { 'idempotency-key': randomUUID() } }))).toEqual([401, 'UNAUTHENTICATED']);
    const r = await claim(user.token, { vin: wrongCheck });
    expect(r.body.error.message).toMatch(/^车架号校验未通过/);
    expect(await lookups(vin)).toBe(0);
    expect(await stored(vin)).toBe(0);
    // An empty plate is no plate.
    const ok = await claim(user.token, { vin, plate: '' });
    expect([ok.status, ok.body.plate]).toEqual([201, null]);
  });

  it('the DMS down: 503 UPSTREAM_UNAVAILABLE with Retry-After and nothing written; the retry adds the car', async () => {
    const owner = await phoneUser('13800138008');
    const vin = newVin();
    await seedDms(sold(vin, '13800138008'));
    await fetch(`${t.dms.url}/__sim/dms/fail`, { method: 'POST', body: JSON.stringify({ times: 1, status: 503 }) });
    const key = randomUUID();
    const down = await claim(owner.token, { vin }, key);
    expect(codeOf(down)).toEqual([503, 'UPSTREAM_UNAVAILABLE']);
    expect(down.headers.get('retry-after')).toBeTruthy();
    expect(await stored(vin)).toBe(0);
    const retry = await claim(owner.token, { vin }, key);
    expect([retry.status, retry.body.vin]).toEqual([201, vin]);
  });

  it('a model the catalog no longer lists keeps the DMS’s name and energy', async () => {
    const owner = await phoneUser('13800138009');
    const vin = newVin('L9A1');
    await seedDms(sold(vin, '13800138009', { modelCode: 'yuanshan-l9-2019', modelName: '远山 L9（2019 款）', trimCode: 'L9_20T', trimName: '2.0T 豪华版', energyType: 'ice' }));
    const res = await claim(owner.token, { vin });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ modelCode: 'yuanshan-l9-2019', modelName: '远山 L9（2019 款）', energyType: 'ice', trimCode: 'L9_20T', health: { battery: null } });
  });

  it('DMS lookups are limited per user per day: 429 RATE_LIMITED with Retry-After (answers from the garage are not counted)', async () => {
    const guesser = await phoneUser('13800138010');
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT; i++) statuses.push((await claim(guesser.token, { vin: newVin() })).status);
    expect(statuses).toEqual(Array(LIMIT).fill(404));
    const vin = newVin();
    await seedDms(sold(vin, '13800138010'));
    const limited = await claim(guesser.token, { vin });
    expect(codeOf(limited)).toEqual([429, 'RATE_LIMITED']);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(3600);
    expect(await lookups(vin)).toBe(0);
    // Another user is not limited by it.
    const other = await phoneUser('13800138011');
    expect((await claim(other.token, { vin: newVin() })).status).toBe(404);
  });
});
