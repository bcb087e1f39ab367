import { createSign, createVerify } from 'node:crypto';
import { beijingDateTime } from '@carmall/shared-types';
import { AppError } from '../../infra/errors';

/**
 * Alipay login adapter: alipay.system.oauth.token (auth code from my.getAuthCode → user id) on the
 * gateway (ALIPAY_GATEWAY_URL), classic protocol: form parameters signed RSA2 (SHA256withRSA)
 * over the sorted non-empty "k=v&…" string (everything but sign) with the app's private key; the
 * answer's `sign` is verified with Alipay's public key over the exact text of the response node.
 * https://opendocs.alipay.com/open/02ailc
 */
export interface AlipayAuthOptions {
  gatewayUrl: string;
  appId: string;
  appPrivateKeyPem: string;
  alipayPublicKeyPem: string;
  timeoutMs: number;
}


function signContent(params: Record<string, string>): string {
  return Object.keys(params)
    .filter((k) => k !== 'sign' && params[k] !== '')
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
}

/** The exact JSON text of `"<key>": {...}` in the raw answer (signatures cover bytes, not parsed values). */
export function rawNode(text: string, key: string): string | null {
  const start = text.indexOf(`"${key}"`);
  if (start < 0) return null;
  let i = text.indexOf('{', start + key.length + 2);
  if (i < 0) return null;
  const from = i;
  let depth = 0;
  let inString = false;
  for (; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return text.slice(from, i + 1);
  }
  return null;
}

export class AlipayAuthClient {
  constructor(private readonly opts: AlipayAuthOptions) {}

  async oauthToken(authCode: string): Promise<{ userId: string }> {
    const params: Record<string, string> = {
      app_id: this.opts.appId,
      method: 'alipay.system.oauth.token',
      format: 'JSON',
      charset: 'utf-8',
      sign_type: 'RSA2',
      timestamp: beijingDateTime(),
      version: '1.0',
      grant_type: 'authorization_code',
      code: authCode,
    };
    params.sign = createSign('RSA-SHA256').update(signContent(params), 'utf8').sign(this.opts.appPrivateKeyPem, 'base64');
    const unavailable = (details: unknown) => new AppError(503, 'UPSTREAM_UNAVAILABLE', '支付宝登录服务暂不可用，请稍后再试', details);
    let text: string;
    try {
      const res = await fetch(this.opts.gatewayUrl, {
        method: 'POST',
        body: new URLSearchParams(params).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' },
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
      text = await res.text();
    } catch (err) {
      throw unavailable({ cause: (err as Error).name });
    }
    let parsed: { sign?: string; alipay_system_oauth_token_response?: Record<string, string>; error_response?: Record<string, string> };
    try {
      parsed = JSON.parse(text);
    } catch {
      throw unavailable({ cause: 'malformed answer' });
    }
    // Errors come as error_response (or, from some gateways, in the method's node with a code).
    const key = parsed.alipay_system_oauth_token_response ? 'alipay_system_oauth_token_response' : 'error_response';
    const node = parsed[key];
    const raw = rawNode(text, key);
    if (!node || !raw) throw unavailable({ cause: 'malformed answer' });
    // Every answer is signed, errors included (except when the gateway could not tell who we are).
    const verified = !!parsed.sign && createVerify('RSA-SHA256').update(raw, 'utf8').verify(this.opts.alipayPublicKeyPem, parsed.sign, 'base64');
    if (!verified) throw unavailable({ cause: 'answer signature invalid' });
    const userId = node.user_id || node.open_id;
    if (userId && (!node.code || node.code === '10000')) return { userId };
    if (node.sub_code === 'isv.code-invalid' || node.sub_code === 'isv.code-expired' || node.sub_code === 'isv.auth-code-invalid')
      throw new AppError(400, 'ALIPAY_CODE_INVALID', '支付宝授权码无效或已使用，请重新登录', { subCode: node.sub_code });
    throw unavailable({ subCode: node.sub_code ?? null, code: node.code ?? null });
  }
}
