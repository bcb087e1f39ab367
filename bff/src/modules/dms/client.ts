import { createHmac } from 'node:crypto';
import { AppError } from '../../infra/errors';

/**
 * Adapter for the brand's DMS/ERP order intake (DMS_API_BASE): JSON, signed with HMAC-SHA256
 * over "timestamp\nbody" (X-Dms-Key / X-Dms-Timestamp / X-Dms-Signature), idempotent by orderNo.
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

export class DmsClient {
  constructor(private readonly cfg: { baseUrl: string; keyId: string; secret: string; timeoutMs: number }) {}

  async pushOrder(payload: DmsOrderPayload): Promise<{ dmsOrderId: string }> {
    const body = JSON.stringify(payload);
    const ts = String(Math.floor(Date.now() / 1000));
    let res: Response;
    try {
      res = await fetch(new URL('/dms/v1/orders', this.cfg.baseUrl), {
        method: 'POST',
        body,
        headers: {
          'content-type': 'application/json',
          'x-dms-key': this.cfg.keyId,
          'x-dms-timestamp': ts,
          'x-dms-signature': createHmac('sha256', this.cfg.secret).update(`${ts}\n${body}`).digest('hex'),
        },
        signal: AbortSignal.timeout(this.cfg.timeoutMs),
      });
    } catch (err) {
      throw new AppError(503, 'UPSTREAM_UNAVAILABLE', 'DMS 暂不可用', { cause: (err as Error).name });
    }
    const answer = (await res.json().catch(() => ({}))) as { dmsOrderId?: string; code?: string; message?: string };
    if (res.ok && answer.dmsOrderId) return { dmsOrderId: answer.dmsOrderId };
    // A refusal that retrying cannot fix: the outbox entry is parked for a person to look at.
    if (res.status === 400 || res.status === 409) throw new OutboxPermanentError(`${answer.code}: ${answer.message}`);
    throw new AppError(503, 'UPSTREAM_UNAVAILABLE', 'DMS 暂不可用', { status: res.status, code: answer.code });
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
