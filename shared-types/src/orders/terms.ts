/**
 * Deposit terms are data: shown to the buyer before paying and frozen into each order.
 * Amounts in fen.
 */
export interface DepositTerms {
  version: string;
  intentDepositFen: number;
  /** Minutes the buyer has to pay before the order is cancelled and the car released. */
  paymentWindowMinutes: number;
  /** Chinese text shown before paying. */
  text: string[];
}

export const CURRENT_DEPOSIT_TERMS: DepositTerms = {
  version: '2026-11',
  intentDepositFen: 500_000,
  paymentWindowMinutes: 15,
  text: [
    '意向金 ¥5,000，锁单前可随时申请全额退款，原路退回。',
    '支付后为您保留所选版本与颜色的车辆；15 分钟内未支付，订单自动取消并释放车辆。',
    '锁单后意向金转为定金，配置冻结，定金不予退还。',
  ],
};
