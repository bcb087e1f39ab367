import { z } from 'zod';
import { DELIVERY_CENTRES, LAUNCH_CODE_RE } from '@carmall/shared-types';
import { idempotencyKeyHeader, lockBusy, route, withStatus, type RouteError } from '../../infra/route';
import type { RateLimiter } from '../../infra/rate-limit';
import { configuratorErrors } from '../configurations/routes';
import { presentOrder } from '../orders/service';
import { placementCreatingSchema } from '../orders/schema';
import type { LaunchService } from './service';
import { launchListSchema, launchViewSchema, orderPlacementSchema, queueStatusSchema } from './schema';

const codeParams = z.object({ code: z.string().regex(LAUNCH_CODE_RE, '活动编号不正确') });
// The install's id (the mini-program keeps one random id per install): one buyer per device and launch.
const deviceIdHeader = z.object({ 'X-Device-Id': z.string().regex(/^[A-Za-z0-9_-]{8,64}$/).describe("the install's random id (8-64 characters [A-Za-z0-9_-]): one buyer per device and launch") });
const noSuchLaunch: RouteError = { status: 404, code: 'NOT_FOUND', when: 'no launch has this code' };
const ended: RouteError = { status: 409, code: 'LAUNCH_ENDED', when: 'the launch is over' };

export function launchRoutes(launches: LaunchService, limiter: RateLimiter, limits: { pollsPerUserPerMin: number }) {
  return [
    route({
      method: 'get',
      path: '/launches',
      tag: 'launches',
      summary: 'Upcoming and open launches (首发抢购), soonest first',
      response: launchListSchema,
      errors: [lockBusy],
      handler: async () => ({ items: await launches.list() }),
    }),
    route({
      method: 'get',
      path: '/launches/:code',
      tag: 'launches',
      summary: 'One launch: its variants with cars left, its phase and the server clock for the countdown',
      params: codeParams,
      response: launchViewSchema,
      errors: [noSuchLaunch, lockBusy],
      handler: async (_ctx, { params }) => launches.view(params.code),
    }),
    route({
      method: 'post',
      path: '/launches/:code/queue',
      tag: 'launches',
      summary: 'Join the waiting room (a repeat returns the same ticket; after an unused admission expired, a new ticket at the end). From preQueueAt until the open: join early (status early; the early arrivals are put in a random order at the open, ahead of later ones). Needs X-Device-Id.',
      auth: 'user',
      fast: true,
      params: codeParams,
      headers: deviceIdHeader,
      response: queueStatusSchema,
      errors: [
        noSuchLaunch,
        { status: 409, code: 'LAUNCH_NOT_OPEN', when: 'before the launch opens (before preQueueAt when it has early joining); details.startsAt, details.preQueueAt' },
        ended,
        { status: 409, code: 'DEVICE_LIMIT', when: 'another account already queued from this device' },
        { status: 429, code: 'RATE_LIMITED', when: 'too many buyers from this network' },
      ],
      handler: async (ctx, { params, user, headers }) => launches.enter(user!, params.code, 'join', { deviceId: headers['X-Device-Id'], ip: ctx.ip }),
    }),
    route({
      method: 'get',
      path: '/launches/:code/queue',
      tag: 'launches',
      summary: 'Where I stand: waiting (people ahead), admitted (with the admission token), ordered, sold out or expired',
      auth: 'user',
      fast: true,
      params: codeParams,
      response: queueStatusSchema,
      errors: [
        noSuchLaunch,
        { status: 404, code: 'NOT_IN_QUEUE', when: 'this buyer has not joined' },
        ended,
        { status: 429, code: 'RATE_LIMITED', when: 'more polls than LAUNCH_POLLS_PER_USER_PER_MIN (Retry-After)' },
      ],
      handler: async (ctx, { params, user }) => {
        await limiter.enforce(ctx, [{ key: `launch-poll:${params.code}:${user!.id}`, limit: limits.pollsPerUserPerMin, windowSeconds: 60 }]);
        return launches.enter(user!, params.code, 'poll', { deviceId: '', ip: ctx.ip });
      },
    }),
    route({
      method: 'post',
      path: '/launches/:code/orders',
      tag: 'launches',
      summary: 'Order one car of the launch with my admission (once). 201 with the order, or 202 while it is being written (follow /orders/:orderNo/placement). Needs an Idempotency-Key.',
      auth: 'user',
      status: 201,
      params: codeParams,
      body: z
        .object({
          admissionToken: z.string().min(1).max(200),
          trimCode: z.string().min(1).max(60),
          paintCode: z.string().min(1).max(60),
          deliveryCentreCode: z.enum(DELIVERY_CENTRES).optional(),
        })
        .strict(),
      headers: idempotencyKeyHeader,
      response: orderPlacementSchema,
      otherResponses: [{ status: 202, description: 'The car is held, the order is still being written: follow /orders/{orderNo}/placement', schema: placementCreatingSchema }],
      errors: [
        noSuchLaunch,
        ...configuratorErrors,
        { status: 400, code: 'VALIDATION_FAILED', when: 'the trim and paint are not a variant of this launch' },
        { status: 403, code: 'ADMISSION_INVALID', when: 'the token was not issued to this buyer for this launch, or is from an older ticket' },
        { status: 409, code: 'ADMISSION_USED', when: 'the admission already bought a car' },
        { status: 409, code: 'ADMISSION_EXPIRED', when: 'the admission ran out; queue again' },
        { status: 409, code: 'ALREADY_HOLDING', when: 'one car per buyer per launch; details.orderNo' },
        { status: 409, code: 'OUT_OF_STOCK', when: 'no car of this variant is left' },
        { status: 409, code: 'LAUNCH_NOT_OPEN', when: 'before the launch opens' },
        ended,
      ],
      handler: async (_ctx, { params, body, user, headers }) => {
        const placed = await launches.order(user!, params.code, headers['Idempotency-Key'], body);
        if (placed.status === 'created') return { status: 'created', orderNo: placed.orderNo, order: presentOrder(placed.order) };
        return withStatus(202, placed);
      },
    }),
    route({
      method: 'post',
      path: '/admin/launches',
      tag: 'launches',
      summary: 'Operators: schedule a launch; its variants’ stock is set aside for it (other orders answer LAUNCH_ONLY)',
      auth: ['operator', 'admin'],
      status: 201,
      body: z
        .object({
          code: z.string().regex(LAUNCH_CODE_RE, '活动编号为 3-40 位小写字母、数字或连字符'),
          title: z.string().trim().min(2).max(40),
          modelCode: z.string().min(1).max(60),
          startsAt: z.iso.datetime({ offset: true }).transform((s) => new Date(s)),
          endsAt: z.iso.datetime({ offset: true }).transform((s) => new Date(s)).optional(),
          admitPerSecond: z.number().int().min(1).max(10_000),
          admitBurst: z.number().int().min(1).max(100_000).optional(),
          admissionSeconds: z.number().int().min(10).max(3600),
          /** Early joining: buyers on the page this long before the open join, and are shuffled at the open (0: none). */
          preQueueSeconds: z.number().int().min(0).max(24 * 3600).optional(),
          variants: z
            .array(z.object({ trimCode: z.string().min(1).max(60), paintCode: z.string().min(1).max(60), stock: z.number().int().min(0).max(1_000_000) }).strict())
            .min(1)
            .max(20),
        })
        .strict()
        .refine((b) => !b.endsAt || b.endsAt > b.startsAt, { message: '结束时间须晚于开始时间', path: ['endsAt'], params: { rule: 'endsAt, when given, is after startsAt' } }),
      response: launchViewSchema,
      errors: [
        ...configuratorErrors,
        { status: 400, code: 'VALIDATION_FAILED', when: 'a trim and paint appear twice' },
        { status: 404, code: 'NOT_FOUND', when: 'a variant has no stock record' },
        { status: 409, code: 'CONFLICT', when: 'the code is taken, or a variant is in another open launch' },
      ],
      handler: async (_ctx, { body, user }) => launches.schedule(user!, body),
    }),
    route({
      method: 'get',
      path: '/admin/launches',
      tag: 'launches',
      summary: 'Operators: every launch with its queue figures (joined, admitted, ordered)',
      auth: ['operator', 'admin'],
      response: z.object({ items: z.array(launchViewSchema.extend({ stats: z.object({ joined: z.number().int(), admitted: z.number().int(), ordered: z.number().int() }) })) }),
      handler: async () => ({ items: await launches.adminList() }),
    }),
    route({
      method: 'post',
      path: '/admin/launches/:code/end',
      tag: 'launches',
      summary: 'Operators: end a launch now; unsold cars go back to normal sale',
      auth: ['operator', 'admin'],
      params: codeParams,
      response: launchViewSchema,
      errors: [noSuchLaunch],
      handler: async (_ctx, { params, user }) => launches.end(user!, params.code),
    }),
  ];
}

