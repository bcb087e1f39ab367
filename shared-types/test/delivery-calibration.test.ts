import { describe, expect, it } from 'vitest';
import {
  calibrationFromTrip,
  CALIBRATION_MIN_TRIPS,
  createRng,
  DELIVERY_CENTRES,
  emptyEtaModel,
  estimateEta,
  intervalScale,
  learnFromTrip,
  mergeEtaModels,
  routeTo,
  simulateTrip,
  type EtaModel,
  type Milestone,
  type SimTrip,
} from '../src';

const HOUR = 3_600_000;
const START = Date.UTC(2026, 0, 1, 0, 0);
const milestonesOf = (t: SimTrip): Milestone[] => t.events.filter((e) => e.type !== 'position').map((e) => ({ type: e.type as Milestone['type'], at: e.at, place: e.place, kind: e.kind }));
const rng = createRng(4242);
const trip = () => simulateTrip({ route: routeTo(DELIVERY_CENTRES[rng.int(5)]), departAt: START + rng.int(30 * 24) * HOUR, seed: rng.int(2 ** 31) });

describe('ETA interval calibration', () => {
  let model: EtaModel = emptyEtaModel();
  const trained = (() => {
    for (let i = 0; i < 80; i++) {
      const t = trip();
      const pings = t.events.filter((e) => e.type === 'position');
      model = mergeEtaModels(model, mergeEtaModels(learnFromTrip(t.route, pings, milestonesOf(t)), calibrationFromTrip(t.route, model, pings, milestonesOf(t))));
    }
    return model;
  })();

  it('learns from completed trips once the model is mature, in mergeable histograms', () => {
    const t = trip();
    const pings = t.events.filter((e) => e.type === 'position');
    expect(calibrationFromTrip(t.route, emptyEtaModel(), pings, milestonesOf(t)).calibration).toEqual({}); // too young
    const c = calibrationFromTrip(t.route, trained, pings, milestonesOf(t));
    const n = Object.values(c.calibration!).reduce((s, h) => s + h.n, 0);
    expect(n).toBeGreaterThanOrEqual(8);
    expect(n).toBeLessThanOrEqual(9);
    // Adding a contribution adds its counts; a model stored before calibration existed merges too.
    const merged = mergeEtaModels(mergeEtaModels(trained, c), { ...emptyEtaModel(), calibration: undefined });
    const total = (m: EtaModel) => Object.values(m.calibration!).reduce((s, h) => s + h.n, 0);
    expect(total(merged)).toBe(total(trained) + n);
    expect(trained.trips).toBeGreaterThan(CALIBRATION_MIN_TRIPS);
  });

  it('stretches the too-narrow interval so that held-out arrivals fall in it about 80% of the time', () => {
    const scale = intervalScale(trained, 0.5, 0.8)!;
    expect(scale.samples).toBeGreaterThan(50);
    expect(Math.max(scale.lo, scale.hi)).toBeGreaterThan(1);
    let inCalibrated = 0;
    let inRaw = 0;
    let points = 0;
    for (let i = 0; i < 60; i++) {
      const t = trip();
      for (const f of [0.3, 0.6]) {
        const evalAt = t.startedAt + f * (t.arriveAt - t.startedAt);
        const known = milestonesOf(t).filter((m) => m.at <= evalAt);
        const fix = t.events.filter((e) => e.type === 'position' && e.at <= evalAt).pop()!;
        const at = Math.max(fix.at, ...known.map((m) => m.at));
        const cal = estimateEta({ route: t.route, model: trained, at, position: fix, milestones: known });
        const raw = estimateEta({ route: t.route, model: trained, at, position: fix, milestones: known, calibrate: false });
        expect(cal.etaAt).toBe(raw.etaAt); // calibration moves the ends, never the estimate
        expect(cal.calibration).not.toBeNull();
        points += 1;
        if (cal.lowAt <= t.arriveAt && t.arriveAt <= cal.highAt) inCalibrated += 1;
        if (raw.lowAt <= t.arriveAt && t.arriveAt <= raw.highAt) inRaw += 1;
      }
    }
    expect(inCalibrated).toBeGreaterThan(inRaw);
    expect(inCalibrated / points).toBeGreaterThan(0.68);
    expect(inCalibrated / points).toBeLessThan(0.93);
  });
});
