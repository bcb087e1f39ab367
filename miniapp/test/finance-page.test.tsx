import { describe, expect, it } from 'vitest'
import { fireEvent, render, screen, waitFor } from '@testing-library/react'
import { compareQuotes, computeLoan, defaultConfiguration, formatFen, quoteProduct, type LoanProduct, type ProductLoanRequest } from '@carmall/shared-types'
import ModelPage from '../src/pages/model/index'
import FinancePage, { balloonOptions, downOptions, fitChoice, promiseNote, yearlySplit } from '../src/pages/finance/index'
import { financePath } from '../src/api/finance'
import { AT, installFakeBff, lineupModel, resolveOrThrow } from './fake-bff'
import { ok } from './fixtures'
import { routerParams, taroMock } from './taro-mock'

const PRODUCTS: LoanProduct[] = [
  {
    id: 'BANK-STD', name: '招远银行 车贷标准方案', lender: '招远银行', methods: ['equal_installment', 'equal_principal'],
    rates: [12, 24, 36, 48, 60].map((termMonths, i) => ({ termMonths, annualRateBp: [320, 345, 385, 405, 425][i] })),
    minDownRatioBp: 1500, maxDownRatioBp: 8000, maxBalloonRatioBp: 0, fees: [],
  },
  {
    id: 'YS-ZERO', name: '远山金融 0息购车', lender: '远山汽车金融', methods: ['equal_installment'],
    rates: [{ termMonths: 12, annualRateBp: 0, standardRateBp: 320 }, { termMonths: 24, annualRateBp: 0, standardRateBp: 345 }],
    minDownRatioBp: 3000, maxDownRatioBp: 8000, maxBalloonRatioBp: 0,
    fees: [{ code: 'SERVICE', name: '金融服务费', amountFen: 150_000, when: 'upfront' }], promotion: '0息 · 厂家贴息',
  },
  {
    id: 'YS-BALLOON', name: '远山金融 弹性尾款', lender: '远山汽车金融', methods: ['equal_installment'],
    rates: [{ termMonths: 24, annualRateBp: 399 }, { termMonths: 36, annualRateBp: 449 }],
    minDownRatioBp: 2000, maxDownRatioBp: 6000, maxBalloonRatioBp: 4000, fees: [],
  },
]
const META = { asOf: '2026-01-01T00:00:00.000Z', fetchedAt: '2026-11-20T04:00:00.000Z', stale: false }
const S5 = lineupModel('yuanshan-s5')
const TRIM = S5.trims[0].code

const err = (status: number, code: string, message: string) => ok({ error: { code, message, requestId: 'r-test' } }, status)

/** A fake BFF for the finance endpoints: prices configurations with the real engine and quotes with the real calculator, as the BFF does. */
function installFinanceBff(opts: { meta?: typeof META; productsError?: [number, string, string] } = {}) {
  const quotes: any[] = []
  taroMock.request.mockImplementation(async (o: any) => {
    const path = new URL(o.url).pathname
    if (path === '/api/v1/finance/products') return opts.productsError ? err(...opts.productsError) : ok({ ...(opts.meta ?? META), products: PRODUCTS })
    if (path === '/api/v1/finance/quote') {
      const b = o.data
      quotes.push(b)
      const product = PRODUCTS.find((p) => p.id === b.productId)!
      const config = b.modelCode ? resolveOrThrow(S5, b.trimCode, b.selections) : null
      const req: ProductLoanRequest = {
        priceFen: config ? config.totalFen : b.priceFen,
        downPayment: { ratioBp: Math.round(b.downPayment.ratio * 10_000) },
        termMonths: b.termMonths,
        method: b.method,
        balloon: b.balloonRatio ? { ratioBp: Math.round(b.balloonRatio * 10_000) } : undefined,
      }
      const r = quoteProduct(product, req)
      if (!r.ok) return err(422, 'LOAN_TERMS_INVALID', r.error.message)
      const alt = quoteProduct(product, { ...req, downPayment: { amountFen: r.quote.totals.downPaymentFen + 1_000_000 } })
      return ok({
        ...(opts.meta ?? META), product, method: r.quote.input.method, annualRateBp: r.quote.input.annualRateBp, termMonths: b.termMonths,
        vehicle: { priceFen: req.priceFen, ...(config ? { modelCode: S5.code, modelName: S5.name, trimCode: b.trimCode, trimName: S5.trims[0].name } : {}) },
        totals: r.quote.totals, schedule: r.quote.schedule,
        comparison: alt.ok ? { extraDownPaymentFen: 1_000_000, monthlyPaymentFen: alt.quote.totals.monthlyPaymentFen, ...compareQuotes(r.quote, alt.quote) } : null,
      })
    }
    return err(404, 'NOT_FOUND', `no ${path}`)
  })
  return { quotes }
}

const monthly = (c: HTMLElement) => Number(c.querySelector<HTMLElement>('.finance-result[data-source="server"] .finance-monthly')?.dataset.fen)
const serverResult = (c: HTMLElement) => waitFor(() => expect(c.querySelector('.finance-result[data-source="server"]')).toBeTruthy())

describe('finance page', () => {
  const config = resolveOrThrow(S5, TRIM, [])

  it('quotes the configured car with the defaults (first product, 30 % down, 36 期) and shows the schedule', async () => {
    Object.assign(routerParams, { modelCode: S5.code, trimCode: TRIM, selected: config.selected.join(','), totalFen: String(config.totalFen) })
    const bff = installFinanceBff()
    const { container: c } = render(<FinancePage />)
    await serverResult(c)
    expect(bff.quotes[0]).toEqual({ modelCode: S5.code, trimCode: TRIM, selections: config.selected, productId: 'BANK-STD', method: 'equal_installment', downPayment: { ratio: 0.3 }, termMonths: 36 })

    // Independent of the page: the calculator on the same inputs.
    const expected = computeLoan({ priceFen: config.totalFen, downPayment: { ratioBp: 3000 }, termMonths: 36, method: 'equal_installment', annualRateBp: 385 })
    if (!expected.ok) throw new Error(expected.error.message)
    expect(monthly(c)).toBe(expected.quote.totals.monthlyPaymentFen)
    expect(c.querySelector('.finance-monthly')!.textContent).toBe(formatFen(expected.quote.totals.monthlyPaymentFen, { alwaysCents: true }))
    expect(c.querySelector('.finance-car__price')!.textContent).toBe(formatFen(config.totalFen))
    expect(c.querySelector('.finance-item[data-key="interest"] .finance-item__value')!.getAttribute('data-fen')).toBe(String(expected.quote.totals.totalInterestFen))
    expect(c.querySelector('.finance-asof')!.textContent).toBe('利率 2026-01-01 起执行')
    expect(c.querySelector('.finance-compare')!.textContent).toMatch(/^首付多付 ¥10,000，月供减少 ¥[\d,.]+，总利息减少/)
    expect(c.querySelector('.finance-rate')!.textContent).toBe('年利率 3.85%')

    // Schedule: 12 rows, then all 36.
    expect(c.querySelectorAll('.schedule-row[data-period]')).toHaveLength(12)
    fireEvent.click(screen.getByText('查看全部 36 期'))
    const rows = c.querySelectorAll<HTMLElement>('.schedule-row[data-period]')
    expect(rows).toHaveLength(36)
    expect(rows[35].textContent).toContain('¥0.00') // balance closed

    // Chart: 3 yearly bars, principal and interest segments weighted by the sums.
    const bars = c.querySelectorAll<HTMLElement>('.finance-bar')
    expect(bars).toHaveLength(3)
    const years = yearlySplit(expected.quote.schedule)
    expect(years.reduce((s, y) => s + y.principalFen, 0)).toBe(expected.quote.totals.financedFen)
    expect(bars[0].querySelector<HTMLElement>('.finance-bar__interest')!.style.flex).toMatch(new RegExp(`^${years[0].interestFen}`))
  })

  it('more down lowers the monthly payment; terms and methods come from the product', async () => {
    Object.assign(routerParams, { totalFen: '20000000' })
    const bff = installFinanceBff()
    const { container: c } = render(<FinancePage />)
    await serverResult(c)
    expect(bff.quotes[0]).toMatchObject({ priceFen: 20_000_000, downPayment: { ratio: 0.3 } })
    expect(bff.quotes[0].modelCode).toBeUndefined()
    const at30 = monthly(c)
    expect(Array.from(c.querySelectorAll<HTMLElement>('.finance-down')).map((e) => e.dataset.ratio)).toEqual(['1500', '2000', '3000', '4000', '5000', '6000', '7000', '8000'])

    fireEvent.click(c.querySelector('.finance-down[data-ratio="5000"]')!)
    await waitFor(() => expect(bff.quotes.at(-1)).toMatchObject({ downPayment: { ratio: 0.5 } }))
    await waitFor(() => expect(monthly(c)).toBeLessThan(at30))

    fireEvent.click(c.querySelector('.finance-method[data-method="equal_principal"]')!)
    await waitFor(() => expect(bff.quotes.at(-1)).toMatchObject({ method: 'equal_principal' }))
    await waitFor(() => expect(c.querySelector('.finance-result')!.textContent).toContain('首月月供'))

    fireEvent.click(c.querySelector('.finance-term[data-term="60"]')!)
    await waitFor(() => expect(bff.quotes.at(-1)).toMatchObject({ termMonths: 60 }))
    await waitFor(() => expect(c.querySelectorAll('.finance-bar')).toHaveLength(5))
  })

  it('0 息 shows the brand subsidy; the balloon plan offers 弹性尾款 and shows it', async () => {
    Object.assign(routerParams, { totalFen: '20000000' })
    const bff = installFinanceBff()
    const { container: c } = render(<FinancePage />)
    await serverResult(c)

    fireEvent.click(c.querySelector('.finance-product[data-id="YS-ZERO"]')!)
    // 36 期 is not offered: the nearest shorter term is chosen.
    await waitFor(() => expect(bff.quotes.at(-1)).toMatchObject({ productId: 'YS-ZERO', termMonths: 24 }))
    await waitFor(() => expect(c.querySelector('.finance-item[data-key="subsidy"]')).toBeTruthy())
    expect(c.querySelector('.finance-item[data-key="interest"] .finance-item__value')!.textContent).toBe('¥0')
    expect(c.querySelector('.finance-rate')!.textContent).toBe('年利率 0%（原 3.45%，厂家贴息）')
    expect(c.querySelector('.finance-item[data-key="fees"]')!.textContent).toContain('¥1,500')

    fireEvent.click(c.querySelector('.finance-product[data-id="YS-BALLOON"]')!)
    await waitFor(() => expect(c.querySelectorAll('.finance-balloon')).toHaveLength(5))
    fireEvent.click(c.querySelector('.finance-balloon[data-ratio="4000"]')!)
    await waitFor(() => expect(bff.quotes.at(-1)).toMatchObject({ productId: 'YS-BALLOON', balloonRatio: 0.4 }))
    await waitFor(() => expect(c.querySelector('.finance-item[data-key="balloon"]')!.textContent).toContain('¥80,000'))
  })

  it('says when the rates are the last known ones (bank unreachable)', async () => {
    Object.assign(routerParams, { totalFen: '20000000' })
    installFinanceBff({ meta: { asOf: '2026-01-01T00:00:00.000Z', fetchedAt: '2026-11-18T20:00:00.000Z', stale: true } })
    const { container: c } = render(<FinancePage />)
    await serverResult(c)
    const note = c.querySelector<HTMLElement>('.finance-asof')!
    expect(note.dataset.stale).toBe('true')
    // 20:00 UTC on the 18th is the 19th in Shanghai.
    expect(note.textContent).toBe('银行利率服务暂不可用，以下为 2026-11-19 获取的利率（2026-01-01 起执行），仅供参考')
  })

  it('shows the error and retries when the rates are unavailable; shows refusals of the quote', async () => {
    Object.assign(routerParams, { totalFen: '20000000' })
    installFinanceBff({ productsError: [503, 'FINANCE_RATES_UNAVAILABLE', '暂时无法获取银行贷款利率，请稍后再试'] })
    const { container: c } = render(<FinancePage />)
    expect(await screen.findByText('暂时无法获取银行贷款利率，请稍后再试')).toBeTruthy()
    installFinanceBff()
    fireEvent.click(screen.getByText('重试'))
    await serverResult(c)

    // A price too small to finance: the server's refusal is shown instead of figures.
    Object.assign(routerParams, { totalFen: '100000' })
    const { container: small } = render(<FinancePage />)
    await waitFor(() => expect(small.querySelector('.finance-error')).toBeTruthy())
    expect(small.querySelector('.finance-error')!.textContent).toMatch(/贷款金额至少/)
    expect(small.querySelector('.finance-result')).toBeNull()
  })

  it('asks for a car when opened without one', () => {
    render(<FinancePage />)
    expect(screen.getByText('请先在车型页选好配置，再查看金融方案')).toBeTruthy()
    expect(taroMock.request).not.toHaveBeenCalled()
  })
})

describe('finance page helpers', () => {
  it('offers down payments and balloons within the product limits and keeps choices valid across products', () => {
    expect(downOptions(PRODUCTS[1])).toEqual([3000, 4000, 5000, 6000, 7000, 8000])
    expect(balloonOptions(PRODUCTS[2])).toEqual([0, 1000, 2000, 3000, 4000])
    expect(balloonOptions(PRODUCTS[0])).toEqual([0])
    expect(fitChoice(PRODUCTS[0])).toEqual({ productId: 'BANK-STD', method: 'equal_installment', termMonths: 36, downRatioBp: 3000, balloonRatioBp: 0, notes: [] })
    // Picked by the buyer: carried over where offered, else the nearest, and the notes say so.
    const all = { downRatioBp: true, termMonths: true, method: true, balloonRatioBp: true } as const
    expect(fitChoice(PRODUCTS[2], { downRatioBp: 8000, termMonths: 60, method: 'equal_principal', balloonRatioBp: 3000 }, all)).toEqual({
      productId: 'YS-BALLOON', method: 'equal_installment', termMonths: 36, downRatioBp: 6000, balloonRatioBp: 3000,
      notes: ['首付由 80% 调整为 60%（该方案首付 20%–60%）', '期数由 60 期调整为 36 期（该方案可选 24、36 期）', '该方案仅支持等额本息'],
    })
    expect(fitChoice(PRODUCTS[0], { balloonRatioBp: 3000, termMonths: 12 }, all)).toMatchObject({ balloonRatioBp: 0, termMonths: 12, notes: ['该方案不支持尾款，已按无尾款计算'] })
  })

  it('defaults follow the product’s promise: 0息 on an interest-free term, 低月供 with the balloon', () => {
    // As the bank's book has it: 12 and 24 months at 0, 36 months at 1.99%.
    const ZERO: LoanProduct = { ...PRODUCTS[1], rates: [...PRODUCTS[1].rates, { termMonths: 36, annualRateBp: 199, standardRateBp: 385 }] }
    // Not picked by the buyer: the 0息 plan starts on its longest 0-interest term, not on 36 months at 1.99%.
    const zero = fitChoice(ZERO, { termMonths: 36, downRatioBp: 3000 })
    expect(zero.termMonths).toBe(24)
    expect(zero.notes).toEqual([])
    // The buyer chose 36 months: kept, and the page says 0 息 does not cover it.
    const kept = fitChoice(ZERO, { termMonths: 36 }, { termMonths: true })
    expect(kept.termMonths).toBe(36)
    expect(promiseNote(ZERO, 36)).toMatch(/^0 息仅限 12、24 期；36 期年利率 1\.99%$/)
    expect(promiseNote(ZERO, 24)).toBeNull()
    expect(promiseNote(PRODUCTS[0], 36)).toBeNull()
    // The balloon plan starts with its largest balloon: a lower monthly than the standard loan.
    const balloon = fitChoice(PRODUCTS[2], { termMonths: 36, downRatioBp: 3000 })
    expect(balloon.balloonRatioBp).toBe(PRODUCTS[2].maxBalloonRatioBp)
    const price = 25_000_000
    const monthly = (p: (typeof PRODUCTS)[number], c: ReturnType<typeof fitChoice>) => {
      const r = quoteProduct(p, { priceFen: price, downPayment: { ratioBp: c.downRatioBp }, termMonths: c.termMonths, method: c.method, balloon: { ratioBp: c.balloonRatioBp } })
      if (!r.ok) throw new Error(r.error.message)
      return r.quote.totals.monthlyPaymentFen
    }
    expect(monthly(PRODUCTS[2], balloon)).toBeLessThan(monthly(PRODUCTS[0], fitChoice(PRODUCTS[0], { termMonths: 36, downRatioBp: 3000 })))
  })

  it('builds the page path the configurator links to', () => {
    expect(financePath({ modelCode: 'yuanshan-s5', trimCode: 'S5_520_RWD', selected: ['A', 'B'], totalFen: 123 })).toBe(
      '/pages/finance/index?modelCode=yuanshan-s5&trimCode=S5_520_RWD&selected=A,B&totalFen=123',
    )
    expect(financePath({ totalFen: 5 })).toBe('/pages/finance/index?totalFen=5')
  })
})



describe('configurator → 金融方案', () => {
  it('opens the finance page with exactly the configuration and total shown', async () => {
    Object.assign(routerParams, { code: 'yuanshan-s5' })
    installFakeBff()
    const { container: c } = render(<ModelPage />)
    await waitFor(() => expect(c.querySelector('.config-total')).toBeTruthy())
    const d = defaultConfiguration(S5, S5.trims[0].code, AT)
    if (!d.ok) throw new Error(d.error.message)
    fireEvent.click(c.querySelector('.finance-entry')!)
    expect(taroMock.navigateTo).toHaveBeenCalledWith({
      url: financePath({ modelCode: S5.code, trimCode: d.config.trimCode, selected: d.config.selected, totalFen: d.config.totalFen }),
    })
  })
})
