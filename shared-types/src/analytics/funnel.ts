/**
 * Funnels: ordered steps (event names). A unit (an anonymous device id) enters at step 1 and
 * advances one step at a time, only by the next step's event, within a conversion window. A step
 * written `name?` is optional (金融方案 on the way to paying): a unit may skip it, and is then
 * counted at the later step it reached without being counted at the skipped one. Its
 * whole journey is credited to its cohort: the Asia/Shanghai day and segment of its step-1 event,
 * so a report over a date range reads "of the units who started in this range, how many got how
 * far" and counts can only fall from one required step to the next.
 *
 * The BFF keeps this as pre-aggregated counters (a Lua script in Redis applies `advanceFunnel`);
 * `countFunnel` is the plain reference over raw events, used by tests to check those counters.
 */

/** The dimensions a report can be cut by; '*' = any. */
export interface AnalyticsSegment {
  platform: string;
  model: string;
  city: string;
}
export const SEGMENT_ANY = '*';

/** Every filter combination an event counts towards (2^3 = 8), as counter field prefixes. */
export function segmentKeys(seg: AnalyticsSegment): string[] {
  const keys: string[] = [];
  for (const p of [seg.platform, SEGMENT_ANY]) for (const m of [seg.model, SEGMENT_ANY]) for (const c of [seg.city, SEGMENT_ANY]) keys.push(`${p}|${m}|${c}`);
  return [...new Set(keys)];
}

/** The counter field prefix a report filter reads. */
export function segmentKey(filter: Partial<AnalyticsSegment>): string {
  return `${filter.platform || SEGMENT_ANY}|${filter.model || SEGMENT_ANY}|${filter.city || SEGMENT_ANY}`;
}

/** A step a unit may skip (written with a trailing `?`); the first step cannot be optional. */
export const isOptionalStep = (step: string) => step.endsWith('?');
/** The event name a step waits for. */
export const stepEvent = (step: string) => (isOptionalStep(step) ? step.slice(0, -1) : step);

/**
 * Next step index (0-based) the unit reaches with this event, or null if the event does not advance
 * it. `reached` = steps done (0 = not in the funnel). Optional steps in between may be skipped.
 * (The Redis script in bff/src/modules/analytics/aggregates.ts does the same.)
 */
export function advanceFunnel(steps: readonly string[], reached: number, eventName: string): number | null {
  if (reached === 0) return steps.length > 0 && stepEvent(steps[0]) === eventName ? 0 : null;
  for (let j = reached; j < steps.length; j++) {
    if (stepEvent(steps[j]) === eventName) return j;
    if (!isOptionalStep(steps[j])) return null;
  }
  return null;
}

/** YYYY-MM-DD of an instant in Asia/Shanghai (UTC+8, no DST). */
export function shanghaiDay(at: Date | string | number): string {
  return new Date(new Date(at).getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** Every day from `from` to `to` inclusive (YYYY-MM-DD). */
export function shanghaiDaysInRange(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

export interface FunnelStepRow {
  /** The step's event name. */
  name: string;
  /** A step units may skip: later steps count units that skipped it. */
  optional: boolean;
  count: number;
  /** Share of the previous required step's units that reached this step (1 for the first step). */
  conversion: number;
  /** Share of step 1's units that reached this step. */
  overall: number;
  /** Units of the previous required step that did not reach this one (for an optional step: skipped it). */
  dropOff: number;
  dropOffRate: number;
}

/** Step conversion and drop-off from the count of units that reached each step, each against the previous required step. */
export function funnelRows(steps: readonly string[], counts: readonly number[]): FunnelStepRow[] {
  let lastRequired = 0;
  return steps.map((step, i) => {
    const count = counts[i] ?? 0;
    const prev = i === 0 ? count : (counts[lastRequired] ?? 0);
    const first = counts[0] ?? 0;
    const optional = i > 0 && isOptionalStep(step);
    if (!optional) lastRequired = i;
    const conversion = i === 0 ? (count > 0 ? 1 : 0) : prev > 0 ? count / prev : 0;
    const dropOff = i === 0 ? 0 : Math.max(0, prev - count);
    return { name: stepEvent(step), optional, count, conversion, overall: first > 0 ? count / first : 0, dropOff, dropOffRate: i === 0 || prev === 0 ? 0 : dropOff / prev };
  });
}

export interface RawEvent {
  unit: string;
  name: string;
  at: string | Date;
  segment: AnalyticsSegment;
}

/**
 * Reference computation over raw events (sorted by time per unit): units reaching each step,
 * cohort day in [from, to], matching the filter, within `windowMs` of entering.
 */
export function countFunnel(events: readonly RawEvent[], steps: readonly string[], range: { from: string; to: string }, filter: Partial<AnalyticsSegment> = {}, windowMs = 30 * 86_400_000): number[] {
  const counts = steps.map(() => 0);
  const want = segmentKey(filter);
  const state = new Map<string, { reached: number; enteredAt: number; day: string; keys: string[] }>();
  const sorted = [...events].sort((a, b) => new Date(a.at).getTime() - new Date(b.at).getTime());
  for (const e of sorted) {
    const t = new Date(e.at).getTime();
    let s = state.get(e.unit);
    if (s && t - s.enteredAt > windowMs) s = undefined; // window over: may enter again
    const reached = s?.reached ?? 0;
    const step = advanceFunnel(steps, reached, e.name);
    if (step === null) continue;
    if (step === 0) s = { reached: 0, enteredAt: t, day: shanghaiDay(t), keys: segmentKeys(e.segment) };
    s!.reached = step + 1;
    state.set(e.unit, s!);
    if (s!.day >= range.from && s!.day <= range.to && s!.keys.includes(want)) counts[step]++;
  }
  return counts;
}
