import { describe, expect, it } from 'vitest'
import { ApiError, REFRESH_KEY, TOKEN_KEY, buildQuery, get, post, request, retryAfterMsOf } from '../src/api/client'
import { mediaUrl, resolveApiBase } from '../src/api/base'
import { ok } from './fixtures'
import { taroMock } from './taro-mock'

/** Await a promise that must reject, and return what it rejected with. */
async function rejection(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p
  } catch (err) {
    return err as ApiError
  }
  throw new Error('expected the request to reject')
}

describe('resolveApiBase', () => {
  it('defaults h5 to same origin and mini-programs to the local BFF', () => {
    expect(resolveApiBase('h5', null)).toBe('')
    expect(resolveApiBase('weapp', null)).toBe('http://127.0.0.1:3000')
    expect(resolveApiBase('alipay', undefined)).toBe('http://127.0.0.1:3000')
  })

  it('uses the build-time override and strips a trailing slash', () => {
    expect(resolveApiBase('weapp', 'https://api.example.com/')).toBe('https://api.example.com')
    expect(resolveApiBase('h5', 'https://api.example.com')).toBe('https://api.example.com')
  })
})

describe('mediaUrl', () => {
  it('prefixes BFF-relative paths and leaves absolute URLs alone', () => {
    expect(mediaUrl('/media/models/a.svg', 'http://127.0.0.1:3000')).toBe('http://127.0.0.1:3000/media/models/a.svg')
    expect(mediaUrl('/media/models/a.svg', '')).toBe('/media/models/a.svg')
    expect(mediaUrl('https://cdn.example.com/a.png', 'http://x')).toBe('https://cdn.example.com/a.png')
  })
})

describe('buildQuery', () => {
  it('joins arrays with commas, encodes values and drops empty ones', () => {
    expect(buildQuery({ bodyType: ['suv', 'mpv'], q: '极光 S7', page: 1, energyType: undefined, x: '', y: null }))
      .toBe('?bodyType=suv%2Cmpv&q=%E6%9E%81%E5%85%89%20S7&page=1')
    expect(buildQuery({})).toBe('')
  })
})

describe('request', () => {
  it('GETs base + path + query and resolves with the JSON body', async () => {
    taroMock.request.mockResolvedValue(ok({ hello: 'world' }))
    await expect(get('/api/v1/ping', { a: 1 })).resolves.toEqual({ hello: 'world' })
    const opts = taroMock.request.mock.calls[0][0]
    // vitest.config.ts defines CARMALL_API_BASE = 'http://bff.test'
    expect(opts.url).toBe('http://bff.test/api/v1/ping?a=1')
    expect(opts.method).toBe('GET')
    expect(opts.header.Authorization).toBeUndefined()
  })

  it('POSTs a JSON body', async () => {
    taroMock.request.mockResolvedValue(ok({ id: 1 }, 201))
    await expect(post('/api/v1/things', { name: 'x' })).resolves.toEqual({ id: 1 })
    const opts = taroMock.request.mock.calls[0][0]
    expect(opts.method).toBe('POST')
    expect(opts.data).toEqual({ name: 'x' })
    expect(opts.header['Content-Type']).toBe('application/json')
  })

  it('sends the stored token as a Bearer header', async () => {
    taroMock.setStorageSync(TOKEN_KEY, 'tok-123')
    taroMock.request.mockResolvedValue(ok({}))
    await get('/api/v1/me')
    expect(taroMock.request.mock.calls[0][0].header.Authorization).toBe('Bearer tok-123')
  })

  it('unwraps the BFF error body into a typed ApiError', async () => {
    taroMock.request.mockResolvedValue(
      ok({ error: { code: 'NOT_FOUND', message: '车型不存在', details: { code: 'x' }, requestId: 'req-1' } }, 404),
    )
    const err = await rejection(get('/api/v1/catalog/models/x'))
    expect(err).toBeInstanceOf(ApiError)
    expect(err).toMatchObject({ code: 'NOT_FOUND', message: '车型不存在', status: 404, requestId: 'req-1' })
    expect(err.details).toEqual({ code: 'x' })
  })

  it('reports a non-2xx without an error body as HTTP_ERROR', async () => {
    taroMock.request.mockResolvedValue(ok('<html>Bad Gateway</html>', 502))
    await expect(request('/api/v1/x')).rejects.toMatchObject({ code: 'HTTP_ERROR', status: 502 })
  })

  it('carries Retry-After (any header case, seconds or a date) on the ApiError', async () => {
    taroMock.request.mockResolvedValueOnce({ ...ok({ error: { code: 'RATE_LIMITED', message: '请求过于频繁' } }, 429), header: { 'retry-after': '7' } })
    const err = await rejection(get('/api/v1/launches/x/queue'))
    expect(err.code).toBe('RATE_LIMITED')
    expect(err.retryAfterMs).toBe(7000)
    expect(retryAfterMsOf({ 'Retry-After': 'Fri, 20 Nov 2026 04:00:30 GMT' }, Date.parse('2026-11-20T04:00:00Z'))).toBe(30_000)
    expect(retryAfterMsOf({})).toBeUndefined()
    expect(retryAfterMsOf(undefined)).toBeUndefined()
  })

  it('maps a rejected Taro.request (no response) to NETWORK', async () => {
    taroMock.request.mockRejectedValue({ errMsg: 'request:fail timeout' })
    const err = await rejection(request('/api/v1/x'))
    expect(err).toBeInstanceOf(ApiError)
    expect(err).toMatchObject({ code: 'NETWORK', status: 0, details: 'request:fail timeout' })
    expect(err.message).toContain('网络')
  })
})

describe('session refresh', () => {
  const unauthorized = { statusCode: 401, data: { error: { code: 'UNAUTHENTICATED', message: '请先登录' } }, header: {} }

  it('renews an expired access token once with the refresh token and retries the request', async () => {
    taroMock.setStorageSync(TOKEN_KEY, 'old-access')
    taroMock.setStorageSync(REFRESH_KEY, 'refresh-1')
    taroMock.request
      .mockResolvedValueOnce(unauthorized as never)
      .mockResolvedValueOnce(ok({ token: 'new-access', refreshToken: 'refresh-2' }) as never)
      .mockResolvedValueOnce(ok({ id: 'u1' }) as never)
    expect(await get('/api/v1/me')).toEqual({ id: 'u1' })
    const calls = taroMock.request.mock.calls.map((c) => c[0] as { url: string; data?: unknown; header: Record<string, string> })
    expect(calls[1].url).toMatch(/\/api\/v1\/auth\/refresh$/)
    expect(calls[1].data).toEqual({ refreshToken: 'refresh-1' })
    expect(calls[2].header.Authorization).toBe('Bearer new-access')
    expect(taroMock.getStorageSync(REFRESH_KEY)).toBe('refresh-2')
  })

  it('logs out when the refresh token is refused, and surfaces the original 401', async () => {
    taroMock.setStorageSync(TOKEN_KEY, 'old-access')
    taroMock.setStorageSync(REFRESH_KEY, 'reused')
    taroMock.request
      .mockResolvedValueOnce(unauthorized as never)
      .mockResolvedValueOnce({ statusCode: 401, data: { error: { code: 'REFRESH_TOKEN_REUSED', message: '登录凭证已失效' } }, header: {} } as never)
    const err = await rejection(get('/api/v1/me'))
    expect(err.status).toBe(401)
    expect(taroMock.getStorageSync(TOKEN_KEY)).toBe('')
    expect(taroMock.getStorageSync(REFRESH_KEY)).toBe('')
  })
})
