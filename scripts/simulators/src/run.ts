/**
 * Start simulators from the command line for local development:
 *   tsx src/run.ts wechat=3901 [other=port ...]
 * Prints one JSON line per simulator ({ name, url }) and runs until SIGINT/SIGTERM.
 * Credentials come from the same variables the BFF reads (WECHAT_APPID, WECHAT_SECRET, WXPAY_MCHID);
 * WeChat Pay keys from WXPAY_DEV_KEYS_DIR (created there on first use, see dev-keys.ts).
 */
import { startWechatSimulator } from './wechat';
import { startWechatPaySimulator } from './wechatpay';
import { loadOrCreateAlipayDevKeys, loadOrCreateDevKeys } from './dev-keys';
import { startAlipayGateway } from './alipay-gateway';
import { createAlipayOauth } from './alipay';
import { startSmsSimulator } from './sms';
import { startDyplsSimulator } from './dypls';
import { DEMO_SOLD_VEHICLES, startDmsSimulator } from './dms';
import { startBankSimulator } from './bank';
import { startTmsSimulator } from './tms';
import type { RunningSimulator } from './server';

const starters: Record<string, (port: number) => Promise<RunningSimulator>> = {
  wechat: (port) =>
    startWechatSimulator({
      appId: process.env.WECHAT_APPID || 'wx0000000000000000',
      secret: process.env.WECHAT_SECRET || 'dev-wechat-secret',
      port,
      acceptUnknownCodes: true,
    }),
  alipay: (port) => {
    const keys = loadOrCreateAlipayDevKeys(process.env.WXPAY_DEV_KEYS_DIR || '.run/wxpay');
    // Login (alipay.system.oauth.token) rides on the same gateway; dev accepts the devtools' real auth codes.
    const oauth = createAlipayOauth({ acceptUnknownCodes: true });
    return startAlipayGateway({ appId: process.env.ALIPAY_APP_ID || '2021000000000001', appPublicKeyPem: keys.appPublicKeyPem, alipayPrivateKeyPem: keys.alipayPrivateKeyPem, port, methods: oauth.methods });
  },
  sms: (port) =>
    startSmsSimulator({
      accessKeyId: process.env.SMS_ACCESS_KEY_ID || 'LTAIdevcarmall',
      accessKeySecret: process.env.SMS_ACCESS_KEY_SECRET || 'dev-sms-secret',
      signName: process.env.SMS_SIGN_NAME || '远山汽车',
      templateCode: process.env.SMS_TEMPLATE_CODE || 'SMS_000000001',
      port,
    }),
  dypls: (port) =>
    startDyplsSimulator({
      accessKeyId: process.env.PRIVACY_NUMBER_ACCESS_KEY_ID || 'LTAIdevcarmall',
      accessKeySecret: process.env.PRIVACY_NUMBER_ACCESS_KEY_SECRET || 'dev-dypls-secret',
      poolKey: process.env.PRIVACY_NUMBER_POOL_KEY || 'FC100000000000001',
      port,
    }),
  bank: (port) => startBankSimulator({ appId: process.env.BANK_APP_ID || 'carmall-dev', secret: process.env.BANK_SECRET || 'dev-bank-secret', port }),
  // The demo's sold cars (bought at dealers before the app) are known from the start: see DEMO_SOLD_VEHICLES.
  dms: (port) => startDmsSimulator({ keyId: process.env.DMS_KEY_ID || 'carmall-dev', secret: process.env.DMS_SECRET || 'dev-dms-secret', port, vehicles: DEMO_SOLD_VEHICLES }),
  tms: (port) =>
    startTmsSimulator({
      keyId: process.env.TMS_KEY_ID || 'carmall-dev',
      secret: process.env.TMS_SECRET || 'dev-tms-secret',
      webhookSecret: process.env.TMS_WEBHOOK_SECRET || 'dev-tms-webhook-secret',
      webhookUrl: process.env.TMS_WEBHOOK_URL || undefined,
      msPerSimHour: Number(process.env.TMS_MS_PER_SIM_HOUR) || undefined,
      port,
    }),
  wechatpay: (port) => {
    const keys = loadOrCreateDevKeys(process.env.WXPAY_DEV_KEYS_DIR || '.run/wxpay');
    return startWechatPaySimulator({
      mchid: process.env.WXPAY_MCHID || '1900000109',
      appid: process.env.WECHAT_APPID || 'wx0000000000000000',
      merchantSerial: keys.merchantSerial,
      merchantPublicKeyPem: keys.merchantPublicKeyPem,
      platformSerial: keys.platformSerial,
      platformPrivateKeyPem: keys.platformPrivateKeyPem,
      apiV3Key: keys.apiV3Key,
      port,
    });
  },
};

const running: RunningSimulator[] = [];
for (const arg of process.argv.slice(2)) {
  const [name, port = '0'] = arg.split('=');
  const start = starters[name];
  if (!start) {
    console.error(`unknown simulator "${name}"; known: ${Object.keys(starters).join(', ')}`);
    process.exit(2);
  }
  const sim = await start(Number(port));
  running.push(sim);
  console.log(JSON.stringify({ name: sim.name, url: sim.url }));
}
const stop = async () => {
  await Promise.all(running.map((s) => s.close()));
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
