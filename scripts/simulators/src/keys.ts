import { generateKeyPairSync, randomBytes } from 'node:crypto';

/**
 * Throwaway key material for a merchant and its WeChat Pay platform, for local runs and tests.
 * Production uses the merchant's real apiclient key and WeChat's real platform certificate or
 * public key (PUB_KEY_ID_…); the code paths are the same.
 */
export interface WechatPayKeys {
  merchantSerial: string;
  merchantPrivateKeyPem: string;
  merchantPublicKeyPem: string;
  platformSerial: string;
  platformPrivateKeyPem: string;
  platformPublicKeyPem: string;
  apiV3Key: string;
}

export function generateWechatPayKeys(mode: 'certificate' | 'public_key' = 'public_key'): WechatPayKeys {
  const pair = () => generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  const merchant = pair();
  const platform = pair();
  return {
    merchantSerial: randomBytes(20).toString('hex').toUpperCase(),
    merchantPrivateKeyPem: merchant.privateKey,
    merchantPublicKeyPem: merchant.publicKey,
    platformSerial: mode === 'public_key' ? `PUB_KEY_ID_0114${randomBytes(12).toString('hex').toUpperCase()}` : randomBytes(20).toString('hex').toUpperCase(),
    platformPrivateKeyPem: platform.privateKey,
    platformPublicKeyPem: platform.publicKey,
    apiV3Key: randomBytes(16).toString('hex'), // 32 characters, like a real APIv3 key
  };
}
