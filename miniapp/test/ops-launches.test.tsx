import { describe, expect, it, vi } from 'vitest'
import { fireEvent, render, waitFor } from '@testing-library/react'
import type { LaunchView } from '@carmall/shared-types'
import { TOKEN_KEY } from '../src/api/client'
import type { AdminLaunch } from '../src/api/launches'
import { LaunchAdmin } from '../src/packages/ops/components/LaunchAdmin'
import { launchFormProblems, shanghaiToEpoch, type LaunchForm } from '../src/packages/ops/lib/launch-form'
import { detailOf, lineupModel } from './fake-bff'
import { apiError } from './fake-orders'
import { model as summary, ok, paged } from './fixtures'
import { taroMock } from './taro-mock'
import { advance, settle } from './fake-timers'

const $ = (c: HTMLElement, sel: string) => c.querySelector<HTMLElement>(sel)
const $$ = (c: HTMLElement, sel: string) => Array.from(c.querySelectorAll<HTMLElement>(sel))
const type = (c: HTMLElement, sel: string, value: string) => {
  const input = c.querySelector<HTMLInputElement>(`${sel} input, input${sel}`)!
  fireEvent.input(input, { target: { value } })
}
const fieldError = (c: HTMLElement, field: string) => $(c, `.ops-field__error[data-field="${field}"]`)?.textContent

const S5 = lineupModel('yuanshan-s5')

const adminLaunch = (over: Partial<AdminLaunch> = {}): AdminLaunch => ({
  code: 's5-launch',
  title: '远山 S5 首发抢购',
  modelCode: 'yuanshan-s5',
  modelName: '远山 S5',
  startsAt: '2026-11-20T12:00:00.000Z',
  endsAt: null,
  serverTime: '2026-11-20T11:00:00.000Z',
  phase: 'open',
  admitPerSecond: 20,
  admissionSeconds: 300,
  preQueueAt: null,
  variants: [{ trimCode: 'S5_520_RWD', trimName: '520 长续航后驱版', paintCode: 'PAINT_GLACIER_WHITE', paintName: '冰川白', priceFen: 18_980_000, stock: 50, available: 12 }],
  available: 12,
  stats: { joined: 12_345, admitted: 60, ordered: 38 },
  ...over,
})

interface Fake {
  calls: { method: string; path: string; data: any }[]
  items: AdminLaunch[]
  createReplies: ReturnType<typeof ok>[]
}

function installFake(items: AdminLaunch[] = []): Fake {
  const fake: Fake = { calls: [], items, createReplies: [] }
  taroMock.request.mockImplementation(async (opts: any) => {
    const url = new URL(opts.url)
    const method = opts.method ?? 'GET'
    fake.calls.push({ method, path: url.pathname, data: opts.data })
    if (method === 'GET' && url.pathname === '/api/v1/catalog/models') return ok(paged([summary({ code: 'yuanshan-s5', name: '远山 S5' }), summary({ id: 'm2', code: 'yuanshan-s7', name: '远山 S7' })]))
    if (method === 'GET' && url.pathname === '/api/v1/catalog/models/yuanshan-s5') return ok(detailOf(S5))
    if (method === 'GET' && url.pathname === '/api/v1/admin/launches') return ok({ items: fake.items })
    if (method === 'POST' && url.pathname === '/api/v1/admin/launches') {
      const queued = fake.createReplies.shift()
      if (queued) return queued
      const view: LaunchView = { ...adminLaunch(), code: opts.data.code, title: opts.data.title, startsAt: opts.data.startsAt, phase: 'scheduled' }
      fake.items = [{ ...view, stats: { joined: 0, admitted: 0, ordered: 0 } }, ...fake.items]
      return ok(view, 201)
    }
    return apiError(404, 'NOT_FOUND', `no ${method} ${url.pathname}`)
  })
  return fake
}

async function openForm(fake: Fake) {
  taroMock.setStorageSync(TOKEN_KEY, 'tok-operator')
  const view = render(<LaunchAdmin />)
  const c = view.container
  await waitFor(() => expect($$(c, '.launch-model')).toHaveLength(2))
  fireEvent.click($(c, '.launch-model[data-code="yuanshan-s5"]')!)
  await waitFor(() => expect($$(c, '.ops-launch-variant').length).toBeGreaterThan(0))
  return { c, view, fake }
}

function fill(c: HTMLElement) {
  type(c, '.launch-code', 's5-launch-1208')
  type(c, '.launch-title', '远山 S5 首发抢购')
  type(c, '.launch-start-date', '2027-12-08')
  type(c, '.launch-start-time', '20:00')
  type(c, '.launch-rate', '50')
  type(c, '.launch-minutes', '3')
  type(c, '.launch-prequeue', '15')
  type(c, '.ops-launch-variant[data-trim="S5_520_RWD"][data-paint="PAINT_LAKE_BLUE"]', '20')
  type(c, '.ops-launch-variant[data-trim="S5_700_AWD"][data-paint="PAINT_AURORA_PURPLE"]', '5')
}

describe('schedule form rules', () => {
  it('reads Shanghai wall time and refuses impossible dates', () => {
    expect(new Date(shanghaiToEpoch('2026-12-08', '20:00')!).toISOString()).toBe('2026-12-08T12:00:00.000Z')
    expect(new Date(shanghaiToEpoch('2026-12-09', '07:30:15')!).toISOString()).toBe('2026-12-08T23:30:15.000Z')
    expect(shanghaiToEpoch('2026-02-30', '20:00')).toBeNull()
    expect(shanghaiToEpoch('2026-12-08', '24:00')).toBeNull()
    expect(shanghaiToEpoch('20261208', '20:00')).toBeNull()
  })

  it('says what is wrong per field', () => {
    const f: LaunchForm = {
      code: 'S5 Launch', title: 'x', modelCode: '', startDate: '2026-11-20', startTime: '11:00', endDate: '2026-11-20', endTime: '10:00',
      admitPerSecond: '0', admissionMinutes: '90', preQueueMinutes: '2 h', stock: { 'A/B': '' },
    }
    const now = Date.parse('2026-11-20T04:00:00Z') // 12:00 Shanghai
    expect(launchFormProblems(f, now)).toEqual({
      code: '活动编号为 3-40 位小写字母、数字或连字符，且以字母或数字开头',
      title: '活动名称为 2-40 个字',
      modelCode: '请选择车型',
      startsAt: '开售时间须晚于当前时间',
      endsAt: '结束时间须晚于开售时间',
      admitPerSecond: '每秒放行人数为 1-10,000 的整数',
      admissionMinutes: '下单时限为 1-60 分钟的整数',
      preQueueMinutes: '提前排队为 0-1,440 分钟的整数，不设请留空',
      variants: '请至少为一个版本与颜色填写库存',
    })
  })
})

describe('运营看板 · 首发抢购', () => {
  it('offers every trim × paint of the chosen model and schedules the launch in Shanghai time', async () => {
    const { c, fake } = await openForm(installFake())
    const expected = S5.trims.reduce((n, t) => n + S5.options.filter((o) => o.group === 'paint' && o.availableOn.includes(t.code)).length, 0)
    expect($$(c, '.ops-launch-variant')).toHaveLength(expected)
    fill(c)
    fireEvent.click($(c, '.ops-launch-submit')!)
    await waitFor(() => expect(fake.calls.filter((x) => x.method === 'POST')).toHaveLength(1))
    expect(fake.calls.find((x) => x.method === 'POST')!.data).toEqual({
      code: 's5-launch-1208',
      title: '远山 S5 首发抢购',
      modelCode: 'yuanshan-s5',
      startsAt: '2027-12-08T12:00:00.000Z',
      admitPerSecond: 50,
      admissionSeconds: 180,
      preQueueSeconds: 900,
      variants: [
        { trimCode: 'S5_520_RWD', paintCode: 'PAINT_LAKE_BLUE', stock: 20 },
        { trimCode: 'S5_700_AWD', paintCode: 'PAINT_AURORA_PURPLE', stock: 5 },
      ],
    })
    // The list is reloaded with the new launch.
    await waitFor(() => expect($(c, '.ops-launch[data-code="s5-launch-1208"]')).toBeTruthy())
    expect($(c, '.ops-launch[data-code="s5-launch-1208"]')!.dataset.phase).toBe('scheduled')
  })

  it('checks the form before sending and shows each problem beside its field', async () => {
    const { c, fake } = await openForm(installFake())
    fireEvent.click($(c, '.ops-launch-submit')!)
    await waitFor(() => expect(fieldError(c, 'code')).toContain('活动编号'))
    expect(fieldError(c, 'variants')).toBe('请至少为一个版本与颜色填写库存')
    expect(fieldError(c, 'startsAt')).toContain('请填写开售日期')
    expect(fake.calls.filter((x) => x.method === 'POST')).toHaveLength(0)
    // Editing a field clears its message.
    type(c, '.launch-code', 'ok-code')
    await waitFor(() => expect(fieldError(c, 'code')).toBeUndefined())
  })

  it('shows the server’s refusals inline: code taken, schema issues, configurator codes', async () => {
    const fake = installFake()
    fake.createReplies.push(
      apiError(409, 'CONFLICT', '活动编号已存在', { code: 's5-launch-1208' }),
      apiError(400, 'VALIDATION_FAILED', '请求内容不正确', [{ in: 'body', path: 'variants.0.stock', message: '库存不能超过 1000000', code: 'too_big' }, { in: 'body', path: 'title', message: '太长', code: 'too_big' }]),
      apiError(422, 'UNKNOWN_OPTION', '选项 PAINT_X 不存在'),
    )
    const { c } = await openForm(fake)
    fill(c)
    fireEvent.click($(c, '.ops-launch-submit')!)
    await waitFor(() => expect(fieldError(c, 'code')).toBe('活动编号已存在'))
    fireEvent.click($(c, '.ops-launch-submit')!)
    await waitFor(() => expect(fieldError(c, 'variants')).toBe('库存不能超过 1000000'))
    expect(fieldError(c, 'title')).toBe('太长')
    expect(fieldError(c, 'code')).toBeUndefined()
    fireEvent.click($(c, '.ops-launch-submit')!)
    await waitFor(() => expect(fieldError(c, 'variants')).toBe('选项 PAINT_X 不存在'))
  })

  it('lists each launch with its phase and joined / admitted / ordered / cars left, refreshed while live', async () => {
    vi.useFakeTimers()
    try {
      const fake = installFake([adminLaunch(), adminLaunch({ code: 'old-launch', title: '往期首发', phase: 'ended', stats: { joined: 10, admitted: 10, ordered: 9 }, available: 0 })])
      taroMock.setStorageSync(TOKEN_KEY, 'tok-operator')
      const { container: c } = render(<LaunchAdmin refreshMs={5000} />)
      await settle()
      const row = $(c, '.ops-launch[data-code="s5-launch"]')!
      expect(row.dataset.phase).toBe('open')
      expect(row.textContent).toContain('抢购中')
      expect(row.textContent).toContain('2026-11-20 20:00 开售')
      const stat = (r: HTMLElement, k: string) => r.querySelector(`.ops-launch__stat[data-stat="${k}"] .ops-launch__num`)!.textContent
      expect([stat(row, 'joined'), stat(row, 'admitted'), stat(row, 'ordered'), stat(row, 'available')]).toEqual(['12,345', '60', '38', '12/50'])
      expect($(c, '.ops-launch[data-code="old-launch"]')!.textContent).toContain('已结束')

      const lists = () => fake.calls.filter((x) => x.path === '/api/v1/admin/launches').length
      expect(lists()).toBe(1)
      fake.items = [adminLaunch({ stats: { joined: 20_000, admitted: 80, ordered: 50 }, available: 0, phase: 'sold_out' })]
      await advance(5000)
      expect(lists()).toBe(2)
      const updated = $(c, '.ops-launch[data-code="s5-launch"]')!
      expect(stat(updated, 'joined')).toBe('20,000')
      expect(updated.textContent).toContain('已售罄')
      // Nothing live any more: no more refreshes.
      await advance(20_000)
      expect(lists()).toBe(2)
    } finally {
      vi.useRealTimers()
    }
  })
})
