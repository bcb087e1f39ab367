import { get, request } from './client'
import type { CreateExperimentRequest } from '../packages/ops/lib/experiment-form'

/** Operator dashboard API (operator/admin only; others get 403). */

export interface FunnelDef {
  key: string
  name: string
  steps: string[]
}

// The BFF's row type itself (type-only: erased from the bundle).
import type { FunnelStepRow } from '@carmall/shared-types'
export type { FunnelStepRow }

export interface FunnelReport {
  funnel: FunnelDef
  range: { from: string; to: string; timeZone: string }
  segment: Record<string, string>
  steps: FunnelStepRow[]
}

export interface VariantResult {
  key: string
  label: string
  weight: number
  exposed: number
  converted: number
  rate: number
  vsControl: { diff: number; lift: number | null; z: number | null; pValue: number | null; ci: [number, number] | null; confidence: number; significant: boolean } | null
}

export interface Experiment {
  key: string
  name: string
  description: string | null
  variants: { key: string; weight: number; label: string }[]
  targetEvent: string
  status: 'draft' | 'running' | 'stopped' | 'shipped'
  statusText: string
  shippedVariant: string | null
  startedAt: string | null
  results: {
    variants: VariantResult[]
    srm: { chiSquare: number; df: number; pValue: number; mismatch: boolean; expected: number[] }
    totalExposed: number
  }
}

export const listFunnels = () => get<{ items: FunnelDef[] }>('/api/v1/admin/analytics/funnels')
export const funnelReport = (key: string, q: { from: string; to: string; platform?: string; model?: string; city?: string }) =>
  get<FunnelReport>(`/api/v1/admin/analytics/funnels/${encodeURIComponent(key)}/report`, q)
/** `POST /api/v1/admin/experiments`: a new experiment, as a draft (started from its card). */
export const createExperiment = (body: CreateExperimentRequest) => request<Experiment>('/api/v1/admin/experiments', { method: 'POST', body })
export const listExperiments = () => get<{ items: Experiment[] }>('/api/v1/admin/experiments')
export const experimentAction = (key: string, action: 'start' | 'stop' | 'ship', variant?: string) =>
  request<Experiment>(`/api/v1/admin/experiments/${encodeURIComponent(key)}/${action}`, { method: 'POST', body: action === 'ship' ? { variant } : {} })
