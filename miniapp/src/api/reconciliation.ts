import type { ReconciliationReport } from '@carmall/shared-types/schemas'
import { get, post } from './client'

export type { ReconciliationReport }

/** One Asia/Shanghai day's payment reconciliation (operators and admins); 404 when the day has not been reconciled. */
export const getReconciliationReport = (date: string) => get<ReconciliationReport>(`/api/v1/admin/reconciliation/reports/${encodeURIComponent(date)}`)

/** Reconcile the day now against WeChat Pay's bill (and Alipay by query); replaces its report. */
export const runReconciliation = (date: string) => post<ReconciliationReport>('/api/v1/admin/reconciliation/runs', { date })

export const consoleReconciliationPath = '/packages/console/pages/reconciliation'
