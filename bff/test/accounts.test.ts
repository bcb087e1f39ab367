import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { Types } from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import { PiiCipher, parseKeyring } from '../src/infra/crypto';
import { startTestApp, type ApiResponse } from './helpers';

const K1 = randomBytes(32).toString('base64');
const K2 = randomBytes(32).toString('base64');
const BLIND = randomBytes(32).toString('base64');
const t = await startTestApp('accounts', { PII_KEYS: `k1:${K1}`, PII_ACTIVE_KEY: 'k1', PII_BLIND_INDEX_KEY: BLIND });
afterAll(() => t.close());

// Every response of this file goes through `call`, and is scanned for unmasked personal data.
const PHONES = ['13800138000', '13912345678', '15000000001', '18611112222'];
const ID_CARD = '11010119900307123X'.slice(0, 17) + checkChar('11010119900307123');
const LICENCE = '44030419851201' + '002' + checkChar('44030419851201002');
const seen: Array<{ path: string; res: ApiResponse }> = [];
async function call(path: string, init: Parameters<typeof t.api>[1] = {}) {
  const res = await t.api(path, init);
  seen.push({ path, res });
  return res;
}
function checkChar(first17: string) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  return '10X98765432'[w.reduce((a, x, i) => a + x * Number(first17[i]), 0) % 11];
}

/** Forget the per-phone send limits (ours and the provider simulator's) so a test can send again. */
async function resetSmsLimits(phone: string) {
  await t.redis.del('rl:sms:phone:' + new PiiCipher(parseKeyring(`k1:${K1}`, 'k1'), BLIND).blindIndex('phone', phone));
  await fetch(`${t.sms.url}/__sim/sms/reset`, { method: 'POST' });
}

async function smsLogin(phone: string) {
  await resetSmsLimits(phone);
  expect((await call('/api/v1/auth/sms/send', { method: 'POST', json: { phone } })).status).toBe(200);
  const res = await call('/api/v1/auth/sms/login', { method: 'POST', json: { phone, code: await t.smsCode(phone) } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { token: string; accessToken: string; refreshToken: string; user: { id: string; isNew: boolean } };
}

describe('sessions: access + rotating refresh tokens', () => {
  it('login returns accessToken (also as token), refreshToken and a short expiry', async () => {
    const s = await t.login('oSess');
    expect(s.token).toBe(s.accessToken);
    expect(s.refreshToken).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    const res = await call('/api/v1/auth/wechat', { method: 'POST', json: { code: await t.wxCode('oSess') } });
    expect(Date.parse(res.body.expiresAt) - Date.now()).toBeLessThanOrEqual(900_000);
    expect(Date.parse(res.body.refreshExpiresAt)).toBeGreaterThan(Date.parse(res.body.expiresAt));
  });

  it('refresh rotates; a reused refresh token is rejected and revokes the whole family', async () => {
    const s = await t.login('oRotate');
    const r1 = await call('/api/v1/auth/refresh', { method: 'POST', json: { refreshToken: s.refreshToken } });
    expect(r1.status).toBe(200);
    expect(r1.body.refreshToken).not.toBe(s.refreshToken);
    expect((await call('/api/v1/auth/me', { token: r1.body.accessToken })).status).toBe(200);
    // The old one again (a thief's copy): rejected, and every token of the family dies.
    const reuse = await call('/api/v1/auth/refresh', { method: 'POST', json: { refreshToken: s.refreshToken } });
    expect(reuse.status).toBe(401);
    expect(reuse.body.error.code).toBe('REFRESH_TOKEN_REUSED');
    expect((await call('/api/v1/auth/me', { token: r1.body.accessToken })).status).toBe(401);
    expect((await call('/api/v1/auth/me', { token: s.token })).status).toBe(401);
    const next = await call('/api/v1/auth/refresh', { method: 'POST', json: { refreshToken: r1.body.refreshToken } });
    expect(next.body.error.code).toBe('REFRESH_TOKEN_INVALID');
  });

  it('two concurrent refreshes with one token: one wins, the family is then revoked', async () => {
    const s = await t.login('oRace');
    const results = await Promise.all([1, 2].map(() => call('/api/v1/auth/refresh', { method: 'POST', json: { refreshToken: s.refreshToken } })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
  });

  it('logout revokes access and refresh tokens; garbage refresh tokens are 4xx', async () => {
    const s = await t.login('oOut');
    expect((await call('/api/v1/auth/logout', { method: 'POST', token: s.token })).status).toBe(204);
    expect((await call('/api/v1/auth/me', { token: s.token })).status).toBe(401);
    expect((await call('/api/v1/auth/refresh', { method: 'POST', json: { refreshToken: s.refreshToken } })).status).toBe(401);
    for (const json of [{}, { refreshToken: '' }, { refreshToken: 'x' }, { refreshToken: 'a'.repeat(22) + '.' + 'b'.repeat(43) }, { refreshToken: 5 }]) {
      const res = await call('/api/v1/auth/refresh', { method: 'POST', json });
      expect([400, 401], JSON.stringify(json)).toContain(res.status);
    }
    const keys = await t.redis.keys(`${t.config.REDIS_KEY_PREFIX}*`);
    expect(keys.some((k) => k.includes(s.refreshToken.split('.')[1]) || k.includes(s.token))).toBe(false);
  });
});

describe('SMS login (Aliyun SendSms simulator) and linking', () => {
  it('sends a code, logs in, answers with a masked phone, and the same phone is the same user', async () => {
    const send = await call('/api/v1/auth/sms/send', { method: 'POST', json: { phone: '+86 138-0013-8000' } });
    expect(send.status).toBe(200);
    expect(send.body.sentTo).toBe('138****8000');
    const code = await t.smsCode(PHONES[0]);
    const wrong = await call('/api/v1/auth/sms/login', { method: 'POST', json: { phone: PHONES[0], code: code === '000000' ? '111111' : '000000' } });
    expect(wrong.body.error.code).toBe('SMS_CODE_INVALID');
    const ok = await call('/api/v1/auth/sms/login', { method: 'POST', json: { phone: PHONES[0], code } });
    expect(ok.status).toBe(200);
    expect(ok.body.user.isNew).toBe(true);
    const me = await call('/api/v1/me', { token: ok.body.token });
    expect(me.body).toMatchObject({ phone: '138****8000', channels: ['sms'] });
    // a code works once
    expect((await call('/api/v1/auth/sms/login', { method: 'POST', json: { phone: PHONES[0], code } })).body.error.code).toBe('SMS_CODE_INVALID');
  });

  it('locks the code after 5 wrong attempts, and resending within a minute is 429 with Retry-After', async () => {
    await call('/api/v1/auth/sms/send', { method: 'POST', json: { phone: PHONES[1] } });
    const code = await t.smsCode(PHONES[1]);
    const bad = code === '999999' ? '999998' : '999999';
    const codes = [];
    for (let i = 0; i < 5; i++) codes.push((await call('/api/v1/auth/sms/login', { method: 'POST', json: { phone: PHONES[1], code: bad } })).body.error.code);
    expect(codes).toEqual(['SMS_CODE_INVALID', 'SMS_CODE_INVALID', 'SMS_CODE_INVALID', 'SMS_CODE_INVALID', 'SMS_CODE_LOCKED']);
    expect((await call('/api/v1/auth/sms/login', { method: 'POST', json: { phone: PHONES[1], code } })).body.error.code).toBe('SMS_CODE_INVALID');
    const again = await call('/api/v1/auth/sms/send', { method: 'POST', json: { phone: PHONES[1] } });
    expect(again.status).toBe(429);
    expect(again.body.error.code).toBe('RATE_LIMITED');
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('maps provider errors: illegal number 400, provider flow control 429, outage 503; bad input 400', async () => {
    await fetch(`${t.sms.url}/__sim/sms/fail`, { method: 'POST', body: JSON.stringify({ code: 'isv.MOBILE_NUMBER_ILLEGAL', times: 1 }) });
    expect((await call('/api/v1/auth/sms/send', { method: 'POST', json: { phone: '13700000001' } })).body.error.code).toBe('SMS_SEND_REFUSED');
    await fetch(`${t.sms.url}/__sim/sms/fail`, { method: 'POST', body: JSON.stringify({ code: 'isv.BUSINESS_LIMIT_CONTROL', times: 1 }) });
    const limited = await call('/api/v1/auth/sms/send', { method: 'POST', json: { phone: '13700000002' } });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('60');
    await fetch(`${t.sms.url}/__sim/sms/fail`, { method: 'POST', body: JSON.stringify({ code: 'isp.SYSTEM_ERROR', times: 1 }) });
    expect((await call('/api/v1/auth/sms/send', { method: 'POST', json: { phone: '13700000003' } })).status).toBe(503);
    for (const json of [{}, { phone: '12345' }, { phone: '23800138000' }, { phone: 13800138000 }, { phone: '13800138000', x: 1 }]) {
      const res = await call('/api/v1/auth/sms/send', { method: 'POST', json });
      expect(res.status, JSON.stringify(json)).toBe(400);
    }
    for (const json of [{ phone: '13800138000' }, { phone: '13800138000', code: '12' }, { phone: 'x', code: '123456' }]) {
      expect((await call('/api/v1/auth/sms/login', { method: 'POST', json })).status).toBe(400);
    }
  });

  it('a WeChat user who verifies a phone is found by SMS login on H5 (linked by verified phone); another account cannot take it', async () => {
    const wx = await t.login('oLinker');
    await call('/api/v1/auth/sms/send', { method: 'POST', json: { phone: PHONES[2] } });
    const bind = await call('/api/v1/me/phone', { method: 'POST', token: wx.token, json: { phone: PHONES[2], code: await t.smsCode(PHONES[2]) } });
    expect(bind.status).toBe(200);
    expect(bind.body).toMatchObject({ phone: '150****0001', channels: ['sms', 'wechat'] });
    const h5 = await smsLogin(PHONES[2]);
    expect(h5.user).toMatchObject({ id: wx.user.id, isNew: false });
    const other = await t.login('oThief');
    await resetSmsLimits(PHONES[2]);
    await call('/api/v1/auth/sms/send', { method: 'POST', json: { phone: PHONES[2] } });
    const steal = await call('/api/v1/me/phone', { method: 'POST', token: other.token, json: { phone: PHONES[2], code: await t.smsCode(PHONES[2]) } });
    expect(steal.status).toBe(409);
    expect(steal.body.error.code).toBe('PHONE_IN_USE');
  });

  it('WeChat logins with the same unionid from two apps are one user', async () => {
    const a = (await (await fetch(`${t.wechat.url}/__sim/wechat/codes`, { method: 'POST', body: JSON.stringify({ openid: 'oAppA', unionid: 'uSame' }) })).json()) as { code: string };
    const b = (await (await fetch(`${t.wechat.url}/__sim/wechat/codes`, { method: 'POST', body: JSON.stringify({ openid: 'oAppB', unionid: 'uSame' }) })).json()) as { code: string };
    const ra = await call('/api/v1/auth/wechat', { method: 'POST', json: { code: a.code } });
    const rb = await call('/api/v1/auth/wechat', { method: 'POST', json: { code: b.code } });
    expect(rb.body.user.id).toBe(ra.body.user.id);
  });
});

describe('Alipay login (alipay.system.oauth.token on the gateway simulator)', () => {
  it('signs in, same Alipay user is the same user, bad codes are 400 ALIPAY_CODE_INVALID', async () => {
    const code = t.alipayAuthCode('2088000000000001');
    const first = await call('/api/v1/auth/alipay', { method: 'POST', json: { authCode: code } });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.user.isNew).toBe(true);
    const second = await call('/api/v1/auth/alipay', { method: 'POST', json: { authCode: t.alipayAuthCode('2088000000000001') } });
    expect(second.body.user).toMatchObject({ id: first.body.user.id, isNew: false });
    const reused = await call('/api/v1/auth/alipay', { method: 'POST', json: { authCode: code } });
    expect(reused.status).toBe(400);
    expect(reused.body.error).toMatchObject({ code: 'ALIPAY_CODE_INVALID', details: { subCode: 'isv.code-invalid' } });
    expect((await call('/api/v1/auth/alipay', { method: 'POST', json: { authCode: 'bad code!' } })).status).toBe(400);
    expect((await call('/api/v1/auth/alipay', { method: 'POST', json: {} })).status).toBe(400);
  });

  it('an answer not signed by Alipay is refused (503), and gateway outages are 503', async () => {
    const forged = await startTestApp('accounts_forged');
    try {
      // Point the BFF at an Alipay public key that did not sign the answers.
      const { writeFileSync } = await import('node:fs');
      const { generateKeyPairSync } = await import('node:crypto');
      writeFileSync(forged.config.ALIPAY_PUBLIC_KEY_FILE!, generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }) as string);
      const again = await startTestApp('accounts_forged2', { ALIPAY_PUBLIC_KEY_FILE: forged.config.ALIPAY_PUBLIC_KEY_FILE!, ALIPAY_GATEWAY_URL: forged.config.ALIPAY_GATEWAY_URL });
      try {
        const res = await again.api('/api/v1/auth/alipay', { method: 'POST', json: { authCode: 'abcdefgh1234' } });
        expect(res.status).toBe(503);
        expect(res.body.error.details.cause).toBe('answer signature invalid');
      } finally {
        await again.close();
      }
    } finally {
      await forged.close();
    }
    await fetch(`${t.alipay.url}/__sim/alipay/fail`, { method: 'POST', body: JSON.stringify({ times: 1 }) });
    const busy = await call('/api/v1/auth/alipay', { method: 'POST', json: { authCode: t.alipayAuthCode() } });
    expect(busy.status).toBe(503);
  });
});

describe('personal data: encrypted at rest, masked in every response', () => {
  it('PATCH /me stores realName, ID-card and licence encrypted, answers masked; bad values are 400', async () => {
    const s = await smsLogin(PHONES[3]);
    const res = await call('/api/v1/me', { method: 'PATCH', token: s.token, json: { realName: '王小明', idCardNo: ID_CARD, driverLicenceNo: LICENCE } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ phone: '186****2222', realName: '王**', idCardNo: `110***********${ID_CARD.slice(-4)}`, driverLicenceNo: `440***********${LICENCE.slice(-4)}` });
    for (const json of [{}, { idCardNo: '110101199003071235' }, { idCardNo: 'abc' }, { realName: 'x' }, { realName: '<script>' }, { phone: PHONES[3] }]) {
      const bad = await call('/api/v1/me', { method: 'PATCH', token: s.token, json });
      expect(bad.status, JSON.stringify(json)).toBe(400);
    }
    const raw = await t.conn.collection('users').findOne({ _id: new Types.ObjectId(s.user.id) });
    const text = JSON.stringify(raw);
    for (const plain of [PHONES[3], ID_CARD, LICENCE, '王小明']) expect(text).not.toContain(plain);
    expect(raw!.pii.phone).toMatch(/^pii1\.k1\./);
    expect(raw!.piiKid).toBe('k1');
    // Nothing else in the database holds it in clear either (identities, consents, audit, sessions).
    for (const name of (await t.conn.db!.listCollections().toArray()).map((c) => c.name)) {
      const docs = JSON.stringify(await t.conn.collection(name).find({}).toArray());
      for (const plain of [...PHONES, ID_CARD, LICENCE]) expect(docs, name).not.toContain(plain);
    }
    const redisKeys = await t.redis.keys(`${t.config.REDIS_KEY_PREFIX}*`);
    for (const plain of PHONES) expect(redisKeys.join(' ')).not.toContain(plain);
  });

  it('a ciphertext moved to another user does not decrypt (bound by AAD)', async () => {
    const cipher = new PiiCipher(parseKeyring(`k1:${K1}`, 'k1'), BLIND);
    const v = cipher.encrypt('13800138000', 'users/a/phone');
    expect(cipher.decrypt(v, 'users/a/phone')).toBe('13800138000');
    expect(() => cipher.decrypt(v, 'users/b/phone')).toThrow();
    // Flip one bit of the auth tag. (Rewriting base64 characters is not enough: the last
    // character of a 16-byte tag carries only 2 bits, so some rewrites decode to the same tag.)
    const parts = v.split('.');
    const tag = Buffer.from(parts[4], 'base64url');
    tag[0] ^= 0x01;
    parts[4] = tag.toString('base64url');
    expect(() => cipher.decrypt(parts.join('.'), 'users/a/phone')).toThrow();
  });

  it('consents are recorded and listed; another user’s consent is 404', async () => {
    const a = await t.login('oConsentA');
    const b = await t.login('oConsentB');
    const c = await call('/api/v1/me/consents', { method: 'POST', token: a.token, json: { document: 'privacy_policy', version: '2026.11', channel: 'weapp', granted: true } });
    expect(c.status).toBe(201);
    expect((await call('/api/v1/me/consents', { token: a.token })).body.items).toHaveLength(1);
    expect((await call(`/api/v1/me/consents/${c.body.id}`, { token: a.token })).status).toBe(200);
    const other = await call(`/api/v1/me/consents/${c.body.id}`, { token: b.token });
    expect(other.status).toBe(404);
    expect((await call(`/api/v1/me/consents/${new Types.ObjectId()}`, { token: a.token })).status).toBe(404);
    expect((await call('/api/v1/me/consents/nope', { token: a.token })).status).toBe(400);
    expect((await call('/api/v1/me/consents', { method: 'POST', token: a.token, json: { document: 'x', version: '1', channel: 'weapp', granted: true } })).status).toBe(400);
  });
});

describe('roles, staff PII reads and the audit log', () => {
  it('wrong roles get 403; admin sets roles (audited); service reads PII with a reason (audited)', async () => {
    const buyer = await smsLogin(PHONES[0]);
    const admin = await t.loginAs('admin', 'oAdmin');
    const service = await t.loginAs('service', 'oService');
    const operator = await t.loginAs('operator', 'oOperatorX');
    const target = buyer.user.id;
    // 403 for wrong roles, 401 without a token
    for (const tok of [buyer.token, operator.token]) {
      expect((await call(`/api/v1/admin/users/${target}/pii?reason=客户来电核实身份`, { token: tok })).status).toBe(403);
      expect((await call(`/api/v1/admin/users/${target}/roles`, { method: 'PUT', token: tok, json: { roles: ['admin'] } })).status).toBe(403);
      expect((await call('/api/v1/admin/audit', { token: tok })).status).toBe(403);
    }
    expect((await call(`/api/v1/admin/users/${target}/roles`, { method: 'PUT', token: service.token, json: { roles: ['admin'] } })).status).toBe(403);
    expect((await call('/api/v1/admin/audit')).status).toBe(401);
    // masked staff views
    const found = await call(`/api/v1/admin/users?phone=${PHONES[0]}`, { token: service.token });
    expect(found.body.items.map((u: { id: string }) => u.id)).toEqual([target]);
    expect((await call(`/api/v1/admin/users/${target}`, { token: admin.token })).body.phone).toBe('138****8000');
    // unmasked read needs a reason and is audited
    expect((await call(`/api/v1/admin/users/${target}/pii`, { token: service.token })).status).toBe(400);
    const pii = await t.api(`/api/v1/admin/users/${target}/pii?reason=${encodeURIComponent('客户来电核实身份')}`, { token: service.token }); // deliberately unmasked: not scanned
    expect(pii.status).toBe(200);
    expect(pii.body.phone).toBe(PHONES[0]);
    expect(pii.headers.get('cache-control')).toBe('no-store');
    expect((await call(`/api/v1/admin/users/${new Types.ObjectId()}/pii?reason=核实身份信息`, { token: service.token })).status).toBe(404);
    // roles
    const set = await call(`/api/v1/admin/users/${target}/roles`, { method: 'PUT', token: admin.token, json: { roles: ['buyer', 'advisor'] } });
    expect(set.status).toBe(200);
    expect(set.body.roles).toEqual(['advisor', 'buyer']);
    expect((await call('/api/v1/auth/me', { token: buyer.token })).status).toBe(401); // sessions ended
    expect((await call(`/api/v1/admin/users/${target}/roles`, { method: 'PUT', token: admin.token, json: { roles: ['superuser'] } })).status).toBe(400);
    expect((await call(`/api/v1/admin/users/${admin.user.id}/roles`, { method: 'PUT', token: admin.token, json: { roles: ['buyer'] } })).status).toBe(409);
    const audit = await call(`/api/v1/admin/audit?targetId=${target}`, { token: admin.token });
    expect(audit.status).toBe(200);
    const actions = audit.body.items.map((e: { action: string }) => e.action);
    expect(actions).toEqual(['user.roles.set', 'user.pii.read']);
    expect(audit.body.items[0]).toMatchObject({ actorId: admin.user.id, before: { roles: ['buyer'] }, after: { roles: ['advisor', 'buyer'] } });
    expect(audit.body.items[1]).toMatchObject({ actorId: service.user.id, reason: '客户来电核实身份' });
    // the API offers no way to change or delete audit entries
    const id = audit.body.items[0].id;
    for (const method of ['PUT', 'PATCH', 'DELETE']) expect((await call(`/api/v1/admin/audit/${id}`, { method, token: admin.token, json: {} })).status).toBe(404);
  });
});

describe('export and account deletion', () => {
  it('exports my data masked, deletes the account: PII erased in the database, sessions revoked, orders kept', async () => {
    const phone = '13611113333';
    PHONES.push(phone);
    const s = await smsLogin(phone);
    await call('/api/v1/me', { method: 'PATCH', token: s.token, json: { realName: '李四', idCardNo: ID_CARD } });
    await call('/api/v1/me/consents', { method: 'POST', token: s.token, json: { document: 'privacy_policy', version: '1', channel: 'h5', granted: true } });
    // An order that is over (kept for the law after deletion).
    await t.conn.collection('orders').insertOne({ orderNo: 'CM0000000000000001', buyerId: s.user.id, state: 'cancelled', modelName: 'X', trimName: 'Y', totalFen: 100, depositFen: 10, createdAt: new Date() });
    const exp = await call('/api/v1/me/export', { token: s.token });
    expect(exp.status).toBe(200);
    expect(exp.body.profile).toMatchObject({ phone: '136****3333', realName: '李*' });
    expect(exp.body.consents).toHaveLength(1);
    expect(exp.body.orders.map((o: { orderNo: string }) => o.orderNo)).toEqual(['CM0000000000000001']);
    // an order in progress blocks deletion
    await t.conn.collection('orders').insertOne({ orderNo: 'CM0000000000000002', buyerId: s.user.id, state: 'deposit_paid', createdAt: new Date() });
    const blocked = await call('/api/v1/me', { method: 'DELETE', token: s.token });
    expect(blocked.status).toBe(409);
    expect(blocked.body.error.code).toBe('ACCOUNT_HAS_ACTIVE_ORDERS');
    await t.conn.collection('orders').updateOne({ orderNo: 'CM0000000000000002' }, { $set: { state: 'delivered' } });
    expect((await call('/api/v1/me', { method: 'DELETE', token: s.token })).status).toBe(204);
    expect((await call('/api/v1/me', { token: s.token })).status).toBe(401);
    expect((await call('/api/v1/auth/refresh', { method: 'POST', json: { refreshToken: s.refreshToken } })).status).toBe(401);
    const raw = await t.conn.collection('users').findOne({ _id: new Types.ObjectId(s.user.id) });
    expect(raw).toMatchObject({ deletedAt: expect.any(Date) });
    expect(raw!.pii).toBeUndefined();
    expect(raw!.phoneIndex).toBeUndefined();
    expect(await t.conn.collection('identities').countDocuments({ userId: s.user.id })).toBe(0);
    expect(await t.conn.collection('orders').countDocuments({ buyerId: s.user.id })).toBe(2);
    // the phone now signs up a new, empty account
    const again = await smsLogin(phone);
    expect(again.user.id).not.toBe(s.user.id);
    expect(again.user.isNew).toBe(true);
  });
});

describe('key rotation (rotate-keys command against the real database)', () => {
  it('re-encrypts rows under old key ids; old data decrypts before and after', async () => {
    const s = await smsLogin('13522224444');
    PHONES.push('13522224444');
    await call('/api/v1/me', { method: 'PATCH', token: s.token, json: { idCardNo: ID_CARD } });
    const before = await t.conn.collection('users').countDocuments({ piiKid: 'k1' });
    expect(before).toBeGreaterThan(1);
    const env = {
      ...process.env,
      NODE_ENV: 'test',
      MONGODB_URI: t.config.MONGODB_URI,
      REDIS_URL: t.config.REDIS_URL,
      REDIS_KEY_PREFIX: t.config.REDIS_KEY_PREFIX,
      PII_KEYS: `k2:${K2},k1:${K1}`,
      PII_ACTIVE_KEY: 'k2',
      PII_BLIND_INDEX_KEY: BLIND,
    };
    const { stdout } = await promisify(execFile)('node_modules/.bin/tsx', ['src/modules/users/rotate-keys.ts', '--batch', '2'], { env, cwd: new URL('..', import.meta.url).pathname }).catch((err) => {
      throw new Error(`rotate-keys failed: ${err.stdout} ${err.stderr}`);
    });
    const result = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(result).toMatchObject({ activeKey: 'k2', rotated: before, remaining: 0, failed: [] });
    expect(await t.conn.collection('users').countDocuments({ piiKid: 'k1' })).toBe(0);
    const raw = await t.conn.collection('users').findOne({ _id: new Types.ObjectId(s.user.id) });
    expect(raw!.pii.idCardNo).toMatch(/^pii1\.k2\./);
    const onlyK2 = new PiiCipher(parseKeyring(`k2:${K2}`, 'k2'), BLIND);
    expect(onlyK2.decrypt(raw!.pii.idCardNo, `users/${s.user.id}/idCardNo`)).toBe(ID_CARD);
    expect(onlyK2.decrypt(raw!.pii.phone, `users/${s.user.id}/phone`)).toBe('13522224444');
    // The running app (keyring k1 only) can no longer read k2 rows: that is why new keys are added
    // to PII_KEYS everywhere before rotating. A re-run is a no-op (resumable).
    const rerun = await promisify(execFile)('node_modules/.bin/tsx', ['src/modules/users/rotate-keys.ts'], { env, cwd: new URL('..', import.meta.url).pathname });
    expect(JSON.parse(rerun.stdout.trim().split('\n').pop()!)).toMatchObject({ rotated: 0, remaining: 0 });
  });
});

describe('rate limits', () => {
  it('login, SMS and writes answer 429 RATE_LIMITED with Retry-After', async () => {
    const limited = await startTestApp('accounts_limits', {
      RATE_LIMIT_LOGIN_PER_IP_PER_MIN: '3',
      RATE_LIMIT_SMS_PER_IP_PER_HOUR: '2',
      RATE_LIMIT_WRITE_PER_IP_PER_MIN: '1000',
      RATE_LIMIT_WRITE_PER_USER_PER_MIN: '4',
    });
    try {
      const statuses = [];
      let last!: ApiResponse;
      for (let i = 0; i < 4; i++) {
        last = await limited.api('/api/v1/auth/wechat', { method: 'POST', json: { code: await limited.wxCode('oLimit') } });
        statuses.push(last.status);
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
      expect(last.body.error.code).toBe('RATE_LIMITED');
      expect(Number(last.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      const sms = [];
      for (const phone of ['13000000001', '13000000002', '13000000003']) sms.push((await limited.api('/api/v1/auth/sms/send', { method: 'POST', json: { phone } })).status);
      expect(sms).toEqual([200, 200, 429]);
      await limited.redis.del(`rl:login:ip:127.0.0.1`);
      const user = await limited.login('oWriter');
      const writes = [];
      for (let i = 0; i < 5; i++) writes.push((await limited.api('/api/v1/me/consents', { method: 'POST', token: user.token, json: { document: 'privacy_policy', version: '1', channel: 'weapp', granted: true } })).status);
      expect(writes.slice(0, 3)).toEqual([201, 201, 201]);
      expect(writes[4]).toBe(429);
    } finally {
      await limited.close();
    }
  });
});

describe('no response of these routes carries an unmasked phone or ID number', () => {
  it('scans every body seen in this file', async () => {
    // exercise the read routes once more with a user that has everything set
    const s = await smsLogin('13899990000');
    PHONES.push('13899990000');
    await call('/api/v1/me', { method: 'PATCH', token: s.token, json: { realName: '赵六', idCardNo: ID_CARD, driverLicenceNo: LICENCE } });
    for (const p of ['/api/v1/me', '/api/v1/me/export', '/api/v1/me/consents', '/api/v1/auth/me']) await call(p, { token: s.token });
    const admin = await t.loginAs('admin', 'oAdmin2');
    await call(`/api/v1/admin/users/${s.user.id}`, { token: admin.token });
    await call('/api/v1/admin/users?phone=13899990000', { token: admin.token });
    await call('/api/v1/admin/audit', { token: admin.token });
    expect(seen.length).toBeGreaterThan(60);
    const PHONE = /(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])/;
    const ID = /(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/;
    for (const { path, res } of seen) {
      const text = typeof res.body === 'string' ? res.body : JSON.stringify(res.body);
      expect(text, path).not.toMatch(PHONE);
      expect(text, path).not.toMatch(ID);
      for (const plain of [...PHONES, ID_CARD, LICENCE]) expect(text, path).not.toContain(plain);
    }
  });
});
