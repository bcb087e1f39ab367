import Taro from '@tarojs/taro'
import { hasAnyRole, ORDER_DESK_ROLES, type BulkOrderAction, type DeliveryCentre } from '@carmall/shared-types'
import type { PriceEntry } from '@carmall/shared-types'
import type {
  AdminModelDetail,
  AdminModelList,
  AdminOrderDetail,
  AdminOrderList,
  AdminOrderRow,
  BulkEventsAnswer,
  CatalogAuditList,
  StockAdjustment,
  StockAdjustmentAnswer,
  StockAdjustmentBody,
  StockRow,
} from '@carmall/shared-types/schemas'
import { API_BASE } from './base'
import { ApiError, buildQuery, get, getToken, post, request, type Query } from './client'

/**
 * The staff console (管理后台): orders, and the catalog section. Answer types are the BFF's schema
 * types (shared-types/src/schemas/orders-admin.ts; `import type` bundles no zod).
 */
export type { AdminModelDetail, AdminModelList, AdminOrderDetail, AdminOrderList, AdminOrderRow, BulkEventsAnswer, StockAdjustment, StockRow }

export const consoleOrdersPath = '/packages/console/pages/orders'
export const consoleCatalogPath = '/packages/console/pages/catalog'
export const consoleStockPath = '/packages/console/pages/stock'

/** Who edits the catalog: the BFF's catalog-admin routes (operator, admin). */
export const CATALOG_EDITOR_ROLES = ['operator', 'admin'] as const
/** Whether 我的 shows 管理后台: a role of any console section (the BFF checks again on every call). */
export const canUseConsole = (roles: readonly string[] | undefined) => hasAnyRole(roles, ORDER_DESK_ROLES) || hasAnyRole(roles, CATALOG_EDITOR_ROLES)

export const listAdminOrders = (query: Query) => get<AdminOrderList>('/api/v1/admin/orders', query)
export const getAdminOrder = (orderNo: string) => get<AdminOrderDetail>(`/api/v1/admin/orders/${encodeURIComponent(orderNo)}`)

/** One delivery step (the tracking module's staff endpoint; audited). */
export const staffOrderEvent = (orderNo: string, body: { event: 'allocate' | 'ship' | 'arrive' | 'deliver'; vin?: string; centre?: DeliveryCentre }) =>
  post<{ order: { orderNo: string; state: string }; shipment: { shipmentNo: string | null } | null }>(`/api/v1/admin/orders/${encodeURIComponent(orderNo)}/events`, body)

export const refundAdminOrder = (orderNo: string, reason: string) => post<AdminOrderDetail>(`/api/v1/admin/orders/${encodeURIComponent(orderNo)}/refund`, { reason })

export const bulkOrderEvents = (body: { action: BulkOrderAction; items: { orderNo: string; vin?: string }[]; centre?: DeliveryCentre }) =>
  post<BulkEventsAnswer>('/api/v1/admin/orders/bulk-events', body)

export type CatalogAuditEntry = CatalogAuditList['items'][number]
export const catalogAudit = (modelCode?: string) => get<CatalogAuditList>('/api/v1/admin/catalog/audit', { modelCode, limit: 20 })

// The catalog editor (operator/admin; the BFF checks every call).
const modelPath = (code: string) => `/api/v1/admin/catalog/models/${encodeURIComponent(code)}`
export const listAdminModels = () => get<AdminModelList>('/api/v1/admin/catalog/models')
export const getAdminModel = (code: string) => get<AdminModelDetail>(modelPath(code))
export const saveTrimPrices = (code: string, trimCode: string, body: { expectedVersion: number; prices: PriceEntry[]; note?: string }) =>
  request<AdminModelDetail>(`${modelPath(code)}/trims/${encodeURIComponent(trimCode)}/prices`, { method: 'PUT', body })
export interface OptionChange {
  expectedVersion: number
  name?: string
  availableOn?: string[]
  requires?: string[]
  requiresAny?: string[]
  excludes?: string[]
  includes?: string[]
  prices?: PriceEntry[]
  note?: string
}
export const saveOption = (code: string, optionCode: string, body: OptionChange) =>
  request<AdminModelDetail>(`${modelPath(code)}/options/${encodeURIComponent(optionCode)}`, { method: 'PATCH', body })
export const setPublication = (code: string, body: { expectedVersion: number; published: boolean; note?: string }) =>
  request<AdminModelDetail>(`${modelPath(code)}/publication`, { method: 'PUT', body })

// The stock screen (operator/admin).
export const listStock = (modelCode: string) => get<{ items: StockRow[] }>('/api/v1/admin/stock', { modelCode })
export const listStockAdjustments = (modelCode: string) => get<{ items: StockAdjustment[] }>('/api/v1/admin/stock/adjustments', { modelCode, limit: 50 })
/** `idempotencyKey` is made once per dialog: a retried tap is the same change, applied once. */
export const adjustStock = (body: StockAdjustmentBody, idempotencyKey: string) =>
  request<StockAdjustmentAnswer>('/api/v1/admin/stock/adjustments', { method: 'POST', body, headers: { 'Idempotency-Key': idempotencyKey } })

/**
 * The CSV export, downloaded by the browser (H5 only: a mini-program cannot save a CSV file for
 * the user). The file comes with the bearer token, so it is fetched, then handed to the browser
 * as a download under the BFF's file name.
 */
export async function downloadOrdersCsv(query: Query): Promise<{ fileName: string; rows: number | null; truncated: boolean }> {
  const token = getToken()
  let res: Response
  try {
    res = await fetch(`${API_BASE}/api/v1/admin/orders/export.csv${buildQuery(query)}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} })
  } catch {
    throw new ApiError('NETWORK', '网络异常，请检查网络后重试', 0)
  }
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { code: ApiError['code']; message: string } } | null
    throw new ApiError(body?.error?.code ?? 'HTTP_ERROR', body?.error?.message ?? `导出失败（${res.status}）`, res.status)
  }
  const disposition = res.headers.get('content-disposition') ?? ''
  const encoded = /filename\*=UTF-8''([^;]+)/.exec(disposition)?.[1]
  const fileName = encoded ? decodeURIComponent(encoded) : 'orders.csv'
  const blob = await res.blob()
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = fileName
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
  const total = res.headers.get('x-total-count')
  return { fileName, rows: total === null ? null : Number(total), truncated: res.headers.get('x-export-truncated') === 'true' }
}

/** Whether this build can download a file for the user (H5). */
export const canDownloadCsv = () => process.env.TARO_ENV === 'h5'

/** Back to the console's orders from the catalog section, and vice versa (a console menu tap). */
export const openConsolePage = (url: string) => Taro.redirectTo({ url })
