import { z } from 'zod';
import { shanghaiDate } from '@carmall/shared-types';
import { idempotencyKeyHeader, route, type RouteError } from '../../infra/route';
import { siteSchema } from '../slots/routes';
import type { ServiceBookingService } from './service';

const objectId = z.string().regex(/^[0-9a-f]{24}$/, 'ID 不正确');
const siteCode = z.string().regex(/^[A-Z0-9-]{2,32}$/, '服务中心编码不正确');
/** Response shapes (ServiceBookingService.present / forCentre). */
const bookingSchema = z.object({
  id: z.string(),
  status: z.enum(['booked', 'cancelled']),
  site: z.object({ code: z.string(), name: z.string(), city: z.string(), address: z.string(), phone: z.string().nullable() }),
  vehicle: z.object({ id: z.string(), modelName: z.string(), vin: z.string() }).nullable(),
  slotStart: z.string(),
  slotEnd: z.string(),
  /** "12月8日 周二 09:00–10:00", Shanghai time. */
  slotLabel: z.string(),
  note: z.string().nullable(),
  createdAt: z.string(),
  cancelledAt: z.string().nullable(),
  /** Rescheduled: the id of the booking that replaced this (cancelled) one. */
  movedTo: z.string().nullable(),
  cancellable: z.boolean(),
});
const centreDaySchema = z.object({
  site: siteSchema,
  date: z.string(),
  /** The centre the staff member works at (null: brand-wide staff or an admin). */
  assignedSite: z.string().nullable(),
  /** The owner's phone masked. */
  items: z.array(bookingSchema.extend({ owner: z.object({ phone: z.string().nullable(), realName: z.string().nullable() }) })),
});

const SLOT_ERRORS: RouteError[] = [
  { status: 404, code: 'NOT_FOUND', when: 'not my car, or no such service centre' },
  { status: 409, code: 'SLOT_FULL', when: 'every bay of the slot is booked' },
  { status: 409, code: 'CONFLICT', when: 'the car already has an upcoming booking (details.bookingId)' },
  { status: 409, code: 'IDEMPOTENCY_KEY_REUSED', when: 'the key was used for another booking' },
  { status: 422, code: 'SLOT_IN_PAST', when: 'the slot has started' },
  { status: 422, code: 'SLOT_NOT_OFFERED', when: 'closed that day, not a slot start, or beyond the booking window (details.reason)' },
];

export function serviceBookingRoutes(bookings: ServiceBookingService) {
  return [
    route({
      method: 'post',
      path: '/me/service-bookings',
      tag: 'service-bookings',
      summary: 'Book a maintenance slot at a service centre for one of my cars (Idempotency-Key header; the same key answers the same booking)',
      auth: 'user',
      status: 201,
      body: z
        .object({
          vehicleId: objectId,
          siteCode,
          slotStart: z.iso.datetime({ offset: true }),
          note: z.string().trim().max(200).nullable().optional(),
        })
        .strict(),
      headers: idempotencyKeyHeader,
      errors: SLOT_ERRORS,
      response: bookingSchema,
      handler: async (_ctx, { body, user, headers }) => {
        const { booking } = await bookings.book(user!.id, headers['Idempotency-Key'], body);
        return booking;
      },
    }),
    route({
      method: 'get',
      path: '/me/service-bookings',
      tag: 'service-bookings',
      summary: 'My maintenance bookings, latest slot first',
      auth: 'user',
      response: z.object({ items: z.array(bookingSchema) }),
      handler: async (_ctx, { user }) => ({ items: await bookings.mine(user!.id) }),
    }),
    route({
      method: 'post',
      path: '/me/service-bookings/:bookingId/cancel',
      tag: 'service-bookings',
      summary: 'Cancel my booking (repeatable); the bay is free again',
      auth: 'user',
      params: z.object({ bookingId: z.string().min(1).max(64) }),
      errors: [
        { status: 404, code: 'NOT_FOUND', when: 'not my booking' },
        { status: 409, code: 'BOOKING_STATE_INVALID', when: 'the slot has started' },
      ],
      response: bookingSchema,
      handler: async (_ctx, { params, user }) => bookings.cancel(user!.id, params.bookingId),
    }),
    route({
      method: 'post',
      path: '/me/service-bookings/:bookingId/reschedule',
      tag: 'service-bookings',
      summary: 'Move my booking to another slot of the same service centre (Idempotency-Key header; the same key answers the same move); answers the new booking (a new id), the old one is cancelled and its bay free',
      auth: 'user',
      params: z.object({ bookingId: z.string().min(1).max(64) }),
      headers: idempotencyKeyHeader,
      body: z.object({ slotStart: z.iso.datetime({ offset: true }) }).strict(),
      errors: [
        { status: 404, code: 'NOT_FOUND', when: 'not my booking' },
        { status: 409, code: 'BOOKING_STATE_INVALID', when: 'cancelled, moved already, or its slot has started' },
        { status: 409, code: 'SLOT_FULL', when: 'every bay of the new slot is booked' },
        { status: 409, code: 'CONFLICT', when: 'the new slot is the one booked' },
        { status: 409, code: 'IDEMPOTENCY_KEY_REUSED', when: 'the key was used for another request' },
        { status: 422, code: 'SLOT_IN_PAST', when: 'the new slot has started' },
        { status: 422, code: 'SLOT_NOT_OFFERED', when: 'closed that day, not a slot start, or beyond the booking window (details.reason)' },
      ],
      response: bookingSchema,
      handler: async (_ctx, { params, user, headers, body }) => bookings.reschedule(user!.id, params.bookingId, headers['Idempotency-Key'], body),
    }),
    route({
      method: 'get',
      path: '/admin/service-bookings',
      tag: 'service-bookings',
      summary: 'Service staff: a service centre’s bookings of a Shanghai date (default today); staff assigned to a centre see only theirs; owners masked',
      auth: ['service', 'admin'],
      query: z
        .object({ siteCode: siteCode.optional(), date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD').optional() })
        .strict(),
      errors: [
        { status: 400, code: 'VALIDATION_FAILED', when: 'no centre given and none assigned' },
        { status: 403, code: 'FORBIDDEN', when: 'another centre than the one the staff member works at' },
      ],
      response: centreDaySchema,
      handler: async (_ctx, { query, user }) => bookings.forCentre(user!, query.siteCode, query.date ?? shanghaiDate(new Date())),
    }),
  ];
}
