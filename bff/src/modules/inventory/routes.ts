import {
  stockAdjustmentAnswerSchema,
  stockAdjustmentBodySchema,
  stockAdjustmentListQuerySchema,
  stockAdjustmentListSchema,
  stockListQuerySchema,
  stockListSchema,
} from '@carmall/shared-types/schemas';
import { idempotencyKeyHeader, route } from '../../infra/route';
import type { AuditLog } from '../audit/service';
import type { Role } from '../auth/session';
import type { InventoryService } from './service';

/** Who changes stock (as PUT /admin/stock): operators and admins. */
const STOCK_ROLES: Role[] = ['operator', 'admin'];

export function inventoryRoutes(inventory: InventoryService, audit: AuditLog) {
  return [
    route({
      method: 'get',
      path: '/admin/stock',
      tag: 'inventory',
      summary: 'Stock per variant and region: total, held by orders, available to buyers now (the Redis gate), the launch owning it',
      auth: STOCK_ROLES,
      query: stockListQuerySchema,
      response: stockListSchema,
      handler: async (_ctx, { query }) => ({ items: await inventory.listStock(query) }),
    }),
    route({
      method: 'post',
      path: '/admin/stock/adjustments',
      tag: 'inventory',
      summary: 'Inbound cars (delta > 0) or a correction (delta ≠ 0) of one variant in one region, with the reason; never below what orders hold; audited. Idempotency-Key: a repeat answers the first result',
      auth: STOCK_ROLES,
      status: 201,
      headers: idempotencyKeyHeader,
      body: stockAdjustmentBodySchema,
      response: stockAdjustmentAnswerSchema,
      errors: [
        { status: 404, code: 'NOT_FOUND', when: 'no stock record for this model, trim, paint and region' },
        { status: 409, code: 'STOCK_BELOW_HELD', when: 'the new total would be below the cars orders hold (details.held, details.total, details.minDelta)' },
        { status: 409, code: 'IDEMPOTENCY_KEY_REUSED', when: 'the key was used for another stock change' },
      ],
      handler: async (ctx, { body, headers, user }) => {
        const { replayed, ...r } = await inventory.adjust({ ...body, id: `${user!.id}:${headers['Idempotency-Key']}`, actorId: user!.id });
        // A retry answers the first result and is not audited twice.
        if (!replayed) {
          await audit.record(user!, ctx, {
            action: `stock.${body.kind}`,
            targetType: 'stock',
            targetId: r.adjustment.key,
            reason: body.reason,
            before: { total: r.adjustment.before },
            after: { total: r.adjustment.after, delta: body.delta, adjustmentId: r.adjustment.id },
          });
        }
        return r;
      },
    }),
    route({
      method: 'get',
      path: '/admin/stock/adjustments',
      tag: 'inventory',
      summary: 'The history of stock changes (inbound, corrections), newest first; by stock key or model',
      auth: STOCK_ROLES,
      query: stockAdjustmentListQuerySchema,
      response: stockAdjustmentListSchema,
      handler: async (_ctx, { query }) => ({ items: await inventory.adjustments(query) }),
    }),
  ];
}
