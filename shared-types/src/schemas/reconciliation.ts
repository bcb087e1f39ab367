import { z } from 'zod';

/**
 * The daily payment reconciliation (GET /admin/reconciliation/reports/:date, POST …/runs): the
 * BFF declares and checks this shape, the console's 对账 page imports its type.
 */
export const MISMATCH_KINDS = [
  /** WeChat has a SUCCESS payment of ours that we never applied (its notify was lost): applied after a query confirms it. */
  'missing_local',
  /** WeChat has a payment whose out_trade_no we have no record of. */
  'unknown_trade',
  /** We hold a payment as paid that day; WeChat's bill does not have it. */
  'missing_remote',
  /** Both have the payment, with different amounts. */
  'amount_mismatch',
  /** Both have the payment as paid, on different days (a payment around midnight, or a late notify). */
  'paid_date_mismatch',
  /** WeChat refunded; we have no such refund, or have not seen it succeed. */
  'refund_missing_local',
  /** We hold a refund as succeeded that day; WeChat's bill does not have it. */
  'refund_missing_remote',
  'refund_amount_mismatch',
  'refund_date_mismatch',
  /** The bill's summary line does not add up to its rows. */
  'bill_summary_mismatch',
  /** An Alipay payment of ours could not be checked (Alipay did not answer the query): checked again at the next run. */
  'query_failed',
] as const;
export type MismatchKind = (typeof MISMATCH_KINDS)[number];

/** The report (presentReport): totals on both sides and every mismatch with what was done about it. */
const count = z.number().int();
export const reconciliationReportSchema = z.object({
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
export type ReconciliationReport = z.output<typeof reconciliationReportSchema>;
