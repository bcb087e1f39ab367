import type { LoanComparison, LoanMethod, LoanProduct, LoanTotals, ScheduleRow } from '@carmall/shared-types'
import { get, post } from './client'

/** Where the rates come from: `stale` means the bank was unreachable and these are the last known rates. */
export interface RatesMeta {
  /** When the bank's rates took effect. */
  asOf: string
  /** When the BFF last fetched them. */
  fetchedAt: string
  stale: boolean
}

export interface FinanceProducts extends RatesMeta {
  products: LoanProduct[]
}

/** Body of `POST /api/v1/finance/quote`: a price, or a configuration the server prices. */
export interface FinanceQuoteRequest {
  priceFen?: number
  modelCode?: string
  trimCode?: string
  selections?: string[]
  productId: string
  method?: LoanMethod
  downPayment: { ratio: number } | { amountFen: number }
  termMonths: number
  balloonRatio?: number
}

export interface FinanceQuote extends RatesMeta {
  product: LoanProduct
  vehicle: { priceFen: number; modelCode?: string; modelName?: string; trimCode?: string; trimName?: string; selected?: string[] }
  method: LoanMethod
  annualRateBp: number
  termMonths: number
  totals: LoanTotals
  schedule: ScheduleRow[]
  /** The same plan with ¥10,000 more down; null when the product's limits do not allow it. */
  comparison: (LoanComparison & { extraDownPaymentFen: number; monthlyPaymentFen: number }) | null
}

/** `GET /api/v1/finance/products` */
export function getFinanceProducts(): Promise<FinanceProducts> {
  return get<FinanceProducts>('/api/v1/finance/products')
}

/** `POST /api/v1/finance/quote`: the server recomputes everything (its numbers are the ones that count). */
export function quoteFinance(body: FinanceQuoteRequest): Promise<FinanceQuote> {
  return post<FinanceQuote>('/api/v1/finance/quote', body)
}

/** Path of the finance page for a configured car (the configurator and checkout link here). */
export function financePath(car: { modelCode?: string; trimCode?: string; selected?: readonly string[]; totalFen?: number }): string {
  const parts: string[] = []
  if (car.modelCode) parts.push(`modelCode=${encodeURIComponent(car.modelCode)}`)
  if (car.trimCode) parts.push(`trimCode=${encodeURIComponent(car.trimCode)}`)
  if (car.selected && car.selected.length) parts.push(`selected=${car.selected.map(encodeURIComponent).join(',')}`)
  if (car.totalFen !== undefined) parts.push(`totalFen=${car.totalFen}`)
  return `/pages/finance/index${parts.length ? `?${parts.join('&')}` : ''}`
}
