import { formatDateCN } from '../time';

/**
 * Which sales advisor gets the credit for a lead (test-drive booking, finance quote) or an order.
 *
 * Rule: the advisor of the LAST share the buyer visited within `windowDays` before the lead/order.
 * Abuse resistance is in what counts as a visit:
 * - only visits the server recorded (POST /shares/:id/visits), so a client cannot claim a share;
 * - a visit of a share that did not exist (forged id: `share` null) or was not valid at the time of
 *   the visit (before creation, at or after expiry) never counts;
 * - self-referral: a visit by the share's own advisor never counts (advisor buying or booking);
 * - a visit after the lead/order, or older than the window, never counts.
 * The BFF records each credit once per lead/order (unique key), so a visit cannot be credited twice
 * for one event, and visits are deduplicated per visitor, share and Shanghai day (`visitDayKey`).
 */
export interface AttributionVisit {
  visitId: string;
  shareId: string;
  /** When the server recorded the visit. */
  at: Date | string | number;
  /** The share as known to the server; null when the id matched no share. */
  share: { advisorUserId: string; createdAt: Date | string | number; expiresAt: Date | string | number } | null;
}

export interface AttributionEvent {
  buyerUserId: string;
  at: Date | string | number;
}

export const DEFAULT_ATTRIBUTION_WINDOW_DAYS = 14;

export type AttributionResult =
  | { credited: true; advisorUserId: string; shareId: string; visitId: string }
  | { credited: false; reason: 'no_visit' | 'no_eligible_visit' };

export type VisitIneligibility = 'unknown_share' | 'share_not_valid' | 'self_referral' | 'after_event' | 'outside_window';

const ms = (t: Date | string | number) => new Date(t).getTime();

/** Why a visit cannot earn credit for this event (null: it can). */
export function visitIneligibility(event: AttributionEvent, visit: AttributionVisit, windowDays: number): VisitIneligibility | null {
  if (!visit.share) return 'unknown_share';
  const at = ms(visit.at);
  if (at < ms(visit.share.createdAt) || at >= ms(visit.share.expiresAt)) return 'share_not_valid';
  if (visit.share.advisorUserId === event.buyerUserId) return 'self_referral';
  const eventAt = ms(event.at);
  if (at > eventAt) return 'after_event';
  if (at < eventAt - windowDays * 86_400_000) return 'outside_window';
  return null;
}

export function attribute(event: AttributionEvent, visits: AttributionVisit[], opts: { windowDays?: number } = {}): AttributionResult {
  if (visits.length === 0) return { credited: false, reason: 'no_visit' };
  const windowDays = opts.windowDays ?? DEFAULT_ATTRIBUTION_WINDOW_DAYS;
  let best: AttributionVisit | null = null;
  for (const v of visits) {
    if (visitIneligibility(event, v, windowDays) !== null) continue;
    // Latest wins; equal times fall back to the larger visit id so the answer never depends on order.
    if (!best || ms(v.at) > ms(best.at) || (ms(v.at) === ms(best.at) && v.visitId > best.visitId)) best = v;
  }
  if (!best) return { credited: false, reason: 'no_eligible_visit' };
  return { credited: true, advisorUserId: best.share!.advisorUserId, shareId: best.shareId, visitId: best.visitId };
}

/** One visit per visitor (user id, or `anon:<visitorId>`) per share per Asia/Shanghai day. */
export function visitDayKey(shareId: string, visitor: string, at: Date | string | number): string {
  return `${shareId}:${visitor}:${formatDateCN(at)}`;
}

export * from './leads';
