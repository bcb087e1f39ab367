import type { AuditEntry, AuditPage } from '@carmall/shared-types/schemas'
import { get } from './client'

export type { AuditEntry, AuditPage }

/** Admins: the staff audit log, newest first (filters are exact matches). */
export const listAudit = (query: { actorId?: string; targetId?: string; action?: string; page?: number; pageSize?: number }) => get<AuditPage>('/api/v1/admin/audit', query)

export const consoleAuditPath = '/packages/console/pages/audit'
export const AUDIT_ROLES = ['admin'] as const
