import {
  CENTRE_CITIES,
  centresInCity,
  classifyOrderSearch,
  csvLine,
  DELIVERY_CENTRES,
  depositLabel,
  formatDateTimeCN,
  formatFen,
  ORDER_EXPORT_ROW_CAP,
  ORDER_STATE_LABELS,
  ORDER_TRANSITIONS,
  overdueCutoffs,
  overdueOf,
  PLACES,
  shanghaiDateRange,
  staffActionsFor,
  UTF8_BOM,
  type AdminOrderSort,
  type DeliveryCentre,
  type OrderState,
  type OrderSearch,
} from '@carmall/shared-types';
import { notFound, validationFailed } from '../../infra/errors';
import type { AuditLog } from '../audit/service';
import type { AuthedUser } from '../auth/session';
import { orderCentre, type OrderDoc, type OrderService } from './service';

/** A buyer as staff see them: masked, always (the users module masks; orders never hold a phone). */
export interface MaskedContact {
  phone: string | null;
  name: string | null;
}

/** What the console's order pages need from other modules: passed in from app.ts (no imports of their services). */
export interface OrderAdminDeps {
  /** Users whose verified phone is this whole number (the users module's blind index; the number is neither stored nor logged). */
  buyerIdsByPhone(phone: string): Promise<string[]>;
  /** Masked phone and name of each user (the users module decrypts and masks). */
  maskedContacts(userIds: string[]): Promise<Map<string, MaskedContact>>;
  /** Advisors' display names (advisors module). */
  advisorNames(userIds: string[]): Promise<Map<string, string>>;
  /** The order's shipment in brief (tracking module), or null before it is shipped. */
  trackingSummary(orderNo: string): Promise<TrackingSummary | null>;
}

export interface TrackingSummary {
  shipmentNo: string | null;
  vin: string;
  status: string;
  statusLabel: string;
  destination: { code: string; name: string };
  lastMilestone: { label: string; at: string } | null;
  eta: { at: string; atText: string; windowText: string } | null;
  arrived: boolean;
  updatedAt: string;
}

export interface AdminOrderFilter {
  q?: string;
  states?: OrderState[];
  modelCode?: string;
  centres?: DeliveryCentre[];
  city?: string;
  from?: string;
  to?: string;
  /** An advisor's user id, or `none` for orders credited to nobody. */
  advisor?: string;
  overdue?: boolean;
  sort: AdminOrderSort;
}

const SORTS: Record<AdminOrderSort, Record<string, 1 | -1>> = {
  '-createdAt': { createdAt: -1, _id: -1 },
  createdAt: { createdAt: 1, _id: 1 },
  '-totalFen': { totalFen: -1, _id: -1 },
  totalFen: { totalFen: 1, _id: 1 },
  '-stateSince': { stateSince: -1, _id: -1 },
  stateSince: { stateSince: 1, _id: 1 },
};

type Doc = OrderDoc & { updatedAt?: Date };
const iso = (d: Date | string | undefined | null) => (d ? new Date(d).toISOString() : null);
/** When the order entered its state: `stateSince`, or for orders written before it existed, their last update. */
const sinceOf = (o: Doc) => o.stateSince ?? o.updatedAt ?? o.createdAt;
const paintOf = (o: OrderDoc) => o.config?.lineItems?.find((l) => l.group === 'paint')?.name ?? null;
const EVENT_LABELS: Record<string, string> = { created: '创建订单', ...Object.fromEntries(Object.entries(ORDER_TRANSITIONS).map(([k, v]) => [k, v.label])) };

/** A search, with the phone kept out of anything it answers (only its masked form). */
export function searchSummary(s: OrderSearch): { kind: OrderSearch['kind']; text: string } {
  switch (s.kind) {
    case 'phone':
      return { kind: s.kind, text: `${s.phone.slice(0, 3)}****${s.phone.slice(-4)}` };
    case 'orderNo':
      return { kind: s.kind, text: s.orderNo };
    case 'orderNoPrefix':
      return { kind: s.kind, text: s.prefix };
    case 'vin':
      return { kind: s.kind, text: s.vin };
    case 'vinSuffix':
      return { kind: s.kind, text: s.suffix };
    case 'invalid':
      return { kind: s.kind, text: '' };
  }
}

/**
 * The staff console's reads of orders (GET /admin/orders, its CSV export, one order's page).
 * Orders own the query; the buyer's phone is matched and masked by the users module, names of
 * advisors and the shipment come from theirs, each through a function passed in from app.ts.
 */
export class OrderAdmin {
  constructor(
    private readonly orders: OrderService,
    private readonly audit: AuditLog,
    private readonly deps: OrderAdminDeps,
  ) {}

  /** The MongoDB filter of a list query (null: nothing can match, e.g. no user has this phone). */
  async filterOf(f: AdminOrderFilter, now: number): Promise<Record<string, unknown> | null> {
    const and: Record<string, unknown>[] = [];
    if (f.q !== undefined) {
      const s = classifyOrderSearch(f.q);
      switch (s.kind) {
        case 'orderNo':
          and.push({ orderNo: s.orderNo });
          break;
        case 'orderNoPrefix':
          and.push({ orderNo: { $regex: `^${s.prefix}` } });
          break;
        case 'phone': {
          const ids = await this.deps.buyerIdsByPhone(s.phone);
          if (ids.length === 0) return null;
          and.push({ buyerId: { $in: ids } });
          break;
        }
        case 'vin':
          and.push({ vin: s.vin });
          break;
        case 'vinSuffix':
          and.push({ vin: { $regex: `${s.suffix}$` } });
          break;
        case 'invalid':
          throw validationFailed(s.message, [{ in: 'query', path: 'q', message: s.message, code: 'custom' }]);
      }
    }
    if (f.states?.length) and.push({ state: { $in: f.states } });
    if (f.modelCode) and.push({ modelCode: f.modelCode });
    let centres: DeliveryCentre[] | null = f.centres?.length ? [...f.centres] : null;
    if (f.city) {
      const inCity = centresInCity(f.city);
      centres = centres ? centres.filter((c) => inCity.includes(c)) : inCity;
    }
    if (centres) {
      if (centres.length === 0) return null;
      // Orders placed before centres could be chosen go to the first centre (orderCentre()).
      and.push(centres.includes(DELIVERY_CENTRES[0]) ? { $or: [{ deliveryCentreCode: { $in: centres } }, { deliveryCentreCode: { $exists: false } }] } : { deliveryCentreCode: { $in: centres } });
    }
    const range = shanghaiDateRange(f.from, f.to);
    if (range.gte || range.lt) and.push({ createdAt: { ...(range.gte ? { $gte: range.gte } : {}), ...(range.lt ? { $lt: range.lt } : {}) } });
    if (f.advisor === 'none') and.push({ advisorUserId: { $exists: false } });
    else if (f.advisor) and.push({ advisorUserId: f.advisor });
    if (f.overdue) {
      and.push({
        $or: overdueCutoffs(now).flatMap((c): Record<string, unknown>[] =>
          c.field === 'paymentDeadline'
            ? [{ state: c.state, paymentDeadline: { $lt: c.before } }]
            : [
                { state: c.state, stateSince: { $lt: c.before } },
                // Orders written before stateSince existed: their last update stands in for it.
                { state: c.state, stateSince: { $exists: false }, updatedAt: { $lt: c.before } },
              ],
        ),
      });
    }
    return and.length === 0 ? {} : and.length === 1 ? and[0] : { $and: and };
  }

  async list(user: AuthedUser, f: AdminOrderFilter & { page: number; pageSize: number }) {
    const now = Date.now();
    const filter = await this.filterOf(f, now);
    const search = f.q !== undefined ? searchSummary(classifyOrderSearch(f.q)) : null;
    if (!filter) return { items: [], page: f.page, pageSize: f.pageSize, total: 0, search };
    const [docs, total] = await Promise.all([
      this.orders.Orders.find(filter).sort(SORTS[f.sort]).skip((f.page - 1) * f.pageSize).limit(f.pageSize).lean<Doc[]>(),
      this.orders.Orders.countDocuments(filter),
    ]);
    const { contacts, advisors } = await this.peopleOf(docs);
    return { items: docs.map((o) => this.row(o, user, contacts, advisors, now)), page: f.page, pageSize: f.pageSize, total, search };
  }

  private async peopleOf(docs: Doc[]) {
    const [contacts, advisors] = await Promise.all([
      this.deps.maskedContacts([...new Set(docs.map((o) => o.buyerId))]),
      this.deps.advisorNames([...new Set(docs.map((o) => o.advisorUserId).filter((x): x is string => !!x))]),
    ]);
    return { contacts, advisors };
  }

  private row(o: Doc, user: AuthedUser, contacts: Map<string, MaskedContact>, advisors: Map<string, string>, now: number) {
    const centre = orderCentre(o);
    return {
      orderNo: o.orderNo,
      state: o.state,
      stateLabel: ORDER_STATE_LABELS[o.state],
      modelCode: o.modelCode,
      modelName: o.modelName,
      trimCode: o.trimCode,
      trimName: o.trimName,
      paintName: paintOf(o),
      totalFen: o.totalFen,
      depositFen: o.depositFen,
      depositLabel: depositLabel(o.state),
      createdAt: iso(o.createdAt)!,
      stateSince: iso(sinceOf(o)),
      paymentDeadline: iso(o.paymentDeadline)!,
      deliveryCentre: { code: centre, name: PLACES[centre].name, city: CENTRE_CITIES[centre] },
      vin: o.vin ?? null,
      buyer: { id: o.buyerId, phone: contacts.get(o.buyerId)?.phone ?? null },
      advisor: o.advisorUserId ? { id: o.advisorUserId, name: advisors.get(o.advisorUserId) ?? null } : null,
      launchCode: o.launchCode ?? null,
      overdue: overdueOf({ state: o.state, stateSince: sinceOf(o), paymentDeadline: o.paymentDeadline }, now),
      actions: staffActionsFor(o.state, user.roles),
    };
  }

  /** One order's page: the order, its buyer (masked), timeline, staff audit entries, money, outbox, shipment, and what this caller may do now. */
  async detail(user: AuthedUser, orderNo: string) {
    const o = (await this.orders.findByOrderNo(orderNo)) as Doc | null;
    if (!o) throw notFound('订单', { orderNo });
    const [{ contacts, advisors }, tracking, audit] = await Promise.all([
      this.peopleOf([o]),
      this.deps.trackingSummary(orderNo),
      this.audit.list({ targetId: orderNo, page: 1, pageSize: 100 }),
    ]);
    const row = this.row(o, user, contacts, advisors, Date.now());
    return {
      order: {
        ...row,
        buyer: { ...row.buyer, name: contacts.get(o.buyerId)?.name ?? null },
        lineItems: (o.config?.lineItems ?? []).map((l) => ({ group: l.group, code: l.code, name: l.name, priceFen: l.priceFen })),
        latePayment: !!o.latePayment,
      },
      timeline: o.timeline.map((e) => ({
        event: e.event,
        label: EVENT_LABELS[e.event] ?? e.event,
        from: e.from,
        to: e.to,
        toLabel: ORDER_STATE_LABELS[e.to],
        actor: { kind: e.actor.kind, id: e.actor.id ?? null },
        at: new Date(e.at).toISOString(),
        note: e.note ?? null,
      })),
      audit: (audit.items as Array<Record<string, unknown>>).map((a) => ({
        id: a.id as string,
        at: new Date(a.at as Date).toISOString(),
        action: a.action as string,
        actorId: a.actorId as string,
        actorRoles: (a.actorRoles as string[]) ?? [],
        reason: (a.reason as string | undefined) ?? null,
        before: (a.before as Record<string, unknown> | undefined) ?? null,
        after: (a.after as Record<string, unknown> | undefined) ?? null,
        requestId: (a.requestId as string | undefined) ?? null,
      })),
      payments: o.payments.map((p) => ({ outTradeNo: p.outTradeNo, channel: p.channel, amountFen: p.amountFen, status: p.status, transactionId: p.transactionId ?? null, paidAt: iso(p.paidAt) })),
      refunds: o.refunds.map((r) => ({ outRefundNo: r.outRefundNo, amountFen: r.amountFen, status: r.status, reason: r.reason ?? null, requestedAt: iso(r.requestedAt)!, succeededAt: iso(r.succeededAt) })),
      outbox: (o.outbox ?? []).map((e) => ({
        id: e.id,
        type: e.type,
        status: e.status,
        attempts: e.attempts,
        lastError: e.lastError ?? null,
        ref: e.ref ?? null,
        createdAt: iso(e.createdAt)!,
        deliveredAt: iso(e.deliveredAt),
      })),
      tracking,
    };
  }

  /**
   * The CSV export of a list query (phones masked), newest rows first up to the row cap; the
   * export itself is audited (who took which rows out, the search kind but never a phone).
   */
  async exportCsv(user: AuthedUser, ctx: Parameters<AuditLog['record']>[1], f: AdminOrderFilter) {
    const now = Date.now();
    const filter = await this.filterOf(f, now);
    const docs = filter ? await this.orders.Orders.find(filter).sort(SORTS[f.sort]).limit(ORDER_EXPORT_ROW_CAP + 1).lean<Doc[]>() : [];
    const truncated = docs.length > ORDER_EXPORT_ROW_CAP;
    const rows = truncated ? docs.slice(0, ORDER_EXPORT_ROW_CAP) : docs;
    const total = truncated && filter ? await this.orders.Orders.countDocuments(filter) : rows.length;
    const { contacts, advisors } = await this.peopleOf(rows);
    const header = ['订单号', '状态', '车型', '版本', '颜色', '总价', '总价（分）', '意向金/定金（分）', '买家手机（已脱敏）', '销售顾问', '交付中心', '城市', '车架号', '下单时间（北京时间）', '进入当前状态（北京时间）', '超期'];
    const lines = rows.map((o) => {
      const r = this.row(o, user, contacts, advisors, now);
      return csvLine([
        r.orderNo,
        r.stateLabel,
        r.modelName,
        r.trimName,
        r.paintName,
        formatFen(r.totalFen),
        r.totalFen,
        r.depositFen,
        r.buyer.phone,
        r.advisor?.name ?? '',
        r.deliveryCentre.name,
        r.deliveryCentre.city,
        r.vin,
        formatDateTimeCN(r.createdAt),
        r.stateSince ? formatDateTimeCN(r.stateSince) : '',
        r.overdue ? `${r.overdue.label}（超 ${r.overdue.daysOver} 天）` : '',
      ]);
    });
    const { q, ...rest } = f;
    await this.audit.record(user, ctx, {
      action: 'orders.export',
      targetType: 'orders',
      targetId: 'export',
      after: { rows: rows.length, total, truncated, filters: { ...rest, ...(q !== undefined ? { search: classifyOrderSearch(q).kind } : {}) } },
    });
    return { csv: UTF8_BOM + [csvLine(header), ...lines].join('\r\n') + '\r\n', rows: rows.length, total, truncated };
  }
}
