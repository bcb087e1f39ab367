import { Schema, type Connection } from 'mongoose';
import { MISMATCH_KINDS } from '@carmall/shared-types/schemas';

// The kinds are the API's too (shared-types), so the console names them the same way.
export { MISMATCH_KINDS };
export type MismatchKind = (typeof MISMATCH_KINDS)[number];

/**
 * One reconciliation report per Asia/Shanghai day (`date`, unique): re-running a day replaces its
 * report (an upsert by date), so the job and operators can run it as often as they like.
 */
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
