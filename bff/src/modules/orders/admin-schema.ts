import { z } from 'zod';
import {
  ADMIN_ORDER_PAGE_MAX,
  ADMIN_ORDER_SORTS,
  classifyOrderSearch,
  DELIVERY_CENTRES,
  isCalendarDate,
  ORDER_CITIES,
  ORDER_DATE_RANGE_MAX_DAYS,
  ORDER_STATES,
} from '@carmall/shared-types';
import { objectIdSchema, queryInt } from '@carmall/shared-types/schemas';

export { adminOrderDetailSchema, adminOrderListSchema, adminOrderRowSchema, trackingSummarySchema } from '@carmall/shared-types/schemas';

/** Query `a,b,c` → a list of allowed values (each once). */
const csvOf = <T extends string>(values: readonly [T, ...T[]], what: string) =>
  z
    .string()
    .regex(new RegExp(`^(${values.join('|')})(,(${values.join('|')}))*$`), `${what}不正确`)
    .transform((s) => [...new Set(s.split(','))] as T[])
    .describe(`comma-separated: ${values.join(', ')}`);

const shanghaiDate = z.string().refine(isCalendarDate, { message: '日期应为 YYYY-MM-DD', params: { rule: 'a real calendar date YYYY-MM-DD (Asia/Shanghai)' } });

/** The filters of the order list and its export. */
export const adminOrderFilterQuery = z
  .object({
    q: z
      .string()
      .max(40)
      .refine((q) => classifyOrderSearch(q).kind !== 'invalid', {
        message: '请输入订单号、买家完整手机号或车架号（或后 6 位）',
        params: { rule: 'q is an order number (CM + 16 digits) or its first 6-18 characters, a whole mainland mobile number, a 17-character VIN or its last 6 characters' },
      })
      .optional()
      .describe('order number (or its start), the buyer\'s whole mainland mobile number (matched through the blind index), a VIN or its last 6 characters'),
    state: csvOf(ORDER_STATES, '订单状态').optional(),
    modelCode: z.string().regex(/^[a-z0-9-]{1,60}$/, '车型代码不正确').optional(),
    centre: csvOf(DELIVERY_CENTRES, '交付中心').optional(),
    city: z.enum(ORDER_CITIES as [string, ...string[]]).optional(),
    from: shanghaiDate.optional().describe('created on or after this Shanghai date'),
    to: shanghaiDate.optional().describe('created on or before this Shanghai date'),
    advisor: z.union([objectIdSchema, z.literal('none')]).optional().describe("the credited advisor's user id, or none"),
    overdue: z.enum(['true', 'false']).transform((v) => v === 'true').optional().describe('only orders past a 超期 rule (see README)'),
    sort: z.enum(ADMIN_ORDER_SORTS).optional().default('-createdAt'),
  })
  .strict();

const dateOrder = <T extends { from?: string; to?: string }>(q: T) =>
  !q.from || !q.to || (q.from <= q.to && (Date.parse(`${q.to}T00:00:00Z`) - Date.parse(`${q.from}T00:00:00Z`)) / 86_400_000 < ORDER_DATE_RANGE_MAX_DAYS);
const dateRule = { message: '开始日期不能晚于结束日期，且范围最长 366 天', path: ['to'], params: { rule: `from is not after to, and the range is at most ${ORDER_DATE_RANGE_MAX_DAYS} days` } };

export const adminOrderListQuery = adminOrderFilterQuery
  .extend({ page: queryInt(1, 10_000).optional().default(1), pageSize: queryInt(1, ADMIN_ORDER_PAGE_MAX).optional().default(20) })
  .refine(dateOrder, dateRule);
export const adminOrderExportQuery = adminOrderFilterQuery.refine(dateOrder, dateRule);

