import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Connection } from 'mongoose';
import { z } from 'zod';
import {
  calibrationFromTrip,
  checkStaffVin,
  checkTransition,
  isAtOrPast,
  STAFF_ACTION_RULES,
  STAFF_ACTION_TARGET,
  decideAlerts,
  DELIVERY_CENTRES,
  emptyAlertState,
  emptyEtaModel,
  estimateEta,
  formatDateTimeCN,
  learnFromTrip,
  mergeEtaModels,
  MILESTONE_TYPES,
  ORDER_STATE_LABELS,
  PLACES,
  placeName,
  routeTo,
  type AlertState,
  type DeliveryCentre,
  type EtaEstimate,
  type EtaModel,
  type Milestone,
  type MilestoneType,
  type BulkOrderAction,
  type OrderEvent,
  type OrderState,
} from '@carmall/shared-types';
import { AppError, notFound, validationFailed } from '../../infra/errors';
import type { Locks } from '../../infra/lock';
import type { Logger } from '../../infra/logger';
import type { AuthedUser, Role } from '../auth/session';
import type { OrderDoc, OrderService } from '../orders/service';
import { orderCentre, presentOrder } from '../orders/service';
import type { TrackingSummary } from '../orders/admin';
import { etaTripModel, shipmentModel, trackingEventModel } from './model';
import type { TmsClient } from './tms-client';
import type { TrackingNotifier } from './notifications';

export const VIN = /^[A-HJ-NPR-Z0-9]{17}$/;
export const STAFF_ROLES: Role[] = ['service', 'admin', 'operator'];
const SIGNATURE_WINDOW_S = 300;
const TRACK_BUCKET_MS = 30 * 60_000;
const TRACK_MAX_POINTS = 500;
const MODEL_TTL_MS = 60_000;
const MODEL_MAX_TRIPS = 2000;

/** What the TMS posts to our webhook (one event per request). */
export const tmsEventSchema = z
  .object({
    eventId: z.string().regex(/^[A-Za-z0-9_.:-]{1,80}$/),
    shipmentNo: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/),
    orderNo: z.string().regex(/^CM\d{16}$/),
    vin: z.string().optional(),
    seq: z.number().int().nonnegative().optional(),
    type: z.enum(['position', ...MILESTONE_TYPES] as [string, ...string[]]),
    occurredAt: z.iso.datetime({ offset: true }),
    position: z.object({ lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180), speedKmh: z.number().min(0).max(300).optional() }),
    place: z.object({ code: z.string().max(20), name: z.string().max(40) }).optional(),
    kind: z.enum(['rest', 'night']).optional(),
    reason: z.string().max(200).optional(),
  })
  .passthrough();
export type TmsEventBody = z.infer<typeof tmsEventSchema>;

interface StoredMilestone {
  eventId: string;
  type: MilestoneType;
  at: Date;
  lat: number;
  lng: number;
  place?: string;
  kind?: 'rest' | 'night';
  reason?: string;
}
interface StoredPoint {
  lat: number;
  lng: number;
  at: Date;
  speedKmh?: number;
  eventId?: string;
}
export interface ShipmentDoc {
  _id: unknown;
  orderNo: string;
  orderId: string;
  buyerId: string;
  shipmentNo?: string;
  vin: string;
  centre: DeliveryCentre;
  status: 'created' | 'in_transit' | 'at_hub' | 'resting' | 'delayed' | 'arrived';
  milestones: StoredMilestone[];
  latest: StoredPoint | null;
  track: StoredPoint[];
  eta: (Omit<EtaEstimate, 'asOf' | 'etaAt' | 'lowAt' | 'highAt' | 'stops'> & { asOf: string; etaAt: string; lowAt: string; highAt: string; computedAt: string; stops: Array<Omit<EtaEstimate['stops'][number], 'at'> & { at: string }> }) | null;
  arrivedAt?: Date;
  learned: boolean;
  alerts?: AlertState | null;
  updatedAt: Date;
}

const STATUS_LABELS: Record<ShipmentDoc['status'], string> = {
  created: '待发车',
  in_transit: '运输中',
  at_hub: '中转交接中',
  resting: '司机休息中',
  delayed: '临时停车',
  arrived: '已到达交付中心',
};

const CENTRE_NAMES = Object.fromEntries(DELIVERY_CENTRES.map((c) => [c, PLACES[c].name]));

function milestoneLabel(m: StoredMilestone, centre: DeliveryCentre): string {
  const place = m.place ? placeName(m.place) : '';
  switch (m.type) {
    case 'departed':
      return '已从宁波工厂发车';
    case 'hub_arrived':
      return `到达${place || '中转库'}，交接换车`;
    case 'hub_departed':
      return `驶离${place || '中转库'}`;
    case 'rest_started':
      return m.kind === 'night' ? '夜间停车休息' : '司机按规定休息';
    case 'rest_ended':
      return '休息结束，继续行驶';
    case 'delay_started':
      return `临时停车${m.reason ? `：${m.reason}` : ''}`;
    case 'delay_ended':
      return '恢复行驶';
    case 'arrived':
      return `到达${CENTRE_NAMES[centre]}`;
  }
}

function statusFrom(milestones: StoredMilestone[]): ShipmentDoc['status'] {
  const last = milestones[milestones.length - 1];
  if (!last) return 'created';
  if (milestones.some((m) => m.type === 'arrived')) return 'arrived';
  return ({ hub_arrived: 'at_hub', rest_started: 'resting', delay_started: 'delayed' } as Record<string, ShipmentDoc['status']>)[last.type] ?? 'in_transit';
}

/** Keep one point per 30-minute bucket (the earliest: the same whatever order the points came in). */
export function addToTrack(track: StoredPoint[], p: StoredPoint): StoredPoint[] {
  const bucket = Math.floor(new Date(p.at).getTime() / TRACK_BUCKET_MS);
  const i = track.findIndex((q) => Math.floor(new Date(q.at).getTime() / TRACK_BUCKET_MS) === bucket);
  let next = track;
  if (i === -1) next = [...track, p];
  else if (new Date(p.at).getTime() < new Date(track[i].at).getTime()) next = track.map((q, k) => (k === i ? p : q));
  else return track;
  next = next.sort((a, b) => new Date(a.at).getTime() - new Date(b.at).getTime());
  return next.length > TRACK_MAX_POINTS ? next.filter((_, k) => k % 2 === 0 || k === next.length - 1) : next;
}

/**
 * Who may read an order's tracking: its buyer, the advisor credited with it, and staff roles.
 * An advisor role alone is not enough: another advisor's customer stays invisible.
 */
export function canTrack(user: Pick<AuthedUser, 'id' | 'roles'>, order: Pick<OrderDoc, 'buyerId' | 'advisorUserId'>): boolean {
  if (order.buyerId === user.id) return true;
  if (order.advisorUserId !== undefined && order.advisorUserId === user.id) return true;
  return STAFF_ROLES.some((r) => user.roles.includes(r));
}

/** What a bulk staff step did to one order (`applied` ones carry what the audit records). */
export interface BulkItemResult {
  orderNo: string;
  status: 'applied' | 'unchanged' | 'failed';
  state: OrderState | null;
  code: string | null;
  message: string | null;
  before?: OrderState;
  vin?: string | null;
  shipmentNo?: string | null;
  centre?: string | null;
}

export interface IngestResult {
  status: 'applied' | 'duplicate';
  eventId: string;
}

export class TrackingService {
  private model: { value: EtaModel; at: number } | null = null;
  private indexes: Promise<unknown> | null = null;
  /** Milestone and delay alerts to the buyer and advisor (set by the app once the message senders exist). */
  notifier: TrackingNotifier | null = null;

  constructor(
    private readonly conn: Connection,
    private readonly orders: OrderService,
    private readonly locks: Locks,
    private readonly logger: Logger,
    private readonly tms: TmsClient | null,
    private readonly opts: { webhookSecret: string; callbackUrl?: string; delayAlertMinutes?: number },
  ) {}

  /**
   * Called after a car is handed over (set in app.ts: the vehicles module puts it in the owner's
   * garage at once; its daily catch-up from delivered orders remains the safety net).
   */
  onDelivered: ((order: OrderDoc) => Promise<unknown>) | null = null;

  get Shipments() {
    return shipmentModel(this.conn);
  }
  get Events() {
    return trackingEventModel(this.conn);
  }
  get Trips() {
    return etaTripModel(this.conn);
  }

  private ensureIndexes() {
    this.indexes ??= Promise.all([this.Shipments.init(), this.Events.init(), this.Trips.init()]).catch((err) => {
      this.indexes = null;
      throw err;
    });
    return this.indexes;
  }

  /** The ETA model: the sum of the most recent trips' contributions (cached for a minute). */
  async etaModel(): Promise<EtaModel> {
    if (this.model && Date.now() - this.model.at < MODEL_TTL_MS) return this.model.value;
    const docs = await this.Trips.find({}).sort({ createdAt: -1 }).limit(MODEL_MAX_TRIPS).lean<{ model: EtaModel }[]>();
    const value = docs.reduce((acc, d) => mergeEtaModels(acc, d.model), emptyEtaModel());
    this.model = { value, at: Date.now() };
    return value;
  }

  // ---- staff: order events ----

  /** Staff move an order along its delivery: allocate (with the VIN), ship (creates the TMS shipment), arrive, deliver. */
  async applyStaffEvent(user: AuthedUser, orderNo: string, input: { event: Extract<OrderEvent, 'allocate' | 'ship' | 'arrive' | 'deliver'>; vin?: string; centre?: DeliveryCentre }) {
    const order = await this.orders.findByOrderNo(orderNo);
    if (!order) throw notFound('订单', { orderNo });
    const check = checkTransition(order.state, input.event, 'staff');
    if (!check.ok) throw new AppError(409, 'ORDER_STATE_INVALID', check.reason);
    const actor = { kind: 'staff' as const, id: user.id };
    const newVin = input.event === 'allocate' || input.event === 'ship' ? input.vin : undefined;
    if (newVin) {
      // One car, one buyer: a VIN already on another order in progress is refused.
      const other = await this.orders.findActiveByVin(newVin, orderNo);
      if (other) throw new AppError(409, 'VIN_IN_USE', `该车架号已分配给订单 ${other.orderNo}`, { orderNo: other.orderNo });
    }
    let shipment: ShipmentDoc | null = null;
    let note: string | undefined;
    if (input.event === 'allocate' && input.vin) note = `分配车辆 VIN ${input.vin}`;
    if (input.event === 'ship') {
      const vin = input.vin ?? this.allocatedVin(order);
      if (!vin) throw validationFailed('发车需要车辆 VIN', [{ in: 'body', path: 'vin', message: '请提供 17 位 VIN', code: 'required' }]);
      // Staff may override the destination (e.g. the buyer changed centre by phone); normally the buyer's choice.
      shipment = await this.createShipment(order, vin, input.centre ?? orderCentre(order));
      note = `发往${CENTRE_NAMES[shipment.centre]}，VIN ${vin}${shipment.shipmentNo ? `，运单 ${shipment.shipmentNo}` : ''}`;
    }
    // The VIN is stored on the order (not only in the note), so the owner's garage shows the real car.
    const vin = input.event === 'allocate' ? input.vin : input.event === 'ship' ? (input.vin ?? this.allocatedVin(order)) : undefined;
    // Shipped elsewhere than the buyer chose (staff override): the order's centre follows the car.
    const set = { ...(vin ? { vin } : {}), ...(shipment && shipment.centre !== orderCentre(order) ? { deliveryCentreCode: shipment.centre } : {}) };
    const updated = await this.orders.transition(order, input.event, actor, { ...(note ? { note } : {}), ...(Object.keys(set).length ? { set: () => set } : {}) });
    if (!updated) throw new AppError(409, 'ORDER_STATE_INVALID', '订单状态已变化，请刷新');
    if (input.event === 'deliver' && this.onDelivered) {
      await this.onDelivered(updated).catch((err: Error) => this.logger.warn({ err: err.message, orderNo }, 'the delivered car is not in the garage yet (the daily catch-up adds it)'));
    }
    return { order: presentOrder(updated), shipment: shipment ? this.present(shipment) : null, before: order.state };
  }

  /**
   * The same staff step for several orders (a batch of cars allocated, one truck shipped to one
   * centre, its arrival), each order on its own: one's failure does not stop the others, and each
   * answer says what happened to that order. Repeating a request is harmless: an order already at
   * (or past) the step with the same car and centre is `unchanged`; with another car or centre it
   * is a conflict. Returns what changed, for the caller to audit.
   */
  async applyBulk(user: AuthedUser, input: { action: BulkOrderAction; items: { orderNo: string; vin?: string }[]; centre?: DeliveryCentre }): Promise<BulkItemResult[]> {
    const event = STAFF_ACTION_RULES[input.action].event as Extract<OrderEvent, 'allocate' | 'ship' | 'arrive'>;
    const target = STAFF_ACTION_TARGET[input.action];
    const results: BulkItemResult[] = [];
    for (const item of input.items) {
      const failed = (code: string, message: string, state: OrderState | null = null): BulkItemResult => ({ orderNo: item.orderNo, status: 'failed', state, code, message });
      try {
        const order = await this.orders.findByOrderNo(item.orderNo);
        if (!order) {
          results.push(failed('NOT_FOUND', '订单不存在'));
          continue;
        }
        let vin: string | undefined;
        if (input.action === 'allocate') {
          const checked = checkStaffVin(item.vin ?? '');
          if (!checked.ok) {
            results.push(failed('VIN_INVALID', checked.message, order.state));
            continue;
          }
          vin = checked.vin;
        }
        if (isAtOrPast(order.state, target)) {
          const unchanged: BulkItemResult = { orderNo: order.orderNo, status: 'unchanged', state: order.state, code: null, message: '此前已完成' };
          if (input.action === 'allocate' && this.allocatedVin(order) !== vin) results.push(failed('CONFLICT', '该订单已分配其他车辆', order.state));
          else if (input.action === 'ship') {
            const s = await this.Shipments.findOne({ orderNo: order.orderNo }, { centre: 1 }).lean<{ centre: DeliveryCentre }>();
            results.push(s && s.centre !== (input.centre ?? orderCentre(order)) ? failed('CONFLICT', `该订单已发往${CENTRE_NAMES[s.centre]}`, order.state) : unchanged);
          } else results.push(unchanged);
          continue;
        }
        const done = await this.applyStaffEvent(user, order.orderNo, { event, ...(vin ? { vin } : {}), ...(input.action === 'ship' && input.centre ? { centre: input.centre } : {}) });
        results.push({ orderNo: order.orderNo, status: 'applied', state: done.order.state, code: null, message: null, before: order.state, vin: input.action === 'arrive' ? null : (done.order.vin ?? null), shipmentNo: done.shipment?.shipmentNo ?? null, centre: done.shipment?.destination.code ?? null });
      } catch (err) {
        if (err instanceof AppError) results.push(failed(err.code, err.message));
        else {
          this.logger.error({ err: (err as Error).message, orderNo: item.orderNo }, 'bulk staff event failed');
          results.push(failed('SERVICE_UNAVAILABLE', '处理失败，请稍后重试'));
        }
      }
    }
    return results;
  }

  /** The order's shipment in brief, for the staff console's order page (null before it is shipped). */
  async staffSummary(orderNo: string): Promise<TrackingSummary | null> {
    const s = await this.Shipments.findOne({ orderNo }).lean<ShipmentDoc>();
    if (!s) return null;
    const last = s.milestones[s.milestones.length - 1];
    return {
      shipmentNo: s.shipmentNo ?? null,
      vin: s.vin,
      status: s.status,
      statusLabel: STATUS_LABELS[s.status],
      destination: { code: s.centre, name: CENTRE_NAMES[s.centre] },
      lastMilestone: last ? { label: milestoneLabel(last, s.centre), at: new Date(last.at).toISOString() } : null,
      eta: s.eta ? { at: s.eta.etaAt, atText: formatDateTimeCN(s.eta.etaAt), windowText: `${formatDateTimeCN(s.eta.lowAt)} – ${formatDateTimeCN(s.eta.highAt)}` } : null,
      arrived: s.status === 'arrived',
      updatedAt: new Date(s.updatedAt).toISOString(),
    };
  }

  private allocatedVin(order: OrderDoc): string | undefined {
    if (order.vin) return order.vin;
    // Orders allocated before the VIN was stored on the order: read it back from the note.
    for (const e of [...order.timeline].reverse()) {
      const m = e.event === 'allocate' && e.note ? /VIN ([A-HJ-NPR-Z0-9]{17})/.exec(e.note) : null;
      if (m) return m[1];
    }
    return undefined;
  }

  /** The shipment document first (unique per order), then the TMS (idempotent by orderNo): a retry after a failure is safe. */
  private async createShipment(order: OrderDoc, vin: string, centre: DeliveryCentre): Promise<ShipmentDoc> {
    await this.ensureIndexes();
    try {
      await this.Shipments.create({ orderNo: order.orderNo, orderId: String(order._id), buyerId: order.buyerId, vin, centre, status: 'created' });
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
    }
    let doc = (await this.Shipments.findOne({ orderNo: order.orderNo }).lean<ShipmentDoc>())!;
    if (doc.vin !== vin || doc.centre !== centre) {
      if (doc.shipmentNo) throw new AppError(409, 'CONFLICT', '该订单已有其他车辆或目的地的运单', { shipmentNo: doc.shipmentNo });
      await this.Shipments.updateOne({ orderNo: order.orderNo, shipmentNo: { $exists: false } }, { $set: { vin, centre } });
    }
    if (!doc.shipmentNo && this.tms) {
      const created = await this.tms.createShipment({ orderNo: order.orderNo, vin, destination: centre, ...(this.opts.callbackUrl ? { callbackUrl: this.opts.callbackUrl } : {}) });
      await this.Shipments.updateOne({ orderNo: order.orderNo }, { $set: { shipmentNo: created.shipmentNo } });
    } else if (!this.tms) {
      this.logger.warn({ orderNo: order.orderNo }, 'TMS_API_BASE is not set: shipped without a TMS shipment (no live tracking)');
    }
    doc = (await this.Shipments.findOne({ orderNo: order.orderNo }).lean<ShipmentDoc>())!;
    return doc;
  }

  // ---- TMS webhook ----

  verifySignature(raw: string, headers: { timestamp?: string; signature?: string }) {
    const ts = headers.timestamp ?? '';
    const given = Buffer.from(headers.signature ?? '', 'hex');
    const expected = createHmac('sha256', this.opts.webhookSecret).update(`${ts}\n${raw}`).digest();
    const fresh = /^\d{1,12}$/.test(ts) && Math.abs(Date.now() / 1000 - Number(ts)) <= SIGNATURE_WINDOW_S;
    if (!fresh || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new AppError(401, 'UNAUTHENTICATED', '签名校验失败');
    }
  }

  /** One TMS event: verified, parsed, stored once by its id, applied to its shipment under the shipment's lock. */
  async ingest(raw: string, headers: { timestamp?: string; signature?: string }): Promise<IngestResult> {
    this.verifySignature(raw, headers);
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      throw validationFailed('请求体不是有效的 JSON');
    }
    const parsed = tmsEventSchema.safeParse(json);
    if (!parsed.success) {
      throw validationFailed('事件内容不正确', parsed.error.issues.map((i) => ({ in: 'body', path: i.path.join('.'), message: i.message, code: i.code })));
    }
    const event = parsed.data;
    await this.ensureIndexes();
    const shipment = await this.Shipments.findOne({ orderNo: event.orderNo }).lean<ShipmentDoc>();
    if (!shipment || (shipment.shipmentNo && shipment.shipmentNo !== event.shipmentNo)) throw notFound('运单', { shipmentNo: event.shipmentNo });

    try {
      await this.Events.create({ _id: event.eventId, orderNo: event.orderNo, shipmentNo: event.shipmentNo, type: event.type, occurredAt: new Date(event.occurredAt), receivedAt: new Date(), payload: event, applied: false });
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
      const seen = await this.Events.findById(event.eventId).lean<{ applied: boolean }>();
      if (seen?.applied) return { status: 'duplicate', eventId: event.eventId };
      // Stored by an earlier delivery that failed half-way: apply it now (applying is idempotent).
    }
    const updated = await this.apply(event);
    if (event.type === 'arrived') await this.onArrived(updated);
    await this.Events.updateOne({ _id: event.eventId }, { $set: { applied: true } });
    // Alerts were recorded with the change; sending them must not fail the TMS's delivery.
    await this.notifier?.deliverPending(event.orderNo).catch((err: Error) => this.logger.warn({ err: err.message, orderNo: event.orderNo }, 'delivery alerts not sent yet'));
    return { status: 'applied', eventId: event.eventId };
  }

  private async apply(event: TmsEventBody): Promise<ShipmentDoc> {
    return this.locks.withLock(`shipment:${event.orderNo}`, async () => {
      const s = (await this.Shipments.findOne({ orderNo: event.orderNo }).lean<ShipmentDoc>())!;
      const at = new Date(event.occurredAt);
      const set: Record<string, unknown> = {};
      if (!s.shipmentNo) set.shipmentNo = event.shipmentNo;
      let milestones = s.milestones;
      let latest = s.latest;
      let recompute = false;
      if (event.type === 'position') {
        const point: StoredPoint = { lat: event.position.lat, lng: event.position.lng, at, ...(event.position.speedKmh !== undefined ? { speedKmh: event.position.speedKmh } : {}), eventId: event.eventId };
        set.track = addToTrack(s.track, { lat: point.lat, lng: point.lng, at });
        if (!latest || new Date(latest.at).getTime() < at.getTime()) {
          latest = point;
          set.latest = point;
          recompute = true;
        }
      } else if (!milestones.some((m) => m.eventId === event.eventId)) {
        const m: StoredMilestone = {
          eventId: event.eventId, type: event.type as MilestoneType, at, lat: event.position.lat, lng: event.position.lng,
          ...(event.place ? { place: event.place.code } : {}), ...(event.kind ? { kind: event.kind } : {}), ...(event.reason ? { reason: event.reason } : {}),
        };
        // Out-of-order deliveries: the milestones are kept in the order they happened, not arrived.
        milestones = [...milestones, m].sort((a, b) => new Date(a.at).getTime() - new Date(b.at).getTime());
        set.milestones = milestones;
        set.status = statusFrom(milestones);
        if (m.type === 'arrived') set.arrivedAt = at;
        recompute = true;
      }
      if (recompute) {
        set.eta = this.computeEta({ ...s, milestones, latest, track: (set.track as StoredPoint[] | undefined) ?? s.track ?? [] }, await this.etaModel());
        if (this.notifier) set.alerts = await this.decideAlerts(s, milestones, set.eta as ShipmentDoc['eta']);
      }
      await this.Shipments.updateOne({ _id: s._id }, { $set: set });
      return (await this.Shipments.findById(s._id).lean<ShipmentDoc>())!;
    });
  }

  /**
   * New buyer/advisor alerts for this state of the shipment, recorded (once each) before the
   * shipment is written: a retry of this event decides the same alerts and records nothing new.
   */
  private async decideAlerts(s: ShipmentDoc, milestones: StoredMilestone[], eta: ShipmentDoc['eta']): Promise<AlertState> {
    const { alerts, state } = decideAlerts(
      s.alerts ?? emptyAlertState(),
      {
        milestones: milestones.map((m) => ({ type: m.type, at: new Date(m.at).getTime(), ...(m.place ? { place: m.place } : {}) })),
        eta: eta ? { etaAt: Date.parse(eta.etaAt), lowAt: Date.parse(eta.lowAt), highAt: Date.parse(eta.highAt), asOf: Date.parse(eta.asOf), arrived: eta.arrived } : null,
      },
      { slipThresholdMs: (this.opts.delayAlertMinutes ?? 120) * 60_000 },
    );
    if (alerts.length) {
      const advisorUserId = await this.orders.advisorOf(s.orderNo);
      await this.notifier!.record(s.orderNo, s.centre, alerts, { buyerId: s.buyerId, ...(advisorUserId ? { advisorUserId } : {}) });
    }
    return state;
  }

  private computeEta(s: Pick<ShipmentDoc, 'centre' | 'milestones' | 'latest' | 'track'>, model: EtaModel): ShipmentDoc['eta'] {
    const milestones: Milestone[] = s.milestones.map((m) => ({ type: m.type, at: new Date(m.at).getTime(), place: m.place, kind: m.kind }));
    const times = [...milestones.map((m) => m.at), ...(s.latest ? [new Date(s.latest.at).getTime()] : [])];
    if (times.length === 0) return null;
    // The 30-minute track gives the engine this carrier's own pace so far.
    const track = s.track.map((p) => ({ lat: p.lat, lng: p.lng, at: new Date(p.at).getTime() }));
    const est = estimateEta({ route: routeTo(s.centre), model, at: Math.max(...times), ...(s.latest ? { position: s.latest } : {}), milestones, track });
    const iso = (ms: number) => new Date(ms).toISOString();
    return {
      ...est,
      asOf: iso(est.asOf),
      etaAt: iso(est.etaAt),
      lowAt: iso(est.lowAt),
      highAt: iso(est.highAt),
      computedAt: new Date().toISOString(),
      stops: est.stops.map((x) => ({ ...x, at: iso(x.at) })),
    };
  }

  /** Arrival: the order becomes ready for delivery, and the trip teaches the ETA model. Both idempotent. */
  private async onArrived(s: ShipmentDoc) {
    await this.orders.transition({ _id: s.orderId as never }, 'arrive', { kind: 'system' }, { note: `运输车到达${CENTRE_NAMES[s.centre]}` });
    if (s.learned || !s.shipmentNo) return;
    const positions = await this.Events.find({ orderNo: s.orderNo, type: 'position' }).lean<{ payload: TmsEventBody }[]>();
    const pings = positions.map((p) => ({ lat: p.payload.position.lat, lng: p.payload.position.lng, at: Date.parse(p.payload.occurredAt) }));
    const milestones: Milestone[] = s.milestones.map((m) => ({ type: m.type, at: new Date(m.at).getTime(), place: m.place, kind: m.kind }));
    // The movement model, plus the interval calibration from re-estimating this trip with the model as it is now (without it).
    const contribution = mergeEtaModels(learnFromTrip(routeTo(s.centre), pings, milestones), calibrationFromTrip(routeTo(s.centre), await this.etaModel(), pings, milestones));
    try {
      await this.Trips.create({ _id: s.shipmentNo, centre: s.centre, model: contribution, createdAt: new Date() });
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
    }
    await this.Shipments.updateOne({ _id: s._id }, { $set: { learned: true } });
    this.model = null;
  }

  // ---- reading ----

  /** The buyer's tracking view; another buyer gets 404 (no probing), staff see every order. */
  async trackingFor(user: AuthedUser, orderNo: string) {
    const order = await this.orders.findByOrderNo(orderNo);
    const allowed = order && canTrack(user, order);
    if (!order || !allowed) throw notFound('订单', { orderNo });
    const shipment = await this.Shipments.findOne({ orderNo }).lean<ShipmentDoc>();
    return { orderNo, orderState: order.state, orderStateLabel: ORDER_STATE_LABELS[order.state], shipment: shipment ? this.present(shipment) : null };
  }

  present(s: ShipmentDoc) {
    const route = routeTo(s.centre);
    const iso = (d: Date | string) => new Date(d).toISOString();
    const eta = s.eta;
    return {
      shipmentNo: s.shipmentNo ?? null,
      vin: s.vin,
      status: s.status,
      statusLabel: STATUS_LABELS[s.status],
      destination: { code: s.centre, name: CENTRE_NAMES[s.centre] },
      route: {
        code: route.code,
        name: route.name,
        totalKm: Math.round(route.totalKm),
        stops: route.points
          .map((p, i) => ({ code: p.code, name: p.name, kind: p.kind, lat: p.lat, lng: p.lng, km: Math.round(route.cumKm[i]) }))
          .filter((p) => p.kind === 'factory' || p.kind === 'centre' || route.hubs.some((h) => h.code === p.code)),
        polyline: route.points.map((p) => [p.lat, p.lng]),
      },
      latest: s.latest ? { lat: s.latest.lat, lng: s.latest.lng, at: iso(s.latest.at), atText: formatDateTimeCN(s.latest.at), speedKmh: s.latest.speedKmh ?? null } : null,
      track: s.track.map((p) => ({ lat: p.lat, lng: p.lng, at: iso(p.at) })),
      milestones: s.milestones.map((m) => ({ type: m.type, label: milestoneLabel(m, s.centre), at: iso(m.at), atText: formatDateTimeCN(m.at), ...(m.place ? { place: { code: m.place, name: placeName(m.place) } } : {}) })),
      eta: eta
        ? {
            at: eta.etaAt,
            atText: formatDateTimeCN(eta.etaAt),
            lowAt: eta.lowAt,
            highAt: eta.highAt,
            windowText: `${formatDateTimeCN(eta.lowAt)} – ${formatDateTimeCN(eta.highAt)}`,
            confidence: eta.confidence,
            arrived: eta.arrived,
            progressKm: eta.progressKm,
            remainingKm: eta.remainingKm,
            totalKm: eta.totalKm,
            asOf: eta.asOf,
            computedAt: eta.computedAt,
            summary: eta.summary,
            explanation: {
              drivingMin: eta.drivingMin,
              restStops: eta.restStops,
              restMin: eta.restMin,
              nightStops: eta.nightStops,
              nightMin: eta.nightMin,
              dwellMin: eta.dwellMin,
              delayAllowanceMin: eta.delayAllowanceMin,
              intervalCalibration: eta.calibration ?? null,
              tripPace: eta.tripPace ?? null,
              segments: eta.segments,
              stops: eta.stops,
            },
          }
        : null,
      updatedAt: iso(s.updatedAt),
    };
  }
}
