import { financeProductsResponseSchema, financeQuoteRequestSchema, financeQuoteResponseSchema } from '@carmall/shared-types/schemas';
import { route, type RouteError } from '../../infra/route';
import type { AuthedUser } from '../auth/session';
import { configuratorErrors } from '../configurations/routes';
import type { FinanceService } from './service';

const ratesUnavailable: RouteError = { status: 503, code: 'FINANCE_RATES_UNAVAILABLE', when: 'the bank has never been reached (no last known rates to fall back to)' };

/** Called after a signed-in buyer's quote of a model (the advisors module makes it a lead; never throws). */
export type FinanceQuoteHook = (user: AuthedUser, quote: { modelCode: string; modelName: string; priceFen: number; monthlyPaymentFen: number; termMonths: number; productId: string }) => Promise<void>;

export function financeRoutes(service: FinanceService, onQuote?: FinanceQuoteHook) {
  return [
    route({
      method: 'get',
      path: '/finance/products',
      tag: 'finance',
      summary: "Loan products and rates from the bank (cached; the last known rates with stale=true and their asOf while the bank is down)",
      response: financeProductsResponseSchema,
      responseHeaders: { 'Cache-Control': 'no-store' },
      errors: [ratesUnavailable],
      handler: async (ctx) => {
        const rates = await service.products();
        ctx.set('Cache-Control', 'no-store');
        return rates;
      },
    }),
    route({
      method: 'post',
      path: '/finance/quote',
      tag: 'finance',
      summary: 'Quote a loan for a price or a configuration (priced by the server): full schedule, totals, the brand subsidy and a "¥10,000 more down" comparison',
      body: financeQuoteRequestSchema,
      response: financeQuoteResponseSchema,
      errors: [
        { status: 404, code: 'NOT_FOUND', when: 'unknown productId (details.offered lists the products)' },
        { status: 422, code: 'LOAN_TERMS_INVALID', when: "the choices break the product's limits; details.reason: TERM_NOT_OFFERED | METHOD_NOT_OFFERED | DOWN_PAYMENT_OUT_OF_RANGE | BALLOON_OUT_OF_RANGE | FINANCED_TOO_SMALL | INVALID_PRICE" },
        ...configuratorErrors,
        ratesUnavailable,
      ],
      handler: async (_ctx, { body, user }) => {
        const quote = await service.quote(body);
        const vehicle: { priceFen: number; modelCode?: string; modelName?: string } = quote.vehicle;
        if (user && onQuote && vehicle.modelCode)
          await onQuote(user, {
            modelCode: vehicle.modelCode,
            modelName: vehicle.modelName ?? vehicle.modelCode,
            priceFen: vehicle.priceFen,
            monthlyPaymentFen: quote.totals.monthlyPaymentFen,
            termMonths: quote.termMonths,
            productId: quote.product.id,
          });
        return quote;
      },
    }),
  ];
}
