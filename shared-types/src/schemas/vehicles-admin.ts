import { z } from 'zod';

/**
 * GET /admin/vehicles (the staff console's 车辆): owners' cars with their stored service summary;
 * the owner's phone and name masked. The BFF declares and checks it, the console imports its type.
 */
export const ADMIN_VEHICLE_SERVICE_STATUSES = ['ok', 'due_soon', 'overdue'] as const;

export const adminVehicleRowSchema = z.object({
  id: z.string(),
  vin: z.string(),
  modelName: z.string(),
  plate: z.string().nullable(),
  source: z.enum(['order', 'staff', 'dms_claim']),
  orderNo: z.string().nullable(),
  /** Shanghai date. */
  deliveredOn: z.string(),
  owner: z.object({ phone: z.string().nullable(), name: z.string().nullable() }),
  /** The latest prediction (null: no usage report yet). */
  service: z
    .object({ status: z.enum(ADMIN_VEHICLE_SERVICE_STATUSES), dueDate: z.string(), odometerKm: z.number().int(), batterySohPct: z.number().nullable() })
    .nullable(),
});
export const adminVehicleListSchema = z.object({
  items: z.array(adminVehicleRowSchema),
  page: z.number().int(),
  pageSize: z.number().int(),
  total: z.number().int(),
  /** What the search box was read as. */
  search: z.enum(['none', 'vin', 'vin_suffix', 'phone']),
});
export type AdminVehicleRow = z.output<typeof adminVehicleRowSchema>;
export type AdminVehicleList = z.output<typeof adminVehicleListSchema>;
