import RPCClient from '@alicloud/pop-core';
import { beijingDateTime } from '@carmall/shared-types';
import { AppError } from '../../infra/errors';

/**
 * Adapter to Aliyun 号码隐私保护 (Dyplsapi, API version 2017-05-25), AXB middle numbers, through
 * Aliyun's own SDK (@alicloud/pop-core: the RPC protocol and its HMAC-SHA1 signature).
 * PRIVACY_NUMBER_API_BASE is https://dyplsapi.aliyuncs.com in production, the simulator locally
 * (scripts/simulators/src/dypls.ts).
 * https://help.aliyun.com/zh/pnp/developer-reference/api-dyplsapi-2017-05-25-bindaxb
 */
export interface DyplsClientOptions {
  baseUrl: string;
  accessKeyId: string;
  accessKeySecret: string;
  poolKey: string;
  timeoutMs: number;
}

export interface AxbBinding {
  secretNo: string;
  subsId: string;
}

interface DyplsAnswer {
  Code: string;
  Message?: string;
  SecretBindDTO?: { SecretNo: string; Extension?: string; SubsId: string };
}

export class DyplsClient {
  private readonly rpc: RPCClient;

  constructor(private readonly opts: DyplsClientOptions) {
    this.rpc = new RPCClient({ endpoint: opts.baseUrl, apiVersion: '2017-05-25', accessKeyId: opts.accessKeyId, accessKeySecret: opts.accessKeySecret });
  }

  private async call(action: string, params: Record<string, string>): Promise<DyplsAnswer> {
    try {
      return await this.rpc.request<DyplsAnswer>(action, { PoolKey: this.opts.poolKey, ...params }, { method: 'POST', timeout: this.opts.timeoutMs, formatParams: false });
    } catch (err) {
      const code = (err as { code?: string }).code;
      // No X free for this pair: the pool is exhausted (buy numbers, or bindings expire) — say so, don't 500.
      if (code === 'isv.NO_AVAILABLE_NUMBER') throw new AppError(503, 'PRIVACY_NUMBER_UNAVAILABLE', '隐私号暂时不足，请稍后再试', { reason: code });
      if (code === 'isv.NO_NOT_EXIST') throw new AppError(404, 'NOT_FOUND', '隐私号绑定不存在', { reason: code });
      throw new AppError(503, 'PRIVACY_NUMBER_UNAVAILABLE', '隐私号服务暂不可用，请稍后再试', { reason: code ?? (err as Error).name });
    }
  }

  /** Bind A and B to a middle number X until `expiresAt`; `outId` is ours (the lead), echoed in call records. */
  async bindAxb(a: string, b: string, expiresAt: Date, outId: string): Promise<AxbBinding> {
    const r = await this.call('BindAxb', { PhoneNoA: a, PhoneNoB: b, Expiration: beijingDateTime(expiresAt), OutId: outId, IsRecordingEnabled: 'false' });
    if (!r.SecretBindDTO?.SecretNo || !r.SecretBindDTO.SubsId) throw new AppError(503, 'PRIVACY_NUMBER_UNAVAILABLE', '隐私号服务暂不可用，请稍后再试', { reason: 'no SecretBindDTO' });
    return { secretNo: r.SecretBindDTO.SecretNo, subsId: r.SecretBindDTO.SubsId };
  }

  /** End a binding (X no longer reaches either side). An unknown binding counts as ended. */
  async unbind(binding: AxbBinding): Promise<void> {
    await this.call('UnbindSubscription', { SubsId: binding.subsId, SecretNo: binding.secretNo }).catch((err: AppError) => {
      if (err.status !== 404) throw err;
    });
  }
}
