import { useEffect, useRef } from 'react'
import Taro, { useDidShow } from '@tarojs/taro'
import { ApiError, request } from '../api/client'
import { hasPrivacyConsent } from '../utils/privacy'
import { Tracker, type Platform, type QueuedEvent, type SendOutcome } from './tracker'

/** POST a batch; 400 means the BFF will never take it (dropped), anything else unsuccessful is retried. */
export async function sendBatch(events: QueuedEvent[]): Promise<SendOutcome> {
  try {
    // sentAt: the BFF corrects the events of a device whose clock is wrong.
    await request('/api/v1/events', { method: 'POST', body: { events, sentAt: new Date().toISOString() } })
    return 'sent'
  } catch (err) {
    return err instanceof ApiError && err.status === 400 ? 'rejected' : 'retry'
  }
}

function random(): number {
  // crypto where the runtime has it (H5, newer base libraries), Math.random elsewhere.
  // (`typeof` guard: some mini-program engines have neither `crypto` nor `globalThis`.)
  const c = typeof crypto === 'undefined' ? undefined : (crypto as { getRandomValues?: (a: Uint32Array) => Uint32Array })
  if (c?.getRandomValues) return c.getRandomValues(new Uint32Array(1))[0] / 4294967296
  return Math.random()
}

let tracker: Tracker | null = null

/** The app's tracker, created on first use (storage is read then). */
export function analytics(): Tracker {
  tracker ??= new Tracker({
    platform: (process.env.TARO_ENV as Platform) ?? 'h5',
    load: (key) => {
      try {
        return Taro.getStorageSync(key) || null
      } catch {
        return null
      }
    },
    save: (key, value) => Taro.setStorageSync(key, value),
    send: sendBatch,
    canSend: hasPrivacyConsent,
    now: () => Date.now(),
    random,
    setTimer: (fn, ms) => setTimeout(fn, ms),
    clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  })
  return tracker
}

/** For tests: forget the singleton so the next call reads storage again. */
export function resetAnalyticsForTests(): void {
  tracker = null
}

/** Track a named event (no personal data: phone/ID-like values are dropped). */
export function track(name: string, properties?: Record<string, unknown>): void {
  try {
    analytics().track(name, properties, currentPath())
  } catch {
    // tracking must never break a page
  }
}

function currentPath(): string | undefined {
  try {
    const pages = Taro.getCurrentPages?.() ?? []
    return (pages[pages.length - 1] as { route?: string } | undefined)?.route
  } catch {
    return undefined
  }
}

/** One line per page: a page_view each time the page is shown. */
export function usePageView(path: string, properties?: Record<string, unknown>): void {
  useDidShow(() => {
    try {
      analytics().page(path, properties)
    } catch {
      // never break a page
    }
  })
}

/** Track `name` once per mount, as soon as `properties` is known (null = not yet). */
export function useTrackOnce(name: string, properties: Record<string, unknown> | null): void {
  const done = useRef(false)
  useEffect(() => {
    if (done.current || properties === null) return
    done.current = true
    track(name, properties)
  }, [name, properties])
}
