import type { AdminVehicleList, AdminVehicleRow } from '@carmall/shared-types/schemas'
import { get } from './client'

export type { AdminVehicleList, AdminVehicleRow }

/** Service staff and admins: owners' cars (search by whole VIN, its last 6, or the owner's whole phone). */
export const listAdminVehicles = (query: { q?: string; serviceStatus?: string; page?: number; pageSize?: number }) => get<AdminVehicleList>('/api/v1/admin/vehicles', query)

export const consoleVehiclesPath = '/packages/console/pages/vehicles'
export const VEHICLE_DESK_ROLES = ['service', 'admin'] as const
