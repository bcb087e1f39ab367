import { useEffect, useState } from 'react'
import Taro from '@tarojs/taro'
import { formatDateCN, formatDateTimeCN } from '@carmall/shared-types'
import { newIdempotencyKey } from '../api/orders'

/**
 * Launch (首发抢购) helpers shared by the launch page and the home page's banner: the server's clock
 * (phones' clocks are often minutes off, and a countdown must open at the server's second), the
 * countdown text, and what this device remembers about its place in a launch.
 */

/**
 * Server clock minus phone clock, from an answer's `serverTime`: the server read its clock
 * somewhere between sending and receiving, so the midpoint is the best guess.
 */
export function clockOffset(serverTime: string, sentAt: number, receivedAt: number): number {
  const server = Date.parse(serverTime)
  return Number.isNaN(server) ? 0 : server - Math.round((sentAt + receivedAt) / 2)
}

const pad = (n: number) => String(n).padStart(2, '0')

/** 03:04:05, or 2天 03:04:05 from a day on (seconds rounded up, so 00:00:00 is the open itself). */
export function formatLaunchCountdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000))
  const days = Math.floor(total / 86_400)
  const h = Math.floor((total % 86_400) / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = total % 60
  const hms = `${pad(h)}:${pad(m)}:${pad(s)}`
  return days > 0 ? `${days}天 ${hms}` : hms
}

/** When a launch opens, in Shanghai time: 今天 20:00 / 明天 20:00 / 12月8日 20:00 (by the server's today). */
export function opensAtLabel(startsAt: string, serverNow: number): string {
  const [date, time] = formatDateTimeCN(startsAt).split(' ')
  const today = formatDateCN(serverNow)
  const tomorrow = formatDateCN(serverNow + 86_400_000)
  if (date === today) return `今天 ${time}`
  if (date === tomorrow) return `明天 ${time}`
  const [, mo, d] = date.split('-').map(Number)
  return `${mo}月${d}日 ${time}`
}

/**
 * Re-render when the shown second changes until `targetMs` (server ms) is reached, and once at it.
 * Returns the server's now. `offset` is `clockOffset(...)`; null `targetMs` stops ticking.
 */
export function useServerNow(offset: number, targetMs: number | null): number {
  const [, setTick] = useState(0)
  const now = Date.now() + offset
  const left = targetMs === null ? -1 : targetMs - now
  useEffect(() => {
    if (left < 0) return
    // Wake exactly when the rounded-up second changes (and at the target itself).
    const wait = left % 1000 || 1000
    const timer = setTimeout(() => setTick((t) => t + 1), Math.min(wait, left) || 1)
    return () => clearTimeout(timer)
  })
  return now
}

/** What this device keeps about one launch (storage `carmall.launch.<code>`), so a reopened page resumes. */
export interface LaunchMemory {
  /** The ticket held and how many were ahead when it was taken (the start of the progress bar). */
  ticket?: number
  joinedAhead?: number
  /** Joined before the open (no ticket until the open's draw). */
  early?: boolean
  /** The variant the buyer picked. */
  trimCode?: string
  paintCode?: string
  /** The Idempotency-Key of the order attempt with this ticket and variant (reused on retries). */
  attempt?: { ticket: number; trimCode: string; paintCode: string; key: string }
}

export const launchMemoryKey = (code: string) => `carmall.launch.${code}`

export function readLaunchMemory(code: string): LaunchMemory {
  try {
    const v = Taro.getStorageSync(launchMemoryKey(code))
    return v && typeof v === 'object' ? (v as LaunchMemory) : {}
  } catch {
    return {}
  }
}

export function writeLaunchMemory(code: string, patch: Partial<LaunchMemory>): LaunchMemory {
  const next = { ...readLaunchMemory(code), ...patch }
  try {
    Taro.setStorageSync(launchMemoryKey(code), next)
  } catch {
    /* the page still works; a reopened page just starts over */
  }
  return next
}

export function forgetLaunchMemory(code: string): void {
  try {
    Taro.removeStorageSync(launchMemoryKey(code))
  } catch {
    /* nothing to forget */
  }
}

/**
 * The Idempotency-Key for ordering with `ticket` and this variant: the stored one if it is for the
 * same admission and variant (a retry is the same request, also after the app was closed), else a
 * new one (a new admission, or another variant after 已抢完, is a new attempt).
 */
export function attemptKey(code: string, ticket: number, trimCode: string, paintCode: string): string {
  const a = readLaunchMemory(code).attempt
  if (a && a.ticket === ticket && a.trimCode === trimCode && a.paintCode === paintCode && /^[A-Za-z0-9_-]{8,64}$/.test(a.key)) return a.key
  const key = newIdempotencyKey()
  writeLaunchMemory(code, { attempt: { ticket, trimCode, paintCode, key } })
  return key
}
