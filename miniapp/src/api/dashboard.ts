import type { Dashboard } from '@carmall/shared-types/schemas'
import { get } from './client'

export type { Dashboard }

/** 经营看板 (operators and admins): per Shanghai day from..to inclusive, conversion and stock cover. */
export const getDashboard = (from: string, to: string) => get<Dashboard>('/api/v1/admin/dashboard', { from, to })

export const consoleDashboardPath = '/packages/console/pages/dashboard'
export const DASHBOARD_ROLES = ['operator', 'admin'] as const
