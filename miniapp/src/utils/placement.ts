import { ApiError } from '../api/client'
import { getPlacement, type Order } from '../api/orders'

/** Never ask the BFF again sooner than this, whatever an answer says. */
export const MIN_POLL_MS = 500
/** Backoff ceiling after failed requests. */
export const MAX_BACKOFF_MS = 30_000

/**
 * How long to wait after the `failures`-th failed request in a row (1, 2, …): the normal interval
 * doubled per failure (at least 2 s to start, at most MAX_BACKOFF_MS), or the server's Retry-After
 * when it sent one (429 / 503), whichever is longer. Never shorter than the normal interval.
 */
export function backoffMs(normalMs: number, failures: number, err?: unknown): number {
  const base = Math.max(normalMs, 2000)
  const doubled = Math.min(MAX_BACKOFF_MS, base * 2 ** Math.max(0, failures - 1))
  const retryAfter = err instanceof ApiError ? err.retryAfterMs ?? retryAfterFromDetails(err.details) : undefined
  return Math.max(normalMs, doubled, retryAfter ?? 0)
}

function retryAfterFromDetails(details: unknown): number | undefined {
  const s = (details as { retryAfterSeconds?: unknown } | null | undefined)?.retryAfterSeconds
  return typeof s === 'number' && s > 0 ? s * 1000 : undefined
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

export type PlacementOutcome =
  | { status: 'created'; order: Order }
  | { status: 'failed'; reason: string }
  /** Still being written after `timeoutMs` (or the server kept failing): look in 订单 later. */
  | { status: 'timeout' }
  /** The caller stopped (left the page). */
  | { status: 'stopped' }

/**
 * Follow an order being placed (202 `creating`) until it is created or failed: ask
 * `GET /orders/:orderNo/placement` after `firstDelayMs`, then after each answer's `pollAfterMs`,
 * backing off on errors. A 401 is rethrown (the caller asks to sign in again).
 */
export async function followPlacement(
  orderNo: string,
  firstDelayMs: number,
  opts: { stopped: () => boolean; timeoutMs?: number },
): Promise<PlacementOutcome> {
  const deadline = Date.now() + (opts.timeoutMs ?? 120_000)
  let delay = Math.max(MIN_POLL_MS, firstDelayMs)
  let normal = delay
  let failures = 0
  for (;;) {
    await sleep(delay)
    if (opts.stopped()) return { status: 'stopped' }
    if (Date.now() > deadline) return { status: 'timeout' }
    try {
      const p = await getPlacement(orderNo)
      if (opts.stopped()) return { status: 'stopped' }
      failures = 0
      if (p.status === 'created') return { status: 'created', order: p.order }
      if (p.status === 'failed') return { status: 'failed', reason: p.reason }
      normal = delay = Math.max(MIN_POLL_MS, p.pollAfterMs)
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) throw err
      if (opts.stopped()) return { status: 'stopped' }
      delay = backoffMs(normal, ++failures, err)
    }
  }
}
