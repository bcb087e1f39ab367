import { z } from 'zod';
import { route } from '../../infra/route';
import type { Role } from '../auth/session';
import { reconciliationReportSchema as reportSchema } from '@carmall/shared-types/schemas';
import { shanghaiDay, type ReconciliationService } from './service';

const OPERATORS: Role[] = ['operator', 'admin'];
const dateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD')
  .refine((d) => !Number.isNaN(shanghaiDay(d).start.getTime()) && new Date(shanghaiDay(d).start.getTime() + 8 * 3600_000).toISOString().startsWith(d), {
    message: '日期不存在',
    params: { rule: 'a real calendar date (no 2024-02-30)' },
  });

export function reconciliationRoutes(service: ReconciliationService) {
  return [
    route({
      method: 'post',
      path: '/admin/reconciliation/runs',
      tag: 'reconciliation',
      summary:
        "Reconcile one Asia/Shanghai day of WeChat Pay payments and refunds against WeChat's trade bill now; replaces that day's report and returns it. Payments WeChat confirms but we never applied are applied.",
      auth: OPERATORS,
      status: 201,
      body: z.object({ date: dateSchema }).strict(),
      errors: [
        { status: 400, code: 'VALIDATION_FAILED', when: 'the date is after today (Asia/Shanghai)' },
        { status: 409, code: 'REQUEST_IN_PROGRESS', when: 'this day is being reconciled right now' },
        { status: 502, code: 'UPSTREAM_UNAVAILABLE', when: 'WeChat Pay refused the bill request, or the bill failed its hash check' },
        { status: 503, code: 'UPSTREAM_UNAVAILABLE', when: 'WeChat Pay is unreachable; try again later' },
        { status: 503, code: 'PAYMENT_NOT_CONFIGURED', when: 'WeChat Pay is not set up on this server' },
      ],
      response: reportSchema,
      handler: async (_ctx, { body, user }) => service.run(body.date, { kind: 'operator', id: user!.id }),
    }),
    route({
      method: 'get',
      path: '/admin/reconciliation/reports/:date',
      tag: 'reconciliation',
      summary: "One day's reconciliation report: totals on both sides and every mismatch",
      auth: OPERATORS,
      params: z.object({ date: dateSchema }),
      response: reportSchema,
      handler: async (_ctx, { params }) => service.get(params.date),
    }),
  ];
}
