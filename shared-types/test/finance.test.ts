import { describe, expect, it } from 'vitest';
import { annuityPaymentFen, compareQuotes, computeLoan, quoteProduct, type LoanInput, type LoanProduct, type LoanQuote, type ProductLoanRequest } from '../src';
import { exactAnnuityFen, exactInterestFen } from './finance.exact';

const yuan = (y: number) => Math.round(y * 100);

function quote(input: Partial<LoanInput> & Pick<LoanInput, 'priceFen'>): LoanQuote {
  const r = computeLoan({ downPayment: { amountFen: 0 }, termMonths: 36, method: 'equal_installment', annualRateBp: 490, ...input });
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.quote;
}

describe('published bank examples', () => {
  // ¥100,000 at 4.90 % over 36 months, the example on most Chinese bank calculators.
  // Exact annuity: 100000 × r(1+r)^36 / ((1+r)^36 − 1), r = 0.049/12 = 2992.601997… → ¥2,992.60.
  // (The figure ¥2,992.64 sometimes quoted for this loan does not match the formula at 4.90 %.)
  it('等额本息 ¥100,000, 4.90 %, 36 期: ¥2,992.60 a month, about ¥7,733.67 interest', () => {
    const q = quote({ priceFen: yuan(100_000) });
    expect(q.totals.monthlyPaymentFen).toBe(yuan(2_992.6));
    expect(q.schedule.slice(0, 35).every((r) => r.paymentFen === yuan(2_992.6))).toBe(true);
    // Month 1: interest 100000 × 0.049 / 12 = 408.333… → ¥408.33; principal ¥2,584.27.
    expect(q.schedule[0]).toMatchObject({ interestFen: yuan(408.33), principalFen: yuan(2_584.27), balanceFen: yuan(97_415.73) });
    // Formula total interest: 36 × 2992.601997… − 100000 = 7733.67; per-month rounding moves it by fen only.
    expect(Math.abs(q.totals.totalInterestFen - yuan(7_733.67))).toBeLessThanOrEqual(5);
    expect(q.schedule[35].balanceFen).toBe(0);
    expect(q.totals.aprBp).toBe(490);
  });

  it('等额本金 ¥100,000, 4.90 %, 36 期: month 1 ¥3,186.11, month 2 ¥3,174.77, about ¥7,554.17 interest', () => {
    const q = quote({ priceFen: yuan(100_000), method: 'equal_principal' });
    // Principal 100000 / 36 = 2777.777… → ¥2,777.78; interest ¥408.33.
    expect(q.schedule[0]).toMatchObject({ principalFen: yuan(2_777.78), interestFen: yuan(408.33), paymentFen: yuan(3_186.11) });
    // Balance 97222.22 × 0.049 / 12 = 396.990… → ¥396.99.
    expect(q.schedule[1]).toMatchObject({ principalFen: yuan(2_777.78), interestFen: yuan(396.99), paymentFen: yuan(3_174.77) });
    // The last month takes the residue: 100000 − 35 × 2777.78 = 2777.70.
    expect(q.schedule[35].principalFen).toBe(yuan(2_777.7));
    // Closed form: P · r · (n + 1) / 2 = 100000 × 0.049/12 × 18.5 = 7554.166…
    expect(Math.abs(q.totals.totalInterestFen - yuan(7_554.17))).toBeLessThanOrEqual(5);
    expect(q.totals.monthlyPaymentFen).toBe(yuan(3_186.11));
  });

  it('decides half-fen near-ties exactly (the textbook formula in double precision rounds this one down)', () => {
    // ¥3,706,277.41 at 0.01 % over 40 months: the exact payment is 9267276.50005… fen, just above the tie.
    expect(annuityPaymentFen(370_627_741, 0, 1, 40)).toBe(exactAnnuityFen(370_627_741, 0, 1, 40));
    expect(annuityPaymentFen(370_627_741, 0, 1, 40)).toBe(9_267_277);
  });

  it('agrees with exact rational arithmetic for the 等额本息 payment', () => {
    for (const [p, bp, n] of [[10_000_000, 490, 36], [15_980_000, 385, 60], [23_980_000, 1200, 24], [9_999_999, 1, 12], [123_456_789, 2400, 60]]) {
      expect(quote({ priceFen: p, annualRateBp: bp, termMonths: n }).totals.monthlyPaymentFen).toBe(exactAnnuityFen(p, 0, bp, n));
    }
  });
});

describe('down payment, balloon, promotions, fees', () => {
  it('down payment by ratio rounds half-up to the fen', () => {
    const q = quote({ priceFen: 15_980_001, downPayment: { ratioBp: 1500 } }); // 15 % of 159,800.01 = 23,970.0015
    expect(q.totals.downPaymentFen).toBe(2_397_000);
    expect(q.totals.financedFen).toBe(15_980_001 - 2_397_000);
  });

  it('弹性尾款: the payment is the annuity of (financed − balloon) plus the balloon\'s interest, and the balloon is due with the last instalment', () => {
    // ¥200,000 car, 30 % down, 30 % balloon, 36 期 4.90 %: annuity(¥80,000) = 2394.0816 plus 60000 × r = 245.00.
    const q = quote({ priceFen: yuan(200_000), downPayment: { ratioBp: 3000 }, balloon: { ratioBp: 3000 } });
    expect(q.totals).toMatchObject({ downPaymentFen: yuan(60_000), financedFen: yuan(140_000), balloonFen: yuan(60_000) });
    expect(q.totals.monthlyPaymentFen).toBe(yuan(2_639.08));
    const last = q.schedule[35];
    expect(last.balloonFen).toBe(yuan(60_000));
    expect(Math.abs(last.paymentFen - yuan(60_000 + 2_639.08))).toBeLessThanOrEqual(36);
    expect(q.schedule[34].balanceFen).toBe(last.principalFen);
    expect(last.balanceFen).toBe(0);
    // Balance never drops below the balloon before the last month.
    expect(q.schedule.slice(0, 35).every((r) => r.balanceFen >= yuan(60_000))).toBe(true);
  });

  it('0 息 promotion: no interest for the buyer, the brand subsidy is the interest at the standard rate', () => {
    const promo = quote({ priceFen: yuan(100_000), annualRateBp: 0, standardRateBp: 490 });
    const standard = quote({ priceFen: yuan(100_000) });
    expect(promo.totals.totalInterestFen).toBe(0);
    expect(promo.schedule.every((r) => r.interestFen === 0)).toBe(true);
    // 100000 / 36 = 2777.777… → ¥2,777.78; last: 100000 − 35 × 2777.78 = 2777.70.
    expect(promo.totals.monthlyPaymentFen).toBe(yuan(2_777.78));
    expect(promo.totals.lastPaymentFen).toBe(yuan(2_777.7));
    expect(promo.totals.subsidyFen).toBe(standard.totals.totalInterestFen);
    expect(promo.totals.aprBp).toBe(0);
    expect(standard.totals.subsidyFen).toBe(0);
  });

  it('fees: upfront fees are due at signing, monthly fees are spread with the residue in the last month, and both raise the APR', () => {
    const q = quote({
      priceFen: yuan(100_000),
      fees: [
        { code: 'SERVICE', name: '金融服务费', amountFen: yuan(1_000), when: 'upfront' },
        { code: 'MGMT', name: '账户管理费', rateBp: 100, when: 'monthly' }, // 1 % of 100,000 = ¥1,000 over 36 months
      ],
    });
    expect(q.totals.upfrontFeesFen).toBe(yuan(1_000));
    expect(q.totals.dueAtSigningFen).toBe(yuan(1_000));
    expect(q.totals.totalFeesFen).toBe(yuan(2_000));
    // 1000 / 36 = 27.777… → ¥27.78; last 1000 − 35 × 27.78 = 27.70.
    expect(q.schedule[0].feeFen).toBe(yuan(27.78));
    expect(q.schedule[35].feeFen).toBe(yuan(27.7));
    expect(q.totals.monthlyPaymentFen).toBe(yuan(2_992.6 + 27.78));
    expect(q.schedule.reduce((s, r) => s + r.feeFen, 0)).toBe(yuan(1_000));
    expect(q.totals.totalCostFen).toBe(q.totals.dueAtSigningFen + q.totals.totalRepaymentFen);
    expect(q.totals.costOfCreditFen).toBe(q.totals.totalInterestFen + q.totals.totalFeesFen);
    expect(q.totals.aprBp).toBeGreaterThan(490 + 100);
    expect(q.totals.aprBp).toBeLessThan(490 + 200);
  });

  it('rejects impossible terms with a code and a Chinese message', () => {
    const cases: Array<[Partial<LoanInput>, string]> = [
      [{ termMonths: 6 }, 'TERM_OUT_OF_RANGE'],
      [{ termMonths: 72 }, 'TERM_OUT_OF_RANGE'],
      [{ termMonths: 36.5 }, 'TERM_OUT_OF_RANGE'],
      [{ annualRateBp: -1 }, 'RATE_OUT_OF_RANGE'],
      [{ annualRateBp: 490, standardRateBp: 300 }, 'RATE_OUT_OF_RANGE'],
      [{ downPayment: { ratioBp: 10_001 } }, 'DOWN_PAYMENT_OUT_OF_RANGE'],
      [{ downPayment: { amountFen: -1 } }, 'DOWN_PAYMENT_OUT_OF_RANGE'],
      [{ downPayment: { ratioBp: 9_990 } }, 'FINANCED_TOO_SMALL'],
      [{ balloon: { ratioBp: 9_950 } }, 'BALLOON_OUT_OF_RANGE'],
      [{ fees: [{ code: 'X', name: '手续费', amountFen: 100, rateBp: 100, when: 'upfront' }] }, 'INVALID_FEE'],
      [{ fees: [{ code: 'X', name: '手续费', amountFen: 50, when: 'monthly' }] }, 'INVALID_FEE'],
      [{ priceFen: 0 }, 'INVALID_PRICE'],
      [{ priceFen: 1.5 }, 'INVALID_PRICE'],
    ];
    for (const [patch, code] of cases) {
      const r = computeLoan({ priceFen: yuan(100_000), downPayment: { amountFen: 0 }, termMonths: 36, method: 'equal_installment', annualRateBp: 490, ...patch });
      expect(r.ok ? 'ok' : r.error.code, JSON.stringify(patch)).toBe(code);
      if (!r.ok) expect(r.error.message).toMatch(/[\u4e00-\u9fff]/);
    }
  });
});

describe('quoteProduct', () => {
  const product: LoanProduct = {
    id: 'YS-LOWRATE',
    name: '远山金融 低息贷',
    lender: '远山汽车金融',
    methods: ['equal_installment', 'equal_principal'],
    rates: [
      { termMonths: 12, annualRateBp: 0, standardRateBp: 399 },
      { termMonths: 36, annualRateBp: 399 },
    ],
    minDownRatioBp: 1500,
    maxDownRatioBp: 8000,
    maxBalloonRatioBp: 3000,
    fees: [{ code: 'SERVICE', name: '金融服务费', amountFen: yuan(2_000), when: 'upfront' }],
  };
  const base = { priceFen: yuan(159_800), downPayment: { ratioBp: 3000 }, termMonths: 36 };

  it('uses the tier rate and the product fees', () => {
    const r = quoteProduct(product, base);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.quote.input.annualRateBp).toBe(399);
    expect(r.quote.totals.upfrontFeesFen).toBe(yuan(2_000));
    expect(r.quote.totals.monthlyPaymentFen).toBe(exactAnnuityFen(yuan(111_860), 0, 399, 36));
    const zero = quoteProduct(product, { ...base, termMonths: 12 });
    expect(zero.ok && zero.quote.totals.totalInterestFen).toBe(0);
    expect(zero.ok && zero.quote.totals.subsidyFen).toBeGreaterThan(0);
  });

  it('enforces the product limits exactly (no float ratios)', () => {
    const code = (req: Partial<ProductLoanRequest>, p: LoanProduct = product) => {
      const r = quoteProduct(p, { ...base, ...req });
      return r.ok ? 'ok' : r.error.code;
    };
    expect(code({ termMonths: 24 })).toBe('TERM_NOT_OFFERED');
    expect(code({ downPayment: { ratioBp: 1499 } })).toBe('DOWN_PAYMENT_OUT_OF_RANGE');
    expect(code({ downPayment: { ratioBp: 1500 } })).toBe('ok');
    // 15 % of ¥159,800 is exactly ¥23,970: one fen less is refused, the exact amount accepted.
    expect(code({ downPayment: { amountFen: yuan(23_970) - 1 } })).toBe('DOWN_PAYMENT_OUT_OF_RANGE');
    expect(code({ downPayment: { amountFen: yuan(23_970) } })).toBe('ok');
    expect(code({ downPayment: { ratioBp: 8001 } })).toBe('DOWN_PAYMENT_OUT_OF_RANGE');
    expect(code({ balloon: { ratioBp: 3000 } })).toBe('ok');
    expect(code({ balloon: { ratioBp: 3001 } })).toBe('BALLOON_OUT_OF_RANGE');
    expect(code({ balloon: { ratioBp: 1000 } }, { ...product, maxBalloonRatioBp: 0 })).toBe('BALLOON_OUT_OF_RANGE');
    const r = quoteProduct({ ...product, methods: ['equal_installment'] }, { ...base, method: 'equal_principal' });
    expect(r.ok ? 'ok' : r.error.code).toBe('METHOD_NOT_OFFERED');
  });
});

describe('compareQuotes', () => {
  it('首付多付 ¥10,000: the monthly payment falls by the annuity of ¥10,000', () => {
    const a = quote({ priceFen: yuan(200_000), downPayment: { amountFen: yuan(60_000) } });
    const b = quote({ priceFen: yuan(200_000), downPayment: { amountFen: yuan(70_000) } });
    const c = compareQuotes(a, b);
    // annuity(140000) = 4189.6428 → 4189.64, annuity(130000) = 3890.3826 → 3890.38.
    expect(c.monthlyPaymentDeltaFen).toBe(-yuan(299.26));
    expect(c.downPaymentDeltaFen).toBe(yuan(10_000));
    expect(c.totalInterestDeltaFen).toBe(b.totals.totalInterestFen - a.totals.totalInterestFen);
    expect(c.totalInterestDeltaFen).toBeLessThan(0);
    expect(c.summary).toMatch(/^首付多付 ¥10,000，月供减少 ¥299\.26，总利息减少 ¥\d{3}\.\d\d$/);
    expect(compareQuotes(b, a).summary).toMatch(/^首付少付 ¥10,000，月供增加 ¥299\.26，总利息增加/);
    expect(compareQuotes(a, a).summary).toBe('月供不变');
  });

  it('a longer term lowers the monthly payment and raises the interest', () => {
    const c = compareQuotes(quote({ priceFen: yuan(150_000), termMonths: 36 }), quote({ priceFen: yuan(150_000), termMonths: 60 }));
    expect(c.monthlyPaymentDeltaFen).toBeLessThan(0);
    expect(c.totalInterestDeltaFen).toBeGreaterThan(0);
    expect(c.summary.startsWith('月供减少')).toBe(true);
  });
});

describe('interest is exact', () => {
  it('each month is balance × rate / 12 rounded half-up (checked in BigInt)', () => {
    const q = quote({ priceFen: 12_345_678, annualRateBp: 437, termMonths: 48, method: 'equal_principal' });
    let balance = q.totals.financedFen;
    for (const row of q.schedule) {
      expect(row.interestFen).toBe(exactInterestFen(balance, 437));
      balance = row.balanceFen;
    }
  });
});
