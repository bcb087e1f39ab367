import { z } from 'zod';
import { DELIVERY_CENTRES } from '@carmall/shared-types';
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

export { bulkEventsAnswerSchema, bulkEventsBodySchema } from '@carmall/shared-types/schemas';
