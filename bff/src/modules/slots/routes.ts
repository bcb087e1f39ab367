import { z } from 'zod';
import { SITE_KINDS, openDates, shanghaiDate } from '@carmall/shared-types';
import { route } from '../../infra/route';
import { presentSite, scheduleOf, type SlotService } from './service';

const siteCode = z.string().regex(/^[A-Z0-9-]{2,32}$/, '网点编码不正确');
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD');
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, '时间格式应为 HH:MM');
const objectId = z.string().regex(/^[0-9a-f]{24}$/, 'ID 不正确');

/** Response shapes (presentSite, SlotView); the site's is shared with the booking modules. */
export const siteSchema = z.object({
  code: z.string(),
  name: z.string(),
  city: z.string(),
  kind: z.enum(SITE_KINDS),
  address: z.string(),
  /** Masked when it is a mobile number; landlines as they are. */
  phone: z.string().nullable(),
  /** "周一至周日 09:00–18:00"-like lines, Shanghai time. */
  hours: z.array(z.string()),
  slotMinutes: z.number().int(),
  capacity: z.number().int(),
});
const slotSchema = z.object({ start: z.string(), end: z.string(), label: z.string(), capacity: z.number().int(), remaining: z.number().int() });

export function slotRoutes(slots: SlotService) {
  return [
    route({
      method: 'get',
      path: '/sites',
      tag: 'slots',
      summary: 'Service centres and stores (filter by kind and city)',
      query: z.object({ kind: z.enum(SITE_KINDS).optional(), city: z.string().min(1).max(20).optional() }).strict(),
      response: z.object({ items: z.array(siteSchema) }),
      handler: async (_ctx, { query }) => ({ items: (await slots.listSites(query)).map(presentSite) }),
    }),
    route({
      method: 'get',
      path: '/sites/:code/slots',
      tag: 'slots',
      summary: 'A site’s bookable slots on a Shanghai date (default today) with remaining seats; past slots and closed days left out; `dates` = next open dates',
      params: z.object({ code: siteCode }),
      query: z.object({ date: date.optional() }).strict(),
      response: z.object({ site: siteSchema, date: z.string(), slots: z.array(slotSchema), dates: z.array(z.string()) }),
      errors: [{ status: 404, code: 'NOT_FOUND', when: 'no such site' }],
      handler: async (_ctx, { params, query }) => {
        const now = new Date();
        const site = await slots.requireSite(params.code);
        const day = query.date ?? shanghaiDate(now);
        return { site: presentSite(site), date: day, slots: await slots.listSlots(site, day, now), dates: openDates(scheduleOf(site), now, 7) };
      },
    }),
    route({
      method: 'put',
      path: '/admin/sites/:code',
      tag: 'slots',
      summary: 'Admin: create or replace a site (opening hours in Shanghai time, slot length, seats per slot, holidays)',
      auth: ['admin'],
      params: z.object({ code: siteCode }),
      notFound: false,
      response: siteSchema,
      errors: [{ status: 400, code: 'VALIDATION_FAILED', when: 'the opening hours do not make a schedule (details.problems)' }],
      body: z
        .object({
          name: z.string().trim().min(1).max(40),
          city: z.string().trim().min(1).max(20),
          kind: z.enum(SITE_KINDS),
          address: z.string().trim().min(1).max(100),
          phone: z.string().regex(/^[\d-]{7,20}$/, '电话格式不正确').nullable().optional(),
          weeklyHours: z.array(z.object({ open: clock, close: clock }).strict().nullable()).length(7),
          slotMinutes: z.number().int().min(15).max(480),
          capacity: z.number().int().min(1).max(100),
          closedDates: z.array(date).max(366).optional(),
          bookingWindowDays: z.number().int().min(0).max(180).optional(),
        })
        .strict(),
      handler: async (_ctx, { params, body }) => presentSite(await slots.upsertSite({ ...body, code: params.code })),
    }),
    route({
      method: 'put',
      path: '/admin/site-staff/:userId',
      tag: 'slots',
      summary: 'Admin: the service centre / store a staff member works at (null: brand-wide, sees every site)',
      auth: ['admin'],
      params: z.object({ userId: objectId }),
      body: z.object({ siteCode: siteCode.nullable() }).strict(),
      response: z.object({ userId: z.string(), siteCode: z.string().nullable() }),
      errors: [{ status: 404, code: 'NOT_FOUND', when: 'no such site' }],
      handler: async (_ctx, { params, body }) => {
        await slots.assignStaff(params.userId, body.siteCode);
        return { userId: params.userId, siteCode: body.siteCode };
      },
    }),
  ];
}
