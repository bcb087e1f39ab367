/**
 * Where the ETA error comes from (eta-eval --explain). For every evaluated point, the remaining
 * time the engine predicted is split into its parts (driving, regular rests, night stops, hub
 * hand-overs, unplanned stops) and set against the same parts of what the simulated carrier then
 * actually did. The printout shows, per part, its bias (mean of predicted - actual) and spread, and
 * its share of the variance of the total error (cov(part error, total error) / var(total error):
 * the shares add up to 100%), what the worst 10% of points got wrong, and the error by the hour of
 * day the estimate was made.
 */
import { alongAtTime, simulateTrip, stopIntervals, shanghaiHour, tripDriverFactor, type EtaEstimate, type Milestone, type SimTrip } from '@carmall/shared-types';

const MIN = 60_000;
export const PARTS = ['driving', 'rest', 'night', 'hub', 'delay'] as const;
type Part = (typeof PARTS)[number];

export interface PointRecord {
  fraction: number;
  at: number;
  /** eta - arrival, hours (positive: predicted too late). */
  errH: number;
  predicted: Record<Part, number>;
  actual: Record<Part, number>;
  nightsPredicted: number;
  nightsActual: number;
}

/** What the carrier did between `at` and its arrival, minutes per part (a stop under way at `at` counts from `at`). */
export function actualParts(trip: SimTrip, milestones: Milestone[], at: number): { parts: Record<Part, number>; nights: number } {
  const parts: Record<Part, number> = { driving: 0, rest: 0, night: 0, hub: 0, delay: 0 };
  let nights = 0;
  for (const s of stopIntervals(milestones)) {
    const overlap = Math.max(0, Math.min(s.end, trip.arriveAt) - Math.max(s.start, at)) / MIN;
    if (overlap <= 0) continue;
    parts[s.kind] += overlap;
    if (s.kind === 'night') nights += 1;
  }
  parts.driving = (trip.arriveAt - at) / MIN - parts.rest - parts.night - parts.hub - parts.delay;
  return { parts, nights };
}

export function predictedParts(est: EtaEstimate): { parts: Record<Part, number>; nights: number } {
  return {
    parts: { driving: est.drivingMin, rest: est.restMin, night: est.nightMin, hub: est.dwellMin, delay: est.delayAllowanceMin },
    nights: est.nightStops,
  };
}

/**
 * The oracle: it knows the carrier's true state at `at` — where it is, how long it has driven, its
 * hidden driver pace and, if it is stopped, when that stop truly ends — and re-draws the rest of the
 * trip `runs` times with fresh randomness (traffic, jams, rests, night extras, hub dwell, unplanned
 * stops). The median of those arrivals is the best point estimate anyone could make without knowing
 * the future's dice; its error is the irreducible part. (It knows more than any real system, so
 * its error is a lower bound.)
 */
export function oracleErrorH(trip: SimTrip, milestones: Milestone[], at: number, runs: number, knowsDriver = true): number {
  const stops = stopIntervals(milestones);
  const current = stops.find((s) => s.start <= at && at < s.end);
  const from = current ? current.end : at;
  const lastEnd = Math.max(trip.startedAt, ...stops.filter((s) => s.end <= from).map((s) => s.end));
  const hubsDone = milestones.filter((m) => m.type === 'hub_departed' && m.at <= from && m.place).map((m) => m.place!);
  const resume = { at: from, alongKm: alongAtTime(trip.knots, from), drivingMin: (from - lastEnd) / MIN, hubsDone, driver: tripDriverFactor(trip.seed) };
  const arrivals: number[] = [];
  for (let k = 0; k < runs; k++) {
    const seed = (trip.seed * 7919 + k * 104729 + 1) >>> 0;
    // Without the driver's hidden pace, each run draws one as a new trip would.
    arrivals.push(simulateTrip({ route: trip.route, departAt: from, seed, pingEveryMin: 1e9, resume: { ...resume, driver: knowsDriver ? resume.driver : tripDriverFactor(seed) } }).arriveAt);
  }
  arrivals.sort((a, b) => a - b);
  const median = runs % 2 ? arrivals[(runs - 1) / 2] : (arrivals[runs / 2 - 1] + arrivals[runs / 2]) / 2;
  return Math.abs(median - trip.arriveAt) / 3_600_000;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const quantile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] ?? NaN;
};
const cov = (a: number[], b: number[]) => {
  const ma = mean(a), mb = mean(b);
  return mean(a.map((x, i) => (x - ma) * (b[i] - mb)));
};
const f1 = (n: number, w = 7) => n.toFixed(1).padStart(w);
const f2 = (n: number, w = 6) => n.toFixed(2).padStart(w);
const pc = (n: number, w = 6) => `${(n * 100).toFixed(0)}%`.padStart(w);

export function printExplain(records: PointRecord[], fractions: number[], oracle?: Map<number, number[]>, oracleNoDriver?: Map<number, number[]>) {
  console.log('\n=== explain: where the error of the learned engine comes from ===');
  for (const f of fractions) {
    const rs = records.filter((r) => r.fraction === f);
    const total = rs.map((r) => r.errH * 60);
    const varT = cov(total, total);
    console.log(`\nat ${f * 100}% of the trip (${rs.length} points): error eta - arrival, minutes: mean ${f1(mean(total), 0)}, median ${f1(quantile(total, 0.5), 0)}, sd ${f1(Math.sqrt(varT), 0)}, p10 ${f1(quantile(total, 0.1), 0)}, p90 ${f1(quantile(total, 0.9), 0)}`);
    console.log('  part     | predicted mean | actual mean | bias (mean pred-act) | median pred-act | sd pred-act | share of error variance | worst 10%: mean pred-act | around p90 (80-95th pct of |error|): mean |pred-act|');
    const byAbs = [...rs].sort((a, b) => Math.abs(b.errH) - Math.abs(a.errH));
    const worst = byAbs.slice(0, Math.max(1, Math.round(rs.length / 10)));
    // The points that set the p90 of |error| (not the few far-off ones that dominate the variance).
    const nearP90 = byAbs.slice(Math.round(rs.length * 0.05), Math.max(Math.round(rs.length * 0.05) + 1, Math.round(rs.length * 0.2)));
    for (const p of PARTS) {
      const e = rs.map((r) => r.predicted[p] - r.actual[p]);
      console.log(
        `  ${p.padEnd(8)} | ${f1(mean(rs.map((r) => r.predicted[p])), 14)} | ${f1(mean(rs.map((r) => r.actual[p])), 11)} | ${f1(mean(e), 20)} | ${f1(quantile(e, 0.5), 15)} | ${f1(Math.sqrt(cov(e, e)), 11)} | ${pc(varT > 0 ? cov(e, total) / varT : 0, 23)} | ${f1(mean(worst.map((r) => r.predicted[p] - r.actual[p])), 24)} | ${f1(mean(nearP90.map((r) => Math.abs(r.predicted[p] - r.actual[p]))), 10)}`,
      );
    }
    const missed = rs.filter((r) => r.nightsPredicted !== r.nightsActual);
    console.log(`  night stops predicted != actual: ${pc(missed.length / rs.length, 0)} of points; their median |error| ${f2(quantile(missed.map((r) => Math.abs(r.errH)), 0.5), 0)} h (others ${f2(quantile(rs.filter((r) => r.nightsPredicted === r.nightsActual).map((r) => Math.abs(r.errH)), 0.5), 0)} h)`);
    const o = oracle?.get(f);
    if (o?.length) console.log(`  oracle bound (median of re-simulations of the rest of the trip from its true state): median |error| ${f2(quantile(o, 0.5), 0)} h, p90 ${f2(quantile(o, 0.9), 0)} h`);
    const od = oracleNoDriver?.get(f);
    if (od?.length) console.log(`  the same oracle without the driver's hidden pace: median |error| ${f2(quantile(od, 0.5), 0)} h, p90 ${f2(quantile(od, 0.9), 0)} h`);
  }
  console.log('\nby the hour of day (Shanghai) the estimate was made, all points: n | median |error| h | p90 |error| h | mean error h');
  for (let h0 = 0; h0 < 24; h0 += 3) {
    const rs = records.filter((r) => shanghaiHour(r.at) >= h0 && shanghaiHour(r.at) < h0 + 3);
    const abs = rs.map((r) => Math.abs(r.errH));
    console.log(`  ${String(h0).padStart(2, '0')}-${String(h0 + 3).padStart(2, '0')} | ${String(rs.length).padStart(4)} | ${f2(quantile(abs, 0.5))} | ${f2(quantile(abs, 0.9))} | ${f2(mean(rs.map((r) => r.errH)))}`);
  }
}
