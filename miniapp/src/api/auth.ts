import Taro from '@tarojs/taro'
import { clearSession, post, storeSession } from './client'

export interface WechatLoginResponse {
  /** The access token (short-lived). */
  token: string
  refreshToken?: string
  expiresAt: string
  user: { id: string; roles: string[]; isNew: boolean }
}

/** Only the WeChat mini-program can obtain a code the BFF's `/auth/wechat` accepts. */
export const canWechatLogin = process.env.TARO_ENV === 'weapp'

/** Taro.login -> `POST /api/v1/auth/wechat` -> store the token for later requests. */
export async function wechatLogin(): Promise<WechatLoginResponse> {
  const { code } = await Taro.login()
  const res = await post<WechatLoginResponse>('/api/v1/auth/wechat', { code })
  storeSession(res)
  return res
}

export function logout(): void {
  clearSession()
}
