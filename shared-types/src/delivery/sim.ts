import { pointAlong, type LatLng } from './geo';
import { segmentAt, type Route, type RouteSegment } from './network';
import { DRIVER_RULES, HOUR_MS, MINUTE_MS, nextShanghaiTime, priorSpeedKmh, shanghaiHour, type MilestoneType } from './model';

/**
 * The movement model of a car carrier, used by the TMS simulator (scripts/simulators/src/tms.ts)
 * and the ETA evaluation. Deterministic for a seed: the same seed, route, departure and injected
 * delays give the same trip to the millisecond (replayable). What the "world" does and the ETA
 * engine has to learn: each segment's own speed (a hidden factor per segment), stronger rush hours
 * near big cities, per-trip driver pace, hour-to-hour traffic, jams, drivers resting a little
 * before the 4-hour limit and for 20-35 minutes, starting late after the night stop, hub dwell
 * times that differ by hub, and rare unplanned stops (breakdowns, accidents, closures).
 */

/** mulberry32: small, fast, good enough for simulation; state is one 32-bit integer. */
export function createRng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => {
    const u = Math.max(1e-12, next());
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
  };
  return { next, normal, uniform: (lo: number, hi: number) => lo + (hi - lo) * next(), int: (n: number) => Math.floor(next() * n) };
}
export type Rng = ReturnType<typeof createRng>;

/** A stable number in [0,1) for a string (FNV-1a), for the world's hidden per-segment traits. */
function hash01(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h / 4294967296;
}

const BIG_CITIES = new Set(['SHA', 'BJS', 'CAN', 'CTU', 'XIY', 'HGH', 'NKG', 'WUH', 'CGO', 'NGB']);
/** The hidden truth the engine has to learn: this segment's speed relative to its road type. */
export function worldSegmentFactor(seg: RouteSegment): number {
  return 0.85 + 0.25 * hash01(seg.id);
}
const HUB_DWELL_FACTOR: Record<string, number> = { HGH: 1.0, NKG: 0.9, WUH: 1.15, CGO: 1.05 };

export interface SimEvent {
  type: MilestoneType | 'position';
  /** Epoch ms (UTC). */
  at: number;
  lat: number;
  lng: number;
  /** Hub code for hub_* milestones. */
  place?: string;
  kind?: 'rest' | 'night';
  reason?: string;
  speedKmh?: number;
  /** Distance along the route (truth; not sent to clients of a real TMS). */
  alongKm: number;
}

export interface InjectedDelay {
  /** Epoch ms from which the carrier stops (at the first moment it is moving). */
  at: number;
  minutes: number;
  reason?: string;
}

export interface SimTripOptions {
  route: Route;
  departAt: number;
  seed: number;
  /** Position report interval in simulated minutes (default 10). */
  pingEveryMin?: number;
  injectedDelays?: InjectedDelay[];
  /** GPS noise, metres (default 25). */
  gpsNoiseM?: number;
  /**
   * Continue a trip from a known state instead of the factory (the ETA evaluation's oracle: the
   * rest of a trip re-drawn with fresh randomness from where the carrier truly is).
   */
  resume?: SimResume;
}

export interface SimResume {
  at: number;
  alongKm: number;
  /** Minutes driven since the last stop ended. */
  drivingMin: number;
  /** Hubs already handed over at. */
  hubsDone: string[];
  /** The trip's hidden driver pace (tripDriverFactor of its seed). */
  driver: number;
}

/** The hidden per-trip pace of the driver and truck that a trip's seed gives (the first draw of its trip). */
export function tripDriverFactor(seed: number): number {
  return Math.exp(0.04 * createRng(seed).normal());
}

export interface SimTrip {
  route: Route;
  seed: number;
  departAt: number;
  /** When the carrier actually left the factory (after a night, if created at night). */
  startedAt: number;
  arriveAt: number;
  /** Milestones and position reports, in time order. */
  events: SimEvent[];
  /** Piecewise-linear truth: [time, alongKm] knots. */
  knots: Array<[number, number]>;
}

const DELAY_REASONS = ['车辆故障检修', '前方事故，道路管制', '恶劣天气临时停车', '高速临时封闭'];

export function simulateTrip(opts: SimTripOptions): SimTrip {
  const { route } = opts;
  const rng = createRng(opts.seed);
  const noise = createRng(opts.seed ^ 0x5bd1e995);
  const pingEvery = (opts.pingEveryMin ?? 10) * MINUTE_MS;
  const gpsDeg = (opts.gpsNoiseM ?? 25) / 111_000;
  const injected = [...(opts.injectedDelays ?? [])].sort((a, b) => a.at - b.at);
  const drawnDriver = Math.exp(0.04 * rng.normal());
  const resume = opts.resume;
  const driver = resume?.driver ?? drawnDriver;
  const traffic = new Map<string, number>();
  const milestones: SimEvent[] = [];
  const knots: Array<[number, number]> = [];

  let t = opts.departAt;
  let x = 0;
  let drive = 0;
  let restAfter = DRIVER_RULES.maxDrivingMin - rng.uniform(0, 30);
  if (resume) {
    // The current stint's rest threshold is hidden: drawn again, at least what was already driven.
    t = resume.at;
    x = resume.alongKm;
    drive = resume.drivingMin;
    const lo = Math.min(DRIVER_RULES.maxDrivingMin, Math.max(DRIVER_RULES.maxDrivingMin - 30, drive));
    restAfter = Math.max(drive, lo + rng.next() * (DRIVER_RULES.maxDrivingMin - lo));
  }
  const where = (): LatLng => pointAlong(route.points, route.cumKm, x);
  const milestone = (type: MilestoneType, extra: Partial<SimEvent> = {}) => {
    const p = where();
    milestones.push({ type, at: t, lat: p.lat, lng: p.lng, alongKm: x, ...extra });
  };
  const stopFor = (minutes: number) => {
    knots.push([t, x]);
    t += minutes * MINUTE_MS;
    knots.push([t, x]);
    drive = 0;
    restAfter = DRIVER_RULES.maxDrivingMin - rng.uniform(0, 30);
  };
  const isNight = () => {
    const h = shanghaiHour(t);
    return h >= DRIVER_RULES.nightStartHour && h < DRIVER_RULES.nightEndHour;
  };
  const nightStop = () => {
    const minutes = (nextShanghaiTime(t, DRIVER_RULES.nightEndHour) - t) / MINUTE_MS + rng.uniform(0, 30);
    milestone('rest_started', { kind: 'night' });
    stopFor(minutes);
    milestone('rest_ended', { kind: 'night' });
  };

  // Carriers leave the factory in the morning if loaded at night.
  if (!resume && isNight()) t = nextShanghaiTime(t, DRIVER_RULES.nightEndHour) + rng.uniform(0, 30) * MINUTE_MS;
  const startedAt = t;
  knots.push([t, x]);
  if (!resume) milestone('departed');
  const pendingHubs = route.hubs.filter((h) => !resume?.hubsDone.includes(h.code));

  for (let guard = 0; x < route.totalKm - 1e-9 && guard < 1_000_000; guard++) {
    const hub = pendingHubs[0];
    if (hub && hub.km <= x + 1e-9) {
      pendingHubs.shift();
      const mean = hub.dwellMin * (HUB_DWELL_FACTOR[hub.code] ?? 1);
      const sigma = Math.sqrt(Math.log(1 + (hub.dwellSdMin / mean) ** 2));
      const minutes = mean * Math.exp(sigma * rng.normal() - (sigma * sigma) / 2);
      milestone('hub_arrived', { place: hub.code });
      stopFor(minutes);
      milestone('hub_departed', { place: hub.code });
      continue;
    }
    if (isNight() && route.totalKm - x > DRIVER_RULES.nightFinishKm) {
      nightStop();
      continue;
    }
    if (drive >= restAfter) {
      milestone('rest_started', { kind: 'rest' });
      stopFor(20 + rng.uniform(0, 15));
      milestone('rest_ended', { kind: 'rest' });
      continue;
    }
    if (injected.length && injected[0].at <= t) {
      const d = injected.shift()!;
      milestone('delay_started', { reason: d.reason ?? '临时停车' });
      stopFor(d.minutes);
      milestone('delay_ended');
      continue;
    }
    const seg = segmentAt(route, x + 1e-9);
    // One step: at most a minute, to the end of the segment or the next hub.
    const hour = shanghaiHour(t);
    const absHour = Math.floor(t / HOUR_MS);
    const key = `${seg.id}|${absHour}`;
    let jam = traffic.get(key);
    if (jam === undefined) {
      const rush = (hour >= 7 && hour < 9) || (hour >= 17 && hour < 19);
      const pJam = seg.roadType === 'urban' ? (rush ? 0.3 : 0.08) : rush ? 0.06 : 0.02;
      jam = Math.exp(0.07 * rng.normal()) * (rng.next() < pJam ? rng.uniform(0.35, 0.7) : 1);
      traffic.set(key, jam);
    }
    const rushNearCity = (hour >= 7 && hour < 9) || (hour >= 17 && hour < 19) ? (BIG_CITIES.has(seg.from.code) || BIG_CITIES.has(seg.to.code) ? 0.8 : 1) : 1;
    const speed = Math.min(90, priorSpeedKmh(seg.roadType, hour) * worldSegmentFactor(seg) * rushNearCity * driver * jam);
    const limitKm = Math.min(seg.startKm + seg.km, hub ? hub.km : Infinity, route.totalKm) - x;
    const stepMin = Math.min(1, (limitKm / speed) * 60, Math.max(1e-3, restAfter - drive));
    const km = Math.min(limitKm, (speed * stepMin) / 60);
    x = km >= limitKm - 1e-9 ? Math.min(seg.startKm + seg.km, hub ? hub.km : Infinity, route.totalKm) : x + km;
    t += stepMin * MINUTE_MS;
    drive += stepMin;
    knots.push([t, x]);
    // Unplanned stops: about 3 per 10 000 km, 30 minutes to 4 hours.
    if (rng.next() < km * 0.0003 && x < route.totalKm - 1) {
      milestone('delay_started', { reason: DELAY_REASONS[rng.int(DELAY_REASONS.length)] });
      stopFor(Math.min(240, 30 + -60 * Math.log(Math.max(1e-9, rng.next()))));
      milestone('delay_ended');
    }
  }
  x = route.totalKm;
  milestone('arrived');
  const arriveAt = t;

  const events: SimEvent[] = [...milestones];
  const alongAt = (at: number) => alongAtTime(knots, at);
  for (let at = startedAt; at < arriveAt; at += pingEvery) {
    const along = alongAt(at);
    const p = pointAlong(route.points, route.cumKm, along);
    const ahead = alongAt(Math.min(arriveAt, at + 5 * MINUTE_MS));
    events.push({
      type: 'position',
      at,
      lat: p.lat + gpsDeg * noise.normal(),
      lng: p.lng + (gpsDeg * noise.normal()) / Math.cos((p.lat * Math.PI) / 180),
      speedKmh: Math.round(((ahead - along) / 5) * 60),
      alongKm: along,
    });
  }
  // Stable order: by time, milestones before a position report of the same instant.
  events.sort((a, b) => a.at - b.at || (a.type === 'position' ? 1 : 0) - (b.type === 'position' ? 1 : 0));
  return { route, seed: opts.seed, departAt: opts.departAt, startedAt, arriveAt, events, knots };
}

/** Truth: distance along the route at a time (before the start: 0; after arrival: the end). */
export function alongAtTime(knots: Array<[number, number]>, at: number): number {
  if (knots.length === 0) return 0;
  if (at <= knots[0][0]) return knots[0][1];
  const last = knots[knots.length - 1];
  if (at >= last[0]) return last[1];
  let lo = 0, hi = knots.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (knots[mid][0] <= at) lo = mid;
    else hi = mid;
  }
  const [t0, x0] = knots[lo];
  const [t1, x1] = knots[hi];
  return t1 === t0 ? x1 : x0 + ((x1 - x0) * (at - t0)) / (t1 - t0);
}

/** Truth: where the carrier is at a time. */
export function positionAtTime(trip: SimTrip, at: number): LatLng {
  return pointAlong(trip.route.points, trip.route.cumKm, alongAtTime(trip.knots, at));
}

