import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { DELIVERY_CENTRES, PLACES, routeTo, simulateTrip, type DeliveryCentre, type InjectedDelay, type SimEvent, type SimTrip } from '@carmall/shared-types';
import { readBody, sendJson, startSimulator, type RunningSimulator } from './server';

/**
 * The carrier's TMS (transport management system), as its integration spec describes it. It moves
 * car carriers from the factory in 宁波 through hand-over hubs to a delivery centre with the
 * movement model in shared-types (delivery/sim.ts: speeds by road type and hour, rest stops, night
 * stops, hub dwell, traffic, random delays — all from a seeded PRNG, so a shipment's trip is the
 * same every time for the same seed: replayable), on a simulated clock that can run faster than
 * real time, and pushes each position report and milestone to the client's webhook.
 *
 * API (JSON; requests signed like the DMS: X-Tms-Key, X-Tms-Timestamp, X-Tms-Signature = hex
 * HMAC-SHA256 of "timestamp\nbody" under the shared secret, 5-minute window; 401 SIGNATURE_INVALID):
 *   POST /tms/v1/shipments                      { orderNo, vin, destination, callbackUrl? } → 201 (200 on repeat; 409 if different)
 *   GET  /tms/v1/shipments/{shipmentNo}         status, route, last position, milestones so far
 *   GET  /tms/v1/shipments/{shipmentNo}/positions?since=ISO
 * Webhook: POST callbackUrl, one event per request: { eventId, shipmentNo, orderNo, vin, seq, type,
 *   occurredAt, position: { lat, lng, speedKmh? }, place?: { code, name }, kind?, reason? }, headers
 *   X-Tms-Event-Id, X-Tms-Timestamp, X-Tms-Signature (HMAC-SHA256 of "timestamp\nbody" under the
 *   webhook secret). Non-2xx answers are retried. Types: position, departed, hub_arrived,
 *   hub_departed, rest_started, rest_ended, delay_started, delay_ended, arrived.
 * Test controls:
 *   POST /__sim/tms/shipments   { orderNo, vin, destination, callbackUrl?, seed?, departAt? } create without signing
 *   GET  /__sim/tms/shipments   every shipment with its trip summary
 *   POST /__sim/tms/clock       { msPerSimHour?, paused?, advanceHours?, setTo? } the simulated clock; GET reads it
 *   POST /__sim/tms/delay       { shipmentNo, minutes, reason?, at? } the carrier stops (from now, or `at`)
 *   POST /__sim/tms/webhooks    { paused?, duplicates?, reorder?, fail? } next `duplicates` events sent twice,
 *                               next `reorder` events sent in reverse order, next `fail` attempts get no delivery (network error)
 *   POST /__sim/tms/replay      { shipmentNo } send again every event already sent (same ids)
 *   GET  /__sim/tms/deliveries  every webhook attempt and its answer
 *   GET  /__sim/tms/trip?destination=SHA&seed=1&departAt=ISO   a generated trip, without a shipment (replay)
 */
export interface TmsSimulatorOptions {
  keyId: string;
  secret: string;
  webhookSecret: string;
  /** Default webhook URL; a shipment's callbackUrl wins. */
  webhookUrl?: string;
  port?: number;
  /** Base seed: each shipment's trip seed is derived from it and the order number. */
  seed?: number;
  /** Real milliseconds per simulated hour (default 3 600 000: real time). */
  msPerSimHour?: number;
  /** Position report interval, simulated minutes (default 10). */
  pingEveryMin?: number;
  webhookRetryDelaysMs?: number[];
  now?: () => number;
}

interface Shipment {
  shipmentNo: string;
  orderNo: string;
  vin: string;
  destination: DeliveryCentre;
  callbackUrl?: string;
  seed: number;
  createdAt: number;
  delays: InjectedDelay[];
  trip: SimTrip;
  /** Events (by index into trip.events) already queued for the webhook. */
  sent: number;
  body: string;
}

export interface TmsEvent {
  eventId: string;
  shipmentNo: string;
  orderNo: string;
  vin: string;
  seq: number;
  type: SimEvent['type'];
  occurredAt: string;
  position: { lat: number; lng: number; speedKmh?: number };
  place?: { code: string; name: string };
  kind?: 'rest' | 'night';
  reason?: string;
}

const HOUR = 3_600_000;

function seedFor(base: number, key: string) {
  let h = base >>> 0 || 0x9e3779b9;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

export function tmsSignature(secret: string, timestamp: string, body: string) {
  return createHmac('sha256', secret).update(`${timestamp}\n${body}`).digest('hex');
}

export function toTmsEvent(s: Pick<Shipment, 'shipmentNo' | 'orderNo' | 'vin'>, e: SimEvent, seq: number): TmsEvent {
  const round = (n: number) => Math.round(n * 1e6) / 1e6;
  return {
    eventId: `${s.shipmentNo}-${String(seq).padStart(5, '0')}`,
    shipmentNo: s.shipmentNo,
    orderNo: s.orderNo,
    vin: s.vin,
    seq,
    type: e.type,
    occurredAt: new Date(e.at).toISOString(),
    position: { lat: round(e.lat), lng: round(e.lng), ...(e.speedKmh !== undefined ? { speedKmh: e.speedKmh } : {}) },
    ...(e.place ? { place: { code: e.place, name: PLACES[e.place]?.name ?? e.place } } : {}),
    ...(e.kind ? { kind: e.kind } : {}),
    ...(e.reason ? { reason: e.reason } : {}),
  };
}

export async function startTmsSimulator(opts: TmsSimulatorOptions): Promise<RunningSimulator> {
  const now = opts.now ?? Date.now;
  const shipments = new Map<string, Shipment>();
  const byOrder = new Map<string, string>();
  const clock = { anchorReal: now(), anchorSim: now(), msPerSimHour: opts.msPerSimHour ?? HOUR, paused: false };
  const simNow = () => (clock.paused ? clock.anchorSim : clock.anchorSim + ((now() - clock.anchorReal) * HOUR) / clock.msPerSimHour);
  const reanchor = () => {
    clock.anchorSim = simNow();
    clock.anchorReal = now();
  };
  const faults = { paused: false, duplicates: 0, reorder: 0, fail: 0 };
  const queue: Array<{ url: string; event: TmsEvent }> = [];
  const deliveries: Array<{ eventId: string; type: string; status: number | string; at: string }> = [];
  const retryDelays = opts.webhookRetryDelaysMs ?? [1000, 5000, 30_000];
  let sending = false;
  let closed = false;

  const generate = (s: Omit<Shipment, 'trip' | 'sent' | 'body'>, departAt: number) =>
    simulateTrip({ route: routeTo(s.destination), departAt, seed: s.seed, injectedDelays: s.delays, pingEveryMin: opts.pingEveryMin ?? 10 });

  function create(body: { orderNo: string; vin: string; destination: DeliveryCentre; callbackUrl?: string; seed?: number; departAt?: string }, raw: string) {
    const existing = byOrder.get(body.orderNo);
    if (existing) {
      const s = shipments.get(existing)!;
      return s.vin === body.vin && s.destination === body.destination ? { status: 200, s } : { status: 409, s };
    }
    const shipmentNo = `TMS${String(shipments.size + 1).padStart(6, '0')}${String(seedFor(0, body.orderNo) % 1000).padStart(3, '0')}`;
    const base = { shipmentNo, orderNo: body.orderNo, vin: body.vin, destination: body.destination, callbackUrl: body.callbackUrl, seed: body.seed ?? seedFor(opts.seed ?? 1, body.orderNo), createdAt: simNow(), delays: [] };
    const departAt = body.departAt ? Date.parse(body.departAt) : base.createdAt;
    const s: Shipment = { ...base, trip: generate(base, departAt), sent: 0, body: raw };
    shipments.set(shipmentNo, s);
    byOrder.set(body.orderNo, shipmentNo);
    return { status: 201, s };
  }

  function view(s: Shipment) {
    const t = simNow();
    const happened = s.trip.events.map((e, i) => ({ e, i })).filter(({ e }) => e.at <= t);
    const milestones = happened.filter(({ e }) => e.type !== 'position');
    const last = happened[happened.length - 1];
    const lastMilestone = milestones[milestones.length - 1]?.e;
    const status = !last
      ? 'CREATED'
      : lastMilestone?.type === 'arrived'
        ? 'ARRIVED'
        : lastMilestone?.type === 'hub_arrived'
          ? 'AT_HUB'
          : lastMilestone?.type === 'rest_started'
            ? 'RESTING'
            : lastMilestone?.type === 'delay_started'
              ? 'DELAYED'
              : 'IN_TRANSIT';
    const route = s.trip.route;
    return {
      shipmentNo: s.shipmentNo,
      orderNo: s.orderNo,
      vin: s.vin,
      destination: s.destination,
      status,
      route: { code: route.code, name: route.name, totalKm: Math.round(route.totalKm), stops: route.points.filter((p) => p.kind !== 'waypoint').map((p) => ({ code: p.code, name: p.name, kind: p.kind, lat: p.lat, lng: p.lng })) },
      createdAt: new Date(s.createdAt).toISOString(),
      lastPosition: last ? toTmsEvent(s, last.e, last.i).position : null,
      lastPositionAt: last ? new Date(last.e.at).toISOString() : null,
      milestones: milestones.map(({ e, i }) => toTmsEvent(s, e, i)),
    };
  }

  // ---- webhook pump ----
  function collect() {
    const t = simNow();
    for (const s of shipments.values()) {
      const url = s.callbackUrl ?? opts.webhookUrl;
      while (s.sent < s.trip.events.length && s.trip.events[s.sent].at <= t) {
        if (url) queue.push({ url, event: toTmsEvent(s, s.trip.events[s.sent], s.sent) });
        s.sent += 1;
      }
    }
  }

  async function post(url: string, event: TmsEvent): Promise<boolean> {
    const body = JSON.stringify(event);
    const ts = String(Math.floor(now() / 1000));
    if (faults.fail > 0) {
      faults.fail -= 1;
      deliveries.push({ eventId: event.eventId, type: event.type, status: 'network_error', at: new Date().toISOString() });
      return false;
    }
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-tms-event-id': event.eventId, 'x-tms-timestamp': ts, 'x-tms-signature': tmsSignature(opts.webhookSecret, ts, body) },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      await res.text().catch(() => '');
      deliveries.push({ eventId: event.eventId, type: event.type, status: res.status, at: new Date().toISOString() });
      return res.ok;
    } catch (err) {
      deliveries.push({ eventId: event.eventId, type: event.type, status: (err as Error).message, at: new Date().toISOString() });
      return false;
    }
  }

  async function pump() {
    if (sending || closed) return;
    sending = true;
    try {
      collect();
      while (queue.length && !faults.paused && !closed) {
        if (faults.reorder > 1) {
          const n = Math.min(faults.reorder, queue.length);
          queue.splice(0, n, ...queue.slice(0, n).reverse());
          faults.reorder = 0;
        }
        const item = queue.shift()!;
        const copies = faults.duplicates > 0 ? 2 : 1;
        if (faults.duplicates > 0) faults.duplicates -= 1;
        for (let c = 0; c < copies; c++) {
          let ok = await post(item.url, item.event);
          for (let attempt = 0; !ok && attempt < retryDelays.length && !closed; attempt++) {
            await new Promise((r) => setTimeout(r, retryDelays[attempt]));
            ok = await post(item.url, item.event);
          }
        }
        collect();
      }
    } finally {
      sending = false;
    }
  }
  const timer = setInterval(() => void pump(), 25);
  timer.unref();

  // ---- signed API ----
  function verify(req: IncomingMessage, raw: string) {
    const ts = String(req.headers['x-tms-timestamp'] ?? '');
    const sig = Buffer.from(String(req.headers['x-tms-signature'] ?? ''), 'hex');
    const expected = Buffer.from(tmsSignature(opts.secret, ts, raw), 'hex');
    return req.headers['x-tms-key'] === opts.keyId && sig.length === expected.length && timingSafeEqual(sig, expected) && Math.abs(now() / 1000 - Number(ts)) <= 300;
  }
  function parseCreate(raw: string): { ok: true; body: any } | { ok: false; message: string } {
    let body: any;
    try {
      body = JSON.parse(raw);
    } catch {
      return { ok: false, message: 'not JSON' };
    }
    if (typeof body?.orderNo !== 'string' || !body.orderNo || typeof body.vin !== 'string' || !/^[A-HJ-NPR-Z0-9]{17}$/.test(body.vin)) return { ok: false, message: 'orderNo and a 17-character vin are required' };
    if (!DELIVERY_CENTRES.includes(body.destination)) return { ok: false, message: `destination must be one of ${DELIVERY_CENTRES.join(', ')}` };
    if (body.callbackUrl !== undefined && !/^https?:\/\//.test(body.callbackUrl)) return { ok: false, message: 'callbackUrl must be an http(s) URL' };
    return { ok: true, body };
  }

  const server = await startSimulator(
    'tms',
    async (req, res, url) => {
      const path = url.pathname;
      const raw = req.method === 'POST' ? await readBody(req) : '';
      const json = () => (raw ? JSON.parse(raw) : {});
      if (path.startsWith('/__sim/tms/')) {
        if (path === '/__sim/tms/clock') {
          if (req.method === 'POST') {
            const b = json();
            reanchor();
            if (typeof b.setTo === 'string') clock.anchorSim = Date.parse(b.setTo);
            if (typeof b.advanceHours === 'number') clock.anchorSim += b.advanceHours * HOUR;
            if (typeof b.msPerSimHour === 'number' && b.msPerSimHour > 0) clock.msPerSimHour = b.msPerSimHour;
            if (typeof b.paused === 'boolean') clock.paused = b.paused;
            void pump();
          }
          return sendJson(res, 200, { now: new Date(simNow()).toISOString(), msPerSimHour: clock.msPerSimHour, paused: clock.paused });
        }
        if (path === '/__sim/tms/shipments' && req.method === 'POST') {
          const parsed = parseCreate(raw);
          if (!parsed.ok) return sendJson(res, 400, { code: 'INVALID_PAYLOAD', message: parsed.message });
          const { status, s } = create(parsed.body, raw);
          return sendJson(res, status, view(s));
        }
        if (path === '/__sim/tms/shipments') {
          return sendJson(res, 200, {
            shipments: [...shipments.values()].map((s) => ({ ...view(s), seed: s.seed, startedAt: new Date(s.trip.startedAt).toISOString(), arriveAt: new Date(s.trip.arriveAt).toISOString(), events: s.trip.events.length, sent: s.sent })),
          });
        }
        if (path === '/__sim/tms/delay') {
          const b = json();
          const s = shipments.get(b.shipmentNo);
          if (!s) return sendJson(res, 404, { code: 'NOT_FOUND', message: 'no such shipment' });
          // Only the future can change: what was already sent stays exactly as it was.
          const at = Math.max(b.at ? Date.parse(b.at) || 0 : 0, simNow() + 1);
          s.delays.push({ at, minutes: Number(b.minutes) || 60, reason: b.reason });
          // Same seed, one more stop: what already happened stays the same; the rest moves later.
          s.trip = generate(s, s.trip.departAt);
          return sendJson(res, 200, { shipmentNo: s.shipmentNo, arriveAt: new Date(s.trip.arriveAt).toISOString() });
        }
        if (path === '/__sim/tms/webhooks') {
          const b = json();
          for (const k of ['duplicates', 'reorder', 'fail'] as const) if (typeof b[k] === 'number') faults[k] = b[k];
          if (typeof b.paused === 'boolean') faults.paused = b.paused;
          void pump();
          return sendJson(res, 200, { ...faults, queued: queue.length });
        }
        if (path === '/__sim/tms/replay') {
          const s = shipments.get(json().shipmentNo);
          if (!s) return sendJson(res, 404, { code: 'NOT_FOUND', message: 'no such shipment' });
          const url = s.callbackUrl ?? opts.webhookUrl;
          if (url) for (let i = 0; i < s.sent; i++) queue.push({ url, event: toTmsEvent(s, s.trip.events[i], i) });
          void pump();
          return sendJson(res, 200, { queued: s.sent });
        }
        if (path === '/__sim/tms/deliveries') return sendJson(res, 200, { deliveries });
        if (path === '/__sim/tms/trip') {
          const destination = url.searchParams.get('destination') as DeliveryCentre;
          if (!DELIVERY_CENTRES.includes(destination)) return sendJson(res, 400, { code: 'INVALID_PAYLOAD', message: 'destination' });
          const trip = simulateTrip({
            route: routeTo(destination),
            departAt: Date.parse(url.searchParams.get('departAt') ?? new Date(simNow()).toISOString()),
            seed: Number(url.searchParams.get('seed') ?? 1),
            pingEveryMin: opts.pingEveryMin ?? 10,
          });
          const s = { shipmentNo: 'REPLAY', orderNo: 'REPLAY', vin: 'REPLAY' };
          return sendJson(res, 200, { startedAt: new Date(trip.startedAt).toISOString(), arriveAt: new Date(trip.arriveAt).toISOString(), events: trip.events.map((e, i) => toTmsEvent(s, e, i)) });
        }
        return sendJson(res, 404, { code: 'NOT_FOUND', message: 'unknown control' });
      }

      if (!verify(req, raw)) return sendJson(res, 401, { code: 'SIGNATURE_INVALID', message: 'signature check failed' });
      if (req.method === 'POST' && path === '/tms/v1/shipments') {
        const parsed = parseCreate(raw);
        if (!parsed.ok) return sendJson(res, 400, { code: 'INVALID_PAYLOAD', message: parsed.message });
        const { status, s } = create(parsed.body, raw);
        if (status === 409) return sendJson(res, 409, { code: 'SHIPMENT_CONFLICT', message: 'orderNo exists with another vin or destination' });
        return sendJson(res, status, view(s));
      }
      const m = /^\/tms\/v1\/shipments\/([^/]+)(\/positions)?$/.exec(path);
      if (req.method === 'GET' && m) {
        const s = shipments.get(decodeURIComponent(m[1]));
        if (!s) return sendJson(res, 404, { code: 'NOT_FOUND', message: 'no such shipment' });
        if (!m[2]) return sendJson(res, 200, view(s));
        const since = url.searchParams.get('since') ? Date.parse(url.searchParams.get('since')!) : -Infinity;
        const t = simNow();
        return sendJson(res, 200, {
          shipmentNo: s.shipmentNo,
          positions: s.trip.events.map((e, i) => ({ e, i })).filter(({ e }) => e.type === 'position' && e.at <= t && e.at > since).map(({ e, i }) => ({ ...toTmsEvent(s, e, i).position, at: new Date(e.at).toISOString() })),
        });
      }
      sendJson(res, 404, { code: 'NOT_FOUND', message: 'unknown path' });
    },
    opts.port,
  );
  return {
    ...server,
    close: async () => {
      closed = true;
      clearInterval(timer);
      await server.close();
    },
  };
}
