import { z } from 'zod';
import { DELIVERY_CENTRES } from '../delivery/network';
import { BULK_MAX_ORDERS, STAFF_ORDER_ACTIONS } from '../orders/console';
import { ORDER_STATES } from '../orders/state';

/**
 * The staff console's order answers (GET /admin/orders, /admin/orders/:orderNo, the bulk delivery
 * steps): the BFF declares and checks them, the console imports their types (`import type`
 * bundles no zod), so both read the same contract.
 */
const isoString = z.string().describe('ISO 8601, UTC');
const centreSchema = z.object({ code: z.enum(DELIVERY_CENTRES), name: z.string(), city: z.string() });
const overdueSchema = z.object({ label: z.string(), daysOver: z.number().int() }).nullable();

export const adminOrderRowSchema = z.object({
  orderNo: z.string(),
  state: z.enum(ORDER_STATES),
  stateLabel: z.string(),
  modelCode: z.string(),
  modelName: z.string(),
  trimCode: z.string(),
  trimName: z.string(),
  paintName: z.string().nullable(),
  totalFen: z.number().int(),
  depositFen: z.number().int(),
  depositLabel: z.enum(['意向金', '定金']),
  createdAt: isoString,
  stateSince: isoString.nullable().describe('when the order entered its state'),
  paymentDeadline: isoString,
  deliveryCentre: centreSchema,
  vin: z.string().nullable(),
  buyer: z.object({ id: z.string(), phone: z.string().nullable().describe('masked: 138****1234') }),
  advisor: z.object({ id: z.string(), name: z.string().nullable() }).nullable(),
  launchCode: z.string().nullable(),
  overdue: overdueSchema,
  actions: z.array(z.enum(STAFF_ORDER_ACTIONS)).describe("what the caller's roles may do now (shared-types staffActionsFor)"),
});

export const adminOrderListSchema = z.object({
  items: z.array(adminOrderRowSchema),
  page: z.number().int(),
  pageSize: z.number().int(),
  total: z.number().int(),
  search: z.object({ kind: z.string(), text: z.string().describe('what was searched for; a phone masked') }).nullable(),
});

export const trackingSummarySchema = z.object({
  shipmentNo: z.string().nullable(),
  vin: z.string(),
  status: z.string(),
  statusLabel: z.string(),
  destination: z.object({ code: z.string(), name: z.string() }),
  lastMilestone: z.object({ label: z.string(), at: isoString }).nullable(),
  eta: z.object({ at: isoString, atText: z.string(), windowText: z.string() }).nullable(),
  arrived: z.boolean(),
  updatedAt: isoString,
});

export const adminOrderDetailSchema = z.object({
  order: adminOrderRowSchema.extend({
    buyer: z.object({ id: z.string(), phone: z.string().nullable().describe('masked'), name: z.string().nullable().describe('masked: 张*') }),
    lineItems: z.array(z.object({ group: z.string(), code: z.string(), name: z.string(), priceFen: z.number().int() })),
    latePayment: z.boolean(),
  }),
  timeline: z.array(
    z.object({
      event: z.string(),
      label: z.string(),
      from: z.enum(ORDER_STATES).nullable(),
      to: z.enum(ORDER_STATES),
      toLabel: z.string(),
      actor: z.object({ kind: z.string(), id: z.string().nullable() }),
      at: isoString,
      note: z.string().nullable(),
    }),
  ),
  audit: z.array(
    z.object({
      id: z.string(),
      at: isoString,
      action: z.string(),
      actorId: z.string(),
      actorRoles: z.array(z.string()),
      reason: z.string().nullable(),
      before: z.record(z.string(), z.unknown()).nullable(),
      after: z.record(z.string(), z.unknown()).nullable(),
      requestId: z.string().nullable(),
    }),
  ),
  payments: z.array(
    z.object({ outTradeNo: z.string(), channel: z.enum(['wechat', 'alipay']), amountFen: z.number().int(), status: z.string(), transactionId: z.string().nullable(), paidAt: isoString.nullable() }),
  ),
  refunds: z.array(
    z.object({ outRefundNo: z.string(), amountFen: z.number().int(), status: z.string(), reason: z.string().nullable(), requestedAt: isoString, succeededAt: isoString.nullable() }),
  ),
  outbox: z.array(
    z.object({
      id: z.string(),
      type: z.string(),
      status: z.enum(['pending', 'delivered', 'parked']),
      attempts: z.number().int(),
      lastError: z.string().nullable(),
      ref: z.string().nullable(),
      createdAt: isoString,
      deliveredAt: isoString.nullable(),
    }),
  ),
  tracking: trackingSummarySchema.nullable(),
});

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

export type AdminOrderRow = z.infer<typeof adminOrderRowSchema>;
export type AdminOrderList = z.infer<typeof adminOrderListSchema>;
export type AdminOrderDetail = z.infer<typeof adminOrderDetailSchema>;
export type OrderTrackingSummary = z.infer<typeof trackingSummarySchema>;
export type BulkEventsBody = z.input<typeof bulkEventsBodySchema>;
export type BulkEventsAnswer = z.infer<typeof bulkEventsAnswerSchema>;
