import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignVariant, containsPersonalData, countFunnel, findPersonalData, normalizeText, shanghaiDay, type RawEvent } from '@carmall/shared-types';
import { startTestApp } from './helpers';
import { analyticsEventModel, experimentModel, exposureModel, funnelModel } from '../src/modules/analytics/model';
import { trackingEventModel } from '../src/modules/tracking/model';

const t = await startTestApp('analytics', { RATE_LIMIT_EVENT_BATCHES_PER_DEVICE_PER_MIN: '30' });
afterAll(() => t.close());

let operator: string;
let buyer: { token: string; id: string };
beforeAll(async () => {
  operator = (await t.loginAs('operator', 'oAnalyticsOperator')).token;
  const b = await t.login('oAnalyticsBuyer');
  buyer = { token: b.token, id: b.user.id };
});

// Ids as the SDK makes them: 32 hex digits (device, session) and UUIDs (events), redrawn when one
// happens to read as a phone number (the BFF refuses those; about 1 in 700 and 1 in 4,000).
const drawn = (make: () => string, ok: (id: string) => boolean) => {
  for (;;) {
    const id = make();
    if (ok(id)) return id;
  }
};
const dev = () => drawn(() => randomUUID().replace(/-/g, ''), (id) => !containsPersonalData(id));
const eventId = () => drawn(randomUUID, (id) => !findPersonalData(id, { joinGroups: false }));
const SESSION = 'a0b1c2d3e4f5061728394a5b6c7d8e9f';
const ev = (anonymousId: string, name: string, props: Record<string, unknown> = {}, at = new Date(), platform = 'weapp') => ({
  id: eventId(),
  name,
  ts: at.toISOString(),
  anonymousId,
  sessionId: SESSION,
  platform,
  page: 'pages/model/index',
  properties: props,
});
const send = (events: unknown[], token?: string) => t.api('/api/v1/events', { method: 'POST', json: { events }, token });
const stored = (filter: Record<string, unknown> = {}) => t.conn.collection('analytics_events').countDocuments(filter);

describe('ingestion', () => {
  it('owns its mongoose models (names are shared per connection: a clash would send one module\'s writes to the other\'s collection)', () => {
    const mine = [analyticsEventModel, funnelModel, experimentModel, exposureModel].map((m) => m(t.conn).collection.collectionName);
    expect(mine).toEqual(['analytics_events', 'analytics_funnels', 'experiments', 'experiment_exposures']);
    expect(trackingEventModel(t.conn).collection.collectionName).not.toBe('analytics_events');
  });

  it('stores a valid batch and attaches the signed-in user as an opaque id', async () => {
    const d = dev();
    const batch = [ev(d, 'page_view'), ev(d, 'view_model', { modelCode: 'yuanshan-s5' })];
    const res = await send(batch, buyer.token);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ accepted: 2, duplicates: 0 });
    const doc = await t.conn.collection('analytics_events').findOne({ _id: batch[1].id as never });
    expect(doc).toMatchObject({ name: 'view_model', anonymousId: d, userId: buyer.id, day: shanghaiDay(batch[1].ts), properties: { modelCode: 'yuanshan-s5' } });
  });

  it('a bad event refuses the whole batch with its index and reason; nothing is written', async () => {
    const d = dev();
    const good = [ev(d, 'page_view'), ev(d, 'configure')];
    const cases: [unknown, string][] = [
      [ev(d, 'configure', { note: '请联系 13812345678' }), 'PERSONAL_DATA'],
      [ev(d, 'configure', { contact: 13912345678 }), 'PERSONAL_DATA'],
      [{ ...ev(d, 'configure'), name: 'Bad Name' }, 'INVALID'],
      [{ ...ev(d, 'configure'), id: 'not-a-uuid' }, 'INVALID'],
      [{ ...ev(d, 'configure'), phone: '13812345678' }, 'PERSONAL_DATA'], // an unknown field: personal data is looked for everywhere first
      [{ ...ev(d, 'configure'), extra: 1 }, 'INVALID'], // unknown field
      [ev(d, 'configure', {}, new Date(Date.now() - 40 * 86_400_000)), 'TS_OUT_OF_RANGE'],
      [ev(d, 'configure', {}, new Date(Date.now() + 3_600_000)), 'TS_OUT_OF_RANGE'],
    ];
    for (const [bad, reason] of cases) {
      const res = await send([good[0], bad, good[1]]);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('EVENT_BATCH_INVALID');
      expect(res.body.error.details.problems[0]).toMatchObject({ index: 1, reason });
    }
    const mixed = await send([good[0], ev(dev(), 'page_view')]);
    expect(mixed.body.error).toMatchObject({ code: 'EVENT_BATCH_INVALID', details: { problems: [{ reason: 'MIXED_DEVICES' }] } });
    expect((await send([])).status).toBe(400);
    expect(await stored({ anonymousId: d })).toBe(0);
    // The good events alone go through afterwards: nothing of theirs was claimed by the refused batches.
    expect((await send(good)).body).toEqual({ accepted: 2, duplicates: 0 });
  });

  it('refuses personal data in every spelling and every field (issue #26): nothing stored, no Redis key carries it', async () => {
    const forms = ['13800138000', '+8613800138000', '8613800138000', '008613800138000', '138 0013 8000', '138-0013-8000', '（138）0013.8000', '１３８００１３８０００', '138\u200B0013\u200B8000', '110105 19491231 002X', '110105-1949-1231-002x', 'zhang.san@example.com'];
    const storedBefore = await stored();
    const places: [string, (form: string) => Record<string, unknown>][] = [
      ['property value', (f) => ev(d, 'configure', { note: `请联系 ${f}` })],
      ['property key', (f) => ev(d, 'configure', { [`tel${f}`]: true })],
      ['event name', (f) => ({ ...ev(d, 'configure'), name: `call_${f}` })],
      ['page', (f) => ({ ...ev(d, 'configure'), page: `pages/${f}` })],
      ['anonymousId', (f) => ({ ...ev(d, 'configure'), anonymousId: f })],
      ['anonymousId padded to the format', (f) => ({ ...ev(d, 'configure'), anonymousId: `${normalizeText(f).replace(/\D/g, '')}aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa`.slice(0, 32) })],
      ['sessionId', (f) => ({ ...ev(d, 'configure'), sessionId: f })],
    ];
    let d = dev();
    for (const form of forms) {
      for (const [where, make] of places) {
        if (where === 'anonymousId padded to the format' && /[@Xx]/.test(form)) continue; // the mobile numbers: 32 hex digits cannot hold an ID's X or an address
        d = dev(); // a device of its own for each case: the per-device batch limit never comes into it
        const bad = make(form);
        // Alone (its device id is the first the rate limit sees) and in the middle of good events.
        for (const events of [[bad], [ev(d, 'page_view'), bad]]) {
          const res = await send(events);
          expect(res.status, `${where}: ${form}`).toBe(400);
          expect(res.body.error.code).toBe('EVENT_BATCH_INVALID');
          expect(res.body.error.details.problems[0], `${where}: ${form}`).toMatchObject({ index: events.length - 1, reason: 'PERSONAL_DATA' });
          expect(JSON.stringify(res.body)).not.toContain(form); // the answer does not echo it either
        }
      }
    }
    for (const n of [13800138000, 8613800138000]) expect((await send([ev(dev(), 'configure', { contact: n })])).body.error.details.problems[0].reason).toBe('PERSONAL_DATA');
    // The assignments query takes the same device ids.
    for (const id of ['13800138000', '13800138000aaaaaaaaaaaaaaaaaaaaa', 'dev_0123456789abcdef']) {
      const res = await t.api(`/api/v1/experiments/assignments?anonymousId=${encodeURIComponent(id)}`);
      expect(res.status, id).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    expect(await stored()).toBe(storedBefore);
    // Scan every key of this app: none holds the number, in any of its spellings.
    const keys = await t.redis.keys(`${t.config.REDIS_KEY_PREFIX}*`);
    expect(keys.length).toBeGreaterThan(0);
    const digitsOf = (k: string) => normalizeText(k).replace(/[\s\-.()（）+_/]/g, '');
    const leaked = keys.filter((k) => /13800138000|11010519491231002|zhang\.san/i.test(digitsOf(k)));
    expect(leaked).toEqual([]);
    // The last device's good events still go through.
    expect((await send([ev(d, 'page_view')])).body).toEqual({ accepted: 1, duplicates: 0 });
  });

  it('takes device and session ids only in the SDK\'s format (32 lowercase hex digits) and snake_case names', async () => {
    const d = dev();
    for (const [field, value] of [
      ['anonymousId', 'dev_0123456789abcdef'],
      ['anonymousId', d.toUpperCase()],
      ['anonymousId', randomUUID()],
      ['sessionId', 'sess_0000000001'],
      ['name', 'view__model'],
      ['name', 'View_model'],
    ] as const) {
      const res = await send([{ ...ev(d, 'configure'), [field]: value }]);
      expect(res.status, `${field}=${value}`).toBe(400);
      expect(res.body.error.details.problems[0], `${field}=${value}`).toMatchObject({ index: 0, path: field, reason: 'INVALID' });
    }
    expect(await stored({ anonymousId: d })).toBe(0);
  });

  it("corrects a device whose clock is wrong by the batch's sentAt instead of refusing its events", async () => {
    const d = dev();
    const fast = 2 * 3_600_000; // this device's clock runs two hours ahead
    const batch = [ev(d, 'page_view', {}, new Date(Date.now() + fast - 60_000)), ev(d, 'view_model', {}, new Date(Date.now() + fast))];
    expect((await send(batch)).body.error.details.problems[0]).toMatchObject({ reason: 'TS_OUT_OF_RANGE' }); // without sentAt: refused
    const res = await t.api('/api/v1/events', { method: 'POST', json: { events: batch, sentAt: new Date(Date.now() + fast).toISOString() } });
    expect(res.body).toEqual({ accepted: 2, duplicates: 0 });
    const docs = await t.conn.collection('analytics_events').find({ anonymousId: d }).sort({ ts: 1 }).toArray();
    expect(docs).toHaveLength(2);
    for (const [i, doc] of docs.entries()) {
      expect(Math.abs(doc.ts.getTime() - (Date.parse(batch[i].ts) - fast))).toBeLessThan(10_000);
      expect(Math.abs(doc.clockSkewMs + fast)).toBeLessThan(10_000);
    }
    // A small difference (network time) changes nothing; a malformed sentAt is a 400.
    const near = ev(d, 'configure');
    expect((await t.api('/api/v1/events', { method: 'POST', json: { events: [near], sentAt: new Date(Date.now() - 2_000).toISOString() } })).body).toEqual({ accepted: 1, duplicates: 0 });
    expect((await t.conn.collection('analytics_events').findOne({ _id: near.id as never }))!.ts.toISOString()).toBe(near.ts);
    expect((await t.api('/api/v1/events', { method: 'POST', json: { events: [ev(d, 'configure')], sentAt: 'yesterday' } })).status).toBe(400);
  });

  it('deduplicates by event id, across retries and within a batch', async () => {
    const d = dev();
    const batch = [ev(d, 'page_view'), ev(d, 'view_model'), ev(d, 'configure')];
    expect((await send(batch)).body).toEqual({ accepted: 3, duplicates: 0 });
    expect((await send(batch)).body).toEqual({ accepted: 0, duplicates: 3 });
    const extra = ev(d, 'open_finance');
    expect((await send([batch[0], extra, extra])).body).toEqual({ accepted: 1, duplicates: 2 });
    expect(await stored({ anonymousId: d })).toBe(4);
    // Even if Redis forgot the ids (expired, flushed), the unique _id keeps the store clean.
    await t.redis.del(...batch.map((e) => `an:eid:${e.id}`));
    expect((await send(batch)).body).toEqual({ accepted: 3, duplicates: 0 });
    expect(await stored({ anonymousId: d })).toBe(4);
  });

  it('rate-limits batches per device (429 with Retry-After)', async () => {
    const d = dev();
    let limited = null;
    for (let i = 0; i < 31 && !limited; i++) {
      const res = await send([ev(d, 'page_view')]);
      if (res.status === 429) limited = res;
      else expect(res.status).toBe(200);
    }
    expect(limited?.body.error.code).toBe('RATE_LIMITED');
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('funnels', () => {
  const steps = ['view_model', 'configure', 'open_finance', 'order_created', 'pay_success'];

  it('reports counts equal to the reference computation over the raw events, per segment', async () => {
    const created = await t.api('/api/v1/admin/analytics/funnels', { method: 'POST', token: operator, json: { key: 'buy-test', name: '测试漏斗', steps } });
    expect(created.status).toBe(201);
    // Same definition again is a no-op; other steps under the same key are refused.
    expect((await t.api('/api/v1/admin/analytics/funnels', { method: 'POST', token: operator, json: { key: 'buy-test', name: '测试漏斗', steps } })).status).toBe(201);
    expect((await t.api('/api/v1/admin/analytics/funnels', { method: 'POST', token: operator, json: { key: 'buy-test', name: 'x', steps: ['a_b', 'c_d'] } })).body.error.code).toBe('CONFLICT');

    // A known event set: 12 devices, each going a set number of steps, on two platforms and two models;
    // some repeat steps or skip one (and so stop there).
    const base = Date.now() - 3_600_000;
    const raw: RawEvent[] = [];
    const batches: unknown[][] = [];
    for (let u = 0; u < 12; u++) {
      const d = dev();
      const platform = u % 3 === 0 ? 'h5' : 'weapp';
      const model = u % 2 === 0 ? 'yuanshan-s5' : 'yuanshan-e7';
      const depth = u % 6; // 0..5 steps
      const names = steps.slice(0, depth);
      if (u === 7) names.splice(1, 1); // skips configure
      if (u === 8) names.push('configure', 'view_model'); // repeats
      const events = names.map((name, i) => ev(d, name, { modelCode: model, city: '上海' }, new Date(base + i * 60_000), platform));
      events.forEach((e) => raw.push({ unit: d, name: e.name, at: e.ts, segment: { platform, model, city: '上海' } }));
      // Sent out of order across two batches: the pre-aggregates follow event time within a batch.
      batches.push(events.slice(0, 2).reverse(), events.slice(2));
    }
    for (const b of batches) if (b.length) expect((await send(b)).status).toBe(200);

    const today = shanghaiDay(Date.now());
    const from = shanghaiDay(base);
    const report = (q: string) => t.api(`/api/v1/admin/analytics/funnels/buy-test/report?from=${from}&to=${today}${q}`, { token: operator });
    const all = await report('');
    expect(all.status).toBe(200);
    const expected = countFunnel(raw, steps, { from, to: today });
    expect(expected[0]).toBe(10); // sanity of the fixture: devices with depth 0 never enter
    expect(all.body.steps.map((s: { count: number }) => s.count)).toEqual(expected);
    expect(all.body.steps[1].conversion).toBeCloseTo(expected[1] / expected[0], 6);
    expect(all.body.steps[1].dropOff).toBe(expected[0] - expected[1]);
    for (const [q, filter] of [
      ['&platform=h5', { platform: 'h5' }],
      ['&model=yuanshan-e7', { model: 'yuanshan-e7' }],
      ['&platform=weapp&model=yuanshan-s5&city=%E4%B8%8A%E6%B5%B7', { platform: 'weapp', model: 'yuanshan-s5', city: '上海' }],
    ] as const) {
      expect((await report(q)).body.steps.map((s: { count: number }) => s.count)).toEqual(countFunnel(raw, steps, { from, to: today }, filter));
    }
    // A range before the cohorts is empty.
    const empty = await t.api('/api/v1/admin/analytics/funnels/buy-test/report?from=2020-01-01&to=2020-01-31', { token: operator });
    expect(empty.body.steps.every((s: { count: number }) => s.count === 0)).toBe(true);
  });

  it('counts a buyer who skips the optional 金融方案 step at 下定 and 支付成功 (the default funnel)', async () => {
    const d = dev();
    const names = ['view_model', 'configure', 'order_created', 'pay_success'];
    const base = Date.now() - 600_000;
    expect((await send(names.map((name, i) => ev(d, name, { modelCode: 'yuanshan-s5', city: '杭州' }, new Date(base + i * 1000), 'alipay')))).status).toBe(200);
    const day = shanghaiDay(Date.now());
    const res = await t.api(`/api/v1/admin/analytics/funnels/purchase/report?from=${shanghaiDay(base)}&to=${day}&platform=alipay&city=%E6%9D%AD%E5%B7%9E`, { token: operator });
    expect(res.status).toBe(200);
    expect(res.body.funnel.steps).toEqual(['view_model', 'configure', 'open_finance?', 'order_created', 'pay_success']);
    expect(res.body.steps.map((s: { count: number }) => s.count)).toEqual([1, 1, 0, 1, 1]);
    expect(res.body.steps[2]).toMatchObject({ name: 'open_finance', optional: true });
    expect(res.body.steps[3].conversion).toBe(1);
    // The first step cannot be optional; a malformed step name is refused.
    for (const steps of [['view_model?', 'configure'], ['view_model', 'configure??']]) {
      const bad = await t.api('/api/v1/admin/analytics/funnels', { method: 'POST', token: operator, json: { key: 'bad-optional', name: 'x', steps } });
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    }
  });

  it('checks roles and input', async () => {
    expect((await t.api('/api/v1/admin/analytics/funnels')).status).toBe(401);
    expect((await t.api('/api/v1/admin/analytics/funnels', { token: buyer.token })).status).toBe(403);
    const list = await t.api('/api/v1/admin/analytics/funnels', { token: operator });
    expect(list.body.items.map((f: { key: string }) => f.key)).toContain('purchase');
    const bad = await t.api('/api/v1/admin/analytics/funnels/purchase/report?from=2026-02-01&to=2026-01-01', { token: operator });
    expect(bad.status).toBe(400);
    expect((await t.api('/api/v1/admin/analytics/funnels/nope-nope/report?from=2026-01-01&to=2026-01-02', { token: operator })).status).toBe(404);
    expect((await t.api('/api/v1/admin/analytics/funnels/purchase/report?from=2025-01-01&to=2026-01-02', { token: operator })).status).toBe(400);
  });
});

describe('experiments', () => {
  const def = { key: 'order-btn', name: '下单按钮文案', variants: [{ key: 'control', weight: 50, label: '立即下单' }, { key: 'urgent', weight: 50, label: '马上锁定' }], targetEvent: 'order_created' };

  it('role checks on every operator endpoint', async () => {
    for (const [method, path, json] of [
      ['GET', '/api/v1/admin/experiments', undefined],
      ['POST', '/api/v1/admin/experiments', def],
      ['GET', '/api/v1/admin/experiments/order-btn', undefined],
      ['POST', '/api/v1/admin/experiments/order-btn/start', undefined],
      ['POST', '/api/v1/admin/experiments/order-btn/ship', { variant: 'urgent' }],
    ] as const) {
      expect((await t.api(path, { method, json })).status).toBe(401);
      expect((await t.api(path, { method, json, token: buyer.token })).status).toBe(403);
    }
  });

  it('define → start → deterministic assignment, exposure once, conversion once → stop → ship', async () => {
    const created = await t.api('/api/v1/admin/experiments', { method: 'POST', token: operator, json: def });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ key: 'order-btn', status: 'draft' });
    expect((await t.api('/api/v1/admin/experiments', { method: 'POST', token: operator, json: def })).body.status).toBe('draft');
    expect((await t.api('/api/v1/admin/experiments', { method: 'POST', token: operator, json: { ...def, targetEvent: 'pay_success' } })).status).toBe(409);
    // A draft is not assigned.
    expect((await t.api(`/api/v1/experiments/assignments?anonymousId=${dev()}`)).body.assignments).not.toHaveProperty('order-btn');
    expect((await t.api('/api/v1/admin/experiments/order-btn/start', { method: 'POST', token: operator })).body.status).toBe('running');
    expect((await t.api('/api/v1/admin/experiments/order-btn/start', { method: 'POST', token: operator })).status).toBe(200); // repeat: no-op

    // 40 visitors, each asking twice (two sessions): the shared bucketing decides, exposures counted once.
    const visitors = Array.from({ length: 40 }, dev);
    const seen: Record<string, string> = {};
    for (const v of visitors) {
      for (let i = 0; i < 2; i++) {
        const res = await t.api(`/api/v1/experiments/assignments?anonymousId=${v}`);
        expect(res.body.assignments['order-btn']).toEqual({ variant: assignVariant('order-btn', `a:${v}`, def.variants), status: 'running' });
        seen[v] = res.body.assignments['order-btn'].variant;
      }
    }
    // A signed-in buyer is bucketed by user id, whatever device asks.
    const mine = assignVariant('order-btn', `u:${buyer.id}`, def.variants);
    for (const d of [dev(), dev()]) expect((await t.api(`/api/v1/experiments/assignments?anonymousId=${d}`, { token: buyer.token })).body.assignments['order-btn'].variant).toBe(mine);

    // Conversions: the first 10 visitors order (one twice, in two batches); one unexposed device orders too.
    for (const v of visitors.slice(0, 10)) expect((await send([ev(v, 'order_created')])).status).toBe(200);
    await send([ev(visitors[0], 'order_created')]);
    await send([ev(dev(), 'order_created')]);
    // The buyer converts from a third device, signed in: credited to the user's exposure.
    await send([ev(dev(), 'order_created')], buyer.token);

    const res = await t.api('/api/v1/admin/experiments/order-btn', { token: operator });
    expect(res.status).toBe(200);
    const count = (list: string[], variant: string) => list.filter((v) => seen[v] === variant).length;
    const [control, urgent] = res.body.results.variants;
    expect(control.exposed + urgent.exposed).toBe(41);
    expect(control.exposed).toBe(count(visitors, 'control') + (mine === 'control' ? 1 : 0));
    expect(control.converted).toBe(count(visitors.slice(0, 10), 'control') + (mine === 'control' ? 1 : 0));
    expect(urgent.converted).toBe(count(visitors.slice(0, 10), 'urgent') + (mine === 'urgent' ? 1 : 0));
    expect(urgent.vsControl).toHaveProperty('pValue');
    expect(urgent.vsControl.ci).toHaveLength(2);
    expect(res.body.results.srm).toMatchObject({ df: 1 });
    expect(await t.conn.collection('experiment_exposures').countDocuments({ experimentKey: 'order-btn' })).toBe(41);

    // Stop: no new exposures; a stopped experiment cannot start again; ship the winner to everyone.
    expect((await t.api('/api/v1/admin/experiments/order-btn/stop', { method: 'POST', token: operator })).body.status).toBe('stopped');
    expect((await t.api(`/api/v1/experiments/assignments?anonymousId=${dev()}`)).body.assignments).not.toHaveProperty('order-btn');
    const restart = await t.api('/api/v1/admin/experiments/order-btn/start', { method: 'POST', token: operator });
    expect(restart.status).toBe(409);
    expect(restart.body.error.code).toBe('EXPERIMENT_STATE_INVALID');
    expect((await t.api('/api/v1/admin/experiments/order-btn/ship', { method: 'POST', token: operator, json: { variant: 'nope' } })).status).toBe(400);
    expect((await t.api('/api/v1/admin/experiments/order-btn/ship', { method: 'POST', token: operator, json: { variant: 'urgent' } })).body).toMatchObject({ status: 'shipped', shippedVariant: 'urgent' });
    expect((await t.api(`/api/v1/experiments/assignments?anonymousId=${dev()}`)).body.assignments['order-btn']).toEqual({ variant: 'urgent', status: 'shipped' });
    const list = await t.api('/api/v1/admin/experiments', { token: operator });
    expect(list.body.items.find((x: { key: string }) => x.key === 'order-btn').results.totalExposed).toBe(41);
  });

  it('rejects a bad assignments query', async () => {
    expect((await t.api('/api/v1/experiments/assignments')).status).toBe(400);
    expect((await t.api('/api/v1/experiments/assignments?anonymousId=x')).status).toBe(400);
  });
});
