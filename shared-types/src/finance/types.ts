/**
 * Car-loan calculator types. All money is integer fen; rates are integer basis points
 * (1 bp = 0.01 %, so 4.90 % a year is 490). Ratios (down payment, balloon) are basis points of the
 * vehicle price (30 % = 3000).
 */

/** 等额本息 (equal instalments: same payment every month) or 等额本金 (equal principal: payments fall). */
export const LOAN_METHODS = ['equal_installment', 'equal_principal'] as const;
export type LoanMethod = (typeof LOAN_METHODS)[number];

export const LOAN_METHOD_LABELS: Record<LoanMethod, string> = {
  equal_installment: '等额本息',
  equal_principal: '等额本金',
};

export const MIN_TERM_MONTHS = 12;
export const MAX_TERM_MONTHS = 60;
/** The part of the loan repaid monthly (financed minus balloon) must be at least ¥1,000. */
export const MIN_AMORTISED_FEN = 100_000;
/** Rates above 24 % a year are outside what any lender may charge (and what this tool accepts). */
export const MAX_RATE_BP = 2400;

/** A fee of the loan: a fixed amount or a share of the financed amount, paid at signing or spread over the months. */
export interface LoanFee {
  code: string;
  /** Chinese display name, e.g. 金融服务费. */
  name: string;
  /** Fixed amount (fen). Exactly one of amountFen / rateBp. */
  amountFen?: number;
  /** Share of the financed amount in basis points (rounded half-up to the fen). */
  rateBp?: number;
  /** 'upfront': paid with the down payment; 'monthly': spread evenly over the instalments. */
  when: 'upfront' | 'monthly';
}

export type DownPayment = { ratioBp: number } | { amountFen: number };
export type Balloon = { ratioBp: number } | { amountFen: number };

export interface LoanInput {
  /** Vehicle price (fen): what the buyer would pay in cash. */
  priceFen: number;
  downPayment: DownPayment;
  termMonths: number;
  method: LoanMethod;
  /** The rate the buyer pays (0 for a zero-interest promotion). */
  annualRateBp: number;
  /**
   * The lender's standard rate for this loan when the buyer's rate is promotional: the brand pays
   * the lender the difference, reported as `subsidyFen`. Omitted: no subsidy.
   */
  standardRateBp?: number;
  /** 弹性尾款: a final payment due with the last instalment (share of the price or an amount). */
  balloon?: Balloon;
  fees?: LoanFee[];
}

export interface ScheduleRow {
  /** 1-based month number. */
  period: number;
  /** What the buyer pays this month: principal + interest + fee. */
  paymentFen: number;
  principalFen: number;
  interestFen: number;
  /** Monthly share of 'monthly' fees. */
  feeFen: number;
  /** The balloon included in this payment (only the last row, when there is one). */
  balloonFen: number;
  /** Principal still owed after this payment. */
  balanceFen: number;
}

export interface LoanTotals {
  priceFen: number;
  downPaymentFen: number;
  /** Price minus down payment: what the lender pays out. */
  financedFen: number;
  balloonFen: number;
  /** The regular monthly payment: month 1 (for 等额本金 the largest one). Includes monthly fees. */
  monthlyPaymentFen: number;
  /** The last instalment, balloon included. */
  lastPaymentFen: number;
  totalInterestFen: number;
  /** All fees, upfront and monthly. */
  totalFeesFen: number;
  upfrontFeesFen: number;
  /** Due at signing: down payment + upfront fees. */
  dueAtSigningFen: number;
  /** Sum of all monthly payments (balloon included). */
  totalRepaymentFen: number;
  /** Everything the buyer pays: due at signing + all instalments. */
  totalCostFen: number;
  /** Total cost minus price: what financing costs over paying cash. */
  costOfCreditFen: number;
  /** Interest the brand pays the lender for a promotional rate (0 without one). */
  subsidyFen: number;
  /**
   * Annualised rate including fees (IRR of the cash flows × 12, in basis points, rounded): the
   * figure lenders must show as 年化利率. Informational; not used for any amount.
   */
  aprBp: number;
}

export interface LoanQuote {
  input: LoanInput;
  totals: LoanTotals;
  schedule: ScheduleRow[];
}

export type LoanErrorCode =
  | 'INVALID_PRICE'
  | 'TERM_OUT_OF_RANGE'
  | 'RATE_OUT_OF_RANGE'
  | 'DOWN_PAYMENT_OUT_OF_RANGE'
  | 'BALLOON_OUT_OF_RANGE'
  | 'FINANCED_TOO_SMALL'
  | 'INVALID_FEE'
  | 'TERM_NOT_OFFERED'
  | 'METHOD_NOT_OFFERED';

export interface LoanError {
  code: LoanErrorCode;
  /** Chinese, for people. */
  message: string;
  details: Record<string, unknown>;
}

export type LoanResult = { ok: true; quote: LoanQuote } | { ok: false; error: LoanError };

/** One rate tier of a loan product: the rate for a term. */
export interface LoanRate {
  termMonths: number;
  /** What the buyer pays (0 for 0 息). */
  annualRateBp: number;
  /** The lender's standard rate when the buyer's is subsidised by the brand. */
  standardRateBp?: number;
}

/** A loan product as the bank publishes it (see the bank adapter), in the calculator's units. */
export interface LoanProduct {
  id: string;
  /** Chinese display name, e.g. 远山金融 36期低息. */
  name: string;
  /** Lender's name, e.g. 远山汽车金融 or a bank. */
  lender: string;
  methods: LoanMethod[];
  rates: LoanRate[];
  minDownRatioBp: number;
  maxDownRatioBp: number;
  /** 0 when the product has no balloon option. */
  maxBalloonRatioBp: number;
  fees: LoanFee[];
  /** Short Chinese promotion tag (e.g. 0息 · 厂家贴息), when any. */
  promotion?: string;
}

/** What the buyer chooses for a product. */
export interface ProductLoanRequest {
  priceFen: number;
  downPayment: DownPayment;
  termMonths: number;
  method?: LoanMethod;
  balloon?: Balloon;
}
