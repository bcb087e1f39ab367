import { createHmac } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_SOLD_VEHICLES, startDmsSimulator, type DmsSoldVehicle } from '../src';

const opts = { keyId: 'carmall-sim', secret: 'sim-dms-secret' };
const sim = await startDmsSimulator({ ...opts, vehicles: DEMO_SOLD_VEHICLES.slice(0, 1) });
afterAll(() => sim.close());

/** A request signed as the DMS's integration spec says: HMAC-SHA256 of "timestamp\nbody". */
async function call(method: string, path: string, body = '', over: { secret?: string; keyId?: string; ts?: number } = {}) {
  const ts = String(over.ts ?? Math.floor(Date.now() / 1000));
  const res = await fetch(sim.url + path, {
    method,
    ...(method === 'POST' ? { body } : {}),
    headers: {
      'content-type': 'application/json',
      'x-dms-key': over.keyId ?? opts.keyId,
      'x-dms-timestamp': ts,
      'x-dms-signature': createHmac('sha256', over.secret ?? opts.secret).update(`${ts}\n${body}`).digest('hex'),
    },
  });
  return { status: res.status, body: (await res.json()) as any };
}
const seed = (vehicles: unknown[], replace = false) => fetch(`${sim.url}/__sim/dms/vehicles`, { method: 'POST', body: JSON.stringify({ vehicles, replace }) });

const car: DmsSoldVehicle = {
  vin: '1HGCM82633A004352',
  modelCode: 'yuanshan-s5',
  modelName: '远山 S5',
  trimCode: 'S5_600_AWD',
  trimName: '600 四驱性能版',
  energyType: 'bev',
  colour: { code: 'PAINT_CARBON_BLACK', name: '碳晶黑' },
  soldAt: '2024-01-02T03:04:05.000Z',
  deliveredAt: '2024-01-09T03:04:05.000Z',
  dealer: { code: 'D-HZ-0001', name: '远山汽车 杭州西湖授权经销商' },
  owner: { mobile: '13800138000' },
};

describe('dms simulator: vehicle master data', () => {
  it('answers a sold car by VIN (seeded at start), signed like order intake', async () => {
    const r = await call('GET', `/dms/v1/vehicles/${DEMO_SOLD_VEHICLES[0].vin}`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual(DEMO_SOLD_VEHICLES[0]);
  });

  it('unknown VIN 404 VEHICLE_NOT_FOUND; not a VIN 400 INVALID_PAYLOAD', async () => {
    expect(await call('GET', '/dms/v1/vehicles/5GZCZ43D13S812715')).toMatchObject({ status: 404, body: { code: 'VEHICLE_NOT_FOUND' } });
    expect(await call('GET', '/dms/v1/vehicles/LLYS5A1R5RS1O0001')).toMatchObject({ status: 400, body: { code: 'INVALID_PAYLOAD' } });
    expect(await call('GET', '/dms/v1/vehicles/%E0%A4%A')).toMatchObject({ status: 400, body: { code: 'INVALID_PAYLOAD' } });
  });

  it('refuses unsigned, wrongly signed and stale requests (401 SIGNATURE_INVALID)', async () => {
    const path = `/dms/v1/vehicles/${DEMO_SOLD_VEHICLES[0].vin}`;
    expect((await fetch(sim.url + path)).status).toBe(401);
    expect(await call('GET', path, '', { secret: 'wrong' })).toMatchObject({ status: 401, body: { code: 'SIGNATURE_INVALID' } });
    expect(await call('GET', path, '', { keyId: 'someone-else' })).toMatchObject({ status: 401 });
    expect(await call('GET', path, '', { ts: Math.floor(Date.now() / 1000) - 600 })).toMatchObject({ status: 401 });
  });

  it('is seeded through /__sim/dms/vehicles (added, replaced, checked) and counts lookups', async () => {
    expect((await seed([car])).status).toBe(200);
    expect((await call('GET', `/dms/v1/vehicles/${car.vin}`)).body).toMatchObject({ vin: car.vin, owner: { mobile: '13800138000' }, dealer: { code: 'D-HZ-0001' } });
    const listed = (await (await fetch(`${sim.url}/__sim/dms/vehicles`)).json()) as { vehicles: Array<DmsSoldVehicle & { lookups: number }> };
    expect(listed.vehicles.map((v) => [v.vin, v.lookups])).toEqual([
      [DEMO_SOLD_VEHICLES[0].vin, 1],
      [car.vin, 1],
    ]);
    // A bad record is refused whole, naming what is wrong.
    const bad = await seed([{ ...car, vin: 'LLYE7C3A6PS200003' }, { ...car, owner: { mobile: '12345' } }]);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toContain('owner.mobile');
    expect((await call('GET', '/dms/v1/vehicles/LLYE7C3A6PS200003')).status).toBe(404);
    expect((await seed([], true)).status).toBe(200);
    expect((await call('GET', `/dms/v1/vehicles/${car.vin}`)).status).toBe(404);
    await expect(startDmsSimulator({ ...opts, vehicles: [{ ...car, energyType: 'diesel' as 'ice' }] })).rejects.toThrow(/energyType/);
  });

  it('a maintenance window (/__sim/dms/fail) answers 503 DMS_MAINTENANCE, then recovers', async () => {
    await seed([car]);
    await fetch(`${sim.url}/__sim/dms/fail`, { method: 'POST', body: JSON.stringify({ times: 1, status: 503 }) });
    expect(await call('GET', `/dms/v1/vehicles/${car.vin}`)).toMatchObject({ status: 503, body: { code: 'DMS_MAINTENANCE' } });
    expect((await call('GET', `/dms/v1/vehicles/${car.vin}`)).status).toBe(200);
  });

  it('demo cars carry valid VINs and the demo owners’ phones', () => {
    expect(DEMO_SOLD_VEHICLES.map((v) => v.owner.mobile)).toEqual(['13800138000', '13800138000', '13700137000', '13800138001']);
    expect(new Set(DEMO_SOLD_VEHICLES.map((v) => v.vin)).size).toBe(DEMO_SOLD_VEHICLES.length);
  });
});

describe('dms simulator: order intake', () => {
  it('creates an order once (201), answers the same record after (200), 409 for other content', async () => {
    const order = JSON.stringify({ orderNo: 'CM-SIM-1', dealerCode: 'D-SH-0021', vehicle: { modelCode: 'yuanshan-s5', trimCode: 'S5_520_RWD', options: [] }, priceFen: 18_980_000, depositFen: 500_000, lockedAt: new Date().toISOString() });
    const first = await call('POST', '/dms/v1/orders', order);
    expect(first.status).toBe(201);
    expect((await call('POST', '/dms/v1/orders', order)).body.dmsOrderId).toBe(first.body.dmsOrderId);
    expect((await call('POST', '/dms/v1/orders', order.replace('18980000', '18980001'))).body.code).toBe('ORDER_CONFLICT');
    expect((await call('GET', '/dms/v1/orders/CM-SIM-1')).body.status).toBe('RECEIVED');
  });
});
