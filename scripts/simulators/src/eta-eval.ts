/**
 * ETA evaluation (a benchmark that prints figures, not a timed test). Pure: no servers.
 *
 *   pnpm --filter @carmall/simulators eta-eval [--seed 20261128] [--train 300] [--trips 500] [--explain [--oracle 21]]
 *
 * 1. Simulates `train` past trips with the TMS simulator's movement model (shared-types
 *    delivery/sim.ts) and learns the ETA model from their position reports and milestones, exactly
 *    as the BFF does when a shipment arrives: the movement model, and the interval calibration
 *    (each trip re-estimated at 10..90% with the model as it was before it; calibration.ts).
 * 2. Simulates `trips` other trips (different seeds, all five delivery centres, departures spread
 *    over a month and the day) and, at 25/50/75/90% of each trip's duration, asks the ETA engine
 *    with only what a TMS would have reported by then (the latest position and the milestones).
 * 3. Prints the absolute error against the simulated arrival (median and p90), the share of trips
 *    within 2 hours, and how often the 80% interval contained the arrival; the same for the engine
 *    with priors only (nothing learned) and for a naive "remaining km / 60 km/h" baseline.
 * 4. --explain: where the error comes from (eta-explain.ts): bias and spread of each part of the
 *    remaining time (driving, rests, night stops, hub hand-overs, unplanned stops), the error by the
 *    hour of day, and an oracle bound: the median of `--oracle` re-simulations of the rest of each
 *    trip from its true state, i.e. the error left when only the future's randomness is unknown.
 * The engine gets what the BFF has: the latest fix, the milestones, and the 30-minute track.
 */
import {
  calibrationFromTrip,
  createRng,
  DELIVERY_CENTRES,
  downsampleTrack,
  emptyEtaModel,
  estimateEta,
  learnFromTrip,
  mergeEtaModels,
  routeTo,
  simulateTrip,
  type EtaModel,
  type Milestone,
  type SimTrip,
} from '@carmall/shared-types';
import { actualParts, oracleErrorH, predictedParts, printExplain, type PointRecord } from './eta-explain';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i++) {
  const next = process.argv[i + 1];
  const hasValue = next !== undefined && !next.startsWith('--');
  args.set(process.argv[i].replace(/^--/, ''), hasValue ? next : 'true');
  if (hasValue) i++;
}
const EXPLAIN = args.has('explain');
/** Re-simulations per point for the oracle bound (--explain only; 0 to skip). */
const ORACLE_RUNS = Number(args.get('oracle') ?? 21);
const SEED = Number(args.get('seed') ?? 20261128);
const TRAIN = Number(args.get('train') ?? 300);
const TRIPS = Number(args.get('trips') ?? 500);
const FRACTIONS = [0.25, 0.5, 0.75, 0.9];
const HOUR = 3_600_000;
const START = Date.UTC(2026, 0, 1, 0, 0);

function trip(rng: ReturnType<typeof createRng>): SimTrip {
  const centre = DELIVERY_CENTRES[rng.int(DELIVERY_CENTRES.length)];
  return simulateTrip({ route: routeTo(centre), departAt: START + Math.floor(rng.next() * 30 * 24) * HOUR + rng.int(60) * 60_000, seed: rng.int(2 ** 31) });
}
const milestonesOf = (t: SimTrip): Milestone[] =>
  t.events.filter((e) => e.type !== 'position').map((e) => ({ type: e.type as Milestone['type'], at: e.at, place: e.place, kind: e.kind }));

const rng = createRng(SEED);
let model: EtaModel = emptyEtaModel();
const t0 = Date.now();
for (let i = 0; i < TRAIN; i++) {
  const t = trip(rng);
  const pings = t.events.filter((e) => e.type === 'position');
  const ms = milestonesOf(t);
  // As the BFF's onArrived: calibration samples from the model before this trip, then both merged.
  model = mergeEtaModels(model, mergeEtaModels(learnFromTrip(t.route, pings, ms), calibrationFromTrip(t.route, model, pings, ms)));
}

type Method = 'learned' | 'prior' | 'naive';
const errors: Record<Method, number[][]> = { learned: FRACTIONS.map(() => []), prior: FRACTIONS.map(() => []), naive: FRACTIONS.map(() => []) };
const covered: Record<'learned' | 'prior', number[]> = { learned: FRACTIONS.map(() => 0), prior: FRACTIONS.map(() => 0) };
/** The learned model's interval without the calibration: what it covered before calibration existed. */
const coveredRaw = FRACTIONS.map(() => 0);
const widths: number[][] = FRACTIONS.map(() => []);
const allWithin2h: Record<Method, number> = { learned: 0, prior: 0, naive: 0 };
const prior = emptyEtaModel();
const durations: number[] = [];
const records: PointRecord[] = [];
const oracle = new Map<number, number[]>(FRACTIONS.map((f) => [f, []]));
const oracleNoDriver = new Map<number, number[]>(FRACTIONS.map((f) => [f, []]));
for (let i = 0; i < TRIPS; i++) {
  const t = trip(rng);
  durations.push((t.arriveAt - t.startedAt) / HOUR);
  const ms = milestonesOf(t);
  const ok: Record<Method, boolean> = { learned: true, prior: true, naive: true };
  FRACTIONS.forEach((f, k) => {
    const evalAt = t.startedAt + f * (t.arriveAt - t.startedAt);
    const known = ms.filter((m) => m.at <= evalAt);
    const fix = t.events.filter((e) => e.type === 'position' && e.at <= evalAt).pop()!;
    const at = Math.max(fix.at, ...known.map((m) => m.at));
    // The shipment's track so far (one fix per 30 minutes, as the BFF keeps it): the trip's own pace.
    const track = downsampleTrack(t.events.filter((e) => e.type === 'position' && e.at <= at));
    for (const [name, m] of [['learned', model], ['prior', prior]] as const) {
      const est = estimateEta({ route: t.route, model: m, at, position: fix, milestones: known, track });
      const err = Math.abs(est.etaAt - t.arriveAt) / HOUR;
      errors[name][k].push(err);
      if (err > 2) ok[name] = false;
      if (est.lowAt <= t.arriveAt && t.arriveAt <= est.highAt) covered[name][k] += 1;
      if (name === 'learned') {
        widths[k].push((est.highAt - est.lowAt) / HOUR);
        const raw = estimateEta({ route: t.route, model: m, at, position: fix, milestones: known, track, calibrate: false });
        if (raw.lowAt <= t.arriveAt && t.arriveAt <= raw.highAt) coveredRaw[k] += 1;
        if (EXPLAIN) {
          const pred = predictedParts(est);
          const act = actualParts(t, ms, at);
          records.push({ fraction: f, at, errH: (est.etaAt - t.arriveAt) / HOUR, predicted: pred.parts, actual: act.parts, nightsPredicted: pred.nights, nightsActual: act.nights });
          if (ORACLE_RUNS > 0) {
            oracle.get(f)!.push(oracleErrorH(t, ms, at, ORACLE_RUNS));
            oracleNoDriver.get(f)!.push(oracleErrorH(t, ms, at, ORACLE_RUNS, false));
          }
        }
      }
    }
    const naive = Math.abs(at + ((t.route.totalKm - fix.alongKm) / 60) * HOUR - t.arriveAt) / HOUR;
    errors.naive[k].push(naive);
    if (naive > 2) ok.naive = false;
  });
  for (const m of ['learned', 'prior', 'naive'] as const) if (ok[m]) allWithin2h[m] += 1;
}

const q = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
};
const fmt = (n: number) => n.toFixed(2).padStart(6);
const pct = (n: number) => `${(n * 100).toFixed(1)}%`.padStart(7);

console.log(`ETA evaluation — seed ${SEED}, ${TRAIN} training trips, ${TRIPS} evaluated trips (${Object.keys(model.segments).length} segments learned), ${((Date.now() - t0) / 1000).toFixed(1)} s`);
console.log(`trip duration: median ${q(durations, 0.5).toFixed(1)} h, p90 ${q(durations, 0.9).toFixed(1)} h, max ${Math.max(...durations).toFixed(1)} h`);
for (const m of ['learned', 'prior', 'naive'] as const) {
  const label = { learned: 'ETA engine, learned from past trips', prior: 'ETA engine, priors only (nothing learned)', naive: 'naive: remaining km / 60 km/h' }[m];
  console.log(`\n${label}`);
  console.log(`  point of trip | median abs error (h) | p90 abs error (h) | within 2 h${m === 'naive' ? '' : ' | 80% interval covers' + (m === 'learned' ? ' | uncalibrated covers | interval width median (h)' : '')}`);
  FRACTIONS.forEach((f, k) => {
    const e = errors[m][k];
    const within = e.filter((x) => x <= 2).length / e.length;
    const extra = m === 'naive' ? '' : ` | ${pct(covered[m][k] / e.length)}${m === 'learned' ? `             | ${pct(coveredRaw[k] / e.length)}             | ${fmt(q(widths[k], 0.5))}` : ''}`;
    console.log(`  ${String(f * 100).padStart(3)}%          | ${fmt(q(e, 0.5))}               | ${fmt(q(e, 0.9))}            | ${pct(within)}${extra}`);
  });
  console.log(`  trips within 2 h at all four points: ${pct(allWithin2h[m] / TRIPS)}`);
}

const mid = FRACTIONS.indexOf(0.5);
const allPoints = TRIPS * FRACTIONS.length;
console.log('\nheadline (learned model)');
console.log(`  p90 abs error at mid-trip: ${q(errors.learned[mid], 0.9).toFixed(2)} h; trips within 2 h at all four points: ${pct(allWithin2h.learned / TRIPS).trim()}`);
console.log(`  80% interval coverage over all points: ${pct(covered.learned.reduce((a, b) => a + b, 0) / allPoints).trim()} calibrated (uncalibrated: ${pct(coveredRaw.reduce((a, b) => a + b, 0) / allPoints).trim()})`);
if (EXPLAIN) printExplain(records, FRACTIONS, oracle, oracleNoDriver);
