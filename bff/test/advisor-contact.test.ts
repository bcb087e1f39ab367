import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wechatContactConsentText } from '@carmall/shared-types/schemas';
import { signedIn, twoAdvisors, type Person } from './advisor-fixtures';
import { startTestApp } from './helpers';

/**
 * The WeChat contact path between a buyer and an advisor (the phone stays masked): the advisor's
 * work WeChat ID on their cards, and the buyer's WeChat ID left on a card, with consent, as a lead
 * only that advisor reads in full. Real BFF, database and Redis.
 */
const t = await startTestApp('advisor_contact');
afterAll(() => t.close());

let advisorA: Person;
let advisorB: Person;
let buyer: Person;
let shareId: string;
const visitorId = () => randomBytes(12).toString('base64url');
const contact = (token: string, body: object, id = shareId) => t.api(`/api/v1/shares/${id}/contact`, { method: 'POST', token, json: body });
const leadsOf = async (p: Person) => (await t.api('/api/v1/advisor/leads', { token: p.token })).body.items as any[];

beforeAll(async () => {
  await t.seed();
  ({ advisorA, advisorB } = await twoAdvisors(t, 'Contact'));
  buyer = await signedIn(t, ['buyer'], 'oContactBuyer');
  shareId = (await t.api('/api/v1/shares', { method: 'POST', token: advisorA.token, json: { kind: 'model', modelCode: 'yuanshan-s5' } })).body.shareId;
});

describe('WeChat contact between buyer and advisor', () => {
  it('an advisor sets a work WeChat ID; their cards show it; bad IDs and other roles are refused', async () => {
    expect((await t.api('/api/v1/advisor/profile', { token: advisorA.token })).body).toEqual({ displayName: '王顾问', wechatId: null });
    expect((await t.api(`/api/v1/shares/${shareId}`)).body.advisor).toEqual({ displayName: '王顾问', wechatId: null });
    for (const wechatId of ['13800138000', 'ab', 'has space', '王顾问微信号']) {
      const bad = await t.api('/api/v1/advisor/profile', { method: 'PUT', token: advisorA.token, json: { displayName: '王顾问', wechatId } });
      expect(bad.status, wechatId).toBe(400);
      expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    }
    const asBuyer = await t.api('/api/v1/advisor/profile', { method: 'PUT', token: buyer.token, json: { displayName: '冒充顾问', wechatId: 'fake_advisor' } });
    expect(asBuyer.status).toBe(403);
    const set = await t.api('/api/v1/advisor/profile', { method: 'PUT', token: advisorA.token, json: { displayName: '王顾问', wechatId: 'wang_sales_sh' } });
    expect(set.body).toEqual({ displayName: '王顾问', wechatId: 'wang_sales_sh' });
    expect((await t.api(`/api/v1/shares/${shareId}`)).body.advisor).toEqual({ displayName: '王顾问', wechatId: 'wang_sales_sh' });
  });

  it('a buyer must have opened the card and consent; then a lead for that advisor only, WeChat ID encrypted at rest', async () => {
    const notVisited = await contact(buyer.token, { wechatId: 'buyer_zhang88', consent: true });
    expect(notVisited.status).toBe(409);
    expect(notVisited.body.error.code).toBe('SHARE_NOT_VISITED');
    await t.api(`/api/v1/shares/${shareId}/visits`, { method: 'POST', token: buyer.token, json: { visitorId: visitorId() } });
    const noConsent = await contact(buyer.token, { wechatId: 'buyer_zhang88', consent: false });
    expect(noConsent.status).toBe(400);
    expect((await contact(buyer.token, { wechatId: 'x', consent: true })).status).toBe(400);
    expect((await contact('', { wechatId: 'buyer_zhang88', consent: true })).status).toBe(401);
    expect((await contact(buyer.token, { wechatId: 'buyer_zhang88', consent: true }, 'NoSuchShare1')).status).toBe(404);
    expect(await t.conn.collection('advisor_leads').countDocuments({ kind: 'wechat_contact' })).toBe(0);

    const ok = await contact(buyer.token, { wechatId: 'buyer_zhang88', consent: true });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(ok.body).toMatchObject({ advisorName: '王顾问', created: true });
    const stored = await t.conn.collection('advisor_leads').findOne({ kind: 'wechat_contact' });
    expect(stored!.contact.wechat).toBeTruthy();
    expect(JSON.stringify(stored)).not.toContain('buyer_zhang88');
    expect(stored!.consent.text).toBe(wechatContactConsentText('王顾问'));

    const mine = (await leadsOf(advisorA)).find((l) => l.id === ok.body.leadId);
    expect(mine).toMatchObject({ kind: 'wechat_contact', status: 'new', assignedToMe: true, shareId, customer: { wechatId: 'buyer_zhang88' } });
    expect(mine.history[0].note).toContain('微信');
    // Another store's advisor never sees it.
    expect((await leadsOf(advisorB)).some((l) => l.id === ok.body.leadId)).toBe(false);
    // The share counts it as a lead.
    const figures = (await t.api('/api/v1/advisor/shares', { token: advisorA.token })).body.items.find((s: any) => s.shareId === shareId).stats;
    expect(figures.leads).toBe(1);
  });

  it('a repeat is the same lead; a corrected ID replaces the old one and is noted', async () => {
    const again = await contact(buyer.token, { wechatId: 'buyer_zhang88', consent: true });
    expect(again.status).toBe(200);
    expect(again.body.created).toBe(false);
    const fixed = await contact(buyer.token, { wechatId: 'buyer_zhang_99', consent: true });
    expect(fixed.body.leadId).toBe(again.body.leadId);
    expect(await t.conn.collection('advisor_leads').countDocuments({ kind: 'wechat_contact' })).toBe(1);
    const lead = (await leadsOf(advisorA)).find((l) => l.id === fixed.body.leadId);
    expect(lead.customer.wechatId).toBe('buyer_zhang_99');
    expect(lead.history.map((h: any) => h.note)).toContain('客户更新了微信号');
  });

  it('the advisor cannot leave a contact on their own card', async () => {
    await t.api(`/api/v1/shares/${shareId}/visits`, { method: 'POST', token: advisorA.token, json: { visitorId: visitorId() } });
    const self = await contact(advisorA.token, { wechatId: 'wang_sales_sh', consent: true });
    expect(self.status).toBe(409);
    expect(self.body.error.code).toBe('SHARE_NOT_VISITED');
  });
});
