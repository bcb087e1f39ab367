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
 * Test controls: POST /__sim/dms/fail { times, status }, GET /__sim/dms/orders (with how often each was received).
 */
export interface DmsSimulatorOptions {
  keyId: string;
  secret: string;
  port?: number;
}

export async function startDmsSimulator(opts: DmsSimulatorOptions): Promise<RunningSimulator> {
  const orders = new Map<string, { body: string; record: Record<string, unknown>; received: number }>();
  let fault: { times: number; status: number } | null = null;

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
