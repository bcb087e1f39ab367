import type { Redis } from 'ioredis';
import { compareQuotes, quoteProduct, type LoanMethod, type LoanProduct, type ProductLoanRequest } from '@carmall/shared-types';
import type { FinanceQuoteRequest } from '@carmall/shared-types/schemas';
import { AppError } from '../../infra/errors';
import type { Logger } from '../../infra/logger';
import type { ConfigurationService } from '../configurations/service';
import { BankError, type BankClient, type BankRates } from './bank-client';

/** The rate book as the BFF keeps it: the bank's rates plus when we fetched them. */
interface StoredRates extends BankRates {
  fetchedAt: string;
}

export interface RatesView extends StoredRates {
  /** True when the bank could not be reached and these are the last known rates. */
  stale: boolean;
}

/** How much more down the built-in comparison shows (¥10,000). */
export const COMPARISON_EXTRA_DOWN_FEN = 1_000_000;

/**
 * Loan products and quotes. Rates come from the bank through Redis:
 *  - `finance:rates:fresh` (expires after FINANCE_RATES_TTL_SECONDS) answers most reads;
 *  - `finance:rates:last` (never expires) is the fallback when the bank fails: the answer is then
 *    marked `stale` and keeps the old `asOf`/`fetchedAt` so the buyer sees how old the rates are;
 *  - after a failure `finance:rates:cooldown` (FINANCE_BANK_RETRY_SECONDS) keeps us from calling a
 *    failing bank on every request.
 * With no rates at all (bank never reached) the answer is 503 FINANCE_RATES_UNAVAILABLE.
 */
export class FinanceService {
  private inflight: Promise<StoredRates> | null = null;

  constructor(
    private readonly redis: Redis,
    private readonly bank: BankClient | null,
    private readonly configurations: ConfigurationService,
    private readonly logger: Logger,
    private readonly opts: { ttlSeconds: number; retrySeconds: number },
  ) {}

  private async readKey(key: string): Promise<StoredRates | null> {
    try {
      const raw = await this.redis.get(key);
      return raw ? (JSON.parse(raw) as StoredRates) : null;
    } catch (err) {
      this.logger.warn({ err: (err as Error).message, key }, 'finance rates: redis read failed');
      return null;
    }
  }

  /** One bank call at a time per process; concurrent readers share it. */
  private fetchFromBank(): Promise<StoredRates> {
    if (!this.bank) return Promise.reject(new BankError('NOT_CONFIGURED', 'BANK_API_BASE is not set'));
    this.inflight ??= this.bank
      .fetchRates()
      .then(async (rates) => {
        const stored: StoredRates = { ...rates, fetchedAt: new Date().toISOString() };
        const json = JSON.stringify(stored);
        await Promise.all([
          this.redis.set('finance:rates:fresh', json, 'EX', this.opts.ttlSeconds),
          this.redis.set('finance:rates:last', json),
          this.redis.del('finance:rates:cooldown'),
        ]).catch((err: Error) => this.logger.warn({ err: err.message }, 'finance rates: redis write failed'));
        return stored;
      })
      .finally(() => {
        this.inflight = null;
      });
    return this.inflight;
  }

  async rates(): Promise<RatesView> {
    const fresh = await this.readKey('finance:rates:fresh');
    if (fresh) return { ...fresh, stale: false };
    const coolingDown = await this.redis.exists('finance:rates:cooldown').catch(() => 0);
    if (!coolingDown) {
      try {
        return { ...(await this.fetchFromBank()), stale: false };
      } catch (err) {
        const e = err as BankError;
        this.logger.warn({ code: e.code, status: e.status, err: e.message }, 'bank rates unavailable; falling back to the last known rates');
        if (this.opts.retrySeconds > 0) await this.redis.set('finance:rates:cooldown', e.code ?? 'ERROR', 'EX', this.opts.retrySeconds).catch(() => undefined);
      }
    }
    const last = await this.readKey('finance:rates:last');
    if (last) return { ...last, stale: true };
    throw new AppError(503, 'FINANCE_RATES_UNAVAILABLE', '暂时无法获取银行贷款利率，请稍后再试', { upstream: 'bank' });
  }

  async products() {
    return this.rates();
  }

  private async vehicle(body: FinanceQuoteRequest) {
    if (body.priceFen !== undefined) return { priceFen: body.priceFen };
    // The configuration is priced by the server (same engine, same catalog as POST /configurations).
    const priced = await this.configurations.price({ modelCode: body.modelCode!, trimCode: body.trimCode!, selections: body.selections ?? [] });
    return {
      priceFen: priced.config.totalFen,
      modelCode: priced.config.modelCode,
      modelName: priced.model.name,
      trimCode: priced.config.trimCode,
      trimName: priced.trimName,
      selected: priced.config.selected,
    };
  }

  async quote(body: FinanceQuoteRequest) {
    const rates = await this.rates();
    const product = rates.products.find((p) => p.id === body.productId);
    if (!product) throw new AppError(404, 'NOT_FOUND', '贷款方案不存在', { productId: body.productId, offered: rates.products.map((p) => p.id) });
    const vehicle = await this.vehicle(body);
    const req: ProductLoanRequest = {
      priceFen: vehicle.priceFen,
      downPayment: 'ratio' in body.downPayment ? { ratioBp: Math.round(body.downPayment.ratio * 10_000) } : { amountFen: body.downPayment.amountFen },
      termMonths: body.termMonths,
      method: body.method,
      balloon: body.balloonRatio !== undefined && body.balloonRatio > 0 ? { ratioBp: Math.round(body.balloonRatio * 10_000) } : undefined,
    };
    const result = quoteProduct(product, req);
    if (!result.ok) throw new AppError(422, 'LOAN_TERMS_INVALID', result.error.message, { reason: result.error.code, ...result.error.details });
    const { quote } = result;
    return {
      asOf: rates.asOf,
      fetchedAt: rates.fetchedAt,
      stale: rates.stale,
      product,
      vehicle,
      method: quote.input.method as LoanMethod,
      annualRateBp: quote.input.annualRateBp,
      termMonths: quote.input.termMonths,
      totals: quote.totals,
      schedule: quote.schedule,
      comparison: this.moreDown(product, req, quote),
    };
  }

  /** The same plan with ¥10,000 more down, when the product allows it. */
  private moreDown(product: LoanProduct, req: ProductLoanRequest, base: Parameters<typeof compareQuotes>[0]) {
    const alt = quoteProduct(product, { ...req, downPayment: { amountFen: base.totals.downPaymentFen + COMPARISON_EXTRA_DOWN_FEN } });
    if (!alt.ok) return null;
    return { extraDownPaymentFen: COMPARISON_EXTRA_DOWN_FEN, monthlyPaymentFen: alt.quote.totals.monthlyPaymentFen, ...compareQuotes(base, alt.quote) };
  }
}
