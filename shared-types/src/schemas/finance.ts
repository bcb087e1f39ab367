import { z } from 'zod';
import { LOAN_METHODS } from '../finance/types';
import { modelCodeSchema, optionCodeSchema, trimCodeSchema } from './catalog';
import { fenSchema } from './common';

/** A ratio in [0, 1] with at most 4 decimals (0.3 = 30 %), converted to basis points. */
const ratioSchema = z
  .number()
  .min(0, '比例不能小于 0')
  .max(1, '比例不能大于 1')
  .refine((v) => Math.abs(v * 10_000 - Math.round(v * 10_000)) < 1e-6, { message: '比例最多保留 4 位小数', params: { rule: 'a ratio has at most 4 decimals (whole basis points)' } });

export const productIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/, '贷款方案编号不正确');

/**
 * POST /finance/quote: a car (its cash price, or a configuration the server prices), a product and
 * the buyer's choices. The server recomputes everything; nothing the client computed is trusted.
 */
export const financeQuoteRequestSchema = z
  .object({
    priceFen: fenSchema.min(1).optional(),
    modelCode: modelCodeSchema.optional(),
    trimCode: trimCodeSchema.optional(),
    selections: z.array(optionCodeSchema).max(40).optional(),
    productId: productIdSchema,
    method: z.enum(LOAN_METHODS).optional(),
    downPayment: z.union([z.object({ ratio: ratioSchema }).strict(), z.object({ amountFen: fenSchema }).strict()]),
    termMonths: z.number().int().min(12, '贷款期数至少 12 期').max(60, '贷款期数最多 60 期'),
    balloonRatio: ratioSchema.optional(),
  })
  .strict()
  .refine((b) => b.priceFen === undefined || (b.modelCode === undefined && b.trimCode === undefined && b.selections === undefined), {
    path: ['priceFen'],
    message: 'priceFen 与车型配置只能二选一',
    params: { rule: 'priceFen excludes a configuration (modelCode, trimCode, selections)' },
  })
  .refine((b) => b.priceFen !== undefined || b.modelCode !== undefined, {
    path: ['modelCode'],
    message: '请提供 priceFen，或 modelCode 与 trimCode',
    params: { rule: 'without priceFen, modelCode is required' },
  })
  .refine((b) => b.priceFen !== undefined || b.modelCode === undefined || b.trimCode !== undefined, {
    path: ['trimCode'],
    message: '请提供 priceFen，或 modelCode 与 trimCode',
    params: { rule: 'with modelCode, trimCode is required' },
  });
export type FinanceQuoteRequest = z.infer<typeof financeQuoteRequestSchema>;

const loanFeeSchema = z.object({
  code: z.string(),
  name: z.string(),
  amountFen: fenSchema.optional(),
  rateBp: z.number().int().optional(),
  when: z.enum(['upfront', 'monthly']),
});

export const loanProductSchema = z.object({
  id: z.string(),
  name: z.string(),
  lender: z.string(),
  methods: z.array(z.enum(LOAN_METHODS)),
  rates: z.array(z.object({ termMonths: z.number().int(), annualRateBp: z.number().int(), standardRateBp: z.number().int().optional() })),
  minDownRatioBp: z.number().int(),
  maxDownRatioBp: z.number().int(),
  maxBalloonRatioBp: z.number().int(),
  fees: z.array(loanFeeSchema),
  promotion: z.string().optional(),
});

/** Where the rates come from and how fresh they are: `stale` means the bank was unreachable and these are the last known rates. */
const ratesMetaSchema = {
  /** When the bank's rates took effect (the bank's own "as of"). */
  asOf: z.string(),
  /** When this BFF last fetched them from the bank. */
  fetchedAt: z.string(),
  stale: z.boolean(),
};

export const financeProductsResponseSchema = z.object({ ...ratesMetaSchema, products: z.array(loanProductSchema) });

const scheduleRowSchema = z.object({
  period: z.number().int(),
  paymentFen: fenSchema,
  principalFen: fenSchema,
  interestFen: fenSchema,
  feeFen: fenSchema,
  balloonFen: fenSchema,
  balanceFen: fenSchema,
});

export const loanTotalsSchema = z.object({
  priceFen: fenSchema,
  downPaymentFen: fenSchema,
  financedFen: fenSchema,
  balloonFen: fenSchema,
  monthlyPaymentFen: fenSchema,
  lastPaymentFen: fenSchema,
  totalInterestFen: fenSchema,
  totalFeesFen: fenSchema,
  upfrontFeesFen: fenSchema,
  dueAtSigningFen: fenSchema,
  totalRepaymentFen: fenSchema,
  totalCostFen: fenSchema,
  costOfCreditFen: fenSchema,
  subsidyFen: fenSchema,
  aprBp: z.number().int(),
});

export const financeQuoteResponseSchema = z.object({
  ...ratesMetaSchema,
  product: loanProductSchema,
  vehicle: z.object({
    priceFen: fenSchema,
    modelCode: z.string().optional(),
    modelName: z.string().optional(),
    trimCode: z.string().optional(),
    trimName: z.string().optional(),
    selected: z.array(z.string()).optional(),
  }),
  method: z.enum(LOAN_METHODS),
  annualRateBp: z.number().int(),
  termMonths: z.number().int(),
  totals: loanTotalsSchema,
  schedule: z.array(scheduleRowSchema),
  /** The same plan with ¥10,000 more down (null when the product's limits do not allow it). */
  comparison: z
    .object({
      extraDownPaymentFen: fenSchema,
      monthlyPaymentFen: fenSchema,
      downPaymentDeltaFen: z.number().int(),
      monthlyPaymentDeltaFen: z.number().int(),
      totalInterestDeltaFen: z.number().int(),
      totalCostDeltaFen: z.number().int(),
      summary: z.string(),
    })
    .nullable(),
});
