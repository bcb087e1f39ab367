import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBankSimulator } from '@carmall/simulators';
import { signedIn, twoAdvisors } from './advisor-fixtures';
import { startTestApp } from './helpers';

const BANK = { appId: 'carmall-test', secret: 'test-bank-secret' };
const bank = await startBankSimulator({ ...BANK });
const t = await startTestApp('advisors', { BANK_API_BASE: bank.url, BANK_APP_ID: BANK.appId, BANK_SECRET: BANK.secret });
afterAll(async () => {
  await t.close();
  await bank.close();
});

const CAR = { modelCode: 'yuanshan-s5', trimCode: 'S5_520_RWD', selections: ['PAINT_MIST_GREY'] };
const visitorId = () => randomBytes(12).toString('base64url');
let advisorA: { token: string; id: string };
let advisorB: { token: string; id: string };
let buyer: { token: string; id: string };
let configId: string;

const as = (roles: string[], openid: string) => signedIn(t, roles, openid);
const share = (token: string, body: object) => t.api('/api/v1/shares', { method: 'POST', token, json: body });
const visit = (shareId: string, vid: string, token?: string) => t.api(`/api/v1/shares/${shareId}/visits`, { method: 'POST', json: { visitorId: vid }, ...(token ? { token } : {}) });
const placeOrder = (token: string, key = randomUUID()) => t.api('/api/v1/orders', { method: 'POST', json: CAR, token, headers: { 'idempotency-key': key } });
// Drop the cached entries and move the generation on, as an operator's write does (each BFF keeps
// parsed entries of a generation for up to 2 s; see infra/cache.ts).
const dropCatalogCache = async () => {
  await t.dropRedisKeys('cache:*');
  await t.redis.set('cache:catalog:gen', String(Date.now()));
};
const wxacodeCalls = async () => ((await (await fetch(`${t.wechat.url}/__sim/wechat/wxacode`)).json()) as { calls: Array<{ scene: string }> }).calls;

beforeAll(async () => {
  await t.seed();
  ({ advisorA, advisorB } = await twoAdvisors(t, 'Adv'));
  buyer = await as(['buyer'], 'oBuyerAdv');
  const saved = await t.api('/api/v1/configurations/saved', { method: 'POST', json: CAR });
  configId = saved.body.shortId;
});

describe('shares', () => {
  it('an advisor shares a model or a configuration; sharing the same target again answers the same share', async () => {
    const first = await share(advisorA.token, { kind: 'configuration', configurationId: configId });
    expect(first.status).toBe(201);
    expect(first.body.shareId).toMatch(/^[1-9A-HJ-NP-Za-km-z]{12}$/);
    expect(first.body).toMatchObject({ kind: 'configuration', modelCode: 'yuanshan-s5', configurationId: configId, path: `pages/share/index?s=${first.body.shareId}`, posterUrl: `/api/v1/shares/${first.body.shareId}/poster.png` });
    expect(first.body.h5Url).toBe(`${t.url}/#/pages/share/index?s=${first.body.shareId}`);
    expect(first.body.title).toMatch(/^王顾问为您推荐：.+ ¥\d{1,3}(,\d{3})+$/);
    const again = await share(advisorA.token, { kind: 'configuration', configurationId: configId });
    expect(again.status).toBe(201);
    expect(again.body.shareId).toBe(first.body.shareId);
    const model = await share(advisorA.token, { kind: 'model', modelCode: 'yuanshan-s7' });
    expect(model.status).toBe(201);
    expect(model.body.shareId).not.toBe(first.body.shareId);
    expect(model.body.title).toMatch(/起$/);
    // Another advisor sharing the same configuration gets their own share.
    expect((await share(advisorB.token, { kind: 'configuration', configurationId: configId })).body.shareId).not.toBe(first.body.shareId);
  });

  it('refuses buyers (403), anonymous callers (401), unknown targets (404) and bad bodies (400)', async () => {
    expect((await share(buyer.token, { kind: 'model', modelCode: 'yuanshan-s7' })).status).toBe(403);
    expect((await t.api('/api/v1/shares', { method: 'POST', json: { kind: 'model', modelCode: 'yuanshan-s7' } })).status).toBe(401);
    expect((await share(advisorA.token, { kind: 'model', modelCode: 'no-such-car' })).body.error.code).toBe('NOT_FOUND');
    expect((await share(advisorA.token, { kind: 'configuration', configurationId: 'ZZZZZZZZ' })).status).toBe(404);
    const bad = await share(advisorA.token, { kind: 'configuration', modelCode: 'yuanshan-s7' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('the card shows the configuration with its price and the advisor display name, never a phone', async () => {
    const s = (await share(advisorA.token, { kind: 'configuration', configurationId: configId })).body;
    const card = await t.api(`/api/v1/shares/${s.shareId}`);
    expect(card.status).toBe(200);
    expect(card.body).toMatchObject({ shareId: s.shareId, kind: 'configuration', advisor: { displayName: '王顾问' }, model: { code: 'yuanshan-s5' }, configuration: { shortId: configId, current: { valid: true } } });
    expect(card.body.configuration.totalFen).toBeGreaterThan(0);
    expect(JSON.stringify(card.body)).not.toContain(advisorA.id);
  });

  it('a shared configuration its owner deleted still opens (as shared, marked not orderable) and never breaks the advisor list', async () => {
    const owner = await as(['buyer'], 'oDelCfg');
    const saved = (await t.api('/api/v1/configurations/saved', { method: 'POST', json: CAR, token: owner.token })).body;
    const s = (await share(advisorA.token, { kind: 'configuration', configurationId: saved.shortId })).body;
    const before = (await t.api(`/api/v1/shares/${s.shareId}`)).body;
    expect((await t.api(`/api/v1/me/configurations/${saved.shortId}`, { method: 'DELETE', token: owner.token })).status).toBe(204);
    const card = await t.api(`/api/v1/shares/${s.shareId}`);
    expect(card.status).toBe(200);
    expect(card.body.configuration).toMatchObject({ shortId: saved.shortId, trimCode: CAR.trimCode, totalFen: before.configuration.totalFen, current: { valid: false, totalFen: null } });
    expect(card.body.configuration.current.reason).toContain('已被删除');
    expect((await t.api(`/api/v1/shares/${s.shareId}/poster.png`)).status).toBe(200);
    const list = await t.api('/api/v1/advisor/shares', { token: advisorA.token });
    expect(list.status).toBe(200);
    expect(list.body.items.find((i: { shareId: string }) => i.shareId === s.shareId)).toMatchObject({ configurationId: saved.shortId, title: before.title });
  });

  it('a share of a delisted model lists, but opening it is 410 SHARE_MODEL_UNAVAILABLE', async () => {
    const s = (await share(advisorB.token, { kind: 'model', modelCode: 'yuanshan-s7' })).body;
    const models = t.conn.collection('models');
    const doc = await models.findOne({ code: 'yuanshan-s7' });
    expect(doc).not.toBeNull();
    await models.deleteOne({ code: 'yuanshan-s7' });
    await dropCatalogCache();
    try {
      for (const res of [await t.api(`/api/v1/shares/${s.shareId}`), await t.api(`/api/v1/shares/${s.shareId}/poster.png`)]) {
        expect(res.status).toBe(410);
        expect(res.body.error).toMatchObject({ code: 'SHARE_MODEL_UNAVAILABLE', details: { modelCode: 'yuanshan-s7' } });
      }
      const list = await t.api('/api/v1/advisor/shares', { token: advisorB.token });
      expect(list.status).toBe(200);
      expect(list.body.items.find((i: { shareId: string }) => i.shareId === s.shareId)).toMatchObject({ modelCode: 'yuanshan-s7', title: expect.stringMatching(/（已下架）$/) });
    } finally {
      await models.insertOne(doc!);
      await dropCatalogCache();
    }
  });

  it('forged and malformed share ids are 404 SHARE_NOT_FOUND everywhere; expired shares 410 SHARE_EXPIRED', async () => {
    for (const id of ['Ab3dEf7hJk9m', 'short', 'with space!', '0OIl0OIl0OIl']) {
      for (const res of [await t.api(`/api/v1/shares/${encodeURIComponent(id)}`), await visit(encodeURIComponent(id), visitorId()), await t.api(`/api/v1/shares/${encodeURIComponent(id)}/poster.png`)]) {
        expect(res.status).toBe(404);
        expect(res.body.error.code).toBe('SHARE_NOT_FOUND');
      }
    }
    const s = (await share(advisorB.token, { kind: 'model', modelCode: 'yuanshan-x4' })).body;
    await t.conn.collection('shares').updateOne({ _id: s.shareId as never }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    for (const res of [await t.api(`/api/v1/shares/${s.shareId}`), await visit(s.shareId, visitorId()), await t.api(`/api/v1/shares/${s.shareId}/poster.png`)]) {
      expect(res.status).toBe(410);
      expect(res.body.error).toMatchObject({ code: 'SHARE_EXPIRED', details: { modelCode: 'yuanshan-x4' } });
    }
    // No visit was recorded for any of them.
    expect(await t.conn.collection('share_visits').countDocuments({ shareId: s.shareId })).toBe(0);
    // Sharing the same target again makes a new share once the old one expired.
    const fresh = await share(advisorB.token, { kind: 'model', modelCode: 'yuanshan-x4' });
    expect(fresh.status).toBe(201);
    expect(fresh.body.shareId).not.toBe(s.shareId);
  });
});

describe('visits', () => {
  it('one visit per device per share per day; signing in binds the device’s anonymous visits', async () => {
    const s = (await share(advisorA.token, { kind: 'model', modelCode: 'yuanshan-s6-phev' })).body;
    const vid = visitorId();
    expect((await visit(s.shareId, vid)).body).toEqual({ shareId: s.shareId, counted: true, bound: 0 });
    expect((await visit(s.shareId, vid)).body).toMatchObject({ counted: false });
    const concurrent = await Promise.all(Array.from({ length: 5 }, () => visit(s.shareId, vid)));
    expect(concurrent.every((r) => r.status === 200 && r.body.counted === false)).toBe(true);
    const reader = await as(['buyer'], 'oVisitBinder');
    expect((await visit(s.shareId, vid, reader.token)).body).toEqual({ shareId: s.shareId, counted: false, bound: 1 });
    const docs = await t.conn.collection('share_visits').find({ shareId: s.shareId }).toArray();
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({ userId: reader.id, self: false });
    expect((await visit(s.shareId, 'bad id')).status).toBe(400);
  });
});

describe('attribution', () => {
  it('an order is credited to the advisor of the last share the buyer visited', async () => {
    const who = await as(['buyer'], 'oAttrLast');
    const sA = (await share(advisorA.token, { kind: 'model', modelCode: 'yuanshan-s5' })).body;
    const sB = (await share(advisorB.token, { kind: 'configuration', configurationId: configId })).body;
    await visit(sA.shareId, visitorId(), who.token);
    await new Promise((r) => setTimeout(r, 20));
    await visit(sB.shareId, visitorId(), who.token);
    const key = randomUUID();
    const order = await placeOrder(who.token, key);
    expect(order.status).toBe(201);
    expect(order.body.advisorUserId).toBeUndefined(); // not exposed to the buyer
    const stored = await t.conn.collection('orders').findOne({ orderNo: order.body.orderNo });
    expect(stored!.advisorUserId).toBe(advisorB.id);
    // A replay of the same order request does not credit twice.
    expect((await placeOrder(who.token, key)).body.orderNo).toBe(order.body.orderNo);
    expect(await t.conn.collection('advisor_credits').countDocuments({ ref: order.body.orderNo })).toBe(1);
    const mine = (await t.api('/api/v1/advisor/shares', { token: advisorB.token })).body.items.find((i: { shareId: string }) => i.shareId === sB.shareId);
    expect(mine.stats).toMatchObject({ orders: 1 });
  });

  it('self-referral never counts: an advisor ordering after visiting their own share is not credited', async () => {
    const own = (await share(advisorA.token, { kind: 'model', modelCode: 'yunqi-m8' })).body;
    const vid = visitorId();
    await visit(own.shareId, vid, advisorA.token);
    expect(await t.conn.collection('share_visits').findOne({ shareId: own.shareId })).toMatchObject({ self: true });
    const order = await placeOrder(advisorA.token);
    expect(order.status).toBe(201);
    expect((await t.conn.collection('orders').findOne({ orderNo: order.body.orderNo }))!.advisorUserId).toBeUndefined();
    const stats = (await t.api('/api/v1/advisor/shares', { token: advisorA.token })).body.items.find((i: { shareId: string }) => i.shareId === own.shareId).stats;
    expect(stats).toEqual({ visits: 0, visitors: 0, leads: 0, orders: 0 });
  });

  it('visits older than the window, forged ids and anonymous visits of other devices are not credited', async () => {
    const who = await as(['buyer'], 'oAttrOld');
    const s = (await share(advisorA.token, { kind: 'model', modelCode: 'changfeng-e7' })).body;
    await visit(s.shareId, visitorId(), who.token);
    await t.conn.collection('share_visits').updateMany({ userId: who.id }, { $set: { at: new Date(Date.now() - 15 * 86_400_000) } });
    await visit('Zz9Zz9Zz9Zz9', visitorId(), who.token); // forged: 404, nothing recorded
    await visit(s.shareId, visitorId()); // someone else's device, never signed in
    const order = await placeOrder(who.token);
    expect(order.status).toBe(201);
    expect((await t.conn.collection('orders').findOne({ orderNo: order.body.orderNo }))!.advisorUserId).toBeUndefined();
  });

  it("a signed-in buyer's finance quote of a model becomes the credited advisor's lead (once a day)", async () => {
    const who = await as(['buyer'], 'oAttrQuote');
    const s = (await share(advisorA.token, { kind: 'model', modelCode: 'changfeng-p5' })).body;
    await visit(s.shareId, visitorId(), who.token);
    const products = await t.api('/api/v1/finance/products');
    const body = { modelCode: CAR.modelCode, trimCode: CAR.trimCode, selections: CAR.selections, productId: products.body.products[0].id, downPayment: { ratio: 0.3 }, termMonths: 36 };
    expect((await t.api('/api/v1/finance/quote', { method: 'POST', json: body, token: who.token })).status).toBe(200);
    expect((await t.api('/api/v1/finance/quote', { method: 'POST', json: body, token: who.token })).status).toBe(200);
    expect((await t.api('/api/v1/finance/quote', { method: 'POST', json: body })).status).toBe(200); // anonymous: no lead
    const leads = await t.conn.collection('advisor_leads').find({ buyerUserId: who.id }).toArray();
    expect(leads).toHaveLength(1);
    expect(leads[0]).toMatchObject({ kind: 'finance_quote', advisorUserId: advisorA.id, shareId: s.shareId, modelCode: 'yuanshan-s5', status: 'new' });
    const listed = (await t.api('/api/v1/advisor/leads', { token: advisorA.token })).body.items.find((l: { id: string }) => l.id === String(leads[0]._id));
    expect(listed.financeQuote).toMatchObject({ termMonths: 36, monthlyPaymentFen: expect.any(Number) });
    const stats = (await t.api('/api/v1/advisor/shares', { token: advisorA.token })).body.items.find((i: { shareId: string }) => i.shareId === s.shareId).stats;
    expect(stats).toEqual({ visits: 1, visitors: 1, leads: 1, orders: 0 });
    // A crash between the lead insert and its credit: the next quote (a retry) writes the credit, once.
    const creditId = `finance_quote:${String(leads[0]._id)}`;
    expect((await t.conn.collection('advisor_credits').deleteOne({ _id: creditId as never })).deletedCount).toBe(1);
    expect((await t.api('/api/v1/finance/quote', { method: 'POST', json: body, token: who.token })).status).toBe(200);
    expect(await t.conn.collection('advisor_credits').find({ _id: creditId as never }).toArray()).toEqual([expect.objectContaining({ advisorUserId: advisorA.id, shareId: s.shareId })]);
    expect(await t.conn.collection('advisor_leads').countDocuments({ buyerUserId: who.id })).toBe(1);
  });
});

describe('posters', () => {
  it('draws a PNG with the mini-program code (scene = share id) and serves a repeat from the cache without asking WeChat', async () => {
    const s = (await share(advisorA.token, { kind: 'configuration', configurationId: configId })).body;
    const before = (await wxacodeCalls()).length;
    const res = await fetch(`${t.url}${s.posterUrl}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    const png = Buffer.from(await res.arrayBuffer());
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(750);
    const calls = await wxacodeCalls();
    expect(calls.length).toBe(before + 1);
    expect(calls.at(-1)).toMatchObject({ scene: s.shareId, page: 'pages/share/index' });
    const again = Buffer.from(await (await fetch(`${t.url}${s.posterUrl}`)).arrayBuffer());
    expect(again.equals(png)).toBe(true);
    expect((await wxacodeCalls()).length).toBe(before + 1);
  });

  it('asks WeChat once for a new share even when its poster is opened by many at once', async () => {
    const s = (await share(advisorB.token, { kind: 'model', modelCode: 'yunqi-m8' })).body;
    const before = (await wxacodeCalls()).filter((c) => c.scene === s.shareId).length;
    const all = await Promise.all(Array.from({ length: 6 }, () => fetch(`${t.url}${s.posterUrl}`)));
    expect(all.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect((await wxacodeCalls()).filter((c) => c.scene === s.shareId).length - before).toBe(1);
  });

  it("answers 503 UPSTREAM_UNAVAILABLE when WeChat refuses the code (45009), and draws it once WeChat answers", async () => {
    const s = (await share(advisorB.token, { kind: 'model', modelCode: 'yuanshan-s7' })).body;
    await fetch(`${t.wechat.url}/__sim/wechat/wxacode-fail`, { method: 'POST', body: JSON.stringify({ errcode: 45009, times: 1 }) });
    const res = await t.api(s.posterUrl);
    expect(res.status).toBe(503);
    expect(res.body.error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', details: { errcode: 45009 } });
    expect((await fetch(`${t.url}${s.posterUrl}`)).status).toBe(200);
  });
});

describe('advisor workspace', () => {
  it('is role-checked: buyers get 403, anonymous 401', async () => {
    for (const path of ['/api/v1/advisor/shares', '/api/v1/advisor/leads']) {
      expect((await t.api(path, { token: buyer.token })).status).toBe(403);
      expect((await t.api(path)).status).toBe(401);
    }
  });

  it('admin sees every lead; the OpenAPI document lists the advisor routes', async () => {
    const admin = await as(['admin'], 'oAdvisorAdmin');
    const all = await t.api('/api/v1/advisor/leads', { token: admin.token });
    expect(all.status).toBe(200);
    expect(all.body.items.length).toBeGreaterThanOrEqual((await t.api('/api/v1/advisor/leads', { token: advisorA.token })).body.items.length);
    expect(all.body.items.every((l: { assignedToMe: boolean }) => l.assignedToMe === false)).toBe(true);
    const doc = (await t.api('/api/v1/openapi.json')).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/shares', '/api/v1/shares/{shareId}', '/api/v1/shares/{shareId}/visits', '/api/v1/advisor/leads']));
  });

  it("lists my leads masked; another advisor's lead is 404; follow-ups are recorded; completed is final", async () => {
    const lead = (await t.api('/api/v1/advisor/leads', { token: advisorA.token })).body.items[0];
    expect(lead).toBeDefined();
    const setStatus = (token: string, status: string, note = '') => t.api(`/api/v1/advisor/leads/${lead.id}/status`, { method: 'POST', token, json: { status, note } });
    expect((await setStatus(advisorB.token, 'contacted')).status).toBe(404);
    expect((await setStatus(buyer.token, 'contacted')).status).toBe(403);
    const contacted = await setStatus(advisorA.token, 'contacted', '电话沟通，周末到店');
    expect(contacted.status).toBe(200);
    expect(contacted.body.history.map((h: { status: string }) => h.status)).toEqual(['new', 'contacted']);
    expect(contacted.body.history[1]).toMatchObject({ note: '电话沟通，周末到店', byName: '王顾问' });
    expect(contacted.body).toMatchObject({ assignedToMe: true, advisorName: '王顾问' });
    expect((await setStatus(advisorA.token, 'completed')).body.status).toBe('completed');
    const again = await setStatus(advisorA.token, 'contacted');
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('LEAD_STATE_INVALID');
    expect((await setStatus(advisorA.token, 'new')).status).toBe(400);
    expect((await t.api('/api/v1/advisor/leads/000000000000000000000000/status', { method: 'POST', token: advisorA.token, json: { status: 'lost' } })).status).toBe(404);
  });
});

describe('user profiles an advisor may read (GET /admin/users/:id)', () => {
  it('only users behind their own leads and shares, 404 otherwise (as an unknown id), roles as buyer only; service/admin see anyone', async () => {
    const profile = (token: string, id: string) => t.api(`/api/v1/admin/users/${id}`, { token });
    const visitor = await as(['buyer'], 'oProfileVisitor');
    expect((await t.api('/api/v1/me', { method: 'PATCH', token: visitor.token, json: { realName: '张三', idCardNo: '11010519491231002X' } })).status).toBe(200);
    const staffVisitor = await as(['buyer', 'admin'], 'oProfileAdminVisitor'); // an admin who looked at the share
    const leadCustomer = await as(['buyer'], 'oProfileLead');
    const storeCustomer = await as(['buyer'], 'oProfileStoreLead');
    const otherStoreCustomer = await as(['buyer'], 'oProfileOtherStore');
    const stranger = await as(['buyer'], 'oProfileStranger');
    const admin = await as(['admin'], 'oProfileAdmin');
    const service = await as(['service'], 'oProfileService');
    const s = (await share(advisorA.token, { kind: 'model', modelCode: 'yuanshan-s5' })).body;
    for (const who of [visitor, staffVisitor]) expect((await visit(s.shareId, visitorId(), who.token)).status).toBe(200);
    await visit(s.shareId, visitorId()); // anonymous visits reach nobody
    const lead = (buyerUserId: string, advisorUserId: string | null, storeCode: string) => ({
      naturalKey: `profile-test:${buyerUserId}`, kind: 'test_drive', status: 'new', advisorUserId, storeCode, shareId: null, visitId: null, buyerUserId,
      modelCode: 'yuanshan-s5', modelName: '远山 S5', contact: {}, testDrive: null, financeQuote: null, history: [], createdAt: new Date(), updatedAt: new Date(),
    });
    await t.conn.collection('advisor_leads').insertMany([
      lead(leadCustomer.id, advisorA.id, 'BJ-CHAOYANG'), // credited to A (whatever the store)
      lead(storeCustomer.id, null, 'SH-JINGAN'), // A's store, unassigned: A sees it in the lead list
      lead(otherStoreCustomer.id, null, 'BJ-CHAOYANG'), // B's store
    ]);

    const seen = await profile(advisorA.token, visitor.id);
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({ id: visitor.id, roles: ['buyer'], realName: '张*', idCardNo: null, driverLicenceNo: null });
    const adminSeen = await profile(advisorA.token, staffVisitor.id);
    expect(adminSeen.status).toBe(200);
    expect(adminSeen.body.roles).toEqual(['buyer']); // who is an admin is not the advisor's to know
    for (const who of [leadCustomer, storeCustomer]) expect((await profile(advisorA.token, who.id)).status).toBe(200);

    const unknown = await profile(advisorA.token, '0123456789abcdef01234567');
    expect(unknown.status).toBe(404);
    for (const [token, id] of [
      [advisorA.token, otherStoreCustomer.id],
      [advisorA.token, stranger.id],
      [advisorA.token, admin.id],
      [advisorA.token, advisorB.id],
      [advisorB.token, visitor.id], // A's share, not B's
      [advisorB.token, leadCustomer.id], // credited to A, even though it is at B's store
    ]) {
      const res = await profile(token, id);
      expect(res.status, id).toBe(404);
      expect({ ...res.body.error, requestId: undefined, details: undefined }).toEqual({ ...unknown.body.error, requestId: undefined, details: undefined });
    }
    expect((await profile(advisorB.token, otherStoreCustomer.id)).status).toBe(200);

    // Service staff and admins: anyone, every role, the masked ID number.
    for (const token of [service.token, admin.token]) {
      expect((await profile(token, stranger.id)).status).toBe(200);
      expect((await profile(token, staffVisitor.id)).body.roles).toEqual(expect.arrayContaining(['admin', 'buyer']));
      expect((await profile(token, visitor.id)).body.idCardNo).toBe('110***********002X');
    }
    expect((await profile(visitor.token, stranger.id)).status).toBe(403);
  });
});

describe('demo advisor seed', () => {
  it('seeds an advisor who signs in on H5 by SMS and reaches the workspace (idempotent)', async () => {
    const { seedDemoAdvisors, DEMO_ADVISORS } = await import('../src/seed/advisors');
    const { PiiCipher, parseKeyring } = await import('../src/infra/crypto');
    const cipher = new PiiCipher(parseKeyring(t.config.PII_KEYS, t.config.PII_ACTIVE_KEY), t.config.PII_BLIND_INDEX_KEY);
    const first = await seedDemoAdvisors(t.conn, cipher);
    expect(await seedDemoAdvisors(t.conn, cipher)).toEqual(first);
    const phone = DEMO_ADVISORS[0].phone;
    expect((await t.api('/api/v1/auth/sms/send', { method: 'POST', json: { phone } })).status).toBe(200);
    const login = await t.api('/api/v1/auth/sms/login', { method: 'POST', json: { phone, code: await t.smsCode(phone) } });
    expect(login.status).toBe(200);
    expect(login.body.user.roles).toContain('advisor');
    expect(login.body.user.id).toBe(first[0]);
    const s = await share(login.body.accessToken, { kind: 'model', modelCode: 'yuanshan-s5' });
    expect(s.status).toBe(201);
    expect(s.body.title).toMatch(/^王顾问为您推荐/);
    expect((await t.api('/api/v1/advisor/shares', { token: login.body.accessToken })).status).toBe(200);
  });
});
