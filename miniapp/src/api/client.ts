import Taro from '@tarojs/taro'
import type { ApiErrorBody, ErrorCode } from '@carmall/shared-types'
import { API_BASE } from './base'

/** Storage key for the (short-lived) access token issued at login. */
export const TOKEN_KEY = 'carmall.token'
/** Storage key for the refresh token that renews it (rotated on every use). */
export const REFRESH_KEY = 'carmall.refreshToken'

/**
 * Codes a caller can branch on: the BFF's stable codes, plus two the client produces itself:
 * NETWORK (no HTTP response at all) and HTTP_ERROR (a non-2xx without the BFF's error body,
 * e.g. from a proxy).
 */
export type ApiErrorCode = ErrorCode | 'NETWORK' | 'HTTP_ERROR'

export class ApiError extends Error {
  readonly code: ApiErrorCode
  /** HTTP status, 0 when the request never got a response. */
  readonly status: number
  readonly details?: unknown
  readonly requestId?: string
  /** From the `Retry-After` header (429, 503), in milliseconds; undefined when the answer had none. */
  readonly retryAfterMs?: number

  constructor(code: ApiErrorCode, message: string, status: number, details?: unknown, requestId?: string, retryAfterMs?: number) {
    super(message)
    this.name = 'ApiError'
    this.code = code
    this.status = status
    this.details = details
    this.requestId = requestId
    this.retryAfterMs = retryAfterMs
  }
}

/** `Retry-After` in ms (delta-seconds or an HTTP date); header names are matched case-insensitively. */
export function retryAfterMsOf(header: Record<string, unknown> | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined
  const key = Object.keys(header).find((k) => k.toLowerCase() === 'retry-after')
  const raw = key === undefined ? undefined : String(header[key]).trim()
  if (!raw) return undefined
  if (/^\d+$/.test(raw)) return Number(raw) * 1000
  const at = Date.parse(raw)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now)
}

export type QueryValue = string | number | boolean | null | undefined | ReadonlyArray<string>
export type Query = Record<string, QueryValue>

/**
 * Serialize query params. Arrays become comma lists (`bodyType=suv,mpv`, the BFF's format);
 * empty values are dropped so "全部" filters simply send nothing.
 */
export function buildQuery(query: Query = {}): string {
  const parts: string[] = []
  for (const [key, raw] of Object.entries(query)) {
    if (raw === undefined || raw === null || raw === '') continue
    const value = Array.isArray(raw) ? raw.join(',') : String(raw)
    if (value === '') continue
    parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
  }
  return parts.length ? `?${parts.join('&')}` : ''
}

export function getToken(): string | null {
  try {
    const token = Taro.getStorageSync(TOKEN_KEY)
    return typeof token === 'string' && token ? token : null
  } catch {
    return null // storage can throw on some runtimes (quota, private mode); treat as logged out
  }
}

function isApiErrorBody(data: unknown): data is ApiErrorBody {
  const error = (data as ApiErrorBody | null)?.error
  return !!error && typeof error === 'object' && typeof error.code === 'string' && typeof error.message === 'string'
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  query?: Query
  body?: unknown
  /** Extra request headers (e.g. `Idempotency-Key`). */
  headers?: Record<string, string>
  /** Defaults to API_BASE; tests and tools may point elsewhere. */
  base?: string
}

/** Keep the tokens a login or refresh answered with. */
export function storeSession(session: { token: string; refreshToken?: string }): void {
  Taro.setStorageSync(TOKEN_KEY, session.token)
  if (session.refreshToken) Taro.setStorageSync(REFRESH_KEY, session.refreshToken)
}

export function clearSession(): void {
  Taro.removeStorageSync(TOKEN_KEY)
  Taro.removeStorageSync(REFRESH_KEY)
}

// One refresh at a time: concurrent 401s wait for the same one (a refresh token works only once).
let refreshing: Promise<boolean> | null = null

/** Trade the refresh token for new tokens. False (and logged out) when it is gone, expired or reused. */
function refreshSession(base: string): Promise<boolean> {
  refreshing ??= (async () => {
    let refreshToken: unknown = null
    try {
      refreshToken = Taro.getStorageSync(REFRESH_KEY)
    } catch {
      /* treated as absent */
    }
    if (typeof refreshToken !== 'string' || !refreshToken) return false
    try {
      const res = await Taro.request({ url: `${base}/api/v1/auth/refresh`, method: 'POST', header: { 'Content-Type': 'application/json', Accept: 'application/json' }, data: { refreshToken } as any })
      if (res.statusCode === 200 && res.data?.token) {
        storeSession(res.data)
        return true
      }
      if (res.statusCode === 401) clearSession() // expired, revoked or reused: log in again
      return false
    } catch {
      return false // offline: keep the tokens, the caller sees the original 401
    }
  })().finally(() => {
    refreshing = null
  })
  return refreshing
}

/**
 * Call the BFF. Resolves with the JSON body on 2xx, rejects with ApiError otherwise. An expired
 * access token is renewed once with the refresh token and the request retried, so a buyer stays
 * signed in for the whole sign-in lifetime, not just the access token's few minutes.
 */
export async function request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  try {
    return await requestOnce<T>(path, opts)
  } catch (err) {
    if (err instanceof ApiError && err.status === 401 && getToken() && !path.startsWith('/api/v1/auth/') && (await refreshSession(opts.base ?? API_BASE))) {
      return requestOnce<T>(path, opts)
    }
    throw err
  }
}

async function requestOnce<T>(path: string, opts: RequestOptions): Promise<T> {
  const { method = 'GET', query, body, headers, base = API_BASE } = opts
  const header: Record<string, string> = { Accept: 'application/json', ...headers }
  if (body !== undefined) header['Content-Type'] = 'application/json'
  const token = getToken()
  if (token) header.Authorization = `Bearer ${token}`

  let res: Taro.request.SuccessCallbackResult<any>
  try {
    res = await Taro.request({ url: `${base}${path}${buildQuery(query)}`, method, header, data: body as any })
  } catch (err) {
    // Taro.request only rejects when there is no HTTP response (offline, DNS, timeout, domain
    // not whitelisted in the mini-program console).
    const detail = (err as { errMsg?: string; message?: string })?.errMsg ?? (err as Error)?.message
    throw new ApiError('NETWORK', '网络异常，请检查网络后重试', 0, detail)
  }

  const { statusCode, data } = res
  if (statusCode >= 200 && statusCode < 300) return data as T
  const retryAfterMs = retryAfterMsOf(res.header as Record<string, unknown> | undefined)
  if (isApiErrorBody(data)) {
    const { code, message, details, requestId } = data.error
    throw new ApiError(code, message, statusCode, details, requestId, retryAfterMs)
  }
  throw new ApiError('HTTP_ERROR', `服务异常（${statusCode}）`, statusCode, undefined, undefined, retryAfterMs)
}

export const get = <T>(path: string, query?: Query) => request<T>(path, { query })
export const post = <T>(path: string, body?: unknown) => request<T>(path, { method: 'POST', body })
export const del = <T = void>(path: string) => request<T>(path, { method: 'DELETE' })
