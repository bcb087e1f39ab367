import type { ResolvedConfig } from '@carmall/shared-types'
import type { AdvisorProfile, Lead, LeadStatus, PrivacyCall } from '@carmall/shared-types/schemas'
import { get, post, request } from './client'

/**
 * Sales advisors: share cards, visits, stores and test drives, the advisor workspace.
 * Types of the BFF contract in shared-types/src/schemas/advisors.ts: leads and the advisor profile
 * are its schema types (`import type` bundles no zod); the rest are plain mirrors of it.
 */

export type { PrivacyCall }

export type ShareKind = 'model' | 'configuration'

/** `POST /shares` answer: what an advisor sends into a chat. */
export interface Share {
  shareId: string
  kind: ShareKind
  modelCode: string
  configurationId: string | null
  /** Mini-program path for onShareAppMessage: `pages/share/index?s=<shareId>`. */
  path: string
  /** H5 link; relative (`/#/…`) when the BFF has no PUBLIC_BASE_URL. */
  h5Url: string
  title: string
  /** `/api/v1/shares/<shareId>/poster.png` */
  posterUrl: string
  /** The model's cover (`/media/models/<code>.svg`). */
  imageUrl: string
  expiresAt: string
  createdAt: string
}

/** `GET /shares/:id`: what the landing page shows. */
export interface ShareCard {
  shareId: string
  kind: ShareKind
  title: string
  expiresAt: string
  /** The advisor's display name, and their work WeChat ID when they set one (to add them). */
  advisor: { displayName: string; wechatId: string | null }
  model: { code: string; name: string; tagline: string; coverImage: string; startingPriceFen: number }
  configuration: {
    shortId: string
    trimCode: string
    trimName: string
    config: ResolvedConfig
    totalFen: number
    current: { valid: boolean; totalFen: number | null; reason: string | null }
  } | null
}

export interface ShareVisitResult {
  shareId: string
  counted: boolean
  bound: number
}

export interface Store {
  code: string
  name: string
  city: string
  address: string
  /** The store's switchboard: a landline as it is, a mobile number masked. */
  phone: string | null
  /** Opening hours, e.g. ["周一至周日 10:00–17:00"] (Shanghai time). */
  hours: string[]
}

export interface TestDriveSlot {
  /** ISO UTC start; sent back as `slotStart`. */
  start: string
  end: string
  /** "10:00–11:00" (Asia/Shanghai). */
  label: string
  available: boolean
}

export type TestDriveStatus = 'booked' | 'cancelled' | 'completed'

export interface TestDrive {
  id: string
  status: TestDriveStatus
  store: Store
  modelCode: string
  modelName: string
  slotStart: string
  slotEnd: string
  /** "11月30日 周一 10:00–11:00" (Asia/Shanghai). */
  slotLabel: string
  contactName: string
  /** Masked. */
  phone: string | null
  createdAt: string
}

export interface TestDriveRequest {
  storeCode: string
  slotStart: string
  modelCode: string
  contactName: string
  phone?: string
  visitorId?: string
}

export interface AdvisorShare extends Share {
  modelName: string
  stats: { visits: number; visitors: number; leads: number; orders: number }
}

/** A lead as the BFF answers it (customer masked, except a WeChat ID given for this advisor). */
export type { Lead, LeadStatus } from '@carmall/shared-types/schemas'

/** `GET/PUT /advisor/profile`: how the advisor appears on their cards. */
export type { AdvisorProfile } from '@carmall/shared-types/schemas'

const enc = encodeURIComponent

/** Advisor: the share of a model or a saved configuration (idempotent per advisor + target). */
export const createShare = (body: { kind: 'model'; modelCode: string } | { kind: 'configuration'; configurationId: string }) =>
  post<Share>('/api/v1/shares', body)

export const getShareCard = (shareId: string) => get<ShareCard>(`/api/v1/shares/${enc(shareId)}`)

/** Record a visit (public; with the token when signed in, which binds earlier anonymous visits). */
export const recordShareVisit = (shareId: string, visitorId: string) =>
  post<ShareVisitResult>(`/api/v1/shares/${enc(shareId)}/visits`, { visitorId })

export const listStores = (city?: string) => get<{ items: Store[] }>('/api/v1/stores', { city })

export const getTestDriveSlots = (storeCode: string, date: string) =>
  get<{ store: Store; date: string; slots: TestDriveSlot[] }>(`/api/v1/stores/${enc(storeCode)}/test-drive-slots`, { date })

/** `POST /test-drives` with an Idempotency-Key kept for every retry of one booking attempt. */
export const bookTestDrive = (body: TestDriveRequest, idempotencyKey: string) =>
  request<TestDrive>('/api/v1/test-drives', { method: 'POST', body, headers: { 'Idempotency-Key': idempotencyKey } })

export const listMyTestDrives = () => get<{ items: TestDrive[] }>('/api/v1/me/test-drives')

export const cancelTestDrive = (id: string) => post<TestDrive>(`/api/v1/me/test-drives/${enc(id)}/cancel`)

export const listAdvisorShares = () => get<{ items: AdvisorShare[] }>('/api/v1/advisor/shares')

export const listAdvisorLeads = (status?: LeadStatus) => get<{ items: Lead[] }>('/api/v1/advisor/leads', { status })

export const updateLeadStatus = (id: string, status: Exclude<LeadStatus, 'new'>, note: string) =>
  post<Lead>(`/api/v1/advisor/leads/${enc(id)}/status`, { status, note })

/** A privacy number (隐私号) to call the lead's buyer from the advisor's own phone (the BFF binds it, audited). */
export const requestPrivacyCall = (id: string) => post<PrivacyCall>(`/api/v1/advisor/leads/${enc(id)}/privacy-call`, {})

export const getAdvisorProfile = () => get<AdvisorProfile>('/api/v1/advisor/profile')
export const saveAdvisorProfile = (body: AdvisorProfile) => request<AdvisorProfile>('/api/v1/advisor/profile', { method: 'PUT', body })

/** The buyer leaves their WeChat ID, with consent, for the share's advisor to add them. */
export const leaveWechatContact = (shareId: string, wechatId: string) =>
  post<{ leadId: string; advisorName: string; created: boolean }>(`/api/v1/shares/${enc(shareId)}/contact`, { wechatId, consent: true })

/** Pages of this feature (the share landing page is in the main package, the rest in subpackages). */
export const sharePagePath = (shareId: string) => `/pages/share/index?s=${enc(shareId)}`
export const testDrivePath = (modelCode?: string) => `/packages/sales/pages/test-drive${modelCode ? `?model=${enc(modelCode)}` : ''}`
export const myTestDrivesPath = '/packages/sales/pages/my-test-drives'
export const advisorWorkspacePath = '/packages/sales/pages/workspace'
