import { z } from 'zod';
import { ORDER_STATES } from '@carmall/shared-types';

/**
 * Response shapes of the order routes (OpenAPI). The order is described by its key fields; the
 * frozen configuration and timeline are passed through as the shared types define them.
 */
export const presentedOrderSchema = z.looseObject({
  id: z.string(),
  orderNo: z.string(),
  state: z.enum(ORDER_STATES),
  stateLabel: z.string(),
  modelCode: z.string(),
  modelName: z.string(),
  trimCode: z.string(),
  trimName: z.string(),
  totalFen: z.number().int(),
  depositFen: z.number().int(),
  paymentDeadline: z.string(),
  createdAt: z.string(),
});

export const orderPlacementSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('created'), orderNo: z.string(), order: presentedOrderSchema }),
  z.object({ status: z.literal('creating'), orderNo: z.string(), pollAfterMs: z.number().int() }),
  z.object({ status: z.literal('failed'), orderNo: z.string(), reason: z.string() }),
]);

/** POST /orders: the order (201), or, in a rush, the placement still being written (202). */
export const placeOrderResponseSchema = z.union([presentedOrderSchema, orderPlacementSchema]);
