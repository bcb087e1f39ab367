import Router from '@koa/router';
import { z } from 'zod';
import { DELIVERY_CENTRES } from '@carmall/shared-types';
import { trackingSchema } from '@carmall/shared-types/schemas';
import { route, type RouteError } from '../../infra/route';
import type { AuditLog } from '../audit/service';
import { STAFF_ROLES, VIN, type TrackingService } from './service';
import { bulkEventsAnswerSchema, bulkEventsBodySchema, staffEventAnswerSchema } from './schema';

const orderNoParams = z.object({ orderNo: z.string().regex(/^CM\d{16}$/, '订单号不正确') });

const staffEventErrors: RouteError[] = [
  { status: 409, code: 'ORDER_STATE_INVALID', when: 'the order is not in a state this event applies to' },
  { status: 409, code: 'CONFLICT', when: 'the order already has a shipment for another VIN or delivery centre' },
  { status: 409, code: 'VIN_IN_USE', when: 'the VIN is already allocated to another order in progress (details.orderNo)' },
  { status: 400, code: 'VALIDATION_FAILED', when: 'ship without a VIN on the order or in the body' },
  { status: 422, code: 'VALIDATION_FAILED', when: "the TMS refused the shipment's details" },
  { status: 503, code: 'UPSTREAM_UNAVAILABLE', when: 'the TMS is unreachable; the order is unchanged' },
];

export function trackingRoutes(tracking: TrackingService, audit: AuditLog) {
  return [
    route({
      method: 'get',
      path: '/orders/:orderNo/tracking',
      tag: 'tracking',
      summary: 'Delivery tracking of an order: route, milestones, latest position, downsampled track, ETA with its interval and explanation (the buyer, the order\'s advisor, or service/operator/admin staff; anyone else gets 404)',
      auth: 'user',
      params: orderNoParams,
      response: trackingSchema,
      handler: async (_ctx, { params, user }) => tracking.trackingFor(user!, params.orderNo),
    }),
    route({
      method: 'post',
      path: '/admin/orders/:orderNo/events',
      tag: 'tracking',
      summary: 'Staff: move an order along its delivery (allocate with a VIN, ship to a delivery centre — creates the TMS shipment —, arrive, deliver); each step is audited',
      auth: STAFF_ROLES,
      params: orderNoParams,
      body: z
        .object({
          event: z.enum(['allocate', 'ship', 'arrive', 'deliver']),
          vin: z.string().regex(VIN, 'VIN 应为 17 位字母数字（不含 I、O、Q）').optional(),
          centre: z.enum(DELIVERY_CENTRES).optional(),
        })
        .strict(),
      response: staffEventAnswerSchema,
      errors: staffEventErrors,
      handler: async (ctx, { params, body, user }) => {
        const done = await tracking.applyStaffEvent(user!, params.orderNo, body);
        await audit.record(user!, ctx, {
          action: `order.${body.event}`,
          targetType: 'order',
          targetId: params.orderNo,
          before: { state: done.before },
          after: { state: done.order.state, ...(done.order.vin && (body.event === 'allocate' || body.event === 'ship') ? { vin: done.order.vin } : {}), ...(done.shipment ? { centre: done.shipment.destination.code, shipmentNo: done.shipment.shipmentNo } : {}) },
        });
        return { order: done.order, shipment: done.shipment };
      },
    }),
    route({
      method: 'post',
      path: '/admin/orders/bulk-events',
      tag: 'tracking',
      summary:
        "Staff: one delivery step for several orders (≤ 50): allocate (a VIN per order, check digit verified), ship (to one centre, or each order's own), arrive. Each order's result separately (applied / unchanged / failed with its code); one order's failure does not stop the others; repeating the request is harmless (an order already at or past the step with the same car and centre is unchanged). Each applied step is audited",
      auth: STAFF_ROLES,
      body: bulkEventsBodySchema,
      response: bulkEventsAnswerSchema,
      handler: async (ctx, { body, user }) => {
        const results = await tracking.applyBulk(user!, body);
        for (const r of results.filter((x) => x.status === 'applied')) {
          await audit.record(user!, ctx, {
            action: `order.${body.action}`,
            targetType: 'order',
            targetId: r.orderNo,
            reason: `批量操作（${results.length} 单）`,
            before: { state: r.before },
            after: { state: r.state, ...(r.vin ? { vin: r.vin } : {}), ...(r.centre ? { centre: r.centre, shipmentNo: r.shipmentNo } : {}), bulk: true },
          });
        }
        const count = (s: string) => results.filter((r) => r.status === s).length;
        return {
          action: body.action,
          results: results.map(({ orderNo, status, state, code, message }) => ({ orderNo, status, state, code, message })),
          summary: { applied: count('applied'), unchanged: count('unchanged'), failed: count('failed') },
        };
      },
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
