import type { MaskedProfile } from '@carmall/shared-types/schemas'
import { get, request } from './client'

export type { MaskedProfile }

/** Staff: users by their whole phone number (the blind index); masked. */
export const findUsersByPhone = (phone: string) => get<{ items: MaskedProfile[] }>('/api/v1/admin/users', { phone })

/** Admins: replace a user's roles (audited; their sessions end so it applies at once). */
export const setUserRoles = (id: string, roles: string[]) => request<MaskedProfile>(`/api/v1/admin/users/${encodeURIComponent(id)}/roles`, { method: 'PUT', body: { roles } })

export const consoleRolesPath = '/packages/console/pages/roles'
export const ROLE_ADMIN_ROLES = ['admin'] as const
