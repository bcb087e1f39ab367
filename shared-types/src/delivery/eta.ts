import { normalCdf, normalQuantile } from '../analytics/stats';
import { formatDateTimeCN } from '../time';
import { formatKm } from '../maintenance/plans';
import { projectOntoPolyline, type LatLng } from './geo';
import { placeName, ROAD_TYPE_LABELS, segmentAt, type RoadType, type Route } from './network';
import {
  DRIVER_RULES,
  expectedDelay,
  expectedDwell,
  expectedNightExtraMin,
  expectedPace,
  expectedRest,
  intervalScale,
  MIN_HALF_WIDTH_MIN,
  MINUTE_MS,
  minutesToNextHour,
  nextShanghaiTime,
  shanghaiHour,
  learnFromTrip,
  type EtaModel,
  type Milestone,
  type Ping,
} from './model';

/**
 * The ETA engine. From the latest fix (or milestone) it walks the rest of the route forward in
 * time: each remaining piece of road at the speed learned for that segment at that hour of day,
 * stopping where a driver must (20 minutes after ~4 hours at the wheel, parked from 00:00 to 06:00),
 * handing over at the remaining hubs, with an allowance for unplanned stops. The uncertainty comes
 * from the learned trip-to-trip spread of each segment, of each hub's dwell and of unplanned stops;
 * the interval's ends are walked again with slower/faster paces so that a night stop the truck just
 * misses or makes shows up in the interval. Everything it assumed is returned (explainable).
 */

export type StopKind = 'rest' | 'night' | 'hub' | 'delay';

export const STOP_KIND_LABELS: Record<StopKind, string> = { rest: '途中休息', night: '夜间停车', hub: '中转交接', delay: '临时停车' };

export interface TrackingState {
  departed: boolean;
  departedAt?: number;
  arrivedAt?: number;
  /** Where the carrier is stopped now, if it is. */
  stop?: { kind: StopKind; since: number; place?: string };
  /** Minutes since the carrier last started moving after a stop (or departure). */
  drivingMinSinceRest: number;
  /** Hubs it has handed over at and left. */
  hubsDone: string[];
}

/** What the milestones known at `at` say about the carrier (any order in; only those up to `at` count). */
export function trackingStateAt(milestones: Milestone[], at: number): TrackingState {
  const sorted = milestones.filter((m) => m.at <= at).sort((a, b) => a.at - b.at);
  const state: TrackingState = { departed: false, drivingMinSinceRest: 0, hubsDone: [] };
  let movingSince: number | undefined;
  for (const m of sorted) {
    switch (m.type) {
      case 'departed':
        state.departed = true;
        state.departedAt ??= m.at;
        movingSince = m.at;
        break;
      case 'rest_started':
        state.stop = { kind: m.kind === 'night' ? 'night' : 'rest', since: m.at };
        break;
      case 'hub_arrived':
        state.stop = { kind: 'hub', since: m.at, place: m.place };
        break;
      case 'delay_started':
        state.stop = { kind: 'delay', since: m.at };
        break;
      case 'hub_departed':
        if (m.place && !state.hubsDone.includes(m.place)) state.hubsDone.push(m.place);
        state.stop = undefined;
        movingSince = m.at;
        break;
      case 'rest_ended':
      case 'delay_ended':
        state.stop = undefined;
        movingSince = m.at;
        break;
      case 'arrived':
        state.arrivedAt = m.at;
        state.stop = undefined;
        break;
    }
  }
  if (!state.departed && sorted.length > 0) state.departed = true; // a lost "departed" does not stop us
  state.drivingMinSinceRest = !state.stop && movingSince !== undefined ? Math.max(0, (at - movingSince) / MINUTE_MS) : 0;
  return state;
}

export interface EtaSegmentExplanation {
  id: string;
  from: string;
  to: string;
  roadType: RoadType;
  roadLabel: string;
  km: number;
  minutes: number;
  speedKmh: number;
  source: 'learned' | 'prior';
  samples: number;
}

export interface EtaStopExplanation {
  kind: StopKind;
  label: string;
  place?: string;
  placeName?: string;
  /** Epoch ms the stop is expected to start. */
  at: number;
  minutes: number;
}

export interface EtaEstimate {
  /** The instant the estimate is for (the latest fix or milestone). */
  asOf: number;
  etaAt: number;
  lowAt: number;
  highAt: number;
  /** Probability the arrival falls in [lowAt, highAt] if the model is right. */
  confidence: number;
  totalKm: number;
  progressKm: number;
  remainingKm: number;
  offRouteKm: number;
  arrived: boolean;
  drivingMin: number;
  restStops: number;
  restMin: number;
  nightStops: number;
  nightMin: number;
  dwellMin: number;
  delayAllowanceMin: number;
  segments: EtaSegmentExplanation[];
  stops: EtaStopExplanation[];
  /** One sentence for people, in Chinese, times in Asia/Shanghai. */
  summary: string;
  /** The learned stretch of each side of the interval at this progress (null: uncalibrated). */
  calibration: { lo: number; hi: number; samples: number } | null;
  /**
   * This carrier's own pace so far: its driving hours over what the learned speeds expected for
   * the same road and hours, shrunk toward 1 (factor), scaling the remaining driving; null without a track.
   */
  tripPace: { factor: number; drivenH: number } | null;
}

export interface EtaInput {
  route: Route;
  model: EtaModel;
  /** The instant of the latest information. */
  at: number;
  /** The latest fix; without it the carrier is taken to be where the milestones put it (or at the start). */
  position?: LatLng;
  /** Or the distance along the route, when already known. */
  alongKm?: number;
  milestones: Milestone[];
  /** Coverage of the interval (default 0.8). */
  confidence?: number;
  /** false: the interval as the variance model gives it, without the learned calibration (what calibration learns from). */
  calibrate?: boolean;
  /**
   * The trip's own position history up to `at` (e.g. the BFF's 30-minute track): how fast this
   * carrier has driven so far, against the learned speeds, tells about the rest of its trip.
   */
  track?: Ping[];
}

/**
 * Pseudo-hours of driving at the fleet's learned pace that a trip's own pace is shrunk toward: hour
 * to hour traffic and jams make a few hours of one trip a noisy measure of its driver and truck.
 */
export const TRIP_PACE_PRIOR_H = 12;

/** The carrier's pace so far relative to the learned speeds (1 = as expected), from its track and stops. */
export function tripPace(route: Route, model: EtaModel, track: Ping[], milestones: Milestone[]): { factor: number; drivenH: number } {
  const seen = learnFromTrip(route, track, milestones);
  let observed = 0;
  let expected = 0;
  for (const [key, c] of Object.entries(seen.cells)) {
    const [segId, hour] = key.split('|');
    const seg = route.segments.find((x) => x.id === segId);
    if (!seg) continue;
    observed += c.hours;
    expected += c.km * expectedPace(model, seg, Number(hour)).hPerKm;
  }
  return { factor: (observed + TRIP_PACE_PRIOR_H) / (expected + TRIP_PACE_PRIOR_H), drivenH: observed };
}

interface WalkParams {
  paceMult: number;
  dwellAddMin: Record<string, number>;
  delayMinPerKm: number;
  currentStopAddMin: number;
}

interface WalkResult {
  end: number;
  drivingMin: number;
  restStops: number;
  restMin: number;
  nightStops: number;
  nightMin: number;
  dwellMin: number;
  delayMin: number;
  segments: Map<string, EtaSegmentExplanation & { sdRatio: number }>;
  stops: EtaStopExplanation[];
  hubSds: number[];
}

function walk(input: EtaInput, startKm: number, state: TrackingState, p: WalkParams): WalkResult {
  const { route, model } = input;
  const rest = expectedRest(model);
  const nightExtra = expectedNightExtraMin(model);
  const delay = expectedDelay(model);
  const out: WalkResult = { end: input.at, drivingMin: 0, restStops: 0, restMin: 0, nightStops: 0, nightMin: 0, dwellMin: 0, delayMin: 0, segments: new Map(), stops: [], hubSds: [] };
  let t = input.at;
  let x = startKm;
  let drive = state.drivingMinSinceRest;
  const addStop = (kind: StopKind, minutes: number, place?: string) => {
    out.stops.push({ kind, label: STOP_KIND_LABELS[kind], ...(place ? { place, placeName: placeName(place) } : {}), at: t, minutes });
    t += minutes * MINUTE_MS;
    drive = 0;
    if (kind === 'rest') (out.restStops += 1), (out.restMin += minutes);
    else if (kind === 'night') (out.nightStops += 1), (out.nightMin += minutes);
    else if (kind === 'hub') out.dwellMin += minutes;
    else out.delayMin += minutes;
  };

  // Finish the stop the carrier is in now.
  const s = state.stop;
  if (s) {
    const elapsed = (t - s.since) / MINUTE_MS;
    let remain: number;
    if (s.kind === 'hub') {
      const hub = route.hubs.find((h) => h.code === s.place);
      const d = hub ? expectedDwell(model, hub) : { meanMin: 120, sdMin: 40 };
      out.hubSds.push(d.sdMin);
      remain = Math.max(5, remainingDwellMedian(d.meanMin, d.sdMin, elapsed));
    } else if (s.kind === 'rest') remain = Math.max(2, rest.restMin - elapsed);
    else if (s.kind === 'night') remain = Math.max(2, (nextShanghaiTime(s.since, DRIVER_RULES.nightEndHour) + nightExtra * MINUTE_MS - t) / MINUTE_MS);
    else remain = Math.max(5, remainingDelayMedian(delay.meanMin, delay.sdMin, elapsed));
    addStop(s.kind, Math.max(0, remain + p.currentStopAddMin), s.place);
  }
  const pendingHubs = route.hubs.filter((h) => !state.hubsDone.includes(h.code) && !(s?.kind === 'hub' && s.place === h.code) && h.km > x - 1);

  for (let guard = 0; x < route.totalKm - 1e-6 && guard < 100_000; guard++) {
    const hub = pendingHubs[0];
    if (hub && hub.km <= x + 1e-6) {
      pendingHubs.shift();
      const d = expectedDwell(model, hub);
      out.hubSds.push(d.sdMin);
      // The median of a log-normal of the learned mean and spread: the point estimate is the median arrival.
      const median = d.meanMin / Math.sqrt(1 + (d.sdMin / d.meanMin) ** 2);
      addStop('hub', Math.max(0, median + (p.dwellAddMin[hub.code] ?? 0)), hub.code);
      continue;
    }
    const hour = shanghaiHour(t);
    if (hour >= DRIVER_RULES.nightStartHour && hour < DRIVER_RULES.nightEndHour && route.totalKm - x > DRIVER_RULES.nightFinishKm) {
      addStop('night', (nextShanghaiTime(t, DRIVER_RULES.nightEndHour) - t) / MINUTE_MS + nightExtra);
      continue;
    }
    if (drive >= rest.everyMin - 1e-6) {
      addStop('rest', rest.restMin);
      continue;
    }
    const seg = segmentAt(route, x + 1e-9);
    const pace = expectedPace(model, seg, hour);
    const driveMinPerKm = pace.hPerKm * 60 * p.paceMult;
    const minPerKm = driveMinPerKm + p.delayMinPerKm;
    const limitKm = Math.min(seg.startKm + seg.km, hub ? hub.km : Infinity, route.totalKm) - x;
    const km = Math.max(1e-6, Math.min(limitKm, minutesToNextHour(t) / minPerKm, (rest.everyMin - drive) / driveMinPerKm));
    x += km;
    t += km * minPerKm * MINUTE_MS;
    drive += km * driveMinPerKm;
    out.drivingMin += km * driveMinPerKm;
    out.delayMin += km * p.delayMinPerKm;
    const e = out.segments.get(seg.id) ?? {
      id: seg.id, from: seg.from.name, to: seg.to.name, roadType: seg.roadType, roadLabel: ROAD_TYPE_LABELS[seg.roadType],
      km: 0, minutes: 0, speedKmh: 0, source: pace.source, samples: pace.samples, sdRatio: pace.sdRatio,
    };
    e.km += km;
    e.minutes += km * driveMinPerKm;
    out.segments.set(seg.id, e);
  }
  out.end = t;
  return out;
}

/** Standard normal quantile for a two-sided interval of the given coverage. */
function zFor(confidence: number): number {
  return normalQuantile(1 - (1 - confidence) / 2);
}

/**
 * A hand-over under way for `elapsedMin`: the median of the time still to go, with the dwell taken
 * as log-normal of the learned mean and spread (dwell times are skewed: a long one runs on).
 */
export function remainingDwellMedian(meanMin: number, sdMin: number, elapsedMin: number): number {
  const sigma = Math.sqrt(Math.log(1 + (sdMin / meanMin) ** 2));
  const mu = Math.log(meanMin) - (sigma * sigma) / 2;
  const survival = elapsedMin > 0 ? 1 - normalCdf((Math.log(elapsedMin) - mu) / sigma) : 1;
  if (survival < 1e-6) return 5; // far beyond anything seen: expect it to end soon
  return Math.exp(mu + sigma * normalQuantile(1 - survival / 2)) - elapsedMin;
}

/**
 * An unplanned stop under way for `elapsedMin`: the median of the time still to go, with its length
 * taken as a minimum plus a memoryless part, matched to the learned mean and spread.
 */
export function remainingDelayMedian(meanMin: number, sdMin: number, elapsedMin: number): number {
  const scale = Math.min(meanMin, Math.max(1, sdMin));
  const shift = meanMin - scale;
  return Math.max(0, shift - elapsedMin) + scale * Math.LN2;
}

/**
 * The median of N(0, sdOtherMin²) + unplanned stops (compound Poisson: `expected` stops of a mean
 * length and spread), minutes. Unplanned stops are rare and long, so their mean is a poor point
 * estimate: on most trips there is none. Each k stops' total is taken as normal.
 */
export function delayAllowanceMedian(expected: number, meanMin: number, sdMin: number, sdOtherMin: number): number {
  if (expected <= 0) return 0;
  const terms: Array<{ p: number; mean: number; sd: number }> = [];
  let pk = Math.exp(-expected);
  for (let k = 0; k < 60 && (k <= expected || pk > 1e-9); k++) {
    terms.push({ p: pk, mean: k * meanMin, sd: Math.sqrt(sdOtherMin * sdOtherMin + k * sdMin * sdMin) || 1e-6 });
    pk *= expected / (k + 1);
  }
  const cdf = (x: number) => terms.reduce((acc, t) => acc + t.p * normalCdf((x - t.mean) / t.sd), 0);
  let lo = 0;
  let hi = expected * meanMin + 6 * Math.sqrt(sdOtherMin * sdOtherMin + expected * (meanMin * meanMin + sdMin * sdMin)) + 1;
  for (let i = 0; i < 50; i++) {
    const mid = (lo + hi) / 2;
    if (cdf(mid) < 0.5) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** Where the carrier is along the route, given its fix and what the milestones say. */
export function progressAlong(route: Route, state: TrackingState, position?: LatLng, alongKm?: number): { alongKm: number; offKm: number } {
  if (state.arrivedAt !== undefined) return { alongKm: route.totalKm, offKm: 0 };
  let along = alongKm ?? 0;
  let off = 0;
  if (alongKm === undefined && position) {
    const proj = projectOntoPolyline(position, route.points, route.cumKm);
    along = proj.alongKm;
    off = proj.offKm;
  }
  // Milestones pin the position: at a hub it is at the hub; past a hub it is not before it.
  if (state.stop?.kind === 'hub') {
    const hub = route.hubs.find((h) => h.code === state.stop!.place);
    if (hub) along = hub.km;
  }
  for (const h of route.hubs) if (state.hubsDone.includes(h.code)) along = Math.max(along, h.km);
  return { alongKm: Math.min(route.totalKm, Math.max(0, along)), offKm: off };
}

export function estimateEta(input: EtaInput): EtaEstimate {
  const { route } = input;
  const confidence = input.confidence ?? 0.8;
  const state = trackingStateAt(input.milestones, input.at);
  const { alongKm, offKm } = progressAlong(route, state, input.position, input.alongKm);

  if (state.arrivedAt !== undefined) {
    return {
      asOf: input.at, etaAt: state.arrivedAt, lowAt: state.arrivedAt, highAt: state.arrivedAt, confidence, totalKm: round1(route.totalKm),
      progressKm: round1(route.totalKm), remainingKm: 0, offRouteKm: 0, arrived: true, drivingMin: 0, restStops: 0, restMin: 0,
      nightStops: 0, nightMin: 0, dwellMin: 0, delayAllowanceMin: 0, segments: [], stops: [], calibration: null, tripPace: null,
      summary: `已于 ${formatDateTimeCN(state.arrivedAt)} 到达${route.destination.name}`,
    };
  }

  const delay = expectedDelay(input.model);
  const remainingKm = route.totalKm - alongKm;
  const known = input.milestones.filter((m) => m.at <= input.at);
  const pace = input.track ? tripPace(route, input.model, input.track.filter((p) => p.at <= input.at), known) : null;
  const paceMult = pace?.factor ?? 1;
  // Without unplanned stops first: their spread around this walk is what the stops' median is taken against.
  const moving = walk(input, alongKm, state, { paceMult, dwellAddMin: {}, delayMinPerKm: 0, currentStopAddMin: 0 });

  // Variances (minutes²) of the three independent sources, then each one's share of the interval.
  let moveVar = 0;
  for (const s of moving.segments.values()) moveVar += (s.sdRatio * s.minutes) ** 2;
  const dwellVar = moving.hubSds.reduce((sum, sd) => sum + sd * sd, 0);
  // The point estimate is the median arrival: unplanned stops count with their median share, not their mean.
  const allowanceMin = delayAllowanceMedian(remainingKm * delay.perKm, delay.meanMin, delay.sdMin, Math.sqrt(moveVar + dwellVar));
  const nominal = walk(input, alongKm, state, { paceMult, dwellAddMin: {}, delayMinPerKm: remainingKm > 0 ? allowanceMin / remainingKm : 0, currentStopAddMin: 0 });
  let delayVar = remainingKm * delay.min2PerKm;
  if (state.stop?.kind === 'delay') delayVar += (0.5 * delay.meanMin) ** 2;
  const totalVar = moveVar + dwellVar + delayVar;
  const z = zFor(confidence);
  const spread = z * Math.sqrt(totalVar);
  const share = (v: number) => (totalVar > 0 ? (spread * v) / totalVar : 0);
  const moveShare = share(moveVar);
  const dwellShare = share(dwellVar);
  const delayShare = share(delayVar);
  const hubCodes = [...(state.stop?.kind === 'hub' && state.stop.place ? [state.stop.place] : []), ...route.hubs.filter((h) => nominal.stops.some((s) => s.kind === 'hub' && s.place === h.code)).map((h) => h.code)];
  const perHub = (sign: number) => Object.fromEntries(hubCodes.map((c) => [c, (sign * dwellShare) / Math.max(1, hubCodes.length)]));
  const relMove = nominal.drivingMin > 0 ? moveShare / nominal.drivingMin : 0;
  const currentIsHub = state.stop?.kind === 'hub';
  const high = walk(input, alongKm, state, {
    paceMult: paceMult * (1 + relMove),
    dwellAddMin: perHub(1),
    delayMinPerKm: remainingKm > 0 ? delay.minPerKm + delayShare / remainingKm : 0,
    currentStopAddMin: currentIsHub ? dwellShare / Math.max(1, hubCodes.length) : state.stop?.kind === 'delay' ? delayShare : 0,
  });
  const low = walk(input, alongKm, state, {
    paceMult: paceMult * Math.max(0.6, 1 - relMove),
    dwellAddMin: perHub(-1),
    delayMinPerKm: 0,
    currentStopAddMin: currentIsHub ? -dwellShare / Math.max(1, hubCodes.length) : 0,
  });

  // Instants are whole milliseconds (like Date): the simulation's floating-point sums must not
  // make a position further along come out a fraction of a millisecond later.
  const etaAt = Math.round(nominal.end);
  let lowAt = Math.min(Math.round(low.end), etaAt);
  let highAt = Math.max(Math.round(high.end), etaAt);
  // The variance model's interval is too narrow in practice (simplified independence); stretch
  // each side by what past trips at this progress showed (calibration.ts).
  const calibration = input.calibrate === false ? null : intervalScale(input.model, route.totalKm > 0 ? alongKm / route.totalKm : 1, confidence);
  if (calibration) {
    const floor = MIN_HALF_WIDTH_MIN * MINUTE_MS;
    lowAt = Math.min(etaAt, Math.round(etaAt - calibration.lo * Math.max(floor, etaAt - lowAt)));
    highAt = Math.max(etaAt, Math.round(etaAt + calibration.hi * Math.max(floor, highAt - etaAt)));
  }
  const hours = (m: number) => round1(m / 60);
  const hubNames = nominal.stops.filter((s) => s.kind === 'hub').map((s) => s.placeName);
  const parts = [`剩余约 ${formatKm(remainingKm)} 公里，预计行驶 ${hours(nominal.drivingMin)} 小时`];
  if (hubNames.length) parts.push(`在${hubNames.join('、')}中转交接约 ${hours(nominal.dwellMin)} 小时`);
  if (nominal.restStops) parts.push(`途中休息 ${nominal.restStops} 次`);
  if (nominal.nightStops) parts.push(`夜间停车 ${nominal.nightStops} 次（约 ${hours(nominal.nightMin)} 小时）`);
  if (pace && Math.abs(pace.factor - 1) >= 0.01) parts.push(`按本车此前车速${pace.factor > 1 ? '慢' : '快'}约 ${Math.round(Math.abs(pace.factor - 1) * 100)}% 估算`);
  const summary = `${parts.join('，')}。预计 ${formatDateTimeCN(etaAt)} 到达${route.destination.name}（${Math.round(confidence * 100)}% 可能在 ${formatDateTimeCN(lowAt)} 至 ${formatDateTimeCN(highAt)} 之间）`;

  return {
    asOf: input.at,
    etaAt,
    lowAt,
    highAt,
    confidence,
    totalKm: round1(route.totalKm),
    progressKm: round1(alongKm),
    remainingKm: round1(remainingKm),
    offRouteKm: round1(offKm),
    arrived: false,
    drivingMin: Math.round(nominal.drivingMin),
    restStops: nominal.restStops,
    restMin: Math.round(nominal.restMin),
    nightStops: nominal.nightStops,
    nightMin: Math.round(nominal.nightMin),
    dwellMin: Math.round(nominal.dwellMin),
    delayAllowanceMin: Math.round(nominal.delayMin),
    segments: [...nominal.segments.values()].map(({ sdRatio: _sd, ...s }) => ({ ...s, km: round1(s.km), minutes: Math.round(s.minutes), speedKmh: s.minutes > 0 ? round1(s.km / (s.minutes / 60)) : 0 })),
    stops: nominal.stops.map((s) => ({ ...s, minutes: Math.round(s.minutes) })),
    summary,
    calibration: calibration ? { lo: Math.round(calibration.lo * 100) / 100, hi: Math.round(calibration.hi * 100) / 100, samples: calibration.samples } : null,
    tripPace: pace ? { factor: Math.round(pace.factor * 1000) / 1000, drivenH: round1(pace.drivenH) } : null,
  };
}
