import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../../infra/errors';

/**
 * Adapter for the brand's DMS/ERP (DMS_API_BASE): JSON, signed with HMAC-SHA256 over
 * "timestamp\nbody" (X-Dms-Key / X-Dms-Timestamp / X-Dms-Signature; a GET signs an empty body).
 * Order intake (idempotent by orderNo) and the vehicle master data (every car the brand sold).
 */
export interface DmsOrderPayload {
  orderNo: string;
  dealerCode: string;
  vehicle: { modelCode: string; trimCode: string; options: string[] };
  priceFen: number;
  depositFen: number;
  lockedAt: string;
}

import type { OutboxSender } from '../orders/outbox';
import { OutboxPermanentError } from '../orders/outbox';

/** A car as the DMS's vehicle master data has it (what `vehicleByVin` answers, checked). */
const dmsVehicleSchema = z.object({
  vin: z.string(),
  modelCode: z.string().min(1),
  modelName: z.string().min(1),
  trimCode: z.string().min(1),
  trimName: z.string(),
  energyType: z.enum(['bev', 'phev', 'ice']),
  colour: z.object({ code: z.string(), name: z.string() }),
  soldAt: z.iso.datetime({ offset: true }),
  deliveredAt: z.iso.datetime({ offset: true }).optional(),
  dealer: z.object({ code: z.string(), name: z.string() }),
  owner: z.object({ mobile: z.string() }),
});
export type DmsVehicle = z.infer<typeof dmsVehicleSchema>;

export class DmsClient {
  constructor(private readonly cfg: { baseUrl: string; keyId: string; secret: string; timeoutMs: number }) {}

  /** A signed request; a DMS that cannot be reached (or does not answer in time) is 503 UPSTREAM_UNAVAILABLE. */
  private async send(method: 'GET' | 'POST', path: string, body = ''): Promise<Response> {
    const ts = String(Math.floor(Date.now() / 1000));
    try {
      return await fetch(new URL(path, this.cfg.baseUrl), {
        method,
        ...(method === 'POST' ? { body } : {}),
        headers: {
          ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
          'x-dms-key': this.cfg.keyId,
          'x-dms-timestamp': ts,
          'x-dms-signature': createHmac('sha256', this.cfg.secret).update(`${ts}\n${body}`).digest('hex'),
        },
        signal: AbortSignal.timeout(this.cfg.timeoutMs),
      });
    } catch (err) {
      throw new AppError(503, 'UPSTREAM_UNAVAILABLE', 'DMS 暂不可用', { cause: (err as Error).name });
    }
  }

  async pushOrder(payload: DmsOrderPayload): Promise<{ dmsOrderId: string }> {
    const res = await this.send('POST', '/dms/v1/orders', JSON.stringify(payload));
    const answer = (await res.json().catch(() => ({}))) as { dmsOrderId?: string; code?: string; message?: string };
    if (res.ok && answer.dmsOrderId) return { dmsOrderId: answer.dmsOrderId };
    // A refusal that retrying cannot fix: the outbox entry is parked for a person to look at.
    if (res.status === 400 || res.status === 409) throw new OutboxPermanentError(`${answer.code}: ${answer.message}`);
    throw new AppError(503, 'UPSTREAM_UNAVAILABLE', 'DMS 暂不可用', { status: res.status, code: answer.code });
  }

  /**
   * The DMS's record of a sold car (`GET /dms/v1/vehicles/:vin`), or null when it sold no car with
   * this VIN. Anything else (down, maintenance, a refused signature, an answer not in the agreed
   * shape) is 503 UPSTREAM_UNAVAILABLE: the buyer can only try again later.
   */
  async vehicleByVin(vin: string): Promise<DmsVehicle | null> {
    const res = await this.send('GET', `/dms/v1/vehicles/${encodeURIComponent(vin)}`);
    const answer = (await res.json().catch(() => null)) as { code?: string } | null;
    if (res.status === 404 && answer?.code === 'VEHICLE_NOT_FOUND') return null;
    if (res.ok) {
      const parsed = dmsVehicleSchema.safeParse(answer);
      if (parsed.success && parsed.data.vin === vin) return parsed.data;
      throw new AppError(503, 'UPSTREAM_UNAVAILABLE', 'DMS 暂不可用', { status: res.status, code: 'UNEXPECTED_ANSWER' });
    }
    throw new AppError(503, 'UPSTREAM_UNAVAILABLE', 'DMS 暂不可用', { status: res.status, code: answer?.code });
  }
}

/** The outbox sender for locked orders. */
export function dmsOrderSender(dms: DmsClient, dealerCode: string): OutboxSender {
  return async (order, entry) => {
    const { dmsOrderId } = await dms.pushOrder({
      orderNo: order.orderNo,
      dealerCode,
      vehicle: { modelCode: order.modelCode, trimCode: order.trimCode, options: order.config.selected },
      priceFen: order.totalFen,
      depositFen: order.depositFen,
      lockedAt: new Date(entry.createdAt).toISOString(),
    });
    return { ref: dmsOrderId };
  };
}
