import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { availableEvents, checkTransition, depositLabel, ORDER_STATE_LABELS, ORDER_EVENTS, ORDER_STATES, ORDER_TRANSITIONS, TERMINAL_STATES, type OrderActorKind } from '../src';

const ACTORS: OrderActorKind[] = ['buyer', 'staff', 'system', 'payment'];

describe('order state machine', () => {
  it('walks the happy path', () => {
    let state = 'pending_payment' as (typeof ORDER_STATES)[number];
    const path: [(typeof ORDER_EVENTS)[number], OrderActorKind][] = [['pay', 'payment'], ['lock', 'buyer'], ['allocate', 'staff'], ['ship', 'system'], ['arrive', 'system'], ['deliver', 'staff']];
    for (const [event, actor] of path) {
      const r = checkTransition(state, event, actor);
      expect(r.ok, `${event} from ${state}`).toBe(true);
      if (r.ok) state = r.to;
    }
    expect(state).toBe('delivered');
  });

  it('refuses moves from the wrong state or by the wrong actor, with a reason', () => {
    const wrongState = checkTransition('locked', 'refund_requested', 'buyer');
    expect(wrongState).toEqual({ ok: false, reason: '订单当前为「已锁单」，不能申请退款' });
    expect(checkTransition('pending_payment', 'pay', 'buyer').ok).toBe(false);
    expect(checkTransition('ready_for_delivery', 'deliver', 'buyer').ok).toBe(false);
  });

  it('has no way out of a terminal state, and every state is reachable', () => {
    for (const s of TERMINAL_STATES) for (const a of ACTORS) expect(availableEvents(s, a)).toEqual([]);
    // A cancelled order only comes back through a payment (a late one), never by a person.
    expect(availableEvents('cancelled', 'buyer')).toEqual([]);
    expect(availableEvents('cancelled', 'staff')).toEqual([]);
    expect(availableEvents('cancelled', 'payment')).toEqual(['reinstate']);
    const reachable = new Set(['pending_payment']);
    let grew = true;
    while (grew) {
      grew = false;
      for (const rule of Object.values(ORDER_TRANSITIONS)) {
        if (rule.from.some((f) => reachable.has(f)) && !reachable.has(rule.to)) {
          reachable.add(rule.to);
          grew = true;
        }
      }
    }
    expect([...reachable].sort()).toEqual([...ORDER_STATES].sort());
  });

  it('any random event sequence stays inside the defined states', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...ORDER_EVENTS), fc.constantFrom(...ACTORS)), { maxLength: 30 }), (events) => {
        let state: (typeof ORDER_STATES)[number] = 'pending_payment';
        for (const [e, a] of events) {
          const r = checkTransition(state, e, a);
          if (r.ok) {
            expect(ORDER_TRANSITIONS[e].from).toContain(state);
            state = r.to;
          }
        }
        expect(ORDER_STATES).toContain(state);
      }),
    );
  });
});

describe('deposit wording', () => {
  it('意向金 until 锁单, 定金 after; the unpaid state asks for the 意向金', () => {
    expect(ORDER_STATE_LABELS.pending_payment).toBe('待支付意向金');
    expect(ORDER_STATES.filter((s) => depositLabel(s) === '定金')).toEqual(['locked', 'allocated', 'in_transit', 'ready_for_delivery', 'delivered']);
    // Every state reached by 锁单 or after it calls it 定金.
    for (const s of ORDER_STATES) if (ORDER_TRANSITIONS.lock.to === s) expect(depositLabel(s)).toBe('定金');
    expect(depositLabel('refunded')).toBe('意向金');
  });
});
