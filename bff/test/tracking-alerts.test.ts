import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTmsSimulator } from '@carmall/simulators';
import { startTestApp } from './helpers';

/**
 * Delivery alerts: milestone and delay alerts to the buyer (WeChat subscribe message only with a
 * one-time opt-in, else the in-app message centre) and to the order's advisor (message centre),
 * never twice whatever the TMS redelivers, reorders or replays.
 */
const TMS = { keyId: 'carmall-test', secret: 'test-tms-secret', webhookSecret: 'test-tms-webhook-secret' };
const tms = await startTmsSimulator({ ...TMS, pingEveryMin: 30, webhookRetryDelaysMs: [200, 500, 1000] });
const clock = (body: object) => fetch(`${tms.url}/__sim/tms/clock`, { method: 'POST', body: JSON.stringify(body) }).then((r) => r.json());
await clock({ paused: true, setTo: '2026-03-02T00:00:00.000Z' }); // 08:00 in Shanghai
const t = await startTestApp('tracking-alerts', { TMS_API_BASE: tms.url, TMS_KEY_ID: TMS.keyId, TMS_SECRET: TMS.secret, TMS_WEBHOOK_SECRET: TMS.webhookSecret });
const DELIVERY_TEMPLATE = t.config.WECHAT_TEMPLATE_DELIVERY;

let staff: string;
const vin = () => `LYS${Array.from({ length: 14 }, () => '0123456789ABCDEFGHJKLMNPRSTUVWXYZ'[Math.floor(Math.random() * 33)]).join('')}`;
const staffEvent = (orderNo: string, body: object) => t.api(`/api/v1/admin/orders/${orderNo}/events`, { method: 'POST', token: staff, json: body });
const inbox = async (token: string) => (await t.api('/api/v1/me/messages?pageSize=50', { token })).body.items as Array<{ id: string; kind: string; title: string; body: string; orderNo: string | null }>;
const deliveryMessages = async (token: string, orderNo: string) => (await inbox(token)).filter((m) => m.orderNo === orderNo).map((m) => m.kind).sort();
const wxMessages = async (openid: string) =>
  ((await (await fetch(`${t.wechat.url}/__sim/wechat/messages?openid=${openid}`)).json()) as { messages: Array<{ template_id: string; page?: string; data: Record<string, { value: string }> }> }).messages;

async function placeOrder(token: string) {
  const trimCode = (await t.api('/api/v1/catalog/models/yuanshan-s7')).body.model.trims[0].code;
  const res = await t.api('/api/v1/orders', { method: 'POST', token, headers: { 'idempotency-key': randomUUID() }, json: { modelCode: 'yuanshan-s7', trimCode, selections: [], deliveryCentreCode: 'SHA' } });
  expect(res.status).toBe(201);
  // Payment and lock are tested elsewhere; this test starts from a locked order.
  await t.conn.collection('orders').updateOne({ orderNo: res.body.orderNo }, { $set: { state: 'locked' } });
  return res.body.orderNo as string;
}

/** Moves the simulated clock half an hour at a time until `done` holds. */
async function driveUntil(done: () => Promise<boolean>, maxHours: number) {
  for (let h = 0; h < maxHours && !(await done()); h += 0.5) {
    await clock({ advanceHours: 0.5 });
    await new Promise((r) => setTimeout(r, 150));
  }
  await vi.waitFor(async () => expect(await done()).toBe(true), { timeout: 15_000, interval: 200 });
}

beforeAll(async () => {
  await t.seed();
  staff = (await t.loginAs('service', 'oStaffAlerts')).token;
});
afterAll(async () => {
  await t.close();
  await tms.close();
});

describe('delivery alerts', () => {
  const buyer = { openid: 'oBuyerAlerts', token: '', id: '' };
  let advisor: { token: string; id: string };
  let h5Buyer: { token: string; id: string };
  let orderNo: string;
  let h5OrderNo: string;

  it('a WeChat buyer with one opt-in gets the first alert on WeChat, the rest in the message centre; the advisor gets them all in-app', async () => {
    ({ token: buyer.token, user: { id: buyer.id } } = await t.login(buyer.openid));
    const adv = await t.loginAs('advisor', 'oAdvisorAlerts');
    advisor = { token: adv.token, id: adv.user.id };
    // The buyer accepts the delivery template once (WeChat keeps the opt-in, the app reports it).
    await fetch(`${t.wechat.url}/__sim/wechat/subscribe`, { method: 'POST', body: JSON.stringify({ openid: buyer.openid, templateId: DELIVERY_TEMPLATE }) });
    const sub = await t.api('/api/v1/me/subscriptions', { method: 'POST', token: buyer.token, json: { templateIds: [DELIVERY_TEMPLATE], results: { [DELIVERY_TEMPLATE]: 'accept' }, requestId: randomUUID().replace(/-/g, '') } });
    expect(sub.status).toBe(200);
    const listed = (await t.api('/api/v1/me/subscriptions', { token: buyer.token })).body.templates;
    expect(listed.find((x: { templateId: string }) => x.templateId === DELIVERY_TEMPLATE)).toEqual({ templateId: DELIVERY_TEMPLATE, name: '物流状态通知', topic: 'delivery', remaining: 1 });

    orderNo = await placeOrder(buyer.token);
    await t.conn.collection('orders').updateOne({ orderNo }, { $set: { advisorUserId: advisor.id } });
    await staffEvent(orderNo, { event: 'allocate' });
    expect((await staffEvent(orderNo, { event: 'ship', vin: vin() })).status).toBe(200);

    await driveUntil(async () => (await deliveryMessages(buyer.token, orderNo)).includes('delivery_departed'), 2);
    const departed = (await inbox(buyer.token)).find((m) => m.kind === 'delivery_departed')!;
    expect(departed.title).toBe('车辆已发车');
    expect(departed.body).toMatch(new RegExp(`^您的爱车（订单 ${orderNo}）已从宁波工厂发车，发往上海交付中心。预计 3月2日 \\d{2}:\\d0 送达（.+–.+）。$`));
    const wx = await wxMessages(buyer.openid);
    expect(wx).toHaveLength(1);
    expect(wx[0]).toMatchObject({ template_id: DELIVERY_TEMPLATE, page: `pages/tracking/index?orderNo=${orderNo}` });
    expect(wx[0].data.character_string1.value).toBe(orderNo);
    expect(wx[0].data.thing2.value).toBe('已从宁波工厂发车');
    expect((await t.api('/api/v1/me/subscriptions', { token: buyer.token })).body.templates.find((x: { templateId: string }) => x.templateId === DELIVERY_TEMPLATE).remaining).toBe(0);
    await vi.waitFor(async () => expect(await deliveryMessages(advisor.token, orderNo)).toEqual(['delivery_departed']));
    expect((await inbox(advisor.token))[0]).toMatchObject({ title: '客户订单：车辆已发车', body: expect.stringContaining(`客户订单 ${orderNo} 的车辆已从宁波工厂发车`) });

    await driveUntil(async () => (await deliveryMessages(buyer.token, orderNo)).includes('delivery_hub_arrived'), 8);
    expect((await inbox(buyer.token)).find((m) => m.kind === 'delivery_hub_arrived')!.body).toContain('已到达杭州中转库');
    expect(await wxMessages(buyer.openid)).toHaveLength(1); // no opt-in left: message centre only
    const notice = await t.conn.collection('tracking_notices').findOne({ _id: `track-${orderNo}-hub_arrived:HGH-buyer` as never });
    expect(notice).toMatchObject({ status: 'in_app', channel: 'in_app', role: 'buyer' });
  });

  it('a buyer without WeChat (H5/Alipay) gets the message centre only, even with no opt-in anywhere', async () => {
    const phone = '13800138111';
    await t.api('/api/v1/auth/sms/send', { method: 'POST', json: { phone } });
    const login = await t.api('/api/v1/auth/sms/login', { method: 'POST', json: { phone, code: await t.smsCode(phone) } });
    expect(login.status).toBe(200);
    h5Buyer = { token: login.body.accessToken, id: login.body.user.id };
    h5OrderNo = await placeOrder(h5Buyer.token);
    await staffEvent(h5OrderNo, { event: 'allocate' });
    expect((await staffEvent(h5OrderNo, { event: 'ship', vin: vin() })).status).toBe(200);
    await driveUntil(async () => (await deliveryMessages(h5Buyer.token, h5OrderNo)).includes('delivery_departed'), 2);
    expect(await t.conn.collection('tracking_notices').findOne({ _id: `track-${h5OrderNo}-departed-buyer` as never })).toMatchObject({ status: 'in_app' });
    // No advisor on this order: nobody else is told.
    expect(await t.conn.collection('tracking_notices').countDocuments({ orderNo: h5OrderNo, role: 'advisor' })).toBe(0);
  });

  it('alerts a delay once per slip (not on every position), then the arrival once', async () => {
    const shipmentNo = (await t.api(`/api/v1/orders/${orderNo}/tracking`, { token: buyer.token })).body.shipment.shipmentNo;
    expect((await fetch(`${tms.url}/__sim/tms/delay`, { method: 'POST', body: JSON.stringify({ shipmentNo, minutes: 300, reason: '前方事故，道路管制' }) })).status).toBe(200);
    await driveUntil(async () => (await deliveryMessages(buyer.token, orderNo)).includes('delivery_delay'), 12);
    // The carrier stays stopped and reports its position every 30 minutes: still one alert. (While
    // it stands, the ETA slips about as fast as the clock once the stop outlasts its expected
    // length, so the next alert — a further 2-hour slip — takes about 2 hours: 1.5 hours of
    // positions must not add one.)
    await clock({ advanceHours: 1.5 });
    await new Promise((r) => setTimeout(r, 1500));
    const delays = (await inbox(buyer.token)).filter((m) => m.kind === 'delivery_delay');
    expect(delays).toHaveLength(1);
    expect(delays[0].title).toBe('运输延误提醒');
    expect(delays[0].body).toMatch(/预计送达时间推迟约 \d+ 小时，现预计 \d+月\d+日 \d{2}:\d0 送达（.+）。$/);
    await driveUntil(async () => (await deliveryMessages(buyer.token, orderNo)).includes('delivery_arrived'), 30);
    // While the carrier stands, the ETA keeps moving; a further slip of more than 2 h past the ETA
    // last told is a new alert (a 5-hour stop: a few at most), each recorded in the shipment's alert state.
    const kinds = await deliveryMessages(buyer.token, orderNo);
    const delayCount = kinds.filter((k) => k === 'delivery_delay').length;
    expect(delayCount).toBeGreaterThanOrEqual(1);
    // (Under CPU load the stop is sampled at more points, so up to 4 slips of > 2 h have been seen.)
    expect(delayCount).toBeLessThanOrEqual(4);
    expect((await t.conn.collection('shipments').findOne({ orderNo }))!.alerts.delaySeq).toBe(delayCount);
    expect(kinds.filter((k) => k !== 'delivery_delay')).toEqual(['delivery_arrived', 'delivery_departed', 'delivery_hub_arrived']);
    expect(await deliveryMessages(advisor.token, orderNo)).toEqual(kinds);
    expect((await inbox(buyer.token)).find((m) => m.kind === 'delivery_arrived')!.body).toBe(`您的爱车（订单 ${orderNo}）已到达上海交付中心，交付专员将联系您预约提车。`);
  });

  it('never notifies twice when the TMS redelivers, reorders or replays its events', async () => {
    const before = { buyer: (await inbox(buyer.token)).length, advisor: (await inbox(advisor.token)).length, wx: (await wxMessages(buyer.openid)).length };
    const { shipments } = (await (await fetch(`${tms.url}/__sim/tms/shipments`)).json()) as { shipments: Array<{ shipmentNo: string; orderNo: string }> };
    await fetch(`${tms.url}/__sim/tms/webhooks`, { method: 'POST', body: JSON.stringify({ duplicates: 20, reorder: 20 }) });
    for (const s of shipments.filter((x) => x.orderNo === orderNo)) await fetch(`${tms.url}/__sim/tms/replay`, { method: 'POST', body: JSON.stringify({ shipmentNo: s.shipmentNo }) });
    await new Promise((r) => setTimeout(r, 2500));
    expect((await inbox(buyer.token)).length).toBe(before.buyer);
    expect((await inbox(advisor.token)).length).toBe(before.advisor);
    expect((await wxMessages(buyer.openid)).length).toBe(before.wx);
    // Every notice was decided once and delivered once.
    const notices = await t.conn.collection('tracking_notices').find({ orderNo }).toArray();
    expect(notices.every((n) => n.attempts === 1 && ['sent', 'in_app'].includes(n.status))).toBe(true);
    expect(notices.filter((n) => n.status === 'sent')).toHaveLength(1);
    // A user id in a message belongs to that user only.
    expect(await t.conn.collection('messages').countDocuments({ orderNo, userId: { $nin: [buyer.id, advisor.id] } })).toBe(0);
  });
});
