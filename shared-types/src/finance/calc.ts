/**
 * Car-loan calculator, exact to the fen. Pure: the mini-program uses it for instant feedback and
 * the BFF recomputes every quote with it (the BFF's answer is the one that counts).
 *
 * Rounding rule (the only places a fraction of a fen can appear):
 *  1. Every derived amount is rounded half-up to the fen, once: the down payment and balloon from
 *     their ratios, a fee from its rate, each month's interest (remaining balance × annual rate /
 *     12), the 等额本息 monthly payment (annuity formula), the 等额本金 monthly principal
 *     ((financed − balloon) / n) and a 'monthly' fee's monthly share (fee / n).
 *  2. The last instalment absorbs every residue: its principal is exactly the remaining balance
 *     (balloon included) and its fee share is the rest of the fee, so principal parts always sum to
 *     the financed amount, fee shares to the fees, and the balance ends at exactly 0. (So the last
 *     instalment can differ from the others by a few fen.)
 *  The limits (amortised part ≥ ¥1,000, monthly fees 0 or ≥ ¥100) keep every residue positive.
 *  This matches bank calculators: ¥100,000 at 4.90 % over 36 months is ¥2,992.60 a month 等额本息,
 *  and ¥3,186.11 in month 1 等额本金 (¥2,777.78 principal + ¥408.33 interest).
 * Everything is exact: interest in integer arithmetic, the annuity payment estimated in double
 * precision and then verified (and corrected) in exact integer arithmetic (./exact.ts; no BigInt,
 * which older mini-program runtimes lack). The tests check it against BigInt rationals.
 */
import type {
  Balloon,
  DownPayment,
  LoanError,
  LoanFee,
  LoanInput,
  LoanProduct,
  LoanResult,
  LoanTotals,
  ProductLoanRequest,
  ScheduleRow,
} from './types';
import { LOAN_METHOD_LABELS, MAX_RATE_BP, MAX_TERM_MONTHS, MIN_AMORTISED_FEN, MIN_TERM_MONTHS } from './types';
import { formatFen } from '../money';
import { cmp, mul, nat, pow, sub } from './exact';

/** Largest vehicle price the calculator accepts (¥100,000,000): keeps every product below 2^53. */
export const MAX_PRICE_FEN = 10_000_000_000;
const BP = 10_000;
/** Fees spread over the months must total 0 or at least ¥100 (so the last share stays positive). */
export const MIN_MONTHLY_FEES_FEN = 10_000;
/** Monthly rate = annualRateBp / 120000. */
const MONTHLY_DENOMINATOR = 12 * BP;

/** round(a / b) half-up, for integers a >= 0 and b > 0, in exact integer arithmetic. */
export function roundHalfUpDiv(a: number, b: number): number {
  const q = (a - (a % b)) / b;
  return 2 * (a % b) >= b ? q + 1 : q;
}

/** One month's interest on a balance, rounded half-up to the fen. */
export function monthlyInterestFen(balanceFen: number, annualRateBp: number): number {
  return roundHalfUpDiv(balanceFen * annualRateBp, MONTHLY_DENOMINATOR);
}

/**
 * The 等额本息 monthly payment, rounded half-up: the payment A with which n equal payments repay
 * `financed` and leave `balloon` due with the last one:
 *   A = (P·q^n − B)·r / (q^n − 1) = r·P + r·(P − B) / (q^n − 1),  r = annual / 12, q = 1 + r;
 *   (P − B) / n when r = 0.
 * Estimated in double precision, then made exact: with D = 120000, U = (D + bp)^n and V = D^n,
 * A = bp·(P·U − B·V) / (D·(U − V)), and the candidate c is accepted only when
 * (2c − 1)·den ≤ 2·num < (2c + 1)·den in exact integer arithmetic (else it moves by one fen).
 */
export function annuityPaymentFen(financedFen: number, balloonFen: number, annualRateBp: number, termMonths: number): number {
  if (annualRateBp === 0) return roundHalfUpDiv(financedFen - balloonFen, termMonths);
  const r = annualRateBp / MONTHLY_DENOMINATOR;
  const growth = Math.expm1(termMonths * Math.log1p(r)); // q^n − 1, accurate for small r
  let c = Math.floor(r * financedFen + (r * (financedFen - balloonFen)) / growth + 0.5);
  const U = pow(nat(MONTHLY_DENOMINATOR + annualRateBp), termMonths);
  const V = pow(nat(MONTHLY_DENOMINATOR), termMonths);
  const twoNum = mul(nat(2 * annualRateBp), sub(mul(nat(financedFen), U), mul(nat(balloonFen), V)));
  const den = mul(nat(MONTHLY_DENOMINATOR), sub(U, V));
  for (let guard = 0; guard < 4; guard++) {
    if (c > 0 && cmp(mul(nat(2 * c - 1), den), twoNum) > 0) c -= 1; // A < c − ½
    else if (cmp(twoNum, mul(nat(2 * c + 1), den)) >= 0) c += 1; // A ≥ c + ½
    else return c;
  }
  throw new Error('annuityPaymentFen: estimate did not converge'); // unreachable: the estimate is off by far less than a fen
}

const err = (code: LoanError['code'], message: string, details: Record<string, unknown> = {}): LoanResult => ({
  ok: false,
  error: { code, message, details },
});

const isInt = (v: unknown, min: number, max: number): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max;

export function downPaymentFen(priceFen: number, dp: DownPayment): number {
  return 'ratioBp' in dp ? roundHalfUpDiv(priceFen * dp.ratioBp, BP) : dp.amountFen;
}

export function balloonFen(priceFen: number, balloon: Balloon | undefined): number {
  if (!balloon) return 0;
  return 'ratioBp' in balloon ? roundHalfUpDiv(priceFen * balloon.ratioBp, BP) : balloon.amountFen;
}

export function feeAmountFen(fee: LoanFee, financedFen: number): number {
  return fee.amountFen !== undefined ? fee.amountFen : roundHalfUpDiv(financedFen * (fee.rateBp ?? 0), BP);
}

interface Amortisation {
  principal: number[];
  interest: number[];
  balance: number[];
}

/** Principal and interest of every month (rules 1-3 above). */
function amortise(financed: number, balloon: number, rateBp: number, n: number, method: LoanInput['method']): Amortisation {
  const out: Amortisation = { principal: [], interest: [], balance: [] };
  let balance = financed;
  const annuity = method === 'equal_installment' ? annuityPaymentFen(financed, balloon, rateBp, n) : 0;
  const evenPrincipal = method === 'equal_principal' ? roundHalfUpDiv(financed - balloon, n) : 0;
  for (let k = 1; k <= n; k++) {
    const interest = monthlyInterestFen(balance, rateBp);
    const principal = k === n ? balance : method === 'equal_installment' ? annuity - interest : evenPrincipal;
    balance -= principal;
    out.principal.push(principal);
    out.interest.push(interest);
    out.balance.push(balance);
  }
  return out;
}

/**
 * Annualised cost of the loan: the monthly internal rate of return of (financed − upfront fees)
 * received against the instalments paid, × 12, in basis points. Bisection: the present value
 * falls as the rate rises, so the root is unique.
 */
function aprBp(netReceivedFen: number, payments: number[]): number {
  const pv = (i: number) => payments.reduce((sum, p, k) => sum + p / Math.pow(1 + i, k + 1), 0);
  const total = payments.reduce((a, b) => a + b, 0);
  if (netReceivedFen <= 0) return 0;
  if (Math.abs(total - netReceivedFen) < 0.5) return 0;
  let lo = -0.5;
  let hi = 1;
  for (let it = 0; it < 200; it++) {
    const mid = (lo + hi) / 2;
    if (pv(mid) > netReceivedFen) lo = mid;
    else hi = mid;
  }
  return Math.round(((lo + hi) / 2) * 12 * BP);
}

/** Compute a loan: the full schedule and totals, or a reason in Chinese why these terms are impossible. */
export function computeLoan(input: LoanInput): LoanResult {
  const { priceFen, termMonths: n, annualRateBp, method } = input;
  if (!isInt(priceFen, 1, MAX_PRICE_FEN)) return err('INVALID_PRICE', '车价必须是 1 分到 1 亿元之间的整数金额', { priceFen });
  if (!isInt(n, MIN_TERM_MONTHS, MAX_TERM_MONTHS))
    return err('TERM_OUT_OF_RANGE', `贷款期数必须在 ${MIN_TERM_MONTHS}-${MAX_TERM_MONTHS} 期之间`, { termMonths: n, min: MIN_TERM_MONTHS, max: MAX_TERM_MONTHS });
  if (!(method in LOAN_METHOD_LABELS)) return err('METHOD_NOT_OFFERED', '不支持的还款方式', { method });
  if (!isInt(annualRateBp, 0, MAX_RATE_BP)) return err('RATE_OUT_OF_RANGE', '年利率必须在 0%-24% 之间', { annualRateBp });
  const standardRateBp = input.standardRateBp ?? annualRateBp;
  if (!isInt(standardRateBp, annualRateBp, MAX_RATE_BP))
    return err('RATE_OUT_OF_RANGE', '标准利率不能低于优惠利率', { annualRateBp, standardRateBp });

  const dp = input.downPayment;
  if ('ratioBp' in dp ? !isInt(dp.ratioBp, 0, BP) : !isInt(dp.amountFen, 0, priceFen))
    return err('DOWN_PAYMENT_OUT_OF_RANGE', '首付必须在 0 到车价之间', { downPayment: dp, priceFen });
  const down = downPaymentFen(priceFen, dp);
  const financed = priceFen - down;

  const bl = input.balloon;
  if (bl && ('ratioBp' in bl ? !isInt(bl.ratioBp, 0, BP) : !isInt(bl.amountFen, 0, priceFen)))
    return err('BALLOON_OUT_OF_RANGE', '尾款必须在 0 到车价之间', { balloon: bl });
  const balloon = balloonFen(priceFen, bl);
  if (financed - balloon < MIN_AMORTISED_FEN) {
    return balloon > 0
      ? err('BALLOON_OUT_OF_RANGE', `首付与尾款之外的贷款金额至少 ${formatFen(MIN_AMORTISED_FEN)}`, { financedFen: financed, balloonFen: balloon, minFen: MIN_AMORTISED_FEN })
      : err('FINANCED_TOO_SMALL', `贷款金额至少 ${formatFen(MIN_AMORTISED_FEN)}，请降低首付`, { financedFen: financed, minFen: MIN_AMORTISED_FEN });
  }

  const fees = input.fees ?? [];
  for (const fee of fees) {
    const oneOf = (fee.amountFen === undefined) !== (fee.rateBp === undefined);
    const valid = oneOf && (fee.amountFen === undefined || isInt(fee.amountFen, 0, MAX_PRICE_FEN)) && (fee.rateBp === undefined || isInt(fee.rateBp, 0, BP));
    if (!valid || (fee.when !== 'upfront' && fee.when !== 'monthly')) return err('INVALID_FEE', `费用"${fee.name}"不正确`, { fee });
  }
  const feeAmounts = fees.map((f) => ({ fee: f, fen: feeAmountFen(f, financed) }));
  const upfrontFees = feeAmounts.filter((f) => f.fee.when === 'upfront').reduce((s, f) => s + f.fen, 0);
  const monthlyFeeTotal = feeAmounts.filter((f) => f.fee.when === 'monthly').reduce((s, f) => s + f.fen, 0);
  if (monthlyFeeTotal > 0 && monthlyFeeTotal < MIN_MONTHLY_FEES_FEN)
    return err('INVALID_FEE', `按月收取的费用合计须为 0 或至少 ${formatFen(MIN_MONTHLY_FEES_FEN)}`, { monthlyFeesFen: monthlyFeeTotal });
  if (upfrontFees + monthlyFeeTotal >= financed) return err('INVALID_FEE', '费用合计不能超过贷款金额', { feesFen: upfrontFees + monthlyFeeTotal, financedFen: financed });
  const monthlyFee = roundHalfUpDiv(monthlyFeeTotal, n);

  const a = amortise(financed, balloon, annualRateBp, n, method);
  const schedule: ScheduleRow[] = a.principal.map((principalFen, i) => {
    const last = i === n - 1;
    const feeFen = last ? monthlyFeeTotal - monthlyFee * (n - 1) : monthlyFee;
    const interestFen = a.interest[i];
    return {
      period: i + 1,
      paymentFen: principalFen + interestFen + feeFen,
      principalFen,
      interestFen,
      feeFen,
      balloonFen: last ? balloon : 0,
      balanceFen: a.balance[i],
    };
  });

  const totalInterest = a.interest.reduce((s, x) => s + x, 0);
  const standardInterest = standardRateBp === annualRateBp ? totalInterest : amortise(financed, balloon, standardRateBp, n, method).interest.reduce((s, x) => s + x, 0);
  const totalRepayment = schedule.reduce((s, r) => s + r.paymentFen, 0);
  const dueAtSigning = down + upfrontFees;
  const totals: LoanTotals = {
    priceFen,
    downPaymentFen: down,
    financedFen: financed,
    balloonFen: balloon,
    monthlyPaymentFen: schedule[0].paymentFen,
    lastPaymentFen: schedule[n - 1].paymentFen,
    totalInterestFen: totalInterest,
    totalFeesFen: upfrontFees + monthlyFeeTotal,
    upfrontFeesFen: upfrontFees,
    dueAtSigningFen: dueAtSigning,
    totalRepaymentFen: totalRepayment,
    totalCostFen: dueAtSigning + totalRepayment,
    costOfCreditFen: dueAtSigning + totalRepayment - priceFen,
    subsidyFen: Math.max(0, standardInterest - totalInterest),
    aprBp: aprBp(financed - upfrontFees, schedule.map((r) => r.paymentFen)),
  };
  return { ok: true, quote: { input, totals, schedule } };
}

/**
 * A loan under a product's rules: the term must be one of its rate tiers, the down payment and the
 * balloon within its ratios; the rate and fees come from the product.
 */
export function quoteProduct(product: LoanProduct, req: ProductLoanRequest): LoanResult {
  const method = req.method ?? product.methods[0];
  if (!product.methods.includes(method))
    return err('METHOD_NOT_OFFERED', `该方案不支持${LOAN_METHOD_LABELS[method] ?? '此还款方式'}`, { method, offered: product.methods });
  const tier = product.rates.find((r) => r.termMonths === req.termMonths);
  if (!tier)
    return err('TERM_NOT_OFFERED', `该方案不提供 ${req.termMonths} 期，可选 ${product.rates.map((r) => r.termMonths).join('/')} 期`, {
      termMonths: req.termMonths,
      offered: product.rates.map((r) => r.termMonths),
    });
  if (!isInt(req.priceFen, 1, MAX_PRICE_FEN)) return err('INVALID_PRICE', '车价必须是 1 分到 1 亿元之间的整数金额', { priceFen: req.priceFen });
  const dp = req.downPayment;
  const downValid = 'ratioBp' in dp ? isInt(dp.ratioBp, 0, BP) : isInt(dp.amountFen, 0, req.priceFen);
  if (downValid) {
    const down = downPaymentFen(req.priceFen, dp);
    // Exact comparison of down / price against the product's ratio limits (no division).
    if (down * BP < product.minDownRatioBp * req.priceFen || down * BP > product.maxDownRatioBp * req.priceFen) {
      return err('DOWN_PAYMENT_OUT_OF_RANGE', `首付比例须在 ${product.minDownRatioBp / 100}%-${product.maxDownRatioBp / 100}% 之间`, {
        downPaymentFen: down,
        minFen: Math.ceil((product.minDownRatioBp * req.priceFen) / BP),
        maxFen: Math.floor((product.maxDownRatioBp * req.priceFen) / BP),
      });
    }
  }
  if (req.balloon) {
    const b = req.balloon;
    const valid = 'ratioBp' in b ? isInt(b.ratioBp, 0, BP) : isInt(b.amountFen, 0, req.priceFen);
    if (valid && balloonFen(req.priceFen, b) * BP > product.maxBalloonRatioBp * req.priceFen) {
      return err(
        'BALLOON_OUT_OF_RANGE',
        product.maxBalloonRatioBp === 0 ? '该方案不提供弹性尾款' : `尾款比例不能超过 ${product.maxBalloonRatioBp / 100}%`,
        { maxRatioBp: product.maxBalloonRatioBp },
      );
    }
  }
  return computeLoan({
    priceFen: req.priceFen,
    downPayment: dp,
    termMonths: req.termMonths,
    method,
    annualRateBp: tier.annualRateBp,
    standardRateBp: tier.standardRateBp,
    balloon: req.balloon,
    fees: product.fees,
  });
}
