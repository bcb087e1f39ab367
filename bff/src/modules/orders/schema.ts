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

/** The car is held and the order is still being written (answered 202): ask again after pollAfterMs. */
export const placementCreatingSchema = z.object({ status: z.literal('creating'), orderNo: z.string(), pollAfterMs: z.number().int() });

export const orderPlacementSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('created'), orderNo: z.string(), order: presentedOrderSchema }),
  placementCreatingSchema,
  z.object({ status: z.literal('failed'), orderNo: z.string(), reason: z.string() }),
]);
