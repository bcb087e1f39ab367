import { hasAnyRole, ORDER_DESK_ROLES } from '@carmall/shared-types'
import { CATALOG_EDITOR_ROLES, consoleCatalogPath, consoleOrdersPath, consoleStockPath } from '../../../api/console'
import { AUDIT_ROLES, consoleAuditPath } from '../../../api/audit'
import { consoleRolesPath, ROLE_ADMIN_ROLES } from '../../../api/users-admin'
import { consoleDashboardPath, DASHBOARD_ROLES } from '../../../api/dashboard'
import { consoleReconciliationPath } from '../../../api/reconciliation'
import { consoleVehiclesPath, VEHICLE_DESK_ROLES } from '../../../api/vehicles-admin'

/**
 * The console's left menu, per role. The BFF checks the role again on every call: an entry a
 * role lacks is hidden here, and its page answers 无权限 from the BFF's 403 if opened directly.
 */
export interface ConsoleMenuEntry {
  key: 'dashboard' | 'orders' | 'catalog' | 'stock' | 'reconciliation' | 'vehicles' | 'audit' | 'roles'
  label: string
  path: string
  roles: readonly string[]
}

export const CONSOLE_MENU: readonly ConsoleMenuEntry[] = [
  // The store's numbers are the operators' (as the BFF's dashboard route: operator, admin).
  { key: 'dashboard', label: '经营看板', path: consoleDashboardPath, roles: DASHBOARD_ROLES },
  { key: 'orders', label: '订单', path: consoleOrdersPath, roles: ORDER_DESK_ROLES },
  { key: 'catalog', label: '商品目录', path: consoleCatalogPath, roles: CATALOG_EDITOR_ROLES },
  // Stock changes are the operators' (as the BFF's stock routes): the same roles as the catalog.
  { key: 'stock', label: '库存', path: consoleStockPath, roles: CATALOG_EDITOR_ROLES },
  // Reconciliation is the operators' (the BFF's reconciliation routes: operator, admin).
  { key: 'reconciliation', label: '对账', path: consoleReconciliationPath, roles: CATALOG_EDITOR_ROLES },
  // Owners' cars are the service desk's (as the BFF's vehicle routes: service, admin).
  { key: 'vehicles', label: '车辆', path: consoleVehiclesPath, roles: VEHICLE_DESK_ROLES },
  // The audit log is the admins' (as GET /admin/audit).
  { key: 'audit', label: '审计日志', path: consoleAuditPath, roles: AUDIT_ROLES },
  // Roles are changed by admins only (PUT /admin/users/:id/roles).
  { key: 'roles', label: '角色', path: consoleRolesPath, roles: ROLE_ADMIN_ROLES },
]

export const menuFor = (roles: readonly string[] | undefined) => CONSOLE_MENU.filter((e) => hasAnyRole(roles, e.roles))

export const ROLE_LABELS: Record<string, string> = { buyer: '买家', advisor: '顾问', service: '服务', operator: '运营', admin: '管理员' }
export const rolesText = (roles: readonly string[] | undefined) =>
  (roles ?? [])
    .filter((r) => r !== 'buyer')
    .map((r) => ROLE_LABELS[r] ?? r)
    .join('、')
