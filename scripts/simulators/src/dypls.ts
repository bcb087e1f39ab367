import { randomInt } from 'node:crypto';
import { beijingDateTime } from '@carmall/shared-types';
import { acceptRpcCall } from './aliyun-rpc';
import { readBody, sendJson, startSimulator, type RunningSimulator } from './server';

/**
 * Aliyun 号码隐私保护 (Dyplsapi 2017-05-25) simulator, the AXB middle number: `BindAxb`,
 * `UnbindSubscription` and `QuerySubscriptionDetail` over Aliyun's RPC protocol (aliyun-rpc.ts:
 * the official SDK, @alicloud/pop-core, signs the calls the BFF makes here). Its rules as Aliyun
 * states them: PoolKey must be the pool's; A and B are mainland mobiles or landlines with area
 * code, and not the same; Expiration ("yyyy-MM-dd HH:mm:ss", Beijing time) at least 2 minutes
 * ahead; one X serves a pair only if neither A nor B is bound to it already (so a call to X
 * from A can only mean B); a pool with no such X answers isv.NO_AVAILABLE_NUMBER. Answers
 * `{ Code: "OK", SecretBindDTO: { SecretNo, Extension, SubsId } }` or Code isv.INVALID_PARAMETERS,
 * isv.POOL_NOT_EXIST, isv.NO_AVAILABLE_NUMBER, isv.NO_NOT_EXIST (unbind/query of an unknown
 * binding), isp.SYSTEM_ERROR.
 *
 * Test controls (not Aliyun's):
 *   POST /__sim/dypls/call { caller, secretNo } -> { connected: true, callee } when the binding
 *        relays the caller (A reaches B, B reaches A, until it expires), else { connected: false, reason }
 *   GET  /__sim/dypls/bindings                  -> the live bindings (numbers in full: a test sees what the relay holds)
 *   POST /__sim/dypls/fail { code, times }      -> the next N business calls answer that code
 */
export interface DyplsSimulatorOptions {
  accessKeyId: string;
  accessKeySecret: string;
  poolKey: string;
  /** The pool's X numbers (default: three 170 numbers). */
  secretNumbers?: string[];
  port?: number;
  now?: () => number;
}

interface Binding {
  subsId: string;
  secretNo: string;
  phoneNoA: string;
  phoneNoB: string;
  expiresAt: number;
  outId: string | null;
}

const MESSAGES: Record<string, string> = {
  'isv.INVALID_PARAMETERS': '参数异常',
  'isv.POOL_NOT_EXIST': '号池不存在',
  'isv.NO_AVAILABLE_NUMBER': '无可用号码',
  'isv.NO_NOT_EXIST': '号码不存在',
  'isp.SYSTEM_ERROR': '系统错误',
};

const PHONE = /^(1[3-9]\d{9}|0\d{9,11})$/;

/** "2026-12-07 20:00:00" in Beijing time → epoch ms (NaN if malformed). */
function beijingToEpoch(s: string): number {
  return /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(s) ? Date.parse(`${s.replace(' ', 'T')}+08:00`) : NaN;
}

export async function startDyplsSimulator(opts: DyplsSimulatorOptions): Promise<RunningSimulator> {
  const now = opts.now ?? Date.now;
  const pool = opts.secretNumbers ?? ['17000000001', '17000000002', '17000000003'];
  const bindings = new Map<string, Binding>();
  const nonces = new Set<string>();
  let forced: { code: string; times: number } | null = null;
  const live = () => [...bindings.values()].filter((b) => b.expiresAt > now());

  return startSimulator(
    'dypls',
    async (req, res, url) => {
      if (url.pathname === '/__sim/dypls/call' && req.method === 'POST') {
        const { caller, secretNo } = JSON.parse((await readBody(req)) || '{}') as { caller?: string; secretNo?: string };
        const b = live().find((x) => x.secretNo === secretNo && (x.phoneNoA === caller || x.phoneNoB === caller));
        if (!b) return sendJson(res, 200, { connected: false, reason: 'no live binding of this caller on this number' });
        return sendJson(res, 200, { connected: true, callee: b.phoneNoA === caller ? b.phoneNoB : b.phoneNoA, subsId: b.subsId });
      }
      if (url.pathname === '/__sim/dypls/bindings' && req.method === 'GET') return sendJson(res, 200, { items: live() });
      if (url.pathname === '/__sim/dypls/fail' && req.method === 'POST') {
        forced = JSON.parse((await readBody(req)) || '{}');
        return sendJson(res, 200, { ok: true });
      }
      const call = await acceptRpcCall(
        req,
        res,
        url,
        { host: 'dyplsapi.aliyuncs.com', accessKeyId: opts.accessKeyId, accessKeySecret: opts.accessKeySecret, version: '2017-05-25', actions: ['BindAxb', 'UnbindSubscription', 'QuerySubscriptionDetail'], now },
        nonces,
        MESSAGES,
      );
      if (!call) return;
      const { params: p, fail, requestId } = call;
      if (forced && forced.times > 0) {
        forced.times -= 1;
        return fail(200, forced.code);
      }
      if (p.PoolKey !== opts.poolKey) return fail(200, 'isv.POOL_NOT_EXIST');
      const ok = (extra: Record<string, unknown> = {}) => sendJson(res, 200, { RequestId: requestId, Code: 'OK', Message: 'OK', ...extra });

      if (p.Action === 'BindAxb') {
        const a = p.PhoneNoA ?? '';
        const b = p.PhoneNoB ?? '';
        const expiresAt = beijingToEpoch(p.Expiration ?? '');
        if (!PHONE.test(a) || !PHONE.test(b) || a === b) return fail(200, 'isv.INVALID_PARAMETERS', 'PhoneNoA 或 PhoneNoB 格式不正确');
        if (!(expiresAt >= now() + 120_000)) return fail(200, 'isv.INVALID_PARAMETERS', 'Expiration 须晚于当前时间 2 分钟以上');
        const taken = new Set(live().filter((x) => [x.phoneNoA, x.phoneNoB].some((n) => n === a || n === b)).map((x) => x.secretNo));
        const candidates = pool.filter((x) => !taken.has(x) && (!p.PhoneNoX || x === p.PhoneNoX));
        if (candidates.length === 0) return fail(200, 'isv.NO_AVAILABLE_NUMBER');
        const binding: Binding = { subsId: String(1e15 + randomInt(1e9) * 1e5 + bindings.size), secretNo: candidates[0], phoneNoA: a, phoneNoB: b, expiresAt, outId: p.OutId ?? null };
        bindings.set(binding.subsId, binding);
        return ok({ SecretBindDTO: { SecretNo: binding.secretNo, Extension: '', SubsId: binding.subsId } });
      }
      const found = bindings.get(p.SubsId ?? '');
      if (!found || found.secretNo !== p.SecretNo) return fail(200, 'isv.NO_NOT_EXIST');
      if (p.Action === 'UnbindSubscription') {
        bindings.delete(found.subsId);
        return ok({ Chargeid: null });
      }
      // QuerySubscriptionDetail
      return ok({
        SecretBindDetailDTO: {
          SubsId: found.subsId,
          PhoneNoA: found.phoneNoA,
          PhoneNoB: found.phoneNoB,
          PhoneNoX: found.secretNo,
          Status: found.expiresAt > now() ? 1 : 0,
          ExpireDate: beijingDateTime(found.expiresAt),
          NeedRecord: false,
        },
      });
    },
    opts.port,
  );
}
