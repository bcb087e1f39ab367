import type { OrderState } from '@carmall/shared-types'
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

export interface TrackingStop {
  code: string
  name: string
  kind: 'factory' | 'hub' | 'centre' | 'waypoint'
  lat: number
  lng: number
  km: number
}

export interface TrackingMilestone {
  type: string
  label: string
  at: string
  atText: string
  place?: { code: string; name: string }
}

export interface TrackingEta {
  /** ISO UTC instants: the estimate and its 80% interval. */
  at: string
  lowAt: string
  highAt: string
  confidence: number
  arrived: boolean
  progressKm: number
  remainingKm: number
  totalKm: number
  asOf: string
  summary: string
}

export interface Shipment {
  shipmentNo: string | null
  status: string
  statusLabel: string
  destination: { code: string; name: string }
  route: { code: string; name: string; totalKm: number; stops: TrackingStop[]; polyline: Array<[number, number]> }
  latest: { lat: number; lng: number; at: string; atText: string; speedKmh: number | null } | null
  track: Array<{ lat: number; lng: number; at: string }>
  milestones: TrackingMilestone[]
  eta: TrackingEta | null
  updatedAt: string
}

/** `GET /api/v1/orders/:orderNo/tracking` (the buyer, their advisor or staff). */
export interface Tracking {
  orderNo: string
  orderState: OrderState
  orderStateLabel: string
  shipment: Shipment | null
}

export function getTracking(orderNo: string): Promise<Tracking> {
  return get<Tracking>(`/api/v1/orders/${encodeURIComponent(orderNo)}/tracking`)
}

export const trackingPath = (orderNo: string) => `/pages/tracking/index?orderNo=${encodeURIComponent(orderNo)}`
