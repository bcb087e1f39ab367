import type { MilestoneType } from './model';

/**
 * Delivery alerts to the buyer and their advisor: milestone alerts (departed from the factory, at a
 * hub, arriving today, arrived at the centre) and delay alerts (the ETA slipped by more than a
 * threshold past the ETA the buyer was last told). Pure: the shipment keeps an AlertState and every
 * recomputation asks what is new. Each alert has a stable id, so applying the same state twice, or
 * events in another order, never yields an alert twice.
 */

export type AlertKind = 'departed' | 'hub_arrived' | 'arriving_today' | 'arrived' | 'delay';

export interface AlertState {
  /** Ids of alerts already decided (sent or deliberately skipped). */
  sent: string[];
  /** The ETA the buyer was last told (ms), or null before the first estimate. */
  etaBaselineAt: number | null;
  /** Delay alerts decided so far (the next one's id is `delay:${delaySeq + 1}`). */
  delaySeq: number;
}

export interface Alert {
  id: string;
  kind: AlertKind;
  /** When it happened: the milestone's time, or the estimate's `asOf`. */
  at: number;
  place?: string;
  /** The ETA and interval at the time of the alert (absent once arrived). */
  eta?: { etaAt: number; lowAt: number; highAt: number };
  /** For a delay: how much later than the baseline, minutes. */
  slipMin?: number;
}

export interface AlertInput {
  milestones: Array<{ type: MilestoneType; at: number; place?: string }>;
  eta: { etaAt: number; lowAt: number; highAt: number; asOf: number; arrived: boolean } | null;
}

export const DEFAULT_SLIP_THRESHOLD_MS = 2 * 3_600_000;

export const emptyAlertState = (): AlertState => ({ sent: [], etaBaselineAt: null, delaySeq: 0 });

const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const shanghaiDay = (ms: number) => Math.floor((ms + SHANGHAI_OFFSET_MS) / 86_400_000);

/** A milestone learned this long after it happened (a TMS outage, a shipment older than alerts) is not announced. */
export const DEFAULT_STALE_AFTER_MS = 6 * 3_600_000;

export function decideAlerts(state: AlertState, input: AlertInput, opts: { slipThresholdMs?: number; staleAfterMs?: number } = {}): { alerts: Alert[]; state: AlertState } {
  const threshold = opts.slipThresholdMs ?? DEFAULT_SLIP_THRESHOLD_MS;
  const staleAfter = opts.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
  const now = Math.max(input.eta?.asOf ?? 0, ...input.milestones.map((m) => m.at));
  const sent = new Set(state.sent);
  const alerts: Alert[] = [];
  let { etaBaselineAt, delaySeq } = state;
  const eta = input.eta && !input.eta.arrived ? { etaAt: input.eta.etaAt, lowAt: input.eta.lowAt, highAt: input.eta.highAt } : undefined;
  const arrived = input.milestones.find((m) => m.type === 'arrived');

  const emit = (a: Alert) => {
    sent.add(a.id);
    alerts.push(a);
    // The buyer is told the current ETA with every alert: later slips are measured from it.
    if (a.eta) etaBaselineAt = a.eta.etaAt;
  };

  for (const m of input.milestones) {
    const id = m.type === 'hub_arrived' ? `hub_arrived:${m.place ?? ''}` : m.type;
    if ((m.type !== 'departed' && m.type !== 'hub_arrived' && m.type !== 'arrived') || sent.has(id)) continue;
    if ((arrived && m.type !== 'arrived') || now - m.at > staleAfter) {
      // Old news (an earlier milestone delivered after the arrival, or hours late): decided, not sent.
      sent.add(id);
      continue;
    }
    emit({ id, kind: m.type, at: m.at, ...(m.place ? { place: m.place } : {}), ...(eta && m.type !== 'arrived' ? { eta } : {}) });
  }

  if (!arrived && eta && input.eta) {
    const departed = input.milestones.find((m) => m.type === 'departed');
    if (departed && !sent.has('arriving_today') && shanghaiDay(eta.etaAt) === shanghaiDay(input.eta.asOf)) {
      // A same-day trip: the departure alert already said when; no second message.
      if (shanghaiDay(departed.at) === shanghaiDay(eta.etaAt)) sent.add('arriving_today');
      else emit({ id: 'arriving_today', kind: 'arriving_today', at: input.eta.asOf, eta });
    } else if (etaBaselineAt === null) {
      etaBaselineAt = eta.etaAt;
    } else if (eta.etaAt - etaBaselineAt > threshold) {
      const slipMin = Math.round((eta.etaAt - etaBaselineAt) / 60_000);
      delaySeq += 1;
      emit({ id: `delay:${delaySeq}`, kind: 'delay', at: input.eta.asOf, eta, slipMin });
    }
  }
  return { alerts, state: { sent: [...sent], etaBaselineAt, delaySeq } };
}

const pad = (n: number) => String(n).padStart(2, '0');
function parts(ms: number) {
  const d = new Date(ms + SHANGHAI_OFFSET_MS);
  return { m: d.getUTCMonth() + 1, d: d.getUTCDate(), hh: pad(d.getUTCHours()), mm: pad(d.getUTCMinutes()) };
}
const TEN_MIN = 600_000;

/**
 * The ETA as people read it, in Asia/Shanghai, to 10 minutes: { day: "11月30日", time: "14:00",
 * window: "13:10–15:20" } (the window names days when it spans more than the ETA's day).
 */
export function formatEtaCN(eta: { etaAt: number | string; lowAt: number | string; highAt: number | string }) {
  const at = Math.round(new Date(eta.etaAt).getTime() / TEN_MIN) * TEN_MIN;
  const low = Math.floor(new Date(eta.lowAt).getTime() / TEN_MIN) * TEN_MIN;
  const high = Math.ceil(new Date(eta.highAt).getTime() / TEN_MIN) * TEN_MIN;
  const a = parts(at), l = parts(low), h = parts(high);
  const sameDay = (x: { m: number; d: number }) => x.m === a.m && x.d === a.d;
  const label = (x: ReturnType<typeof parts>) => (sameDay(x) ? `${x.hh}:${x.mm}` : `${x.m}月${x.d}日 ${x.hh}:${x.mm}`);
  const day = `${a.m}月${a.d}日`;
  const time = `${a.hh}:${a.mm}`;
  const window = `${label(l)}–${label(h)}`;
  return { day, time, window, text: `预计 ${day} ${time} 送达（${window}）` };
}
