import Taro from '@tarojs/taro'
import { clearSession, getToken, post, storeSession } from './client'
import { USER_ID_KEY, syncPrivacyConsent } from '../utils/privacy'
import { bindLastShare } from '../state/shareVisits'

/** What every login endpoint answers (`sessionResponseSchema` in shared-types). */
export interface LoginResponse {
  /** The access token (short-lived); alias of accessToken. */
  token: string
  accessToken?: string
  refreshToken?: string
  expiresAt: string
  refreshExpiresAt?: string
  user: { id: string; roles: string[]; isNew: boolean }
}
/** Kept for existing callers. */
export type WechatLoginResponse = LoginResponse

/** Only the WeChat mini-program can obtain a code the BFF's `/auth/wechat` accepts. */
export const canWechatLogin = process.env.TARO_ENV === 'weapp'
/** Only the Alipay mini-program can obtain an auth code for `/auth/alipay`. */
export const canAlipayLogin = process.env.TARO_ENV === 'alipay'

/** How this build signs in: wx.login on weapp, my.getAuthCode on alipay, phone + SMS code elsewhere (H5). */
export type LoginMethod = 'wechat' | 'alipay' | 'sms'
export const loginMethod: LoginMethod = canWechatLogin ? 'wechat' : canAlipayLogin ? 'alipay' : 'sms'

/** Keep the session, remember who signed in, and record a privacy consent given before login. */
async function finishLogin(res: LoginResponse): Promise<LoginResponse> {
  storeSession(res)
  try {
    Taro.setStorageSync(USER_ID_KEY, res.user.id)
  } catch {
    /* only used to avoid recording the same consent twice */
  }
  await syncPrivacyConsent(res.user.id) // never throws: retried on the next launch if offline
  void bindLastShare() // an advisor's share opened before login now counts for this account
  return res
}

/** Taro.login -> `POST /api/v1/auth/wechat` -> store the token for later requests. */
export async function wechatLogin(): Promise<LoginResponse> {
  const { code } = await Taro.login()
  return finishLogin(await post<LoginResponse>('/api/v1/auth/wechat', { code }))
}

/** my.getAuthCode (silent `auth_base` scope) -> `POST /api/v1/auth/alipay` -> store the session. */
export async function alipayLogin(): Promise<LoginResponse> {
  // Taro forwards getAuthCode to my.getAuthCode on Alipay; it is not in Taro's shared typings.
  const getAuthCode = (Taro as unknown as { getAuthCode: (o: { scopes: string }) => Promise<{ authCode: string }> }).getAuthCode
  const { authCode } = await getAuthCode({ scopes: 'auth_base' })
  return finishLogin(await post<LoginResponse>('/api/v1/auth/alipay', { authCode }))
}

export interface SmsSendResponse {
  /** The phone, masked (138****1234). */
  sentTo: string
  expiresInSeconds: number
  resendAfterSeconds: number
}

/** Send a 6-digit login (or phone-binding) code to a mainland mobile number. */
export function smsSend(phone: string): Promise<SmsSendResponse> {
  return post<SmsSendResponse>('/api/v1/auth/sms/send', { phone })
}

/** Sign in with phone + SMS code (H5; works on any target). */
export async function smsLogin(phone: string, code: string): Promise<LoginResponse> {
  return finishLogin(await post<LoginResponse>('/api/v1/auth/sms/login', { phone, code }))
}

/** End this sign-in on the server (best effort) and forget the tokens locally either way. */
export async function logout(): Promise<void> {
  try {
    if (getToken()) await post('/api/v1/auth/logout')
  } catch {
    /* offline or already expired: the local session goes anyway */
  }
  clearSession()
  try {
    Taro.removeStorageSync(USER_ID_KEY)
  } catch {
    /* ignore */
  }
}
