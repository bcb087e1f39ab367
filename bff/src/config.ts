import { createHmac } from 'node:crypto';
import { z } from 'zod';

/**
 * All configuration comes from the environment and is validated once at start-up, so a bad value
 * stops the process with a message that names the variable instead of failing later in a request.
 */
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const port = z.coerce.number().int().min(0).max(65535);

const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: port.default(3000),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    MONGODB_URI: z.string().regex(/^mongodb(\+srv)?:\/\/.+/, 'must be a mongodb:// or mongodb+srv:// URI'),
    REDIS_URL: z.string().regex(/^rediss?:\/\/.+/, 'must be a redis:// or rediss:// URL'),
    /** Every Redis key (cache, sessions, queues) starts with this, so environments can share a server. */
    REDIS_KEY_PREFIX: z.string().regex(/^[A-Za-z0-9:_-]{1,40}$/).default('carmall:'),
    /** Secret mixed into session-token hashes. Must be long and random in production. */
    SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    /** Lifetime of a sign-in (its refresh-token family); the access tokens inside it live ACCESS_TOKEN_TTL_SECONDS. */
    SESSION_TTL_SECONDS: z.coerce.number().int().min(60).max(90 * 24 * 3600).default(7 * 24 * 3600),
    ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(24 * 3600).default(900),
    /** Field-level encryption of personal data: `kid:base64(32 bytes)[,kid:base64…]`; PII_ACTIVE_KEY encrypts new data. */
    PII_KEYS: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,16}:[A-Za-z0-9+/=_-]+(,[A-Za-z0-9_-]{1,16}:[A-Za-z0-9+/=_-]+)*$/, 'must be kid:base64[,kid:base64…]')
      .refine((v) => v.split(',').every((p) => Buffer.from(p.slice(p.indexOf(':') + 1), 'base64').length === 32), 'every key must be 32 bytes (base64)')
      .refine((v) => new Set(v.split(',').map((p) => p.split(':')[0])).size === v.split(',').length, 'key ids must be unique')
      .optional(),
    PII_ACTIVE_KEY: z.string().regex(/^[A-Za-z0-9_-]{1,16}$/, 'must be a key id of PII_KEYS').optional(),
    /** Key of the blind index (HMAC) used to find a user by phone; changing it needs a re-index. */
    PII_BLIND_INDEX_KEY: z
      .string()
      .refine((v) => Buffer.from(v, 'base64').length >= 32, 'must be at least 32 bytes, base64')
      .optional(),
    /** SMS (Aliyun Dysmsapi SendSms). H5 phone login answers 503 LOGIN_METHOD_NOT_CONFIGURED without SMS_ACCESS_KEY_ID. */
    SMS_API_BASE: z.url().default('https://dysmsapi.aliyuncs.com'),
    SMS_ACCESS_KEY_ID: z.string().min(1).optional(),
    SMS_ACCESS_KEY_SECRET: z.string().min(1).optional(),
    SMS_SIGN_NAME: z.string().min(1).default('远山汽车'),
    SMS_TEMPLATE_CODE: z.string().regex(/^SMS_\d+$/, 'must look like SMS_123456789').default('SMS_000000001'),
    /**
     * Advisors' calls to leads through a privacy number (Aliyun 号码隐私保护 Dyplsapi, AXB): the
     * advisor dials a middle number X that reaches only this buyer. Without an access key the call
     * button answers 503 PRIVACY_NUMBER_NOT_CONFIGURED.
     */
    PRIVACY_NUMBER_API_BASE: z.url().default('https://dyplsapi.aliyuncs.com'),
    PRIVACY_NUMBER_ACCESS_KEY_ID: z.string().min(1).optional(),
    PRIVACY_NUMBER_ACCESS_KEY_SECRET: z.string().min(1).optional(),
    PRIVACY_NUMBER_POOL_KEY: z.string().min(1).optional(),
    /** How long a binding lasts (the advisor may call back through the same X meanwhile). */
    PRIVACY_NUMBER_BINDING_MINUTES: z.coerce.number().int().min(5).max(7 * 24 * 60).default(120),
    /** Abuse limits (fixed windows in Redis). Behind carrier-grade NAT many people share an IP: keep per-IP limits generous. */
    RATE_LIMIT_LOGIN_PER_IP_PER_MIN: z.coerce.number().int().min(1).max(1_000_000).default(60),
    RATE_LIMIT_SMS_PER_IP_PER_HOUR: z.coerce.number().int().min(1).max(1_000_000).default(30),
    RATE_LIMIT_WRITE_PER_IP_PER_MIN: z.coerce.number().int().min(1).max(1_000_000).default(600),
    RATE_LIMIT_WRITE_PER_USER_PER_MIN: z.coerce.number().int().min(1).max(1_000_000).default(120),
    /**
     * Payment callbacks (WeChat Pay, Alipay) that fail verification, per IP per minute; past it they
     * are answered 429 (verified ones never are: WeChat's and Alipay's own retries always get through).
     */
    RATE_LIMIT_NOTIFY_FAILURES_PER_IP_PER_MIN: z.coerce.number().int().min(1).max(1_000_000).default(60),
    /** Tracking batches (POST /events) per device (SDK anonymous id) per minute; the SDK sends one every few seconds at most. */
    RATE_LIMIT_EVENT_BATCHES_PER_DEVICE_PER_MIN: z.coerce.number().int().min(1).max(1_000_000).default(60),
    WECHAT_APPID: z.string().regex(/^wx[0-9a-f]{16}$/, 'must look like wx + 16 hex digits').default('wx0000000000000000'),
    WECHAT_SECRET: z.string().min(1).default('dev-wechat-secret'),
    /** https://api.weixin.qq.com in production; the local simulator in dev and tests. */
    WECHAT_API_BASE: z.url().default('https://api.weixin.qq.com'),
    /** Public URL of this BFF as WeChat Pay reaches it (notify_url is built from it). */
    PUBLIC_BASE_URL: z.url().optional(),
    /** WeChat Pay v3. Payments are refused (503 PAYMENT_NOT_CONFIGURED) until WXPAY_MCHID is set. */
    WXPAY_API_BASE: z.url().default('https://api.mch.weixin.qq.com'),
    WXPAY_MCHID: z.string().regex(/^\d{8,12}$/, 'must be the 8-12 digit merchant id').optional(),
    WXPAY_MERCHANT_SERIAL: z.string().regex(/^[0-9A-Fa-f]{8,40}$/, 'must be the merchant certificate serial (hex)').optional(),
    /** Path of the merchant's apiclient_key.pem. */
    WXPAY_MERCHANT_KEY_FILE: z.string().min(1).optional(),
    /** SERIAL=path pairs, comma-separated: platform certificate serials and/or PUB_KEY_ID_… keys. */
    WXPAY_PLATFORM_KEY_FILES: z.string().regex(/^[A-Za-z0-9_]+=[^,]+(,[A-Za-z0-9_]+=[^,]+)*$/, 'must be SERIAL=path[,SERIAL=path…]').optional(),
    WXPAY_APIV3_KEY: z.string().length(32, 'must be the 32-character APIv3 key').optional(),
    /** Alipay mini-program payments. Refused (503 PAYMENT_NOT_CONFIGURED) until ALIPAY_APP_ID is set. */
    ALIPAY_APP_ID: z.string().regex(/^\d{16}$/, 'must be the 16-digit Alipay app id').optional(),
    ALIPAY_GATEWAY_URL: z.url().default('https://openapi.alipay.com/gateway.do'),
    /** Path of the app's RSA2 private key (PEM). */
    ALIPAY_APP_PRIVATE_KEY_FILE: z.string().min(1).optional(),
    /** Path of Alipay's public key (PEM), which verifies answers and notifies. */
    ALIPAY_PUBLIC_KEY_FILE: z.string().min(1).optional(),
    /** The brand's DMS/ERP order intake; locked orders are delivered there through the outbox. */
    DMS_API_BASE: z.url().optional(),
    DMS_KEY_ID: z.string().min(1).default('carmall-dev'),
    DMS_SECRET: z.string().min(8).default('dev-dms-secret'),
    DMS_DEALER_CODE: z.string().min(1).default('LY-ONLINE'),
    /** 添加我的车: DMS lookups by VIN one user may make per day (guessing VINs to find whose car it is). */
    RATE_LIMIT_VEHICLE_CLAIMS_PER_USER_PER_DAY: z.coerce.number().int().min(1).max(1_000_000).default(10),
    /** The partner bank's loan-rate API (HMAC-signed); finance endpoints answer 503 FINANCE_RATES_UNAVAILABLE without it. */
    BANK_API_BASE: z.url().optional(),
    BANK_APP_ID: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be the app id the bank issued').default('carmall-dev'),
    BANK_SECRET: z.string().min(8, 'must be at least 8 characters').default('dev-bank-secret'),
    /** How long fetched rates are served from Redis before the bank is asked again. */
    FINANCE_RATES_TTL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
    /** After a failed bank call, serve the last known rates for this long before trying again (0 = try every time). */
    FINANCE_BANK_RETRY_SECONDS: z.coerce.number().int().min(0).max(3600).default(15),
    /** The carrier's TMS (shipments, positions); without it shipping works but has no live tracking. */
    TMS_API_BASE: z.url().optional(),
    TMS_KEY_ID: z.string().min(1).default('carmall-dev'),
    TMS_SECRET: z.string().min(8).default('dev-tms-secret'),
    /** Key of the HMAC-SHA256 signature on the TMS's webhook events. */
    TMS_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').default('dev-tms-webhook-secret'),
    /** How long the WeChat Pay circuit breaker stays open before a trial call. */
    WXPAY_BREAKER_RESET_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
    /** Overrides the deposit terms' payment window (tests use seconds). */
    ORDER_PAYMENT_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(24 * 3600).optional(),
    /** How long POST /orders waits for the order's database write before answering 202 'creating' (the car is held either way). */
    ORDER_INLINE_BUDGET_MS: z.coerce.number().int().min(0).max(60_000).default(500),
    /**
     * Order writes in flight per process; a rush queues behind them instead of flooding the
     * database. Few is faster: on this 2-core machine (bench:rush, quiet) 4 instead of 16 took the
     * burst's p99 first answer from 4.8 to 3.0 s, the steady rush's from 0.86 to 0.61 s and the
     * launch's queue answers after the open from 0.83 to 0.12 s, with the orders written about as
     * soon (16 writes at once mostly contend inside FerretDB/PostgreSQL for the same cores).
     */
    ORDER_WRITE_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(4),
    /** The stock sweep (workers): how often, and how old a placement must be before the sweep finishes or undoes it. */
    STOCK_SWEEP_EVERY_MS: z.coerce.number().int().min(200).max(3_600_000).default(10_000),
    STOCK_SWEEP_GRACE_MS: z.coerce.number().int().min(0).max(3_600_000).default(15_000),
    /** Launch waiting room: distinct buyers queued from one IP per launch (carrier NAT puts many people behind one), and queue polls per buyer per minute. */
    LAUNCH_BUYERS_PER_IP: z.coerce.number().int().min(1).max(10_000_000).default(200),
    LAUNCH_POLLS_PER_USER_PER_MIN: z.coerce.number().int().min(1).max(100_000).default(120),
    /** Run the BullMQ workers inside the API process (default) or only in `pnpm --filter @carmall/bff worker`. */
    RUN_WORKERS: bool.default(true),
    UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
    /** When set, the BFF also serves the H5 build from this folder at "/". */
    STATIC_H5_DIR: z.string().min(1).optional(),
    CORS_ORIGINS: z.string().optional(),
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
    /**
     * How long a client may take to send a request's headers, and the whole request. Node's
     * defaults (60 s, 300 s) let a body shorter than its Content-Length hold a connection for
     * five minutes; our requests are small JSON.
     */
    HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(10_000),
    HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(15_000),
    /** Behind a load balancer: take the client's address from X-Forwarded-For (else every client has the balancer's). */
    TRUST_PROXY: bool.default(false),
    /**
     * How many proxies in front of the BFF append to X-Forwarded-For: the client address is taken
     * that many entries from the right, so an X-Forwarded-For the client sent itself is not believed.
     */
    TRUST_PROXY_HOPS: z.coerce.number().int().min(1).max(10).default(1),
    /** Maintenance reminders: the one-time subscribe-message template (WeChat MP console) used for reminders and campaigns. */
    /**
     * subscribeMessage.send calls per day (Asia/Shanghai) the mini-program's account may make: WeChat's
     * default API quota is 1,000,000 a day (45009 beyond it). 0: no own count, pause on 45009 only.
     */
    WECHAT_SUBSCRIBE_DAILY_QUOTA: z.coerce.number().int().min(0).max(100_000_000).default(1_000_000),
    WECHAT_TEMPLATE_MAINTENANCE: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a WeChat template id').default('Mnt0Rmd_DevTemplate_000000000000000000000A'),
    /** Delivery tracking: the one-time subscribe-message template (物流状态通知) for milestone and delay alerts. */
    WECHAT_TEMPLATE_DELIVERY: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a WeChat template id').default('Dlv0Prg_DevTemplate_000000000000000000000B'),
    /**
     * Bookings (test drives, service visits; later handovers): the one-time subscribe-message
     * template (预约结果通知: thing1 what, time2 when, thing3 where, phrase4 预约成功/已改期/已取消,
     * thing5 note) sent on booking, reschedule and cancellation, and the reminder template (预约提醒:
     * thing1 what, time2 when, thing3 where, thing4 note) sent the day before at 18:00 and 2 hours
     * before. Each has its own opt-ins.
     */
    WECHAT_TEMPLATE_BOOKING: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a WeChat template id').default('Bkg0Res_DevTemplate_000000000000000000000C'),
    WECHAT_TEMPLATE_BOOKING_REMINDER: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a WeChat template id').default('Bkg0Rmd_DevTemplate_000000000000000000000D'),
    /** A delay alert goes out when the ETA slips this many minutes past the ETA the buyer was last told. */
    TRACKING_DELAY_ALERT_MINUTES: z.coerce.number().int().min(10).max(24 * 60).default(120),
    /** miniprogram_state of subscribe messages: formal (production), developer or trial. */
    WECHAT_MINIPROGRAM_STATE: z.enum(['formal', 'developer', 'trial']).default('developer'),
    /** Remind owners this many days before the predicted service date. */
    REMINDER_LEAD_DAYS: z.coerce.number().int().min(0).max(90).default(14),
    /** Recommendations: how often the BullMQ job retrains the neighbours (0 = only on demand), and neighbours kept per model. */
    RECO_TRAIN_EVERY_MS: z.coerce.number().int().min(0).max(7 * 24 * 3600_000).default(15 * 60_000),
    RECO_NEIGHBOURS: z.coerce.number().int().min(1).max(200).default(20),
    /** How often the due-service scan runs (0 = only on demand). */
    REMINDER_SCAN_EVERY_MS: z.coerce.number().int().min(0).max(7 * 24 * 3600_000).default(3600_000),
    /** Reminder sends per second across all workers (BullMQ limiter), below WeChat's send frequency limit. */
    REMINDER_SEND_RATE_PER_SECOND: z.coerce.number().int().min(1).max(10_000).default(50),
    REMINDER_CONCURRENCY: z.coerce.number().int().min(1).max(200).default(10),
    /** Attempts of a reminder send before it goes to the dead-letter list, and the first backoff delay. */
    REMINDER_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
    REMINDER_BACKOFF_MS: z.coerce.number().int().min(10).max(3600_000).default(5000),
    /**
     * How long a reminder job's lock lives without renewal: a worker killed mid-send has its jobs
     * handed to another worker after about this long (BullMQ lockDuration, also its stalled check).
     */
    REMINDER_JOB_LOCK_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
    /** Advisors: how long a share card / poster stays valid, and the attribution window (last share visited within N days). */
    SHARE_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
    ATTRIBUTION_WINDOW_DAYS: z.coerce.number().int().min(1).max(90).default(14),
    /** env_version of mini-program codes on posters: release (production), trial or develop. */
    WECHAT_WXACODE_ENV: z.enum(['release', 'trial', 'develop']).default('release'),
  })
  .superRefine((env, ctx) => {
    if (env.PII_KEYS && !env.PII_ACTIVE_KEY) ctx.addIssue({ code: 'custom', path: ['PII_ACTIVE_KEY'], message: 'is required with PII_KEYS' });
    if (env.PII_KEYS && env.PII_ACTIVE_KEY && !env.PII_KEYS.split(',').some((p) => p.split(':')[0] === env.PII_ACTIVE_KEY))
      ctx.addIssue({ code: 'custom', path: ['PII_ACTIVE_KEY'], message: 'must name one of the PII_KEYS key ids' });
    if (env.PII_ACTIVE_KEY && !env.PII_KEYS) ctx.addIssue({ code: 'custom', path: ['PII_KEYS'], message: 'is required with PII_ACTIVE_KEY' });
    if (env.PRIVACY_NUMBER_ACCESS_KEY_ID) {
      for (const name of ['PRIVACY_NUMBER_ACCESS_KEY_SECRET', 'PRIVACY_NUMBER_POOL_KEY'] as const) {
        if (!env[name]) ctx.addIssue({ code: 'custom', path: [name], message: 'is required when PRIVACY_NUMBER_ACCESS_KEY_ID is set' });
      }
    }
    if (env.SMS_ACCESS_KEY_ID && !env.SMS_ACCESS_KEY_SECRET)
      ctx.addIssue({ code: 'custom', path: ['SMS_ACCESS_KEY_SECRET'], message: 'is required when SMS_ACCESS_KEY_ID is set' });
    if (env.ALIPAY_APP_ID) {
      for (const name of ['ALIPAY_APP_PRIVATE_KEY_FILE', 'ALIPAY_PUBLIC_KEY_FILE'] as const) {
        if (!env[name]) ctx.addIssue({ code: 'custom', path: [name], message: 'is required when ALIPAY_APP_ID is set' });
      }
    }
    if (env.WXPAY_MCHID) {
      for (const name of ['WXPAY_MERCHANT_SERIAL', 'WXPAY_MERCHANT_KEY_FILE', 'WXPAY_PLATFORM_KEY_FILES', 'WXPAY_APIV3_KEY'] as const) {
        if (!env[name]) ctx.addIssue({ code: 'custom', path: [name], message: 'is required when WXPAY_MCHID is set' });
      }
    }
    if (env.NODE_ENV === 'production') {
      if (!env.SESSION_SECRET) ctx.addIssue({ code: 'custom', path: ['SESSION_SECRET'], message: 'is required in production' });
      // Personal data must never be encrypted under a key derived from a default.
      if (!env.PII_KEYS) ctx.addIssue({ code: 'custom', path: ['PII_KEYS'], message: 'is required in production' });
      if (!env.PII_BLIND_INDEX_KEY) ctx.addIssue({ code: 'custom', path: ['PII_BLIND_INDEX_KEY'], message: 'is required in production' });
      if (env.WXPAY_MCHID && !env.PUBLIC_BASE_URL)
        ctx.addIssue({ code: 'custom', path: ['PUBLIC_BASE_URL'], message: 'is required when WXPAY_MCHID is set (notify_url)' });
      if (env.TMS_API_BASE && env.TMS_SECRET === 'dev-tms-secret')
        ctx.addIssue({ code: 'custom', path: ['TMS_SECRET'], message: 'is required in production when TMS_API_BASE is set' });
      if (env.TMS_API_BASE && env.TMS_WEBHOOK_SECRET === 'dev-tms-webhook-secret')
        ctx.addIssue({ code: 'custom', path: ['TMS_WEBHOOK_SECRET'], message: 'is required in production when TMS_API_BASE is set' });
      if (env.DMS_API_BASE && env.DMS_SECRET === 'dev-dms-secret')
        ctx.addIssue({ code: 'custom', path: ['DMS_SECRET'], message: 'is required in production when DMS_API_BASE is set' });
      if (env.BANK_API_BASE && env.BANK_SECRET === 'dev-bank-secret')
        ctx.addIssue({ code: 'custom', path: ['BANK_SECRET'], message: 'is required in production when BANK_API_BASE is set' });
      if (env.WECHAT_SECRET === 'dev-wechat-secret')
        ctx.addIssue({ code: 'custom', path: ['WECHAT_SECRET'], message: 'is required in production' });
    }
  });

export type Env = z.infer<typeof envSchema>;
export interface Config extends Env {
  SESSION_SECRET: string;
  PII_KEYS: string;
  PII_ACTIVE_KEY: string;
  PII_BLIND_INDEX_KEY: string;
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(source: NodeJS.ProcessEnv | Record<string, string | undefined> = process.env): Config {
  // Empty strings count as unset: `FOO= pnpm start` should fall back to the default.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => {
        const name = i.path.join('.') || '(environment)';
        const value = source[name];
        const shown = value === undefined ? 'not set' : `got ${JSON.stringify(value.length > 60 ? value.slice(0, 60) + '…' : value)}`;
        return `${name}: ${i.message} (${shown})`;
      }),
    );
  }
  // Outside production a fixed dev secret is fine: sessions there are throwaway.
  const SESSION_SECRET = parsed.data.SESSION_SECRET ?? 'dev-only-session-secret-not-for-production!';
  // Outside production (only) the PII keys may be derived from the session secret, so dev data stays readable across restarts.
  const derive = (label: string) => createHmac('sha256', SESSION_SECRET).update(label).digest('base64');
  return {
    ...parsed.data,
    SESSION_SECRET,
    PII_KEYS: parsed.data.PII_KEYS ?? `dev:${derive('carmall-dev-pii-key')}`,
    PII_ACTIVE_KEY: parsed.data.PII_ACTIVE_KEY ?? 'dev',
    PII_BLIND_INDEX_KEY: parsed.data.PII_BLIND_INDEX_KEY ?? derive('carmall-dev-blind-index'),
  };
}
