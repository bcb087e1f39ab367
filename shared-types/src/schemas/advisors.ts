/**
 * Sales advisors: share cards, posters, visits, attribution, test-drive booking and the advisor
 * workspace. THE API CONTRACT (all paths under /api/v1; bearer token auth; errors are
 * `{ error: { code, message, details?, requestId } }`; phones are always masked `138****1234`):
 *
 * Shares
 * - POST /shares                       auth: advisor|admin   body shareCreateRequestSchema
 *     201 shareSchema. Idempotent per advisor + target (model code, or saved configuration id):
 *     the same unexpired share comes back (also 201) until it expires. Errors: 400 VALIDATION_FAILED,
 *     401, 403 FORBIDDEN (not an advisor), 404 NOT_FOUND (unknown model / configuration).
 * - GET  /shares/:shareId              auth: public          200 shareCardSchema (what the card shows)
 *     404 SHARE_NOT_FOUND (unknown, malformed or forged id), 410 SHARE_EXPIRED
 *     (details: { expiredAt, modelCode }).
 * - POST /shares/:shareId/visits       auth: public, or user (send the token when signed in)
 *     body shareVisitRequestSchema { visitorId } (random id the client makes once and keeps in
 *     storage, 16-64 chars [A-Za-z0-9_-]) → 200 shareVisitResponseSchema. One visit per visitor
 *     (the user when signed in, else the visitorId) per share per Shanghai day; repeat calls answer
 *     counted:false. When signed in, earlier anonymous visits of that visitorId are bound to the
 *     user (so call it again after login). The advisor's own visits are recorded but never credited.
 *     404 SHARE_NOT_FOUND, 410 SHARE_EXPIRED, 400 VALIDATION_FAILED.
 * - GET  /shares/:shareId/poster.png   auth: public          200 image/png (750 px wide): car
 *     picture, configuration, price, advisor name, mini-program code (scene = shareId).
 *     Cached by content hash. 404 SHARE_NOT_FOUND, 410 SHARE_EXPIRED, 503 UPSTREAM_UNAVAILABLE
 *     (WeChat code service down).
 *
 * Stores and test drives
 * - GET  /stores?city=                 auth: public          200 storeListResponseSchema
 * - GET  /stores/:code/test-drive-slots?date=YYYY-MM-DD (Shanghai date; default today)
 *                                      auth: public          200 testDriveSlotsResponseSchema
 *     Past slots are left out; closed days have none. 404 NOT_FOUND (store), 400 VALIDATION_FAILED
 *     (bad date / more than 30 days ahead / past).
 * - POST /test-drives                  auth: user, header Idempotency-Key (8-64 chars) required
 *     body testDriveCreateRequestSchema → 201 testDriveSchema (same key + same body → same booking;
 *     same key + other body → 409 IDEMPOTENCY_KEY_REUSED). 409 SLOT_UNAVAILABLE (details.reason:
 *     SLOT_FULL | SLOT_IN_PAST | SLOT_NOT_OFFERED — slots come from the shared slot module), 404 NOT_FOUND (store / model), 400 IDEMPOTENCY_KEY_REQUIRED / VALIDATION_FAILED.
 *     The booking becomes a lead of the credited advisor (see attribution), else of the store.
 * - GET  /me/test-drives               auth: user            200 { items: testDriveSchema[] }
 * - POST /me/test-drives/:id/cancel    auth: user            200 testDriveSchema (status cancelled;
 *     repeatable). 404 NOT_FOUND (not mine), 409 TEST_DRIVE_STATE_INVALID (completed, or the slot
 *     has started).
 *
 * Advisor workspace (auth: advisor|admin; a buyer gets 403 FORBIDDEN)
 * - GET  /advisor/shares               200 { items: advisorShareSchema[] } (newest first; visits,
 *     distinct visitors, leads and orders credited through each share)
 * - GET  /advisor/leads?status=        200 { items: leadSchema[] } (test drives and finance quotes
 *     credited to me, and the unassigned ones of the store I work at (the slot module's site staff),
 *     newest first; contact masked). Admin sees all leads incl. unassigned ones.
 * - POST /advisor/leads/:id/status     body leadStatusRequestSchema → 200 leadSchema (history
 *     appended; an unassigned lead of my store becomes mine; completing a test-drive lead marks the
 *     booking completed). 404 NOT_FOUND (another advisor's lead), 409 LEAD_STATE_INVALID (e.g. from lost).
 *
 * Attribution (server side, see shared-types/src/attribution): a lead (test drive, signed-in finance
 * quote) or an order is credited to the advisor of the LAST share the buyer visited within
 * ATTRIBUTION_WINDOW_DAYS (14) before it; the advisor's own visits never count; only visits recorded
 * through POST /shares/:id/visits count, and only while the share was valid.
 *
 * Demo data (seeded by `pnpm --filter @carmall/bff seed`): advisor account phone 13900139000
 * (H5 SMS login; display name 王顾问, store SH-JINGAN) and 13900139001 (李顾问, BJ-CHAOYANG), stores
 * in 上海/北京/广州 (codes SH-JINGAN, SH-PUDONG, BJ-CHAOYANG, GZ-TIANHE; bff/src/seed/sites.ts),
 * test-drive slots 10:00–17:00 hourly (last slot 16:00–17:00), 2 cars per slot.
 *
 * Mini-program paths: share card / code path `pages/share/index?s=<shareId>`; on weapp a code scan
 * opens `pages/share/index` with `scene=<shareId>` (decodeURIComponent it).
 */
import { z } from 'zod';
import { WECHAT_ID_RE, WECHAT_ID_RULE } from '../contact';
export { WECHAT_ID_RE, wechatContactConsentText } from '../contact';
import { modelCodeSchema, shortIdSchema, resolvedConfigSchema } from './catalog';
import { fenSchema } from './common';

/** Share id: 12 base-58 characters (~70 random bits): unguessable, fits WeChat's 32-char `scene`. */
export const SHARE_ID_RE = /^[1-9A-HJ-NP-Za-km-z]{12}$/;
export const shareIdSchema = z.string().regex(SHARE_ID_RE, '分享编号不正确');
/** Path params accept anything short: a malformed id answers 404 SHARE_NOT_FOUND like a forged one. */
export const shareIdParamsSchema = z.object({ shareId: z.string().min(1).max(64) });

export const SHARE_KINDS = ['model', 'configuration'] as const;
export const shareCreateRequestSchema = z
  .object({
    kind: z.enum(SHARE_KINDS),
    modelCode: modelCodeSchema.optional(),
    /** A saved configuration's shortId (POST /configurations/saved). */
    configurationId: shortIdSchema.optional(),
  })
  .strict()
  .refine((b) => b.kind !== 'model' || !!b.modelCode, { path: ['modelCode'], message: '请提供车型编码', params: { rule: "kind 'model' needs modelCode" } })
  .refine((b) => b.kind !== 'configuration' || !!b.configurationId, {
    path: ['configurationId'],
    message: '请提供配置编号',
    params: { rule: "kind 'configuration' needs configurationId" },
  });
export type ShareCreateRequest = z.infer<typeof shareCreateRequestSchema>;

export const shareSchema = z.object({
  shareId: z.string(),
  kind: z.enum(SHARE_KINDS),
  modelCode: z.string(),
  /** The model's name now (the name it was shared under once it is delisted). */
  modelName: z.string(),
  configurationId: z.string().nullable(),
  /** Mini-program page path for onShareAppMessage: `pages/share/index?s=<shareId>`. */
  path: z.string(),
  /** H5 link: `<PUBLIC_BASE_URL>/#/pages/share/index?s=<shareId>` (relative `/#/…` without PUBLIC_BASE_URL). */
  h5Url: z.string(),
  /** Card title, e.g. "王顾问为您推荐：远山 S7 长续航版 ¥259,800". */
  title: z.string(),
  /** `/api/v1/shares/<shareId>/poster.png` */
  posterUrl: z.string(),
  /** Card picture (the model's cover, `/media/models/<code>.svg`). */
  imageUrl: z.string(),
  expiresAt: z.string(),
  createdAt: z.string(),
});
export type Share = z.infer<typeof shareSchema>;

export const shareCardSchema = z.object({
  shareId: z.string(),
  kind: z.enum(SHARE_KINDS),
  title: z.string(),
  expiresAt: z.string(),
  /** Display name, and the advisor's work WeChat ID when they set one (to add them; never a phone). */
  advisor: z.object({ displayName: z.string(), wechatId: z.string().nullable() }),
  model: z.object({
    code: z.string(),
    name: z.string(),
    tagline: z.string(),
    coverImage: z.string(),
    startingPriceFen: fenSchema,
  }),
  /** Present for kind 'configuration': the saved configuration as frozen, and its price now. */
  configuration: z
    .object({
      shortId: z.string(),
      trimCode: z.string(),
      trimName: z.string(),
      config: resolvedConfigSchema,
      totalFen: fenSchema,
      current: z.object({ valid: z.boolean(), totalFen: fenSchema.nullable(), reason: z.string().nullable() }),
    })
    .nullable(),
});
export type ShareCard = z.infer<typeof shareCardSchema>;

export const visitorIdSchema = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, '访客编号不正确');
export const shareVisitRequestSchema = z.object({ visitorId: visitorIdSchema }).strict();
export const shareVisitResponseSchema = z.object({
  shareId: z.string(),
  /** true when this call recorded a new visit (first of this visitor on this share today). */
  counted: z.boolean(),
  /** Anonymous visits of this visitorId bound to the signed-in user by this call. */
  bound: z.number().int(),
});

// ---------------------------------------------------------------------------------------------
// Stores and test drives

export const storeCodeSchema = z.string().regex(/^[A-Z0-9][A-Z0-9_-]{1,31}$/, '门店编码不正确');
export const storeSchema = z.object({
  code: z.string(),
  name: z.string(),
  city: z.string(),
  address: z.string(),
  /** The store's switchboard: a landline as it is, a mobile number masked. */
  phone: z.string().nullable(),
  /** Opening hours, e.g. ["周一至周日 10:00–17:00"] (Shanghai time). */
  hours: z.array(z.string()),
});
export const storeListQuerySchema = z.object({ city: z.string().min(1).max(20).optional() }).strict();
export const storeListResponseSchema = z.object({ items: z.array(storeSchema) });

export const testDriveSlotsQuerySchema = z.object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD').optional() }).strict();
export const testDriveSlotSchema = z.object({
  /** ISO UTC instant the slot starts; send it back as `slotStart`. */
  start: z.string(),
  end: z.string(),
  /** "10:00–11:00" in Asia/Shanghai. */
  label: z.string(),
  available: z.boolean(),
});
export const testDriveSlotsResponseSchema = z.object({
  store: storeSchema,
  date: z.string(),
  slots: z.array(testDriveSlotSchema),
});

export const TEST_DRIVE_STATUSES = ['booked', 'cancelled', 'completed'] as const;
export const testDriveCreateRequestSchema = z
  .object({
    storeCode: storeCodeSchema,
    slotStart: z.string().datetime({ offset: true }),
    modelCode: modelCodeSchema,
    contactName: z.string().trim().min(1, '请填写联系人').max(20),
    /** Defaults to the account's verified phone; 11-digit mainland mobile. */
    phone: z.string().regex(/^1[3-9]\d{9}$/, '手机号不正确').optional(),
    /** The device's visitorId: binds its anonymous share visits before attribution. */
    visitorId: visitorIdSchema.optional(),
  })
  .strict();
export type TestDriveCreateRequest = z.infer<typeof testDriveCreateRequestSchema>;

export const testDriveSchema = z.object({
  id: z.string(),
  status: z.enum(TEST_DRIVE_STATUSES),
  store: storeSchema,
  modelCode: z.string(),
  modelName: z.string(),
  slotStart: z.string(),
  slotEnd: z.string(),
  /** "11月30日 周一 10:00–11:00" in Asia/Shanghai. */
  slotLabel: z.string(),
  /** Masked ("张*"), like every personal field in an answer. */
  contactName: z.string(),
  /** Masked. */
  phone: z.string().nullable(),
  createdAt: z.string(),
});
export type TestDrive = z.infer<typeof testDriveSchema>;
export const testDriveIdParamsSchema = z.object({ id: z.string().regex(/^[0-9a-f]{24}$/i, '预约编号不正确') });

// ---------------------------------------------------------------------------------------------
// Advisor workspace

export const advisorShareSchema = shareSchema.extend({
  stats: z.object({
    visits: z.number().int(),
    visitors: z.number().int(),
    leads: z.number().int(),
    orders: z.number().int(),
  }),
});

/** wechat_contact: the buyer left their WeChat ID on a share card for its advisor to add them. */
export const LEAD_KINDS = ['test_drive', 'finance_quote', 'wechat_contact'] as const;
export const LEAD_STATUSES = ['new', 'contacted', 'scheduled', 'completed', 'lost'] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];
export const leadSchema = z.object({
  id: z.string(),
  kind: z.enum(LEAD_KINDS),
  status: z.enum(LEAD_STATUSES),
  /** Credited to / taken by the caller; false: unassigned (the store's lead; following it up takes it) or, for admin, another advisor's. */
  assignedToMe: z.boolean(),
  /** Display name of the advisor it belongs to (null: unassigned). */
  advisorName: z.string().nullable(),
  shareId: z.string().nullable(),
  storeCode: z.string().nullable(),
  modelCode: z.string(),
  modelName: z.string(),
  /**
   * Masked name ("张*") and phone ("138****1234"); the WeChat ID in full when the buyer gave it
   * for this advisor to add them (with their consent, recorded on the lead).
   */
  customer: z.object({ name: z.string().nullable(), phone: z.string().nullable(), wechatId: z.string().nullable() }),
  /** Test drive: its slot; finance quote: monthly payment, term and price. */
  testDrive: z.object({ id: z.string(), slotStart: z.string(), slotLabel: z.string(), status: z.enum(TEST_DRIVE_STATUSES) }).nullable(),
  financeQuote: z.object({ priceFen: fenSchema, monthlyPaymentFen: fenSchema, termMonths: z.number().int(), productId: z.string() }).nullable(),
  /** Oldest first; `byName` is the advisor's display name (null: the system, e.g. the booking itself). */
  history: z.array(z.object({ status: z.enum(LEAD_STATUSES), note: z.string(), at: z.string(), byName: z.string().nullable() })),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Lead = z.infer<typeof leadSchema>;
export const leadListQuerySchema = z.object({ status: z.enum(LEAD_STATUSES).optional() }).strict();
export const leadIdParamsSchema = z.object({ id: z.string().regex(/^[0-9a-f]{24}$/i, '线索编号不正确') });
export const leadStatusRequestSchema = z
  .object({
    status: z.enum(['contacted', 'scheduled', 'completed', 'lost']),
    note: z.string().trim().max(200).default(''),
  })
  .strict();

const wechatIdSchema = z.string().trim().regex(WECHAT_ID_RE, WECHAT_ID_RULE);

/** GET/PUT /advisor/profile: how the advisor appears to buyers on cards and posters. */
export const advisorProfileSchema = z.object({ displayName: z.string(), wechatId: z.string().nullable() });
export type AdvisorProfile = z.infer<typeof advisorProfileSchema>;
export const advisorProfileRequestSchema = z
  .object({ displayName: z.string().trim().min(2, '名称至少 2 个字').max(20, '名称最多 20 个字'), wechatId: wechatIdSchema.nullable() })
  .strict();

/** POST /shares/:shareId/contact: the buyer leaves their WeChat ID for the share's advisor. */
export const shareContactRequestSchema = z.object({ wechatId: wechatIdSchema, consent: z.literal(true, { message: '请先阅读并同意将微信号提供给顾问' }) }).strict();
export const shareContactResponseSchema = z.object({ leadId: z.string(), advisorName: z.string(), created: z.boolean() });

/**
 * POST /advisor/leads/:id/privacy-call: the middle number (隐私号, AXB) the advisor dials to reach
 * the lead's buyer; it relays only between the two of them until `expiresAt`, and the buyer sees
 * the same X when they call back. Neither real number is in the answer.
 */
export const privacyCallSchema = z.object({
  leadId: z.string(),
  secretNo: z.string(),
  expiresAt: z.string(),
  /** A live binding from an earlier tap (same X), not a new one. */
  reused: z.boolean(),
});
export type PrivacyCall = z.output<typeof privacyCallSchema>;
