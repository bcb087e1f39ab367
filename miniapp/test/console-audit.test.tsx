import { describe, expect, it } from 'vitest'
import { fireEvent, render, waitFor } from '@testing-library/react'
import type { AuditEntry } from '@carmall/shared-types/schemas'
import ConsoleAuditPage from '../src/packages/console/pages/audit'
import { $, $$, signIn, type } from './dom'
import { ok } from './fixtures'
import { taroMock } from './taro-mock'

const entry = (i: number): AuditEntry => ({
  id: `e${i}`,
  at: '2026-03-10T02:00:00.000Z',
  actorId: '65a000000000000000000001',
  actorRoles: ['operator'],
  action: 'stock.inbound',
  targetType: 'stock',
  targetId: `national:s5:std:white${i}`,
  reason: '上海港到货',
  before: { total: 3 },
  after: { total: 5, delta: 2 },
  requestId: 'r1',
  ip: null,
})

function fakeBff(roles: string[], total = 25, status = 200) {
  const queries: Record<string, string>[] = []
  taroMock.request.mockImplementation(async (opts: any) => {
    const url = new URL(opts.url)
    if (url.pathname === '/api/v1/me') return ok({ id: 'u1', roles })
    if (status !== 200) return ok({ error: { code: 'FORBIDDEN', message: '无权限', requestId: 'r' } }, status)
    const q = { ...Object.fromEntries(url.searchParams), ...(opts.data ?? {}) } as Record<string, string>
    queries.push(q)
    return ok({ items: [entry(1), entry(2)], page: Number(q.page ?? 1), pageSize: 20, total })
  })
  return queries
}

describe('管理后台 · 审计日志', () => {
  it('shows entries with before and after as lines; filters and pages go to the BFF', async () => {
    signIn()
    const queries = fakeBff(['admin'])
    const { container: c } = render(<ConsoleAuditPage />)
    await waitFor(() => expect($$(c, '.audit-entry')).toHaveLength(2))
    const first = $(c, '.audit-entry[data-target="national:s5:std:white1"]')!
    expect(first.querySelector('.audit-entry__head')!.textContent).toContain('stock.inbound · stock national:s5:std:white1')
    expect(first.querySelector('.audit-entry__who')!.textContent).toBe('操作人 65a000000000000000000001（运营） · 原因：上海港到货')
    expect(first.querySelector('.audit-entry__before')!.textContent).toBe('变更前total: 3')
    expect(first.querySelector('.audit-entry__after')!.textContent).toBe('变更后total: 5delta: 2')
    expect($(c, '.audit-total')!.textContent).toBe('共 25 条')

    type(c, '.audit-filter--action', 'stock.inbound')
    fireEvent.click($(c, '.audit-go')!)
    await waitFor(() => expect(queries.at(-1)).toMatchObject({ action: 'stock.inbound', page: '1' }))
    expect(queries.at(-1)).not.toHaveProperty('actorId')
    await waitFor(() => expect($(c, '.audit-next')).not.toBeNull())
    fireEvent.click($(c, '.audit-next')!)
    await waitFor(() => expect(queries.at(-1)).toMatchObject({ action: 'stock.inbound', page: '2' }))
  })

  it('is for admins: others see 无权限', async () => {
    signIn()
    fakeBff(['operator'], 0, 403)
    const { container: c } = render(<ConsoleAuditPage />)
    await waitFor(() => expect($(c, '.console-forbidden__title')!.textContent).toBe('无权限'))
    await waitFor(() => expect($$(c, '.console-nav__item').map((e) => e.dataset.key)).not.toContain('audit'))
  })
})
