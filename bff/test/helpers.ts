import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { createAlipayOauth, generateWechatPayKeys, startAlipayGateway, startDmsSimulator, startDyplsSimulator, startSmsSimulator, startWechatPaySimulator, startWechatSimulator } from '@carmall/simulators';
import { loadConfig } from '../src/config';
import { withDatabase } from '../src/infra/mongo';
import { startServer } from '../src/server';
import { seedDemoData } from '../src/seed/seed';
import { Types } from 'mongoose';

export const WECHAT = { appId: 'wx1234567890abcdef', secret: 'test-wechat-secret' };
export const MCHID = '1900000109';
export const DYPLS = { accessKeyId: 'LTAItestdypls', accessKeySecret: 'test-dypls-secret', poolKey: 'FC100000000000009' };
export const SMS = { accessKeyId: 'LTAItestcarmall', accessKeySecret: 'test-sms-secret', signName: '远山汽车', templateCode: 'SMS_123456789' };
export const ALIPAY_APP_ID = '2021000000000001';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}


export function requireServices() {
  const { MONGODB_URI, REDIS_URL } = process.env;
  if (!MONGODB_URI || !REDIS_URL) {
    throw new Error('MONGODB_URI and REDIS_URL must point at test servers: run the tests with `pnpm test` (scripts/test.sh starts them)');
  }
  return { MONGODB_URI, REDIS_URL };
}

/**
 * PIPL: no API response may carry a full mainland mobile number or ID-card number. Every response
 * any test receives through `api()` is scanned, so each new route is covered by its tests. The only
 * exceptions are the audited staff read of personal data (`/pii`, with a recorded reason) and a
 * privacy number's middle number (`secretNo`).
 */
// Letters count as a boundary too: random ids and tokens (UUIDs, base64url) can hold 11 digits in a row.
const UNMASKED_PHONE = /(?<![\dA-Za-z])1[3-9]\d{9}(?![\dA-Za-z])/;
const UNMASKED_ID_CARD = /(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])/;
export function assertNoUnmaskedPii(path: string, text: string) {
  if (/\/pii(\?|$)/.test(path)) return;
  // A privacy number (隐私号, `secretNo`) is the provider's middle number, nobody's own: it may be shown.
  const scanned = text.replace(/"secretNo":"\d{11}"/g, '"secretNo":"(middle number)"');
  const hit = UNMASKED_PHONE.exec(scanned) ?? UNMASKED_ID_CARD.exec(scanned);
  if (hit) throw new Error(`PIPL: ${path} answered with unmasked personal data "${hit[0]}"`);
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/**
 * A real BFF on a free port with its own database (one per test file), its own Redis key prefix,
 * and its own WeChat simulator. close() drops the database and the keys.
 */
export async function startTestApp(name: string, env: Record<string, string> = {}) {
  const services = requireServices();
  const db = `t_${name.replace(/\W/g, '_')}_${randomBytes(3).toString('hex')}`;
  const wechat = await startWechatSimulator({ ...WECHAT });
  // WeChat Pay: fresh merchant/platform keys per file, written to files as in production.
  const keys = generateWechatPayKeys(env.WXPAY_KEY_MODE === 'certificate' ? 'certificate' : 'public_key');
  const keyDir = mkdtempSync(join(tmpdir(), 'carmall-wxpay-'));
  writeFileSync(join(keyDir, 'merchant.pem'), keys.merchantPrivateKeyPem);
  writeFileSync(join(keyDir, 'platform.pem'), keys.platformPublicKeyPem);
  const wxpay = await startWechatPaySimulator({
    mchid: MCHID,
    appid: WECHAT.appId,
    merchantSerial: keys.merchantSerial,
    merchantPublicKeyPem: keys.merchantPublicKeyPem,
    platformSerial: keys.platformSerial,
    platformPrivateKeyPem: keys.platformPrivateKeyPem,
    apiV3Key: keys.apiV3Key,
    notifyRetryDelaysMs: [300, 600, 1200],
  });
  const dms = await startDmsSimulator({ keyId: 'carmall-test', secret: 'test-dms-secret' });
  // Alipay: the app's key pair and "Alipay's" key pair, as RSA2 PEM files.
  const rsa = () => generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  const alipayApp = rsa();
  const alipayPlatform = rsa();
  writeFileSync(join(keyDir, 'alipay-app.pem'), alipayApp.privateKey);
  writeFileSync(join(keyDir, 'alipay-public.pem'), alipayPlatform.publicKey);
  const alipayOauth = createAlipayOauth();
  const alipay = await startAlipayGateway({ appId: ALIPAY_APP_ID, appPublicKeyPem: alipayApp.publicKey, alipayPrivateKeyPem: alipayPlatform.privateKey, notifyRetryDelaysMs: [300, 600, 1200], methods: alipayOauth.methods });
  const sms = await startSmsSimulator({ ...SMS });
  const dypls = await startDyplsSimulator({ ...DYPLS });
  const port = await freePort();
  // Kept as strings too, so a test can start another process (e.g. src/worker.ts) on the same setup.
  const envVars: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    PORT: String(port),
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    WXPAY_API_BASE: wxpay.url,
    WXPAY_MCHID: MCHID,
    WXPAY_MERCHANT_SERIAL: keys.merchantSerial,
    WXPAY_MERCHANT_KEY_FILE: join(keyDir, 'merchant.pem'),
    WXPAY_PLATFORM_KEY_FILES: `${keys.platformSerial}=${join(keyDir, 'platform.pem')}`,
    WXPAY_APIV3_KEY: keys.apiV3Key,
    ALIPAY_APP_ID,
    ALIPAY_GATEWAY_URL: `${alipay.url}/gateway.do`,
    ALIPAY_APP_PRIVATE_KEY_FILE: join(keyDir, 'alipay-app.pem'),
    ALIPAY_PUBLIC_KEY_FILE: join(keyDir, 'alipay-public.pem'),
    DMS_API_BASE: dms.url,
    DMS_KEY_ID: 'carmall-test',
    DMS_SECRET: 'test-dms-secret',
    MONGODB_URI: withDatabase(services.MONGODB_URI, db),
    REDIS_URL: services.REDIS_URL,
    REDIS_KEY_PREFIX: `t:${db}:`,
    WECHAT_APPID: WECHAT.appId,
    WECHAT_SECRET: WECHAT.secret,
    WECHAT_API_BASE: wechat.url,
    UPSTREAM_TIMEOUT_MS: '2000',
    SHUTDOWN_TIMEOUT_MS: '2000',
    SMS_API_BASE: sms.url,
    SMS_ACCESS_KEY_ID: SMS.accessKeyId,
    SMS_ACCESS_KEY_SECRET: SMS.accessKeySecret,
    SMS_SIGN_NAME: SMS.signName,
    SMS_TEMPLATE_CODE: SMS.templateCode,
    PRIVACY_NUMBER_API_BASE: dypls.url,
    PRIVACY_NUMBER_ACCESS_KEY_ID: DYPLS.accessKeyId,
    PRIVACY_NUMBER_ACCESS_KEY_SECRET: DYPLS.accessKeySecret,
    PRIVACY_NUMBER_POOL_KEY: DYPLS.poolKey,
    // Every test talks from 127.0.0.1: per-IP limits are lifted unless a test sets them.
    RATE_LIMIT_LOGIN_PER_IP_PER_MIN: '100000',
    RATE_LIMIT_SMS_PER_IP_PER_HOUR: '100000',
    RATE_LIMIT_WRITE_PER_IP_PER_MIN: '100000',
    RATE_LIMIT_WRITE_PER_USER_PER_MIN: '100000',
    LAUNCH_BUYERS_PER_IP: '100000',
    // A loaded test machine may take a while to write an order; tests of the 202 path set 0.
    ORDER_INLINE_BUDGET_MS: '20000',
    ...Object.fromEntries(Object.entries(env).filter(([k]) => k !== 'WXPAY_KEY_MODE')),
  };
  const config = loadConfig(envVars);
  const running = await startServer(config);
  const { mongo, redis } = running.app.deps;
  if (!env.MONGODB_URI) await mongo.connected;
  if (!env.REDIS_URL && redis.status !== 'ready') await once(redis, 'ready');

  async function api<T = any>(path: string, init: RequestInit & { json?: unknown; token?: string } = {}): Promise<ApiResponse<T>> {
    const headers = new Headers(init.headers);
    if (init.json !== undefined) headers.set('content-type', 'application/json');
    if (init.token) headers.set('authorization', `Bearer ${init.token}`);
    const res = await fetch(running.url + path, { ...init, headers, body: init.json !== undefined ? JSON.stringify(init.json) : init.body });
    const text = await res.text();
    assertNoUnmaskedPii(path, text);
    let body: any = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON (images, html) */
    }
    return { status: res.status, body, headers: res.headers };
  }

  /** What wx.login would give a user of the mini-program. */
  async function wxCode(openid?: string): Promise<string> {
    const res = await fetch(`${wechat.url}/__sim/wechat/codes`, { method: 'POST', body: JSON.stringify({ openid }) });
    return ((await res.json()) as { code: string }).code;
  }

  async function login(openid?: string) {
    const res = await api('/api/v1/auth/wechat', { method: 'POST', json: { code: await wxCode(openid) } });
    if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { token: string; accessToken: string; refreshToken: string; user: { id: string; roles: string[]; isNew: boolean } };
  }

  /** A signed-in user with these roles (set in the database, then a fresh login picks them up). */
  async function loginAs(roles: string | string[], openid?: string) {
    const first = await login(openid);
    await mongo.conn.collection('users').updateOne({ _id: new Types.ObjectId(first.user.id) }, { $set: { roles: Array.isArray(roles) ? roles : [roles] } });
    return login(openid);
  }

  /** The last SMS code the SMS simulator delivered to this phone. */
  async function smsCode(phone: string): Promise<string> {
    const res = await fetch(`${sms.url}/__sim/sms/last?phone=${phone}`);
    if (res.status !== 200) throw new Error(`no SMS to ${phone}`);
    return ((await res.json()) as { code: string }).code;
  }

  /** Delete this app's Redis keys matching a pattern (after the prefix). ioredis does not prefix KEYS patterns, but does prefix DEL's keys: match in full, strip, delete. */
  async function dropRedisKeys(pattern: string): Promise<void> {
    const keys = await redis.keys(`${config.REDIS_KEY_PREFIX}${pattern}`);
    if (keys.length) await redis.del(...keys.map((k) => k.slice(config.REDIS_KEY_PREFIX.length)));
  }

  return {
    url: running.url,
    config,
    envVars,
    app: running.app,
    conn: mongo.conn,
    redis,
    wechat,
    wxpay,
    wxpayKeys: keys,
    dms,
    alipay,
    alipayKeys: { appPrivateKeyPem: alipayApp.privateKey, alipayPrivateKeyPem: alipayPlatform.privateKey },
    alipayAuthCode: (userId?: string) => alipayOauth.mintAuthCode(userId).code,
    sms,
    smsCode,
    dypls,
    dropRedisKeys,
    api,
    wxCode,
    login,
    loginAs,
    seed: () => seedDemoData(mongo.conn, { force: true }),
    stop: running.stop,
    async close() {
      if (mongo.ready()) await mongo.conn.dropDatabase().catch(() => undefined);
      if (redis.status === 'ready') await dropRedisKeys('*');
      await running.stop();
      await wechat.close();
      await wxpay.close();
      await dms.close();
      await alipay.close();
      await sms.close();
      await dypls.close();
    },
  };
}

export type TestApp = Awaited<ReturnType<typeof startTestApp>>;
