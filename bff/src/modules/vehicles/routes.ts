import { z } from 'zod';
import { ENERGY_TYPES, VEHICLE_SOURCES, shanghaiDate, type ServiceStatus } from '@carmall/shared-types';
import { ADMIN_VEHICLE_SERVICE_STATUSES, adminVehicleListSchema, type AdminVehicleRow } from '@carmall/shared-types/schemas';
import { validationFailed } from '../../infra/errors';
import { idempotencyKeyHeader, route } from '../../infra/route';
import type { VehicleClaims } from './claims';
import { presentVehicle, type VehicleService } from './service';

const VIN = z.string().regex(/^[A-HJ-NPR-Z0-9]{17}$/, '车架号应为 17 位（不含 I、O、Q）');
const objectId = z.string().regex(/^[0-9a-f]{24}$/, 'ID 不正确');
const instant = z.iso.datetime({ offset: true });

const usageReport = z
  .object({
    reportId: z.string().regex(/^[A-Za-z0-9_.:-]{8,80}$/, '报告 ID 不正确'),
    vin: VIN,
    at: instant,
    odometerKm: z.number().min(0).max(2_000_000),
    harshBrakes: z.number().int().min(0).max(100_000).optional(),
    charges: z.number().int().min(0).max(10_000).optional(),
    fastCharges: z.number().int().min(0).max(10_000).optional(),
    batterySohPct: z.number().gt(0).max(100).optional(),
  })
  .strict()
  .refine((r) => (r.fastCharges ?? 0) <= (r.charges ?? r.fastCharges ?? 0), {
    message: '快充次数不能多于充电次数',
    path: ['fastCharges'],
    params: { rule: 'fastCharges is not above charges (when both are given)' },
  });

/** presentVehicle: the car and its predicted health (shared-types predictVehicleHealth; its parts passed through). */
const vehicleSchema = z.object({
  id: z.string(),
  vin: z.string(),
  modelCode: z.string(),
  modelName: z.string(),
  trimCode: z.string().nullable(),
  energyType: z.enum(ENERGY_TYPES),
  orderNo: z.string().nullable(),
  /** order: delivered through the app; staff: registered by service staff; dms_claim: added by its owner from the DMS's record. */
  source: z.enum(VEHICLE_SOURCES),
  plate: z.string().nullable(),
  colourName: z.string().nullable(),
  dealerName: z.string().nullable(),
  deliveredAt: z.string(),
  /** Shanghai date. */
  deliveredOn: z.string(),
  odometerKm: z.number().int(),
  lastReportAt: z.string().nullable(),
  lastService: z.object({ at: z.string(), odometerKm: z.number() }).nullable(),
  health: z.object({
    pace: z.looseObject({}),
    service: z.looseObject({ status: z.string(), reason: z.string() }),
    tyres: z.looseObject({ reason: z.string() }),
    /** null for combustion cars. */
    battery: z.looseObject({ sohPct: z.number(), reason: z.string() }).nullable(),
  }),
});

/** What the staff list needs of the users module (passed in from app.ts): owners by phone, masked contacts. */
export interface VehicleOwners {
  idsByPhone(phone: string): Promise<string[]>;
  maskedContacts(ids: string[]): Promise<Map<string, { phone: string | null; name: string | null }>>;
}

/** The search box: a whole VIN, its last 6, or the owner's whole mobile number (the blind index matches whole numbers only). */
function readSearch(q: string | undefined): { kind: 'none' | 'vin' | 'vin_suffix' | 'phone'; value: string } {
  const v = (q ?? '').trim().toUpperCase();
  if (!v) return { kind: 'none', value: '' };
  if (/^[A-HJ-NPR-Z0-9]{17}$/.test(v)) return { kind: 'vin', value: v };
  if (/^1[3-9]\d{9}$/.test(v)) return { kind: 'phone', value: v };
  if (/^[A-HJ-NPR-Z0-9]{6}$/.test(v)) return { kind: 'vin_suffix', value: v };
  throw validationFailed('请输入完整车架号、车架号后 6 位或车主完整手机号', [{ in: 'query', path: 'q', message: '请输入完整车架号、车架号后 6 位或车主完整手机号', code: 'invalid_search' }]);
}

export function vehicleRoutes(vehicles: VehicleService, claims: VehicleClaims, owners?: VehicleOwners) {
  return [
    route({
      method: 'get',
      path: '/admin/vehicles',
      tag: 'vehicles',
      summary: "Service staff: owners' cars — search by VIN (whole or last 6) or the owner's whole phone (blind index), filter by service status; owners masked, newest delivery first",
      auth: ['service', 'admin'],
      query: z
        .object({
          q: z.string().max(32).optional(),
          serviceStatus: z.enum(ADMIN_VEHICLE_SERVICE_STATUSES).optional(),
          page: z.coerce.number().int().min(1).max(1000).default(1),
          pageSize: z.coerce.number().int().min(1).max(100).default(20),
        })
        .strict(),
      response: adminVehicleListSchema,
      handler: async (_ctx, { query }) => {
        const search = readSearch(query.q);
        const ownerIds = search.kind === 'phone' ? ((await owners?.idsByPhone(search.value)) ?? []) : undefined;
        const { items, total } = await vehicles.adminList({
          ...(search.kind === 'vin' ? { vin: search.value } : {}),
          ...(search.kind === 'vin_suffix' ? { vinSuffix: search.value } : {}),
          ...(ownerIds ? { ownerIds } : {}),
          ...(query.serviceStatus ? { serviceStatus: query.serviceStatus } : {}),
          page: query.page,
          pageSize: query.pageSize,
        });
        const contacts = (await owners?.maskedContacts(items.map((v) => v.ownerId))) ?? new Map();
        const rows: AdminVehicleRow[] = items.map((v) => ({
          id: String(v._id),
          vin: v.vin,
          modelName: v.modelName,
          plate: v.plate ?? null,
          source: v.source ?? (v.orderNo ? 'order' : 'staff'),
          orderNo: v.orderNo ?? null,
          deliveredOn: shanghaiDate(v.deliveredAt),
          owner: contacts.get(v.ownerId) ?? { phone: null, name: null },
          service: v.summary
            ? { status: v.summary.serviceStatus as ServiceStatus, dueDate: v.summary.serviceDueDate, odometerKm: Math.round(v.summary.odometerKm), batterySohPct: v.summary.batterySohPct ?? null }
            : null,
        }));
        return { items: rows, page: query.page, pageSize: query.pageSize, total, search: search.kind };
      },
    }),
    route({
      method: 'get',
      path: '/me/vehicles',
      tag: 'vehicles',
      summary: '我的车库: my cars with the next service (distance or time, whichever first), tyre wear and battery health, each with its reason',
      auth: 'user',
      response: z.object({ items: z.array(vehicleSchema) }),
      handler: async (_ctx, { user }) => {
        const now = new Date();
        const list = await vehicles.listOwned(user!.id);
        return { items: await Promise.all(list.map(async (v) => presentVehicle(v, await vehicles.health(v, now)))) };
      },
    }),
    route({
      method: 'get',
      path: '/me/vehicles/:vehicleId',
      tag: 'vehicles',
      summary: 'One of my cars (another owner’s car is 404)',
      auth: 'user',
      params: z.object({ vehicleId: objectId }),
      response: vehicleSchema,
      handler: async (_ctx, { params, user }) => {
        const v = await vehicles.getOwned(user!.id, params.vehicleId);
        return presentVehicle(v, await vehicles.health(v));
      },
    }),
    route({
      method: 'post',
      path: '/me/vehicles',
      tag: 'vehicles',
      summary:
        '添加我的车: a car bought elsewhere (a dealer, before the app), found in the DMS by its VIN (ISO 3779 check digit) and added to my garage when the DMS’s registered owner mobile is my verified phone (Idempotency-Key header; the same car again answers the same vehicle). DMS lookups are limited per user per day.',
      auth: 'user',
      status: 201,
      headers: idempotencyKeyHeader,
      body: z
        .object({
          vin: z.string().max(64).describe('17 characters; upper case, spaces and separators are normalised; checked (check digit) by the server: 400 VIN_INVALID'),
          plate: z.string().max(32).nullable().optional().describe('optional plate, e.g. 沪A12345 or new-energy 沪AD12345: 400 PLATE_INVALID otherwise'),
        })
        .strict(),
      response: vehicleSchema,
      errors: [
        { status: 400, code: 'VIN_INVALID', when: 'not a VIN: length, I/O/Q or other characters, or the check digit (details.reason, details.position)' },
        { status: 400, code: 'PLATE_INVALID', when: 'the plate is not a Chinese plate (regular or new-energy)' },
        { status: 404, code: 'VEHICLE_NOT_FOUND', when: 'the DMS sold no car with this VIN' },
        { status: 409, code: 'VEHICLE_OWNER_MISMATCH', when: 'the DMS’s owner mobile is not my verified phone (details.registeredPhone, masked; details.signedInPhone different|none); the message says what to do' },
        { status: 409, code: 'VEHICLE_ALREADY_CLAIMED', when: 'the car is in another user’s garage' },
        { status: 409, code: 'IDEMPOTENCY_KEY_REUSED', when: 'the key added another car' },
        { status: 503, code: 'UPSTREAM_UNAVAILABLE', when: 'the DMS cannot be reached (Retry-After)' },
      ],
      handler: async (ctx, { body, user, headers }) => {
        const { vehicle } = await claims.claim(ctx, user!, headers['Idempotency-Key'], body);
        return presentVehicle(vehicle, await vehicles.health(vehicle));
      },
    }),
    route({
      method: 'post',
      path: '/admin/vehicles',
      tag: 'vehicles',
      summary: 'Service staff: register a car for an owner (idempotent by VIN; a VIN owned by someone else is 409)',
      auth: ['service', 'admin'],
      status: 201,
      body: z
        .object({
          ownerId: objectId,
          vin: VIN,
          modelCode: z.string().min(1).max(64),
          trimCode: z.string().min(1).max(64).optional(),
          deliveredAt: instant,
          odometerKm: z.number().min(0).max(2_000_000).optional(),
          lastService: z.object({ at: instant, odometerKm: z.number().min(0).max(2_000_000) }).strict().optional(),
        })
        .strict(),
      response: vehicleSchema,
      errors: [
        { status: 404, code: 'NOT_FOUND', when: 'no such owner or model' },
        { status: 404, code: 'UNKNOWN_TRIM', when: 'the trim is not one of the model' },
        { status: 409, code: 'CONFLICT', when: 'the VIN is registered to another owner' },
      ],
      handler: async (_ctx, { body }) => {
        const v = await vehicles.registerForOwner({
          ...body,
          deliveredAt: new Date(body.deliveredAt),
          lastService: body.lastService ? { at: new Date(body.lastService.at), odometerKm: body.lastService.odometerKm } : null,
        });
        return presentVehicle(v, await vehicles.health(v));
      },
    }),
    route({
      method: 'post',
      path: '/admin/vehicles/:vehicleId/services',
      tag: 'vehicles',
      summary: 'Service staff: record a completed service (the next one counts from it)',
      auth: ['service', 'admin'],
      params: z.object({ vehicleId: objectId }),
      body: z.object({ at: instant, odometerKm: z.number().min(0).max(2_000_000) }).strict(),
      response: vehicleSchema,
      handler: async (_ctx, { params, body }) => {
        const v = await vehicles.recordService(params.vehicleId, new Date(body.at), body.odometerKm);
        return presentVehicle(v, await vehicles.health(v));
      },
    }),
    route({
      method: 'post',
      path: '/admin/vehicles/usage-reports',
      tag: 'vehicles',
      summary: 'Telematics/service: ingest usage reports (odometer, harsh braking, charging, battery SoH); idempotent by reportId',
      auth: ['service', 'admin'],
      body: z.object({ reports: z.array(usageReport).min(1).max(500) }).strict(),
      response: z.object({ accepted: z.number().int(), duplicates: z.number().int(), unknownVehicles: z.array(z.string()) }),
      handler: async (_ctx, { body }) => vehicles.ingest(body.reports),
    }),
  ];
}
