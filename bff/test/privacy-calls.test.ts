import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedIn, twoAdvisors, type Person } from './advisor-fixtures';
import { startTestApp } from './helpers';

/**
 * Advisors call a lead's buyer through a privacy number (隐私号, Aliyun AXB): the BFF binds the
 * advisor's phone and the buyer's to a middle number through the official SDK (@alicloud/pop-core)
 * against the Dyplsapi simulator, which then says who a call to that number would reach. Real
 * BFF, database and Redis.
 */
const t = await startTestApp('privacy_calls');
afterAll(() => t.close());

const ADVISOR_PHONE = '13900001111';
const BUYER_PHONE = '13800002222';
const BUYER2_PHONE = '13800003333';
let advisorA: Person;
let advisorB: Person;
let admin: Person;
let buyer: Person;
let leadWithPhone: string;
let leadWithoutPhone: string;
let secondLead: string;

const call = (token: string, leadId: string) => t.api(`/api/v1/advisor/leads/${leadId}/privacy-call`, { method: 'POST', token });
const relay = async (caller: string, secretNo: string) => (await fetch(`${t.dypls.url}/__sim/dypls/call`, { method: 'POST', body: JSON.stringify({ caller, secretNo }) })).json();
const liveBindings = async () => ((await (await fetch(`${t.dypls.url}/__sim/dypls/bindings`)).json()) as { items: Array<{ phoneNoA: string; phoneNoB: string; secretNo: string }> }).items;

async function bindPhone(p: Person, phone: string) {
  await t.api('/api/v1/auth/sms/send', { method: 'POST', json: { phone } });
  const r = await t.api('/api/v1/me/phone', { method: 'POST', token: p.token, json: { phone, code: await t.smsCode(phone) } });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
}

/** A buyer who opened advisor A's card and left their WeChat ID on it: a lead of A's (with their phone, if bound). */
async function leadOf(openid: string, phone: string | null): Promise<{ buyer: Person; leadId: string }> {
  const who = await signedIn(t, ['buyer'], openid);
  if (phone) await bindPhone(who, phone);
  const share = (await t.api('/api/v1/shares', { method: 'POST', token: advisorA.token, json: { kind: 'model', modelCode: 'yuanshan-s5' } })).body;
  await t.api(`/api/v1/shares/${share.shareId}/visits`, { method: 'POST', token: who.token, json: { visitorId: randomBytes(12).toString('base64url') } });
  const left = await t.api(`/api/v1/shares/${share.shareId}/contact`, { method: 'POST', token: who.token, json: { wechatId: `wx_${openid.toLowerCase()}`, consent: true } });
  expect(left.status, JSON.stringify(left.body)).toBe(201);
  const lead = await t.conn.collection('advisor_leads').findOne({ buyerUserId: who.id });
  expect(lead).toMatchObject({ advisorUserId: advisorA.id });
  return { buyer: who, leadId: String(lead!._id) };
}

beforeAll(async () => {
  await t.seed();
  ({ advisorA, advisorB } = await twoAdvisors(t, 'Pnp'));
  admin = await signedIn(t, ['admin'], 'oPnpAdmin');
  await bindPhone(advisorA, ADVISOR_PHONE);
  ({ buyer, leadId: leadWithPhone } = await leadOf('oPnpBuyer', BUYER_PHONE));
  ({ leadId: leadWithoutPhone } = await leadOf('oPnpBuyerNoPhone', null));
  ({ leadId: secondLead } = await leadOf('oPnpBuyer2', BUYER2_PHONE));
});

describe('calling a lead through a privacy number', () => {
  it("gives the advisor a middle number that reaches only this buyer, and neither real number", async () => {
    const r = await call(advisorA.token, leadWithPhone);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ leadId: leadWithPhone, secretNo: expect.stringMatching(/^170\d{8}$/), reused: false });
    expect(Date.parse(r.body.expiresAt) - Date.now()).toBeGreaterThan(100 * 60_000); // two hours by default
    expect(JSON.stringify(r.body)).not.toContain(BUYER_PHONE);
    expect(JSON.stringify(r.body)).not.toContain(ADVISOR_PHONE);
    // The relay: the advisor reaches the buyer, the buyer calling back reaches the advisor, nobody else gets through.
    expect(await relay(ADVISOR_PHONE, r.body.secretNo)).toMatchObject({ connected: true, callee: BUYER_PHONE });
    expect(await relay(BUYER_PHONE, r.body.secretNo)).toMatchObject({ connected: true, callee: ADVISOR_PHONE });
    expect(await relay('13700009999', r.body.secretNo)).toMatchObject({ connected: false });
    // What we keep: the binding and an audit entry, no phone numbers in either.
    const stored = await t.conn.collection('privacy_call_bindings').find({ leadId: leadWithPhone }).toArray();
    expect(stored).toHaveLength(1);
    const audit = await t.conn.collection('audit_log').find({ action: 'lead.privacy_call.bind', targetId: leadWithPhone }).toArray();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: advisorA.id, targetType: 'lead', after: { secretNo: r.body.secretNo } });
    for (const doc of [...stored, ...audit]) expect(JSON.stringify(doc)).not.toMatch(new RegExp(`${BUYER_PHONE}|${ADVISOR_PHONE}`));
  });

  it('a second tap reuses the live number (one binding, one audit entry)', async () => {
    const first = (await call(advisorA.token, leadWithPhone)).body;
    const again = await call(advisorA.token, leadWithPhone);
    expect(again.body).toMatchObject({ secretNo: first.secretNo, reused: true, expiresAt: first.expiresAt });
    expect((await liveBindings()).filter((b) => b.phoneNoB === BUYER_PHONE)).toHaveLength(1);
    expect(await t.conn.collection('audit_log').countDocuments({ action: 'lead.privacy_call.bind', targetId: leadWithPhone })).toBe(1);
  });

  it("another advisor's lead is 404, a buyer is 403, a malformed id 400", async () => {
    const other = await call(advisorB.token, leadWithPhone);
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe('NOT_FOUND');
    expect((await call(buyer.token, leadWithPhone)).status).toBe(403);
    expect((await call(advisorA.token, 'not-a-lead')).status).toBe(400);
    expect((await call(advisorA.token, '0123456789abcdef01234567')).status).toBe(404);
  });

  it('says what is missing: the buyer left no phone, or the caller has none to be connected from', async () => {
    const noBuyerPhone = await call(advisorA.token, leadWithoutPhone);
    expect(noBuyerPhone.status).toBe(409);
    expect(noBuyerPhone.body.error.code).toBe('LEAD_NO_PHONE');
    const noOwnPhone = await call(admin.token, secondLead); // an admin sees every lead, but has no phone bound
    expect(noOwnPhone.status).toBe(409);
    expect(noOwnPhone.body.error.code).toBe('ADVISOR_NO_PHONE');
    expect(await t.conn.collection('privacy_call_bindings').countDocuments({ leadId: { $in: [leadWithoutPhone, secondLead] } })).toBe(0);
  });

  it('a pool with no free number is a 503 with Retry-After and nothing written', async () => {
    await fetch(`${t.dypls.url}/__sim/dypls/fail`, { method: 'POST', body: JSON.stringify({ code: 'isv.NO_AVAILABLE_NUMBER', times: 1 }) });
    const r = await call(advisorA.token, secondLead);
    expect(r.status).toBe(503);
    expect(r.body.error.code).toBe('PRIVACY_NUMBER_UNAVAILABLE');
    expect(r.headers.get('retry-after')).toBeTruthy();
    expect(await t.conn.collection('privacy_call_bindings').countDocuments({ leadId: secondLead })).toBe(0);
    // Then there is one: another X than the first lead's, since one X relays only one pair with this advisor.
    const ok = await call(advisorA.token, secondLead);
    expect(ok.status).toBe(200);
    const first = (await call(advisorA.token, leadWithPhone)).body.secretNo;
    expect(ok.body.secretNo).not.toBe(first);
    expect(await relay(ADVISOR_PHONE, ok.body.secretNo)).toMatchObject({ connected: true, callee: BUYER2_PHONE });
  });

  it('closing the lead ends its number at once; a closed lead cannot be called', async () => {
    const { secretNo } = (await call(advisorA.token, leadWithPhone)).body;
    const lost = await t.api(`/api/v1/advisor/leads/${leadWithPhone}/status`, { method: 'POST', token: advisorA.token, json: { status: 'lost', note: '已购他牌' } });
    expect(lost.status).toBe(200);
    expect(await relay(ADVISOR_PHONE, secretNo)).toMatchObject({ connected: false });
    expect(await t.conn.collection('privacy_call_bindings').findOne({ leadId: leadWithPhone })).toMatchObject({ unboundAt: expect.any(Date) });
    const closed = await call(advisorA.token, leadWithPhone);
    expect(closed.status).toBe(409);
    expect(closed.body.error.code).toBe('LEAD_STATE_INVALID');
  });
});
