import { describe, expect, it } from 'vitest'
import { fireEvent, render, waitFor } from '@testing-library/react'
import type { AdminVehicleRow } from '@carmall/shared-types/schemas'
import ConsoleVehiclesPage from '../src/packages/console/pages/vehicles'
import { $, $$, signIn, type } from './dom'
import { ok } from './fixtures'
import { taroMock } from './taro-mock'

const row = (i: number, over: Partial<AdminVehicleRow> = {}): AdminVehicleRow => ({
  id: `65a0000000000000000000${String(i).padStart(2, '0')}`,
  vin: `LLYS5A1R0RS7000${String(i).padStart(2, '0')}`,
  modelName: '远山 S5',
  plate: i === 1 ? '沪AD12345' : null,
  source: 'staff',
  orderNo: null,
  deliveredOn: '2025-11-01',
  owner: { phone: '139****7777', name: '张*' },
  service: { status: i === 1 ? 'overdue' : 'ok', dueDate: '2026-12-01', odometerKm: 29_100, batterySohPct: 93.5 },
  ...over,
})

/** The BFF's GET /admin/vehicles behind the Taro.request spy; answers 400 for part of a phone, as the BFF does. */
function fakeBff(items: AdminVehicleRow[], status = 200) {
  const queries: Record<string, string>[] = []
  taroMock.request.mockImplementation(async (opts: any) => {
    const url = new URL(opts.url)
    if (url.pathname === '/api/v1/auth/me') return ok({ id: 'u1', roles: ['service'] })
    if (status !== 200) return ok({ error: { code: 'FORBIDDEN', message: '无权限', requestId: 'r' } }, status)
    const q = { ...Object.fromEntries(url.searchParams), ...(opts.data ?? {}) } as Record<string, string>
    queries.push(q)
    if (q.q === '1390000') return ok({ error: { code: 'VALIDATION_FAILED', message: '请输入完整车架号、车架号后 6 位或车主完整手机号', requestId: 'r' } }, 400)
    const picked = items.filter((v) => (!q.serviceStatus || v.service?.status === q.serviceStatus) && (!q.q || v.vin.endsWith(q.q)))
    return ok({ items: picked, page: Number(q.page ?? 1), pageSize: 20, total: picked.length, search: q.q ? 'vin_suffix' : 'none' })
  })
  return queries
}

describe('管理后台 · 车辆', () => {
  it("lists owners' cars with their predicted service; a status chip and a search go to the BFF", async () => {
    signIn()
    const queries = fakeBff([row(1), row(2)])
    const { container: c } = render(<ConsoleVehiclesPage />)
    await waitFor(() => expect($$(c, '.vehicle-row')).toHaveLength(2))
    const first = $(c, '.vehicle-row[data-vin="LLYS5A1R0RS700001"]')!
    expect(first.textContent).toContain('远山 S5 · 沪AD12345')
    expect(first.querySelector('.vehicle-row__owner')!.textContent).toBe('张* 139****7777')
    expect(first.querySelector('.vehicle-service')!.textContent).toBe('已到期')
    expect(first.textContent).toContain('29,100 公里 · 93.5%')
    expect($(c, '.vehicle-total')!.textContent).toBe('共 2 辆')

    fireEvent.click($(c, '.vehicle-status [data-value="overdue"]')!)
    await waitFor(() => expect($$(c, '.vehicle-row')).toHaveLength(1))
    expect(queries.at(-1)).toMatchObject({ serviceStatus: 'overdue', page: '1' })

    type(c, '.vehicle-search', '700002')
    fireEvent.click($(c, '.vehicle-search-go')!)
    await waitFor(() => expect(queries.at(-1)).toMatchObject({ q: '700002', serviceStatus: 'overdue' }))
    await waitFor(() => expect($(c, '.recon-none')!.textContent).toBe('没有符合条件的车辆'))
  })

  it("shows the BFF's message for a search it cannot run, and 无权限 for a role without access", async () => {
    signIn()
    fakeBff([row(1)])
    const { container: c, unmount } = render(<ConsoleVehiclesPage />)
    await waitFor(() => expect($$(c, '.vehicle-row')).toHaveLength(1))
    type(c, '.vehicle-search', '1390000')
    fireEvent.click($(c, '.vehicle-search-go')!)
    await waitFor(() => expect(c.textContent).toContain('请输入完整车架号、车架号后 6 位或车主完整手机号'))
    unmount()
    fakeBff([], 403)
    const { container: c2 } = render(<ConsoleVehiclesPage />)
    await waitFor(() => expect($(c2, '.console-forbidden')).not.toBeNull())
  })
})
