import { describe, expect, it } from 'vitest'
import { fireEvent, render, waitFor } from '@testing-library/react'
import type { Dashboard } from '@carmall/shared-types/schemas'
import ConsoleDashboardPage from '../src/packages/console/pages/dashboard'
import { defaultRange, percent } from '../src/packages/console/lib/dashboard'
import { $, $$, signIn, type } from './dom'
import { ok } from './fixtures'
import { taroMock } from './taro-mock'

const data = (from: string, to: string): Dashboard => ({
  from,
  to,
  days: [
    { date: '2026-03-10', placed: 2, depositsPaid: 2, depositsFen: 1_000_000, locked: 0, cancelled: 0 },
    { date: '2026-03-11', placed: 1, depositsPaid: 0, depositsFen: 0, locked: 1, cancelled: 1 },
  ],
  totals: { placed: 3, depositsPaid: 2, depositsFen: 1_000_000, locked: 1, cancelled: 1 },
  conversion: { placed: 3, depositPaid: 2, locked: 1, paidRate: 2 / 3, lockedRate: 1 / 3 },
  stockCover: [
    { key: 'national:x4:std:white', modelCode: 'x4', trimCode: 'std', paintCode: 'white', region: 'national', available: 1, ordersLast14Days: 3, avgDailyOrders: 0.21, coverDays: 4.7, low: true },
    { key: 'national:s5:std:black', modelCode: 's5', trimCode: 'std', paintCode: 'black', region: 'national', available: 9, ordersLast14Days: 0, avgDailyOrders: 0, coverDays: null, low: false },
  ],
})

function fakeBff(roles: string[], status = 200) {
  const queries: Record<string, string>[] = []
  taroMock.request.mockImplementation(async (opts: any) => {
    const url = new URL(opts.url)
    if (url.pathname === '/api/v1/auth/me' || url.pathname === '/api/v1/me') return ok({ id: 'u1', roles })
    if (status !== 200) return ok({ error: { code: 'FORBIDDEN', message: '无权限', requestId: 'r' } }, status)
    const q = { ...Object.fromEntries(url.searchParams), ...(opts.data ?? {}) } as Record<string, string>
    queries.push(q)
    return ok(data(q.from, q.to))
  })
  return queries
}

describe('管理后台 · 经营看板', () => {
  it('asks for the last 14 days, draws the charts and shows the numbers, conversion and low stock cover', async () => {
    signIn()
    const queries = fakeBff(['operator'])
    const { container: c } = render(<ConsoleDashboardPage />)
    await waitFor(() => expect($$(c, '.dash-day')).toHaveLength(2))
    const [from, to] = [queries[0].from, queries[0].to]
    expect((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000).toBe(13)
    expect($(c, '.dash-card--paid .dash-card__value')!.textContent).toBe('2 笔 · ¥10,000')
    expect($(c, '.dash-conversion')!.textContent).toBe('下单 3 → 付意向金 2（66.7%）→ 锁单 1（33.3%）')
    const day = $(c, '.dash-day[data-date="2026-03-11"]')!
    expect(day.querySelector('.dash-day__locked')!.textContent).toBe('1')
    expect(day.querySelector('.dash-day__cancelled')!.textContent).toBe('1')
    expect($(c, '.dash-cover__row--low .dash-cover__days')!.textContent).toBe('4.7 天（不足）')
    expect($(c, '.dash-cover__row[data-key="national:s5:std:black"] .dash-cover__days')!.textContent).toBe('—')
    // echarts drew SVG with bars/lines in it.
    await waitFor(() => expect($(c, '.dash-chart--orders svg path')).not.toBeNull())
    expect($(c, '.dash-chart--deposits svg')).not.toBeNull()
    // The menu has 经营看板 for operators.
    expect($$(c, '.console-nav__item').map((e) => e.textContent)).toContain('经营看板')

    type(c, '.dash-from', '2026-03-01')
    type(c, '.dash-to', '2026-03-20')
    fireEvent.click($(c, '.dash-apply')!)
    await waitFor(() => expect(queries.at(-1)).toMatchObject({ from: '2026-03-01', to: '2026-03-20' }))
    type(c, '.dash-to', '2026-02-01')
    fireEvent.click($(c, '.dash-apply')!)
    await waitFor(() => expect($(c, '.action-dialog__problem')!.textContent).toBe('开始日期不能晚于结束日期'))
  })

  it('service staff have no menu entry and see 无权限 from the BFF', async () => {
    signIn()
    fakeBff(['service'], 403)
    const { container: c } = render(<ConsoleDashboardPage />)
    await waitFor(() => expect($(c, '.console-forbidden__title')!.textContent).toBe('无权限'))
    await waitFor(() => expect($$(c, '.console-nav__item').map((e) => e.textContent)).not.toContain('经营看板'))
  })

  it('formats the default range and rates', () => {
    expect(defaultRange(Date.parse('2026-03-14T16:30:00Z'))).toEqual({ from: '2026-03-02', to: '2026-03-15' })
    expect(percent(0.256)).toBe('25.6%')
    expect(percent(null)).toBe('—')
  })
})
