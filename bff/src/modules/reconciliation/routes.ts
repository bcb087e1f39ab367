import { z } from 'zod';
import { route } from '../../infra/route';
import type { Role } from '../auth/session';
import { MISMATCH_KINDS } from './model';
import { shanghaiDay, type ReconciliationService } from './service';

const OPERATORS: Role[] = ['operator', 'admin'];
const dateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD')
  .refine((d) => !Number.isNaN(shanghaiDay(d).start.getTime()) && new Date(shanghaiDay(d).start.getTime() + 8 * 3600_000).toISOString().startsWith(d), {
    message: '日期不存在',
    params: { rule: 'a real calendar date (no 2024-02-30)' },
  });

/** The report (presentReport): totals on both sides and every mismatch with what was done about it. */
const count = z.number().int();
const reportSchema = z.object({
  date: z.string(),
  status: z.enum(['balanced', 'mismatched']),
  /** The day was still running: its bill is not final. */
  partialDay: z.boolean(),
  generatedAt: z.string(),
  trigger: z.object({ kind: z.enum(['schedule', 'operator']), id: z.string().optional() }),
  runs: count,
  bill: z.object({ available: z.boolean(), payments: count, paidFen: count, refunds: count, refundedFen: count, feeFen: count }),
  ours: z.object({ payments: count, paidFen: count, refunds: count, refundedFen: count }),
  matched: z.object({ payments: count, refunds: count }),
  /** Alipay payments of the day, each checked by a trade query (null: none, or a report from before). */
  alipay: z.object({ checked: count, matched: count, paidFen: count }).nullable(),
  mismatches: z.array(
    z.object({
      kind: z.enum(MISMATCH_KINDS),
      message: z.string(),
      outTradeNo: z.string().optional(),
      outRefundNo: z.string().optional(),
      orderNo: z.string().optional(),
      transactionId: z.string().optional(),
      billFen: count.optional(),
      ourFen: count.optional(),
      channel: z.enum(['wechat', 'alipay']).optional(),
      resolution: z.enum(['applied', 'not_applied']).optional(),
      resolutionNote: z.string().optional(),
    }),
  ),
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
