import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { Text, View } from '@tarojs/components'
import { useRouter } from '@tarojs/taro'
import {
  LOAN_METHOD_LABELS,
  formatDateCN,
  formatFen,
  quoteProduct,
  type LoanMethod,
  type LoanProduct,
  type LoanTotals,
  type ScheduleRow,
} from '@carmall/shared-types'
import { ApiError } from '../../api/client'
import { getFinanceProducts, quoteFinance, type FinanceProducts, type FinanceQuote, type FinanceQuoteRequest } from '../../api/finance'
import { EmptyState, ErrorState, LoadingState } from '../../components/StatusViews'
import { usePageView, useTrackOnce } from '../../analytics'
import './index.scss'

/** Rows of the schedule shown before 查看全部. */
export const SCHEDULE_PREVIEW = 12
const DEFAULT_DOWN_BP = 3000
const DEFAULT_TERM = 36

export interface Choice {
  productId: string
  method: LoanMethod
  termMonths: number
  downRatioBp: number
  balloonRatioBp: number
}

/** "30%" from basis points; "3.85%" for rates. */
export const pct = (bp: number) => `${(bp / 100).toFixed(2).replace(/\.?0+$/, '')}%`

/** Down-payment ratios offered for a product: its minimum, then every 10 % up to its maximum. */
export function downOptions(p: LoanProduct): number[] {
  const steps = [p.minDownRatioBp, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000]
  return [...new Set(steps.filter((bp) => bp >= p.minDownRatioBp && bp <= p.maxDownRatioBp))].sort((a, b) => a - b)
}

/** Balloon ratios offered: none, then 10 % steps up to the product's maximum. */
export function balloonOptions(p: LoanProduct): number[] {
  const out = [0]
  for (let bp = 1000; bp <= p.maxBalloonRatioBp; bp += 1000) out.push(bp)
  return out
}

/** What the buyer picked themselves: only those carry over as they are; the rest follow the product. */
export type Picked = Partial<Record<'termMonths' | 'downRatioBp' | 'balloonRatioBp' | 'method', true>>

/**
 * Keep a choice valid for a product. What the buyer picked carries over when the product offers it
 * (else the nearest it offers, and `notes` say what changed); what they did not pick follows the
 * product's promise: a 0息 product starts on its longest 0-interest term, a balloon product (低月供)
 * on its largest balloon.
 */
export function fitChoice(p: LoanProduct, prev?: Partial<Choice>, picked: Picked = {}): Choice & { notes: string[] } {
  const notes: string[] = []
  const downs = downOptions(p)
  const wantDown = prev?.downRatioBp ?? DEFAULT_DOWN_BP
  const downRatioBp = downs.reduce((best, bp) => (Math.abs(bp - wantDown) < Math.abs(best - wantDown) ? bp : best), downs[0])
  if (picked.downRatioBp && prev?.downRatioBp !== undefined && downRatioBp !== prev.downRatioBp) {
    notes.push(`首付由 ${pct(prev.downRatioBp)} 调整为 ${pct(downRatioBp)}（该方案首付 ${pct(p.minDownRatioBp)}–${pct(p.maxDownRatioBp)}）`)
  }
  const terms = p.rates.map((r) => r.termMonths)
  const zeroTerms = p.rates.filter((r) => r.annualRateBp === 0).map((r) => r.termMonths)
  let termMonths: number
  if (picked.termMonths && prev?.termMonths !== undefined) {
    termMonths = terms.includes(prev.termMonths) ? prev.termMonths : terms.filter((t) => t <= prev.termMonths!).pop() ?? terms[0]
    if (termMonths !== prev.termMonths) notes.push(`期数由 ${prev.termMonths} 期调整为 ${termMonths} 期（该方案可选 ${terms.join('、')} 期）`)
  } else if (zeroTerms.length > 0) {
    termMonths = Math.max(...zeroTerms)
  } else {
    termMonths = terms.includes(DEFAULT_TERM) ? DEFAULT_TERM : terms.filter((t) => t <= DEFAULT_TERM).pop() ?? terms[0]
  }
  const method = prev?.method && p.methods.includes(prev.method) ? prev.method : p.methods[0]
  if (picked.method && prev?.method && method !== prev.method) notes.push(`该方案仅支持${LOAN_METHOD_LABELS[method]}`)
  const balloons = balloonOptions(p)
  let balloonRatioBp: number
  if (picked.balloonRatioBp && prev?.balloonRatioBp !== undefined) {
    balloonRatioBp = balloons.filter((bp) => bp <= prev.balloonRatioBp!).pop() ?? 0
    if (balloonRatioBp !== prev.balloonRatioBp) notes.push(balloonRatioBp === 0 ? '该方案不支持尾款，已按无尾款计算' : `尾款由 ${pct(prev.balloonRatioBp)} 调整为 ${pct(balloonRatioBp)}`)
  } else {
    balloonRatioBp = balloons[balloons.length - 1]
  }
  return { productId: p.id, method, termMonths, downRatioBp, balloonRatioBp, notes }
}

/** A 0息 product whose chosen term is not interest-free says so, instead of promising 0 息 above 1.99%. */
export function promiseNote(p: LoanProduct, termMonths: number): string | null {
  const zeroTerms = p.rates.filter((r) => r.annualRateBp === 0).map((r) => r.termMonths)
  const rate = p.rates.find((r) => r.termMonths === termMonths)
  if (zeroTerms.length === 0 || !rate || rate.annualRateBp === 0) return null
  return `0 息仅限 ${zeroTerms.join('、')} 期；${termMonths} 期年利率 ${pct(rate.annualRateBp)}`
}

/** Principal and interest per year of the loan (the chart's bars). */
export function yearlySplit(schedule: ScheduleRow[]): Array<{ year: number; principalFen: number; interestFen: number }> {
  const years: Array<{ year: number; principalFen: number; interestFen: number }> = []
  for (const row of schedule) {
    const y = Math.ceil(row.period / 12)
    if (!years[y - 1]) years[y - 1] = { year: y, principalFen: 0, interestFen: 0 }
    years[y - 1].principalFen += row.principalFen
    years[y - 1].interestFen += row.interestFen
  }
  return years
}

type Load<T> = { status: 'loading' } | { status: 'error'; message: string; code?: string } | { status: 'ready'; data: T }

/**
 * 金融方案: loan products from the bank (through the BFF), the buyer's down payment / term /
 * balloon / repayment method, the monthly payment, totals, a "¥10,000 more down" comparison, a
 * principal-vs-interest chart and the full schedule. Opened from the configurator with
 * `?modelCode=&trimCode=&selected=a,b&totalFen=` (or just `?totalFen=` for a price). Figures are
 * computed instantly with the shared calculator, then replaced by the server's quote (the authority).
 */
export default function FinancePage() {
  const { params } = useRouter()
  const modelCode = params.modelCode || undefined
  const trimCode = params.trimCode || undefined
  const selected = useMemo(() => (params.selected ? decodeURIComponent(params.selected).split(',').filter(Boolean) : []), [params.selected])
  const totalFen = /^\d+$/.test(params.totalFen ?? '') ? Number(params.totalFen) : undefined
  const hasCar = (modelCode && trimCode) || totalFen !== undefined
  usePageView('pages/finance/index')
  useTrackOnce('open_finance', useMemo(() => ({ modelCode: modelCode ?? null }), [modelCode]))

  const [products, setProducts] = useState<Load<FinanceProducts>>({ status: 'loading' })
  const [choice, setChoice] = useState<Choice | null>(null)
  // Which fields the buyer chose themselves (never shown; a ref, so a reload of the products reads the latest).
  const picked = useRef<Picked>({})
  // What switching product changed of the buyer's own choices (shown until the next choice).
  const [fitNotes, setFitNotes] = useState<string[]>([])
  const [quote, setQuote] = useState<Load<FinanceQuote> | null>(null)
  const [showAll, setShowAll] = useState(false)
  const seq = useRef(0)

  const loadProducts = useCallback(async () => {
    setProducts({ status: 'loading' })
    try {
      const data = await getFinanceProducts()
      setProducts({ status: 'ready', data })
      setChoice((prev) => {
        const p = data.products.find((x) => x.id === prev?.productId) ?? data.products[0]
        if (!p) return null
        const { notes: _notes, ...next } = fitChoice(p, prev ?? undefined, picked.current)
        return next
      })
    } catch (err) {
      setProducts({ status: 'error', message: err instanceof ApiError ? err.message : '加载失败，请稍后重试', code: err instanceof ApiError ? err.code : undefined })
    }
  }, [])

  useEffect(() => {
    if (hasCar) loadProducts()
  }, [hasCar, loadProducts])

  const product = products.status === 'ready' && choice ? products.data.products.find((p) => p.id === choice.productId) : undefined

  // Ask the server for the quote whenever the choice changes; answers to older choices are dropped.
  useEffect(() => {
    if (!choice || !product) return
    const body: FinanceQuoteRequest = {
      ...(modelCode && trimCode ? { modelCode, trimCode, selections: selected } : { priceFen: totalFen }),
      productId: choice.productId,
      method: choice.method,
      downPayment: { ratio: choice.downRatioBp / 10_000 },
      termMonths: choice.termMonths,
      ...(choice.balloonRatioBp > 0 ? { balloonRatio: choice.balloonRatioBp / 10_000 } : {}),
    }
    const mine = ++seq.current
    setQuote({ status: 'loading' })
    quoteFinance(body)
      .then((data) => mine === seq.current && setQuote({ status: 'ready', data }))
      .catch((err) => mine === seq.current && setQuote({ status: 'error', message: err instanceof ApiError ? err.message : '试算失败，请稍后重试', code: err instanceof ApiError ? err.code : undefined }))
  }, [choice, product, modelCode, trimCode, selected, totalFen])

  // Instant estimate with the shared calculator while the server answers (needs the price).
  const estimate = useMemo(() => {
    if (!choice || !product || totalFen === undefined) return null
    const r = quoteProduct(product, {
      priceFen: totalFen,
      downPayment: { ratioBp: choice.downRatioBp },
      termMonths: choice.termMonths,
      method: choice.method,
      balloon: choice.balloonRatioBp > 0 ? { ratioBp: choice.balloonRatioBp } : undefined,
    })
    return r.ok ? r.quote : null
  }, [choice, product, totalFen])

  if (!hasCar) return <View className='page finance-page'><EmptyState text='请先在车型页选好配置，再查看金融方案' /></View>
  if (products.status === 'loading') return <View className='page finance-page'><LoadingState /></View>
  if (products.status === 'error') return <View className='page finance-page'><ErrorState message={products.message} onRetry={loadProducts} /></View>
  if (!choice || !product) return <View className='page finance-page'><EmptyState text='暂无可用的贷款方案' /></View>

  const meta = quote?.status === 'ready' ? quote.data : products.data
  const server = quote?.status === 'ready' ? quote.data : null
  const totals: LoanTotals | null = server?.totals ?? estimate?.totals ?? null
  const schedule: ScheduleRow[] = server?.schedule ?? estimate?.schedule ?? []
  const rate = product.rates.find((r) => r.termMonths === choice.termMonths)
  const pick = (patch: Partial<Choice>) => {
    picked.current = { ...picked.current, ...Object.fromEntries(Object.keys(patch).map((k) => [k, true])) }
    setFitNotes([])
    setChoice((prev) => (prev ? { ...prev, ...patch } : prev))
  }
  const pickProduct = (p: LoanProduct) => {
    if (p.id === choice.productId) return
    const { notes, ...next } = fitChoice(p, choice, picked.current)
    setFitNotes(notes)
    setChoice(next)
  }
  const promise = promiseNote(product, choice.termMonths)
  const years = yearlySplit(schedule)
  const maxYear = Math.max(1, ...years.map((y) => y.principalFen + y.interestFen))
  const rows = showAll ? schedule : schedule.slice(0, SCHEDULE_PREVIEW)

  return (
    <View className='page finance-page'>
      <View className='finance-card finance-car'>
        <Text className='finance-car__name'>{server?.vehicle.modelName ? `${server.vehicle.modelName} ${server.vehicle.trimName ?? ''}` : '车辆总价'}</Text>
        <Text className='finance-car__price' data-fen={server?.vehicle.priceFen ?? totalFen}>
          {formatFen(server?.vehicle.priceFen ?? totalFen ?? 0)}
        </Text>
        {server && totalFen !== undefined && server.vehicle.priceFen !== totalFen && (
          <Text className='finance-notice finance-price-changed'>价格已更新为 {formatFen(server.vehicle.priceFen)}，以下按最新价格计算</Text>
        )}
      </View>

      <View className={`finance-asof ${meta.stale ? 'finance-asof--stale' : ''}`} data-stale={meta.stale ? 'true' : 'false'}>
        {meta.stale
          ? `银行利率服务暂不可用，以下为 ${formatDateCN(meta.fetchedAt)} 获取的利率（${formatDateCN(meta.asOf)} 起执行），仅供参考`
          : `利率 ${formatDateCN(meta.asOf)} 起执行`}
      </View>

      <View className='finance-card'>
        <Text className='finance-card__title'>贷款方案</Text>
        <View className='finance-products'>
          {products.data.products.map((p) => (
            <View key={p.id} className={`finance-product ${p.id === choice.productId ? 'finance-product--active' : ''}`} data-id={p.id} onClick={() => pickProduct(p)}>
              <Text className='finance-product__name'>{p.name}</Text>
              <Text className='finance-product__lender'>{p.lender}</Text>
              {p.promotion && <Text className='finance-product__promo'>{p.promotion}</Text>}
            </View>
          ))}
        </View>

        <Text className='finance-label'>首付比例</Text>
        <View className='chips'>
          {downOptions(product).map((bp) => (
            <View key={bp} className={`chip finance-down ${bp === choice.downRatioBp ? 'chip--active' : ''}`} data-ratio={bp} onClick={() => pick({ downRatioBp: bp })}>
              {pct(bp)}
            </View>
          ))}
        </View>

        <Text className='finance-label'>贷款期数</Text>
        <View className='chips'>
          {product.rates.map((r) => (
            <View key={r.termMonths} className={`chip finance-term ${r.termMonths === choice.termMonths ? 'chip--active' : ''}`} data-term={r.termMonths} onClick={() => pick({ termMonths: r.termMonths })}>
              {r.termMonths}期
            </View>
          ))}
        </View>

        {product.methods.length > 1 && (
          <>
            <Text className='finance-label'>还款方式</Text>
            <View className='chips'>
              {product.methods.map((m) => (
                <View key={m} className={`chip finance-method ${m === choice.method ? 'chip--active' : ''}`} data-method={m} onClick={() => pick({ method: m })}>
                  {LOAN_METHOD_LABELS[m]}
                </View>
              ))}
            </View>
          </>
        )}

        {product.maxBalloonRatioBp > 0 && (
          <>
            <Text className='finance-label'>弹性尾款</Text>
            <View className='chips'>
              {balloonOptions(product).map((bp) => (
                <View key={bp} className={`chip finance-balloon ${bp === choice.balloonRatioBp ? 'chip--active' : ''}`} data-ratio={bp} onClick={() => pick({ balloonRatioBp: bp })}>
                  {bp === 0 ? '无尾款' : pct(bp)}
                </View>
              ))}
            </View>
          </>
        )}
        {fitNotes.map((n) => (
          <Text key={n} className='finance-notice finance-fit-note'>
            {n}
          </Text>
        ))}
        {promise && <Text className='finance-notice finance-promise'>{promise}</Text>}
        {rate && (
          <Text className='finance-rate'>
            年利率 {pct(rate.annualRateBp)}
            {rate.standardRateBp !== undefined && rate.standardRateBp > rate.annualRateBp ? `（原 ${pct(rate.standardRateBp)}，厂家贴息）` : ''}
          </Text>
        )}
      </View>

      {quote?.status === 'error' && (
        <View className='finance-card finance-error' data-code={quote.code}>
          <Text>{quote.message}</Text>
        </View>
      )}

      {totals && quote?.status !== 'error' && (
        <View className='finance-card finance-result' data-source={server ? 'server' : 'estimate'}>
          <Text className='finance-label'>{choice.method === 'equal_principal' ? '首月月供' : '月供'}</Text>
          <Text className='finance-monthly' data-fen={totals.monthlyPaymentFen}>{formatFen(totals.monthlyPaymentFen, { alwaysCents: true })}</Text>
          {!server && <Text className='finance-notice'>试算中…</Text>}
          <View className='finance-totals'>
            <Item label='首付' fen={totals.downPaymentFen} k='down' />
            <Item label='贷款金额' fen={totals.financedFen} k='financed' />
            {totals.balloonFen > 0 && <Item label='尾款（随最后一期支付）' fen={totals.balloonFen} k='balloon' />}
            <Item label='总利息' fen={totals.totalInterestFen} k='interest' />
            {totals.totalFeesFen > 0 && <Item label='手续费' fen={totals.totalFeesFen} k='fees' />}
            <Item label='签约时支付' fen={totals.dueAtSigningFen} k='signing' />
            <Item label='总花费' fen={totals.totalCostFen} k='cost' />
            {totals.subsidyFen > 0 && <Item label='厂家贴息' fen={totals.subsidyFen} k='subsidy' />}
            <View className='finance-item'>
              <Text className='finance-item__label'>年化利率（含费用）</Text>
              <Text className='finance-item__value finance-apr'>{pct(totals.aprBp)}</Text>
            </View>
          </View>
          {server?.comparison && <Text className='finance-compare'>{server.comparison.summary}</Text>}
        </View>
      )}

      {totals && schedule.length > 0 && quote?.status !== 'error' && (
        <View className='finance-card finance-chart'>
          <Text className='finance-card__title'>本金与利息</Text>
          <View className='finance-split'>
            <View className='finance-split__principal' style={{ flex: Math.max(1, totals.financedFen) }} />
            <View className='finance-split__interest' style={{ flex: totals.totalInterestFen }} />
          </View>
          <View className='finance-legend'>
            <Text className='finance-legend__principal'>本金 {formatFen(totals.financedFen)}</Text>
            <Text className='finance-legend__interest'>利息 {formatFen(totals.totalInterestFen)}</Text>
          </View>
          <View className='finance-bars'>
            {years.map((y) => (
              <View key={y.year} className='finance-bar' data-year={y.year}>
                <View className='finance-bar__stack' style={{ height: `${Math.round(((y.principalFen + y.interestFen) / maxYear) * 80)}%` }}>
                  <View className='finance-bar__interest' style={{ flex: y.interestFen }} />
                  <View className='finance-bar__principal' style={{ flex: y.principalFen }} />
                </View>
                <Text className='finance-bar__label'>第{y.year}年</Text>
              </View>
            ))}
          </View>
        </View>
      )}

      {schedule.length > 0 && quote?.status !== 'error' && (
        <View className='finance-card finance-schedule'>
          <Text className='finance-card__title'>还款计划（{schedule.length}期）</Text>
          <View className='schedule-row schedule-row--head'>
            <Text>期数</Text>
            <Text>月供</Text>
            <Text>本金</Text>
            <Text>利息</Text>
            <Text>剩余本金</Text>
          </View>
          {rows.map((r) => (
            <View key={r.period} className='schedule-row' data-period={r.period}>
              <Text>{r.period}</Text>
              <Text className='schedule-row__payment'>{formatFen(r.paymentFen, { alwaysCents: true })}</Text>
              <Text>{formatFen(r.principalFen, { alwaysCents: true })}</Text>
              <Text>{formatFen(r.interestFen, { alwaysCents: true })}</Text>
              <Text>{formatFen(r.balanceFen, { alwaysCents: true })}</Text>
            </View>
          ))}
          {schedule.length > SCHEDULE_PREVIEW && (
            <View className='finance-more' onClick={() => setShowAll((v) => !v)}>
              {showAll ? '收起' : `查看全部 ${schedule.length} 期`}
            </View>
          )}
        </View>
      )}
      <Text className='finance-disclaimer'>试算结果仅供参考，以金融机构审批为准。</Text>
    </View>
  )
}

function Item({ label, fen, k }: { label: string; fen: number; k: string }) {
  return (
    <View className='finance-item' data-key={k}>
      <Text className='finance-item__label'>{label}</Text>
      <Text className='finance-item__value' data-fen={fen}>{formatFen(fen, { alwaysCents: fen % 100 !== 0 })}</Text>
    </View>
  )
}
