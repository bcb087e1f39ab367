import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoSites } from '../src/seed/sites';
import { signedIn, twoAdvisors } from './advisor-fixtures';
import { startTestApp } from './helpers';

const t = await startTestApp('test_drives');
afterAll(() => t.close());

const visitorId = () => randomBytes(12).toString('base64url');
let advisorA: { token: string; id: string };
let advisorB: { token: string; id: string };
/** Tomorrow in Asia/Shanghai, and a slot start that day (UTC instant of hh:00 Shanghai). */
const day = new Date(Date.now() + 8 * 3_600_000 + 86_400_000).toISOString().slice(0, 10);
const at = (hh: number, d = day) => new Date(`${d}T${String(hh).padStart(2, '0')}:00:00+08:00`).toISOString();

const as = (roles: string[], openid: string) => signedIn(t, roles, openid);
const book = (token: string, body: object, key: string | null = randomUUID()) =>
  t.api('/api/v1/test-drives', { method: 'POST', token, json: body, headers: key ? { 'idempotency-key': key } : {} });
const drive = (hh: number, extra: object = {}) => ({ storeCode: 'SH-JINGAN', slotStart: at(hh), modelCode: 'yuanshan-s5', contactName: '张三', phone: '13812345678', ...extra });
const slotsOf = async (store = 'SH-JINGAN', d = day) => (await t.api(`/api/v1/stores/${store}/test-drive-slots?date=${d}`)).body;

beforeAll(async () => {
  await t.seed();
  await seedDemoSites(t.conn);
  ({ advisorA, advisorB } = await twoAdvisors(t, 'Td'));
});

describe('stores and slots', () => {
  it('lists stores (by city), not service centres', async () => {
    const all = await t.api('/api/v1/stores');
    expect(all.status).toBe(200);
    expect(all.body.items.map((s: { code: string }) => s.code)).toEqual(expect.arrayContaining(['SH-JINGAN', 'SH-PUDONG', 'BJ-CHAOYANG', 'GZ-TIANHE']));
    const sh = await t.api(`/api/v1/stores?city=${encodeURIComponent('上海')}`);
    expect(sh.body.items.length).toBeGreaterThanOrEqual(2);
    expect(sh.body.items.every((s: { city: string }) => s.city === '上海')).toBe(true);
    // Switchboard landlines as they are (a mobile number would be masked; api() fails on an unmasked one).
    expect(all.body.items.find((s: { code: string }) => s.code === 'SH-JINGAN')).toMatchObject({ phone: '021-62881234', hours: ['周一至周日 10:00–17:00'] });
    expect(all.body.items.some((s: { code: string }) => s.code.startsWith('SC-'))).toBe(false); // service centres are not stores
  });

  it('lists a day of slots with Shanghai labels; bad dates are 400, unknown stores 404', async () => {
    const res = await slotsOf();
    expect(res.store.code).toBe('SH-JINGAN');
    expect(res.slots.length).toBeGreaterThan(0);
    expect(res.slots[0]).toMatchObject({ label: expect.stringMatching(/^\d{2}:\d{2}–\d{2}:\d{2}$/), available: true });
    expect(res.slots.map((s: { start: string }) => s.start)).toContain(at(10));
    expect((await t.api('/api/v1/stores/SH-JINGAN/test-drive-slots?date=2020-01-01')).status).toBe(400);
    expect((await t.api('/api/v1/stores/SH-JINGAN/test-drive-slots?date=tomorrow')).status).toBe(400);
    expect((await t.api('/api/v1/stores/NOWHERE/test-drive-slots')).status).toBe(404);
  });
});

describe('booking a test drive', () => {
  it('books, is idempotent per key, and becomes the credited advisor’s lead with masked contact', async () => {
    const buyer = await as(['buyer'], 'oTdBuyer1');
    const share = (await t.api('/api/v1/shares', { method: 'POST', token: advisorB.token, json: { kind: 'model', modelCode: 'yuanshan-s5' } })).body;
    const vid = visitorId();
    await t.api(`/api/v1/shares/${share.shareId}/visits`, { method: 'POST', json: { visitorId: vid } }); // anonymous, bound by the booking
    const key = randomUUID();
    const res = await book(buyer.token, drive(11, { visitorId: vid }), key);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'booked', store: { code: 'SH-JINGAN' }, modelCode: 'yuanshan-s5', slotStart: at(11), contactName: '张*', phone: '138****5678' });
    expect(res.body.slotLabel).toMatch(/^\d{1,2}月\d{1,2}日 周[日一二三四五六] 11:00–12:00$/);
    const again = await book(buyer.token, drive(11, { visitorId: vid }), key);
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(res.body.id);
    const reused = await book(buyer.token, drive(12), key);
    expect(reused.status).toBe(409);
    expect(reused.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect((await book(buyer.token, drive(12), null)).body.error.code).toBe('IDEMPOTENCY_KEY_REQUIRED');
    expect(await t.conn.collection('test_drives').countDocuments({ buyerUserId: buyer.id })).toBe(1);

    const leads = (await t.api('/api/v1/advisor/leads', { token: advisorB.token })).body.items;
    const lead = leads.find((l: { testDrive: { id: string } | null }) => l.testDrive?.id === res.body.id);
    expect(lead).toMatchObject({ kind: 'test_drive', status: 'new', assignedToMe: true, shareId: share.shareId, storeCode: 'SH-JINGAN', customer: { name: '张*', phone: '138****5678' } });
    const mine = (await t.api('/api/v1/advisor/shares', { token: advisorB.token })).body.items.find((s: { shareId: string }) => s.shareId === share.shareId);
    expect(mine.stats).toMatchObject({ visits: 1, leads: 1 });
    expect((await t.api('/api/v1/me/test-drives', { token: buyer.token })).body.items.map((d: { id: string }) => d.id)).toEqual([res.body.id]);
  });

  it('never double books: concurrent buyers get the slot’s capacity and the rest 409 SLOT_UNAVAILABLE', async () => {
    const buyers = await Promise.all(Array.from({ length: 6 }, (_, i) => as(['buyer'], `oTdRace${i}`)));
    const results = await Promise.all(buyers.map((b) => book(b.token, drive(14))));
    const ok = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status === 409);
    expect(ok.length).toBe(2); // the demo store has 2 test-drive cars per slot
    expect(refused.length).toBe(4);
    expect(refused.every((r) => r.body.error.code === 'SLOT_UNAVAILABLE' && r.body.error.details.reason === 'SLOT_FULL')).toBe(true);
    const slot = (await slotsOf()).slots.find((s: { start: string }) => s.start === at(14));
    expect(slot.available).toBe(false);
    expect(await t.conn.collection('test_drives').countDocuments({ slotStart: new Date(at(14)), status: 'booked' })).toBe(ok.length);
    // One more is still refused; a cancellation frees a place.
    const late = await as(['buyer'], 'oTdLate');
    expect((await book(late.token, drive(14))).status).toBe(409);
    const first = buyers[results.indexOf(ok[0])];
    const cancelled = await t.api(`/api/v1/me/test-drives/${ok[0].body.id}/cancel`, { method: 'POST', token: first.token });
    expect(cancelled.body.status).toBe('cancelled');
    expect((await t.api(`/api/v1/me/test-drives/${ok[0].body.id}/cancel`, { method: 'POST', token: first.token })).status).toBe(200);
    expect((await book(late.token, drive(14))).status).toBe(201);
  });

  it('refuses past slots, slots that do not exist, unknown stores and models', async () => {
    const buyer = await as(['buyer'], 'oTdBad');
    const past = await book(buyer.token, { ...drive(10), slotStart: new Date(Date.now() - 3_600_000).toISOString() });
    expect(past.status).toBe(409);
    expect(past.body.error.code).toBe('SLOT_UNAVAILABLE');
    expect((await book(buyer.token, drive(3))).body.error.code).toBe('SLOT_UNAVAILABLE'); // 03:00: not a slot
    expect((await book(buyer.token, drive(10, { storeCode: 'NOWHERE' }))).status).toBe(404);
    expect((await book(buyer.token, drive(10, { modelCode: 'no-such-car' }))).status).toBe(404);
    expect((await book(buyer.token, drive(10, { phone: '12345' }))).status).toBe(400);
    expect((await t.api('/api/v1/test-drives', { method: 'POST', json: drive(10), headers: { 'idempotency-key': randomUUID() } })).status).toBe(401);
  });

  it("without a credited share the booking is the store's unassigned lead: the store's advisor takes it, another store's advisor cannot", async () => {
    const buyer = await as(['buyer'], 'oTdNoShare');
    const res = await book(buyer.token, drive(15));
    expect(res.status).toBe(201);
    const leadOf = async (token: string, driveId: string) => (await t.api('/api/v1/advisor/leads', { token })).body.items.find((l: { testDrive: { id: string } | null }) => l.testDrive?.id === driveId);
    const find = (token: string) => leadOf(token, res.body.id);
    const lead = await find(advisorA.token);
    expect(lead).toMatchObject({ assignedToMe: false, advisorName: null, shareId: null, storeCode: 'SH-JINGAN' });
    expect(await find(advisorB.token)).toBeUndefined();
    expect((await t.api(`/api/v1/advisor/leads/${lead.id}/status`, { method: 'POST', token: advisorB.token, json: { status: 'contacted' } })).status).toBe(404);
    const taken = await t.api(`/api/v1/advisor/leads/${lead.id}/status`, { method: 'POST', token: advisorA.token, json: { status: 'scheduled', note: '已确认到店时间' } });
    expect(taken.body).toMatchObject({ status: 'scheduled', assignedToMe: true, advisorName: '王顾问' });
    // Completing the lead completes the drive: the buyer can no longer cancel it.
    const done = await book(buyer.token, drive(16));
    const doneLead = await leadOf(advisorA.token, done.body.id);
    const completed = await t.api(`/api/v1/advisor/leads/${doneLead.id}/status`, { method: 'POST', token: advisorA.token, json: { status: 'completed', note: '已试驾' } });
    expect(completed.body).toMatchObject({ status: 'completed', testDrive: { status: 'completed' } });
    expect((await t.api('/api/v1/me/test-drives', { token: buyer.token })).body.items.find((d: { id: string }) => d.id === done.body.id).status).toBe('completed');
    const late = await t.api(`/api/v1/me/test-drives/${done.body.id}/cancel`, { method: 'POST', token: buyer.token });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('TEST_DRIVE_STATE_INVALID');
    // The buyer cancels: the lead shows it; another buyer cannot cancel it.
    const other = await as(['buyer'], 'oTdOther');
    expect((await t.api(`/api/v1/me/test-drives/${res.body.id}/cancel`, { method: 'POST', token: other.token })).status).toBe(404);
    await t.api(`/api/v1/me/test-drives/${res.body.id}/cancel`, { method: 'POST', token: buyer.token });
    expect((await find(advisorA.token)).testDrive.status).toBe('cancelled');
  });
});

describe('contact details at rest', () => {
  it('are encrypted in bookings and leads, and rotate to a new PII key (rotate-keys)', async () => {
    const { rotateAdvisorPii } = await import('../src/modules/advisors/pii-rotation');
    const { PiiCipher, parseKeyring } = await import('../src/infra/crypto');
    const { Locks } = await import('../src/infra/lock');
    const raw = JSON.stringify([...(await t.conn.collection('test_drives').find().toArray()), ...(await t.conn.collection('advisor_leads').find().toArray())]);
    expect(raw).not.toContain('13812345678');
    expect(raw).not.toContain('张三');
    const old = new PiiCipher(parseKeyring(t.config.PII_KEYS, t.config.PII_ACTIVE_KEY), t.config.PII_BLIND_INDEX_KEY);
    const next = new PiiCipher(parseKeyring(`knew:${randomBytes(32).toString('base64')},${t.config.PII_KEYS}`, 'knew'), t.config.PII_BLIND_INDEX_KEY);
    const result = await rotateAdvisorPii(t.conn, new Locks(t.redis), next, { batch: 2 });
    expect(result.failed).toEqual([]);
    expect(result.rotated).toBeGreaterThanOrEqual(2);
    expect(result.remaining).toBe(0);
    expect(await rotateAdvisorPii(t.conn, new Locks(t.redis), next)).toMatchObject({ rotated: 0, remaining: 0 });
    const drive = (await t.conn.collection('test_drives').findOne({}))!;
    expect(PiiCipher.kidOf(drive.contact.phone)).toBe('knew');
    expect(next.decrypt(drive.contact.phone, `test_drives/${drive._id}/phone`)).toBe('13812345678');
    expect(() => old.decrypt(drive.contact.phone, `test_drives/${drive._id}/phone`)).toThrow();
  });
});
