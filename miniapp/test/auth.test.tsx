import { describe, expect, it } from 'vitest'
import { render, screen } from '@testing-library/react'
import { wechatLogin } from '../src/api/auth'
import { TOKEN_KEY, get } from '../src/api/client'
import MePage from '../src/pages/me/index'
import { ok } from './fixtures'
import { taroMock } from './taro-mock'

describe('wechatLogin', () => {
  it('exchanges the Taro.login code, stores the token and sends it afterwards', async () => {
    taroMock.login.mockResolvedValue({ code: 'wx-code-1', errMsg: 'login:ok' })
    taroMock.request.mockResolvedValueOnce(
      ok({ token: 'jwt-abc', expiresAt: '2026-12-01T00:00:00.000Z', user: { id: 'u1', roles: ['buyer'], isNew: true } }),
    )

    const res = await wechatLogin()
    expect(res.user).toEqual({ id: 'u1', roles: ['buyer'], isNew: true })
    const login = taroMock.request.mock.calls[0][0]
    expect(login.url).toBe('http://bff.test/api/v1/auth/wechat')
    expect(login.method).toBe('POST')
    expect(login.data).toEqual({ code: 'wx-code-1' })
    expect(taroMock.setStorageSync).toHaveBeenCalledWith(TOKEN_KEY, 'jwt-abc')

    taroMock.request.mockResolvedValueOnce(ok({}))
    await get('/api/v1/me')
    expect(taroMock.request.mock.calls[1][0].header.Authorization).toBe('Bearer jwt-abc')
  })

  it('stores nothing when the BFF rejects the code', async () => {
    taroMock.login.mockResolvedValue({ code: 'bad', errMsg: 'login:ok' })
    taroMock.request.mockResolvedValueOnce(ok({ error: { code: 'WECHAT_CODE_INVALID', message: '登录已失效，请重试' } }, 401))
    await expect(wechatLogin()).rejects.toMatchObject({ code: 'WECHAT_CODE_INVALID', status: 401 })
    expect(taroMock.setStorageSync).not.toHaveBeenCalled()
  })
})

describe('我的 page on H5', () => {
  it('offers phone + SMS code login and never calls Taro.login', () => {
    render(<MePage />)
    expect(screen.getByText('获取验证码')).toBeTruthy()
    expect(screen.queryByText('微信登录')).toBeNull()
    expect(taroMock.login).not.toHaveBeenCalled()
  })
})
