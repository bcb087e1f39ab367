import { z } from 'zod';
import { auditPageSchema, cnMobileSchema, maskedProfileSchema, consentBodySchema, objectIdSchema, pagingQuery, piiReadQuerySchema, profileUpdateBodySchema, rolesBodySchema, smsCodeSchema } from '@carmall/shared-types/schemas';
import { route } from '../../infra/route';
import type { AuditLog } from '../audit/service';
import type { AuthService } from '../auth/service';
import type { UserService } from './service';

const profileSchema = maskedProfileSchema;
const consentSchema = z.object({ id: z.string(), document: z.string(), version: z.string(), channel: z.string(), granted: z.boolean(), at: z.string() });
/** PIPL's right of access: what we hold, personal data masked. */
const exportSchema = z.object({
  exportedAt: z.string(),
  profile: profileSchema,
  logins: z.array(z.object({ kind: z.string(), linkedAt: z.string().nullable() })),
  consents: z.array(consentSchema),
  orders: z.array(
    z.object({ orderNo: z.string(), state: z.string(), modelName: z.string(), trimName: z.string(), totalFen: z.number().int(), depositFen: z.number().int(), createdAt: z.string().nullable() }),
  ),
});
/** Unmasked, for staff with a reason (audited first). */
const piiSchema = z.object({ id: z.string(), phone: z.string().nullable(), realName: z.string().nullable(), idCardNo: z.string().nullable(), driverLicenceNo: z.string().nullable() });
const idParams = z.object({ id: objectIdSchema });

/** Whether a user is behind one of an advisor's own leads or shares (the advisors module answers; passed in from app.ts). */
export type AdvisorReaches = (advisorId: string, userId: string) => Promise<boolean>;

export function userRoutes(users: UserService, auth: AuthService, audit: AuditLog, advisorReaches: AdvisorReaches) {
  return [
    route({
      method: 'get',
      path: '/me',
      tag: 'me',
      summary: 'My profile; personal data masked',
      auth: 'user',
      response: profileSchema,
      handler: async (_ctx, { user }) => users.me(user!.id),
    }),
    route({
      method: 'patch',
      path: '/me',
      tag: 'me',
      summary: 'Set or clear (null) my real name, ID-card and driver-licence numbers (stored encrypted; answered masked)',
      auth: 'user',
      body: profileUpdateBodySchema,
      response: profileSchema,
      handler: async (_ctx, { user, body }) => {
        await users.writePii(user!.id, body);
        return users.me(user!.id);
      },
    }),
    route({
      method: 'post',
      path: '/me/phone',
      tag: 'me',
      summary: 'Verify and bind a phone (code from POST /auth/sms/send); it then signs in to this account on H5 too',
      auth: 'user',
      body: z.object({ phone: cnMobileSchema, code: smsCodeSchema }).strict(),
      response: profileSchema,
      errors: [
        { status: 400, code: 'SMS_CODE_INVALID', when: 'wrong or expired code' },
        { status: 400, code: 'SMS_CODE_LOCKED', when: 'too many wrong attempts: ask for a new code' },
        { status: 409, code: 'PHONE_IN_USE', when: 'another account verified this phone' },
        { status: 503, code: 'LOGIN_METHOD_NOT_CONFIGURED', when: 'SMS is not set up on this server' },
      ],
      handler: async (ctx, { user, body }) => auth.bindPhone(ctx, user!, body.phone, body.code),
    }),
    route({
      method: 'post',
      path: '/me/consents',
      tag: 'me',
      summary: 'Record a consent (or its withdrawal) to a privacy-policy / user-agreement version on a channel',
      auth: 'user',
      status: 201,
      body: consentBodySchema,
      response: consentSchema,
      handler: async (_ctx, { user, body }) => users.addConsent(user!.id, body),
    }),
    route({
      method: 'get',
      path: '/me/consents',
      tag: 'me',
      summary: 'My consent history, newest first',
      auth: 'user',
      response: z.object({ items: z.array(consentSchema) }),
      handler: async (_ctx, { user }) => users.listConsents(user!.id),
    }),
    route({
      method: 'get',
      path: '/me/consents/:id',
      tag: 'me',
      summary: 'One of my consent records (someone else’s is 404)',
      auth: 'user',
      params: idParams,
      response: consentSchema,
      handler: async (_ctx, { user, params }) => users.getConsent(user!, params.id),
    }),
    route({
      method: 'get',
      path: '/me/export',
      tag: 'me',
      summary: 'Everything we hold about me (profile masked, logins, consents, orders)',
      auth: 'user',
      responseHeaders: { 'Cache-Control': 'no-store', 'Content-Disposition': 'attachment; filename="carmall-my-data.json"' },
      response: exportSchema,
      handler: async (ctx, { user }) => {
        ctx.set('Cache-Control', 'no-store');
        ctx.set('Content-Disposition', 'attachment; filename="carmall-my-data.json"');
        return users.exportData(user!.id);
      },
    }),
    route({
      method: 'delete',
      path: '/me',
      tag: 'me',
      summary: 'Delete my account: personal data and logins erased, sessions ended; orders kept as the law requires',
      auth: 'user',
      status: 204,
      errors: [{ status: 409, code: 'ACCOUNT_HAS_ACTIVE_ORDERS', when: 'an order is still in progress' }],
      handler: async (ctx, { user }) => {
        await users.erase(user!, ctx);
      },
    }),
    route({
      method: 'get',
      path: '/admin/users',
      tag: 'admin',
      summary: 'Staff: find users by phone (blind index); answers masked',
      auth: ['service', 'admin'],
      query: z.object({ phone: cnMobileSchema }).strict(),
      response: z.object({ items: z.array(profileSchema) }),
      handler: async (_ctx, { query }) => users.adminFindByPhone(query.phone),
    }),
    route({
      method: 'get',
      path: '/admin/users/:id',
      tag: 'admin',
      summary: 'Staff: one user, masked. Service/admin: anyone; an advisor: only a user behind their own leads or shares (else 404, as an unknown id), roles shown as buyer only',
      auth: ['advisor', 'service', 'admin'],
      params: idParams,
      response: profileSchema,
      handler: async (_ctx, { params, user }) => users.adminGetAs(user!, params.id, advisorReaches),
    }),
    route({
      method: 'get',
      path: '/admin/users/:id/pii',
      tag: 'admin',
      summary: 'Service/admin: the unmasked personal data of a user, with a reason; every read is written to the audit log first',
      auth: ['service', 'admin'],
      params: idParams,
      query: piiReadQuerySchema,
      responseHeaders: { 'Cache-Control': 'no-store' },
      response: piiSchema,
      handler: async (ctx, { user, params, query }) => {
        ctx.set('Cache-Control', 'no-store');
        return users.adminReadPii(user!, ctx, params.id, query.reason);
      },
    }),
    route({
      method: 'put',
      path: '/admin/users/:id/roles',
      tag: 'admin',
      summary: 'Admin: replace a user’s roles (audited; the user’s sessions end so the change applies at once)',
      auth: ['admin'],
      params: idParams,
      body: rolesBodySchema,
      response: profileSchema,
      errors: [{ status: 409, code: 'CONFLICT', when: 'an admin removing their own admin role' }],
      handler: async (ctx, { user, params, body }) => users.setRoles(user!, ctx, params.id, body.roles),
    }),
    route({
      method: 'get',
      path: '/admin/audit',
      tag: 'admin',
      summary: 'Admin: the staff audit log (append-only), newest first',
      auth: ['admin'],
      query: z
        .object({ actorId: objectIdSchema.optional(), targetId: z.string().max(64).optional(), action: z.string().max(64).optional(), ...pagingQuery })
        .strict(),
      response: auditPageSchema,
      handler: async (_ctx, { query }) => audit.list(query),
    }),
  ];
}
