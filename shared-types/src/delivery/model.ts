import { projectOntoPolyline, type LatLng } from './geo';
import { placeOf, segmentAt, type RoadType, type Route, type RouteSegment } from './network';

/**
 * What the ETA engine knows about the road, learned from completed trips. Everything is stored as
 * sums (counts, hours, squares) so that models add up: one trip's observations are a model, and
 * the fleet's model is the sum of its trips' (which is also how the BFF stores them: one document
 * per trip, folded in code, never a concurrent update of one shared document).
 */

export const HOUR_MS = 3_600_000;
export const MINUTE_MS = 60_000;
const SHANGHAI_OFFSET_MS = 8 * HOUR_MS;

/** Hour of day (0-23) in Asia/Shanghai. */
export function shanghaiHour(ms: number): number {
  return Math.floor((((ms + SHANGHAI_OFFSET_MS) % (24 * HOUR_MS)) + 24 * HOUR_MS) % (24 * HOUR_MS) / HOUR_MS);
}
/** Minutes until the next full hour. */
export function minutesToNextHour(ms: number): number {
  const into = ((ms % HOUR_MS) + HOUR_MS) % HOUR_MS;
  return (HOUR_MS - into) / MINUTE_MS;
}
/** The next instant (>= ms) at which the Shanghai clock shows hh:00. */
export function nextShanghaiTime(ms: number, hour: number): number {
  const dayStart = Math.floor((ms + SHANGHAI_OFFSET_MS) / (24 * HOUR_MS)) * 24 * HOUR_MS - SHANGHAI_OFFSET_MS;
  let t = dayStart + hour * HOUR_MS;
  if (t < ms) t += 24 * HOUR_MS;
  return t;
}

// ---- Priors: what a car carrier (轿运车) does on each road type, before any trip is learned ----

const BASE_SPEED_KMH: Record<RoadType, number> = { expressway: 72, mountain: 56, national: 45, urban: 30 };
const isRush = (h: number) => (h >= 7 && h < 9) || (h >= 17 && h < 19);
const isNight = (h: number) => h >= 22 || h < 6;

/** Expected speed of a car carrier on a road type at an hour of day (Shanghai), km/h. */
export function priorSpeedKmh(road: RoadType, hour: number): number {
  const base = BASE_SPEED_KMH[road];
  switch (road) {
    case 'urban':
      return base * (isRush(hour) ? 0.6 : isNight(hour) ? 1.3 : 1);
    case 'expressway':
      return base * (isRush(hour) ? 0.9 : isNight(hour) ? 1.04 : 1);
    case 'national':
      return base * (isRush(hour) ? 0.8 : isNight(hour) ? 1.1 : 1);
    case 'mountain':
      return base * (isNight(hour) ? 0.95 : 1);
  }
}
/** Relative trip-to-trip spread of travel time on a road type (standard deviation / mean). */
export const PRIOR_SD_RATIO: Record<RoadType, number> = { expressway: 0.08, mountain: 0.12, national: 0.15, urban: 0.2 };

/** Chinese rules for truck drivers and the brand's hand-over practice, used until trips teach better. */
export const DRIVER_RULES = {
  /** 疲劳驾驶: at most 4 hours of continuous driving… */
  maxDrivingMin: 240,
  /** …then at least 20 minutes of rest. */
  restMin: 20,
  /** No driving from 00:00 to 06:00 (Shanghai time): the carrier parks for the night… */
  nightStartHour: 0,
  nightEndHour: 6,
  /** …unless the destination is this close. */
  nightFinishKm: 20,
};

/** Unplanned stops (breakdowns, accidents, closures) before anything is learned: 3% per 100 km, ~90 min. */
const PRIOR_DELAY = { perKm: 0.0003, meanMin: 90, sdMin: 45 };

export interface CellStats {
  /** Observations: one per trip and cell. */
  n: number;
  hours: number;
  /** Hours the priors would have predicted for the same kilometres. */
  priorHours: number;
  km: number;
  /** Sum and sum of squares of each observation's ratio hours / priorHours. */
  sumR: number;
  sumR2: number;
}

export interface EtaModel {
  trips: number;
  /** Key "SEGMENT|hour" (hour of day in Shanghai). */
  cells: Record<string, CellStats>;
  /** The same, pooled over all hours, per segment. */
  segments: Record<string, CellStats>;
  /** Regular rests: how many, their total minutes, and the driving minutes before each. */
  rests: { n: number; sumMin: number; sumDrivingMin: number };
  /** Night stops: minutes after 06:00 before the carrier moved again. */
  nights: { n: number; sumExtraMin: number };
  /** Hub hand-overs per hub code. */
  dwell: Record<string, { n: number; sumMin: number; sumMin2: number }>;
  /** Unplanned stops over the kilometres driven. */
  delays: { km: number; n: number; sumMin: number; sumMin2: number };
  /**
   * Interval calibration (see calibration.ts): by trip progress bucket, histograms of how far past
   * each side of the uncalibrated interval past trips actually arrived. Absent in older models.
   */
  calibration?: Record<string, ResidualHist>;
}

/** Sparse histogram of normalised residuals (bin index → count) on each side of the estimate. */
export interface ResidualHist {
  n: number;
  hi: Record<string, number>;
  lo: Record<string, number>;
}

export function emptyEtaModel(): EtaModel {
  return { trips: 0, cells: {}, segments: {}, rests: { n: 0, sumMin: 0, sumDrivingMin: 0 }, nights: { n: 0, sumExtraMin: 0 }, dwell: {}, delays: { km: 0, n: 0, sumMin: 0, sumMin2: 0 }, calibration: {} };
}

function addStats(into: Record<string, CellStats>, key: string, s: CellStats) {
  const c = (into[key] ??= { n: 0, hours: 0, priorHours: 0, km: 0, sumR: 0, sumR2: 0 });
  c.n += s.n;
  c.hours += s.hours;
  c.priorHours += s.priorHours;
  c.km += s.km;
  c.sumR += s.sumR;
  c.sumR2 += s.sumR2;
}

/** a + b (new object; neither is changed). */
export function mergeEtaModels(a: EtaModel, b: EtaModel): EtaModel {
  const out = emptyEtaModel();
  for (const m of [a, b]) {
    out.trips += m.trips;
    for (const [k, s] of Object.entries(m.cells)) addStats(out.cells, k, s);
    for (const [k, s] of Object.entries(m.segments)) addStats(out.segments, k, s);
    out.rests.n += m.rests.n;
    out.rests.sumMin += m.rests.sumMin;
    out.rests.sumDrivingMin += m.rests.sumDrivingMin;
    out.nights.n += m.nights.n;
    out.nights.sumExtraMin += m.nights.sumExtraMin;
    for (const [k, d] of Object.entries(m.dwell)) {
      const o = (out.dwell[k] ??= { n: 0, sumMin: 0, sumMin2: 0 });
      o.n += d.n;
      o.sumMin += d.sumMin;
      o.sumMin2 += d.sumMin2;
    }
    out.delays.km += m.delays.km;
    out.delays.n += m.delays.n;
    out.delays.sumMin += m.delays.sumMin;
    out.delays.sumMin2 += m.delays.sumMin2;
    for (const [k, h] of Object.entries(m.calibration ?? {})) {
      const o = (out.calibration![k] ??= { n: 0, hi: {}, lo: {} });
      o.n += h.n;
      for (const [b, c] of Object.entries(h.hi)) o.hi[b] = (o.hi[b] ?? 0) + c;
      for (const [b, c] of Object.entries(h.lo)) o.lo[b] = (o.lo[b] ?? 0) + c;
    }
  }
  return out;
}

// ---- Reading the model ----

/** Pseudo-observations given to the level above (cell → segment → prior) when shrinking. */
const SHRINK = 2;

export interface PaceEstimate {
  /** Expected hours per km. */
  hPerKm: number;
  /** Trip-to-trip spread of the travel time, relative (sd / mean). */
  sdRatio: number;
  source: 'learned' | 'prior';
  /** Observations of this segment at this hour. */
  samples: number;
}

export function expectedPace(model: EtaModel, seg: RouteSegment, hour: number): PaceEstimate {
  const prior = 1 / priorSpeedKmh(seg.roadType, hour);
  const s = model.segments[seg.id];
  const c = model.cells[`${seg.id}|${hour}`];
  let fSeg = 1;
  let sdRatio = PRIOR_SD_RATIO[seg.roadType];
  if (s && s.n > 0 && s.priorHours > 0) {
    fSeg = (s.n * (s.hours / s.priorHours) + SHRINK) / (s.n + SHRINK);
    const mean = s.sumR / s.n;
    const relVar = Math.max(0, s.sumR2 / s.n - mean * mean) / (mean * mean);
    sdRatio = Math.sqrt((s.n * relVar + SHRINK * sdRatio * sdRatio) / (s.n + SHRINK));
  }
  let f = fSeg;
  if (c && c.n > 0 && c.priorHours > 0) f = (c.n * (c.hours / c.priorHours) + SHRINK * fSeg) / (c.n + SHRINK);
  return { hPerKm: prior * f, sdRatio, source: s && s.n > 0 ? 'learned' : 'prior', samples: c?.n ?? 0 };
}

export function expectedRest(model: EtaModel): { everyMin: number; restMin: number } {
  const r = model.rests;
  if (r.n < 3) return { everyMin: DRIVER_RULES.maxDrivingMin, restMin: DRIVER_RULES.restMin };
  return { everyMin: Math.min(DRIVER_RULES.maxDrivingMin, r.sumDrivingMin / r.n), restMin: Math.max(DRIVER_RULES.restMin, r.sumMin / r.n) };
}

export function expectedNightExtraMin(model: EtaModel): number {
  return model.nights.n >= 3 ? model.nights.sumExtraMin / model.nights.n : 0;
}

export function expectedDwell(model: EtaModel, hub: { code: string; dwellMin: number; dwellSdMin: number }): { meanMin: number; sdMin: number } {
  const d = model.dwell[hub.code];
  if (!d || d.n === 0) return { meanMin: hub.dwellMin, sdMin: hub.dwellSdMin };
  const mean = (d.n * (d.sumMin / d.n) + SHRINK * hub.dwellMin) / (d.n + SHRINK);
  const v = d.n > 1 ? Math.max(0, d.sumMin2 / d.n - (d.sumMin / d.n) ** 2) : hub.dwellSdMin ** 2;
  const sd = Math.sqrt((d.n * v + SHRINK * hub.dwellSdMin ** 2) / (d.n + SHRINK));
  return { meanMin: mean, sdMin: sd };
}

/**
 * Unplanned stops: expected minutes per km, second moment per km (compound Poisson), how many per
 * km, and the length of one (mean and standard deviation).
 */
export function expectedDelay(model: EtaModel): { minPerKm: number; min2PerKm: number; perKm: number; meanMin: number; sdMin: number } {
  const d = model.delays;
  const priorMin2 = PRIOR_DELAY.meanMin ** 2 + PRIOR_DELAY.sdMin ** 2;
  // Shrink toward the prior with 2 000 km of pseudo-driving (rates) and 3 pseudo-stops (lengths).
  const K = 2000;
  const minPerKm = (d.sumMin + K * PRIOR_DELAY.perKm * PRIOR_DELAY.meanMin) / (d.km + K);
  const min2PerKm = (d.sumMin2 + K * PRIOR_DELAY.perKm * priorMin2) / (d.km + K);
  const perKm = (d.n + K * PRIOR_DELAY.perKm) / (d.km + K);
  const meanMin = (d.sumMin + 3 * PRIOR_DELAY.meanMin) / (d.n + 3);
  const sdMin = Math.sqrt(Math.max(0, (d.sumMin2 + 3 * priorMin2) / (d.n + 3) - meanMin * meanMin));
  return { minPerKm, min2PerKm, perKm, meanMin, sdMin };
}

/** Trip progress (share of the route's km behind the carrier) buckets of the interval calibration. */
export const CALIBRATION_BUCKETS = 5;
export const RESIDUAL_BIN = 0.05;
const RESIDUAL_MIN = -4;
const RESIDUAL_MAX = 20;
/** Pseudo-samples at scale 1 (the uncalibrated interval) a bucket's learned scale is shrunk toward. */
const CALIBRATION_PRIOR_N = 20;
/** The narrowest either side of an interval is taken to be when normalising, minutes. */
export const MIN_HALF_WIDTH_MIN = 5;

export function progressBucket(fraction: number): string {
  return String(Math.min(CALIBRATION_BUCKETS - 1, Math.max(0, Math.floor(fraction * CALIBRATION_BUCKETS))));
}

export function residualBin(s: number): string {
  const clamped = Math.min(RESIDUAL_MAX, Math.max(RESIDUAL_MIN, s));
  return String(Math.floor((clamped - RESIDUAL_MIN) / RESIDUAL_BIN));
}

/** The p-quantile of a sparse histogram (the upper edge of the bin that reaches it). */
function histQuantile(h: Record<string, number>, n: number, p: number): number {
  const bins = Object.entries(h).map(([b, c]) => [Number(b), c] as const).sort((a, b) => a[0] - b[0]);
  let acc = 0;
  for (const [b, c] of bins) {
    acc += c;
    if (acc >= p * n) return RESIDUAL_MIN + (b + 1) * RESIDUAL_BIN;
  }
  return RESIDUAL_MAX;
}

/**
 * How much to stretch each side of the uncalibrated interval so that, on past trips at this
 * progress, a share (1 - confidence) / 2 of arrivals fell beyond each side: the learned quantile,
 * shrunk toward 1 (no change) while the bucket has few samples; never below 0.25.
 */
export function intervalScale(model: EtaModel, fraction: number, confidence: number): { lo: number; hi: number; samples: number } | null {
  const h = model.calibration?.[progressBucket(fraction)];
  if (!h || h.n === 0) return null;
  const p = 1 - (1 - confidence) / 2;
  const shrink = (q: number) => Math.max(0.25, (h.n * q + CALIBRATION_PRIOR_N) / (h.n + CALIBRATION_PRIOR_N));
  return { lo: shrink(histQuantile(h.lo, h.n, p)), hi: shrink(histQuantile(h.hi, h.n, p)), samples: h.n };
}

// ---- Learning from a completed trip ----

export type MilestoneType = 'departed' | 'hub_arrived' | 'hub_departed' | 'rest_started' | 'rest_ended' | 'delay_started' | 'delay_ended' | 'arrived';
export const MILESTONE_TYPES: MilestoneType[] = ['departed', 'hub_arrived', 'hub_departed', 'rest_started', 'rest_ended', 'delay_started', 'delay_ended', 'arrived'];

export interface Milestone {
  type: MilestoneType;
  /** Epoch ms (UTC). */
  at: number;
  /** Hub code for hub_*; the stop kind for rest_* ('rest' | 'night'). */
  place?: string;
  kind?: 'rest' | 'night';
}

export interface Ping extends LatLng {
  at: number;
}

/** The first fix of each 30-minute bucket, like the track a shipment keeps (the trip's pace is read from it). */
export function downsampleTrack(pings: Ping[], bucketMs = 30 * MINUTE_MS): Ping[] {
  const byBucket = new Map<number, Ping>();
  for (const p of pings) {
    const b = Math.floor(p.at / bucketMs);
    const q = byBucket.get(b);
    if (!q || p.at < q.at) byBucket.set(b, p);
  }
  return [...byBucket.values()].sort((a, b) => a.at - b.at);
}

interface StopInterval {
  kind: 'rest' | 'night' | 'hub' | 'delay';
  start: number;
  end: number;
  place?: string;
}

/** Pair up *_started / *_ended (and hub arrivals/departures) into intervals, ignoring unmatched ends. */
export function stopIntervals(milestones: Milestone[]): StopInterval[] {
  const sorted = [...milestones].sort((a, b) => a.at - b.at);
  const out: StopInterval[] = [];
  let open: { kind: StopInterval['kind']; start: number; place?: string } | null = null;
  for (const m of sorted) {
    if (m.type === 'rest_started') open = { kind: m.kind === 'night' ? 'night' : 'rest', start: m.at };
    else if (m.type === 'hub_arrived') open = { kind: 'hub', start: m.at, place: m.place };
    else if (m.type === 'delay_started') open = { kind: 'delay', start: m.at };
    else if ((m.type === 'rest_ended' || m.type === 'hub_departed' || m.type === 'delay_ended') && open) {
      out.push({ ...open, end: m.at });
      open = null;
    }
  }
  return out;
}

/**
 * One completed trip as a model: per segment and hour, the kilometres driven and the moving time
 * (ping intervals minus the reported stops), and the stops themselves. Pings every few minutes.
 */
export function learnFromTrip(route: Route, pings: Ping[], milestones: Milestone[]): EtaModel {
  const model = emptyEtaModel();
  model.trips = 1;
  const stops = stopIntervals(milestones);
  const sorted = [...pings].sort((a, b) => a.at - b.at);
  const trip: Record<string, { km: number; hours: number; priorHours: number; seg: string }> = {};
  let prevAlong: number | null = null;
  let prevAt = 0;
  for (const p of sorted) {
    const along = projectOntoPolyline(p, route.points, route.cumKm).alongKm;
    if (prevAlong !== null && p.at - prevAt <= 45 * MINUTE_MS && along > prevAlong) {
      let stopped = 0;
      for (const s of stops) stopped += Math.max(0, Math.min(s.end, p.at) - Math.max(s.start, prevAt));
      const movingH = (p.at - prevAt - stopped) / HOUR_MS;
      if (movingH > 1 / 60) {
        // Split the kilometres at segment ends; share the moving time by what the prior expects.
        const hour = shanghaiHour((prevAt + p.at) / 2);
        const pieces: { seg: RouteSegment; km: number; prior: number }[] = [];
        let x = prevAlong;
        while (x < along - 1e-9) {
          const seg = segmentAt(route, x + 1e-9);
          const end = Math.min(along, seg.startKm + seg.km);
          const km = end - x;
          if (km <= 0) break;
          pieces.push({ seg, km, prior: km / priorSpeedKmh(seg.roadType, hour) });
          x = end;
        }
        const totalPrior = pieces.reduce((s, q) => s + q.prior, 0);
        for (const q of pieces) {
          const key = `${q.seg.id}|${hour}`;
          const cell = (trip[key] ??= { km: 0, hours: 0, priorHours: 0, seg: q.seg.id });
          cell.km += q.km;
          cell.hours += totalPrior > 0 ? (movingH * q.prior) / totalPrior : 0;
          cell.priorHours += q.prior;
        }
      }
    }
    if (prevAlong === null || along > prevAlong) prevAlong = along;
    prevAt = p.at;
  }
  for (const [key, c] of Object.entries(trip)) {
    if (c.km < 3 || c.priorHours <= 0) continue;
    const r = c.hours / c.priorHours;
    const s: CellStats = { n: 1, hours: c.hours, priorHours: c.priorHours, km: c.km, sumR: r, sumR2: r * r };
    addStats(model.cells, key, s);
    addStats(model.segments, c.seg, s);
  }
  // Per segment, one observation per trip (not per hour) for the spread.
  for (const seg of Object.keys(model.segments)) {
    const s = model.segments[seg];
    const r = s.hours / s.priorHours;
    model.segments[seg] = { ...s, n: 1, sumR: r, sumR2: r * r };
  }

  const departed = milestones.find((m) => m.type === 'departed')?.at ?? sorted[0]?.at;
  let movingSince = departed;
  for (const s of stops) {
    const min = (s.end - s.start) / MINUTE_MS;
    if (s.kind === 'rest') {
      model.rests.n += 1;
      model.rests.sumMin += min;
      model.rests.sumDrivingMin += movingSince !== undefined ? (s.start - movingSince) / MINUTE_MS : 0;
    } else if (s.kind === 'night') {
      model.nights.n += 1;
      model.nights.sumExtraMin += Math.max(0, (s.end - nextShanghaiTime(s.start, DRIVER_RULES.nightEndHour)) / MINUTE_MS);
    } else if (s.kind === 'hub' && s.place && placeOf(s.place)?.kind === 'hub') {
      // Only hubs we know are learned: the code comes from the TMS, and `dwell['__proto__']` would be Object.prototype.
      const d = Object.prototype.hasOwnProperty.call(model.dwell, s.place) ? model.dwell[s.place] : (model.dwell[s.place] = { n: 0, sumMin: 0, sumMin2: 0 });
      d.n += 1;
      d.sumMin += min;
      d.sumMin2 += min * min;
    } else if (s.kind === 'delay') {
      model.delays.n += 1;
      model.delays.sumMin += min;
      model.delays.sumMin2 += min * min;
    }
    movingSince = s.end;
  }
  model.delays.km += route.totalKm;
  return model;
}

