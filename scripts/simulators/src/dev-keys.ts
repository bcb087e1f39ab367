import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateWechatPayKeys, type WechatPayKeys } from './keys';

/**
 * Local WeChat Pay key material kept in a folder (the start script uses .run/wxpay): created once,
 * then reused so restarts keep working with the same merchant. Both the simulator (platform side)
 * and the BFF (merchant side, via files) read from it.
 */
export function loadOrCreateDevKeys(dir: string): WechatPayKeys & { dir: string } {
  const meta = join(dir, 'keys.json');
  if (!existsSync(meta)) {
    mkdirSync(dir, { recursive: true });
    const keys = generateWechatPayKeys('public_key');
    writeFileSync(meta, JSON.stringify(keys, null, 2), { mode: 0o600 });
    writeFileSync(join(dir, 'merchant.pem'), keys.merchantPrivateKeyPem, { mode: 0o600 });
    writeFileSync(join(dir, 'platform.pub.pem'), keys.platformPublicKeyPem);
  }
  return { ...(JSON.parse(readFileSync(meta, 'utf8')) as WechatPayKeys), dir };
}

export interface AlipayDevKeys {
  appPrivateKeyPem: string;
  appPublicKeyPem: string;
  alipayPrivateKeyPem: string;
  alipayPublicKeyPem: string;
}

/** The Alipay app's RSA2 key pair and "Alipay's" pair, kept beside the WeChat Pay keys. */
export function loadOrCreateAlipayDevKeys(dir: string): AlipayDevKeys & { dir: string } {
  const meta = join(dir, 'alipay-keys.json');
  if (!existsSync(meta)) {
    mkdirSync(dir, { recursive: true });
    const pair = () => generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
    const app = pair();
    const alipay = pair();
    const keys: AlipayDevKeys = { appPrivateKeyPem: app.privateKey, appPublicKeyPem: app.publicKey, alipayPrivateKeyPem: alipay.privateKey, alipayPublicKeyPem: alipay.publicKey };
    writeFileSync(meta, JSON.stringify(keys, null, 2), { mode: 0o600 });
    writeFileSync(join(dir, 'alipay-app.pem'), keys.appPrivateKeyPem, { mode: 0o600 });
    writeFileSync(join(dir, 'alipay-public.pem'), keys.alipayPublicKeyPem);
  }
  return { ...(JSON.parse(readFileSync(meta, 'utf8')) as AlipayDevKeys), dir };
}

// `tsx src/dev-keys.ts DIR` prints the BFF's WXPAY_* and ALIPAY_* key settings as shell assignments.
if (import.meta.url === `file://${process.argv[1]}`) {
  const k = loadOrCreateDevKeys(process.argv[2]);
  loadOrCreateAlipayDevKeys(process.argv[2]);
  console.log(
    [
      `ALIPAY_APP_PRIVATE_KEY_FILE=${join(k.dir, 'alipay-app.pem')}`,
      `ALIPAY_PUBLIC_KEY_FILE=${join(k.dir, 'alipay-public.pem')}`,
      `WXPAY_MERCHANT_SERIAL=${k.merchantSerial}`,
      `WXPAY_MERCHANT_KEY_FILE=${join(k.dir, 'merchant.pem')}`,
      `WXPAY_PLATFORM_KEY_FILES=${k.platformSerial}=${join(k.dir, 'platform.pub.pem')}`,
      `WXPAY_APIV3_KEY=${k.apiV3Key}`,
    ].join('\n'),
  );
}
