import type { CampaignMessage, CampaignProgress, CampaignSegment } from '@carmall/shared-types'
import { get, post, request } from './client'
import type { ServiceBooking, Site } from './garage'

export type { CampaignMessage }
export type Segment = CampaignSegment
export type Campaign = CampaignProgress

export interface CampaignPreview {
  vehicles: number
  owners: number
  sample: Array<{ vin: string; modelName: string; serviceDueDate: string | null; batterySohPct: number | null }>
  inApp: { title: string; body: string }
  wechat: { data: Record<string, { value: string }> | Record<string, string> }
}

export interface DeadLetter {
  jobId: string
  name: string
  kind: string | null
  userId: string | null
  campaignId: string | null
  vehicleId: string | null
  attempts: number
  reason: string
  failedAt: string | null
}

export interface CentreBookings {
  site: Site
  date: string
  assignedSite: string | null
  items: Array<ServiceBooking & { owner: { phone: string | null; realName: string | null } }>
}

export const previewCampaign = (segment: Segment, message: CampaignMessage) => post<CampaignPreview>('/api/v1/admin/campaigns/preview', { segment, message })
/** Keep one Idempotency-Key per push attempt: a retried tap never makes two campaigns. */
export const pushCampaign = (body: { name: string; segment: Segment; message: CampaignMessage }, idempotencyKey: string) =>
  request<Campaign>('/api/v1/admin/campaigns', { method: 'POST', body, headers: { 'Idempotency-Key': idempotencyKey } })
export const listCampaigns = () => get<{ items: Campaign[] }>('/api/v1/admin/campaigns')
export const getCampaign = (id: string) => get<Campaign>(`/api/v1/admin/campaigns/${encodeURIComponent(id)}`)
export const listDeadLetters = () => get<{ total: number; items: DeadLetter[] }>('/api/v1/admin/reminders/dead-letters')
export const retryDeadLetter = (jobId: string) => post<{ jobId: string; state: string }>(`/api/v1/admin/reminders/dead-letters/${encodeURIComponent(jobId)}/retry`)
export const centreBookings = (siteCode?: string, date?: string) => get<CentreBookings>('/api/v1/admin/service-bookings', { siteCode, date })

export const STAFF_ROLES = ['service', 'admin']
export const isStaff = (roles?: string[]) => !!roles?.some((r) => STAFF_ROLES.includes(r))
export const staffConsolePath = '/packages/staff/pages/index'
export const staffBookingsPath = '/packages/staff/pages/bookings'
