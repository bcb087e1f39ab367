import Taro from '@tarojs/taro'
import type { LaunchList, LaunchView, OrderPlacement, QueueStatus } from '@carmall/shared-types'
import { analytics } from '../analytics'
import { uuid } from '../analytics/tracker'
import { get, request } from './client'
import type { Order } from './orders'

/** 首发抢购 (launches): the waiting room and the admission gate of the BFF. */

const launchPath = (code: string) => `/api/v1/launches/${encodeURIComponent(code)}`

/** Where this install's device id is kept when the analytics SDK cannot give one. */
export const DEVICE_ID_KEY = 'carmall.deviceId'
const DEVICE_ID_RE = /^[A-Za-z0-9_-]{8,64}$/

/**
 * A stable random id of this install for `X-Device-Id` (one account per device and launch): the
 * analytics SDK's anonymous id (made once, kept in storage), or a UUID of our own if it fails.
 */
export function deviceId(): string {
  try {
    const anon = analytics().anonId
    if (DEVICE_ID_RE.test(anon)) return anon
  } catch {
    /* fall through to our own id */
  }
  let id: unknown = null
  try {
    id = Taro.getStorageSync(DEVICE_ID_KEY)
  } catch {
    /* storage unavailable */
  }
  if (typeof id === 'string' && DEVICE_ID_RE.test(id)) return id
  const made = uuid(Math.random).replace(/-/g, '')
  try {
    Taro.setStorageSync(DEVICE_ID_KEY, made)
  } catch {
    /* this run keeps the id in memory only */
  }
  return made
}

/** `GET /launches` (public): upcoming and open launches, soonest first. */
export function listLaunches(): Promise<LaunchList> {
  return get<LaunchList>('/api/v1/launches')
}

/** `GET /launches/:code` (public); 404 NOT_FOUND for an unknown code. */
export function getLaunch(code: string): Promise<LaunchView> {
  return get<LaunchView>(launchPath(code))
}

/**
 * `POST /launches/:code/queue` (signed in, `X-Device-Id`): join; a repeat returns the same ticket
 * (after an expired admission, a new one at the end). 409 LAUNCH_NOT_OPEN (details.startsAt) /
 * LAUNCH_ENDED / DEVICE_LIMIT, 429 RATE_LIMITED.
 */
export function joinQueue(code: string): Promise<QueueStatus> {
  return request<QueueStatus>(`${launchPath(code)}/queue`, { method: 'POST', headers: { 'X-Device-Id': deviceId() } })
}

/** `GET /launches/:code/queue` (signed in): where I stand; 404 NOT_IN_QUEUE if I never joined. */
export function getQueue(code: string): Promise<QueueStatus> {
  return get<QueueStatus>(`${launchPath(code)}/queue`)
}

export interface LaunchOrderRequest {
  admissionToken: string
  trimCode: string
  paintCode: string
  deliveryCentreCode?: string
}

/**
 * `POST /launches/:code/orders` (signed in, `Idempotency-Key`): 201 created with the order, or 202
 * creating (follow `getPlacement`). 403 ADMISSION_INVALID, 409 ADMISSION_USED / ADMISSION_EXPIRED /
 * ALREADY_HOLDING (details.orderNo) / OUT_OF_STOCK / LAUNCH_NOT_OPEN.
 */
export function placeLaunchOrder(code: string, body: LaunchOrderRequest, idempotencyKey: string): Promise<OrderPlacement<Order>> {
  return request<OrderPlacement<Order>>(`${launchPath(code)}/orders`, { method: 'POST', body, headers: { 'Idempotency-Key': idempotencyKey } })
}

// Operators (roles operator / admin).

export interface ScheduleLaunchRequest {
  code: string
  title: string
  modelCode: string
  /** ISO UTC. */
  startsAt: string
  endsAt?: string
  admitPerSecond: number
  admissionSeconds: number
  /** Early joining before the open (0 or absent: none). */
  preQueueSeconds?: number
  variants: { trimCode: string; paintCode: string; stock: number }[]
}

export interface LaunchStats {
  joined: number
  admitted: number
  ordered: number
}

export type AdminLaunch = LaunchView & { stats: LaunchStats }

/** `POST /admin/launches` → 201 the launch. 400 VALIDATION_FAILED, 409 CONFLICT, 422 configurator codes. */
export function scheduleLaunch(body: ScheduleLaunchRequest): Promise<LaunchView> {
  return request<LaunchView>('/api/v1/admin/launches', { method: 'POST', body })
}

/** `GET /admin/launches`: every launch with its queue figures. */
export function listAdminLaunches(): Promise<{ items: AdminLaunch[] }> {
  return get<{ items: AdminLaunch[] }>('/api/v1/admin/launches')
}

/** Path of the launch page. */
export const launchPagePath = (code: string) => `/pages/launch/index?code=${encodeURIComponent(code)}`
