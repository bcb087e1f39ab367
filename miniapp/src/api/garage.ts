import type { OwnedVehicle, VehicleClaimRequest } from '@carmall/shared-types'
import { get, post, request } from './client'

const enc = encodeURIComponent

/** `GET /me/vehicles` item: a car I own with its predictions (each with a Chinese reason); the BFF's own type. */
export type MyVehicle = OwnedVehicle

export interface Site {
  code: string
  name: string
  city: string
  kind: 'service' | 'store'
  address: string
  phone: string | null
  hours: string[]
  slotMinutes: number
  capacity: number
}

export interface SiteSlot {
  start: string
  end: string
  label: string
  capacity: number
  remaining: number
}

export interface SiteSlots {
  site: Site
  date: string
  slots: SiteSlot[]
  /** Next dates the site is open (Shanghai), for the date picker. */
  dates: string[]
}

export interface ServiceBooking {
  id: string
  status: 'booked' | 'cancelled'
  site: { code: string; name: string; city: string; address: string; phone: string | null }
  vehicle: { id: string; modelName: string; vin: string } | null
  slotStart: string
  slotEnd: string
  slotLabel: string
  note: string | null
  createdAt: string
  cancelledAt: string | null
  /** Rescheduled: the booking that replaced this one (shown as 已改期). */
  movedTo?: string | null
  cancellable: boolean
}

export interface InboxMessage {
  id: string
  kind: string
  title: string
  body: string
  vehicleId: string | null
  orderNo: string | null
  createdAt: string
  read: boolean
}

export interface Inbox {
  items: InboxMessage[]
  total: number
  unread: number
  page: number
  pageSize: number
}

export interface SubscriptionTemplate {
  templateId: string
  name?: string
  /** What it is for: maintenance, delivery (asked at 订阅提醒), booking, booking_reminder (asked at a booking's confirm tap). */
  topic?: string
  remaining: number
}

export const listMyVehicles = () => get<{ items: MyVehicle[] }>('/api/v1/me/vehicles')
export const getMyVehicle = (id: string) => get<MyVehicle>(`/api/v1/me/vehicles/${enc(id)}`)
export const listServiceCentres = (city?: string) => get<{ items: Site[] }>('/api/v1/sites', { kind: 'service', city })
export const getSiteSlots = (code: string, date?: string) => get<SiteSlots>(`/api/v1/sites/${enc(code)}/slots`, { date })
/** `POST /me/service-bookings`; keep one Idempotency-Key for every retry of one booking attempt. */
export const bookService = (body: { vehicleId: string; siteCode: string; slotStart: string; note?: string | null }, idempotencyKey: string) =>
  request<ServiceBooking>('/api/v1/me/service-bookings', { method: 'POST', body, headers: { 'Idempotency-Key': idempotencyKey } })
/**
 * `POST /me/vehicles` (添加我的车): a car bought elsewhere, found by its VIN in the brand's DMS;
 * keep one Idempotency-Key for every retry of one attempt. 409 VEHICLE_OWNER_MISMATCH carries
 * `VehicleOwnerMismatchDetails`.
 */
export const claimVehicle = (body: VehicleClaimRequest, idempotencyKey: string) =>
  request<MyVehicle>('/api/v1/me/vehicles', { method: 'POST', body, headers: { 'Idempotency-Key': idempotencyKey } })
export const listMyServiceBookings = () => get<{ items: ServiceBooking[] }>('/api/v1/me/service-bookings')
export const cancelServiceBooking = (id: string) => post<ServiceBooking>(`/api/v1/me/service-bookings/${enc(id)}/cancel`)
export const listMessages = (page = 1, pageSize = 20) => get<Inbox>('/api/v1/me/messages', { page, pageSize })
export const markMessageRead = (id: string) => post<void>(`/api/v1/me/messages/${enc(id)}/read`)
export const getSubscriptions = () => get<{ templates: SubscriptionTemplate[] }>('/api/v1/me/subscriptions')
export const recordSubscription = (body: { templateIds: string[]; results: Record<string, string>; requestId?: string }) =>
  post<{ templates: SubscriptionTemplate[] }>('/api/v1/me/subscriptions', body)

export const garagePath = '/packages/garage/pages/index'
export const vehiclePath = (id: string) => `/packages/garage/pages/vehicle?id=${enc(id)}`
export const bookServicePath = (vehicleId: string) => `/packages/garage/pages/book?vehicleId=${enc(vehicleId)}`
export const myServiceBookingsPath = '/packages/garage/pages/bookings'
/** 添加我的车; `from: 'book'` goes on to 预约保养 with the added car. */
export const addVehiclePath = (from?: 'book') => `/packages/garage/pages/add${from ? `?from=${from}` : ''}`
export const messagesPath = '/packages/garage/pages/messages'
