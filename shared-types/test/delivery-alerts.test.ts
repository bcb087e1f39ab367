import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decideAlerts, emptyAlertState, formatEtaCN, type AlertInput, type AlertState } from '../src';

const H = 3_600_000;
const T0 = Date.UTC(2026, 2, 2, 0, 0); // 08:00 in Shanghai
const eta = (asOf: number, etaAt: number, arrived = false) => ({ etaAt, lowAt: etaAt - H, highAt: etaAt + H, asOf, arrived });
const run = (steps: AlertInput[], state: AlertState = emptyAlertState()) => {
  const ids: string[] = [];
  for (const s of steps) {
    const r = decideAlerts(state, s);
    ids.push(...r.alerts.map((a) => a.id));
    state = r.state;
  }
  return { ids, state };
};

describe('delivery alerts', () => {
  const departed = { type: 'departed' as const, at: T0 };
  const hub = { type: 'hub_arrived' as const, at: T0 + 3 * H, place: 'HGH' };
  const arrived = { type: 'arrived' as const, at: T0 + 30 * H };

  it('alerts each milestone once, with the current ETA, and stays quiet on repeats', () => {
    const first = decideAlerts(emptyAlertState(), { milestones: [departed], eta: eta(T0, T0 + 30 * H) });
    expect(first.alerts).toEqual([{ id: 'departed', kind: 'departed', at: T0, eta: { etaAt: T0 + 30 * H, lowAt: T0 + 29 * H, highAt: T0 + 31 * H } }]);
    expect(first.state.etaBaselineAt).toBe(T0 + 30 * H);
    expect(decideAlerts(first.state, { milestones: [departed], eta: eta(T0 + H, T0 + 30 * H) }).alerts).toEqual([]);
    const { ids } = run([
      { milestones: [departed], eta: eta(T0, T0 + 30 * H) },
      { milestones: [departed, hub], eta: eta(T0 + 3 * H, T0 + 30 * H) },
      { milestones: [departed, hub], eta: eta(T0 + 4 * H, T0 + 30 * H) },
      { milestones: [departed, hub, arrived], eta: eta(T0 + 30 * H, T0 + 30 * H, true) },
    ]);
    expect(ids).toEqual(['departed', 'hub_arrived:HGH', 'arrived']);
  });

  it('says "arriving today" once when the ETA falls on the current Shanghai day', () => {
    // ETA next day 10:00 Shanghai (02:00 UTC): not today at 08:00; today once the clock passes midnight.
    const etaAt = T0 + 26 * H;
    const { ids } = run([
      { milestones: [departed], eta: eta(T0, etaAt) },
      { milestones: [departed], eta: eta(T0 + 12 * H, etaAt) },
      { milestones: [departed], eta: eta(T0 + 17 * H, etaAt) },
      { milestones: [departed], eta: eta(T0 + 20 * H, etaAt) },
    ]);
    expect(ids).toEqual(['departed', 'arriving_today']);
    // A same-day trip: the departure alert carries the ETA; no second "today" message.
    expect(run([{ milestones: [departed], eta: eta(T0, T0 + 6 * H) }, { milestones: [departed], eta: eta(T0 + H, T0 + 6 * H) }]).ids).toEqual(['departed']);
  });

  it('alerts a delay once per slip beyond the threshold, measured from the ETA last told', () => {
    const base = T0 + 40 * H;
    const { ids, state } = run([
      { milestones: [departed], eta: eta(T0, base) },
      { milestones: [departed], eta: eta(T0 + H, base + 1.5 * H) }, // within 2 h: quiet
      { milestones: [departed], eta: eta(T0 + 2 * H, base + 2.5 * H) }, // slip 1
      { milestones: [departed], eta: eta(T0 + 3 * H, base + 2.6 * H) }, // same slip: quiet
      { milestones: [departed], eta: eta(T0 + 4 * H, base + 3 * H) },
      { milestones: [departed], eta: eta(T0 + 5 * H, base + 5 * H) }, // 2.5 h past the last told: slip 2
    ]);
    expect(ids).toEqual(['departed', 'delay:1', 'delay:2']);
    expect(state).toMatchObject({ delaySeq: 2, etaBaselineAt: base + 5 * H });
    const slip = decideAlerts({ sent: ['departed'], etaBaselineAt: base, delaySeq: 0 }, { milestones: [departed], eta: eta(T0 + H, base + 3 * H) }).alerts[0];
    expect(slip).toMatchObject({ kind: 'delay', slipMin: 180 });
  });

  it('does not announce old milestones that arrive after the arrival', () => {
    const { ids } = run([
      { milestones: [departed], eta: eta(T0, T0 + 30 * H) },
      { milestones: [departed, arrived], eta: eta(T0 + 30 * H, T0 + 30 * H, true) },
      { milestones: [departed, hub, arrived], eta: eta(T0 + 30 * H, T0 + 30 * H, true) },
    ]);
    expect(ids).toEqual(['departed', 'arrived']);
  });

  it('does not announce milestones learned hours after they happened (e.g. a shipment older than alerts)', () => {
    const late = decideAlerts(emptyAlertState(), { milestones: [departed, hub], eta: eta(T0 + 8 * H, T0 + 30 * H) });
    expect(late.alerts.map((a) => a.id)).toEqual(['hub_arrived:HGH']); // departed 8 h ago: skipped; the hub 5 h ago: told
    expect(late.state.sent).toEqual(expect.arrayContaining(['departed', 'hub_arrived:HGH']));
  });

  it('never alerts twice whatever order the milestones come in (property)', () => {
    const all = [departed, hub, { type: 'hub_arrived' as const, at: T0 + 9 * H, place: 'NKG' }, arrived];
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: all.length - 1 }), { minLength: 1, maxLength: 12 }), (order) => {
        const seen: typeof all = [];
        const steps: AlertInput[] = order.map((i) => {
          if (!seen.includes(all[i])) seen.push(all[i]);
          const ms = [...seen].sort((a, b) => a.at - b.at);
          const isArrived = ms.some((m) => m.type === 'arrived');
          return { milestones: ms, eta: eta(ms.at(-1)!.at, T0 + 30 * H, isArrived) };
        });
        const { ids } = run(steps);
        expect(new Set(ids).size).toBe(ids.length);
      }),
      { numRuns: 200 },
    );
  });
});

describe('ETA text', () => {
  it('shows the ETA and its interval in Shanghai time, to 10 minutes', () => {
    // 06:02 UTC = 14:02 Shanghai.
    const at = Date.UTC(2026, 10, 30, 6, 2);
    expect(formatEtaCN({ etaAt: at, lowAt: Date.UTC(2026, 10, 30, 5, 14), highAt: Date.UTC(2026, 10, 30, 7, 11) })).toEqual({
      day: '11月30日',
      time: '14:00',
      window: '13:10–15:20',
      text: '预计 11月30日 14:00 送达（13:10–15:20）',
    });
    const spans = formatEtaCN({ etaAt: Date.UTC(2026, 10, 30, 1, 0), lowAt: Date.UTC(2026, 10, 29, 14, 0), highAt: new Date(Date.UTC(2026, 10, 30, 3, 0)).toISOString() });
    expect(spans.window).toBe('11月29日 22:00–11:00');
  });
});
