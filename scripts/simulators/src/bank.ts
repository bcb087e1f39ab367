import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readBody, sendJson, startSimulator, type RunningSimulator } from './server';

/**
 * The partner bank's (or captive finance company's) auto-loan open API, in the style of Chinese
 * bank open platforms: JSON over HTTPS, every request and every answer signed with HMAC-SHA256
 * under the app's secret.
 *
 * Request headers:  X-Bank-App-Id, X-Bank-Timestamp (unix seconds, ±300 s), X-Bank-Nonce (unique per
 *                   request, 8-64 chars; replays refused for 10 minutes), X-Bank-Signature =
 *                   hex(HMAC-SHA256(secret, METHOD + "\n" + PATH?QUERY + "\n" + TIMESTAMP + "\n" + NONCE + "\n" + BODY)).
 * Answer headers:   X-Bank-Timestamp, X-Bank-Nonce, X-Bank-Signature =
 *                   hex(HMAC-SHA256(secret, TIMESTAMP + "\n" + NONCE + "\n" + BODY)), so the caller can
 *                   tell the answer came from the bank untouched.
 * Answer body:      { code, message, data? } with code "000000" on success.
 *
 *   GET /v1/loan-products[?channel=ONLINE]
 *     data: { asOf (ISO 8601 UTC: when these rates took effect), products: [{ productId, productName,
 *       lender, repaymentMethods: ["EQUAL_INSTALLMENT" | "EQUAL_PRINCIPAL"], rates: [{ term, annualRate,
 *       standardRate? }] (percent strings, "3.85"), downPaymentRatio: { min, max } (fraction strings,
 *       "0.15"), balloonRatioMax ("0" without a balloon option), fees: [{ code, name, type: FIXED|RATE,
 *       value (yuan "2000.00" or fraction "0.0100"), collect: UPFRONT|MONTHLY }], promotion? }] }
 *
 * Errors (HTTP status, code): 401 AUTH_APP_UNKNOWN, 401 AUTH_SIGNATURE_INVALID, 401
 * AUTH_TIMESTAMP_EXPIRED, 409 AUTH_NONCE_REPLAYED, 400 PARAM_INVALID, 404 PATH_NOT_FOUND,
 * 429 RATE_LIMITED, 503 SYSTEM_BUSY (maintenance / overload).
 *
 * Test controls (under /__sim/bank/):
 *   POST /__sim/bank/fail   { times (-1 = until cleared, 0 = clear), status?: 503, code?: "SYSTEM_BUSY" }
 *   POST /__sim/bank/delay  { ms, times? (-1 = until cleared) }  answers late (tests the caller's timeout)
 *   POST /__sim/bank/rates  { asOf?, products? }                 publishes new rates (replaces the book)
 *   POST /__sim/bank/tamper { times }                             signs answers with a wrong key
 *   GET  /__sim/bank/stats                                        { requests, productRequests }
 */
export interface BankSimulatorOptions {
  appId: string;
  secret: string;
  port?: number;
  /** Initial rate book (defaults to DEFAULT_BANK_PRODUCTS as of 2026-01-01). */
  asOf?: string;
  products?: BankProduct[];
}

export interface BankProduct {
  productId: string;
  productName: string;
  lender: string;
  repaymentMethods: Array<'EQUAL_INSTALLMENT' | 'EQUAL_PRINCIPAL'>;
  rates: Array<{ term: number; annualRate: string; standardRate?: string }>;
  downPaymentRatio: { min: string; max: string };
  balloonRatioMax: string;
  fees: Array<{ code: string; name: string; type: 'FIXED' | 'RATE'; value: string; collect: 'UPFRONT' | 'MONTHLY' }>;
  promotion?: string;
}

/** A realistic book: a standard bank loan, a brand-subsidised 0-interest plan, and a balloon plan. */
export const DEFAULT_BANK_PRODUCTS: BankProduct[] = [
  {
    productId: 'BANK-STD',
    productName: '招远银行 车贷标准方案',
    lender: '招远银行',
    repaymentMethods: ['EQUAL_INSTALLMENT', 'EQUAL_PRINCIPAL'],
    rates: [
      { term: 12, annualRate: '3.20' },
      { term: 24, annualRate: '3.45' },
      { term: 36, annualRate: '3.85' },
      { term: 48, annualRate: '4.05' },
      { term: 60, annualRate: '4.25' },
    ],
    downPaymentRatio: { min: '0.15', max: '0.80' },
    balloonRatioMax: '0',
    fees: [],
  },
  {
    productId: 'YS-ZERO',
    productName: '远山金融 0息购车',
    lender: '远山汽车金融',
    repaymentMethods: ['EQUAL_INSTALLMENT'],
    rates: [
      { term: 12, annualRate: '0', standardRate: '3.20' },
      { term: 24, annualRate: '0', standardRate: '3.45' },
      { term: 36, annualRate: '1.99', standardRate: '3.85' },
    ],
    downPaymentRatio: { min: '0.30', max: '0.80' },
    balloonRatioMax: '0',
    fees: [{ code: 'SERVICE', name: '金融服务费', type: 'FIXED', value: '1500.00', collect: 'UPFRONT' }],
    promotion: '0息 · 厂家贴息',
  },
  {
    productId: 'YS-BALLOON',
    productName: '远山金融 弹性尾款',
    lender: '远山汽车金融',
    repaymentMethods: ['EQUAL_INSTALLMENT'],
    rates: [
      { term: 24, annualRate: '3.99' },
      { term: 36, annualRate: '4.49' },
    ],
    downPaymentRatio: { min: '0.20', max: '0.60' },
    balloonRatioMax: '0.40',
    fees: [{ code: 'MGMT', name: '账户管理费', type: 'RATE', value: '0.0100', collect: 'MONTHLY' }],
    promotion: '低月供',
  },
];

export function bankRequestSignature(secret: string, method: string, pathAndQuery: string, timestamp: string, nonce: string, body: string): string {
  return createHmac('sha256', secret).update(`${method}\n${pathAndQuery}\n${timestamp}\n${nonce}\n${body}`).digest('hex');
}

export function bankResponseSignature(secret: string, timestamp: string, nonce: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}\n${nonce}\n${body}`).digest('hex');
}

export async function startBankSimulator(opts: BankSimulatorOptions): Promise<RunningSimulator> {
  let book = { asOf: opts.asOf ?? '2026-01-01T00:00:00.000Z', products: opts.products ?? DEFAULT_BANK_PRODUCTS };
  let fault: { times: number; status: number; code: string } | null = null;
  let delay: { ms: number; times: number } | null = null;
  let tamper = 0;
  const nonces = new Map<string, number>();
  const stats = { requests: 0, productRequests: 0 };

  const answer = (res: Parameters<typeof sendJson>[0], status: number, payload: unknown) => {
    const body = JSON.stringify(payload);
    const ts = String(Math.floor(Date.now() / 1000));
    const nonce = randomBytes(12).toString('hex');
    const key = tamper > 0 ? (tamper--, 'not-the-secret') : opts.secret;
    res.writeHead(status, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
      'X-Bank-Timestamp': ts,
      'X-Bank-Nonce': nonce,
      'X-Bank-Signature': bankResponseSignature(key, ts, nonce, body),
    });
    res.end(body);
  };
  const fail = (res: Parameters<typeof sendJson>[0], status: number, code: string, message: string) => answer(res, status, { code, message });
  const countDown = (f: { times: number } | null) => {
    if (!f || f.times === 0) return false;
    if (f.times > 0) f.times -= 1;
    return true;
  };

  return startSimulator(
    'bank',
    async (req, res, url) => {
      if (url.pathname.startsWith('/__sim/bank/')) {
        const body = req.method === 'POST' ? JSON.parse((await readBody(req)) || '{}') : {};
        switch (url.pathname) {
          case '/__sim/bank/fail':
            fault = { times: body.times ?? -1, status: body.status ?? 503, code: body.code ?? 'SYSTEM_BUSY' };
            return sendJson(res, 200, { ok: true });
          case '/__sim/bank/delay':
            delay = { ms: body.ms ?? 0, times: body.times ?? -1 };
            return sendJson(res, 200, { ok: true });
          case '/__sim/bank/rates':
            book = { asOf: body.asOf ?? new Date().toISOString(), products: body.products ?? book.products };
            return sendJson(res, 200, { ok: true, asOf: book.asOf });
          case '/__sim/bank/tamper':
            tamper = body.times ?? 1;
            return sendJson(res, 200, { ok: true });
          case '/__sim/bank/stats':
            return sendJson(res, 200, stats);
          default:
            return sendJson(res, 404, { error: 'unknown control' });
        }
      }
      stats.requests += 1;
      const raw = req.method === 'GET' ? '' : await readBody(req);
      const appId = String(req.headers['x-bank-app-id'] ?? '');
      const ts = String(req.headers['x-bank-timestamp'] ?? '');
      const nonce = String(req.headers['x-bank-nonce'] ?? '');
      const given = Buffer.from(String(req.headers['x-bank-signature'] ?? ''), 'hex');
      if (appId !== opts.appId) return fail(res, 401, 'AUTH_APP_UNKNOWN', '应用不存在或未开通');
      const expected = Buffer.from(bankRequestSignature(opts.secret, req.method ?? 'GET', url.pathname + url.search, ts, nonce, raw), 'hex');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return fail(res, 401, 'AUTH_SIGNATURE_INVALID', '签名校验失败');
      if (!/^\d{10}$/.test(ts) || Math.abs(Date.now() / 1000 - Number(ts)) > 300) return fail(res, 401, 'AUTH_TIMESTAMP_EXPIRED', '请求时间戳超出允许范围');
      const now = Date.now();
      for (const [n, at] of nonces) if (now - at > 600_000) nonces.delete(n);
      if (!/^[A-Za-z0-9_-]{8,64}$/.test(nonce) || nonces.has(nonce)) return fail(res, 409, 'AUTH_NONCE_REPLAYED', '请求重复');
      nonces.set(nonce, now);

      if (countDown(delay)) await new Promise((r) => setTimeout(r, delay!.ms));
      if (countDown(fault)) return fail(res, fault!.status, fault!.code, fault!.code === 'RATE_LIMITED' ? '请求过于频繁' : '系统繁忙，请稍后再试');

      if (req.method === 'GET' && url.pathname === '/v1/loan-products') {
        const channel = url.searchParams.get('channel');
        if (channel !== null && channel !== 'ONLINE' && channel !== 'DEALER') return fail(res, 400, 'PARAM_INVALID', 'channel 取值不正确');
        stats.productRequests += 1;
        return answer(res, 200, { code: '000000', message: '成功', data: book });
      }
      return fail(res, 404, 'PATH_NOT_FOUND', '接口不存在');
    },
    opts.port,
  );
}
