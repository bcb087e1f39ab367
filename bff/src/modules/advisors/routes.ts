import { z } from 'zod';
import {
  advisorProfileRequestSchema,
  advisorProfileSchema,
  advisorShareSchema,
  leadIdParamsSchema,
  leadListQuerySchema,
  leadSchema,
  leadStatusRequestSchema,
  shareCardSchema,
  shareContactRequestSchema,
  shareContactResponseSchema,
  shareCreateRequestSchema,
  shareIdParamsSchema,
  shareSchema,
  shareVisitRequestSchema,
  shareVisitResponseSchema,
  storeCodeSchema,
  storeListQuerySchema,
  storeListResponseSchema,
  testDriveCreateRequestSchema,
  testDriveIdParamsSchema,
  testDriveSchema,
  testDriveSlotsQuerySchema,
  testDriveSlotsResponseSchema,
} from '@carmall/shared-types/schemas';
import { idempotencyKeyHeader, lockBusy, route, withStatus, type RouteError } from '../../infra/route';
import type { TestDriveService } from './test-drives';
import type { LeadService } from './leads';
import type { ShareService } from './service';

const shareErrors: RouteError[] = [
  { status: 404, code: 'SHARE_NOT_FOUND', when: 'no share has this id (forged, mistyped or malformed)' },
  { status: 410, code: 'SHARE_EXPIRED', when: 'the share has expired; details.modelCode still names the car' },
];
// Opening a share (card, poster) also needs the car to still be on sale (read through the catalog).
const shareOpenErrors: RouteError[] = [...shareErrors, { status: 410, code: 'SHARE_MODEL_UNAVAILABLE', when: 'the shared model has been delisted; details.modelCode names it' }, lockBusy];

export function advisorRoutes(shares: ShareService, leads: LeadService) {
  return [
    route({
      method: 'get',
      path: '/advisor/profile',
      tag: 'advisors',
      summary: 'My card as buyers see it: display name and work WeChat ID (advisors)',
      auth: ['advisor', 'admin'],
      response: advisorProfileSchema,
      handler: async (_ctx, { user }) => shares.advisorProfile(user!.id),
    }),
    route({
      method: 'put',
      path: '/advisor/profile',
      tag: 'advisors',
      summary: 'Set my display name and work WeChat ID (null: none); shown on my share cards so buyers can add me',
      auth: ['advisor', 'admin'],
      body: advisorProfileRequestSchema,
      response: advisorProfileSchema,
      handler: async (_ctx, { user, body }) => shares.setAdvisorProfile(user!.id, body),
    }),
    route({
      method: 'post',
      path: '/shares/:shareId/contact',
      tag: 'advisors',
      summary:
        'A buyer who opened the card leaves their WeChat ID, with their consent, for its advisor to add them: a wechat_contact lead (one per buyer and advisor; a repeat updates the ID). 201 created, 200 the same lead again',
      auth: 'user',
      params: shareIdParamsSchema,
      body: shareContactRequestSchema,
      response: shareContactResponseSchema,
      status: 201,
      otherResponses: [{ status: 200, description: 'This buyer had already left a WeChat ID for this advisor: the same lead (updated if the ID changed)', schema: shareContactResponseSchema }],
      errors: [...shareErrors, { status: 409, code: 'SHARE_NOT_VISITED', when: 'this buyer has not opened the card (its visit is the credit), or is its advisor' }],
      handler: async (_ctx, { user, params, body }) => {
        const r = await leads.requestWechatContact(user!, params.shareId, body.wechatId);
        return r.created ? r : withStatus(200, r);
      },
    }),
    route({
      method: 'post',
      path: '/shares',
      tag: 'advisors',
      summary: 'Advisor: share a model or a saved configuration (the same unexpired share for the same target)',
      auth: ['advisor', 'admin'],
      body: shareCreateRequestSchema,
      response: shareSchema,
      status: 201,
      errors: [{ status: 404, code: 'NOT_FOUND', when: 'unknown model or configuration' }],
      handler: async (_ctx, { body, user }) => (await shares.create(user!, body)).share,
    }),
    route({
      method: 'get',
      path: '/shares/:shareId',
      tag: 'advisors',
      summary: 'What a share card shows: the model or configuration (price now) and the advisor display name',
      params: shareIdParamsSchema,
      response: shareCardSchema,
      errors: shareOpenErrors,
      handler: async (_ctx, { params }) => shares.card(params.shareId),
    }),
    route({
      method: 'post',
      path: '/shares/:shareId/visits',
      tag: 'advisors',
      summary: 'Record a visit of a share (once per device per share per day); signed in, binds this device’s anonymous visits to the user',
      params: shareIdParamsSchema,
      body: shareVisitRequestSchema,
      response: shareVisitResponseSchema,
      errors: shareErrors,
      handler: async (_ctx, { params, body, user }) => shares.visit(params.shareId, body.visitorId, user),
    }),
    route({
      method: 'get',
      path: '/shares/:shareId/poster.png',
      tag: 'advisors',
      summary: 'The share poster (PNG): car, configuration, price, advisor, mini-program code (scene = share id); cached by content',
      params: z.object({ shareId: z.string().min(1).max(64) }),
      contentType: 'image/png',
      responseHeaders: { 'Cache-Control': 'public, max-age=600' },
      errors: [...shareOpenErrors, { status: 503, code: 'UPSTREAM_UNAVAILABLE', when: "WeChat's code service is unreachable or refused" }],
      handler: async (ctx, { params }) => {
        const png = await shares.poster(params.shareId);
        ctx.type = 'image/png';
        ctx.set('Cache-Control', 'public, max-age=600');
        return png;
      },
    }),
    route({
      method: 'get',
      path: '/advisor/shares',
      tag: 'advisors',
      summary: 'Advisor: my shares with visits, visitors, leads and orders credited through each (my own visits excluded)',
      auth: ['advisor', 'admin'],
      response: z.object({ items: z.array(advisorShareSchema) }),
      errors: [lockBusy],
      handler: async (_ctx, { user }) => shares.listForAdvisor(user!.id),
    }),
    route({
      method: 'get',
      path: '/advisor/leads',
      tag: 'advisors',
      summary: "Advisor: leads credited to me and my store's unassigned ones (admin: all), contact masked",
      auth: ['advisor', 'admin'],
      query: leadListQuerySchema,
      response: z.object({ items: z.array(leadSchema) }),
      handler: async (_ctx, { user, query }) => leads.list(user!, query.status),
    }),
    route({
      method: 'post',
      path: '/advisor/leads/:id/status',
      tag: 'advisors',
      summary: 'Advisor: record a follow-up (contacted, scheduled, completed, lost) with a note; history kept',
      auth: ['advisor', 'admin'],
      params: leadIdParamsSchema,
      body: leadStatusRequestSchema,
      response: leadSchema,
      errors: [
        { status: 404, code: 'NOT_FOUND', when: "no such lead, or another advisor's" },
        { status: 409, code: 'LEAD_STATE_INVALID', when: 'the lead is already completed or lost' },
      ],
      handler: async (_ctx, { user, params, body }) => leads.changeStatus(user!, params.id, body.status, body.note),
    }),
  ];
}

/** Called after a test drive is booked (recommendations record it; never throws). */
export type TestDriveBookedHook = (userId: string, booking: { id: string; modelCode: string }) => Promise<void>;

export function testDriveRoutes(testDrives: TestDriveService, onBooked?: TestDriveBookedHook) {
  return [
    route({
      method: 'get',
      path: '/stores',
      tag: 'test-drives',
      summary: 'Stores where a test drive can be booked (optionally of one city)',
      query: storeListQuerySchema,
      response: storeListResponseSchema,
      handler: async (_ctx, { query }) => testDrives.stores(query.city),
    }),
    route({
      method: 'get',
      path: '/stores/:code/test-drive-slots',
      tag: 'test-drives',
      summary: "A store's test-drive slots of a Shanghai date (today by default, up to 30 days ahead) with availability",
      params: z.object({ code: storeCodeSchema }),
      query: testDriveSlotsQuerySchema,
      response: testDriveSlotsResponseSchema,
      errors: [{ status: 404, code: 'NOT_FOUND', when: 'unknown store' }],
      handler: async (_ctx, { params, query }) => testDrives.slotsOf(params.code, query.date),
    }),
    route({
      method: 'post',
      path: '/test-drives',
      tag: 'test-drives',
      summary: 'Book a test drive (Idempotency-Key header): the slot is taken (never double booked) and the booking becomes a lead of the credited advisor, else of the store',
      auth: 'user',
      status: 201,
      body: testDriveCreateRequestSchema,
      headers: idempotencyKeyHeader,
      response: testDriveSchema,
      errors: [
        { status: 409, code: 'SLOT_UNAVAILABLE', when: 'the slot is full, past or not offered (details.reason: SLOT_FULL | SLOT_IN_PAST | SLOT_NOT_OFFERED)' },
        { status: 409, code: 'IDEMPOTENCY_KEY_REUSED', when: 'the key was used for another booking' },
        { status: 404, code: 'NOT_FOUND', when: 'unknown store or model' },
        { status: 400, code: 'VALIDATION_FAILED', when: 'no phone given and none verified on the account' },
      ],
      handler: async (_ctx, { body, user, headers }) => {
        const booking = await testDrives.book(user!, headers['Idempotency-Key'], body);
        if (onBooked) await onBooked(user!.id, booking);
        return booking;
      },
    }),
    route({
      method: 'get',
      path: '/me/test-drives',
      tag: 'test-drives',
      summary: 'My test-drive bookings, latest slot first',
      auth: 'user',
      response: z.object({ items: z.array(testDriveSchema) }),
      handler: async (_ctx, { user }) => testDrives.listMine(user!),
    }),
    route({
      method: 'post',
      path: '/me/test-drives/:id/cancel',
      tag: 'test-drives',
      summary: 'Cancel my test drive (repeatable); the slot is freed and the lead shows it',
      auth: 'user',
      params: testDriveIdParamsSchema,
      response: testDriveSchema,
      errors: [
        { status: 404, code: 'NOT_FOUND', when: 'not one of mine' },
        { status: 409, code: 'TEST_DRIVE_STATE_INVALID', when: 'already completed' },
      ],
      handler: async (_ctx, { user, params }) => testDrives.cancel(user!, params.id),
    }),
    route({
      method: 'post',
      path: '/me/test-drives/:id/reschedule',
      tag: 'test-drives',
      summary: 'Move my test drive to another slot of its store (Idempotency-Key header; the same key answers the same move): the new slot is taken, the old one freed, the lead shows the new time, and the buyer is told and reminded of the new time only',
      auth: 'user',
      params: testDriveIdParamsSchema,
      headers: idempotencyKeyHeader,
      body: z.object({ slotStart: z.string().datetime({ offset: true }) }).strict(),
      response: testDriveSchema,
      errors: [
        { status: 404, code: 'NOT_FOUND', when: 'not one of mine' },
        { status: 409, code: 'TEST_DRIVE_STATE_INVALID', when: 'cancelled, completed, or its slot has started' },
        { status: 409, code: 'SLOT_UNAVAILABLE', when: 'the new slot is full, past or not offered (details.reason)' },
        { status: 409, code: 'CONFLICT', when: 'the new slot is the one booked' },
        { status: 409, code: 'IDEMPOTENCY_KEY_REUSED', when: 'the key was used for another request' },
      ],
      handler: async (_ctx, { user, params, headers, body }) => testDrives.reschedule(user!, params.id, headers['Idempotency-Key'], body),
    }),
  ];
}
