import type { TestDrive } from './advisors'
import type { ServiceBooking } from './garage'
import { request } from './client'

/**
 * Moving a booking to another slot (改期): the BFF books the new slot, frees the old one, tells
 * the buyer (「预约已改期」) and reminds them of the new time only. Keep one Idempotency-Key for
 * every retry of one move.
 */
const enc = encodeURIComponent

/** `POST /me/test-drives/:id/reschedule` → the same test drive at its new slot. */
export const rescheduleTestDrive = (id: string, slotStart: string, idempotencyKey: string) =>
  request<TestDrive>(`/api/v1/me/test-drives/${enc(id)}/reschedule`, { method: 'POST', body: { slotStart }, headers: { 'Idempotency-Key': idempotencyKey } })

/** `POST /me/service-bookings/:id/reschedule` → the new booking (a new id; the old one is cancelled). */
export const rescheduleServiceBooking = (id: string, slotStart: string, idempotencyKey: string) =>
  request<ServiceBooking>(`/api/v1/me/service-bookings/${enc(id)}/reschedule`, { method: 'POST', body: { slotStart }, headers: { 'Idempotency-Key': idempotencyKey } })

export const rescheduleTestDrivePath = (id: string) => `/packages/sales/pages/test-drive?reschedule=${enc(id)}`
/** The same centre only (a booking moves within its centre). */
export const rescheduleServicePath = (b: Pick<ServiceBooking, 'id' | 'site' | 'vehicle'>) =>
  `/packages/garage/pages/book?vehicleId=${enc(b.vehicle?.id ?? '')}&site=${enc(b.site.code)}&reschedule=${enc(b.id)}`
