import { createHmac } from 'node:crypto';
import { AppError } from '../../infra/errors';

/**
 * Adapter for the carrier's TMS (TMS_API_BASE): JSON, requests signed with HMAC-SHA256 over
 * "timestamp\nbody" (X-Tms-Key / X-Tms-Timestamp / X-Tms-Signature), shipments idempotent by
 * orderNo. Position reports and milestones come back through our webhook (routes.ts).
 */
export interface TmsShipment {
  shipmentNo: string;
  orderNo: string;
  vin: string;
  destination: string;
  status: string;
}

export class TmsClient {
  constructor(private readonly cfg: { baseUrl: string; keyId: string; secret: string; timeoutMs: number }) {}

  private async call<T>(method: 'GET' | 'POST', path: string, payload?: unknown): Promise<T> {
    const body = payload === undefined ? '' : JSON.stringify(payload);
    const ts = String(Math.floor(Date.now() / 1000));
    let res: Response;
    try {
      res = await fetch(new URL(path, this.cfg.baseUrl), {
        method,
        ...(payload === undefined ? {} : { body }),
        headers: {
          ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
          'x-tms-key': this.cfg.keyId,
          'x-tms-timestamp': ts,
          'x-tms-signature': createHmac('sha256', this.cfg.secret).update(`${ts}\n${body}`).digest('hex'),
        },
        signal: AbortSignal.timeout(this.cfg.timeoutMs),
      });
    } catch (err) {
      throw new AppError(503, 'UPSTREAM_UNAVAILABLE', '物流系统暂不可用，请稍后再试', { cause: (err as Error).name });
    }
    const answer = (await res.json().catch(() => ({}))) as T & { code?: string; message?: string };
    if (res.ok) return answer;
    if (res.status === 409) throw new AppError(409, 'CONFLICT', '该订单已有其他车辆的运单', { code: answer.code });
    if (res.status === 400) throw new AppError(422, 'VALIDATION_FAILED', '物流系统拒绝了运单信息', { code: answer.code, message: answer.message });
    throw new AppError(503, 'UPSTREAM_UNAVAILABLE', '物流系统暂不可用，请稍后再试', { status: res.status, code: answer.code });
  }

  createShipment(input: { orderNo: string; vin: string; destination: string; callbackUrl?: string }) {
    return this.call<TmsShipment>('POST', '/tms/v1/shipments', input);
  }

  getShipment(shipmentNo: string) {
    return this.call<TmsShipment & Record<string, unknown>>('GET', `/tms/v1/shipments/${encodeURIComponent(shipmentNo)}`);
  }
}
