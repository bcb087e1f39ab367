/**
 * WeChat Pay's trade bill (交易账单, bill_type=ALL), parsed exactly: every field of a data line
 * starts with a backtick (`), money is yuan with up to two decimals and becomes integer fen by
 * reading the digits (never through floating point), and the summary after the data is checked
 * against the rows.
 */
export interface BillPaymentRow {
  time: string;
  transactionId: string;
  outTradeNo: string;
  /** 应结订单金额 */
  settledFen: number;
  /** 订单金额 */
  totalFen: number;
}
export interface BillRefundRow {
  time: string;
  transactionId: string;
  outTradeNo: string;
  refundId: string;
  outRefundNo: string;
  refundFen: number;
  refundStatus: string;
}
export interface TradeBill {
  payments: BillPaymentRow[];
  refunds: BillRefundRow[];
  /** Rows of other states (e.g. REVOKED), kept for the report. */
  other: { outTradeNo: string; state: string }[];
  summary: { count: number; settledFen: number; refundFen: number; feeFen: number } | null;
}

export class BillFormatError extends Error {}

/** "5000.00" → 500000, "0.6" → 60, "12" → 1200, "-0.06" → -6; anything else throws. */
export function yuanToFen(text: string): number {
  const m = /^(-)?(\d{1,13})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m) throw new BillFormatError(`not an amount: "${text}"`);
  const fen = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  return m[1] ? -fen : fen;
}

/** Cells of one line: "`a,`b,`c" → ["a","b","c"] (split on ",`" so a comma inside a name cannot shift columns). */
function cells(line: string): string[] {
  if (!line.startsWith('`')) return line.split(',');
  return line.slice(1).split(',`');
}

const REQUIRED = ['交易时间', '微信订单号', '商户订单号', '交易状态', '应结订单金额', '微信退款单号', '商户退款单号', '退款金额', '退款状态', '订单金额'] as const;

export function parseTradeBill(text: string): TradeBill {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) throw new BillFormatError('empty bill');
  const header = lines[0].split(',');
  const col = Object.fromEntries(REQUIRED.map((name) => [name, header.indexOf(name)])) as Record<(typeof REQUIRED)[number], number>;
  const missing = REQUIRED.filter((name) => col[name] < 0);
  if (missing.length) throw new BillFormatError(`bill header lacks ${missing.join(', ')}`);

  const bill: TradeBill = { payments: [], refunds: [], other: [], summary: null };
  let i = 1;
  for (; i < lines.length && !lines[i].startsWith('总交易单数'); i++) {
    const c = cells(lines[i]);
    if (c.length < header.length) throw new BillFormatError(`line ${i + 1} has ${c.length} fields, the header ${header.length}`);
    const state = c[col['交易状态']];
    const base = { time: c[col['交易时间']], transactionId: c[col['微信订单号']], outTradeNo: c[col['商户订单号']] };
    if (state === 'SUCCESS') bill.payments.push({ ...base, settledFen: yuanToFen(c[col['应结订单金额']]), totalFen: yuanToFen(c[col['订单金额']]) });
    else if (state === 'REFUND')
      bill.refunds.push({ ...base, refundId: c[col['微信退款单号']], outRefundNo: c[col['商户退款单号']], refundFen: yuanToFen(c[col['退款金额']]), refundStatus: c[col['退款状态']] });
    else bill.other.push({ outTradeNo: base.outTradeNo, state });
  }
  if (i + 1 < lines.length) {
    const names = lines[i].split(',');
    const values = cells(lines[i + 1]);
    const get = (name: string) => values[names.indexOf(name)];
    const fenOr0 = (name: string) => (get(name) === undefined ? 0 : yuanToFen(get(name)));
    const count = Number(get('总交易单数'));
    if (!Number.isInteger(count)) throw new BillFormatError('bad summary line');
    bill.summary = { count, settledFen: fenOr0('应结订单总金额'), refundFen: fenOr0('退款总金额'), feeFen: fenOr0('手续费总金额') };
  }
  return bill;
}
