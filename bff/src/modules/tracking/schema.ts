import { z } from 'zod';
import { BULK_MAX_ORDERS, DELIVERY_CENTRES, ORDER_STATES } from '@carmall/shared-types';
import { presentedOrderSchema } from '../orders/schema';

/** A shipment as the tracking answers present it: its key fields declared, the rest (route, track, ETA explanation) passed through. */
export const shipmentSchema = z.looseObject({
  shipmentNo: z.string().nullable(),
  vin: z.string(),
  status: z.string(),
  statusLabel: z.string(),
  destination: z.object({ code: z.enum(DELIVERY_CENTRES), name: z.string() }),
});

export const staffEventAnswerSchema = z.object({ order: presentedOrderSchema, shipment: shipmentSchema.nullable() });

const orderNo = z.string().regex(/^CM\d{16}$/, '订单号不正确');

export const bulkEventsBodySchema = z
  .object({
    action: z.enum(['allocate', 'ship', 'arrive']).describe('shared-types BULK_ORDER_ACTIONS'),
    items: z
      .array(z.object({ orderNo, vin: z.string().max(40).optional().describe('allocate: the car for this order (checked in full, check digit included)') }).strict())
      .min(1)
      .max(BULK_MAX_ORDERS),
    centre: z.enum(DELIVERY_CENTRES).optional().describe("ship: the one centre the batch goes to (default: each order's own)"),
  })
  .strict()
  .refine((b) => new Set(b.items.map((i) => i.orderNo)).size === b.items.length, { message: '订单重复', path: ['items'], params: { rule: 'each order once' } })
  .refine((b) => b.action !== 'allocate' || b.items.every((i) => i.vin), { message: '配车需为每个订单填写车架号', path: ['items'], params: { rule: 'allocate: every item has a vin' } })
  .refine((b) => b.action === 'allocate' || b.items.every((i) => i.vin === undefined), { message: '只有配车需要车架号', path: ['items'], params: { rule: 'vin only with allocate' } })
  .refine((b) => b.action !== 'allocate' || new Set(b.items.map((i) => (i.vin ?? '').toUpperCase())).size === b.items.length, { message: '同一车架号不能分配给多个订单', path: ['items'], params: { rule: 'allocate: each vin once' } })
  .refine((b) => b.action === 'ship' || b.centre === undefined, { message: '只有发车需要交付中心', path: ['centre'], params: { rule: 'centre only with ship' } });

export const bulkEventsAnswerSchema = z.object({
  action: z.enum(['allocate', 'ship', 'arrive']),
  results: z.array(
    z.object({
      orderNo: z.string(),
      status: z.enum(['applied', 'unchanged', 'failed']),
      state: z.enum(ORDER_STATES).nullable().describe('the order state after this request'),
      code: z.string().nullable().describe('failed: the error code (e.g. ORDER_STATE_INVALID, VIN_INVALID, VIN_IN_USE, CONFLICT, NOT_FOUND, UPSTREAM_UNAVAILABLE)'),
      message: z.string().nullable(),
    }),
  ),
  summary: z.object({ applied: z.number().int(), unchanged: z.number().int(), failed: z.number().int() }),
});
