import Router from '@koa/router';
import { z } from 'zod';
import { DELIVERY_CENTRES } from '@carmall/shared-types';
import { route } from '../../infra/route';
import { STAFF_ROLES, VIN, type TrackingService } from './service';

const orderNoParams = z.object({ orderNo: z.string().regex(/^CM\d{16}$/, '订单号不正确') });

export function trackingRoutes(tracking: TrackingService) {
  return [
    route({
      method: 'get',
      path: '/orders/:orderNo/tracking',
      tag: 'tracking',
      summary: 'Delivery tracking of an order: route, milestones, latest position, downsampled track, ETA with its interval and explanation (the buyer, the order\'s advisor, or service/operator/admin staff; anyone else gets 404)',
      auth: 'user',
      params: orderNoParams,
      handler: async (_ctx, { params, user }) => tracking.trackingFor(user!, params.orderNo),
    }),
    route({
      method: 'post',
      path: '/admin/orders/:orderNo/events',
      tag: 'tracking',
      summary: 'Staff: move an order along its delivery (allocate with a VIN, ship to a delivery centre — creates the TMS shipment —, arrive, deliver)',
      auth: STAFF_ROLES,
      params: orderNoParams,
      body: z
        .object({
          event: z.enum(['allocate', 'ship', 'arrive', 'deliver']),
          vin: z.string().regex(VIN, 'VIN 应为 17 位字母数字（不含 I、O、Q）').optional(),
          centre: z.enum(DELIVERY_CENTRES).optional(),
        })
        .strict(),
      errors: [
        { status: 409, code: 'ORDER_STATE_INVALID', when: 'the order is not in a state this event applies to' },
        { status: 409, code: 'CONFLICT', when: 'the order already has a shipment for another VIN or delivery centre' },
        { status: 400, code: 'VALIDATION_FAILED', when: 'ship without a VIN on the order or in the body' },
        { status: 422, code: 'VALIDATION_FAILED', when: "the TMS refused the shipment's details" },
        { status: 503, code: 'UPSTREAM_UNAVAILABLE', when: 'the TMS is unreachable; the order is unchanged' },
      ],
      handler: async (_ctx, { params, body, user }) => tracking.applyStaffEvent(user!, params.orderNo, body),
    }),
  ];
}

/**
 * The TMS webhook. Not a zod route: the signature covers the raw body, which is verified
 * byte-for-byte before anything is parsed. 200 on success and on a duplicate; 401 for a bad
 * signature; 400 for a malformed event; 404 for an unknown shipment (the TMS retries non-2xx).
 */
export function trackingWebhookRouter(tracking: TrackingService) {
  const router = new Router({ prefix: '/api/v1/tracking/tms' });
  router.post('/events', async (ctx) => {
    const raw = (ctx.request as { rawBody?: string }).rawBody ?? '';
    ctx.body = await tracking.ingest(raw, { timestamp: ctx.get('x-tms-timestamp') || undefined, signature: ctx.get('x-tms-signature') || undefined });
  });
  return router;
}
