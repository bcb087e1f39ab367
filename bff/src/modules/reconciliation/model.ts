import { Schema, type Connection } from 'mongoose';

/**
 * One reconciliation report per Asia/Shanghai day (`date`, unique): re-running a day replaces its
 * report (an upsert by date), so the job and operators can run it as often as they like.
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

export interface Mismatch {
  kind: MismatchKind;
  message: string;
  outTradeNo?: string;
  outRefundNo?: string;
  orderNo?: string;
  transactionId?: string;
  billFen?: number;
  ourFen?: number;
  /** Which provider: absent means WeChat Pay (the bill). */
  channel?: 'wechat' | 'alipay';
  /** For missing_local: what the job did about it. */
  resolution?: 'applied' | 'not_applied';
  resolutionNote?: string;
}

export interface ReconciliationReportDoc {
  date: string;
  status: 'balanced' | 'mismatched';
  /** The day was still running when it was reconciled (its bill is not final). */
  partialDay: boolean;
  generatedAt: Date;
  trigger: { kind: 'schedule' | 'operator'; id?: string };
  runs: number;
  bill: { available: boolean; payments: number; paidFen: number; refunds: number; refundedFen: number; feeFen: number };
  ours: { payments: number; paidFen: number; refunds: number; refundedFen: number };
  matched: { payments: number; refunds: number };
  /**
   * Alipay payments of ours paid that day, each checked by a trade query (not against Alipay's
   * bill: see README). Absent on reports written before Alipay was checked.
   */
  alipay?: { checked: number; matched: number; paidFen: number };
  mismatches: Mismatch[];
}

const reportSchema = new Schema(
  {
    date: { type: String, required: true, unique: true },
    status: { type: String, required: true, enum: ['balanced', 'mismatched'] },
    partialDay: { type: Boolean, default: false },
    generatedAt: { type: Date, required: true },
    trigger: { type: Schema.Types.Mixed, required: true },
    runs: { type: Number, default: 0 },
    bill: { type: Schema.Types.Mixed, required: true },
    ours: { type: Schema.Types.Mixed, required: true },
    matched: { type: Schema.Types.Mixed, required: true },
    alipay: { type: Schema.Types.Mixed },
    mismatches: { type: [Schema.Types.Mixed], default: [] },
  },
  { timestamps: true, collection: 'reconciliation_reports' },
);

export const reconciliationReportModel = (conn: Connection) => conn.models.ReconciliationReport ?? conn.model('ReconciliationReport', reportSchema);
