import { createHmac, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from './server';

/**
 * Aliyun's RPC (POP) protocol, shared by the Aliyun simulators (Dysmsapi SMS, Dyplsapi privacy
 * numbers): parameters in the query (GET) or a form body (POST); signature HMAC-SHA1 over
 * "METHOD&%2F&" + the percent-encoded, sorted parameters, key = AccessKeySecret + "&"
 * (SignatureMethod HMAC-SHA1, SignatureVersion 1.0); Timestamp within 15 minutes; each
 * SignatureNonce once. Errors as Aliyun answers them: `{ RequestId, HostId, Code, Message, Recommend }`.
 */
export function aliyunPercentEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function aliyunSignature(method: string, params: Record<string, string>, secret: string): string {
  const canonical = Object.keys(params)
    .filter((k) => k !== 'Signature')
    .sort()
    .map((k) => `${aliyunPercentEncode(k)}=${aliyunPercentEncode(params[k])}`)
    .join('&');
  return createHmac('sha1', `${secret}&`).update(`${method}&${aliyunPercentEncode('/')}&${aliyunPercentEncode(canonical)}`).digest('base64');
}

export interface RpcEndpoint {
  host: string;
  accessKeyId: string;
  accessKeySecret: string;
  version: string;
  actions: readonly string[];
  now: () => number;
}

export interface RpcCall {
  params: Record<string, string>;
  requestId: string;
  /** Answer an error: HTTP 200 for business errors (isv.*), 4xx/5xx for protocol ones. */
  fail: (status: number, code: string, message?: string) => void;
}

/** Read and authenticate one RPC call; null when it was already answered with a protocol error. */
export async function acceptRpcCall(req: IncomingMessage, res: ServerResponse, url: URL, ep: RpcEndpoint, nonces: Set<string>, messages: Record<string, string> = {}): Promise<RpcCall | null> {
  const params: Record<string, string> = Object.fromEntries(url.searchParams);
  if (req.method === 'POST') for (const [k, v] of new URLSearchParams(await readBody(req))) params[k] = v;
  const requestId = randomUUID().toUpperCase();
  const fail = (status: number, Code: string, Message = messages[Code] ?? Code) =>
    sendJson(res, status, status === 200 ? { RequestId: requestId, Code, Message } : { RequestId: requestId, HostId: ep.host, Code, Message, Recommend: `https://api.aliyun.com/troubleshoot?q=${Code}` });
  if (url.pathname !== '/') return (fail(404, 'InvalidAction.NotFound', 'Specified api is not found, please check your url and method.'), null);
  if (params.AccessKeyId !== ep.accessKeyId) return (fail(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.'), null);
  if (params.SignatureMethod !== 'HMAC-SHA1' || params.SignatureVersion !== '1.0' || !params.Signature)
    return (fail(400, 'IncompleteSignature', 'The request signature does not conform to Aliyun standards.'), null);
  if (aliyunSignature(req.method ?? 'GET', params, ep.accessKeySecret) !== params.Signature)
    return (fail(400, 'SignatureDoesNotMatch', 'Specified signature is not matched with our calculation.'), null);
  const ts = Date.parse(params.Timestamp ?? '');
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(params.Timestamp ?? '') || Math.abs(ep.now() - ts) > 15 * 60_000)
    return (fail(400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.'), null);
  if (!params.SignatureNonce || nonces.has(params.SignatureNonce)) return (fail(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.'), null);
  nonces.add(params.SignatureNonce);
  if (!ep.actions.includes(params.Action) || params.Version !== ep.version) return (fail(404, 'InvalidAction.NotFound', 'Specified api is not found, please check your url and method.'), null);
  return { params, requestId, fail };
}
