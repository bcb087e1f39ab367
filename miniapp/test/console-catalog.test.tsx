import { describe, expect, it } from 'vitest'
import { fireEvent, render, waitFor } from '@testing-library/react'
import ConsoleCatalogPage from '../src/packages/console/pages/catalog'
import ConsoleStockPage from '../src/packages/console/pages/stock'
import { fenToYuanText, parseShanghaiDateTime, priceFormOf, pricesFromForm, yuanTextToFen } from '../src/packages/console/lib/catalog'
import { adjustmentProblems } from '../src/packages/console/lib/stock'
import { callsTo, installFakeConsole } from './fake-console'
import { taroMock } from './taro-mock'
import { $, $$, signIn, type } from './dom'

const AT = new Date('2026-12-09T08:00:00.000Z')

describe('catalog editor (pure)', () => {
  it('reads ¥ as fen and Beijing time as UTC, refusing what is not', () => {
    expect(yuanTextToFen('169,800')).toBe(16_980_000)
    expect(yuanTextToFen('¥169800.5')).toBe(16_980_050)
    expect(yuanTextToFen('12.345')).toBeNull()
    expect(yuanTextToFen('-1')).toBeNull()
    expect(fenToYuanText(16_980_050)).toBe('169800.5')
    expect(fenToYuanText(16_980_001)).toBe('169800.01')
    expect(parseShanghaiDateTime('2026-12-20 10:00')?.toISOString()).toBe('2026-12-20T02:00:00.000Z')
    expect(parseShanghaiDateTime('2026-02-30 10:00')).toBeNull()
    expect(parseShanghaiDateTime('明天')).toBeNull()
  })
  it('turns a price form into the stored list: the old price closed where the new one starts, one scheduled change after it', () => {
    const stored = [{ amountFen: 16_980_000, effectiveFrom: '2020-01-01T00:00:00.000Z' }]
    expect(pricesFromForm(stored, priceFormOf(stored, AT), AT).prices).toEqual(stored)
    const r = pricesFromForm(stored, { current: '159800', scheduledAmount: '149800', scheduledAt: '2026-12-20 10:00' }, AT)
    expect(r.problems).toEqual({})
    expect(r.prices).toEqual([
      { amountFen: 16_980_000, effectiveFrom: '2020-01-01T00:00:00.000Z', effectiveTo: AT.toISOString() },
      { amountFen: 15_980_000, effectiveFrom: AT.toISOString(), effectiveTo: '2026-12-20T02:00:00.000Z' },
      { amountFen: 14_980_000, effectiveFrom: '2026-12-20T02:00:00.000Z' },
    ])
    expect(priceFormOf(r.prices!, AT)).toEqual({ current: '159800', scheduledAmount: '149800', scheduledAt: '2026-12-20 10:00' })
    expect(pricesFromForm(stored, { current: '', scheduledAmount: '1', scheduledAt: '2020-01-01 00:00' }, AT).problems).toEqual({ current: '请填写价格', scheduledAt: '生效时间必须晚于现在' })
  })
  it('checks a stock change before it is sent: integer, sign for inbound, never below held, a reason', () => {
    const row = { total: 5, held: 3 }
    expect(adjustmentProblems({ kind: 'inbound', delta: '2', reason: '到货' }, row)).toEqual({ delta: 2, after: 7, problems: {} })
    expect(adjustmentProblems({ kind: 'inbound', delta: '-2', reason: '到货' }, row).problems.delta).toContain('入库数量必须为正数')
    expect(adjustmentProblems({ kind: 'adjustment', delta: '-3', reason: '盘点' }, row).problems.delta).toBe('调整后 2 台，少于订单已占用的 3 台')
    expect(adjustmentProblems({ kind: 'adjustment', delta: '1.5', reason: '' }, row).problems).toEqual({ delta: '请填写整数数量', reason: '请填写原因（至少 2 个字）' })
  })
})

describe('管理后台 · 商品目录 editor', () => {
  it('edits a trim price, shows the preview now and at the scheduled time, and saves with the loaded version', async () => {
    signIn()
    const fake = installFakeConsole({ roles: ['operator'] })
    const { container: c } = render(<ConsoleCatalogPage />)
    await waitFor(() => expect($(c, '.trim-row[data-code="T1"]')).not.toBeNull())
    expect($(c, '.trim-row[data-code="T1"] .trim-save')!.dataset.disabled).toBe('true') // nothing changed yet
    type(c, '.trim-row[data-code="T1"] .price-current', '12.345')
    await waitFor(() => expect($(c, '.trim-row[data-code="T1"] .price-fields__problem')!.textContent).toBe('价格格式不正确（元，最多两位小数）'))
    type(c, '.trim-row[data-code="T1"] .price-current', '159,800')
    type(c, '.trim-row[data-code="T1"] .price-scheduled', '149800')
    type(c, '.trim-row[data-code="T1"] .price-scheduled-at', '2026-12-20 10:00')
    await waitFor(() => expect($(c, '.catalog-preview__row--now .catalog-preview__total')!.dataset.totalFen).toBe('15980000'))
    type(c, '.preview-at', '2026-12-20 10:00')
    await waitFor(() => expect($(c, '.catalog-preview__row--at .catalog-preview__total')!.dataset.totalFen).toBe('14980000'))
    expect($(c, '.catalog-preview__row--at .catalog-preview__total')!.textContent).toBe('¥149,800')
    fireEvent.click($(c, '.trim-row[data-code="T1"] .trim-save')!)
    await waitFor(() => expect($(c, '.catalog-saved')!.textContent).toBe('价格已保存（版本 4）'))
    const sent = callsTo(fake, 'PUT', '/api/v1/admin/catalog/models/yuanshan-s5/trims/T1/prices')[0].data
    expect(sent.expectedVersion).toBe(3)
    expect(sent.prices.map((p: any) => p.amountFen)).toEqual([16_980_000, 15_980_000, 14_980_000])
  })

  it('shows a rule conflict next to the option before saving, and does not send it', async () => {
    signIn()
    const fake = installFakeConsole({ roles: ['operator'] })
    const { container: c } = render(<ConsoleCatalogPage />)
    await waitFor(() => expect($(c, '.option-row[data-code="PKG_PILOT"]')).not.toBeNull())
    type(c, '.option-row[data-code="PKG_PILOT"] .option-rule--excludes', 'P_WHITE, P_BLUE')
    await waitFor(() => expect($(c, '.option-row[data-code="PKG_PILOT"] .catalog-problem')).not.toBeNull())
    const problem = $(c, '.option-row[data-code="PKG_PILOT"] .catalog-problem')!
    expect(problem.dataset.kind).toBe('GROUP_CARDINALITY')
    expect(problem.textContent).toContain('没有可搭配的车身颜色')
    fireEvent.click($(c, '.option-row[data-code="PKG_PILOT"] .option-save')!)
    await waitFor(() => expect($(c, '.catalog-banner--error')).not.toBeNull())
    expect(callsTo(fake, 'PATCH', '/api/v1/admin/catalog/models/yuanshan-s5/options/PKG_PILOT')).toHaveLength(0)
    // A reference to an option that does not exist: the data check, in Chinese.
    type(c, '.option-row[data-code="PKG_PILOT"] .option-rule--excludes', 'NOPE')
    await waitFor(() => expect($(c, '.option-row[data-code="PKG_PILOT"] .catalog-problem')!.textContent).toBe('引用了不存在的选装 NOPE'))
  })

  it('a second editor gets the 409 explained (who changed what) and reloads the latest', async () => {
    signIn()
    const fake = installFakeConsole({ roles: ['operator'] })
    const { container: c } = render(<ConsoleCatalogPage />)
    await waitFor(() => expect($(c, '.trim-row[data-code="T2"]')).not.toBeNull())
    // Someone else saves first.
    fake.catalog.version = 4
    fake.catalog.model.trims[1].prices = [{ amountFen: 18_880_000, effectiveFrom: '2020-01-01T00:00:00.000Z' }]
    fake.catalog.changes = [{ action: 'trim.prices', target: 'T2', actorId: 'other0000042', note: '双十二', fromVersion: 3, at: '2026-12-09T07:30:00.000Z' }]
    type(c, '.trim-row[data-code="T2"] .price-current', '189800')
    fireEvent.click($(c, '.trim-row[data-code="T2"] .trim-save')!)
    await waitFor(() => expect($(c, '.catalog-banner--conflict')).not.toBeNull())
    expect($(c, '.catalog-banner--conflict .catalog-banner__title')!.textContent).toContain('你编辑的是版本 3，当前为版本 4')
    expect($(c, '.catalog-banner__change')!.textContent).toBe('2026-12-09 15:30 …000042 修改版本价格 T2（双十二）')
    fireEvent.click($(c, '.catalog-banner__reload')!)
    await waitFor(() => expect($(c, '.model-editor')?.dataset.version).toBe('4'))
    expect($(c, '.catalog-banner--conflict')).toBeNull()
    expect(c.querySelector<HTMLInputElement>('.trim-row[data-code="T2"] .price-current input')!.value).toBe('188800')
  })

  it('unpublishes after a confirmation', async () => {
    signIn()
    const fake = installFakeConsole({ roles: ['operator'] })
    taroMock.showModal.mockResolvedValueOnce({ confirm: true, cancel: false })
    const { container: c } = render(<ConsoleCatalogPage />)
    await waitFor(() => expect($(c, '.model-editor__publish')).not.toBeNull())
    fireEvent.click($(c, '.model-editor__publish')!)
    await waitFor(() => expect($(c, '.model-editor .pub-badge')!.textContent).toBe('未上架'))
    expect(callsTo(fake, 'PUT', '/api/v1/admin/catalog/models/yuanshan-s5/publication')[0].data).toEqual({ expectedVersion: 3, published: false })
    expect($(c, '.catalog-model .pub-badge')!.textContent).toBe('未上架')
  })
})

describe('管理后台 · 库存', () => {
  it('a service user sees 无权限 from the BFF and no 库存 entry', async () => {
    signIn()
    installFakeConsole({ roles: ['service'] })
    const { container: c } = render(<ConsoleStockPage />)
    await waitFor(() => expect($(c, '.console-forbidden')).not.toBeNull())
    await waitFor(() => expect($$(c, '.console-nav__item').map((e) => e.dataset.key)).toEqual(['orders', 'vehicles']))
  })
  it('an operator takes cars in with a reason (checked as typed), sent once with an Idempotency-Key, then sees the row and history', async () => {
    signIn()
    const fake = installFakeConsole({ roles: ['operator'] })
    const { container: c } = render(<ConsoleStockPage />)
    await waitFor(() => expect($(c, '.stock-row')).not.toBeNull())
    expect($(c, '.stock-row__held')!.textContent).toBe('3')
    fireEvent.click($(c, '.stock-adjust')!)
    type(c, '.stock-dialog__delta', '-3')
    await waitFor(() => expect($(c, '.action-dialog__problem')!.textContent).toBe('调整后 2 台，少于订单已占用的 3 台'))
    fireEvent.click($(c, '.action-dialog__confirm')!)
    expect(callsTo(fake, 'POST', '/api/v1/admin/stock/adjustments')).toHaveLength(0)
    fireEvent.click($(c, '.stock-dialog .c-btn')!) // 取消
    fireEvent.click($(c, '.stock-inbound')!)
    type(c, '.stock-dialog__delta', '4')
    fireEvent.click($(c, '.action-dialog__confirm')!)
    await waitFor(() => expect($(c, '.action-dialog__problem')!.textContent).toBe('请填写原因（至少 2 个字）'))
    await waitFor(() => expect(c.querySelector('.stock-dialog__reason textarea')).not.toBeNull())
    type(c, '.stock-dialog__reason', '上海港到货')
    fireEvent.click($(c, '.action-dialog__confirm')!)
    await waitFor(() => expect($(c, '.stock-dialog')).toBeNull())
    const [call] = callsTo(fake, 'POST', '/api/v1/admin/stock/adjustments')
    expect(call.data).toEqual({ modelCode: 'yuanshan-s5', trimCode: 'T1', paintCode: 'P_WHITE', region: 'national', kind: 'inbound', delta: 4, reason: '上海港到货' })
    await waitFor(() => expect($(c, '.stock-row__total')!.textContent).toBe('9'))
    expect($(c, '.stock-history__row')!.textContent).toContain('入库 +4 · 520 后驱版 冰川白 · 5 → 9')
  })
})
