import { Types, type Connection } from 'mongoose';
import {
  addDays,
  predictVehicleHealth,
  servicePlanFor,
  shanghaiDate,
  type CampaignSegment,
  type EnergyType,
  type OwnedVehicle,
  type VehicleSource,
  type UsageReport,
  type VehicleFacts,
  type VehicleHealth,
} from '@carmall/shared-types';
import { AppError, notFound } from '../../infra/errors';
import type { Locks } from '../../infra/lock';
import type { CatalogService } from '../catalog/service';
import { usageReportModel, vehicleModel } from './model';

export interface VehicleDoc {
  _id: Types.ObjectId;
  vin: string;
  ownerId: string;
  orderNo?: string;
  /** Unset on cars registered before sources were recorded: `order` with an orderNo, else `staff`. */
  source?: VehicleSource;
  plate?: string;
  colourName?: string;
  dealer?: { code: string; name: string };
  soldAt?: Date;
  /** A car its owner added from the DMS record: the request's key, and when the claim was audited. */
  claim?: { userId: string; key: string; at: Date; auditedAt?: Date };
  modelCode: string;
  modelName: string;
  trimCode?: string;
  energyType: EnergyType;
  deliveredAt: Date;
  odometerAtDeliveryKm: number;
  lastService: { at: Date; odometerKm: number } | null;
  tyresFittedKm?: number;
  summary?: { serviceDueDate: string; serviceStatus: string; batterySohPct?: number; tyreTreadMm: number; odometerKm: number; lastReportAt?: Date; computedAt: Date };
  createdAt: Date;
}

export interface UsageReportInput {
  reportId: string;
  vin: string;
  at: string;
  odometerKm: number;
  harshBrakes?: number;
  charges?: number;
  fastCharges?: number;
  batterySohPct?: number;
}

/** Reports read for a prediction: the newest ones are enough (about two years of weekly reports). */
const REPORTS_FOR_PREDICTION = 120;

/** What vehicle registration needs of a delivered order (the orders module provides it). */
export interface DeliveredOrder {
  orderNo: string;
  buyerId: string;
  modelCode: string;
  trimCode?: string;
  vin?: string;
  timeline?: { event: string; at: string }[];
}

export class VehicleService {
  constructor(
    private readonly conn: Connection,
    private readonly catalog: CatalogService,
    private readonly locks: Locks,
    /** UserService.exists, passed in: the users collection is not this module's. */
    private readonly userExists: (userId: string) => Promise<boolean>,
    private readonly deliveredOrders?: () => Promise<DeliveredOrder[]>,
  ) {}

  get Vehicles() {
    return vehicleModel(this.conn);
  }
  get Reports() {
    return usageReportModel(this.conn);
  }

  /**
   * Register an owned car. Idempotent by VIN: registering the same car for the same owner again
   * returns it; a VIN already owned by someone else is a 409.
   */
  async register(input: {
    ownerId: string;
    vin: string;
    modelCode: string;
    trimCode?: string;
    orderNo?: string;
    source?: VehicleSource;
    deliveredAt: Date;
    odometerKm?: number;
    lastService?: { at: Date; odometerKm: number } | null;
  }): Promise<VehicleDoc> {
    const existing = await this.Vehicles.findOne({ vin: input.vin }).lean<VehicleDoc>();
    if (existing) {
      if (existing.ownerId !== input.ownerId) throw new AppError(409, 'CONFLICT', '该车架号已登记在其他车主名下', { vin: input.vin });
      return existing;
    }
    const { model } = await this.catalog.getModel(input.modelCode);
    if (input.trimCode && !model.trims.some((t) => t.code === input.trimCode)) throw new AppError(404, 'UNKNOWN_TRIM', '车型版本不存在', { trimCode: input.trimCode });
    const doc = {
      _id: new Types.ObjectId(),
      vin: input.vin,
      ownerId: input.ownerId,
      orderNo: input.orderNo,
      source: input.source ?? (input.orderNo ? 'order' : 'staff'),
      modelCode: model.code,
      modelName: model.name,
      trimCode: input.trimCode,
      energyType: model.energyType,
      deliveredAt: input.deliveredAt,
      odometerAtDeliveryKm: input.odometerKm ?? 0,
      lastService: input.lastService ?? null,
      tyresFittedKm: input.odometerKm ?? 0,
    };
    try {
      await this.Vehicles.create(doc);
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
      return this.register(input); // a concurrent registration of the same VIN won: answer as it did
    }
    await this.refreshSummary(String(doc._id));
    return (await this.Vehicles.findById(doc._id).lean<VehicleDoc>())!;
  }

  /** Staff: register for a user who must exist. */
  async registerForOwner(input: Parameters<VehicleService['register']>[0]) {
    if (!Types.ObjectId.isValid(input.ownerId) || !(await this.userExists(input.ownerId))) throw notFound('车主', { ownerId: input.ownerId });
    return this.register({ ...input, source: 'staff' });
  }

  async findByVin(vin: string): Promise<VehicleDoc | null> {
    return this.Vehicles.findOne({ vin }).lean<VehicleDoc>();
  }

  /** The car a user's claim with this Idempotency-Key added, if any. */
  async findByClaimKey(userId: string, key: string): Promise<VehicleDoc | null> {
    return this.Vehicles.findOne({ 'claim.userId': userId, 'claim.key': key }).lean<VehicleDoc>();
  }

  /**
   * A car its owner claimed from the DMS record (see claims.ts, which has checked the owner): one
   * insert, unique by VIN — a VIN registered meanwhile is a duplicate-key error for the caller.
   * Model names and energy come from the catalog when it still lists the model (and the trim), else
   * from the DMS (a model no longer sold).
   */
  async registerClaimed(input: {
    ownerId: string;
    vin: string;
    modelCode: string;
    modelName: string;
    trimCode: string;
    energyType: EnergyType;
    deliveredAt: Date;
    soldAt: Date;
    plate?: string;
    colourName: string;
    dealer: { code: string; name: string };
    claimKey: string;
  }): Promise<VehicleDoc> {
    const listed = await this.catalog.getModel(input.modelCode).then(
      (d) => d.model,
      (err) => {
        if ((err as AppError).code === 'NOT_FOUND') return null;
        throw err;
      },
    );
    const doc = {
      _id: new Types.ObjectId(),
      vin: input.vin,
      ownerId: input.ownerId,
      source: 'dms_claim' as const,
      modelCode: input.modelCode,
      modelName: listed?.name ?? input.modelName,
      trimCode: !listed || listed.trims.some((t) => t.code === input.trimCode) ? input.trimCode : undefined,
      energyType: listed?.energyType ?? input.energyType,
      deliveredAt: input.deliveredAt,
      soldAt: input.soldAt,
      odometerAtDeliveryKm: 0,
      lastService: null,
      tyresFittedKm: 0,
      ...(input.plate ? { plate: input.plate } : {}),
      colourName: input.colourName,
      dealer: input.dealer,
      claim: { userId: input.ownerId, key: input.claimKey, at: new Date() },
    };
    await this.Vehicles.create(doc);
    await this.refreshSummary(String(doc._id));
    return (await this.Vehicles.findById(doc._id).lean<VehicleDoc>())!;
  }

  /** The claim's audit entry is written (a retry of a claim whose audit failed writes it then). */
  async markClaimAudited(vehicleId: string): Promise<void> {
    await this.Vehicles.updateOne({ _id: vehicleId }, { $set: { 'claim.auditedAt': new Date() } });
  }

  /**
   * A delivered order becomes a car in its buyer's garage. Called by the delivery flow and by the
   * reminder scan (which catches up on delivered orders without a vehicle); idempotent by VIN,
   * which is the allocated VIN or, before one is known, a placeholder derived from the order.
   */
  async registerFromDeliveredOrder(order: { orderNo: string; buyerId: string; modelCode: string; trimCode?: string; vin?: string; deliveredAt: Date }) {
    return this.register({
      ownerId: order.buyerId,
      vin: order.vin ?? `ORDER-${order.orderNo}`,
      modelCode: order.modelCode,
      trimCode: order.trimCode,
      orderNo: order.orderNo,
      source: 'order',
      deliveredAt: order.deliveredAt,
    });
  }

  /** Orders delivered without a vehicle yet (the scan's catch-up). Returns how many were created. */
  async syncDeliveredOrders(): Promise<number> {
    // The orders module owns orders: they come through its service (wired in app.ts).
    const orders = this.deliveredOrders ? await this.deliveredOrders() : [];
    let created = 0;
    for (const o of orders) {
      if (await this.Vehicles.exists({ orderNo: o.orderNo })) continue;
      const delivered = o.timeline?.find((e) => e.event === 'deliver');
      await this.registerFromDeliveredOrder({
        orderNo: o.orderNo,
        buyerId: o.buyerId,
        modelCode: o.modelCode,
        trimCode: o.trimCode,
        vin: o.vin,
        deliveredAt: new Date(delivered?.at ?? Date.now()),
      });
      created += 1;
    }
    return created;
  }

  // ---- reads for the reminders module (it never queries vehicles itself) ----

  /** Cars whose next service is due on or before `limit` (a Shanghai date), streamed. */
  dueBy(limit: string) {
    return this.Vehicles.find({ 'summary.serviceDueDate': { $lte: limit } }, { ownerId: 1, modelName: 1, summary: 1, lastService: 1 }).lean().cursor({ batchSize: 1000 });
  }

  /** A campaign's cars, streamed in _id order. */
  segment(s: CampaignSegment) {
    return this.Vehicles.find(this.segmentFilter(s), { ownerId: 1, modelName: 1, summary: 1 }).sort({ _id: 1 }).lean().cursor({ batchSize: 1000 });
  }

  /** A campaign's reach before it is pushed: cars, distinct owners and five sample cars (soonest due first). */
  async segmentPreview(s: CampaignSegment) {
    const filter = this.segmentFilter(s);
    const [vehicles, owners, sample] = await Promise.all([
      this.Vehicles.countDocuments(filter),
      this.Vehicles.distinct('ownerId', filter),
      this.Vehicles.find(filter, { modelName: 1, modelCode: 1, vin: 1, summary: 1 }).sort({ 'summary.serviceDueDate': 1 }).limit(5).lean(),
    ]);
    return { vehicles, owners: owners.length, sample };
  }

  private segmentFilter(s: CampaignSegment, now = new Date()) {
    const f: Record<string, unknown> = {};
    if (s.modelCodes?.length) f.modelCode = { $in: s.modelCodes };
    if (s.dueWithinDays !== undefined) f['summary.serviceDueDate'] = { $lte: addDays(shanghaiDate(now), s.dueWithinDays) };
    if (s.batterySohBelow !== undefined) f['summary.batterySohPct'] = { $lt: s.batterySohBelow };
    return f;
  }

  /**
   * Staff console: cars by VIN (whole, or its last 6), by owner (ids the caller found by phone), by
   * service status, newest delivery first. Reads the stored summary only (no per-car health).
   */
  async adminList(f: { vin?: string; vinSuffix?: string; ownerIds?: string[]; serviceStatus?: string; page: number; pageSize: number }): Promise<{ items: VehicleDoc[]; total: number }> {
    const filter: Record<string, unknown> = {};
    if (f.vin) filter.vin = f.vin;
    if (f.vinSuffix) filter.vin = { $regex: `${f.vinSuffix}$` };
    if (f.ownerIds) filter.ownerId = { $in: f.ownerIds };
    if (f.serviceStatus) filter['summary.serviceStatus'] = f.serviceStatus;
    const [items, total] = await Promise.all([
      this.Vehicles.find(filter).sort({ deliveredAt: -1, _id: 1 }).skip((f.page - 1) * f.pageSize).limit(f.pageSize).lean<VehicleDoc[]>(),
      this.Vehicles.countDocuments(filter),
    ]);
    return { items, total };
  }

  async listOwned(ownerId: string): Promise<VehicleDoc[]> {
    return this.Vehicles.find({ ownerId }).sort({ deliveredAt: 1 }).lean<VehicleDoc[]>();
  }

  async getOwned(ownerId: string, vehicleId: string): Promise<VehicleDoc> {
    const v = Types.ObjectId.isValid(vehicleId) ? await this.Vehicles.findById(vehicleId).lean<VehicleDoc>() : null;
    if (!v || v.ownerId !== ownerId) throw notFound('车辆');
    return v;
  }

  async get(vehicleId: string): Promise<VehicleDoc | null> {
    return Types.ObjectId.isValid(vehicleId) ? this.Vehicles.findById(vehicleId).lean<VehicleDoc>() : null;
  }

  /**
   * Ingest usage reports. Each report is stored under its own id (a unique insert), so a batch sent
   * twice, or two senders racing, store it once. Returns what happened to each.
   */
  async ingest(reports: UsageReportInput[]) {
    const byVin = new Map<string, VehicleDoc | null>();
    const touched = new Set<string>();
    const result = { accepted: 0, duplicates: 0, unknownVehicles: [] as string[] };
    for (const r of reports) {
      if (!byVin.has(r.vin)) byVin.set(r.vin, await this.Vehicles.findOne({ vin: r.vin }).lean<VehicleDoc>());
      const v = byVin.get(r.vin);
      if (!v) {
        if (!result.unknownVehicles.includes(r.vin)) result.unknownVehicles.push(r.vin);
        continue;
      }
      try {
        await this.Reports.create({
          _id: r.reportId,
          vehicleId: String(v._id),
          at: new Date(r.at),
          odometerKm: r.odometerKm,
          harshBrakes: r.harshBrakes,
          charges: r.charges,
          fastCharges: r.fastCharges,
          batterySohPct: r.batterySohPct,
          receivedAt: new Date(),
        });
        result.accepted += 1;
      } catch (err) {
        if ((err as { code?: number }).code !== 11000) throw err;
        result.duplicates += 1;
      }
      // Duplicates too: the sender's retry after a crash between the inserts and the refresh below
      // is all duplicates, and must still bring the summary (what reminders and segments read) up to date.
      touched.add(String(v._id));
    }
    for (const id of touched) await this.refreshSummary(id);
    return result;
  }

  /** Record a service done at a service centre: the next one counts from here. */
  async recordService(vehicleId: string, at: Date, odometerKm: number) {
    await this.locks.withLock(`vehicle:${vehicleId}`, async () => {
      const res = await this.Vehicles.updateOne({ _id: vehicleId }, { $set: { lastService: { at, odometerKm } } });
      if (res.matchedCount === 0) throw notFound('车辆');
    });
    await this.refreshSummary(vehicleId);
    return (await this.get(vehicleId))!;
  }

  private async reportsOf(vehicleId: string): Promise<UsageReport[]> {
    const docs = await this.Reports.find({ vehicleId }).sort({ at: -1 }).limit(REPORTS_FOR_PREDICTION).lean<UsageReport[]>();
    return docs.reverse();
  }

  static facts(v: VehicleDoc): VehicleFacts {
    return {
      energyType: v.energyType,
      plan: servicePlanFor(v.modelCode, v.energyType),
      deliveredAt: v.deliveredAt,
      odometerAtDeliveryKm: v.odometerAtDeliveryKm,
      lastService: v.lastService,
      tyresFittedKm: v.tyresFittedKm,
    };
  }

  async health(v: VehicleDoc, now = new Date()): Promise<{ health: VehicleHealth; odometerKm: number; lastReportAt: Date | null }> {
    const reports = await this.reportsOf(String(v._id));
    const last = reports[reports.length - 1];
    return {
      health: predictVehicleHealth(VehicleService.facts(v), reports, now),
      odometerKm: Math.max(v.odometerAtDeliveryKm, ...reports.map((r) => r.odometerKm)),
      lastReportAt: last ? new Date(last.at) : null,
    };
  }

  /** Recompute the stored summary (segments, reminder scan) from the reports, under the vehicle's lock. */
  async refreshSummary(vehicleId: string, now = new Date()) {
    await this.locks.withLock(`vehicle:${vehicleId}`, async () => {
      const v = await this.get(vehicleId);
      if (!v) return;
      const { health, odometerKm, lastReportAt } = await this.health(v, now);
      await this.Vehicles.updateOne(
        { _id: v._id },
        {
          $set: {
            summary: {
              serviceDueDate: health.service.dueDate,
              serviceStatus: health.service.status,
              batterySohPct: health.battery?.sohPct,
              tyreTreadMm: health.tyres.treadMm,
              odometerKm,
              lastReportAt: lastReportAt ?? undefined,
              computedAt: now,
            },
          },
        },
      );
    });
  }
}

/** The one shape a car leaves the BFF in (shared-types OwnedVehicle, the mini-program's type too). */
export function presentVehicle(v: VehicleDoc, h: Awaited<ReturnType<VehicleService['health']>>): OwnedVehicle {
  return {
    id: String(v._id),
    vin: v.vin,
    modelCode: v.modelCode,
    modelName: v.modelName,
    trimCode: v.trimCode ?? null,
    energyType: v.energyType,
    orderNo: v.orderNo ?? null,
    source: v.source ?? (v.orderNo ? 'order' : 'staff'),
    plate: v.plate ?? null,
    colourName: v.colourName ?? null,
    dealerName: v.dealer?.name ?? null,
    deliveredAt: v.deliveredAt.toISOString(),
    deliveredOn: shanghaiDate(v.deliveredAt),
    odometerKm: Math.round(h.odometerKm),
    lastReportAt: h.lastReportAt?.toISOString() ?? null,
    lastService: v.lastService ? { at: new Date(v.lastService.at).toISOString(), odometerKm: v.lastService.odometerKm } : null,
    health: h.health,
  };
}
