import { formatFen } from '../money';
import type { LoanQuote } from './types';

/** How plan `b` differs from plan `a` (every delta is b − a, in fen). */
export interface LoanComparison {
  downPaymentDeltaFen: number;
  monthlyPaymentDeltaFen: number;
  totalInterestDeltaFen: number;
  totalCostDeltaFen: number;
  /** e.g. "首付多付 ¥10,000，月供减少 ¥303.96，总利息减少 ¥942.56". */
  summary: string;
}

function phrase(label: string, delta: number, more: string, less: string, same: string | null): string | null {
  if (delta === 0) return same;
  return `${label}${delta > 0 ? more : less} ${formatFen(Math.abs(delta))}`;
}

/** Compare two quotes of the same car: what paying more down (or a longer term, another product) changes. */
export function compareQuotes(a: LoanQuote, b: LoanQuote): LoanComparison {
  const down = b.totals.downPaymentFen - a.totals.downPaymentFen;
  const monthly = b.totals.monthlyPaymentFen - a.totals.monthlyPaymentFen;
  const interest = b.totals.totalInterestFen - a.totals.totalInterestFen;
  const cost = b.totals.totalCostFen - a.totals.totalCostFen;
  const parts = [
    phrase('首付', down, '多付', '少付', null),
    phrase('月供', monthly, '增加', '减少', '月供不变'),
    phrase('总利息', interest, '增加', '减少', null),
  ].filter((p): p is string => p !== null);
  return {
    downPaymentDeltaFen: down,
    monthlyPaymentDeltaFen: monthly,
    totalInterestDeltaFen: interest,
    totalCostDeltaFen: cost,
    summary: parts.join('，'),
  };
}
