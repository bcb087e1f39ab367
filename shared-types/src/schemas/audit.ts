import { z } from 'zod';

/** GET /admin/audit: append-only; values of personal data are never in it, only which fields were read or changed. */
export const auditEntrySchema = z.object({
  id: z.string(),
  at: z.string(),
  actorId: z.string(),
  actorRoles: z.array(z.string()),
  action: z.string(),
  targetType: z.string(),
  targetId: z.string(),
  reason: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
  requestId: z.string().nullable(),
  ip: z.string().nullable(),
});
export const auditPageSchema = z.object({ items: z.array(auditEntrySchema), page: z.number().int(), pageSize: z.number().int(), total: z.number().int() });
export type AuditEntry = z.infer<typeof auditEntrySchema>;
export type AuditPage = z.infer<typeof auditPageSchema>;
