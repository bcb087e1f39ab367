import { generateKeyPairSync } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { alipaySignContent, createAlipayOauth, rsa2Sign, rsa2Verify, startAlipayGateway } from '../src';

const pair = () => generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
const app = pair();
const platform = pair();
const oauth = createAlipayOauth();
const gw = await startAlipayGateway({ appId: '2021000000000009', appPublicKeyPem: app.publicKey, alipayPrivateKeyPem: platform.privateKey, methods: oauth.methods });
afterAll(() => gw.close());

async function token(code: string) {
  const params: Record<string, string> = { app_id: '2021000000000009', method: 'alipay.system.oauth.token', format: 'JSON', charset: 'utf-8', sign_type: 'RSA2', timestamp: '2026-11-28 21:00:00', version: '1.0', grant_type: 'authorization_code', code };
  params.sign = rsa2Sign(app.privateKey, alipaySignContent(params));
  const text = await (await fetch(`${gw.url}/gateway.do`, { method: 'POST', body: new URLSearchParams(params) })).text();
  return { text, json: JSON.parse(text) };
}

describe('alipay.system.oauth.token on the gateway simulator', () => {
  it('exchanges a minted auth code once, with a signed answer', async () => {
    const { code, userId } = oauth.mintAuthCode('2088000000000042');
    const { text, json } = await token(code);
    const node = json.alipay_system_oauth_token_response;
    expect(node.user_id).toBe(userId);
    const raw = text.slice(text.indexOf('{', text.indexOf('_response"')), text.lastIndexOf(',"sign"'));
    expect(rsa2Verify(platform.publicKey, raw, json.sign)).toBe(true);
    expect((await token(code)).json.alipay_system_oauth_token_response.sub_code).toBe('isv.code-invalid');
    expect((await token('unknown')).json.alipay_system_oauth_token_response.sub_code).toBe('isv.code-invalid');
  });
});
