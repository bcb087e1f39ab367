/**
 * Launches (首发抢购): an operator schedules a sale of scarce cars at a fixed time; buyers wait in a
 * waiting room, are admitted by ticket at a rate the system can carry, and each admitted buyer may
 * take one car. Shapes of the BFF's launch API and the pure rules both sides use.
 */

/** Where a launch is, as buyers see it. */
export type LaunchPhase = 'scheduled' | 'open' | 'sold_out' | 'ended';

export const LAUNCH_PHASE_LABELS: Record<LaunchPhase, string> = {
  scheduled: '即将开售',
  open: '抢购中',
  sold_out: '已售罄',
  ended: '已结束',
};

/** One car of a launch: a trim in a paint, with the cars set aside for it. */
export interface LaunchVariant {
  trimCode: string;
  trimName: string;
  paintCode: string;
  paintName: string;
  /** Price of the launch configuration (trim + paint + its defaults), integer fen. */
  priceFen: number;
  /** Cars set aside for the launch. */
  stock: number;
  /** Cars not yet held by an order (an estimate while buyers are ordering). */
  available: number;
}

/** GET /launches/:code (public). */
export interface LaunchView {
  code: string;
  title: string;
  modelCode: string;
  modelName: string;
  /** ISO UTC: the sale opens. */
  startsAt: string;
  /** ISO UTC, optional: the sale closes. */
  endsAt: string | null;
  /** The server's clock when it answered, so a countdown does not trust the phone's clock. */
  serverTime: string;
  phase: LaunchPhase;
  /** Buyers admitted from the waiting room per second. */
  admitPerSecond: number;
  /** How long an admitted buyer has to place the order. */
  admissionSeconds: number;
  /**
   * ISO UTC, or null when the launch has none: from then until the open buyers may join early;
   * at the open the early arrivals are put in a random order ahead of everyone later.
   */
  preQueueAt: string | null;
  variants: LaunchVariant[];
  /** Cars left over all variants. */
  available: number;
}

/** GET /launches (public): launches that are upcoming or open, soonest first. */
export interface LaunchList {
  items: LaunchView[];
}

/**
 * The buyer's place in a launch: POST /launches/:code/queue (join; repeat returns the same
 * ticket) and GET /launches/:code/queue (poll).
 */
export type QueueStatus =
  | {
      /** Joined before the open: no place yet (the early arrivals are shuffled at the open). */
      status: 'early';
      /** ISO UTC: the open, when the place is drawn. */
      opensAt: string;
      /** Buyers who joined early so far, this one included. */
      joined: number;
      /** When to ask again (just after the open, spread so early buyers do not all ask at once). */
      pollAfterMs: number;
    }
  | {
      status: 'waiting';
      ticket: number;
      /** People ahead in the queue (「前面还有 N 人」). */
      ahead: number;
      /** When to ask again. */
      pollAfterMs: number;
      available: number;
    }
  | {
      status: 'admitted';
      ticket: number;
      /** Signed; sent with POST /launches/:code/orders. Valid once, until admittedUntil. */
      admissionToken: string;
      admittedUntil: string;
      available: number;
    }
  | { status: 'ordered'; ticket: number; orderNo: string }
  | { status: 'sold_out'; ticket: number | null }
  | { status: 'expired'; ticket: number };

/**
 * POST /orders and POST /launches/:code/orders. `created`: the order exists (201). `creating`:
 * the car is held for the buyer and the order is being written (202, 「你已锁定名额，正在生成订单」);
 * follow GET /orders/:orderNo/placement until it is `created`.
 */
export type OrderPlacement<O> =
  | { status: 'created'; orderNo: string; order: O }
  | { status: 'creating'; orderNo: string; pollAfterMs: number }
  | { status: 'failed'; orderNo: string; reason: string };

/**
 * How many tickets may have been admitted `elapsedMs` after the open: a first burst, then
 * `admitPerSecond` more each second. The waiting room admits the lowest tickets first, never more
 * than this, and never more at once than there are cars left.
 */
export function admissionAllowance(elapsedMs: number, admitPerSecond: number, burst: number): number {
  if (elapsedMs < 0) return 0;
  return burst + Math.floor((elapsedMs / 1000) * admitPerSecond);
}

/**
 * When an early buyer should ask again: every 30 s (jittered) while the open is far; then once
 * 2-5 s before the open, when the early crowd is about its final size; then just after the open,
 * at a random moment within a spread that grows with that crowd (about 1,000 polls a second, at
 * most 10 s), so ten thousand early buyers do not all ask in the same instant. The stop before the
 * open matters: a buyer who joined when few had joined would otherwise be given a short spread and
 * the first joiners would all ask in the first half second. `random` is in [0, 1).
 */
export function earlyPollAfterMs(msToOpen: number, joined: number, random: number): number {
  if (msToOpen > 35_000) return Math.round(30_000 * (0.8 + random * 0.4));
  if (msToOpen > 6_000) return Math.round(msToOpen - 5_000 + random * 3_000);
  const spread = Math.min(10_000, Math.max(500, joined));
  return Math.max(0, Math.round(msToOpen)) + Math.round(random * spread);
}

/** The phase of a launch at `now`, given whether every car is held. */
export function launchPhase(l: { startsAt: Date | string; endsAt?: Date | string | null }, now: Date, soldOut: boolean): LaunchPhase {
  if (now.getTime() < new Date(l.startsAt).getTime()) return 'scheduled';
  if (l.endsAt && now.getTime() >= new Date(l.endsAt).getTime()) return 'ended';
  return soldOut ? 'sold_out' : 'open';
}

/** Launch codes: lower-case letters, digits and dashes (they appear in URLs and Redis keys). */
export const LAUNCH_CODE_RE = /^[a-z0-9][a-z0-9-]{2,39}$/;
