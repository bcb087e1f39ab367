import { estimateEta, type EtaEstimate } from './eta';
import { downsampleTrack, MIN_HALF_WIDTH_MIN, MINUTE_MS, progressBucket, residualBin, emptyEtaModel, type EtaModel, type Milestone, type Ping } from './model';
import type { Route } from './network';

/**
 * Interval calibration. The engine's 80% interval comes from a variance model that assumes
 * independent sources; on real (simulated) trips it covered only ~65-70% of arrivals. So when a
 * trip completes, the engine is asked again at several points of that trip — with the model as it
 * was before the trip, and only what the TMS had reported by then — and where the actual arrival
 * fell relative to the uncalibrated interval is recorded, normalised by that side's half-width:
 *   hi = (arrival - eta) / (high - eta),  lo = (eta - arrival) / (eta - low)
 * (a value above 1 means the arrival fell outside that side). The 90th percentiles of hi and lo in
 * the trip's progress bucket are then how far each side must be stretched for an 80% interval.
 * Histograms add up like the rest of the model, so a trip's contribution is one insert.
 */

/** Points of a trip (share of its duration) at which a completed trip is re-estimated. */
export const CALIBRATION_POINTS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
/** A model this young gives intervals unlike a mature one's: its trips teach the movement model only. */
export const CALIBRATION_MIN_TRIPS = 10;

export function calibrationSample(est: EtaEstimate, arrivedAt: number): { bucket: string; hi: number; lo: number } {
  const floor = MIN_HALF_WIDTH_MIN * MINUTE_MS;
  return {
    bucket: progressBucket(est.totalKm > 0 ? est.progressKm / est.totalKm : 1),
    hi: (arrivedAt - est.etaAt) / Math.max(floor, est.highAt - est.etaAt),
    lo: (est.etaAt - arrivedAt) / Math.max(floor, est.etaAt - est.lowAt),
  };
}

/** The calibration contribution of a completed trip (an EtaModel with only `calibration` filled). */
export function calibrationFromTrip(route: Route, model: EtaModel, pings: Ping[], milestones: Milestone[]): EtaModel {
  const out = emptyEtaModel();
  const arrived = milestones.find((m) => m.type === 'arrived');
  const departed = milestones.find((m) => m.type === 'departed');
  if (!arrived || model.trips < CALIBRATION_MIN_TRIPS) return out;
  const sorted = [...pings].sort((a, b) => a.at - b.at);
  const start = departed?.at ?? sorted[0]?.at;
  if (start === undefined || arrived.at <= start) return out;
  const track = downsampleTrack(sorted);
  for (const f of CALIBRATION_POINTS) {
    const evalAt = start + f * (arrived.at - start);
    const known = milestones.filter((m) => m.at <= evalAt && m.type !== 'arrived');
    let fix: Ping | undefined;
    for (const p of sorted) if (p.at <= evalAt) fix = p;
    if (!fix) continue;
    const at = Math.max(fix.at, ...known.map((m) => m.at));
    const est = estimateEta({ route, model, at, position: fix, milestones: known, calibrate: false, track: track.filter((p) => p.at <= at) });
    if (est.arrived) continue;
    const s = calibrationSample(est, arrived.at);
    const h = (out.calibration![s.bucket] ??= { n: 0, hi: {}, lo: {} });
    h.n += 1;
    h.hi[residualBin(s.hi)] = (h.hi[residualBin(s.hi)] ?? 0) + 1;
    h.lo[residualBin(s.lo)] = (h.lo[residualBin(s.lo)] ?? 0) + 1;
  }
  return out;
}
