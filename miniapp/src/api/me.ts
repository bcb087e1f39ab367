import { request, del, get, post } from './client'

/** My profile as the BFF answers it: personal data already masked (138****1234, 张*). */
export interface Profile {
  id: string
  roles: string[]
  phone: string | null
  realName: string | null
  idCardNo: string | null
  driverLicenceNo: string | null
  channels: string[]
  createdAt: string | null
}

export type ConsentChannel = 'weapp' | 'alipay' | 'h5'
export type ConsentDocument = 'privacy_policy' | 'user_agreement'

export interface ConsentBody {
  document: ConsentDocument
  version: string
  channel: ConsentChannel
  granted: boolean
}

export interface ConsentRecord extends ConsentBody {
  id: string
  at: string
}

/** What `GET /me/export` answers: everything held about me (profile masked). */
export interface MyDataExport {
  exportedAt: string
  profile: Profile
  logins: Array<{ kind: string; linkedAt: string | null }>
  consents: ConsentRecord[]
  orders: Array<{ orderNo: string; state: string; modelName?: string; trimName?: string; totalFen?: number; depositFen?: number; createdAt: string | null }>
}

export const getMe = () => get<Profile>('/api/v1/me')

export const updateMe = (body: { realName?: string | null; idCardNo?: string | null; driverLicenceNo?: string | null }) =>
  request<Profile>('/api/v1/me', { method: 'PATCH', body })

/** Verify and bind a phone with a code from `smsSend`; answers the (masked) profile. */
export const bindPhone = (phone: string, code: string) => post<Profile>('/api/v1/me/phone', { phone, code })

export const recordConsent = (body: ConsentBody) => post<ConsentRecord>('/api/v1/me/consents', body)

export const listConsents = () => get<{ items: ConsentRecord[] }>('/api/v1/me/consents')

export const exportMyData = () => get<MyDataExport>('/api/v1/me/export')

/** Erase my account. Rejects with ApiError ACCOUNT_HAS_ACTIVE_ORDERS (409) while an order is in progress. */
export const deleteAccount = () => del('/api/v1/me')
