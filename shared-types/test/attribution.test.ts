import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { attribute, visitDayKey, visitIneligibility, type AttributionVisit } from '../src/attribution';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 1, 2, 0, 0);
const share = (advisorUserId: string, createdAt = T0 - 60 * DAY, expiresAt = T0 + 60 * DAY) => ({ advisorUserId, createdAt, expiresAt });
const visit = (visitId: string, at: number, s: AttributionVisit['share'], shareId = `s-${visitId}`): AttributionVisit => ({ visitId, shareId, at, share: s });
const buyer = 'buyer-1';

describe('attribution: last share visited within the window', () => {
  it('credits the advisor of the most recent eligible visit', () => {
    const r = attribute({ buyerUserId: buyer, at: T0 }, [visit('v1', T0 - 5 * DAY, share('adv-a')), visit('v2', T0 - 2 * DAY, share('adv-b')), visit('v3', T0 - 9 * DAY, share('adv-c'))]);
    expect(r).toEqual({ credited: true, advisorUserId: 'adv-b', shareId: 's-v2', visitId: 'v2' });
  });

  it('does not credit visits older than the window (14 days by default) or after the event', () => {
    expect(attribute({ buyerUserId: buyer, at: T0 }, [visit('v1', T0 - 14 * DAY - 1, share('adv-a'))])).toEqual({ credited: false, reason: 'no_eligible_visit' });
    expect(attribute({ buyerUserId: buyer, at: T0 }, [visit('v1', T0 - 14 * DAY, share('adv-a'))])).toMatchObject({ credited: true, advisorUserId: 'adv-a' });
    expect(attribute({ buyerUserId: buyer, at: T0 }, [visit('v1', T0 - 20 * DAY, share('adv-a'))], { windowDays: 30 })).toMatchObject({ credited: true });
    // A visit after the order does not reach back; the earlier one still counts.
    const r = attribute({ buyerUserId: buyer, at: T0 }, [visit('late', T0 + 1000, share('adv-late')), visit('early', T0 - DAY, share('adv-early'))]);
    expect(r).toMatchObject({ credited: true, advisorUserId: 'adv-early' });
  });

  it('no visits at all is "no_visit"', () => {
    expect(attribute({ buyerUserId: buyer, at: T0 }, [])).toEqual({ credited: false, reason: 'no_visit' });
  });
});

describe('attribution: abuse', () => {
  it('self-referral: an advisor visiting their own share is never credited, even as the latest visit', () => {
    const own = visit('own', T0 - DAY, share('adv-self'));
    expect(attribute({ buyerUserId: 'adv-self', at: T0 }, [own])).toEqual({ credited: false, reason: 'no_eligible_visit' });
    const r = attribute({ buyerUserId: 'adv-self', at: T0 }, [own, visit('other', T0 - 3 * DAY, share('adv-other'))]);
    expect(r).toMatchObject({ credited: true, advisorUserId: 'adv-other' });
    expect(visitIneligibility({ buyerUserId: 'adv-self', at: T0 }, own, 14)).toBe('self_referral');
  });

  it('forged share ids (no share) and visits outside the share validity never count', () => {
    const forged = visit('forged', T0 - DAY, null);
    const expired = visit('expired', T0 - DAY, share('adv-x', T0 - 40 * DAY, T0 - 2 * DAY));
    const beforeCreation = visit('early', T0 - 3 * DAY, share('adv-y', T0 - 2 * DAY));
    expect(attribute({ buyerUserId: buyer, at: T0 }, [forged, expired, beforeCreation])).toEqual({ credited: false, reason: 'no_eligible_visit' });
    expect(visitIneligibility({ buyerUserId: buyer, at: T0 }, forged, 14)).toBe('unknown_share');
    expect(visitIneligibility({ buyerUserId: buyer, at: T0 }, expired, 14)).toBe('share_not_valid');
    // A visit made while the share was valid still counts after it expired.
    const validThen = visit('ok', T0 - 3 * DAY, share('adv-z', T0 - 40 * DAY, T0 - 2 * DAY));
    expect(attribute({ buyerUserId: buyer, at: T0 }, [validThen])).toMatchObject({ credited: true, advisorUserId: 'adv-z' });
  });

  it('ties are broken by visit id, whatever the order of the input', () => {
    const a = visit('a', T0 - DAY, share('adv-a'));
    const b = visit('b', T0 - DAY, share('adv-b'));
    expect(attribute({ buyerUserId: buyer, at: T0 }, [a, b])).toMatchObject({ advisorUserId: 'adv-b' });
    expect(attribute({ buyerUserId: buyer, at: T0 }, [b, a])).toMatchObject({ advisorUserId: 'adv-b' });
  });

  it('property: the credited visit is eligible, no eligible visit is later, and the buyer is never credited', () => {
    const arbVisit = fc.record({
      visitId: fc.string({ minLength: 1, maxLength: 4 }),
      offsetH: fc.integer({ min: -30 * 24, max: 5 * 24 }),
      advisor: fc.constantFrom('adv-a', 'adv-b', buyer),
      forged: fc.boolean(),
      expiresOffsetH: fc.integer({ min: -30 * 24, max: 30 * 24 }),
    });
    fc.assert(
      fc.property(fc.array(arbVisit, { maxLength: 12 }), fc.integer({ min: 1, max: 30 }), (raw, windowDays) => {
        const visits = raw.map((v) => visit(v.visitId, T0 + v.offsetH * 3_600_000, v.forged ? null : share(v.advisor, T0 - 60 * DAY, T0 + v.expiresOffsetH * 3_600_000)));
        const event = { buyerUserId: buyer, at: T0 };
        const r = attribute(event, visits, { windowDays });
        const eligible = visits.filter((v) => visitIneligibility(event, v, windowDays) === null);
        if (!r.credited) return eligible.length === 0;
        const chosen = visits.find((v) => v.visitId === r.visitId && v.share?.advisorUserId === r.advisorUserId)!;
        return r.advisorUserId !== buyer && visitIneligibility(event, chosen, windowDays) === null && eligible.every((v) => new Date(v.at).getTime() <= new Date(chosen.at).getTime());
      }),
    );
  });
});

describe('visitDayKey', () => {
  it('is one key per visitor, share and Shanghai day (midnight in Shanghai is 16:00 UTC)', () => {
    expect(visitDayKey('S', 'u1', Date.UTC(2026, 10, 1, 15, 59))).toBe('S:u1:2026-11-01');
    expect(visitDayKey('S', 'u1', Date.UTC(2026, 10, 1, 16, 0))).toBe('S:u1:2026-11-02');
  });
});

describe('lead follow-up statuses', () => {
  it('moves forward, repeats contacted/scheduled, and stops at completed or lost', async () => {
    const { canChangeLeadStatus } = await import('../src/attribution');
    expect(canChangeLeadStatus('new', 'contacted')).toBe(true);
    expect(canChangeLeadStatus('contacted', 'contacted')).toBe(true);
    expect(canChangeLeadStatus('scheduled', 'completed')).toBe(true);
    expect(canChangeLeadStatus('completed', 'contacted')).toBe(false);
    expect(canChangeLeadStatus('lost', 'scheduled')).toBe(false);
    expect(canChangeLeadStatus('contacted', 'new')).toBe(false);
  });
});
