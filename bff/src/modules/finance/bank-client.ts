import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { LoanFee, LoanMethod, LoanProduct } from '@carmall/shared-types';

/**
 * Adapter for the partner bank's auto-loan open API (BANK_API_BASE). Requests are signed with
 * HMAC-SHA256 over "METHOD\nPATH?QUERY\nTIMESTAMP\nNONCE\nBODY" (headers X-Bank-App-Id,
 * X-Bank-Timestamp, X-Bank-Nonce, X-Bank-Signature); answers carry the same kind of signature over
 * "TIMESTAMP\nNONCE\nBODY", which is checked before anything in them is used. The bank's decimal
 * strings (percent rates, fraction ratios, yuan amounts) are converted to the calculator's integer
 * units exactly (string parsing, never floats).
 */
export class BankError extends Error {
  constructor(
    /** Bank code (SYSTEM_BUSY, AUTH_SIGNATURE_INVALID…) or ours: TIMEOUT, NETWORK, BAD_SIGNATURE, BAD_ANSWER. */
    public readonly code: string,
    message: string,
    public readonly status?: number,
  ) {
    super(message);
    this.name = 'BankError';
  }
}

export interface BankRates {
  asOf: string;
  products: LoanProduct[];
}

/** "3.85" (percent) → 385 bp. At most 2 decimals. */
export function percentToBp(s: string): number {
  const m = /^(\d{1,2})(?:\.(\d{1,2}))?$/.exec(s);
  if (!m) throw new BankError('BAD_ANSWER', `not a percent with ≤ 2 decimals: ${JSON.stringify(s)}`);
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/** "0.15" (fraction) → 1500 bp. In [0, 1], at most 4 decimals. */
export function fractionToBp(s: string): number {
  const m = /^([01])(?:\.(\d{1,4}))?$/.exec(s);
  if (!m) throw new BankError('BAD_ANSWER', `not a fraction with ≤ 4 decimals: ${JSON.stringify(s)}`);
  const bp = Number(m[1]) * 10_000 + Number((m[2] ?? '').padEnd(4, '0'));
  if (bp > 10_000) throw new BankError('BAD_ANSWER', `fraction above 1: ${s}`);
  return bp;
}

/** "1500.00" (yuan) → 150000 fen. */
export function yuanStringToFen(s: string): number {
  const m = /^(\d{1,10})(?:\.(\d{1,2}))?$/.exec(s);
  if (!m) throw new BankError('BAD_ANSWER', `not a yuan amount: ${JSON.stringify(s)}`);
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

const bankProductSchema = z.object({
  productId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/),
  productName: z.string().min(1),
  lender: z.string().min(1),
  repaymentMethods: z.array(z.enum(['EQUAL_INSTALLMENT', 'EQUAL_PRINCIPAL'])).min(1),
  rates: z.array(z.object({ term: z.number().int().min(12).max(60), annualRate: z.string(), standardRate: z.string().optional() })).min(1),
  downPaymentRatio: z.object({ min: z.string(), max: z.string() }),
  balloonRatioMax: z.string(),
  fees: z.array(z.object({ code: z.string(), name: z.string(), type: z.enum(['FIXED', 'RATE']), value: z.string(), collect: z.enum(['UPFRONT', 'MONTHLY']) })),
  promotion: z.string().optional(),
});
const answerSchema = z.object({
  code: z.string(),
  message: z.string().optional(),
  data: z.object({ asOf: z.iso.datetime({ offset: true }), products: z.array(z.unknown()) }).optional(),
});

const METHODS: Record<'EQUAL_INSTALLMENT' | 'EQUAL_PRINCIPAL', LoanMethod> = {
  EQUAL_INSTALLMENT: 'equal_installment',
  EQUAL_PRINCIPAL: 'equal_principal',
};

/** One bank product in the calculator's units. Throws BankError('BAD_ANSWER') on anything it cannot represent exactly. */
export function toLoanProduct(raw: unknown): LoanProduct {
  const parsed = bankProductSchema.safeParse(raw);
  if (!parsed.success) throw new BankError('BAD_ANSWER', `product does not match the bank's schema: ${parsed.error.issues[0]?.message}`);
  const p = parsed.data;
  const fees: LoanFee[] = p.fees.map((f) => ({
    code: f.code,
    name: f.name,
    ...(f.type === 'FIXED' ? { amountFen: yuanStringToFen(f.value) } : { rateBp: fractionToBp(f.value) }),
    when: f.collect === 'UPFRONT' ? 'upfront' : 'monthly',
  }));
  return {
    id: p.productId,
    name: p.productName,
    lender: p.lender,
    methods: p.repaymentMethods.map((m) => METHODS[m]),
    rates: p.rates
      .map((r) => ({
        termMonths: r.term,
        annualRateBp: percentToBp(r.annualRate),
        ...(r.standardRate !== undefined ? { standardRateBp: percentToBp(r.standardRate) } : {}),
      }))
      .sort((a, b) => a.termMonths - b.termMonths),
    minDownRatioBp: fractionToBp(p.downPaymentRatio.min),
    maxDownRatioBp: fractionToBp(p.downPaymentRatio.max),
    maxBalloonRatioBp: fractionToBp(p.balloonRatioMax),
    fees,
    ...(p.promotion ? { promotion: p.promotion } : {}),
  };
}

export class BankClient {
  constructor(private readonly cfg: { baseUrl: string; appId: string; secret: string; timeoutMs: number }) {}

  private sign(data: string) {
    return createHmac('sha256', this.cfg.secret).update(data).digest('hex');
  }

  /** The bank's current loan products and rates. Throws BankError when the bank cannot be used. */
  async fetchRates(): Promise<BankRates> {
    const pathAndQuery = '/v1/loan-products?channel=ONLINE';
    const url = new URL(pathAndQuery, this.cfg.baseUrl.replace(/\/?$/, '/'));
    const signedPath = url.pathname + url.search;
    const ts = String(Math.floor(Date.now() / 1000));
    const nonce = randomBytes(16).toString('hex');
    let res: Response;
    let text: string;
    try {
      res = await fetch(url, {
        headers: {
          accept: 'application/json',
          'x-bank-app-id': this.cfg.appId,
          'x-bank-timestamp': ts,
          'x-bank-nonce': nonce,
          'x-bank-signature': this.sign(`GET\n${signedPath}\n${ts}\n${nonce}\n`),
        },
        signal: AbortSignal.timeout(this.cfg.timeoutMs),
      });
      text = await res.text();
    } catch (err) {
      const e = err as Error;
      throw new BankError(e.name === 'TimeoutError' ? 'TIMEOUT' : 'NETWORK', `bank unreachable: ${e.message}`);
    }
    const given = Buffer.from(res.headers.get('x-bank-signature') ?? '', 'hex');
    const expected = Buffer.from(this.sign(`${res.headers.get('x-bank-timestamp') ?? ''}\n${res.headers.get('x-bank-nonce') ?? ''}\n${text}`), 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new BankError('BAD_SIGNATURE', `bank answer (HTTP ${res.status}) has no valid signature`, res.status);
    }
    let json: z.infer<typeof answerSchema>;
    try {
      json = answerSchema.parse(JSON.parse(text));
    } catch {
      throw new BankError('BAD_ANSWER', `bank answer (HTTP ${res.status}) is not the documented JSON`, res.status);
    }
    if (!res.ok || json.code !== '000000' || !json.data) throw new BankError(json.code, json.message ?? 'bank refused', res.status);
    return { asOf: new Date(json.data.asOf).toISOString(), products: json.data.products.map(toLoanProduct) };
  }
}
