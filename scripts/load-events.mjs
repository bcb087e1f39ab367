#!/usr/bin/env node
/**
 * Load test of tracking ingestion (POST /api/v1/events) at rising rates on loopback.
 *
 *   MONGODB_URI=mongodb://127.0.0.1:27777 REDIS_URL=redis://127.0.0.1:6666 node scripts/load-events.mjs
 *   LOAD_BASE_URL=http://127.0.0.1:3000 node scripts/load-events.mjs      # against a running BFF
 *
 * Without LOAD_BASE_URL it starts its own BFF (node --import tsx bff/src/server.ts, production
 * mode, a throwaway database and Redis prefix, per-IP write limits lifted: all load comes from
 * one address). Each step sends batches open-loop (at a fixed rate whatever the latency, at most
 * LOAD_MAX_IN_FLIGHT outstanding) for LOAD_STEP_SECONDS, each batch from its own device with
 * LOAD_BATCH_SIZE events walking the purchase funnel, and prints accepted events/s, p50/p99
 * latency and the error rate. Env: LOAD_RATES (batches/s, comma list), LOAD_BATCH_SIZE,
 * LOAD_STEP_SECONDS, LOAD_MAX_IN_FLIGHT.
 */
import { spawn } from 'node:child_process'
import { randomBytes, randomUUID } from 'node:crypto'
import { once } from 'node:events'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const RATES = (process.env.LOAD_RATES || '10,25,50,100,200').split(',').map(Number)
const BATCH = Number(process.env.LOAD_BATCH_SIZE || 20)
const SECONDS = Number(process.env.LOAD_STEP_SECONDS || 5)
const MAX_IN_FLIGHT = Number(process.env.LOAD_MAX_IN_FLIGHT || 256)
const STEPS = ['page_view', 'view_model', 'configure', 'open_finance', 'order_created', 'pay_success']
const MODELS = ['yuanshan-s5', 'yuanshan-e7', 'yuanshan-m8']
const CITIES = ['上海', '北京', '广州', '成都']

const freePort = () => new Promise((resolve) => { const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)) }) })

let bff = null
let cleanup = async () => {}
let base = (process.env.LOAD_BASE_URL || '').replace(/\/+$/, '')
if (!base) {
  const { MONGODB_URI, REDIS_URL } = process.env
  if (!MONGODB_URI || !REDIS_URL) throw new Error('set MONGODB_URI and REDIS_URL (a BFF is started for the test), or LOAD_BASE_URL')
  const port = await freePort()
  const db = `load_events_${Date.now()}`
  const env = {
    ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'warn', PORT: String(port), REDIS_KEY_PREFIX: `${db}:`,
    MONGODB_URI: MONGODB_URI.replace(/^(mongodb(?:\+srv)?:\/\/[^/?]+)(\/[^?]*)?/, `$1/${db}`),
    SESSION_SECRET: 'load-secret-load-secret-load-secret-load!', WECHAT_SECRET: 'load',
    PII_KEYS: `k1:${randomBytes(32).toString('base64')}`, PII_ACTIVE_KEY: 'k1', PII_BLIND_INDEX_KEY: randomBytes(32).toString('base64'),
    RATE_LIMIT_WRITE_PER_IP_PER_MIN: '1000000', RATE_LIMIT_EVENT_BATCHES_PER_DEVICE_PER_MIN: '1000',
  }
  cleanup = async () => {
    // Drop the throwaway database (mongoose and ioredis are the BFF's dependencies).
    const need = createRequire(path.join(root, 'bff', 'package.json'))
    const conn = await need('mongoose').createConnection(env.MONGODB_URI).asPromise()
    await conn.dropDatabase()
    await conn.close()
    // And the run's Redis keys (dedup ids, funnel progress, counters), by their prefix.
    const { Redis } = need('ioredis')
    const redis = new Redis(REDIS_URL)
    let cursor = '0'
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${env.REDIS_KEY_PREFIX}*`, 'COUNT', 1000)
      if (keys.length) await redis.del(...keys)
      cursor = next
    } while (cursor !== '0')
    await redis.quit()
  }
  bff = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { cwd: path.join(root, 'bff'), env, stdio: ['ignore', 'ignore', 'inherit'] })
  base = `http://127.0.0.1:${port}`
  for (let i = 0; ; i++) {
    if (await fetch(`${base}/readyz`).then((r) => r.ok).catch(() => false)) break
    if (i > 150) throw new Error('BFF did not become ready')
    await new Promise((r) => setTimeout(r, 200))
  }
}

// The BFF takes device/session ids of 32 hex digits and refuses any id with 11 digits in a row
// (they read as a phone number): a letter every ten characters keeps random ids clear of that.
const LETTERS = 'abcdef'
const letterEvery = (s, positions) => [...s].map((c, i) => (positions.includes(i) ? LETTERS[Math.floor(Math.random() * 6)] : c)).join('')
const hexId = () => letterEvery(randomUUID().replace(/-/g, ''), [9, 19, 29])
const eventId = () => letterEvery(randomUUID(), [30]) // only the last group is long enough to hold 11 digits

function batch() {
  const anonymousId = hexId()
  const sessionId = hexId()
  const platform = ['weapp', 'alipay', 'h5'][Math.floor(Math.random() * 3)]
  const props = { modelCode: MODELS[Math.floor(Math.random() * MODELS.length)], city: CITIES[Math.floor(Math.random() * CITIES.length)] }
  const t0 = Date.now() - BATCH * 1000
  return {
    events: Array.from({ length: BATCH }, (_, i) => ({
      id: eventId(), name: STEPS[Math.min(i, STEPS.length - 1)], ts: new Date(t0 + i * 1000).toISOString(),
      anonymousId, sessionId, platform, page: 'pages/model/index', properties: props,
    })),
  }
}

const pct = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN)

async function step(rate) {
  const latencies = []
  let accepted = 0, errors = 0, sent = 0, skipped = 0, inFlight = 0
  const started = performance.now()
  const pending = []
  const total = Math.round(rate * SECONDS)
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate
    const wait = due - performance.now()
    if (wait > 0) await new Promise((r) => setTimeout(r, wait))
    if (inFlight >= MAX_IN_FLIGHT) { skipped++; errors++; continue } // the server fell behind: count it as a failure to keep the rate
    const body = JSON.stringify(batch())
    inFlight++; sent++
    const t = performance.now()
    pending.push(
      fetch(`${base}/api/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
        .then(async (res) => {
          const json = await res.json().catch(() => null)
          if (res.ok) accepted += json?.accepted ?? 0
          else errors++
        })
        .catch(() => { errors++ })
        .finally(() => { latencies.push(performance.now() - t); inFlight-- }),
    )
  }
  await Promise.all(pending)
  const elapsed = (performance.now() - started) / 1000
  latencies.sort((a, b) => a - b)
  return { rate, offered: rate * BATCH, eventsPerSec: accepted / elapsed, p50: pct(latencies, 50), p99: pct(latencies, 99), errorRate: errors / (sent + skipped), skipped }
}

console.log(`POST ${base}/api/v1/events — ${BATCH} events per batch, ${SECONDS} s per step, open loop (max ${MAX_IN_FLIGHT} in flight)`)
console.log('batches/s  offered ev/s  accepted ev/s   p50 ms   p99 ms  errors')
for (const rate of RATES) {
  const r = await step(rate)
  console.log(
    `${String(r.rate).padStart(9)}  ${String(r.offered).padStart(12)}  ${r.eventsPerSec.toFixed(0).padStart(13)}  ${r.p50.toFixed(1).padStart(7)}  ${r.p99.toFixed(1).padStart(7)}  ${(r.errorRate * 100).toFixed(1).padStart(5)}%${r.skipped ? ` (${r.skipped} not sent: ${MAX_IN_FLIGHT} in flight)` : ''}`,
  )
}
if (bff) { bff.kill('SIGTERM'); await once(bff, 'exit') }
await cleanup().catch((err) => console.error(`cleanup: ${err.message}`))
