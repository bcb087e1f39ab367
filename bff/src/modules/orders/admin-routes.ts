import { z } from 'zod';
import { exportFileName, ORDER_DESK_ROLES, ORDER_EXPORT_ROLES, STAFF_ACTION_RULES } from '@carmall/shared-types';
import { AppError, notFound } from '../../infra/errors';
import { route } from '../../infra/route';
import type { AuditLog } from '../audit/service';
import type { Role } from '../auth/session';
import type { OrderAdmin } from './admin';
import type { OrderDashboard } from './dashboard';
import { dashboardQuerySchema, dashboardSchema } from '@carmall/shared-types/schemas';
import { adminOrderDetailSchema, adminOrderExportQuery, adminOrderListQuery, adminOrderListSchema } from './admin-schema';
import type { OrderService } from './service';

const orderNoParams = z.object({ orderNo: z.string().regex(/^CM\d{16}$/, '订单号不正确') });
/** See shared-types ORDER_DESK_ROLES for why service, operator and admin (and not advisors). */
const DESK = [...ORDER_DESK_ROLES] as Role[];
const EXPORTERS = [...ORDER_EXPORT_ROLES] as Role[];
const REFUNDERS = [...STAFF_ACTION_RULES.refund.roles] as Role[];

const filterOf = (q: z.output<typeof adminOrderExportQuery>) => ({
  ...(q.q !== undefined ? { q: q.q } : {}),
  ...(q.state ? { states: q.state } : {}),
  ...(q.modelCode ? { modelCode: q.modelCode } : {}),
  ...(q.centre ? { centres: q.centre } : {}),
  ...(q.city ? { city: q.city } : {}),
  ...(q.from ? { from: q.from } : {}),
  ...(q.to ? { to: q.to } : {}),
  ...(q.advisor ? { advisor: q.advisor } : {}),
  ...(q.overdue !== undefined ? { overdue: q.overdue } : {}),
  sort: q.sort,
});

/** The staff console's order routes (list, export, one order's page, refund). The delivery steps are tracking's (`/admin/orders/:orderNo/events`). */
export function orderAdminRoutes(admin: OrderAdmin, orders: OrderService, audit: AuditLog, dashboard?: OrderDashboard) {
  return [
    // 经营看板: operators and admins run the store's numbers; service staff run deliveries (no menu entry, 403).
    ...(dashboard
      ? [
          route({
            method: 'get',
            path: '/admin/dashboard',
            tag: 'orders-admin',
            summary: 'Operator/admin (经营看板): per Shanghai day from..to (inclusive, ≤ 93 days) orders placed, deposits paid (count, fen), locked, cancelled; the conversion of the orders placed in the range; stock cover per variant (available ÷ average daily orders of the last 14 days)',
            auth: ['operator', 'admin'] as Role[],
            query: dashboardQuerySchema,
            response: dashboardSchema,
            handler: async (_ctx, { query }) => dashboard.report(query.from, query.to),
          }),
        ]
      : []),
    // Before `/admin/orders/:orderNo`, which would otherwise take `export.csv` for an order number.
    route({
      method: 'get',
      path: '/admin/orders/export.csv',
      tag: 'orders-admin',
      summary: `Staff (operator/admin): the order list as CSV with the list's filters — UTF-8 with a byte-order mark (Excel), phones masked, newest first, at most 5,000 rows (X-Export-Truncated: true when more matched; X-Total-Count). The export is audited.`,
      auth: EXPORTERS,
      query: adminOrderExportQuery,
      contentType: 'text/csv',
      response: z
        .string()
        .regex(/^\uFEFF?订单号,/)
        .describe('text/csv; charset=utf-8, CRLF lines: a byte-order mark (decoders that drop it give the text without), the header (订单号, 状态, 车型, 版本, 颜色, 总价, 总价（分）, 意向金/定金（分）, 买家手机（已脱敏）, 销售顾问, 交付中心, 城市, 车架号, 下单时间（北京时间）, 进入当前状态（北京时间）, 超期), one order per line'),
      responseHeaders: {
        'Content-Disposition': 'attachment; filename="orders.csv"; filename*=UTF-8\'\'<订单导出-YYYYMMDDHHMM.csv>',
        'X-Total-Count': 'orders that matched',
        'X-Export-Truncated': 'true when more orders matched than the file holds',
      },
      handler: async (ctx, { query, user }) => {
        const out = await admin.exportCsv(user!, ctx, filterOf(query));
        ctx.type = 'text/csv; charset=utf-8';
        ctx.set('Content-Disposition', `attachment; filename="orders.csv"; filename*=UTF-8''${encodeURIComponent(exportFileName(Date.now()))}`);
        ctx.set('X-Total-Count', String(out.total));
        ctx.set('X-Export-Truncated', String(out.truncated));
        ctx.set('Cache-Control', 'no-store');
        return out.csv;
      },
    }),
    route({
      method: 'get',
      path: '/admin/orders',
      tag: 'orders-admin',
      summary:
        "Staff (service/operator/admin): orders with search (q: order number or its start, the buyer's whole phone number through the blind index, a VIN or its last 6), filters (state, modelCode, centre, city, from/to in Shanghai dates, advisor, overdue), sort and paging (page, pageSize ≤ 100, total); phones masked; each row with the actions the caller may take now",
      auth: DESK,
      query: adminOrderListQuery,
      response: adminOrderListSchema,
      handler: async (_ctx, { query, user }) => admin.list(user!, { ...filterOf(query), page: query.page, pageSize: query.pageSize }),
    }),
    route({
      method: 'get',
      path: '/admin/orders/:orderNo',
      tag: 'orders-admin',
      summary: "Staff: one order's page — the order (buyer masked), timeline, the staff audit entries about it, payments, refunds, outbox, the shipment in brief, and `actions`: what the state machine allows now for the caller's roles",
      auth: DESK,
      params: orderNoParams,
      response: adminOrderDetailSchema,
      handler: async (_ctx, { params, user }) => admin.detail(user!, params.orderNo),
    }),
    route({
      method: 'post',
      path: '/admin/orders/:orderNo/refund',
      tag: 'orders-admin',
      summary: "Staff (operator/admin): refund a paid intent deposit (意向金) with a reason — the order goes to refunding and the refund job asks the provider; audited. Once locked (定金) the deposit is firm and this is refused",
      auth: REFUNDERS,
      params: orderNoParams,
      body: z.object({ reason: z.string().trim().min(2, '请填写退款原因').max(200) }).strict(),
      response: adminOrderDetailSchema,
      errors: [{ status: 409, code: 'ORDER_STATE_INVALID', when: 'the order is not in a refundable state (deposit paid, not locked)' }],
      handler: async (ctx, { params, body, user }) => {
        const order = await orders.findByOrderNo(params.orderNo);
        if (!order) throw notFound('订单', { orderNo: params.orderNo });
        const updated = await orders.requestRefund(order, { kind: 'staff', id: user!.id }, `客服退款：${body.reason}`);
        if (!updated) throw new AppError(409, 'ORDER_STATE_INVALID', '订单状态已变化，请刷新');
        await audit.record(user!, ctx, {
          action: 'order.refund',
          targetType: 'order',
          targetId: order.orderNo,
          reason: body.reason,
          before: { state: order.state },
          after: { state: updated.state, amountFen: updated.refunds.at(-1)?.amountFen ?? null },
        });
        return admin.detail(user!, order.orderNo);
      },
    }),
  ];
}
