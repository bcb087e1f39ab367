import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from './helpers';

// Issue #26: a lookup keyed by request data in an object literal finds Object's own properties
// (`constructor`, `__proto__`, `toString`, ...) unless it asks for own properties only. Every place
// a request names something is asked for those names here: the answer must be a 4xx, never a 500.
const t = await startTestApp('inherited_keys');
afterAll(() => t.close());

const NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'];
let staff: string;
let buyer: string;
let buyerId: string;
beforeAll(async () => {
  await t.seed();
  staff = (await t.loginAs(['admin', 'operator', 'service', 'advisor', 'buyer'], 'oInheritedStaff')).token;
  const b = await t.login('oInheritedBuyer');
  buyer = b.token;
  buyerId = b.user.id;
});

type Req = [method: string, path: string, body?: unknown, token?: 'staff' | 'buyer' | 'none'];
const requests = (n: string): Req[] => {
  const e = encodeURIComponent(n);
  return [
    ['GET', `/api/v1/catalog/models/${e}`],
    ['GET', `/api/v1/catalog/models/${e}/similar`],
    ['GET', `/api/v1/catalog/compare?trims=yuanshan-s5:${e},${e}:${e}`],
    ['GET', `/api/v1/catalog/models?bodyType=${e}&energyType=${e}&sort=${e}&q=${e}`],
    ['GET', `/media/models/${e}.svg`],
    ['GET', `/media/models/yuanshan-s5.svg?paint=${e}`],
    ['GET', `/media/car-models/${e}.glb`],
    ['GET', `/api/v1/configurations/saved/${e}`],
    ['GET', `/api/v1/launches/${e}`],
    ['GET', `/api/v1/shares/${e}`],
    ['GET', `/api/v1/stores/${e}/test-drive-slots?date=2026-12-10`],
    ['GET', `/api/v1/sites/${e}/slots?date=2026-12-10`],
    ['GET', `/api/v1/orders/${e}`, undefined, 'buyer'],
    ['GET', `/api/v1/orders/${e}/tracking`, undefined, 'buyer'],
    ['GET', `/api/v1/orders/${e}/placement`, undefined, 'buyer'],
    ['GET', `/api/v1/experiments/assignments?anonymousId=0f1e2d3c4b5a69788796a5b4c3d2e1f0&keys=${e}`],
    ['GET', `/api/v1/admin/experiments/${e}`],
    ['GET', `/api/v1/admin/analytics/funnels/${e}/report?from=2026-12-01&to=2026-12-02`],
    ['GET', `/api/v1/admin/analytics/funnels/purchase/report?from=2026-12-01&to=2026-12-02&model=${e}&city=${e}&platform=${e}`],
    ['GET', `/api/v1/admin/reconciliation/reports/${e}`],
    ['GET', `/api/v1/admin/users/${e}`],
    ['GET', `/api/v1/admin/campaigns/${e}`],
    ['GET', `/api/v1/admin/service-bookings?siteCode=${e}&date=2026-12-10`],
    ['GET', `/api/v1/admin/audit?action=${e}&targetId=${e}`],
    ['GET', `/api/v1/me/vehicles/${e}`, undefined, 'buyer'],
    ['GET', `/api/v1/me/consents/${e}`, undefined, 'buyer'],
    ['GET', `/api/v1/delivery-centres?lat=${e}&lng=${e}`],
    ['POST', '/api/v1/configurations', { modelCode: 'yuanshan-s5', trimCode: n, selections: [n] }],
    ['POST', '/api/v1/configurations', { modelCode: n, trimCode: n, selections: [] }],
    ['POST', '/api/v1/configurations', { modelCode: 'yuanshan-s5', trimCode: 'S5_520_RWD', selections: ['PAINT_MIST_GREY', n] }],
    ['POST', '/api/v1/configurations/saved', { modelCode: 'yuanshan-s5', trimCode: 'S5_520_RWD', selections: [n] }],
    ['POST', '/api/v1/finance/quote', { priceFen: 20_000_000, productId: n, method: n, downPayment: { ratio: 0.3 }, termMonths: 36 }],
    ['POST', '/api/v1/me/subscriptions', { templateIds: [n], results: { [n]: 'accept' } }, 'buyer'],
    ['POST', '/api/v1/me/subscriptions', { templateIds: [], results: { [n]: 'accept' } }, 'buyer'],
    ['POST', '/api/v1/admin/orders/CM000000000000/events', { event: n }],
    ['POST', `/api/v1/admin/experiments/${e}/ship`, { variant: n }],
    ['POST', `/api/v1/admin/experiments/${e}/start`],
    ['POST', '/api/v1/shares', { kind: n, modelCode: n }],
    ['POST', '/api/v1/shares', { kind: 'model', modelCode: n }],
    ['PUT', '/api/v1/admin/stock', { modelCode: n, trimCode: n, paintCode: n, total: 1, reason: '测试' }],
    ['PUT', '/api/v1/admin/stock', { modelCode: 'yuanshan-s5', trimCode: 'S5_520_RWD', paintCode: n, total: 1, reason: '测试' }],
    ['POST', `/api/v1/admin/launches/${e}/end`],
    ['POST', `/api/v1/advisor/leads/${e}/status`, { status: n }],
    ['PATCH', `/api/v1/admin/catalog/models/${e}/options/${e}`, { name: 'x' }],
    ['PATCH', `/api/v1/admin/catalog/models/yuanshan-s5/options/${e}`, { name: 'x' }],
    ['PUT', `/api/v1/admin/users/${buyerId}/roles`, { roles: [n] }],
    ['PUT', `/api/v1/admin/site-staff/${buyerId}`, { siteCode: n }],
    ['POST', '/api/v1/test-drives', { storeCode: n, modelCode: n, slotId: n }, 'buyer'],
    ['POST', '/api/v1/admin/campaigns/preview', { segment: { modelCodes: [n] }, message: { title: '保养', body: '保养提醒' } }],
    ['POST', '/api/v1/admin/vehicles', { ownerId: buyerId, vin: 'LFV2A21K6E4000001', modelCode: n, deliveredAt: '2026-01-01T00:00:00Z' }],
    ['POST', '/api/v1/admin/vehicles', { ownerId: buyerId, vin: 'LFV2A21K6E4000001', modelCode: 'yuanshan-s5', trimCode: n, deliveredAt: '2026-01-01T00:00:00Z' }],
    ['PUT', '/api/v1/me/recommendations/preferences', { bodyTypes: [n], energyTypes: [n] }, 'buyer'],
    ['POST', '/api/v1/events', { events: [{ id: '3f0c2a7e-9b1d-4c5e-8a6f-0d1e2f3a4b5c', name: 'view_model', ts: new Date().toISOString(), anonymousId: '0f1e2d3c4b5a69788796a5b4c3d2e1f0', sessionId: 'a1b2c3d4e5f60718293a4b5c6d7e8f90', platform: 'weapp', properties: { [n]: 1, modelCode: n, city: n } }] }],
  ];
};

describe('names of Object.prototype in request data', () => {
  it.each(NAMES)('%s: every route answers 4xx or 2xx, never 5xx', async (n) => {
    const failures: string[] = [];
    for (const [method, path, body, who = 'staff'] of requests(n)) {
      const token = who === 'staff' ? staff : who === 'buyer' ? buyer : undefined;
      const res = await t.api(path, { method, token, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }) });
      if (res.status >= 500) failures.push(`${method} ${path} ${JSON.stringify(body) ?? ''} → ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
    }
    expect(failures).toEqual([]);
  });
});
