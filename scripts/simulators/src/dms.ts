import { createHmac, timingSafeEqual } from 'node:crypto';
import { readBody, sendJson, startSimulator, type RunningSimulator } from './server';

/**
 * The brand's DMS/ERP order intake, as its integration spec describes it: JSON over HTTPS with an
 * HMAC-SHA256 signature of "timestamp\nbody" under the shared secret (headers X-Dms-Key,
 * X-Dms-Timestamp, X-Dms-Signature, 5-minute window). Creating an order is idempotent by orderNo
 * (201 first time, 200 with the same record after). Errors: 401 SIGNATURE_INVALID, 400
 * INVALID_PAYLOAD, 409 ORDER_CONFLICT (same orderNo, different content), 503 DMS_MAINTENANCE.
 *
 *   POST /dms/v1/orders              { orderNo, dealerCode, vehicle: { modelCode, trimCode, options[] }, priceFen, depositFen, lockedAt }
 *   GET  /dms/v1/orders/{orderNo}
 *
 * The vehicle master data: every car the brand sold, through any dealer (VIN, model and trim,
 * colour, sale and delivery dates, the selling dealer, the registered owner's mobile number), signed
 * the same way (the body of a GET is empty: the signature is over "timestamp\n"):
 *   GET  /dms/v1/vehicles/{vin}      -> 200 DmsSoldVehicle, 404 VEHICLE_NOT_FOUND, 400 INVALID_PAYLOAD (not a 17-character VIN)
 *
 * Test controls: POST /__sim/dms/fail { times, status } (any signed request), GET /__sim/dms/orders
 * (with how often each was received), POST /__sim/dms/vehicles { vehicles: DmsSoldVehicle[],
 * replace?: boolean } (seed sold cars; 400 INVALID_PAYLOAD naming a bad one), GET /__sim/dms/vehicles
 * (with how often each was looked up).
 */
export interface DmsSimulatorOptions {
  keyId: string;
  secret: string;
  port?: number;
  /** Sold cars the DMS knows from the start (more can be seeded at /__sim/dms/vehicles). */
  vehicles?: DmsSoldVehicle[];
}

/** One car in the DMS's vehicle master data. */
export interface DmsSoldVehicle {
  vin: string;
  modelCode: string;
  modelName: string;
  trimCode: string;
  trimName: string;
  energyType: 'bev' | 'phev' | 'ice';
  colour: { code: string; name: string };
  /** When the sale was invoiced, and when the car was handed over (ISO 8601). */
  soldAt: string;
  deliveredAt: string;
  dealer: { code: string; name: string };
  /** The registered owner as the dealer recorded them at the sale: the mobile number only. */
  owner: { mobile: string };
}

const VIN_RE = /^[A-HJ-NPR-Z0-9]{17}$/;

/** What makes a seeded car unusable, or null. */
function problemOf(v: Partial<DmsSoldVehicle> | null): string | null {
  if (!v || typeof v !== 'object') return 'not an object';
  if (typeof v.vin !== 'string' || !VIN_RE.test(v.vin)) return `vin ${JSON.stringify(v.vin)} is not 17 VIN characters`;
  for (const k of ['modelCode', 'modelName', 'trimCode', 'trimName'] as const) if (typeof v[k] !== 'string' || !v[k]) return `${v.vin}: ${k} is required`;
  if (!['bev', 'phev', 'ice'].includes(v.energyType as string)) return `${v.vin}: energyType must be bev, phev or ice`;
  if (typeof v.colour?.code !== 'string' || typeof v.colour?.name !== 'string') return `${v.vin}: colour { code, name } is required`;
  if (typeof v.dealer?.code !== 'string' || typeof v.dealer?.name !== 'string') return `${v.vin}: dealer { code, name } is required`;
  for (const k of ['soldAt', 'deliveredAt'] as const) if (typeof v[k] !== 'string' || Number.isNaN(Date.parse(v[k]!))) return `${v.vin}: ${k} must be an ISO date-time`;
  if (typeof v.owner?.mobile !== 'string' || !/^1[3-9]\d{9}$/.test(v.owner.mobile)) return `${v.vin}: owner.mobile must be a mainland mobile number`;
  return null;
}

/**
 * The demo's sold cars (`pnpm start`): bought at dealers before the app existed. The first two
 * belong to 13800138000 and the fourth to 13800138001 — log in on H5 with either (the code is at
 * the SMS simulator's /__sim/sms/last?phone=…) and add them in 我的车库 → 添加我的车; the third
 * is registered to 13700137000, so adding it as anyone else shows the owner-mismatch advice. VINs
 * carry their real check digits.
 */
export const DEMO_SOLD_VEHICLES: DmsSoldVehicle[] = [
  {
    vin: 'LLYS5A1R5RS100001',
    modelCode: 'yuanshan-s5',
    modelName: '远山 S5',
    trimCode: 'S5_520_RWD',
    trimName: '520 长续航后驱版',
    energyType: 'bev',
    colour: { code: 'PAINT_LAKE_BLUE', name: '澜湖蓝' },
    soldAt: '2024-05-18T03:20:00.000Z',
    deliveredAt: '2024-05-25T02:00:00.000Z',
    dealer: { code: 'D-SH-0021', name: '远山汽车 上海浦东授权经销商' },
    owner: { mobile: '13800138000' },
  },
  {
    vin: 'LLYE7C3A6PS200003',
    modelCode: 'changfeng-e7',
    modelName: '长风 E7',
    trimCode: 'E7_650_AWD',
    trimName: '650 四驱性能版',
    energyType: 'bev',
    colour: { code: 'PAINT_NEBULA_GREY', name: '星云灰' },
    soldAt: '2023-09-02T06:45:00.000Z',
    deliveredAt: '2023-09-09T01:30:00.000Z',
    dealer: { code: 'D-BJ-0007', name: '远山汽车 北京朝阳授权经销商' },
    owner: { mobile: '13800138000' },
  },
  {
    vin: 'LLYS6P2A2RS300004',
    modelCode: 'yuanshan-s6-phev',
    modelName: '远山 S6 超级混动',
    trimCode: 'S6P_120',
    trimName: '120km 领先版',
    energyType: 'phev',
    colour: { code: 'PAINT_SILVER', name: '星河银' },
    soldAt: '2024-11-30T08:10:00.000Z',
    deliveredAt: '2024-12-06T03:00:00.000Z',
    dealer: { code: 'D-GZ-0003', name: '远山汽车 广州天河授权经销商' },
    owner: { mobile: '13700137000' },
  },
  {
    vin: 'LLYX4A1A8RS400005',
    modelCode: 'yuanshan-x4',
    modelName: '远山 X4',
    trimCode: 'X4_15T_LUX',
    trimName: '1.5T 两驱豪华版',
    energyType: 'ice',
    colour: { code: 'PAINT_LAVA_ORANGE', name: '熔岩橙' },
    soldAt: '2024-03-09T02:00:00.000Z',
    deliveredAt: '2024-03-16T02:00:00.000Z',
    dealer: { code: 'D-SH-0021', name: '远山汽车 上海浦东授权经销商' },
    owner: { mobile: '13800138001' },
  },
];

export async function startDmsSimulator(opts: DmsSimulatorOptions): Promise<RunningSimulator> {
  const orders = new Map<string, { body: string; record: Record<string, unknown>; received: number }>();
  let fault: { times: number; status: number } | null = null;
  const vehicles = new Map<string, { record: DmsSoldVehicle; lookups: number }>();
  for (const v of opts.vehicles ?? []) {
    const problem = problemOf(v);
    if (problem) throw new Error(`DMS simulator: ${problem}`);
    vehicles.set(v.vin, { record: structuredClone(v), lookups: 0 });
  }

  return startSimulator(
    'dms',
    async (req, res, url) => {
      if (url.pathname === '/__sim/dms/fail') {
        fault = JSON.parse(await readBody(req));
        return sendJson(res, 200, { ok: true });
      }
      if (url.pathname === '/__sim/dms/orders') {
        return sendJson(res, 200, { orders: [...orders.values()].map((o) => ({ ...o.record, received: o.received })) });
      }
      if (url.pathname === '/__sim/dms/vehicles') {
        if (req.method === 'GET') return sendJson(res, 200, { vehicles: [...vehicles.values()].map((v) => ({ ...v.record, lookups: v.lookups })) });
        let body: { vehicles?: unknown; replace?: unknown };
        try {
          body = JSON.parse(await readBody(req));
        } catch {
          return sendJson(res, 400, { code: 'INVALID_PAYLOAD', message: 'not JSON' });
        }
        if (!Array.isArray(body.vehicles)) return sendJson(res, 400, { code: 'INVALID_PAYLOAD', message: 'vehicles must be an array' });
        const problem = body.vehicles.map((v) => problemOf(v as DmsSoldVehicle)).find(Boolean);
        if (problem) return sendJson(res, 400, { code: 'INVALID_PAYLOAD', message: problem });
        if (body.replace === true) vehicles.clear();
        for (const v of body.vehicles as DmsSoldVehicle[]) vehicles.set(v.vin, { record: structuredClone(v), lookups: vehicles.get(v.vin)?.lookups ?? 0 });
        return sendJson(res, 200, { ok: true, count: vehicles.size });
      }
      const raw = req.method === 'POST' ? await readBody(req) : '';
      const ts = String(req.headers['x-dms-timestamp'] ?? '');
      const sig = Buffer.from(String(req.headers['x-dms-signature'] ?? ''), 'hex');
      const expected = createHmac('sha256', opts.secret).update(`${ts}\n${raw}`).digest();
      if (req.headers['x-dms-key'] !== opts.keyId || sig.length !== expected.length || !timingSafeEqual(sig, expected) || Math.abs(Date.now() / 1000 - Number(ts)) > 300) {
        return sendJson(res, 401, { code: 'SIGNATURE_INVALID', message: 'signature check failed' });
      }
      if (fault && fault.times > 0) {
        fault.times -= 1;
        return sendJson(res, fault.status, { code: 'DMS_MAINTENANCE', message: 'maintenance' });
      }
      if (req.method === 'POST' && url.pathname === '/dms/v1/orders') {
        let body: any;
        try {
          body = JSON.parse(raw);
        } catch {
          return sendJson(res, 400, { code: 'INVALID_PAYLOAD', message: 'not JSON' });
        }
        if (typeof body.orderNo !== 'string' || typeof body.vehicle?.trimCode !== 'string' || !Number.isInteger(body.priceFen)) {
          return sendJson(res, 400, { code: 'INVALID_PAYLOAD', message: 'orderNo, vehicle.trimCode and integer priceFen are required' });
        }
        const existing = orders.get(body.orderNo);
        if (existing) {
          existing.received += 1;
          if (existing.body !== raw) return sendJson(res, 409, { code: 'ORDER_CONFLICT', message: 'orderNo exists with other content' });
          return sendJson(res, 200, existing.record);
        }
        const record = { ...body, dmsOrderId: `DMS${orders.size + 100001}`, status: 'RECEIVED' };
        orders.set(body.orderNo, { body: raw, record, received: 1 });
        return sendJson(res, 201, record);
      }
      const vm = /^\/dms\/v1\/vehicles\/([^/]+)$/.exec(url.pathname);
      if (req.method === 'GET' && vm) {
        let vin = '';
        try {
          vin = decodeURIComponent(vm[1]);
        } catch {
          /* malformed escape: not a VIN either */
        }
        if (!VIN_RE.test(vin)) return sendJson(res, 400, { code: 'INVALID_PAYLOAD', message: 'not a 17-character VIN' });
        const v = vehicles.get(vin);
        if (!v) return sendJson(res, 404, { code: 'VEHICLE_NOT_FOUND', message: 'no vehicle with this VIN' });
        v.lookups += 1;
        return sendJson(res, 200, v.record);
      }
      const m = /^\/dms\/v1\/orders\/([^/]+)$/.exec(url.pathname);
      if (req.method === 'GET' && m) {
        const o = orders.get(decodeURIComponent(m[1]));
        return o ? sendJson(res, 200, o.record) : sendJson(res, 404, { code: 'NOT_FOUND', message: 'no such order' });
      }
      sendJson(res, 404, { code: 'NOT_FOUND', message: 'unknown path' });
    },
    opts.port,
  );
}
