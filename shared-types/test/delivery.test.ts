import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  cumulativeKm,
  DELIVERY_CENTRES,
  delayAllowanceMedian,
  deliveryCentres,
  downsampleTrack,
  emptyEtaModel,
  estimateEta,
  formatKm,
  haversineKm,
  learnFromTrip,
  mergeEtaModels,
  placeName,
  placeOf,
  pointAlong,
  projectOntoPolyline,
  remainingDelayMedian,
  remainingDwellMedian,
  routeTo,
  shanghaiHour,
  simulateTrip,
  trackingStateAt,
  tripPace,
  type EtaModel,
  type Milestone,
  type SimTrip,
} from '../src';

const HOUR = 3_600_000;
const DEPART = Date.UTC(2026, 2, 2, 0, 0); // 08:00 in Shanghai
const milestonesOf = (t: SimTrip): Milestone[] => t.events.filter((e) => e.type !== 'position').map((e) => ({ type: e.type as Milestone['type'], at: e.at, place: e.place, kind: e.kind }));

let trained: EtaModel | null = null;
function model(): EtaModel {
  if (trained) return trained;
  let m = emptyEtaModel();
  for (let i = 0; i < 40; i++) {
    const trip = simulateTrip({ route: routeTo(DELIVERY_CENTRES[i % 5]), departAt: DEPART + i * 7 * HOUR, seed: 1000 + i });
    m = mergeEtaModels(m, learnFromTrip(trip.route, trip.events.filter((e) => e.type === 'position'), milestonesOf(trip)));
  }
  return (trained = m);
}

describe('geometry', () => {
  it('measures real distances between Chinese cities', () => {
    // 上海 – 北京 is about 1 067 km as the crow flies; 宁波 – 杭州 about 145 km.
    expect(haversineKm({ lat: 31.23, lng: 121.47 }, { lat: 39.9, lng: 116.4 })).toBeCloseTo(1067, -1);
    expect(haversineKm({ lat: 29.87, lng: 121.55 }, { lat: 30.27, lng: 120.15 })).toBeGreaterThan(135);
    expect(haversineKm({ lat: 30, lng: 120 }, { lat: 30, lng: 120 })).toBe(0);
  });

  it('projects points on the route back to where they are, and off-route points to the nearest place', () => {
    const r = routeTo('BJS');
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), (f) => {
        const km = f * r.totalKm;
        const p = pointAlong(r.points, r.cumKm, km);
        const proj = projectOntoPolyline(p, r.points, r.cumKm);
        expect(proj.offKm).toBeLessThan(0.5);
        expect(Math.abs(proj.alongKm - km)).toBeLessThan(1.5);
      }),
      { numRuns: 200 },
    );
    // 10 km east of 南京 is still "at 南京" along the route, 10 km off it.
    const nkg = r.points.findIndex((p) => p.code === 'NKG');
    const off = projectOntoPolyline({ lat: r.points[nkg].lat, lng: r.points[nkg].lng + 0.1 }, r.points, r.cumKm);
    expect(Math.abs(off.alongKm - r.cumKm[nkg])).toBeLessThan(8);
    expect(off.offKm).toBeGreaterThan(3);
  });

  it('builds every route from the factory to its centre through its hubs', () => {
    for (const c of DELIVERY_CENTRES) {
      const r = routeTo(c);
      expect(r.origin.code).toBe('NGB');
      expect(r.destination.code).toBe(c);
      expect(r.hubs[0].code).toBe('HGH');
      expect(cumulativeKm(r.points).at(-1)).toBeCloseTo(r.totalKm);
      expect(r.segments.every((s) => s.km > 0)).toBe(true);
    }
    expect(routeTo('SHA').totalKm).toBeGreaterThan(250);
    expect(routeTo('CTU').totalKm).toBeGreaterThan(1800);
  });

  it('lists the delivery centres, nearest first when the buyer is located', () => {
    expect(deliveryCentres().map((c) => c.code)).toEqual([...DELIVERY_CENTRES]);
    expect(deliveryCentres()[0]).toEqual({ code: 'SHA', name: '上海交付中心', lat: 31.23, lng: 121.47 });
    // From 天津 北京 is nearest, then 西安 is further than 上海.
    const fromTianjin = deliveryCentres({ lat: 39.13, lng: 117.2 });
    expect(fromTianjin[0]).toMatchObject({ code: 'BJS', distanceKm: expect.any(Number) });
    expect(fromTianjin[0].distanceKm!).toBeLessThan(150);
    expect(fromTianjin.map((c) => c.distanceKm!)).toEqual([...fromTianjin.map((c) => c.distanceKm!)].sort((a, b) => a - b));
    expect(deliveryCentres({ lat: 23.0, lng: 113.7 })[0].code).toBe('CAN');
  });
});

describe('the carrier simulator', () => {
  it('is repeatable for a seed and differs between seeds', () => {
    const a = simulateTrip({ route: routeTo('XIY'), departAt: DEPART, seed: 7 });
    const b = simulateTrip({ route: routeTo('XIY'), departAt: DEPART, seed: 7 });
    const c = simulateTrip({ route: routeTo('XIY'), departAt: DEPART, seed: 8 });
    expect(b.events).toEqual(a.events);
    expect(c.arriveAt).not.toBe(a.arriveAt);
  });

  it('follows the rules: hubs in order, no driving from 00:00 to 06:00, rests after at most 4 hours at the wheel', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const trip = simulateTrip({ route: routeTo('CTU'), departAt: DEPART + seed * 5 * HOUR, seed });
      const ms = milestonesOf(trip);
      expect(ms.filter((m) => m.type === 'hub_arrived').map((m) => m.place)).toEqual(['HGH', 'WUH']);
      expect(ms.at(-1)!.type).toBe('arrived');
      for (let i = 1; i < trip.knots.length; i++) {
        const [t0, x0] = trip.knots[i - 1];
        const [, x1] = trip.knots[i];
        if (x1 > x0 + 1e-9 && trip.route.totalKm - x0 > 20) expect(shanghaiHour(t0)).toBeGreaterThanOrEqual(6);
      }
      const state = { since: trip.startedAt };
      for (const m of ms) {
        if (m.type === 'rest_started' || m.type === 'hub_arrived' || m.type === 'delay_started') expect(m.at - state.since).toBeLessThanOrEqual(4 * HOUR + 1);
        if (m.type === 'rest_ended' || m.type === 'hub_departed' || m.type === 'delay_ended') state.since = m.at;
      }
    }
  });

  it('an injected delay keeps the past and moves the arrival later', () => {
    const base = simulateTrip({ route: routeTo('SHA'), departAt: DEPART, seed: 3 });
    const at = DEPART + 2 * HOUR;
    const delayed = simulateTrip({ route: routeTo('SHA'), departAt: DEPART, seed: 3, injectedDelays: [{ at, minutes: 120 }] });
    expect(delayed.events.filter((e) => e.at < at)).toEqual(base.events.filter((e) => e.at < at));
    expect(delayed.arriveAt - base.arriveAt).toBeGreaterThan(100 * 60_000);
    expect(delayed.events.some((e) => e.type === 'delay_started')).toBe(true);
  });
});

describe('learning from trips', () => {
  it('adds up: learning two trips equals merging what each taught', () => {
    const trips = [1, 2].map((seed) => simulateTrip({ route: routeTo('SHA'), departAt: DEPART, seed }));
    const parts = trips.map((t) => learnFromTrip(t.route, t.events.filter((e) => e.type === 'position'), milestonesOf(t)));
    const merged = mergeEtaModels(parts[0], parts[1]);
    expect(merged.trips).toBe(2);
    expect(merged.dwell.HGH.n).toBe(2);
    const seg = 'SXG-HGH';
    expect(merged.segments[seg].km).toBeCloseTo(parts[0].segments[seg].km + parts[1].segments[seg].km);
    // The learned kilometres cover the route.
    const km = Object.values(parts[0].segments).reduce((s, c) => s + c.km, 0);
    expect(km).toBeGreaterThan(trips[0].route.totalKm * 0.95);
  });
});

describe('ETA engine', () => {
  it('explains itself: segments, hub hand-overs, rests and the night stop that remain', () => {
    const r = routeTo('BJS');
    const est = estimateEta({ route: r, model: model(), at: DEPART, milestones: [{ type: 'departed', at: DEPART }] });
    expect(est.remainingKm).toBeCloseTo(r.totalKm, 0);
    expect(est.stops.filter((s) => s.kind === 'hub').map((s) => s.place)).toEqual(['HGH', 'NKG']);
    expect(est.nightStops).toBeGreaterThanOrEqual(1);
    expect(est.restStops).toBeGreaterThanOrEqual(1);
    expect(est.segments.reduce((s, x) => s + x.km, 0)).toBeCloseTo(r.totalKm, -1);
    expect(est.segments.some((s) => s.source === 'learned')).toBe(true);
    expect(est.summary).toMatch(/^剩余约 [\d,]+ 公里，预计行驶 [\d.]+ 小时，在杭州中转库、南京中转库中转交接/);
    // Beijing is over 1,000 km away: the figure has a thousands separator, as the route line beside it does.
    expect(r.totalKm).toBeGreaterThan(1000);
    expect(est.summary.startsWith(`剩余约 ${formatKm(est.remainingKm)} 公里`)).toBe(true);
    expect(est.summary).toMatch(/^剩余约 \d,\d{3} 公里/);
    expect(est.drivingMin + est.restMin + est.nightMin + est.dwellMin + est.delayAllowanceMin).toBeCloseTo((est.etaAt - DEPART) / 60_000, -1);
  });

  it('finishes the stop the carrier is in: a hub hand-over, the night', () => {
    const r = routeTo('SHA');
    const hubKm = r.hubs[0].km;
    const arrivedHub = DEPART + 3 * HOUR;
    const ms: Milestone[] = [{ type: 'departed', at: DEPART }, { type: 'hub_arrived', at: arrivedHub, place: 'HGH' }];
    const justArrived = estimateEta({ route: r, model: emptyEtaModel(), at: arrivedHub, milestones: ms });
    const anHourLater = estimateEta({ route: r, model: emptyEtaModel(), at: arrivedHub + HOUR, milestones: ms });
    expect(justArrived.progressKm).toBeCloseTo(hubKm, 0);
    // The median of a log-normal dwell of mean 150 and sd 45 minutes (skewed: below the mean)…
    expect(justArrived.stops[0]).toMatchObject({ kind: 'hub', place: 'HGH', minutes: 144 });
    // …and, an hour in, the median of what is left of the dwells that last that long: a hand-over
    // still going on is more likely a long one, so the expected departure moves later, not earlier.
    expect(anHourLater.stops[0].minutes).toBe(84);
    expect(anHourLater.etaAt).toBeGreaterThanOrEqual(justArrived.etaAt);
    expect(anHourLater.etaAt - justArrived.etaAt).toBeLessThan(5 * 60_000);
    // Parked for the night at 01:00 in Shanghai: nothing moves before 06:00.
    const night = Date.UTC(2026, 2, 2, 17, 0);
    const parked = estimateEta({ route: r, model: emptyEtaModel(), at: night, alongKm: 50, milestones: [{ type: 'departed', at: night - 8 * HOUR }, { type: 'rest_started', kind: 'night', at: night - HOUR }] });
    expect(parked.stops[0]).toMatchObject({ kind: 'night', minutes: 300 });
    expect(trackingStateAt([{ type: 'rest_started', kind: 'night', at: night - HOUR }], night).stop?.kind).toBe('night');
  });

  it('counts stops under way and unplanned stops by their median, not their mean', () => {
    // A hand-over that has run long is expected to end soon, never in the past.
    expect(remainingDwellMedian(150, 45, 300)).toBeGreaterThan(0);
    expect(remainingDwellMedian(150, 45, 300)).toBeLessThan(remainingDwellMedian(150, 45, 60));
    // An unplanned stop: a minimum then memoryless (mean 90, sd 60: 30 min + exponential of 60).
    expect(remainingDelayMedian(90, 60, 0)).toBeCloseTo(30 + 60 * Math.LN2, 5);
    expect(remainingDelayMedian(90, 60, 120)).toBeCloseTo(60 * Math.LN2, 5);
    // 0.3 stops of 90 minutes expected: on most trips there is none, so the median allowance is
    // well below the mean (27 min); with many expected it approaches their mean.
    expect(delayAllowanceMedian(0.3, 90, 55, 40)).toBeLessThan(20);
    expect(delayAllowanceMedian(0.3, 90, 55, 40)).toBeGreaterThan(0);
    expect(delayAllowanceMedian(3, 90, 55, 40) / 270).toBeGreaterThan(0.85);
    expect(delayAllowanceMedian(0, 90, 55, 40)).toBe(0);
  });

  it("uses the carrier's own pace so far, shrunk toward the learned speeds", () => {
    const r = routeTo('BJS');
    const m = model();
    const trip = simulateTrip({ route: r, departAt: DEPART, seed: 77 });
    const at = trip.startedAt + 0.5 * (trip.arriveAt - trip.startedAt);
    const known = milestonesOf(trip).filter((x) => x.at <= at);
    const pings = trip.events.filter((e) => e.type === 'position' && e.at <= at);
    const fix = pings[pings.length - 1];
    const track = downsampleTrack(pings);
    expect(track.length).toBeLessThan(pings.length);
    const base = { route: r, model: m, at, position: fix, milestones: known };
    const pace = tripPace(r, m, track, known);
    expect(pace.drivenH).toBeGreaterThan(5);
    expect(Math.abs(pace.factor - 1)).toBeLessThan(0.2);
    // The same track driven in half the time would be a much faster carrier: the estimate follows it.
    const fast = tripPace(r, m, track.map((p) => ({ ...p, at: at - (at - p.at) / 2 })), []);
    expect(fast.factor).toBeLessThan(pace.factor);
    const withTrack = estimateEta({ ...base, track });
    const without = estimateEta(base);
    expect(withTrack.tripPace?.factor).toBeCloseTo(pace.factor, 2);
    expect(without.tripPace).toBeNull();
    expect(Math.sign(withTrack.drivingMin - without.drivingMin)).toBe(Math.sign(pace.factor - 1));
    if (Math.abs(pace.factor - 1) >= 0.01) expect(withTrack.summary).toMatch(/按本车此前车速[快慢]约 \d+% 估算/);
  });

  it('is final once arrived', () => {
    const r = routeTo('SHA');
    const est = estimateEta({ route: r, model: model(), at: DEPART + 12 * HOUR, milestones: [{ type: 'departed', at: DEPART }, { type: 'arrived', at: DEPART + 10 * HOUR }] });
    expect(est).toMatchObject({ arrived: true, remainingKm: 0, etaAt: DEPART + 10 * HOUR, lowAt: DEPART + 10 * HOUR, highAt: DEPART + 10 * HOUR });
  });

  const arbitrary = fc.record({
    centre: fc.constantFrom(...DELIVERY_CENTRES),
    a: fc.double({ min: 0, max: 1, noNaN: true }),
    b: fc.double({ min: 0, max: 1, noNaN: true }),
    hourOffset: fc.integer({ min: 0, max: 24 * 7 - 1 }),
    driving: fc.integer({ min: 0, max: 239 }),
    learned: fc.boolean(),
  });

  it('property: the interval contains the estimate, and the estimate is never before now', () => {
    fc.assert(
      fc.property(arbitrary, ({ centre, a, hourOffset, driving, learned }) => {
        const r = routeTo(centre);
        const at = DEPART + hourOffset * HOUR;
        const est = estimateEta({ route: r, model: learned ? model() : emptyEtaModel(), at, alongKm: a * r.totalKm, milestones: [{ type: 'departed', at: at - driving * 60_000 }] });
        expect(est.lowAt).toBeLessThanOrEqual(est.etaAt);
        expect(est.etaAt).toBeLessThanOrEqual(est.highAt);
        expect(est.etaAt).toBeGreaterThanOrEqual(at);
        expect(est.remainingKm).toBeCloseTo(r.totalKm - a * r.totalKm, 0);
      }),
      { numRuns: 150 },
    );
  });

  it('property: the ETA is monotone in the remaining distance (further along, same moment: never later)', () => {
    fc.assert(
      fc.property(arbitrary, ({ centre, a, b, hourOffset, driving, learned }) => {
        const r = routeTo(centre);
        const at = DEPART + hourOffset * HOUR;
        const [near, far] = [Math.min(a, b) * r.totalKm, Math.max(a, b) * r.totalKm];
        // Hubs already passed are handed over, so compare positions on the same side of every hub.
        fc.pre(r.hubs.every((h) => (h.km <= near + 1) === (h.km <= far + 1)));
        const input = { route: r, model: learned ? model() : emptyEtaModel(), at, milestones: [{ type: 'departed' as const, at: at - driving * 60_000 }] };
        const behind = estimateEta({ ...input, alongKm: near });
        const ahead = estimateEta({ ...input, alongKm: far });
        // Monotone up to the walk's piecewise rules (speeds change on the hour, rests start at a
        // driving-time threshold): a position metres ahead can cross one of those edges a moment
        // later, which measured up to ~1 s. Buyers see minutes; a minute is the bound that matters.
        expect(ahead.etaAt).toBeLessThanOrEqual(behind.etaAt + 60_000);
      }),
      { numRuns: 200 },
    );
  });
});

describe('place codes from the TMS that name Object.prototype properties (issue #26)', () => {
  it('are unknown places: named by their code, never learned as hubs, nothing polluted', () => {
    const r = routeTo('SHA');
    for (const code of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(placeOf(code)).toBeUndefined();
      expect(placeName(code)).toBe(code);
      const ms: Milestone[] = [
        { type: 'departed', at: DEPART },
        { type: 'hub_arrived', at: DEPART + HOUR, place: code },
        { type: 'hub_departed', at: DEPART + 2 * HOUR, place: code },
        { type: 'hub_arrived', at: DEPART + 3 * HOUR, place: 'HGH' },
        { type: 'hub_departed', at: DEPART + 5 * HOUR, place: 'HGH' },
      ];
      const learned = learnFromTrip(r, [], ms);
      expect(Object.keys(learned.dwell)).toEqual(['HGH']);
      expect(Object.getPrototypeOf(learned.dwell)).toBe(Object.prototype);
      expect(({} as Record<string, unknown>).n).toBeUndefined(); // Object.prototype untouched
      expect((Object as unknown as Record<string, unknown>).n).toBeUndefined(); // and Object itself
      const est = estimateEta({ route: r, model: emptyEtaModel(), at: DEPART + HOUR + 60_000, milestones: ms.slice(0, 2) });
      for (const s of est.stops) if (s.place === code) expect(s.placeName).toBe(code);
    }
    expect(placeName('HGH')).toBe('杭州中转库');
  });
});
