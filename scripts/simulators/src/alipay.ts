import { createHash, randomBytes } from 'node:crypto';
import type { AlipayGatewayOptions } from './alipay-gateway';

/**
 * alipay.system.oauth.token for the Alipay gateway simulator (alipay-gateway.ts `methods`):
 * exchanges an auth code (from my.getAuthCode; valid once, 3 minutes... we allow 5) for the
 * user's id. Parameters are top-level (`grant_type=authorization_code`, `code`), not biz_content.
 * Errors as Alipay: 40002 isv.code-invalid (unknown, used or expired code), 40002
 * isv.grant-type-invalid. Answers are signed by the gateway like every other method.
 *
 * Codes are minted in-process (`mintAuthCode`), like a buyer tapping 授权 in Alipay. With
 * `acceptUnknownCodes` (local dev only) any well-formed unknown code logs in a stable user
 * derived from it, so the Alipay devtools' codes work against the simulator.
 */
export interface AlipayOauthOptions {
  acceptUnknownCodes?: boolean;
  now?: () => number;
}

const CODE_TTL_MS = 5 * 60_000;

export function createAlipayOauth(opts: AlipayOauthOptions = {}) {
  const now = opts.now ?? Date.now;
  const codes = new Map<string, { userId: string; issuedAt: number; used: boolean }>();
  const invalid = { ok: false as const, code: '40002', msg: 'Invalid Arguments', sub_code: 'isv.code-invalid', sub_msg: '授权码code无效' };

  const methods: NonNullable<AlipayGatewayOptions['methods']> = {
    'alipay.system.oauth.token': (_biz, params) => {
      if (params.grant_type !== 'authorization_code' && params.grant_type !== 'refresh_token')
        return { ok: false, code: '40002', msg: 'Invalid Arguments', sub_code: 'isv.grant-type-invalid', sub_msg: 'grant_type 无效' };
      const code = params.code ?? '';
      let entry = codes.get(code);
      if (!entry && opts.acceptUnknownCodes && /^[A-Za-z0-9_-]{8,64}$/.test(code)) {
        entry = { userId: `2088${BigInt('0x' + createHash('sha256').update(code).digest('hex').slice(0, 12)).toString().padStart(12, '0').slice(0, 12)}`, issuedAt: now(), used: false };
        codes.set(code, entry);
      }
      if (!entry || entry.used || now() - entry.issuedAt > CODE_TTL_MS) return invalid;
      entry.used = true;
      return {
        ok: true,
        body: {
          user_id: entry.userId,
          open_id: `0${createHash('sha256').update(entry.userId).digest('hex').slice(0, 40)}`,
          access_token: `authusrB${randomBytes(16).toString('hex')}`,
          expires_in: 1296000,
          refresh_token: `authusrB${randomBytes(16).toString('hex')}`,
          re_expires_in: 2592000,
          auth_start: new Date(now() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' '),
        },
      };
    },
  };

  return {
    methods,
    /** What my.getAuthCode would give this Alipay user (a 2088… id; random when omitted). */
    mintAuthCode(userId?: string) {
      const code = randomBytes(16).toString('hex');
      const id = userId ?? `2088${String(Math.floor(Math.random() * 1e12)).padStart(12, '0')}`;
      codes.set(code, { userId: id, issuedAt: now(), used: false });
      return { code, userId: id };
    },
  };
}
