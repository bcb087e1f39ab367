import { beforeEach, describe, expect, it, vi } from 'vitest'
import PrivacyPolicyPage from '../src/packages/legal/pages/privacy'
import { privacyPolicyPath } from '../src/utils/privacy-policy'
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react'
import Taro from '@tarojs/taro'
import { alipayLogin, logout, smsLogin, smsSend, wechatLogin } from '../src/api/auth'
import { REFRESH_KEY, TOKEN_KEY } from '../src/api/client'
import { deleteAccount, exportMyData } from '../src/api/me'
import MePage, { LoginPanel } from '../src/pages/me/index'
import {
  PRIVACY_CONSENT_KEY,
  PRIVACY_POLICY_VERSION,
  USER_ID_KEY,
  ensurePrivacyConsent,
  hasPrivacyConsent,
  readConsent,
} from '../src/utils/privacy'
import { ok } from './fixtures'
import { taroMock } from './taro-mock'

const session = (id = 'u1', isNew = false) => ({
  token: `acc-${id}`,
  accessToken: `acc-${id}`,
  refreshToken: `ref-${id}`,
  expiresAt: '2026-12-01T00:00:00.000Z',
  refreshExpiresAt: '2026-12-31T00:00:00.000Z',
  user: { id, roles: ['buyer'], isNew },
})

const profile = (over: Record<string, unknown> = {}) => ({
  id: 'u1',
  roles: ['buyer'],
  phone: '138****1234',
  realName: null,
  idCardNo: null,
  driverLicenceNo: null,
  channels: ['wechat'],
  createdAt: '2026-11-01T00:00:00.000Z',
  ...over,
})

type Route = (body: any, call: any) => { status?: number; data?: unknown }
/** A tiny BFF: routes keyed "METHOD /path"; every call is kept. */
function fakeBff(routes: Record<string, Route>) {
  const calls: Array<{ key: string; body: any; auth?: string }> = []
  taroMock.request.mockImplementation(async (opts: any) => {
    const path = String(opts.url).replace('http://bff.test', '').split('?')[0]
    const key = `${opts.method ?? 'GET'} ${path}`
    calls.push({ key, body: opts.data, auth: opts.header?.Authorization })
    const route = routes[key]
    if (!route) return ok({ error: { code: 'NOT_FOUND', message: `no route ${key}` } }, 404)
    const res = route(opts.data, opts)
    return ok(res.data ?? null, res.status ?? 200)
  })
  return { calls, keys: () => calls.map((c) => c.key) }
}

const grantLocally = (recordedFor: string[] = []) =>
  taroMock.setStorageSync(PRIVACY_CONSENT_KEY, JSON.stringify({ version: PRIVACY_POLICY_VERSION, granted: true, at: '2026-11-28T00:00:00Z', recordedFor }))

const consentRoute: Route = (body) => ({ status: 201, data: { id: 'c1', at: '2026-11-28T00:00:00Z', ...body } })
const flush = () => act(async () => {})

// resetTaroMock only clears calls: give every test here a fresh "同意 / confirm" modal.
beforeEach(() => {
  taroMock.showModal.mockReset()
  taroMock.showModal.mockImplementation(() => Promise.resolve({ confirm: true, cancel: false }))
})

describe('login flows', () => {
  it('WeChat: posts the wx.login code and stores both tokens', async () => {
    const bff = fakeBff({ 'POST /api/v1/auth/wechat': () => ({ data: session() }) })
    taroMock.login.mockResolvedValue({ code: 'wx-code', errMsg: 'login:ok' })
    await wechatLogin()
    expect(bff.calls[0]).toMatchObject({ key: 'POST /api/v1/auth/wechat', body: { code: 'wx-code' } })
    expect(taroMock.getStorageSync(TOKEN_KEY)).toBe('acc-u1')
    expect(taroMock.getStorageSync(REFRESH_KEY)).toBe('ref-u1')
    expect(taroMock.getStorageSync(USER_ID_KEY)).toBe('u1')
  })

  it('Alipay: asks my.getAuthCode for auth_base and posts the authCode', async () => {
    const getAuthCode = vi.fn().mockResolvedValue({ authCode: 'ali-code' })
    ;(Taro as any).getAuthCode = getAuthCode
    const bff = fakeBff({ 'POST /api/v1/auth/alipay': () => ({ data: session('u2') }) })
    await alipayLogin()
    expect(getAuthCode).toHaveBeenCalledWith({ scopes: 'auth_base' })
    expect(bff.calls[0]).toMatchObject({ key: 'POST /api/v1/auth/alipay', body: { authCode: 'ali-code' } })
    expect(taroMock.getStorageSync(TOKEN_KEY)).toBe('acc-u2')
    expect(taroMock.getStorageSync(REFRESH_KEY)).toBe('ref-u2')
  })

  it('SMS: sends the code then logs in with phone + code and stores the session', async () => {
    const bff = fakeBff({
      'POST /api/v1/auth/sms/send': () => ({ data: { sentTo: '138****1234', expiresInSeconds: 300, resendAfterSeconds: 60 } }),
      'POST /api/v1/auth/sms/login': () => ({ data: session('u3') }),
    })
    expect(await smsSend('13800001234')).toMatchObject({ sentTo: '138****1234' })
    await smsLogin('13800001234', '123456')
    expect(bff.calls.map((c) => [c.key, c.body])).toEqual([
      ['POST /api/v1/auth/sms/send', { phone: '13800001234' }],
      ['POST /api/v1/auth/sms/login', { phone: '13800001234', code: '123456' }],
    ])
    expect(taroMock.getStorageSync(TOKEN_KEY)).toBe('acc-u3')
    expect(taroMock.getStorageSync(REFRESH_KEY)).toBe('ref-u3')
  })

  it('a failed login stores nothing', async () => {
    fakeBff({ 'POST /api/v1/auth/sms/login': () => ({ status: 400, data: { error: { code: 'SMS_CODE_INVALID', message: '验证码错误' } } }) })
    await expect(smsLogin('13800001234', '000000')).rejects.toMatchObject({ code: 'SMS_CODE_INVALID' })
    expect(taroMock.getStorageSync(TOKEN_KEY)).toBe('')
  })

  it('logout revokes the sign-in on the BFF and clears the local session', async () => {
    taroMock.setStorageSync(TOKEN_KEY, 'acc-u1')
    taroMock.setStorageSync(REFRESH_KEY, 'ref-u1')
    const bff = fakeBff({ 'POST /api/v1/auth/logout': () => ({ status: 204 }) })
    await logout()
    expect(bff.calls[0]).toMatchObject({ key: 'POST /api/v1/auth/logout', auth: 'Bearer acc-u1' })
    expect(taroMock.getStorageSync(TOKEN_KEY)).toBe('')
    expect(taroMock.getStorageSync(REFRESH_KEY)).toBe('')
  })

  it('logout still clears the local session when offline', async () => {
    taroMock.setStorageSync(TOKEN_KEY, 'acc-u1')
    taroMock.request.mockRejectedValue({ errMsg: 'request:fail' })
    await logout()
    expect(taroMock.getStorageSync(TOKEN_KEY)).toBe('')
  })
})

describe('login panel per target', () => {
  it('weapp shows 微信登录 and alipay 支付宝登录, each calling its own endpoint', async () => {
    grantLocally()
    taroMock.login.mockResolvedValue({ code: 'wx-code', errMsg: 'login:ok' })
    ;(Taro as any).getAuthCode = vi.fn().mockResolvedValue({ authCode: 'ali-code' })
    const bff = fakeBff({
      'POST /api/v1/auth/wechat': () => ({ data: session() }),
      'POST /api/v1/auth/alipay': () => ({ data: session('u2') }),
      'POST /api/v1/me/consents': consentRoute,
    })
    const onLoggedIn = vi.fn()
    const { unmount } = render(<LoginPanel method='wechat' onLoggedIn={onLoggedIn} />)
    expect(screen.queryByText('支付宝登录')).toBeNull()
    fireEvent.click(screen.getByText('微信登录'))
    await waitFor(() => expect(onLoggedIn).toHaveBeenCalledTimes(1))
    unmount()
    render(<LoginPanel method='alipay' onLoggedIn={onLoggedIn} />)
    expect(screen.queryByText('微信登录')).toBeNull()
    fireEvent.click(screen.getByText('支付宝登录'))
    await waitFor(() => expect(onLoggedIn).toHaveBeenCalledTimes(2))
    expect(bff.keys().filter((k) => k.includes('/auth/'))).toEqual(['POST /api/v1/auth/wechat', 'POST /api/v1/auth/alipay'])
  })

  it('asks for privacy consent before a login and does not log in when refused', async () => {
    taroMock.showModal.mockImplementation(() => Promise.resolve({ confirm: false, cancel: true }))
    const bff = fakeBff({})
    const onLoggedIn = vi.fn()
    render(<LoginPanel method='wechat' onLoggedIn={onLoggedIn} />)
    fireEvent.click(screen.getByText('微信登录'))
    await screen.findByText(/需同意隐私政策后才能登录/)
    expect(taroMock.login).not.toHaveBeenCalled()
    expect(bff.calls).toHaveLength(0)
    expect(onLoggedIn).not.toHaveBeenCalled()
  })
})

describe('privacy policy', () => {
  it('the login panel and 我的 link the full policy, which has every section and its version', () => {
    const panel = render(<LoginPanel method='sms' onLoggedIn={vi.fn()} />)
    fireEvent.click(screen.getByText(/《隐私政策》全文/))
    expect(taroMock.navigateTo).toHaveBeenCalledWith({ url: privacyPolicyPath })
    panel.unmount()
    const page = render(<PrivacyPolicyPage />)
    expect(page.container.textContent).toContain(`版本 ${PRIVACY_POLICY_VERSION}`)
    for (const title of ['一、我们收集哪些信息', '二、我们如何使用这些信息', '三、与谁共享', '四、如何保存与保护', '五、您的权利']) expect(page.container.textContent).toContain(title)
    expect(page.container.textContent).toContain('138****1234')
  })
})

describe('SMS form (H5)', () => {
  const input = (c: HTMLElement, sel: string, value: string) => fireEvent.input(c.querySelector(`${sel} input`) ?? c.querySelector(sel)!, { target: { value } })

  it('asks for privacy consent before the code is sent (the phone goes to the SMS provider), and sends nothing when refused', async () => {
    taroMock.showModal.mockImplementation(() => Promise.resolve({ confirm: false, cancel: true }))
    const bff = fakeBff({ 'POST /api/v1/me/consents': consentRoute })
    const { container: c } = render(<LoginPanel method='sms' onLoggedIn={vi.fn()} />)
    input(c, '.sms-form__phone', '13800001234')
    fireEvent.click(screen.getByText('获取验证码'))
    await waitFor(() => expect(taroMock.showModal).toHaveBeenCalled())
    expect((taroMock.showModal.mock.calls[0] as unknown as [{ title: string }])[0].title).toBe('隐私政策')
    await new Promise((r) => setTimeout(r, 20))
    expect(bff.keys().filter((k) => k.endsWith('/sms/send'))).toHaveLength(0)
  })

  it('checks the phone has 11 digits and the code 6 before calling the BFF', async () => {
    const bff = fakeBff({})
    const { container: c } = render(<MePage />)
    fireEvent.click(screen.getByText('获取验证码'))
    expect(await screen.findByText('请输入 11 位手机号')).toBeTruthy()
    input(c, '.sms-form__phone', '1380000123')
    fireEvent.click(screen.getByText('获取验证码'))
    expect(screen.getByText('请输入 11 位手机号')).toBeTruthy()
    input(c, '.sms-form__phone', '13800001234')
    input(c, '.sms-form__code', '123')
    fireEvent.click(screen.getByText('登录'))
    expect(await screen.findByText('请输入 6 位验证码')).toBeTruthy()
    expect(bff.calls).toHaveLength(0)
  })

  it('counts 60 s down before the code can be sent again, then logs in', async () => {
    vi.useFakeTimers()
    try {
      grantLocally()
      const bff = fakeBff({
        'POST /api/v1/auth/sms/send': () => ({ data: { sentTo: '138****1234', expiresInSeconds: 300, resendAfterSeconds: 60 } }),
        'POST /api/v1/auth/sms/login': () => ({ data: session('u3', true) }),
        'POST /api/v1/me/consents': consentRoute,
        'GET /api/v1/me': () => ({ data: profile({ id: 'u3', channels: ['sms'] }) }),
      })
      const { container: c } = render(<MePage />)
      input(c, '.sms-form__phone', '13800001234')
      fireEvent.click(screen.getByText('获取验证码'))
      await flush()
      expect(screen.getByText('60 秒后重发')).toBeTruthy()
      expect(screen.getByText('验证码已发送至 138****1234')).toBeTruthy()
      fireEvent.click(screen.getByText('60 秒后重发')) // disabled: no second send
      for (let i = 0; i < 59; i++) act(() => void vi.advanceTimersByTime(1000))
      expect(screen.getByText('1 秒后重发')).toBeTruthy()
      act(() => void vi.advanceTimersByTime(1000))
      expect(screen.getByText('重新发送')).toBeTruthy()
      expect(bff.keys().filter((k) => k.endsWith('/sms/send'))).toHaveLength(1)

      input(c, '.sms-form__code', '123456')
      fireEvent.click(screen.getByText('登录'))
      await flush()
      await flush()
      expect(bff.calls.find((x) => x.key.endsWith('/sms/login'))?.body).toEqual({ phone: '13800001234', code: '123456' })
      expect(taroMock.getStorageSync(TOKEN_KEY)).toBe('acc-u3')
      expect(screen.getByText('手机号 138****1234')).toBeTruthy()
    } finally {
      vi.useRealTimers()
    }
  })
})

describe('privacy consent on first launch', () => {
  it('asks once per policy version and remembers the answer', async () => {
    fakeBff({})
    await ensurePrivacyConsent()
    expect(taroMock.showModal).toHaveBeenCalledTimes(1)
    expect((taroMock.showModal.mock.calls as any[][])[0][0]).toMatchObject({ confirmText: '同意', cancelText: '不同意' })
    expect(readConsent()).toMatchObject({ version: PRIVACY_POLICY_VERSION, granted: true })
    await ensurePrivacyConsent()
    expect(taroMock.showModal).toHaveBeenCalledTimes(1)

    // A new policy version asks again.
    taroMock.setStorageSync(PRIVACY_CONSENT_KEY, JSON.stringify({ version: '2000.1', granted: true, at: '', recordedFor: [] }))
    await ensurePrivacyConsent()
    expect(taroMock.showModal).toHaveBeenCalledTimes(2)
  })

  it('不同意 explains the app can only be browsed, and is not asked again', async () => {
    fakeBff({})
    taroMock.showModal.mockResolvedValueOnce({ confirm: false, cancel: true })
    await ensurePrivacyConsent()
    expect(taroMock.showModal).toHaveBeenCalledTimes(2)
    expect((taroMock.showModal.mock.calls as any[][])[1][0].content).toMatch(/浏览/)
    expect(hasPrivacyConsent()).toBe(false)
    await ensurePrivacyConsent()
    expect(taroMock.showModal).toHaveBeenCalledTimes(2)
  })

  it('records the consent with the BFF when logged in', async () => {
    taroMock.setStorageSync(TOKEN_KEY, 'acc-u1')
    taroMock.setStorageSync(USER_ID_KEY, 'u1')
    const bff = fakeBff({ 'POST /api/v1/me/consents': consentRoute })
    await ensurePrivacyConsent()
    expect(bff.calls).toEqual([
      { key: 'POST /api/v1/me/consents', body: { document: 'privacy_policy', version: PRIVACY_POLICY_VERSION, channel: 'h5', granted: true }, auth: 'Bearer acc-u1' },
    ])
    expect(readConsent()?.recordedFor).toEqual(['u1'])
    await ensurePrivacyConsent() // already recorded: nothing sent again
    expect(bff.calls).toHaveLength(1)
  })

  it('records a consent given while logged out after the next login, once per user', async () => {
    fakeBff({})
    await ensurePrivacyConsent() // agreed, logged out: nothing to send yet
    const bff = fakeBff({ 'POST /api/v1/auth/sms/login': () => ({ data: session('u7') }), 'POST /api/v1/me/consents': consentRoute })
    await smsLogin('13800001234', '123456')
    expect(bff.keys()).toEqual(['POST /api/v1/auth/sms/login', 'POST /api/v1/me/consents'])
    expect(bff.calls[1]).toMatchObject({ body: { document: 'privacy_policy', version: PRIVACY_POLICY_VERSION, channel: 'h5', granted: true }, auth: 'Bearer acc-u7' })
    await smsLogin('13800001234', '123456')
    expect(bff.keys().filter((k) => k.endsWith('/consents'))).toHaveLength(1)
  })

  it('a failed recording is retried at the next launch', async () => {
    taroMock.setStorageSync(TOKEN_KEY, 'acc-u1')
    taroMock.setStorageSync(USER_ID_KEY, 'u1')
    fakeBff({ 'POST /api/v1/me/consents': () => ({ status: 503, data: { error: { code: 'UPSTREAM_UNAVAILABLE', message: 'busy' } } }) })
    await ensurePrivacyConsent()
    expect(readConsent()).toMatchObject({ granted: true, recordedFor: [] })
    const bff = fakeBff({ 'POST /api/v1/me/consents': consentRoute })
    await ensurePrivacyConsent()
    expect(taroMock.showModal).toHaveBeenCalledTimes(1)
    expect(bff.keys()).toEqual(['POST /api/v1/me/consents'])
  })
})

describe('我的 page when logged in', () => {
  function loggedIn(routes: Record<string, Route>, me = profile()) {
    taroMock.setStorageSync(TOKEN_KEY, 'acc-u1')
    taroMock.setStorageSync(REFRESH_KEY, 'ref-u1')
    taroMock.setStorageSync(USER_ID_KEY, 'u1')
    grantLocally(['u1'])
    return fakeBff({ 'GET /api/v1/me': () => ({ data: me }), ...routes })
  }

  it('shows the masked phone as the BFF answers it, never a login form', async () => {
    loggedIn({})
    render(<MePage />)
    expect(await screen.findByText('手机号 138****1234')).toBeTruthy()
    expect(screen.queryByText('获取验证码')).toBeNull()
    expect(screen.getByText('我的配置')).toBeTruthy()
  })

  it('binds a phone through /me/phone when none is bound', async () => {
    const bff = loggedIn(
      {
        'POST /api/v1/auth/sms/send': () => ({ data: { sentTo: '139****5678', expiresInSeconds: 300, resendAfterSeconds: 60 } }),
        'POST /api/v1/me/phone': () => ({ data: profile({ phone: '139****5678' }) }),
      },
      profile({ phone: null }),
    )
    const { container: c } = render(<MePage />)
    fireEvent.click(await screen.findByText('绑定手机号'))
    fireEvent.input(c.querySelector('.sms-form__phone input') ?? c.querySelector('.sms-form__phone')!, { target: { value: '13900005678' } })
    fireEvent.click(screen.getByText('获取验证码'))
    await screen.findByText('验证码已发送至 139****5678')
    fireEvent.input(c.querySelector('.sms-form__code input') ?? c.querySelector('.sms-form__code')!, { target: { value: '654321' } })
    fireEvent.click(screen.getByText('绑定'))
    expect(await screen.findByText('手机号 139****5678')).toBeTruthy()
    expect(bff.calls.find((x) => x.key === 'POST /api/v1/me/phone')?.body).toEqual({ phone: '13900005678', code: '654321' })
  })

  it('exports my data: shows a summary and copies the JSON', async () => {
    const data = {
      exportedAt: '2026-11-28T10:00:00.000Z',
      profile: profile(),
      logins: [{ kind: 'wechat', linkedAt: null }],
      consents: [],
      orders: [{ orderNo: 'CM1', state: 'delivered', createdAt: null }, { orderNo: 'CM2', state: 'cancelled', createdAt: null }],
    }
    const bff = loggedIn({ 'GET /api/v1/me/export': () => ({ data }) })
    render(<MePage />)
    await screen.findByText('手机号 138****1234')
    fireEvent.click(screen.getByText('导出我的数据'))
    expect(await screen.findByText(/订单 2 个/)).toBeTruthy()
    expect(bff.keys()).toContain('GET /api/v1/me/export')
    fireEvent.click(screen.getByText('复制 JSON'))
    expect(taroMock.setClipboardData).toHaveBeenCalledWith({ data: JSON.stringify(data, null, 2) })
  })

  it('deletes the account after confirming, then is logged out', async () => {
    const bff = loggedIn({ 'DELETE /api/v1/me': () => ({ status: 204 }) })
    render(<MePage />)
    await screen.findByText('手机号 138****1234')
    fireEvent.click(screen.getByText('注销账号'))
    await screen.findByText('未登录')
    expect((taroMock.showModal.mock.calls as any[][])[0][0].content).toMatch(/订单记录会保留/)
    expect(bff.keys()).toContain('DELETE /api/v1/me')
    expect(taroMock.getStorageSync(TOKEN_KEY)).toBe('')
  })

  it('does nothing when the deletion is cancelled', async () => {
    const bff = loggedIn({ 'DELETE /api/v1/me': () => ({ status: 204 }) })
    taroMock.showModal.mockResolvedValueOnce({ confirm: false, cancel: true })
    render(<MePage />)
    await screen.findByText('手机号 138****1234')
    fireEvent.click(screen.getByText('注销账号'))
    await waitFor(() => expect(taroMock.showModal).toHaveBeenCalled())
    await flush()
    expect(bff.keys()).not.toContain('DELETE /api/v1/me')
    expect(taroMock.getStorageSync(TOKEN_KEY)).toBe('acc-u1')
  })

  it('explains a 409 ACCOUNT_HAS_ACTIVE_ORDERS and stays logged in', async () => {
    loggedIn({
      'DELETE /api/v1/me': () => ({
        status: 409,
        data: { error: { code: 'ACCOUNT_HAS_ACTIVE_ORDERS', message: '您有进行中的订单，完成或取消后才能注销账号', details: { activeOrders: 2 } } },
      }),
    })
    render(<MePage />)
    await screen.findByText('手机号 138****1234')
    fireEvent.click(screen.getByText('注销账号'))
    expect(await screen.findByText('您有 2 个进行中的订单，请在订单完成或取消后再注销账号。')).toBeTruthy()
    expect(taroMock.getStorageSync(TOKEN_KEY)).toBe('acc-u1')
    expect(screen.getByText('退出登录')).toBeTruthy()
  })

  it('退出登录 clears the session and shows the login form again', async () => {
    const bff = loggedIn({ 'POST /api/v1/auth/logout': () => ({ status: 204 }) })
    render(<MePage />)
    await screen.findByText('手机号 138****1234')
    fireEvent.click(screen.getByText('退出登录'))
    await screen.findByText('未登录')
    expect(bff.keys()).toContain('POST /api/v1/auth/logout')
    expect(taroMock.getStorageSync(TOKEN_KEY)).toBe('')
    expect(taroMock.getStorageSync(REFRESH_KEY)).toBe('')
    expect(screen.getByText('获取验证码')).toBeTruthy()
  })

  it('api helpers hit the documented endpoints', async () => {
    const bff = loggedIn({ 'GET /api/v1/me/export': () => ({ data: {} }), 'DELETE /api/v1/me': () => ({ status: 204 }) })
    await exportMyData()
    await deleteAccount()
    expect(bff.keys()).toEqual(['GET /api/v1/me/export', 'DELETE /api/v1/me'])
  })
})
