import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { startBankSimulator } from '@carmall/simulators';
import { shanghaiDate, vinCheckDigit } from '@carmall/shared-types';
import { errorBodySchema } from '@carmall/shared-types/schemas';
import { HEADER_ERRORS, type AnyRoute } from '../src/infra/route';
import { routeRules } from '../src/infra/openapi';
import { PiiCipher, parseKeyring } from '../src/infra/crypto';
import { seedDemoAdvisors } from '../src/seed/advisors';
import { seedDemoSites } from '../src/seed/sites';
import { startTestApp, type ApiResponse } from './helpers';
import { NO_HINT, rng, sample, wrongTypes, type JsonSchema } from './schema-sample';

/**
 * The contract test: every operation of the generated OpenAPI document, replayed against the real
 * BFF (FerretDB, Redis, the simulators) with requests generated from the document's own schemas —
 * valid ones (seeded demo data where a real code is needed), and invalid ones (no body, wrong
 * types, a missing header, an unknown query parameter, a malformed path) — as a user of each
 * allowed role, as a user without one, and as nobody. Every answer must be a status the document
 * declares for that operation, never a 5xx; its body must match the route's zod schema for that
 * status (no undeclared fields) or, for errors, the error envelope with one of the codes declared
 * for that status; X-Request-Id always, Retry-After on 429/503.
 */

const BANK = { appId: 'carmall-test', secret: 'test-bank-secret' };
const bank = await startBankSimulator({ ...BANK });
const t = await startTestApp('contract', { BANK_API_BASE: bank.url, BANK_APP_ID: BANK.appId, BANK_SECRET: BANK.secret, RECO_TRAIN_EVERY_MS: '0' });
afterAll(async () => {
  await t.close();
  await bank.close();
});

type Doc = { paths: Record<string, Record<string, Operation>> };
interface Operation {
  parameters: Array<{ name: string; in: 'path' | 'query' | 'header'; required: boolean; schema: JsonSchema }>;
  requestBody?: { content: { 'application/json': { schema: JsonSchema } } };
  responses: Record<string, { headers?: Record<string, unknown>; content?: Record<string, { schema: { properties?: { error?: { properties?: { code?: { enum?: string[] } } } } } }> }>;
  'x-rules'?: unknown[];
}
interface Req {
  params: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string>;
  body?: unknown;
}
type Actor = 'nobody' | 'buyer' | 'fresh' | 'buyer-without-role' | 'admin' | 'advisor' | 'service' | 'operator';
interface Case {
  name: string;
  as: Actor;
  req: Req;
  /** The statuses this case must get (besides being declared). */
  expect?: number[];
  expectCode?: string;
}

const opKey = (r: AnyRoute) => `${r.method.toUpperCase()} ${r.path}`;
const docPath = (r: AnyRoute) => '/api/v1' + r.path.replace(/:([A-Za-z_]+)/g, '{$1}');
let doc: Doc;

// ---- fixtures: real codes and ids from the seeded demo data and a few writes ------------------

const MODEL = 'yuanshan-s5';
const TRIM = 'S5_520_RWD';
const PAINT = 'PAINT_MIST_GREY';
const LAUNCH_TRIM = 'S5_620_RWD';
const CAR = { modelCode: MODEL, trimCode: TRIM, selections: [PAINT] };
const tomorrow = shanghaiDate(Date.now() + 86_400_000);
const yesterday = shanghaiDate(Date.now() - 86_400_000);
const f = {} as {
  buyer: { token: string; id: string };
  tokens: Record<string, string>;
  ids: Record<string, string>;
  shortId: string;
  shortIdToDelete: string;
  orderNo: string;
  /** Paid and locked (staff delivery steps), and paid only (a staff refund). */
  lockedOrderNo: string;
  paidOrderNo: string;
  shareId: string;
  testDriveId: string;
  testDriveId2: string;
  testDriveSlots: string[];
  leadId: string;
  vehicleId: string;
  vehicleId2: string;
  bookingId2: string;
  serviceSlots: string[];
  bookingId: string;
  consentId: string;
  campaignId: string;
  experimentKey: string;
  funnelKey: string;
  launchCode: string;
  targetUserId: string;
};
let fresh = 0;
const vin = () => {
  const chars = 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789';
  return 'LYS' + Array.from({ length: 14 }, () => chars[Math.floor(Math.random() * chars.length)]).join('');
};
const ok = async <T = any>(res: Promise<ApiResponse<T>>, what: string): Promise<T> => {
  const r = await res;
  if (r.status >= 300) throw new Error(`fixture ${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};

beforeAll(async () => {
  // The demo data as `pnpm seed` writes it: lineup and stock, service centres and stores, advisors.
  await t.seed();
  await seedDemoSites(t.conn);
  await seedDemoAdvisors(t.conn, new PiiCipher(parseKeyring(t.config.PII_KEYS, t.config.PII_ACTIVE_KEY), t.config.PII_BLIND_INDEX_KEY));
  doc = (await t.api('/api/v1/openapi.json')).body;
  const buyer = await t.login('oContractBuyer');
  f.buyer = { token: buyer.token, id: buyer.user.id };
  f.tokens = { buyer: buyer.token, 'buyer-without-role': (await t.login('oContractPlain')).token };
  f.ids = { buyer: buyer.user.id };
  for (const role of ['admin', 'advisor', 'service', 'operator']) {
    const s = await t.loginAs(role, `oContract_${role}`);
    f.tokens[role] = s.token;
    f.ids[role] = s.user.id;
  }
  const as = (who: string) => ({ token: f.tokens[who] });
  f.shortId = (await ok(t.api('/api/v1/configurations/saved', { method: 'POST', ...as('buyer'), json: CAR }), 'saved configuration')).shortId;
  f.shortIdToDelete = (await ok(t.api('/api/v1/configurations/saved', { method: 'POST', ...as('buyer'), json: { ...CAR, trimCode: 'S5_600_AWD' } }), 'saved configuration')).shortId;
  f.orderNo = (await ok(t.api('/api/v1/orders', { method: 'POST', ...as('buyer'), headers: { 'idempotency-key': randomUUID() }, json: CAR }), 'order')).orderNo;
  const paidOrder = async (lock: boolean) => {
    const orderNo = (await ok(t.api('/api/v1/orders', { method: 'POST', ...as('buyer'), headers: { 'idempotency-key': randomUUID() }, json: CAR }), 'order')).orderNo as string;
    const pay = await ok(t.api(`/api/v1/orders/${orderNo}/payments/wechat`, { method: 'POST', ...as('buyer') }), 'prepay');
    await fetch(`${t.wxpay.url}/__sim/wxpay/pay`, { method: 'POST', body: JSON.stringify({ out_trade_no: pay.outTradeNo }) });
    for (let i = 0; i < 100 && (await ok(t.api(`/api/v1/orders/${orderNo}`, as('buyer')), 'order')).state !== 'deposit_paid'; i++) await new Promise((r) => setTimeout(r, 100));
    if (lock) await ok(t.api(`/api/v1/orders/${orderNo}/lock`, { method: 'POST', ...as('buyer') }), 'lock');
    return orderNo;
  };
  f.lockedOrderNo = await paidOrder(true);
  f.paidOrderNo = await paidOrder(false);
  f.shareId = (await ok(t.api('/api/v1/shares', { method: 'POST', ...as('advisor'), json: { kind: 'model', modelCode: MODEL } }), 'share')).shareId;
  // The buyer opened the card (signed in): what leaving a WeChat contact on it needs.
  await ok(t.api(`/api/v1/shares/${f.shareId}/visits`, { method: 'POST', ...as('buyer'), json: { visitorId: 'v' + hex32() } }), 'share visit');
  const drives = await ok(t.api(`/api/v1/stores/SH-JINGAN/test-drive-slots?date=${tomorrow}`), 'test-drive slots');
  f.testDriveSlots = drives.slots.filter((s: { available: boolean }) => s.available).map((s: { start: string }) => s.start);
  const drive = { storeCode: 'SH-JINGAN', slotStart: f.testDriveSlots[0], modelCode: MODEL, contactName: '张三', phone: '13812345678' };
  f.testDriveId = (await ok(t.api('/api/v1/test-drives', { method: 'POST', ...as('buyer'), headers: { 'idempotency-key': randomUUID() }, json: drive }), 'test drive')).id;
  f.testDriveId2 = (
    await ok(t.api('/api/v1/test-drives', { method: 'POST', ...as('buyer'), headers: { 'idempotency-key': randomUUID() }, json: { ...drive, slotStart: f.testDriveSlots[5] } }), 'test drive')
  ).id;
  f.leadId = (await ok(t.api('/api/v1/advisor/leads', as('admin')), 'leads')).items[0].id;
  f.vehicleId = (
    await ok(
      t.api('/api/v1/admin/vehicles', { method: 'POST', ...as('service'), json: { ownerId: f.buyer.id, vin: vin(), modelCode: MODEL, deliveredAt: new Date(Date.now() - 300 * 86_400_000).toISOString() } }),
      'vehicle',
    )
  ).id;
  const car = async () =>
    (
      await ok(
        t.api('/api/v1/admin/vehicles', { method: 'POST', ...as('service'), json: { ownerId: f.buyer.id, vin: vin(), modelCode: MODEL, deliveredAt: new Date(Date.now() - 200 * 86_400_000).toISOString() } }),
        'vehicle',
      )
    ).id as string;
  f.vehicleId2 = await car();
  const vehicleId3 = await car();
  const site = await ok(t.api(`/api/v1/sites/SC-SH-MINHANG/slots?date=${tomorrow}`), 'service slots');
  f.serviceSlots = site.slots.map((s: { start: string }) => s.start);
  f.bookingId = (
    await ok(t.api('/api/v1/me/service-bookings', { method: 'POST', ...as('buyer'), headers: { 'idempotency-key': randomUUID() }, json: { vehicleId: f.vehicleId, siteCode: 'SC-SH-MINHANG', slotStart: f.serviceSlots[0] } }), 'service booking')
  ).id;
  f.bookingId2 = (
    await ok(t.api('/api/v1/me/service-bookings', { method: 'POST', ...as('buyer'), headers: { 'idempotency-key': randomUUID() }, json: { vehicleId: vehicleId3, siteCode: 'SC-SH-MINHANG', slotStart: f.serviceSlots[2] } }), 'service booking')
  ).id;
  f.consentId = (await ok(t.api('/api/v1/me/consents', { method: 'POST', ...as('buyer'), json: { document: 'privacy_policy', version: '2025.1', channel: 'weapp', granted: true } }), 'consent')).id;
  const campaign = { name: '春季保养', segment: { modelCodes: [MODEL] }, message: { title: '保养提醒', body: '您的爱车该保养了' } };
  f.campaignId = (await ok(t.api('/api/v1/admin/campaigns', { method: 'POST', ...as('service'), headers: { 'idempotency-key': randomUUID() }, json: campaign }), 'campaign')).id;
  f.experimentKey = 'contract-exp';
  await ok(t.api('/api/v1/admin/experiments', { method: 'POST', ...as('operator'), json: experiment(f.experimentKey) }), 'experiment');
  f.funnelKey = (await ok(t.api('/api/v1/admin/analytics/funnels', as('operator')), 'funnels')).items[0].key;
  f.launchCode = 'contract-launch';
  await ok(t.api('/api/v1/admin/launches', { method: 'POST', ...as('operator'), json: launch(f.launchCode) }), 'launch');
  f.targetUserId = (await t.login('oContractTarget')).user.id;
});

const experiment = (key: string) => ({ key, name: '首页横幅', variants: [{ key: 'control', weight: 50 }, { key: 'b', weight: 50 }], targetEvent: 'order_placed' });
const launch = (code: string) => ({
  code,
  title: '远山 S5 首发',
  modelCode: MODEL,
  startsAt: new Date(Date.now() + 3_600_000).toISOString(),
  admitPerSecond: 5,
  admissionSeconds: 60,
  variants: [{ trimCode: LAUNCH_TRIM, paintCode: PAINT, stock: 2 }],
});
const hex32 = () => randomUUID().replace(/-/g, '');

/**
 * Real values by where they go: `<where>:<dotted path>`, per operation first, then for every
 * operation. Functions are called per request (fixtures exist by then).
 */
type Hints = Record<string, unknown>;
const COMMON: Hints = {
  'path:orderNo': () => f.orderNo,
  'path:shortId': () => f.shortId,
  'path:shareId': () => f.shareId,
  'path:vehicleId': () => f.vehicleId,
  'path:bookingId': () => f.bookingId,
  'path:campaignId': () => f.campaignId,
  'path:trimCode': TRIM,
  'query:date': tomorrow,
  'body:modelCode': MODEL,
  'body:trimCode': TRIM,
  'body:paintCode': PAINT,
  'body:selections': [PAINT],
  'body:vehicleId': () => f.vehicleId,
  'body:siteCode': 'SC-SH-MINHANG',
  'body:storeCode': 'SH-JINGAN',
  'body:configurationId': () => f.shortId,
  'body:ownerId': () => f.buyer.id,
  'body:vin': () => vin(),
  'body:productId': 'BANK-STD',
  'body:visitorId': () => 'v' + hex32(),
};
const PER_OP: Record<string, Hints> = {
  // A method this platform offers (a random pair is mostly 409 PAYMENT_METHOD_UNAVAILABLE).
  'POST /orders/:orderNo/payments': { body: { method: 'native', platform: 'h5-desktop' } },
  'GET /catalog/models/:code': { 'path:code': MODEL },
  'GET /catalog/models/:code/similar': { 'path:code': MODEL },
  'GET /catalog/compare': { 'query:trims': `${MODEL}:${TRIM},${MODEL}:S5_600_AWD` },
  'GET /catalog/models': { 'query:minPriceFen': undefined, 'query:maxPriceFen': undefined, 'query:q': undefined },
  'GET /stores/:code/test-drive-slots': { 'path:code': 'SH-JINGAN' },
  'GET /sites/:code/slots': { 'path:code': 'SC-SH-MINHANG' },
  'GET /launches/:code': { 'path:code': () => f.launchCode },
  'POST /launches/:code/queue': { 'path:code': () => f.launchCode },
  'GET /launches/:code/queue': { 'path:code': () => f.launchCode },
  'POST /launches/:code/orders': { 'path:code': () => f.launchCode, 'body:trimCode': LAUNCH_TRIM },
  'POST /admin/launches/:code/end': { 'path:code': () => f.launchCode },
  // Another variant than the fixture launch's (a variant is in one open launch at a time).
  'POST /admin/launches': { body: () => ({ ...launch(`contract-${Math.random().toString(36).slice(2, 8)}`), variants: [{ trimCode: 'S5_600_AWD', paintCode: PAINT, stock: 1 }] }) },
  'GET /admin/experiments/:key': { 'path:key': () => f.experimentKey },
  'POST /admin/experiments/:key/start': { 'path:key': () => f.experimentKey },
  'POST /admin/experiments/:key/stop': { 'path:key': () => f.experimentKey },
  'POST /admin/experiments/:key/ship': { 'path:key': () => f.experimentKey, body: { variant: 'b' } },
  'POST /admin/experiments': { body: () => experiment(`contract-${Math.random().toString(36).slice(2, 8)}`) },
  'GET /admin/analytics/funnels/:key/report': { 'path:key': () => f.funnelKey, 'query:from': yesterday, 'query:to': tomorrow },
  'POST /admin/analytics/funnels': { body: () => ({ key: `contract-${Math.random().toString(36).slice(2, 8)}`, name: '下单漏斗', steps: ['page_view', 'order_placed'] }) },
  'POST /events': {
    body: () => ({
      events: [{ id: randomUUID(), name: 'page_view', ts: new Date().toISOString(), anonymousId: hex32(), sessionId: hex32(), platform: 'h5', page: 'pages/index/index', properties: {} }],
      sentAt: new Date().toISOString(),
    }),
  },
  'GET /experiments/assignments': { 'query:anonymousId': () => hex32(), 'query:keys': () => f.experimentKey },
  'GET /me/consents/:id': { 'path:id': () => f.consentId },
  'GET /admin/users/:id': { 'path:id': () => f.buyer.id },
  'GET /admin/users/:id/pii': { 'path:id': () => f.buyer.id, 'query:reason': '核实车主身份' },
  'PUT /admin/users/:id/roles': { 'path:id': () => f.targetUserId, body: { roles: ['buyer'] } },
  'GET /admin/users': { 'query:phone': '13900139000' },
  'PUT /admin/site-staff/:userId': { 'path:userId': () => f.ids.service, body: { siteCode: 'SC-SH-MINHANG' } },
  'PUT /admin/sites/:code': {
    body: { name: '契约测试中心', city: '上海', kind: 'service', address: '上海市测试路 1 号', weeklyHours: Array(7).fill({ open: '09:00', close: '17:00' }), slotMinutes: 60, capacity: 2 },
  },
  'GET /admin/service-bookings': { 'query:siteCode': 'SC-SH-MINHANG' },
  'POST /me/test-drives/:id/cancel': { 'path:id': () => f.testDriveId },
  'POST /me/test-drives/:id/reschedule': { 'path:id': () => f.testDriveId2, body: () => ({ slotStart: f.testDriveSlots[6] }) },
  'POST /test-drives': { body: () => ({ storeCode: 'SH-JINGAN', slotStart: f.testDriveSlots[1 + (fresh++ % 4)], modelCode: MODEL, contactName: '李四', phone: '13812345679' }) },
  'POST /advisor/leads/:id/status': { 'path:id': () => f.leadId, body: { status: 'contacted', note: '电话沟通' } },
  'DELETE /me/configurations/:shortId': { 'path:shortId': () => f.shortIdToDelete },
  'POST /me/service-bookings/:bookingId/reschedule': { 'path:bookingId': () => f.bookingId2, 'body:slotStart': () => f.serviceSlots[3] },
  'POST /me/service-bookings': { body: () => ({ vehicleId: f.vehicleId2, siteCode: 'SC-SH-MINHANG', slotStart: f.serviceSlots[1], note: '常规保养' }) },
  'POST /shares': { body: () => ({ kind: 'configuration', configurationId: f.shortId }) },
  'POST /finance/quote': { body: { ...CAR, productId: 'BANK-STD', downPayment: { ratio: 0.3 }, termMonths: 36 } },
  'POST /orders': { body: CAR },
  'PUT /admin/stock': { body: { modelCode: MODEL, trimCode: TRIM, paintCode: PAINT, total: 50, reason: '到港补货' } },
  'POST /admin/orders/:orderNo/events': { 'path:orderNo': () => f.lockedOrderNo, body: () => ({ event: 'allocate', vin: vin() }) },
  'POST /admin/orders/:orderNo/refund': { 'path:orderNo': () => f.paidOrderNo, body: { reason: '契约测试退款' } },
  'POST /admin/orders/bulk-events': { body: () => ({ action: 'arrive', items: [{ orderNo: f.orderNo }] }) },
  'GET /admin/orders': { 'query:q': () => f.orderNo, 'query:from': yesterday, 'query:to': tomorrow },
  'GET /admin/orders/export.csv': { 'query:q': () => f.orderNo, 'query:from': yesterday, 'query:to': tomorrow },
  'POST /admin/vehicles': { body: () => ({ ownerId: f.buyer.id, vin: vin(), modelCode: MODEL, deliveredAt: new Date(Date.now() - 30 * 86_400_000).toISOString() }) },
  'POST /admin/vehicles/:vehicleId/services': { body: { at: new Date(Date.now() - 86_400_000).toISOString(), odometerKm: 5000 } },
  'POST /admin/vehicles/usage-reports': {
    body: () => ({ reports: [{ reportId: `r-${randomUUID()}`, vin: vin(), at: new Date(Date.now() - 3_600_000).toISOString(), odometerKm: 1200 }] }),
  },
  'POST /admin/campaigns': { body: { name: '夏季检测', segment: { modelCodes: [MODEL] }, message: { title: '夏季检测', body: '空调检测免费' } } },
  'POST /admin/campaigns/preview': { body: { segment: { modelCodes: [MODEL] }, message: { title: '夏季检测', body: '空调检测免费' } } },
  'POST /me/subscriptions': { body: () => ({ templateIds: [t.config.WECHAT_TEMPLATE_MAINTENANCE], results: { [t.config.WECHAT_TEMPLATE_MAINTENANCE]: 'accept' } }) },
  'PUT /admin/catalog/models/:code/trims/:trimCode/prices': { 'path:code': MODEL, 'path:trimCode': TRIM },
  'PATCH /admin/catalog/models/:code/options/:optionCode': { 'path:code': MODEL, 'path:optionCode': PAINT },
  // Console catalog editor and stock screen:
  'GET /admin/catalog/models/:code': { 'path:code': MODEL },
  'PUT /admin/catalog/models/:code/publication': { 'path:code': MODEL },
  'GET /admin/stock': { 'query:modelCode': MODEL, 'query:region': 'national' },
  'POST /admin/stock/adjustments': { body: { modelCode: MODEL, trimCode: TRIM, paintCode: PAINT, region: 'national', kind: 'inbound', delta: 2, reason: '契约测试到货' } },
  'GET /admin/stock/adjustments': { 'query:modelCode': MODEL, 'query:key': `national:${MODEL}:${TRIM}:${PAINT}` },
  'POST /admin/reconciliation/runs': { body: { date: yesterday } },
  'GET /admin/reconciliation/reports/:date': { 'path:date': yesterday },
  // 经营看板: a real range (random strings are mostly not dates).
  'GET /admin/dashboard': { 'query:from': yesterday, 'query:to': yesterday },
  'PATCH /me': { body: { realName: '张三' } },
  'POST /me/consents': { body: { document: 'user_agreement', version: '2025.2', channel: 'h5', granted: true } },
  'PUT /me/recommendations/preferences': { body: { minPriceFen: 10_000_000, maxPriceFen: 30_000_000, bodyTypes: ['suv'] } },
  'POST /shares/:shareId/visits': { body: () => ({ visitorId: 'v' + hex32() }) },
  'POST /auth/sms/send': { body: { phone: '13800138011' } },
};
/** Requests that need a round trip to make (codes from the simulators, tokens). */
const CURATED: Record<string, () => Promise<Partial<Req>>> = {
  'POST /auth/wechat': async () => ({ body: { code: await t.wxCode(`oContractWx${fresh++}`) } }),
  'POST /auth/alipay': async () => ({ body: { authCode: t.alipayAuthCode() } }),
  'POST /auth/refresh': async () => ({ body: { refreshToken: (await t.login(`oContractRefresh${fresh++}`)).refreshToken } }),
  'POST /auth/sms/login': async () => {
    const phone = `1370013${String(7000 + fresh++).padStart(4, '0')}`;
    await ok(t.api('/api/v1/auth/sms/send', { method: 'POST', json: { phone } }), 'sms');
    return { body: { phone, code: await t.smsCode(phone) } };
  },
  'POST /me/vehicles': async () => ({ body: { vin: await soldToBuyer(), plate: '沪AD12345' } }),
  'POST /me/phone': async () => {
    const phone = `1360013${String(7000 + fresh++).padStart(4, '0')}`;
    await ok(t.api('/api/v1/auth/sms/send', { method: 'POST', json: { phone } }), 'sms');
    return { body: { phone, code: await t.smsCode(phone) } };
  },
  'PUT /admin/catalog/models/:code/trims/:trimCode/prices': async () => {
    const model = await ok(t.api(`/api/v1/catalog/models/${MODEL}`), 'model');
    return { body: { expectedVersion: model.version, prices: [{ amountFen: 16_980_000, effectiveFrom: new Date(Date.now() - 86_400_000).toISOString() }], note: '契约测试' } };
  },
  'PATCH /admin/catalog/models/:code/options/:optionCode': async () => {
    const model = await ok(t.api(`/api/v1/catalog/models/${MODEL}`), 'model');
    return { body: { expectedVersion: model.version, description: '雾灰色金属漆' } };
  },
  // The caller is connected from their own phone: the admin binds one (once) to call the test-drive lead.
  'POST /advisor/leads/:id/privacy-call': async () => {
    if (!adminPhoneBound) {
      adminPhoneBound = true;
      await ok(t.api('/api/v1/auth/sms/send', { method: 'POST', json: { phone: '13500135002' } }), 'sms');
      await ok(t.api('/api/v1/me/phone', { method: 'POST', token: f.tokens.admin, json: { phone: '13500135002', code: await t.smsCode('13500135002') } }), 'bind phone');
    }
    return { params: { id: f.leadId } };
  },
  // Console catalog editor: stays published (the other operations need the model on sale).
  'PUT /admin/catalog/models/:code/publication': async () => {
    const model = await ok(t.api(`/api/v1/catalog/models/${MODEL}`), 'model');
    return { body: { expectedVersion: model.version, published: true, note: '契约测试' } };
  },
};
let adminPhoneBound = false;
/** The buyer's verified phone for 添加我的车 (bound once, as POST /me/phone does). */
let claimPhone: string | null = null;
/** A car the DMS sold to the buyer's phone (seeded in the DMS simulator), with a valid check digit. */
async function soldToBuyer(): Promise<string> {
  if (!claimPhone) {
    claimPhone = '13500135001';
    await ok(t.api('/api/v1/auth/sms/send', { method: 'POST', json: { phone: claimPhone } }), 'sms');
    await ok(t.api('/api/v1/me/phone', { method: 'POST', token: f.buyer.token, json: { phone: claimPhone, code: await t.smsCode(claimPhone) } }), 'bind phone');
  }
  const raw = `LLYS5A1R0RS${String(500000 + fresh++).padStart(6, '0')}`;
  const vin = raw.slice(0, 8) + vinCheckDigit(raw)! + raw.slice(9);
  const car = { vin, modelCode: MODEL, modelName: '远山 S5', trimCode: TRIM, trimName: '520 长续航后驱版', energyType: 'bev', colour: { code: PAINT, name: '雾山灰' }, soldAt: '2024-05-18T03:20:00.000Z', deliveredAt: '2024-05-25T02:00:00.000Z', dealer: { code: 'D-SH-0021', name: '远山汽车 上海浦东授权经销商' }, owner: { mobile: claimPhone } };
  const res = await fetch(`${t.dms.url}/__sim/dms/vehicles`, { method: 'POST', body: JSON.stringify({ vehicles: [car] }) });
  if (res.status !== 200) throw new Error(`fixture DMS car: ${res.status}`);
  return vin;
}

/** Operations whose requests must come from a user made for the request (they end or erase the sign-in). */
const FRESH_USER = new Set(['DELETE /me', 'POST /auth/logout']);

function hintFor(r: AnyRoute, where: string) {
  const per = PER_OP[opKey(r)] ?? {};
  return (path: string): unknown => {
    const key = path ? `${where}:${path}` : where;
    const v = key in per ? per[key] : key in COMMON ? COMMON[key] : NO_HINT;
    return typeof v === 'function' ? (v as () => unknown)() : v;
  };
}

/** A request generated from the operation's schemas, with real values where the hints have them. */
async function generate(r: AnyRoute, op: Operation, seed: number, mode: 'required' | 'all'): Promise<Req> {
  const rand = rng(seed);
  const req: Req = { params: {}, query: {}, headers: {} };
  for (const p of op.parameters) {
    const h = hintFor(r, p.in)(p.name);
    if (h === undefined) continue; // hinted away
    if (h === NO_HINT && !p.required && mode === 'required') continue;
    const v = h !== NO_HINT ? h : sample(p.schema, { r: rand, mode });
    const target = p.in === 'path' ? req.params : p.in === 'query' ? req.query : req.headers;
    target[p.name] = String(v);
  }
  const bodySchema = op.requestBody?.content['application/json'].schema;
  if (bodySchema) {
    const whole = hintFor(r, 'body')('');
    req.body = whole !== NO_HINT ? structuredClone(whole) : sample(bodySchema, { r: rand, mode, hint: hintFor(r, 'body') });
  }
  const curated = CURATED[opKey(r)];
  if (curated) Object.assign(req, await curated());
  return req;
}

/** Whether the route's own zod schemas accept the request (what the server will decide first). */
function acceptedBySchemas(r: AnyRoute, req: Req): boolean {
  const parts: Array<[z.ZodType | undefined, unknown]> = [
    [r.params, req.params],
    [r.query, req.query],
    [r.body, req.body],
    [r.headers, req.headers],
  ];
  return parts.every(([schema, value]) => !schema || schema.safeParse(value).success) && (!!r.query || Object.keys(req.query).length === 0);
}

function rolesOf(r: AnyRoute): Actor[] {
  if (!r.auth || r.auth === 'public') return ['nobody'];
  if (FRESH_USER.has(opKey(r))) return ['fresh'];
  if (r.auth === 'user') return ['buyer'];
  return r.auth.filter((role) => role !== 'buyer') as Actor[];
}

async function casesOf(r: AnyRoute, op: Operation): Promise<Case[]> {
  const samples = [await generate(r, op, 1, 'required'), await generate(r, op, 2, 'all')];
  const valid = samples.filter((s) => acceptedBySchemas(r, s));
  const base = valid[0] ?? samples[0];
  const actors = rolesOf(r);
  const someone = actors[0];
  const cases: Case[] = [];
  // Invalid requests first (they change nothing).
  if (r.auth && r.auth !== 'public') cases.push({ name: 'no token', as: 'nobody', req: base, expect: [401], expectCode: 'UNAUTHENTICATED' });
  if (Array.isArray(r.auth)) cases.push({ name: 'a user without the role', as: 'buyer-without-role', req: base, expect: [403], expectCode: 'FORBIDDEN' });
  const refused = (req: Req) => !acceptedBySchemas(r, req);
  if (r.body) {
    cases.push({ name: 'no body', as: someone, req: { ...base, body: undefined }, expect: [400], expectCode: 'VALIDATION_FAILED' });
    const wrong = { ...base, body: wrongTypes(base.body) };
    if (refused(wrong)) cases.push({ name: 'wrong types in the body', as: someone, req: wrong, expect: [400], expectCode: 'VALIDATION_FAILED' });
  }
  for (const name of Object.keys(r.headers?.shape ?? {})) {
    const { [name]: _gone, ...headers } = base.headers;
    cases.push({ name: `no ${name} header`, as: someone, req: { ...base, headers }, expect: [400], expectCode: HEADER_ERRORS[name.toLowerCase()] ?? 'VALIDATION_FAILED' });
  }
  cases.push({ name: 'an unknown query parameter', as: someone, req: { ...base, query: { ...base.query, zzUnknown: '1' } }, expect: [400], expectCode: 'VALIDATION_FAILED' });
  for (const p of op.parameters.filter((x) => x.in === 'query')) {
    const wrong = { ...base, query: { ...base.query, [p.name]: 'Ω!' } };
    if (refused(wrong)) cases.push({ name: `query ${p.name} of the wrong type`, as: someone, req: wrong, expect: [400], expectCode: 'VALIDATION_FAILED' });
  }
  if (Object.keys(base.params).length) {
    const bad = Object.fromEntries(Object.keys(base.params).map((k) => [k, 'no such thing!']));
    cases.push({ name: 'malformed path parameters', as: someone, req: { ...base, params: bad }, expect: [400, 404] });
  }
  for (const s of samples.filter((x) => !valid.includes(x))) cases.push({ name: 'a generated request the schemas refuse', as: someone, req: s, expect: [400], expectCode: 'VALIDATION_FAILED' });
  // Valid requests: by every allowed role; a public route also signed in (it may use the user).
  for (const [i, s] of valid.entries()) {
    for (const as of i === 0 ? actors : [someone]) cases.push({ name: `valid request ${i + 1} as ${as}`, as, req: s });
    if (i === 0 && someone === 'nobody') cases.push({ name: 'valid request 1 signed in', as: 'buyer', req: s });
  }
  return cases;
}

async function tokenOf(as: Actor): Promise<string | undefined> {
  if (as === 'nobody') return undefined;
  if (as === 'fresh') return (await t.login(`oContractFresh${fresh++}`)).token;
  return f.tokens[as];
}

async function send(r: AnyRoute, c: Case): Promise<ApiResponse> {
  const path = '/api/v1' + r.path.replace(/:([A-Za-z_]+)/g, (_, name: string) => encodeURIComponent(c.req.params[name] ?? ''));
  const qs = new URLSearchParams(c.req.query).toString();
  const headers: Record<string, string> = { ...c.req.headers };
  return t.api(path + (qs ? `?${qs}` : ''), {
    method: r.method.toUpperCase(),
    token: await tokenOf(c.as),
    headers,
    ...(c.req.body !== undefined ? { json: c.req.body } : {}),
  });
}

/** Keys of `raw` the schema dropped while parsing it: fields the answer has and its schema does not allow. */
function undeclaredKeys(raw: unknown, parsed: unknown, at = ''): string[] {
  if (Array.isArray(raw) && Array.isArray(parsed)) return raw.flatMap((v, i) => undeclaredKeys(v, parsed[i], `${at}[${i}]`));
  if (raw && parsed && typeof raw === 'object' && typeof parsed === 'object') {
    return Object.entries(raw).flatMap(([k, v]) => (k in parsed ? undeclaredKeys(v, (parsed as Record<string, unknown>)[k], at ? `${at}.${k}` : k) : [at ? `${at}.${k}` : k]));
  }
  return [];
}

function successSchema(r: AnyRoute, status: number): z.ZodType | undefined {
  if (status === (r.status ?? 200)) return r.response;
  return r.otherResponses?.find((o) => o.status === status)?.schema;
}

/** What is wrong with one answer, measured against the document and the route's schemas. */
function problemsOf(r: AnyRoute, op: Operation, c: Case, res: ApiResponse): string[] {
  const out: string[] = [];
  const code = (res.body as { error?: { code?: string } } | null)?.error?.code;
  const what = `${res.status}${code ? ` ${code}` : ''}`;
  const declared = op.responses[String(res.status)];
  if (res.status >= 500) out.push(`answered ${what} (a 5xx): ${JSON.stringify(res.body).slice(0, 300)}`);
  if (!declared) out.push(`answered ${what}, which the document does not declare (declared: ${Object.keys(op.responses).join(', ')})`);
  if (c.expect && !c.expect.includes(res.status)) out.push(`expected ${c.expect.join(' or ')}, answered ${what}`);
  if (c.expectCode && code !== undefined && code !== c.expectCode) out.push(`expected code ${c.expectCode}, answered ${code}`);
  if (!res.headers.get('x-request-id')) out.push('no X-Request-Id header');
  if (res.status < 300) {
    const schema = successSchema(r, res.status);
    if (res.status === 204 && res.body !== null) out.push(`204 with a body: ${JSON.stringify(res.body).slice(0, 100)}`);
    if (r.contentType && !res.headers.get('content-type')?.startsWith(r.contentType)) out.push(`content-type ${res.headers.get('content-type')}, declared ${r.contentType}`);
    if (schema) {
      const parsed = schema.safeParse(res.body);
      if (!parsed.success) out.push(`body does not match its schema: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      else {
        const extra = undeclaredKeys(res.body, parsed.data);
        if (extra.length) out.push(`body has fields its schema does not allow: ${extra.slice(0, 5).join(', ')}`);
      }
    }
    if (res.status === (r.status ?? 200)) for (const h of Object.keys(r.responseHeaders ?? {})) if (!res.headers.get(h)) out.push(`no ${h} header (declared)`);
    if (declared && (schema ? !declared.content : !!declared.content && !r.contentType)) out.push(`the document and the route disagree on whether ${res.status} has a body`);
  } else if (declared) {
    const envelope = errorBodySchema.safeParse(res.body);
    if (!envelope.success) out.push(`error body is not the envelope: ${JSON.stringify(res.body).slice(0, 200)}`);
    const codes = declared.content?.['application/json'].schema.properties?.error?.properties?.code?.enum ?? [];
    if (code !== undefined && !codes.includes(code)) out.push(`answered ${what}: the document lists ${codes.join(', ')} for ${res.status}`);
    if (envelope.success && envelope.data.error.requestId !== res.headers.get('x-request-id')) out.push('error requestId differs from X-Request-Id');
    if ((res.status === 429 || res.status === 503) && !res.headers.get('retry-after')) out.push(`${res.status} without Retry-After`);
  }
  return out.map((p) => `${c.name}: ${p}`);
}

/** Which operations answered a 2xx (and had its body checked). */
const succeeded = new Set<string>();
const answered = new Map<string, Set<string>>();

/**
 * Operations the generated requests cannot make succeed here, and why. Every other operation must
 * answer a 2xx at least once, so its success schema is checked against a real answer.
 */
const NO_SUCCESS_HERE: Record<string, string> = {
  'POST /launches/:code/orders': 'needs an admission token, which only the waiting room of an open launch hands out',
  'GET /launches/:code/queue': 'the launch opens in an hour: nobody can have joined',
  'POST /launches/:code/queue': 'the launch opens in an hour (409 LAUNCH_NOT_OPEN)',
  'POST /orders/:orderNo/payments/alipay': 'the buyer signed in with WeChat: no Alipay account to pay from (409)',
  'POST /orders/:orderNo/lock': 'the deposit is not paid (409 ORDER_STATE_INVALID)',
  'POST /me/messages/:messageId/read': 'no message id is known to the generator (404)',
  'POST /admin/reminders/dead-letters/:jobId/retry': 'no job has failed (404)',
};

describe('the OpenAPI document', () => {
  it('declares the response schema of every route that answers JSON', () => {
    // 204s have no body; images and files declare their media type instead (contentType).
    const undeclared = t.app.routes.filter((r) => !r.response && r.status !== 204 && !r.contentType).map(opKey);
    expect(undeclared).toEqual([]);
  });

  it('describes every refinement of a request with a rule', () => {
    const undescribed = t.app.routes.flatMap((r) => routeRules(r).filter((x) => x.rule === 'undescribed refinement').map((x) => `${opKey(r)} ${x.in} ${x.at}`));
    expect(undescribed).toEqual([]);
    // The cross-field rules the issue names are in the document.
    const rules = (method: string, path: string) => (doc.paths[path][method]['x-rules'] ?? []) as Array<{ field?: string; rule: string }>;
    expect(rules('get', '/api/v1/delivery-centres')).toEqual([expect.objectContaining({ field: 'lng', rule: expect.stringMatching(/lat and lng/) })]);
    expect(rules('get', '/api/v1/admin/analytics/funnels/{key}/report').map((x) => x.field)).toContain('from');
  });

  it('declares the headers routes read, and Retry-After on 429 and 503', () => {
    const order = doc.paths['/api/v1/orders'].post;
    expect(order.parameters).toContainEqual(expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: true }));
    expect(Object.keys(order.responses)).toEqual(expect.arrayContaining(['201', '202', '400', '401', '404', '409', '422', '429', '503']));
    expect(order.responses['429'].headers).toHaveProperty('Retry-After');
    expect(doc.paths['/api/v1/launches/{code}/queue'].post.parameters).toContainEqual(expect.objectContaining({ name: 'X-Device-Id', in: 'header', required: true }));
  });
});

describe('202 answers', () => {
  it('POST /orders answers 202 creating with its declared schema when the order write outlasts the budget, and the placement follows', async () => {
    const slow = await startTestApp('contract_202', { ORDER_INLINE_BUDGET_MS: '0' });
    try {
      await slow.seed();
      const { token } = await slow.login('oContract202');
      const route = (key: string) => slow.app.routes.find((x) => opKey(x) === key)!;
      const req: Req = { params: {}, query: {}, headers: { 'Idempotency-Key': randomUUID() }, body: CAR };
      const placed = await slow.api('/api/v1/orders', { method: 'POST', token, headers: req.headers, json: CAR });
      expect(placed.status).toBe(202);
      expect(problemsOf(route('POST /orders'), doc.paths['/api/v1/orders'].post, { name: 'slow write', as: 'buyer', req, expect: [202] }, placed)).toEqual([]);
      const follow = await slow.api(`/api/v1/orders/${placed.body.orderNo}/placement`, { token });
      const op = doc.paths['/api/v1/orders/{orderNo}/placement'].get;
      expect(problemsOf(route('GET /orders/:orderNo/placement'), op, { name: 'placement', as: 'buyer', req: { ...req, params: { orderNo: placed.body.orderNo } }, expect: [200] }, follow)).toEqual([]);
    } finally {
      await slow.close();
    }
  });
});

describe('every operation, replayed against the BFF', () => {
  for (const r of t.app.routes) {
    it(opKey(r), async () => {
      const op = doc.paths[docPath(r)]?.[r.method];
      expect(op, 'the operation is in the document').toBeDefined();
      const problems: string[] = [];
      const cases = await casesOf(r, op);
      expect(cases.filter((c) => !c.expect).length, 'at least one valid request').toBeGreaterThan(0);
      for (const c of cases) {
        const res = await send(r, c);
        (answered.get(opKey(r)) ?? answered.set(opKey(r), new Set()).get(opKey(r))!).add(`${res.status}${(res.body as { error?: { code?: string } } | null)?.error?.code ? ':' + (res.body as { error: { code: string } }).error.code : ''}`);
        if (res.status < 300) succeeded.add(opKey(r));
        problems.push(...problemsOf(r, op, c, res));
      }
      expect(problems).toEqual([]);
    });
  }

  it('made every operation succeed at least once, except the few it cannot here', () => {
    const missing = t.app.routes.map(opKey).filter((k) => !succeeded.has(k) && !(k in NO_SUCCESS_HERE));
    expect(missing.map((k) => `${k} answered ${[...(answered.get(k) ?? [])].join(', ')}`)).toEqual([]);
    expect(succeeded.size).toBeGreaterThan(t.app.routes.length * 0.8);
    if (process.env.CONTRACT_REPORT) for (const [k, v] of answered) console.log(k, [...v].join(' '));
  });
});
