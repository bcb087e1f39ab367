import { describe, expect, it } from 'vitest'
import { fireEvent, render, waitFor } from '@testing-library/react'
import type { ReconciliationReport } from '@carmall/shared-types/schemas'
import ConsoleReconciliationPage from '../src/packages/console/pages/reconciliation'
import { amountBars, recentDays } from '../src/packages/console/lib/reconciliation'
import { $, $$, signIn } from './dom'
import { ok } from './fixtures'
import { taroMock } from './taro-mock'

const report = (over: Partial<ReconciliationReport> = {}): ReconciliationReport => ({
  date: '2026-12-06',
  status: 'mismatched',
  partialDay: false,
  generatedAt: '2026-12-07T02:00:00.000Z',
  trigger: { kind: 'schedule' },
  runs: 1,
  bill: { available: true, payments: 3, paidFen: 1_500_000, refunds: 1, refundedFen: 500_000, feeFen: 9_000 },
  ours: { payments: 2, paidFen: 1_000_000, refunds: 1, refundedFen: 500_000 },
  matched: { payments: 2, refunds: 1 },
  alipay: { checked: 1, matched: 1, paidFen: 500_000 },
  mismatches: [
    { kind: 'missing_local', message: '微信已收款但本地未入账', orderNo: 'CM2026120600000001', outTradeNo: 'CM2026120600000001P1', billFen: 500_000, resolution: 'applied', resolutionNote: '查单确认已支付，已入账，订单状态 deposit_paid' },
  ],
  ...over,
})

/** The BFF's reconciliation routes behind the Taro.request spy. */
function fakeBff(reports: Map<string, ReconciliationReport>, status = 200) {
  const calls: { method: string; path: string; data: unknown }[] = []
  taroMock.request.mockImplementation(async (opts: any) => {
    const path = new URL(opts.url).pathname
    const method = (opts.method ?? 'GET').toUpperCase()
    calls.push({ method, path, data: opts.data })
    if (path === '/api/v1/auth/me') return ok({ id: 'u1', roles: ['operator'] })
    if (status !== 200) return ok({ error: { code: 'FORBIDDEN', message: '无权限', requestId: 'r' } }, status)
    const m = path.match(/^\/api\/v1\/admin\/reconciliation\/reports\/(.+)$/)
    if (method === 'GET' && m) {
      const r = reports.get(m[1])
      return r ? ok(r) : ok({ error: { code: 'NOT_FOUND', message: '对账报告不存在', requestId: 'r' } }, 404)
    }
    if (method === 'POST' && path === '/api/v1/admin/reconciliation/runs') {
      const r = report({ date: opts.data.date, status: 'balanced', mismatches: [], runs: 2, trigger: { kind: 'operator', id: 'u1' } })
      reports.set(opts.data.date, r)
      return ok(r, 201)
    }
    return ok({ error: { code: 'NOT_FOUND', message: 'no route', requestId: 'r' } }, 404)
  })
  return calls
}

describe('管理后台 · 对账', () => {
  it('days and bars (pure): the last week newest first, each side as its share of the larger amount', () => {
    expect(recentDays(new Date('2026-12-07T01:00:00.000Z'), 3)).toEqual(['2026-12-07', '2026-12-06', '2026-12-05'])
    expect(amountBars(report())).toEqual([
      { label: '收款', billFen: 1_500_000, oursFen: 1_000_000, billShare: 1, oursShare: 1_000_000 / 1_500_000 },
      { label: '退款', billFen: 500_000, oursFen: 500_000, billShare: 1, oursShare: 1 },
    ])
    expect(amountBars({ bill: { ...report().bill, paidFen: 0, refundedFen: 0 }, ours: { ...report().ours, paidFen: 0, refundedFen: 0 } })[0]).toMatchObject({ billShare: 0, oursShare: 0 })
  })

  it("shows yesterday's report: status, the amounts as bars, the mismatch and what was done; 重新对账 runs it again", async () => {
    signIn()
    const yesterday = recentDays(new Date())[1]
    const calls = fakeBff(new Map([[yesterday, report({ date: yesterday })]]))
    const { container: c } = render(<ConsoleReconciliationPage />)
    await waitFor(() => expect($(c, '.recon-report')).not.toBeNull())
    expect($(c, '.recon-status')!.textContent).toBe('有差异 1 条')
    const paid = $(c, '.recon-bar[data-label="收款"]')!
    expect($$(paid, '.recon-bar__amount').map((e) => e.textContent)).toEqual(['¥15,000', '¥10,000'])
    expect(($(paid, '.recon-bar__fill--ours') as HTMLElement).style.width).toBe('67%')
    expect($(c, '.recon-mismatch__kind')!.textContent).toBe('微信已收款，我方未入账')
    expect($(c, '.recon-mismatch__resolution')!.textContent).toBe('已处理：查单确认已支付，已入账，订单状态 deposit_paid')
    expect($(c, '.recon-alipay')!.textContent).toContain('逐笔查单 1 笔，一致 1 笔')

    fireEvent.click($(c, '.recon-run')!)
    await waitFor(() => expect($(c, '.recon-status')!.textContent).toBe('账平'))
    expect(calls.filter((x) => x.method === 'POST').map((x) => x.data)).toEqual([{ date: yesterday }])
    expect($(c, '.recon-meta')!.textContent).toContain('运营手动 · 第 2 次')
  })

  it('a day not yet reconciled says so; a role without access sees 无权限', async () => {
    signIn()
    fakeBff(new Map())
    const { container: c, unmount } = render(<ConsoleReconciliationPage />)
    await waitFor(() => expect($(c, '.recon-none')).not.toBeNull())
    expect($(c, '.recon-none')!.textContent).toContain('尚未对账')
    unmount()
    fakeBff(new Map(), 403)
    const { container: c2 } = render(<ConsoleReconciliationPage />)
    await waitFor(() => expect($(c2, '.console-forbidden')).not.toBeNull())
  })
})
