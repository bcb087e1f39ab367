/**
 * Where the BFF lives, per build target.
 * - h5: '' (same origin). The BFF serves the H5 build at `/` and the API at `/api/v1`.
 * - weapp / alipay: a full URL is required; defaults to the local BFF for development.
 * Override at build time with env `TARO_APP_API_BASE` (see config/index.ts).
 */
export const LOCAL_BFF = 'http://127.0.0.1:3000'

export function resolveApiBase(taroEnv: string | undefined, override: string | null | undefined): string {
  const base = override ?? (taroEnv === 'h5' ? '' : LOCAL_BFF)
  return base.replace(/\/+$/, '') // no trailing slash: paths always start with '/'
}

// `CARMALL_API_BASE` is a build-time constant; guard with typeof so tests without the define work.
export const API_BASE = resolveApiBase(
  process.env.TARO_ENV,
  typeof CARMALL_API_BASE === 'undefined' ? null : CARMALL_API_BASE,
)

/** Turn a BFF-relative media path (e.g. `/media/models/aurora-s7.svg`) into a loadable URL. */
export function mediaUrl(pathOrUrl: string, base: string = API_BASE): string {
  if (/^https?:\/\//.test(pathOrUrl)) return pathOrUrl
  return `${base}${pathOrUrl.startsWith('/') ? '' : '/'}${pathOrUrl}`
}
