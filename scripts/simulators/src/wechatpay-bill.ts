/**
 * WeChat Pay's trade bill (交易账单, bill_type=ALL) in its real text format: a header line, one line
 * per payment or refund with every field prefixed by a backtick (`) so spreadsheets keep long
 * numbers as text, amounts in yuan with two decimals, then a summary header and a summary line.
 */
export const TRADE_BILL_HEADER =
  '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注';
export const TRADE_BILL_SUMMARY_HEADER = '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额';

/** Fee rate of the simulated merchant: 0.6% (60 per 10,000), rounded half up to the fen. */
const FEE_PER_10K = 60;
const feeOf = (fen: number) => Math.sign(fen) * Math.floor((Math.abs(fen) * FEE_PER_10K + 5_000) / 10_000);

export interface BillPayment {
  time: Date;
  appid: string;
  mchid: string;
  transactionId: string;
  outTradeNo: string;
  openid: string;
  totalFen: number;
  description: string;
  attach?: string;
}
export interface BillRefund extends BillPayment {
  refundId: string;
  outRefundNo: string;
  refundFen: number;
}

/** 12345 → "123.45"; -5 → "-0.05". */
export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** A Date as Asia/Shanghai wall-clock time: "2026-11-28 10:00:00". */
export function shanghaiClock(d: Date): string {
  return new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

/** A Date in WeChat's RFC 3339 form with the +08:00 offset: "2026-11-28T10:00:00+08:00". */
export function shanghaiRfc3339(d: Date): string {
  return new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 19) + '+08:00';
}

/** The Asia/Shanghai calendar date of an instant: "2026-11-28". */
export function shanghaiDate(d: Date): string {
  return shanghaiClock(d).slice(0, 10);
}

// Fields a CSV cell cannot hold as-is (WeChat strips them from names and attach data).
const clean = (s: string | undefined) => (s ?? '').replace(/[,`\r\n]/g, ' ');
const row = (cells: (string | number)[]) => cells.map((c) => '`' + String(c)).join(',');

export function formatTradeBill(payments: BillPayment[], refunds: BillRefund[]): string {
  const lines = [TRADE_BILL_HEADER];
  type Line = { time: Date; text: string };
  const body: Line[] = [];
  let settled = 0;
  let refunded = 0;
  let fees = 0;
  let ordered = 0;
  for (const p of payments) {
    const fee = feeOf(p.totalFen);
    settled += p.totalFen;
    ordered += p.totalFen;
    fees += fee;
    body.push({
      time: p.time,
      text: row([shanghaiClock(p.time), p.appid, p.mchid, '0', '', p.transactionId, p.outTradeNo, p.openid, 'JSAPI', 'SUCCESS', 'OTHERS', 'CNY', yuan(p.totalFen), '0.00', '0', '0', '0.00', '0.00', '', '', clean(p.description), clean(p.attach), yuan(fee), '0.60%', yuan(p.totalFen), '0.00', '']),
    });
  }
  for (const r of refunds) {
    const fee = -feeOf(r.refundFen);
    refunded += r.refundFen;
    fees += fee;
    body.push({
      time: r.time,
      text: row([shanghaiClock(r.time), r.appid, r.mchid, '0', '', r.transactionId, r.outTradeNo, r.openid, 'JSAPI', 'REFUND', 'OTHERS', 'CNY', '0.00', '0.00', r.refundId, r.outRefundNo, yuan(r.refundFen), '0.00', 'ORIGINAL', 'SUCCESS', clean(r.description), clean(r.attach), yuan(fee), '0.60%', yuan(r.totalFen), yuan(r.refundFen), '']),
    });
  }
  body.sort((a, b) => a.time.getTime() - b.time.getTime());
  lines.push(...body.map((l) => l.text));
  lines.push(TRADE_BILL_SUMMARY_HEADER);
  lines.push(row([body.length, yuan(settled), yuan(refunded), '0.00', yuan(fees), yuan(ordered), yuan(refunded)]));
  return lines.join('\r\n') + '\r\n';
}
