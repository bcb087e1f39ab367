import { ANONYMOUS_ID_PATTERN, EVENT_NAME_PATTERN, containsPersonalData, findPersonalData, sanitizeEventProperties, type EventPropertyValue } from '@carmall/shared-types'

/**
 * The tracking SDK's engine, free of Taro so it can be tested with fake storage, clock and
 * transport. Events are queued in storage first (they survive restarts and offline spells),
 * sent in batches (when BATCH_SIZE are waiting or FLUSH_MS after the first), retried with
 * exponential backoff, and removed only once the BFF took them. Each event has a UUID, so a
 * batch that reached the BFF but whose answer was lost is deduplicated when sent again.
 * No personal data: the device has an anonymous id, the signed-in user is attached by the BFF
 * from the session (an opaque id), and whatever holds a phone or ID number or an e-mail address
 * (the same check the BFF refuses by, `findPersonalData`) is never stored: such properties are
 * dropped, such an event name is not tracked, such a page is left out, and an id that happens to
 * read as a number is drawn again.
 */

export type Platform = 'weapp' | 'alipay' | 'h5'

export interface QueuedEvent {
  id: string
  name: string
  ts: string
  anonymousId: string
  sessionId: string
  platform: Platform
  page?: string
  properties: Record<string, EventPropertyValue>
}

/** What sending a batch came to: sent (drop them), rejected (the BFF will never take them: drop), or retry later. */
export type SendOutcome = 'sent' | 'rejected' | 'retry'

export interface TrackerDeps {
  platform: Platform
  load(key: string): unknown
  save(key: string, value: unknown): void
  send(events: QueuedEvent[]): Promise<SendOutcome>
  /** Whether events may leave the device yet (privacy consent given). */
  canSend(): boolean
  now(): number
  random(): number
  setTimer(fn: () => void, ms: number): unknown
  clearTimer(handle: unknown): void
}

export const ANON_KEY = 'carmall.analytics.anonId'
export const SESSION_KEY = 'carmall.analytics.session'
export const QUEUE_KEY = 'carmall.analytics.queue'
export const BATCH_SIZE = 20
export const FLUSH_MS = 5_000
export const MAX_QUEUE = 500
/** The BFF refuses events older than 30 days; keep a margin. */
export const MAX_AGE_MS = 29 * 86_400_000
export const SESSION_IDLE_MS = 30 * 60_000
export const BACKOFF_BASE_MS = 2_000
export const BACKOFF_MAX_MS = 5 * 60_000

function rawUuid(random: () => number): string {
  const h = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16))
  h[12] = '4'
  h[16] = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16)
  const s = h.join('')
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`
}

/**
 * RFC 4122 v4 UUID from the given random source (crypto is not available on every target). About
 * 1 in 4,000 random UUIDs holds 11 digits that read as a mobile number; the BFF refuses those, so
 * another is drawn.
 */
export function uuid(random: () => number): string {
  for (;;) {
    const id = rawUuid(random)
    if (!findPersonalData(id, { joinGroups: false })) return id
  }
}

/** An id the BFF takes as a device or session id: 32 hex digits, none that read as a number (about 1 in 700 would). */
export function isUsableId(id: unknown): id is string {
  return typeof id === 'string' && ANONYMOUS_ID_PATTERN.test(id) && !containsPersonalData(id)
}

function opaqueId(random: () => number): string {
  for (;;) {
    const id = rawUuid(random).replace(/-/g, '')
    if (isUsableId(id)) return id
  }
}

export class Tracker {
  private queue: QueuedEvent[]
  private anonymousId: string
  private session: { id: string; lastAt: number }
  private superProps: Record<string, EventPropertyValue> = {}
  private timer: unknown = null
  private sending = false
  /** Consecutive failed sends: the backoff exponent. */
  failures = 0

  constructor(private readonly d: TrackerDeps) {
    const anon = d.load(ANON_KEY)
    // A stored id the BFF would refuse (one that reads as a phone number) is replaced: a new device to analytics.
    this.anonymousId = isUsableId(anon) ? anon : opaqueId(d.random)
    if (anon !== this.anonymousId) d.save(ANON_KEY, this.anonymousId)
    const s = d.load(SESSION_KEY) as { id?: unknown; lastAt?: unknown } | null
    this.session = s && isUsableId(s.id) && typeof s.lastAt === 'number' ? { id: s.id, lastAt: s.lastAt } : { id: opaqueId(d.random), lastAt: 0 }
    const q = d.load(QUEUE_KEY)
    this.queue = Array.isArray(q) ? (q as QueuedEvent[]).filter((e) => e && typeof e.id === 'string') : []
    if (this.queue.length) this.schedule(0) // left over from the last run
  }

  get anonId(): string {
    return this.anonymousId
  }

  get pending(): number {
    return this.queue.length
  }

  /** The session id: a new one after 30 minutes without events. */
  sessionId(): string {
    const now = this.d.now()
    if (now - this.session.lastAt > SESSION_IDLE_MS) this.session = { id: opaqueId(this.d.random), lastAt: now }
    this.session.lastAt = now
    this.d.save(SESSION_KEY, this.session)
    return this.session.id
  }

  /** Properties added to every later event (e.g. the city of the chosen delivery centre). */
  setSuperProperties(props: Record<string, unknown>): void {
    this.superProps = { ...this.superProps, ...sanitizeEventProperties(props).properties }
  }

  track(name: string, properties: Record<string, unknown> = {}, page?: string): QueuedEvent | null {
    if (!EVENT_NAME_PATTERN.test(name) || containsPersonalData(name)) return null
    const { properties: props } = sanitizeEventProperties({ ...this.superProps, ...properties })
    const event: QueuedEvent = {
      id: uuid(this.d.random),
      name,
      ts: new Date(this.d.now()).toISOString(),
      anonymousId: this.anonymousId,
      sessionId: this.sessionId(),
      platform: this.d.platform,
      ...(page && /^[A-Za-z0-9/_-]{1,120}$/.test(page) && !containsPersonalData(page) ? { page } : {}),
      properties: props,
    }
    this.queue.push(event)
    if (this.queue.length > MAX_QUEUE) this.queue.splice(0, this.queue.length - MAX_QUEUE) // offline for long: keep the newest
    this.persist()
    if (this.queue.length >= BATCH_SIZE && this.failures === 0) this.schedule(0)
    else if (this.timer === null) this.schedule(FLUSH_MS)
    return event
  }

  page(path: string, properties: Record<string, unknown> = {}): QueuedEvent | null {
    return this.track('page_view', { path, ...properties }, path)
  }

  /** Send what is queued now, one batch after another, until empty or a failure (then back off). */
  async flush(): Promise<void> {
    if (this.sending) return
    if (this.timer !== null) {
      this.d.clearTimer(this.timer)
      this.timer = null
    }
    if (!this.d.canSend()) {
      if (this.queue.length) this.schedule(FLUSH_MS)
      return
    }
    this.sending = true
    try {
      const cutoff = this.d.now() - MAX_AGE_MS
      this.queue = this.queue.filter((e) => Date.parse(e.ts) >= cutoff)
      while (this.queue.length) {
        const batch = this.queue.slice(0, BATCH_SIZE)
        let outcome: SendOutcome
        try {
          outcome = await this.d.send(batch)
        } catch {
          outcome = 'retry'
        }
        if (outcome === 'retry') {
          this.failures++
          const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (this.failures - 1))
          this.schedule(ceiling / 2 + (this.d.random() * ceiling) / 2) // jitter: devices that failed together do not retry together
          return
        }
        this.failures = 0
        const done = new Set(batch.map((e) => e.id))
        this.queue = this.queue.filter((e) => !done.has(e.id))
        this.persist()
      }
    } finally {
      this.sending = false
    }
  }

  private persist() {
    try {
      this.d.save(QUEUE_KEY, this.queue)
    } catch {
      // storage full: the events stay in memory for this run
    }
  }

  private schedule(ms: number) {
    if (this.timer !== null) this.d.clearTimer(this.timer)
    this.timer = this.d.setTimer(() => {
      this.timer = null
      void this.flush()
    }, ms)
  }
}
