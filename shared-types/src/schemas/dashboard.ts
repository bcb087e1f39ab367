import { z } from 'zod';

/** The longest range the dashboard answers (Shanghai days, inclusive). */
export const DASHBOARD_MAX_DAYS = 93;
/** Stock cover below this many days is flagged. */
export const STOCK_COVER_LOW_DAYS = 7;
/** Days of orders a variant's average daily demand is taken over (ending today, Shanghai). */
export const STOCK_DEMAND_DAYS = 14;

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期应为 YYYY-MM-DD');
export const dashboardQuerySchema = z.object({ from: day, to: day }).strict();

export const dashboardSchema = z.object({
  from: z.string(),
  to: z.string(),
  days: z.array(
    z.object({
      date: z.string().describe('YYYY-MM-DD, Asia/Shanghai'),
      placed: z.number().int(),
      depositsPaid: z.number().int(),
      depositsFen: z.number().int().describe('deposits paid that day, fen'),
      locked: z.number().int(),
      cancelled: z.number().int().describe('cancelled by buyer/staff or timed out unpaid'),
    }),
  ),
  totals: z.object({ placed: z.number().int(), depositsPaid: z.number().int(), depositsFen: z.number().int(), locked: z.number().int(), cancelled: z.number().int() }),
  conversion: z
    .object({
      placed: z.number().int().describe('orders placed in the range'),
      depositPaid: z.number().int().describe('of those, deposit paid (by now)'),
      locked: z.number().int().describe('of those, locked (by now)'),
      paidRate: z.number().nullable(),
      lockedRate: z.number().nullable().describe('locked ÷ placed'),
    })
    .describe('a cohort: the orders placed in the range and how far each has got'),
  stockCover: z.array(
    z.object({
      key: z.string(),
      modelCode: z.string(),
      trimCode: z.string(),
      paintCode: z.string(),
      region: z.string(),
      available: z.number().int(),
      ordersLast14Days: z.number().int(),
      avgDailyOrders: z.number(),
      coverDays: z.number().nullable().describe('available ÷ average daily orders; null when nothing was ordered'),
      low: z.boolean().describe(`cover below ${STOCK_COVER_LOW_DAYS} days`),
    }),
  ),
});
export type Dashboard = z.infer<typeof dashboardSchema>;
