/**
 * The staff console's order rules, defined once for the BFF (which enforces them and answers
 * `actions`) and the console (which shows the buttons, the 超期 badges and checks a search before
 * sending it), so both always agree. Pure.
 */
import { DELIVERY_CENTRES, PLACES, type DeliveryCentre } from '../delivery/network';
import { formatDateTimeCN } from '../time';
import { normalizeCnMobile } from '../privacy';
import { normalizeVin, validateVin, VIN_PATTERN } from '../vehicles/vin';
import { checkTransition, ORDER_STATE_LABELS, type OrderEvent, type OrderState } from './state';

/**
 * Who works with orders in the console, and why these three:
 *   - service (售后/交付服务): they allocate, ship, receive and hand over cars — the delivery desk;
 *     the staff delivery endpoint has always been theirs;
 *   - operator (运营): runs the store (stock, launches, prices) and answers for its money: refunds;
 *   - admin: everything.
 * Advisors (顾问) are not among them: they see their own customers in the advisor workspace; a
 * list of every buyer of the store is more than their work needs (PIPL: the minimum necessary).
 */
export const ORDER_DESK_ROLES = ['service', 'operator', 'admin'] as const;
export type OrderDeskRole = (typeof ORDER_DESK_ROLES)[number];
/** Who may export orders to CSV (a file leaves the system: the store's managers, not every desk). */
export const ORDER_EXPORT_ROLES = ['operator', 'admin'] as const;

export const hasAnyRole = (roles: readonly string[] | undefined, allowed: readonly string[]) => !!roles?.some((r) => allowed.includes(r));

/** What staff can do to an order from the console. */
export const STAFF_ORDER_ACTIONS = ['allocate', 'ship', 'arrive', 'deliver', 'refund'] as const;
export type StaffOrderAction = (typeof STAFF_ORDER_ACTIONS)[number];

export interface StaffActionRule {
  /** The state-machine event it applies (as the staff actor). */
  event: OrderEvent;
  label: string;
  /** Roles that may take it (besides the state machine allowing it now). */
  roles: readonly OrderDeskRole[];
  /** What the console must ask for first. */
  needs: readonly ('vin' | 'centre' | 'reason')[];
  /** Whether it can be applied to several orders at once (POST /admin/orders/bulk-events). */
  bulk: boolean;
  /** The confirmation the console shows before sending it. */
  confirm: string;
}

const DELIVERY_DESK: readonly OrderDeskRole[] = ['service', 'operator', 'admin'];

export const STAFF_ACTION_RULES: Record<StaffOrderAction, StaffActionRule> = {
  // A batch of cars arriving from the factory is allocated together (one VIN per order).
  allocate: { event: 'allocate', label: '配车', roles: DELIVERY_DESK, needs: ['vin'], bulk: true, confirm: '为该订单分配这台车（车架号写入订单，买家可见）' },
  // One carrier truck takes several cars to one centre.
  ship: { event: 'ship', label: '发车', roles: DELIVERY_DESK, needs: ['centre'], bulk: true, confirm: '发车并创建运单，买家将看到物流跟踪' },
  // The truck arrives with all of them (normally the carrier's TMS reports it; staff may mark it).
  arrive: { event: 'arrive', label: '到店', roles: DELIVERY_DESK, needs: [], bulk: true, confirm: '确认车辆已到达交付中心，订单变为待交付' },
  // A handover happens with the buyer, one car at a time: never in bulk.
  deliver: { event: 'deliver', label: '交付', roles: DELIVERY_DESK, needs: [], bulk: false, confirm: '确认已与买家完成交车' },
  // Money goes back: the store's operators and admins only, with a reason, one order at a time.
  refund: { event: 'refund_requested', label: '退款', roles: ['operator', 'admin'], needs: ['reason'], bulk: false, confirm: '向买家原路退回已付款项，订单将关闭' },
};

/** The bulk actions, in the order the console offers them. */
export const BULK_ORDER_ACTIONS = STAFF_ORDER_ACTIONS.filter((a) => STAFF_ACTION_RULES[a].bulk) as Array<'allocate' | 'ship' | 'arrive'>;
export type BulkOrderAction = 'allocate' | 'ship' | 'arrive';
/** Orders in one bulk request at most. */
export const BULK_MAX_ORDERS = 50;

/** Why `roles` cannot take `action` on an order in `state` now (Chinese), or null when they can. */
export function staffActionRefusal(state: OrderState, roles: readonly string[], action: StaffOrderAction): string | null {
  const rule = STAFF_ACTION_RULES[action];
  if (!hasAnyRole(roles, rule.roles)) return `无权${rule.label}`;
  const check = checkTransition(state, rule.event, 'staff');
  return check.ok ? null : `订单当前为「${ORDER_STATE_LABELS[state]}」，不能${rule.label}`;
}

/** The console actions the state machine allows now for a staff member with these roles. */
export function staffActionsFor(state: OrderState, roles: readonly string[]): StaffOrderAction[] {
  return STAFF_ORDER_ACTIONS.filter((a) => staffActionRefusal(state, roles, a) === null);
}

/** The state an order is in after the action (what a repeated bulk request finds when it was done). */
export const STAFF_ACTION_TARGET: Record<StaffOrderAction, OrderState> = {
  allocate: 'allocated',
  ship: 'in_transit',
  arrive: 'ready_for_delivery',
  deliver: 'delivered',
  refund: 'refunding',
};
/** The delivery states in order: an order at or past an action's target has had that action. */
export const DELIVERY_PROGRESS: readonly OrderState[] = ['locked', 'allocated', 'in_transit', 'ready_for_delivery', 'delivered'];
export function isAtOrPast(state: OrderState, target: OrderState): boolean {
  const i = DELIVERY_PROGRESS.indexOf(state);
  const j = DELIVERY_PROGRESS.indexOf(target);
  return i >= 0 && j >= 0 && i >= j;
}

// ---- 超期 (overdue) ----

const DAY_MS = 86_400_000;

/**
 * When an order is 超期 (overdue): it has stayed in a state longer than that step should take,
 * counted from when it entered the state (the order's `stateSince`). Pending payment is overdue as
 * soon as its payment window has closed (the timeout job should have cancelled it: it is stuck).
 */
export interface OverdueRule {
  state: OrderState;
  /** Days in the state after which it is overdue; 0 with `basis: 'paymentDeadline'`. */
  days: number;
  basis: 'paymentDeadline' | 'stateSince';
  label: string;
}
export const OVERDUE_RULES: readonly OverdueRule[] = [
  { state: 'pending_payment', days: 0, basis: 'paymentDeadline', label: '支付时限已过仍未关闭' },
  { state: 'locked', days: 14, basis: 'stateSince', label: '锁单超过 14 天未配车' },
  { state: 'allocated', days: 3, basis: 'stateSince', label: '配车超过 3 天未发车' },
  { state: 'in_transit', days: 7, basis: 'stateSince', label: '运输超过 7 天未到店' },
  { state: 'ready_for_delivery', days: 7, basis: 'stateSince', label: '到店超过 7 天未交付' },
  { state: 'refunding', days: 3, basis: 'stateSince', label: '退款超过 3 天未完成' },
];

export interface OverdueInfo {
  label: string;
  /** Whole days past the limit (0 on the first day over it). */
  daysOver: number;
}

/** Whether an order is overdue at `now` (ms), and how; null when it is not. */
export function overdueOf(o: { state: OrderState; stateSince?: string | Date | null; paymentDeadline?: string | Date | null }, now: number): OverdueInfo | null {
  const rule = OVERDUE_RULES.find((r) => r.state === o.state);
  if (!rule) return null;
  const base = rule.basis === 'paymentDeadline' ? o.paymentDeadline : o.stateSince;
  if (!base) return null;
  const limit = new Date(base).getTime() + rule.days * DAY_MS;
  if (!(now > limit)) return null;
  return { label: rule.label, daysOver: Math.floor((now - limit) / DAY_MS) };
}

/** The instants before which an order in each rule's state is overdue (what the BFF queries by). */
export function overdueCutoffs(now: number): Array<{ state: OrderState; field: OverdueRule['basis']; before: Date }> {
  return OVERDUE_RULES.map((r) => ({ state: r.state, field: r.basis, before: new Date(now - r.days * DAY_MS) }));
}

// ---- centres and cities ----

/** The city of each delivery centre (the city filter: one centre per city today). */
export const CENTRE_CITIES: Record<DeliveryCentre, string> = { SHA: '上海', BJS: '北京', CAN: '广州', CTU: '成都', XIY: '西安' };
export const ORDER_CITIES = [...new Set(DELIVERY_CENTRES.map((c) => CENTRE_CITIES[c]))];
export const centresInCity = (city: string): DeliveryCentre[] => DELIVERY_CENTRES.filter((c) => CENTRE_CITIES[c] === city);
export const centreLabel = (c: DeliveryCentre) => PLACES[c].name;

// ---- search ----

/**
 * What a search box entry is. A phone number must be whole (11 digits): it is found through the
 * blind index (an HMAC of the whole number), so part of a number cannot be searched for.
 */
export type OrderSearch =
  | { kind: 'orderNo'; orderNo: string }
  | { kind: 'orderNoPrefix'; prefix: string }
  | { kind: 'phone'; phone: string }
  | { kind: 'vin'; vin: string }
  /** 车架号后 6 位 (how dealers usually quote a car). */
  | { kind: 'vinSuffix'; suffix: string }
  | { kind: 'invalid'; message: string };

export const ORDER_SEARCH_HINT = '订单号、买家完整手机号、车架号（或后 6 位）';

export function classifyOrderSearch(input: string): OrderSearch {
  const raw = String(input ?? '').trim();
  if (raw === '') return { kind: 'invalid', message: '请输入搜索内容' };
  const compact = raw.replace(/\s+/g, '').toUpperCase();
  if (/^CM\d{16}$/.test(compact)) return { kind: 'orderNo', orderNo: compact };
  if (/^CM\d{4,15}$/.test(compact)) return { kind: 'orderNoPrefix', prefix: compact };
  const phone = normalizeCnMobile(raw);
  if (phone) return { kind: 'phone', phone };
  const vin = normalizeVin(raw);
  if (vin.length === 17 && VIN_PATTERN.test(vin)) return { kind: 'vin', vin };
  if (/^[A-HJ-NPR-Z0-9]{6}$/.test(vin)) return { kind: 'vinSuffix', suffix: vin };
  if (/^1\d{3,10}$/.test(compact)) return { kind: 'invalid', message: '手机号需输入完整 11 位（按完整号码加密检索，不支持部分号码）' };
  return { kind: 'invalid', message: `请输入${ORDER_SEARCH_HINT}` };
}

/** A VIN staff typed for an allocation, checked in full (check digit included); the message is Chinese. */
export function checkStaffVin(input: string): { ok: true; vin: string } | { ok: false; message: string } {
  const r = validateVin(input);
  return r.ok ? { ok: true, vin: r.vin } : { ok: false, message: r.message };
}

// ---- list query ----

export const ADMIN_ORDER_SORTS = ['-createdAt', 'createdAt', '-totalFen', 'totalFen', '-stateSince', 'stateSince'] as const;
export type AdminOrderSort = (typeof ADMIN_ORDER_SORTS)[number];
export const ADMIN_ORDER_PAGE_SIZES = [20, 50, 100] as const;
export const ADMIN_ORDER_PAGE_MAX = 100;
/** Rows in one CSV export at most (narrow the filters for more). */
export const ORDER_EXPORT_ROW_CAP = 5000;
/** The longest created-date range one query may ask for (days, inclusive). */
export const ORDER_DATE_RANGE_MAX_DAYS = 366;

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
/** A real calendar date "YYYY-MM-DD". */
export function isCalendarDate(s: string): boolean {
  if (!DATE_RE.test(s)) return false;
  const t = Date.parse(`${s}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === s;
}

/**
 * Shanghai calendar dates (inclusive) as UTC instants: from 00:00 of `from` to 00:00 of the day
 * after `to`, both in Asia/Shanghai (UTC+8).
 */
export function shanghaiDateRange(from?: string, to?: string): { gte?: Date; lt?: Date } {
  const start = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) - 8 * 3_600_000);
  return {
    ...(from ? { gte: start(from) } : {}),
    ...(to ? { lt: new Date(start(to).getTime() + DAY_MS) } : {}),
  };
}

/** Problems with a created-date range (Chinese), or null. */
export function dateRangeProblem(from?: string, to?: string): string | null {
  if (from && !isCalendarDate(from)) return '开始日期应为 YYYY-MM-DD';
  if (to && !isCalendarDate(to)) return '结束日期应为 YYYY-MM-DD';
  if (from && to) {
    const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS;
    if (days < 0) return '开始日期不能晚于结束日期';
    if (days + 1 > ORDER_DATE_RANGE_MAX_DAYS) return `日期范围最长 ${ORDER_DATE_RANGE_MAX_DAYS} 天`;
  }
  return null;
}

// ---- CSV ----

/**
 * One CSV field (RFC 4180 quoting). A value starting with = + - @ (or a tab/CR) is prefixed with
 * an apostrophe, so Excel shows it as text instead of running it as a formula (CSV injection).
 */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
export const csvLine = (fields: Array<string | number | null | undefined>) => fields.map(csvField).join(',');
/** Excel opens a UTF-8 CSV as UTF-8 (Chinese intact) only when it starts with the byte-order mark. */
export const UTF8_BOM = '\uFEFF';

/** The export's file name: 订单导出-<Shanghai date and time>.csv. */
export function exportFileName(now: number): string {
  return `订单导出-${formatDateTimeCN(now).replace(/[-: ]/g, '').slice(0, 12)}.csv`;
}
