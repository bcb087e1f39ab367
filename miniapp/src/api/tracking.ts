import type { Tracking } from '@carmall/shared-types/schemas'
import { get } from './client'

export interface DeliveryCentreItem {
  code: string
  name: string
  lat: number
  lng: number
  distanceKm?: number
}

/** `GET /api/v1/delivery-centres`: the centres a buyer can choose at checkout, default first. */
export function listDeliveryCentres(near?: { lat: number; lng: number }): Promise<{ items: DeliveryCentreItem[] }> {
  return get<{ items: DeliveryCentreItem[] }>('/api/v1/delivery-centres', near ? { lat: near.lat, lng: near.lng } : undefined)
}

// The tracking answer's types are the BFF's own (its response schema in shared-types).
export type { Shipment, Tracking, TrackingEta, TrackingMilestone, TrackingStop } from '@carmall/shared-types/schemas'

export function getTracking(orderNo: string): Promise<Tracking> {
  return get<Tracking>(`/api/v1/orders/${encodeURIComponent(orderNo)}/tracking`)
}

export const trackingPath = (orderNo: string) => `/pages/tracking/index?orderNo=${encodeURIComponent(orderNo)}`
