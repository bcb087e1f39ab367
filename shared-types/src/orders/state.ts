/**
 * The order's life, defined once and used by the BFF (which enforces it) and the mini-program
 * (which shows the timeline and which buttons exist). Pure.
 *
 *   pending_payment ──pay──▶ deposit_paid ──lock──▶ locked ──allocate──▶ allocated ──ship──▶ in_transit
 *        │                      │                                                            │
 *        │ cancel/timeout       │ refund_requested (intent deposit is refundable)  arrive ─────┘
 *        ▼                      ▼                                                     ▼
 *    cancelled ─(late payment: reinstate)─▶ deposit_paid     ready_for_delivery ──deliver──▶ delivered
 *                           refunding ──refunded──▶ refunded
 *
 * The intent deposit (小订) is refundable until the order is locked; locking (锁单) turns it into
 * the firm deposit (大定) under the terms shown before payment, and freezes the configuration.
 */

export const ORDER_STATES = [
  'pending_payment',
  'deposit_paid',
  'locked',
  'allocated',
  'in_transit',
  'ready_for_delivery',
  'delivered',
  'refunding',
  'refunded',
  'cancelled',
] as const;
export type OrderState = (typeof ORDER_STATES)[number];

export const ORDER_STATE_LABELS: Record<OrderState, string> = {
  pending_payment: '待支付意向金',
  deposit_paid: '已付意向金',
  locked: '已锁单',
  allocated: '已配车',
  in_transit: '运输中',
  ready_for_delivery: '待交付',
  delivered: '已交付',
  refunding: '退款中',
  refunded: '已退款',
  cancelled: '已取消',
};

/** States after 锁单: the intent deposit (意向金) has become the firm deposit (定金). */
const FIRM_DEPOSIT_STATES: ReadonlySet<OrderState> = new Set(['locked', 'allocated', 'in_transit', 'ready_for_delivery', 'delivered']);

/** What the order's deposit is called in its state: 意向金 until locked, 定金 after. */
export function depositLabel(state: OrderState): '意向金' | '定金' {
  return FIRM_DEPOSIT_STATES.has(state) ? '定金' : '意向金';
}

export type OrderActorKind = 'buyer' | 'staff' | 'system' | 'payment';

export const ORDER_EVENTS = ['pay', 'reinstate', 'lock', 'allocate', 'ship', 'arrive', 'deliver', 'cancel', 'timeout', 'refund_requested', 'refunded'] as const;
export type OrderEvent = (typeof ORDER_EVENTS)[number];

interface TransitionRule {
  from: OrderState[];
  to: OrderState;
  /** Who may cause it. */
  by: OrderActorKind[];
  label: string;
}

/** Every allowed move. Anything not listed is refused. */
export const ORDER_TRANSITIONS: Record<OrderEvent, TransitionRule> = {
  pay: { from: ['pending_payment'], to: 'deposit_paid', by: ['payment'], label: '支付意向金' },
  // A payment that lands after the order timed out wins: the order comes back (and is refunded
  // at once by the system if its car is gone). Money is never kept without an order.
  reinstate: { from: ['cancelled'], to: 'deposit_paid', by: ['payment'], label: '支付到账，恢复订单' },
  lock: { from: ['deposit_paid'], to: 'locked', by: ['buyer'], label: '确认锁单' },
  allocate: { from: ['locked'], to: 'allocated', by: ['staff', 'system'], label: '分配车辆' },
  ship: { from: ['allocated'], to: 'in_transit', by: ['staff', 'system'], label: '发车' },
  arrive: { from: ['in_transit'], to: 'ready_for_delivery', by: ['staff', 'system'], label: '到达交付中心' },
  deliver: { from: ['ready_for_delivery'], to: 'delivered', by: ['staff'], label: '交付' },
  cancel: { from: ['pending_payment'], to: 'cancelled', by: ['buyer', 'staff'], label: '取消订单' },
  timeout: { from: ['pending_payment'], to: 'cancelled', by: ['system'], label: '超时未支付' },
  refund_requested: { from: ['deposit_paid'], to: 'refunding', by: ['buyer', 'staff', 'system'], label: '申请退款' },
  refunded: { from: ['refunding'], to: 'refunded', by: ['payment', 'system'], label: '退款完成' },
};

export type TransitionCheck = { ok: true; to: OrderState } | { ok: false; reason: string };

/** May `actor` apply `event` to an order in `state`? */
export function checkTransition(state: OrderState, event: OrderEvent, actor: OrderActorKind): TransitionCheck {
  const rule = ORDER_TRANSITIONS[event];
  if (!rule.from.includes(state)) return { ok: false, reason: `订单当前为「${ORDER_STATE_LABELS[state]}」，不能${rule.label}` };
  if (!rule.by.includes(actor)) return { ok: false, reason: `无权${rule.label}` };
  return { ok: true, to: rule.to };
}

/** Events a given actor can trigger now (drives which buttons the UI shows). */
export function availableEvents(state: OrderState, actor: OrderActorKind): OrderEvent[] {
  return ORDER_EVENTS.filter((e) => checkTransition(state, e, actor).ok);
}

/** No event leads out of these. (A cancelled order can only come back through a late payment.) */
export const TERMINAL_STATES: OrderState[] = ['delivered', 'refunded'];

/** One line of an order's timeline. */
export interface OrderTimelineEntry {
  event: OrderEvent | 'created';
  from: OrderState | null;
  to: OrderState;
  actor: { kind: OrderActorKind; id?: string };
  at: string;
  note?: string;
}
