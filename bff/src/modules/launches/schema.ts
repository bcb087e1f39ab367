import { z } from 'zod';
import { orderPlacementSchema } from '../orders/schema';

/** Response shapes of the launch routes (OpenAPI); the types are shared-types/src/launches. */
export const launchViewSchema = z.object({
  code: z.string(),
  title: z.string(),
  modelCode: z.string(),
  modelName: z.string(),
  startsAt: z.string(),
  endsAt: z.string().nullable(),
  serverTime: z.string(),
  phase: z.enum(['scheduled', 'open', 'sold_out', 'ended']),
  admitPerSecond: z.number().int(),
  admissionSeconds: z.number().int(),
  preQueueAt: z.string().nullable(),
  variants: z.array(
    z.object({
      trimCode: z.string(),
      trimName: z.string(),
      paintCode: z.string(),
      paintName: z.string(),
      priceFen: z.number().int(),
      stock: z.number().int(),
      available: z.number().int(),
    }),
  ),
  available: z.number().int(),
});

export const launchListSchema = z.object({ items: z.array(launchViewSchema) });

export const queueStatusSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('early'), opensAt: z.string(), joined: z.number().int(), pollAfterMs: z.number().int() }),
  z.object({ status: z.literal('waiting'), ticket: z.number().int(), ahead: z.number().int(), pollAfterMs: z.number().int(), available: z.number().int() }),
  z.object({ status: z.literal('admitted'), ticket: z.number().int(), admissionToken: z.string(), admittedUntil: z.string(), available: z.number().int() }),
  z.object({ status: z.literal('ordered'), ticket: z.number().int(), orderNo: z.string() }),
  z.object({ status: z.literal('sold_out'), ticket: z.number().int().nullable() }),
  z.object({ status: z.literal('expired'), ticket: z.number().int() }),
]);

export { orderPlacementSchema };
