import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vinCheckDigit } from '@carmall/shared-types';
import { startTestApp } from './helpers';

/** GET /admin/vehicles, the staff console's 车辆: search, filter, paging, masking, roles. Real BFF, database and Redis. */
const t = await startTestApp('admin_vehicles');
afterAll(() => t.close());

const vin = (serial: string) => {
  const s = `LLYS5A1R0RS${serial}`;
  return s.slice(0, 8) + vinCheckDigit(s)! + s.slice(9);
};
const OWNER_PHONE = '13900007777';
let staff: string;
let buyer: string;
let ownerId: string;
const cars: Record<string, string> = {};
const list = (query: string, token = staff) => t.api(`/api/v1/admin/vehicles${query}`, { token });

beforeAll(async () => {
  await t.seed();
  staff = (await t.loginAs(['service'], 'oVehStaff')).token;
  const owner = await t.login('oVehOwner');
  buyer = owner.token;
  ownerId = owner.user.id;
  await t.api('/api/v1/auth/sms/send', { method: 'POST', json: { phone: OWNER_PHONE } });
  expect((await t.api('/api/v1/me/phone', { method: 'POST', token: buyer, json: { phone: OWNER_PHONE, code: await t.smsCode(OWNER_PHONE) } })).status).toBe(200);
  const other = await t.login('oVehOther');
  for (const [key, serial, who, days] of [['a', '700001', ownerId, 400], ['b', '700002', ownerId, 30], ['c', '700003', other.user.id, 10]] as const) {
    cars[key] = vin(serial);
    const r = await t.api('/api/v1/admin/vehicles', { method: 'POST', token: staff, json: { ownerId: who, vin: cars[key], modelCode: 'yuanshan-s5', deliveredAt: new Date(Date.now() - days * 86_400_000).toISOString() } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  }
  // Car a drove a lot: its summary (the list's service column) says a service is due.
  const reports = [0, 1].map((i) => ({ reportId: `veh-a-${i}-0001`, vin: cars.a, at: new Date(Date.now() - (1 - i) * 86_400_000).toISOString(), odometerKm: 29_000 + i * 100, batterySohPct: 93.5 }));
  expect((await t.api('/api/v1/admin/vehicles/usage-reports', { method: 'POST', token: staff, json: { reports } })).body).toMatchObject({ accepted: 2 });
});

describe('GET /admin/vehicles', () => {
  it('lists every car, newest delivery first, owners masked, each with its predicted service', async () => {
    const r = await list('');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ total: 3, page: 1, search: 'none' });
    expect(r.body.items.map((v: { vin: string }) => v.vin)).toEqual([cars.c, cars.b, cars.a]);
    const a = r.body.items[2];
    expect(a.owner.phone).toBe('139****7777');
    expect(a.service).toMatchObject({ status: expect.stringMatching(/^(due_soon|overdue)$/), odometerKm: 29_100, batterySohPct: 93.5 });
    // A car just delivered, without reports: predicted from its delivery, nothing due.
    expect(r.body.items[0].service).toMatchObject({ status: 'ok', odometerKm: 0 });
    expect(JSON.stringify(r.body)).not.toContain(OWNER_PHONE);
  });

  it("finds by the owner's whole phone, the whole VIN or its last 6; part of a phone is a clear 400", async () => {
    expect((await list(`?q=${OWNER_PHONE}`)).body).toMatchObject({ total: 2, search: 'phone' });
    expect((await list(`?q=${cars.c.toLowerCase()}`)).body).toMatchObject({ total: 1, search: 'vin', items: [{ vin: cars.c }] });
    expect((await list(`?q=${cars.b.slice(-6)}`)).body).toMatchObject({ total: 1, search: 'vin_suffix', items: [{ vin: cars.b }] });
    expect((await list('?q=13900000000')).body).toMatchObject({ total: 0, items: [] });
    const part = await list('?q=1390000');
    expect(part.status).toBe(400);
    expect(part.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('filters by service status and pages', async () => {
    const due = (await list(`?serviceStatus=${(await list('')).body.items[2].service.status}`)).body;
    expect(due.items.map((v: { vin: string }) => v.vin)).toEqual([cars.a]);
    const page2 = (await list('?pageSize=2&page=2')).body;
    expect(page2).toMatchObject({ total: 3, page: 2, pageSize: 2 });
    expect(page2.items.map((v: { vin: string }) => v.vin)).toEqual([cars.a]);
    expect((await list('?serviceStatus=bad')).status).toBe(400);
  });

  it('is for service staff and admins only', async () => {
    expect((await list('', buyer)).status).toBe(403);
    expect((await t.api('/api/v1/admin/vehicles')).status).toBe(401);
  });
});
