import { describe, expect, it } from 'vitest'
import { fireEvent, render, waitFor } from '@testing-library/react'
import { vinCheckDigit } from '@carmall/shared-types'
import type { AdminOrderDetail } from '@carmall/shared-types/schemas'
import { canUseConsole } from '../src/api/console'
import { ConsoleEntry } from '../src/components/ConsoleEntry'
import ConsoleOrdersPage from '../src/packages/console/pages/orders'
import ConsoleCatalogPage from '../src/packages/console/pages/catalog'
import { actionProblem, bulkSummaryText, bulkVinProblems, splitForBulk } from '../src/packages/console/lib/actions'
import { EMPTY_FILTERS, filterProblems, pageCount, queryOf, sortMark, toggleSort, toggleState } from '../src/packages/console/lib/filters'
import { menuFor, rolesText } from '../src/packages/console/lib/menu'
import { mergeTimeline } from '../src/packages/console/lib/timeline'
import { callsTo, installFakeConsole, order } from './fake-console'
import { routerParams, taroMock } from './taro-mock'
import { $, $$, signIn, type } from './dom'

const goodVin = (n: number) => {
  const raw = `LLYS5A1R0RS${String(600000 + n).padStart(6, '0')}`
  return raw.slice(0, 8) + vinCheckDigit(raw)! + raw.slice(9)
}

describe('console menu and roles', () => {
  it('shows each role only its sections; buyers and advisors none', () => {
    expect(menuFor(['service']).map((e) => e.key)).toEqual(['orders', 'vehicles'])
    expect(menuFor(['operator']).map((e) => e.key)).toEqual(['dashboard', 'orders', 'catalog', 'stock', 'reconciliation'])
    expect(menuFor(['admin']).map((e) => e.key)).toEqual(['dashboard', 'orders', 'catalog', 'stock', 'reconciliation', 'vehicles', 'audit', 'roles'])
    expect(menuFor(['buyer', 'advisor'])).toEqual([])
    expect(canUseConsole(['buyer', 'service'])).toBe(true)
    expect(canUseConsole(['advisor'])).toBe(false)
    expect(rolesText(['buyer', 'service', 'operator'])).toBe('服务、运营')
  })

  it('我的 shows 管理后台 to staff who handle orders only', () => {
    expect(render(<ConsoleEntry roles={['buyer']} />).container.textContent).toBe('')
    expect(render(<ConsoleEntry roles={['advisor']} />).container.textContent).toBe('')
    const staff = render(<ConsoleEntry roles={['service']} />).container
    expect(staff.textContent).toContain('管理后台')
    fireEvent.click($(staff, '.console-entry')!)
    expect(taroMock.navigateTo).toHaveBeenCalledWith({ url: '/packages/console/pages/orders' })
  })
})

describe('filters, sort and paging (pure)', () => {
  it('says what is wrong in Chinese before anything is sent', () => {
    expect(filterProblems(EMPTY_FILTERS)).toEqual([])
    expect(filterProblems({ ...EMPTY_FILTERS, q: '1391234' })).toEqual([expect.stringContaining('完整 11 位')])
    expect(filterProblems({ ...EMPTY_FILTERS, from: '2026-12-09', to: '2026-12-01' })).toEqual(['开始日期不能晚于结束日期'])
    expect(filterProblems({ ...EMPTY_FILTERS, advisor: 'bob' })).toEqual(['顾问 ID 应为 24 位字符（或 none：无顾问）'])
    expect(filterProblems({ ...EMPTY_FILTERS, advisor: 'none', q: '13912340001' })).toEqual([])
  })
  it('turns the form into the BFF query, sending nothing for empty filters', () => {
    expect(queryOf(EMPTY_FILTERS, '-createdAt')).toEqual(Object.fromEntries(Object.keys(queryOf(EMPTY_FILTERS, '-createdAt')).map((k) => [k, undefined])))
    expect(queryOf({ ...EMPTY_FILTERS, q: ' 13912340001 ', states: ['locked', 'allocated'], centre: 'BJS', overdue: true }, 'totalFen', 2, 20)).toMatchObject({
      q: '13912340001',
      state: ['locked', 'allocated'],
      centre: 'BJS',
      overdue: 'true',
      sort: 'totalFen',
      page: 2,
      pageSize: 20,
    })
    expect(toggleState(['locked'], 'locked')).toEqual([])
    expect(toggleState(['locked'], 'allocated')).toEqual(['locked', 'allocated'])
  })
  it('a header tap sorts by that column, largest first, and flips on the next tap', () => {
    expect(toggleSort('-createdAt', 'createdAt')).toBe('createdAt')
    expect(toggleSort('createdAt', 'createdAt')).toBe('-createdAt')
    expect(toggleSort('-createdAt', 'totalFen')).toBe('-totalFen')
    expect(sortMark('-totalFen', 'totalFen')).toBe('↓')
    expect(sortMark('totalFen', 'totalFen')).toBe('↑')
    expect(sortMark('totalFen', 'createdAt')).toBe('')
    expect(pageCount(0, 20)).toBe(1)
    expect(pageCount(41, 20)).toBe(3)
  })
})

describe('actions (pure)', () => {
  it('checks a VIN in full, the centre and a refund reason', () => {
    const empty = { vin: '', centre: '' as const, reason: '' }
    expect(actionProblem('allocate', { ...empty, vin: goodVin(1) })).toBeNull()
    expect(actionProblem('allocate', { ...empty, vin: 'LYS0000000000000O' })).toContain('I、O、Q')
    expect(actionProblem('allocate', { ...empty, vin: goodVin(1).slice(0, 16) })).toBe('车架号应为 17 位，当前 16 位')
    expect(actionProblem('ship', empty)).toBe('请选择交付中心')
    expect(actionProblem('ship', { ...empty, centre: 'SHA' })).toBeNull()
    expect(actionProblem('refund', { ...empty, reason: ' ' })).toBe('请填写退款原因（至少 2 个字）')
    expect(actionProblem('deliver', empty)).toBeNull()
  })
  it('a bulk action takes the rows it applies to and names the rest; VINs checked and never repeated', () => {
    const rows = [
      { orderNo: 'A', actions: ['ship' as const] },
      { orderNo: 'B', actions: ['allocate' as const] },
    ]
    expect(splitForBulk(rows, 'ship')).toEqual({ eligible: [rows[0]], skipped: [rows[1]] })
    expect(bulkVinProblems({ A: goodVin(1), B: goodVin(1).toLowerCase() }, ['A', 'B'])).toEqual({ B: '与订单 A 的车架号重复' })
    expect(Object.keys(bulkVinProblems({ A: 'x' }, ['A', 'B']))).toEqual(['A', 'B'])
    expect(bulkSummaryText({ action: 'ship', results: [], summary: { applied: 2, unchanged: 1, failed: 1 } })).toBe('批量发车：完成 2 单，此前已完成 1 单，失败 1 单')
  })
  it('the timeline puts each state change before its audit entry, oldest first', () => {
    const d = {
      timeline: [
        { event: 'created', label: '创建订单', from: null, to: 'pending_payment', toLabel: '待支付意向金', actor: { kind: 'buyer', id: 'b1' }, at: '2026-12-09T01:00:00.000Z', note: null },
        { event: 'allocate', label: '分配车辆', from: 'locked', to: 'allocated', toLabel: '已配车', actor: { kind: 'staff', id: 'abcdef123456' }, at: '2026-12-09T03:00:00.000Z', note: '分配车辆 VIN X' },
      ],
      audit: [{ id: 'a1', at: '2026-12-09T03:00:00.000Z', action: 'order.allocate', actorId: 'abcdef123456', actorRoles: ['service'], reason: null, before: { state: 'locked' }, after: { state: 'allocated', vin: 'LLYS', centre: 'BJS' }, requestId: 'req-12345678-x' }],
    } as unknown as Pick<AdminOrderDetail, 'timeline' | 'audit'>
    const t = mergeTimeline(d)
    expect(t.map((e) => e.kind)).toEqual(['state', 'state', 'audit'])
    expect(t[1]).toMatchObject({ title: '分配车辆 → 已配车', who: '工作人员 …123456' })
    expect(t[2]).toMatchObject({ title: '审计：配车', detail: '车架号 LLYS · 发往北京交付中心 · 请求 req-1234', who: '服务 …123456' })
  })
})

describe('管理后台 · 订单', () => {
  it('asks a signed-out visitor to sign in, and shows 无权限 (the BFF answered 403) with no menu to a buyer', async () => {
    installFakeConsole({ roles: ['buyer'] })
    const out = render(<ConsoleOrdersPage />)
    expect(out.container.textContent).toContain('请先在「我的」登录工作人员账号')
    out.unmount()
    signIn()
    const { container: c } = render(<ConsoleOrdersPage />)
    await waitFor(() => expect($(c, '.console-forbidden')).not.toBeNull())
    expect($(c, '.console-forbidden')!.textContent).toContain('无权限')
    expect($$(c, '.console-nav__item')).toHaveLength(0)
  })

  it('a service user: the orders menu only, no export; finds an order by the buyer\'s phone; the table is sortable', async () => {
    signIn()
    const fake = installFakeConsole({ roles: ['service'], orders: [order(1, 'locked'), order(2, 'allocated'), order(3, 'pending_payment', { phone: '13700000003' })] })
    const { container: c } = render(<ConsoleOrdersPage />)
    await waitFor(() => expect($$(c, '.order-row')).toHaveLength(3))
    expect($$(c, '.console-nav__item').map((e) => e.dataset.key)).toEqual(['orders', 'vehicles'])
    expect($(c, '.console-export')).toBeNull()
    // Part of a number is refused before anything is sent.
    const listCalls = () => callsTo(fake, 'GET', '/api/v1/admin/orders').length
    const before = listCalls()
    type(c, '.console-search', '1391234')
    fireEvent.click($(c, '.console-search__go')!)
    await waitFor(() => expect($(c, '.order-filters__problem')!.textContent).toContain('完整 11 位'))
    expect(listCalls()).toBe(before)
    type(c, '.console-search', '139 1234 0001')
    fireEvent.click($(c, '.console-search__go')!)
    await waitFor(() => expect($$(c, '.order-row')).toHaveLength(1))
    expect(callsTo(fake, 'GET', '/api/v1/admin/orders').at(-1)!.query.get('q')).toBe('139 1234 0001')
    expect($(c, '.order-row__phone')!.textContent).toBe('139****0001')
    expect($(c, '.console-orders__count')!.textContent).toBe('共 1 单（搜索：139****0001）')
    expect($(c, '.order-row__overdue')!.textContent).toContain('锁单超过 14 天未配车')
    // Reset, then sort by amount (largest first, then smallest first).
    fireEvent.click($(c, '.console-search__reset')!)
    await waitFor(() => expect($$(c, '.order-row')).toHaveLength(3))
    fireEvent.click($(c, '.order-table__th--totalFen')!)
    await waitFor(() => expect(callsTo(fake, 'GET', '/api/v1/admin/orders').at(-1)!.query.get('sort')).toBe('-totalFen'))
    await waitFor(() => expect($$(c, '.order-row').map((r) => r.dataset.orderNo)).toEqual([fake.orders[2].orderNo, fake.orders[1].orderNo, fake.orders[0].orderNo]))
    fireEvent.click($(c, '.order-table__th--totalFen')!)
    await waitFor(() => expect(callsTo(fake, 'GET', '/api/v1/admin/orders').at(-1)!.query.get('sort')).toBe('totalFen'))
    // A state chip filters at once.
    fireEvent.click($(c, '.filter-states .c-chip[data-value="locked"]')!)
    await waitFor(() => expect(callsTo(fake, 'GET', '/api/v1/admin/orders').at(-1)!.query.get('state')).toBe('locked'))
    await waitFor(() => expect($$(c, '.order-row')).toHaveLength(1))
  })

  it('opens an order beside the table and allocates a VIN: checked as typed, confirmed, then in the timeline with its audit entry', async () => {
    signIn()
    const fake = installFakeConsole({ roles: ['service'], orders: [order(1, 'locked'), order(2, 'allocated', { vin: goodVin(9) })] })
    const { container: c } = render(<ConsoleOrdersPage />)
    await waitFor(() => expect($$(c, '.order-row')).toHaveLength(2))
    fireEvent.click($(c, `.order-row[data-order-no="${fake.orders[0].orderNo}"]`)!)
    await waitFor(() => expect($(c, '.order-panel .order-action--allocate')).not.toBeNull())
    expect($(c, '.order-panel__buyer')!.textContent).toContain('张* · 139****0001')
    expect($(c, '.order-contract')!.textContent).toContain('尚未上线')
    expect($(c, '.order-outbox')!.textContent).toContain('锁单同步 DMS')
    fireEvent.click($(c, '.order-action--allocate')!)
    await waitFor(() => expect($(c, '.action-dialog')).not.toBeNull())
    // Confirming without a VIN says what is missing and sends nothing.
    fireEvent.click($(c, '.action-dialog__confirm')!)
    await waitFor(() => expect($(c, '.action-dialog__problem')!.textContent).toBe('请输入车架号'))
    const bad = goodVin(1).slice(0, 8) + (goodVin(1)[8] === '1' ? '2' : '1') + goodVin(1).slice(9)
    type(c, '.action-dialog__vin', bad)
    await waitFor(() => expect($(c, '.action-dialog__vin-check')!.textContent).toContain('校验未通过'))
    fireEvent.click($(c, '.action-dialog__confirm')!)
    expect(callsTo(fake, 'POST', `/api/v1/admin/orders/${fake.orders[0].orderNo}/events`)).toHaveLength(0)
    // A VIN already on another order: the BFF's reason, the dialog stays open.
    type(c, '.action-dialog__vin', goodVin(9))
    fireEvent.click($(c, '.action-dialog__confirm')!)
    await waitFor(() => expect($(c, '.action-dialog__error')!.textContent).toBe(`该车架号已分配给订单 ${fake.orders[1].orderNo}`))
    type(c, '.action-dialog__vin', goodVin(1).toLowerCase())
    await waitFor(() => expect($(c, '.action-dialog__vin-check')!.textContent).toBe(`校验通过：${goodVin(1)}`))
    fireEvent.click($(c, '.action-dialog__confirm')!)
    await waitFor(() => expect($(c, '.action-dialog')).toBeNull())
    expect(callsTo(fake, 'POST', `/api/v1/admin/orders/${fake.orders[0].orderNo}/events`).at(-1)!.data).toEqual({ event: 'allocate', vin: goodVin(1) })
    expect(taroMock.showToast).toHaveBeenCalledWith({ title: '已配车', icon: 'success' })
    await waitFor(() => expect($(c, '.order-panel .order-action--ship')).not.toBeNull())
    expect($(c, '.order-panel__vin')!.textContent).toContain(goodVin(1))
    const entries = $$(c, '.timeline-entry')
    expect(entries.map((e) => e.dataset.kind)).toEqual(['state', 'state', 'audit'])
    expect(entries[2].textContent).toContain('审计：配车')
    expect(entries[2].textContent).toContain(`车架号 ${goodVin(1)}`)
    // The table follows.
    await waitFor(() => expect($(c, `.order-row[data-order-no="${fake.orders[0].orderNo}"]`)!.dataset.state).toBe('allocated'))
  })

  it('opens the order named in the page link', async () => {
    signIn()
    const fake = installFakeConsole({ roles: ['admin'], orders: [order(1, 'ready_for_delivery')] })
    routerParams.orderNo = fake.orders[0].orderNo
    const { container: c } = render(<ConsoleOrdersPage />)
    await waitFor(() => expect($(c, '.order-panel .order-action--deliver')).not.toBeNull())
    fireEvent.click($(c, '.order-action--deliver')!)
    fireEvent.click($(c, '.action-dialog__confirm')!)
    await waitFor(() => expect($(c, '.order-panel .order-actions__none')).not.toBeNull())
    expect(fake.orders[0].state).toBe('delivered')
  })

  it('bulk ship: the selected orders the step applies to, one centre, each order answered', async () => {
    signIn()
    const fake = installFakeConsole({ roles: ['service'], orders: [order(1, 'allocated', { vin: goodVin(1) }), order(2, 'allocated', { vin: goodVin(2) }), order(3, 'locked')] })
    const { container: c } = render(<ConsoleOrdersPage />)
    await waitFor(() => expect($$(c, '.order-row')).toHaveLength(3))
    fireEvent.click($(c, '.order-check-all')!)
    await waitFor(() => expect($(c, '.bulk-bar__count')!.textContent).toBe('已选 3 单'))
    expect($(c, '.bulk-bar__action--ship')!.textContent).toBe('批量发车（2）')
    expect($(c, '.bulk-bar__action--arrive')!.dataset.disabled).toBe('true')
    fireEvent.click($(c, '.bulk-bar__action--ship')!)
    await waitFor(() => expect($(c, '.bulk-dialog')).not.toBeNull())
    expect($(c, '.bulk-dialog__skipped')!.textContent).toContain(`1 单当前状态不能发车，已跳过：${fake.orders[2].orderNo}`)
    fireEvent.click($(c, '.bulk-dialog__centres .c-chip[data-value="XIY"]')!)
    fireEvent.click($(c, '.bulk-dialog__confirm')!)
    await waitFor(() => expect($$(c, '.bulk-result')).toHaveLength(2))
    expect(callsTo(fake, 'POST', '/api/v1/admin/orders/bulk-events')[0].data).toEqual({ action: 'ship', items: [{ orderNo: fake.orders[1].orderNo }, { orderNo: fake.orders[0].orderNo }], centre: 'XIY' })
    expect($$(c, '.bulk-result').map((r) => r.dataset.status)).toEqual(['applied', 'applied'])
    expect($(c, '.bulk-results__summary')!.textContent).toBe('批量发车：完成 2 单，此前已完成 0 单，失败 0 单')
    fireEvent.click($(c, '.bulk-dialog__done')!)
    await waitFor(() => expect($(c, '.bulk-bar')).toBeNull())
    await waitFor(() => expect($$(c, '.order-row[data-state="in_transit"]')).toHaveLength(2))
  })

  it('bulk allocate asks a VIN per order and refuses repeats before sending', async () => {
    signIn()
    const fake = installFakeConsole({ roles: ['operator'], orders: [order(1, 'locked'), order(2, 'locked')] })
    const { container: c } = render(<ConsoleOrdersPage />)
    await waitFor(() => expect($$(c, '.order-row')).toHaveLength(2))
    for (const r of $$(c, '.order-row__check')) fireEvent.click(r)
    fireEvent.click($(c, '.bulk-bar__action--allocate')!)
    await waitFor(() => expect($$(c, '.bulk-vin')).toHaveLength(2))
    const [a, b] = fake.orders.map((o) => o.orderNo).reverse()
    type(c, `.bulk-vin[data-order-no="${a}"]`, goodVin(1))
    type(c, `.bulk-vin[data-order-no="${b}"]`, goodVin(1))
    fireEvent.click($(c, '.bulk-dialog__confirm')!)
    await waitFor(() => expect($(c, '.bulk-vin__problem')!.textContent).toBe(`与订单 ${a} 的车架号重复`))
    expect(callsTo(fake, 'POST', '/api/v1/admin/orders/bulk-events')).toHaveLength(0)
    type(c, `.bulk-vin[data-order-no="${b}"]`, goodVin(2))
    fireEvent.click($(c, '.bulk-dialog__confirm')!)
    await waitFor(() => expect($$(c, '.bulk-result[data-status="applied"]')).toHaveLength(2))
    expect(callsTo(fake, 'POST', '/api/v1/admin/orders/bulk-events')[0].data.items).toEqual([
      { orderNo: a, vin: goodVin(1) },
      { orderNo: b, vin: goodVin(2) },
    ])
  })

  it('an operator refunds a paid intent deposit with a reason; a service user is not offered it', async () => {
    signIn()
    const fake = installFakeConsole({ roles: ['operator'], orders: [order(1, 'deposit_paid')] })
    const { container: c } = render(<ConsoleOrdersPage />)
    await waitFor(() => expect($$(c, '.order-row')).toHaveLength(1))
    expect($(c, '.console-export')).not.toBeNull()
    expect($$(c, '.console-nav__item').map((e) => e.dataset.key)).toEqual(['dashboard', 'orders', 'catalog', 'stock', 'reconciliation'])
    fireEvent.click($(c, '.order-row')!)
    await waitFor(() => expect($(c, '.order-action--refund')).not.toBeNull())
    fireEvent.click($(c, '.order-action--refund')!)
    fireEvent.click($(c, '.action-dialog__confirm')!)
    await waitFor(() => expect($(c, '.action-dialog__problem')!.textContent).toBe('请填写退款原因（至少 2 个字）'))
    await waitFor(() => expect(c.querySelector('.action-dialog__reason textarea')).not.toBeNull())
    type(c, '.action-dialog__reason', '买家来电要求退款')
    fireEvent.click($(c, '.action-dialog__confirm')!)
    await waitFor(() => expect($(c, '.action-dialog')).toBeNull())
    expect(callsTo(fake, 'POST', `/api/v1/admin/orders/${fake.orders[0].orderNo}/refund`)[0].data).toEqual({ reason: '买家来电要求退款' })
    await waitFor(() => expect($(c, '.order-panel__state')!.textContent).toBe('退款中'))

    const service = installFakeConsole({ roles: ['service'], orders: [order(2, 'deposit_paid')] })
    const again = render(<ConsoleOrdersPage />).container
    await waitFor(() => expect($$(again, '.order-row')).toHaveLength(1))
    fireEvent.click($(again, '.order-row')!)
    await waitFor(() => expect($(again, '.order-actions__none')).not.toBeNull())
    expect(service.orders[0].state).toBe('deposit_paid')
  })
})

describe('管理后台 · 商品目录', () => {
  it('a service user: no menu entry, and the page shows 无权限 from the BFF', async () => {
    signIn()
    const fake = installFakeConsole({ roles: ['service'] })
    const { container: c } = render(<ConsoleCatalogPage />)
    await waitFor(() => expect($(c, '.console-forbidden')).not.toBeNull())
    expect($(c, '.console-forbidden')!.textContent).toContain('无权限')
    expect(callsTo(fake, 'GET', '/api/v1/admin/catalog/models')).toHaveLength(1)
    await waitFor(() => expect($$(c, '.console-nav__item').map((e) => e.dataset.key)).toEqual(['orders', 'vehicles']))
  })
  it('an operator sees the model, its change log and every menu entry', async () => {
    signIn()
    installFakeConsole({ roles: ['operator'] })
    const { container: c } = render(<ConsoleCatalogPage />)
    await waitFor(() => expect($$(c, '.catalog-audit')).toHaveLength(1))
    expect($(c, '.catalog-audit')!.textContent).toContain('修改版本价格 · S5_520_RWD · 自版本 3')
    await waitFor(() => expect($$(c, '.console-nav__item').map((e) => e.dataset.key)).toEqual(['dashboard', 'orders', 'catalog', 'stock', 'reconciliation']))
    fireEvent.click($(c, '.console-nav__item[data-key="orders"]')!)
    expect(taroMock.redirectTo).toHaveBeenCalledWith({ url: '/packages/console/pages/orders' })
  })
})
