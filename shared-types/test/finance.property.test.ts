import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { annuityPaymentFen, computeLoan, MIN_AMORTISED_FEN, type LoanInput, type LoanQuote } from '../src';
import { exactAnnuityFen, exactInterestFen } from './finance.exact';

const SLOW = 60_000;

/** Loans a buyer could ask for: ¥20,000 to ¥2,000,000 cars, any term/rate/method, balloons, promotions and fees. */
const loanInput: fc.Arbitrary<LoanInput> = fc
  .record({
    priceFen: fc.integer({ min: 2_000_000, max: 200_000_000 }),
    down: fc.oneof(fc.record({ ratioBp: fc.integer({ min: 0, max: 9_000 }) }), fc.record({ amountFen: fc.integer({ min: 0, max: 100_000_000 }) })),
    termMonths: fc.integer({ min: 12, max: 60 }),
    method: fc.constantFrom('equal_installment' as const, 'equal_principal' as const),
    annualRateBp: fc.oneof({ weight: 1, arbitrary: fc.constant(0) }, { weight: 4, arbitrary: fc.integer({ min: 1, max: 2_400 }) }),
    subsidy: fc.option(fc.integer({ min: 0, max: 800 }), { nil: undefined }),
    balloonBp: fc.option(fc.integer({ min: 0, max: 5_000 }), { nil: undefined }),
    upfrontFee: fc.option(fc.integer({ min: 0, max: 1_000_000 }), { nil: undefined }),
    monthlyFeeBp: fc.option(fc.integer({ min: 10, max: 300 }), { nil: undefined }),
  })
  .map((x) => ({
    priceFen: x.priceFen,
    downPayment: 'ratioBp' in x.down ? x.down : { amountFen: Math.min(x.down.amountFen, x.priceFen) },
    termMonths: x.termMonths,
    method: x.method,
    annualRateBp: x.annualRateBp,
    standardRateBp: x.subsidy === undefined ? undefined : Math.min(2_400, x.annualRateBp + x.subsidy),
    balloon: x.balloonBp === undefined ? undefined : { ratioBp: x.balloonBp },
    fees: [
      ...(x.upfrontFee === undefined ? [] : [{ code: 'SERVICE', name: '金融服务费', amountFen: x.upfrontFee, when: 'upfront' as const }]),
      ...(x.monthlyFeeBp === undefined ? [] : [{ code: 'MGMT', name: '账户管理费', rateBp: x.monthlyFeeBp, when: 'monthly' as const }]),
    ],
  }));

/** Compute, or check the refusal is the right one and return null. */
function computeOrExplain(input: LoanInput): LoanQuote | null {
  const r = computeLoan(input);
  if (r.ok) return r.quote;
  const down = 'ratioBp' in input.downPayment ? Math.floor((input.priceFen * input.downPayment.ratioBp) / 10_000 + 0.5) : input.downPayment.amountFen;
  const balloon = input.balloon && 'ratioBp' in input.balloon ? Math.floor((input.priceFen * input.balloon.ratioBp) / 10_000 + 0.5) : 0;
  // The generator only produces valid shapes: the one legitimate refusal is a too-small amortised part
  // (or a monthly fee under the minimum).
  expect(['FINANCED_TOO_SMALL', 'BALLOON_OUT_OF_RANGE', 'INVALID_FEE']).toContain(r.error.code);
  if (r.error.code !== 'INVALID_FEE') expect(input.priceFen - down - balloon).toBeLessThan(MIN_AMORTISED_FEN);
  expect(r.error.message).toMatch(/[\u4e00-\u9fff]/);
  return null;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('finance calculator properties', () => {
  it('schedules are exact: principal sums to the financed amount, the last payment closes the balance, every amount is a whole non-negative fen', () => {
    fc.assert(
      fc.property(loanInput, (input) => {
        const q = computeOrExplain(input);
        if (!q) return;
        const { totals, schedule } = q;
        const n = input.termMonths;
        expect(schedule).toHaveLength(n);
        expect(sum(schedule.map((r) => r.principalFen))).toBe(totals.financedFen);
        expect(schedule[n - 1].balanceFen).toBe(0);
        expect(totals.downPaymentFen + totals.financedFen).toBe(input.priceFen);
        let balance = totals.financedFen;
        for (const row of schedule) {
          for (const v of [row.paymentFen, row.principalFen, row.interestFen, row.feeFen, row.balanceFen]) {
            expect(Number.isSafeInteger(v) && v >= 0).toBe(true);
          }
          expect(row.paymentFen).toBe(row.principalFen + row.interestFen + row.feeFen);
          expect(row.balanceFen).toBe(balance - row.principalFen);
          // Interest on the balance, rounded half-up: checked in exact BigInt arithmetic.
          expect(row.interestFen).toBe(exactInterestFen(balance, input.annualRateBp));
          // The balloon stays owed until the last month.
          if (row.period < n) expect(row.balanceFen).toBeGreaterThanOrEqual(totals.balloonFen);
          balance = row.balanceFen;
        }
        expect(schedule[n - 1].balloonFen).toBe(totals.balloonFen);
        expect(totals.totalInterestFen).toBe(sum(schedule.map((r) => r.interestFen)));
        expect(totals.totalFeesFen).toBe(totals.upfrontFeesFen + sum(schedule.map((r) => r.feeFen)));
        expect(totals.totalRepaymentFen).toBe(sum(schedule.map((r) => r.paymentFen)));
        expect(totals.totalCostFen).toBe(input.priceFen + totals.totalInterestFen + totals.totalFeesFen);
        expect(totals.costOfCreditFen).toBe(totals.totalInterestFen + totals.totalFeesFen);
      }),
      { numRuns: 400 },
    );
  }, SLOW);

  it('等额本息 pays the exact annuity (rounded half-up) every month but the last, which differs by only rounding drift', () => {
    fc.assert(
      fc.property(loanInput.filter((i) => i.method === 'equal_installment'), (input) => {
        const q = computeOrExplain(input);
        if (!q) return;
        const n = input.termMonths;
        const a = exactAnnuityFen(q.totals.financedFen, q.totals.balloonFen, input.annualRateBp, n);
        for (const row of q.schedule.slice(0, n - 1)) expect(row.principalFen + row.interestFen).toBe(a);
        const last = q.schedule[n - 1];
        // Each month's rounding (≤ ½ fen on the payment, ≤ ½ fen on the interest) grows with the balance.
        const growth = Math.pow(1 + input.annualRateBp / 120_000, n);
        expect(Math.abs(last.principalFen + last.interestFen - a - q.totals.balloonFen)).toBeLessThanOrEqual(Math.ceil(n * growth));
      }),
      { numRuns: 400 },
    );
  }, SLOW);

  it('the annuity payment equals the exact rational one (BigInt), rounded half-up, on 5,000 random loans', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 100_000, max: 10_000_000_000 }),
        fc.double({ min: 0, max: 0.9, noNaN: true }),
        fc.integer({ min: 0, max: 2_400 }),
        fc.integer({ min: 12, max: 60 }),
        (financed, balloonShare, bp, n) => {
          const balloon = Math.floor(financed * balloonShare);
          expect(annuityPaymentFen(financed, balloon, bp, n)).toBe(exactAnnuityFen(financed, balloon, bp, n));
        },
      ),
      { numRuns: 5_000 },
    );
  }, SLOW);

  it('等额本金 repays the same principal every month but the last, and payments never rise', () => {
    fc.assert(
      fc.property(loanInput.filter((i) => i.method === 'equal_principal'), (input) => {
        const q = computeOrExplain(input);
        if (!q) return;
        const n = input.termMonths;
        const even = Math.floor((q.totals.financedFen - q.totals.balloonFen) / n + 0.5);
        for (const row of q.schedule.slice(0, n - 1)) expect(row.principalFen).toBe(even);
        for (let k = 1; k < n - 1; k++) expect(q.schedule[k].principalFen + q.schedule[k].interestFen).toBeLessThanOrEqual(q.schedule[k - 1].principalFen + q.schedule[k - 1].interestFen);
      }),
      { numRuns: 300 },
    );
  }, SLOW);

  it('0 % means no interest at all; a subsidy is the interest the standard rate would have cost, never negative', () => {
    fc.assert(
      fc.property(loanInput, (input) => {
        const q = computeOrExplain(input);
        if (!q) return;
        if (input.annualRateBp === 0) {
          expect(q.totals.totalInterestFen).toBe(0);
          expect(q.schedule.every((r) => r.interestFen === 0)).toBe(true);
        }
        expect(q.totals.subsidyFen).toBeGreaterThanOrEqual(0);
        const std = input.standardRateBp ?? input.annualRateBp;
        if (std === input.annualRateBp) expect(q.totals.subsidyFen).toBe(0);
        else {
          const atStandard = computeLoan({ ...input, annualRateBp: std, standardRateBp: undefined });
          expect(atStandard.ok && atStandard.quote.totals.totalInterestFen - q.totals.totalInterestFen).toBe(q.totals.subsidyFen);
        }
      }),
      { numRuns: 300 },
    );
  }, SLOW);

  it('paying more down never raises the monthly payment (nor the interest, beyond rounding); a higher rate never lowers the interest', () => {
    fc.assert(
      fc.property(loanInput, fc.integer({ min: 1, max: 5_000_000 }), fc.integer({ min: 1, max: 300 }), (input, extra, moreBp) => {
        const plain = { ...input, fees: [], standardRateBp: undefined };
        const q = computeOrExplain(plain);
        if (!q) return;
        const more = computeLoan({ ...plain, downPayment: { amountFen: Math.min(input.priceFen, q.totals.downPaymentFen + extra) } });
        if (more.ok) {
          expect(more.quote.totals.monthlyPaymentFen).toBeLessThanOrEqual(q.totals.monthlyPaymentFen);
          // Interest falls too, up to rounding: a payment rounded down leaves a few fen more balance to bear interest.
          expect(more.quote.totals.totalInterestFen).toBeLessThanOrEqual(q.totals.totalInterestFen + input.termMonths);
        }
        const dearer = computeLoan({ ...plain, annualRateBp: Math.min(2_400, input.annualRateBp + moreBp) });
        if (dearer.ok) expect(dearer.quote.totals.totalInterestFen).toBeGreaterThanOrEqual(q.totals.totalInterestFen);
      }),
      { numRuns: 300 },
    );
  }, SLOW);

  it('the APR is the rate itself without fees (±1 bp), and above it with fees', () => {
    fc.assert(
      fc.property(loanInput, (input) => {
        const q = computeOrExplain({ ...input, balloon: undefined });
        if (!q) return;
        if (q.totals.totalFeesFen === 0) expect(Math.abs(q.totals.aprBp - input.annualRateBp)).toBeLessThanOrEqual(1);
        else expect(q.totals.aprBp).toBeGreaterThanOrEqual(input.annualRateBp);
      }),
      { numRuns: 200 },
    );
  }, SLOW);
});
