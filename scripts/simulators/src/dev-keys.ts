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

// `tsx src/dev-keys.ts DIR` prints the BFF's WXPAY_* settings as shell assignments.
if (import.meta.url === `file://${process.argv[1]}`) {
  const k = loadOrCreateDevKeys(process.argv[2]);
  console.log(
    [
      `WXPAY_MERCHANT_SERIAL=${k.merchantSerial}`,
      `WXPAY_MERCHANT_KEY_FILE=${join(k.dir, 'merchant.pem')}`,
      `WXPAY_PLATFORM_KEY_FILES=${k.platformSerial}=${join(k.dir, 'platform.pub.pem')}`,
      `WXPAY_APIV3_KEY=${k.apiV3Key}`,
    ].join('\n'),
  );
}
