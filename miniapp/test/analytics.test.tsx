import { describe, expect, it, vi } from 'vitest'
import { shipReadiness } from '@carmall/shared-types'
import { fireEvent, render, waitFor } from '@testing-library/react'
import { ANON_KEY, BACKOFF_BASE_MS, BATCH_SIZE, FLUSH_MS, QUEUE_KEY, SESSION_IDLE_MS, Tracker, isUsableId, uuid, type QueuedEvent, type SendOutcome, type TrackerDeps } from '../src/analytics/tracker'
import { analytics, resetAnalyticsForTests } from '../src/analytics'
import { resetAssignmentsForTests } from '../src/analytics/experiments'
import { OrderNowButton } from '../src/analytics/OrderNowButton'
import { OpsEntry } from '../src/components/OpsEntry'
import OpsDashboard, { ExperimentCard, FunnelChart } from '../src/packages/ops/pages/index'
import { barWidth, ciText, lastDays, pct, pp, significanceText, srmText } from '../src/packages/ops/lib/format'
import { ExperimentForm } from '../src/packages/ops/components/ExperimentForm'
import { emptyExperimentForm, validateExperiment } from '../src/packages/ops/lib/experiment-form'
import type { Experiment, FunnelReport } from '../src/api/analytics'
import { PRIVACY_CONSENT_KEY, PRIVACY_POLICY_VERSION } from '../src/utils/privacy'
import { ok } from './fixtures'
import { taroMock } from './taro-mock'

/** A tracker on fake storage, clock, timers and transport. */
function rig(opts: { storage?: Map<string, unknown>; outcomes?: SendOutcome[]; canSend?: boolean } = {}) {
  const storage = opts.storage ?? new Map<string, unknown>()
  const timers: { fn: () => void; ms: number }[] = []
  const sent: QueuedEvent[][] = []
  const outcomes = [...(opts.outcomes ?? [])]
  let now = Date.parse('2026-11-28T10:00:00Z')
  let seed = 1
  const deps: TrackerDeps = {
    platform: 'weapp',
    load: (k) => storage.get(k) ?? null,
    save: (k, v) => void storage.set(k, JSON.parse(JSON.stringify(v))),
    send: async (events) => {
      sent.push(events)
      return outcomes.shift() ?? 'sent'
    },
    canSend: () => opts.canSend ?? true,
    now: () => now,
    random: () => ((seed = (seed * 16807) % 2147483647) / 2147483647),
    setTimer: (fn, ms) => timers.push({ fn, ms }) - 1,
    clearTimer: (h) => {
      timers[h as number] = { fn: () => {}, ms: -1 }
    },
  }
  /** Run the last scheduled timer (the tracker keeps at most one). */
  const fire = async () => {
    const t = timers.filter((x) => x.ms >= 0).pop()
    timers.length = 0
    t?.fn()
    await new Promise((r) => setTimeout(r, 0))
  }
  return { tracker: new Tracker(deps), deps, storage, timers, sent, fire, advance: (ms: number) => (now += ms) }
}

describe('tracker', () => {
  it('queues events with uuid ids, anonymous and session ids; sends after FLUSH_MS', async () => {
    const r = rig()
    const e = r.tracker.track('view_model', { modelCode: 'yuanshan-s5' }, 'pages/model/index')!
    expect(e.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(e).toMatchObject({ name: 'view_model', platform: 'weapp', page: 'pages/model/index', anonymousId: r.tracker.anonId, properties: { modelCode: 'yuanshan-s5' } })
    expect(r.timers.at(-1)!.ms).toBe(FLUSH_MS)
    expect(r.sent).toHaveLength(0)
    await r.fire()
    expect(r.sent).toEqual([[e]])
    expect(r.tracker.pending).toBe(0)
    expect(r.storage.get(QUEUE_KEY)).toEqual([])
  })

  it('sends at once when a full batch is waiting, in batches of BATCH_SIZE', async () => {
    const r = rig()
    for (let i = 0; i < BATCH_SIZE * 2 + 3; i++) r.tracker.track('configure', { i })
    expect(r.timers.some((t) => t.ms === 0)).toBe(true)
    await r.fire()
    expect(r.sent.map((b) => b.length)).toEqual([BATCH_SIZE, BATCH_SIZE, 3])
  })

  it('never stores personal data: phone/ID-like values are dropped, bad names ignored', () => {
    const r = rig()
    const e = r.tracker.track('configure', { modelCode: 'x', mobile: '13812345678', note: '身份证 11010519491231002X', ok: 1 })!
    expect(e.properties).toEqual({ modelCode: 'x', ok: 1 })
    expect(JSON.stringify(r.storage.get(QUEUE_KEY))).not.toMatch(/13812345678|11010519491231002X/)
    expect(r.tracker.track('Bad Name')).toBeNull()
  })

  it("checks names, pages and property keys with the BFF's personal-data check, in every spelling", () => {
    const r = rig()
    expect(r.tracker.track('call_13800138000')).toBeNull()
    const e = r.tracker.track('configure', { note: '+86 138 0013 8000', wide: '１３８００１３８０００', tel13800138000: 1, mail: 'a@example.com', id: '110105 19491231 002X', ok: 'yuanshan-s5' }, 'pages/13800138000')!
    expect(e.properties).toEqual({ ok: 'yuanshan-s5' })
    expect(e).not.toHaveProperty('page')
    expect(JSON.stringify(r.storage.get(QUEUE_KEY))).not.toMatch(/138|@/)
  })

  it('ids are what the BFF takes: 32 hex digits, redrawn when one reads as a number; a stored one the BFF would refuse is replaced', () => {
    // A random source that first spells the given hex digits, then goes on pseudo-randomly.
    const scripted = (hex: string) => {
      const queue = [...hex].map((c) => (parseInt(c, 16) + 0.5) / 16)
      let seed = 7
      return () => queue.shift() ?? (seed = (seed * 16807) % 2147483647) / 2147483647
    }
    const phoneUuid = scripted('1a2b3c4d1a2b4c3d8e4fa13800138000')
    const id = uuid(phoneUuid)
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(id).not.toContain('13800138000') // the first draw was refused
    const storage = new Map<string, unknown>()
    const r = rig({ storage })
    const deps = { ...r.deps, random: scripted('13800138000aaaaaaaaaaaaaaaaaaaaa') }
    const fresh = new Tracker(deps)
    expect(isUsableId(fresh.anonId)).toBe(true)
    expect(fresh.anonId).not.toContain('13800138000')
    for (const stored of ['13800138000aaaaaaaaaaaaaaaaaaaaa', 'dev_0123456789abcdef', 'ABCDEF0123456789ABCDEF0123456789']) {
      const again = rig({ storage: new Map<string, unknown>([[ANON_KEY, stored]]) })
      expect(again.tracker.anonId).not.toBe(stored)
      expect(isUsableId(again.tracker.anonId)).toBe(true)
      expect(again.storage.get(ANON_KEY)).toBe(again.tracker.anonId)
    }
    const kept = rig({ storage: new Map<string, unknown>([[ANON_KEY, '0f1e2d3c4b5a69788796a5b4c3d2e1f0']]) })
    expect(kept.tracker.anonId).toBe('0f1e2d3c4b5a69788796a5b4c3d2e1f0')
    expect(isUsableId(kept.tracker.track('page_view')!.sessionId)).toBe(true)
  })

  it('keeps events across restarts (offline) and sends them on the next launch', async () => {
    const storage = new Map<string, unknown>()
    const first = rig({ storage, outcomes: ['retry'] })
    const e = first.tracker.track('open_finance')!
    await first.fire() // offline: the send fails, the event stays stored
    expect(first.sent).toHaveLength(1)
    const anon = storage.get(ANON_KEY)
    const second = rig({ storage })
    expect(second.tracker.anonId).toBe(anon) // same device
    expect(second.tracker.pending).toBe(1)
    expect(second.timers.at(-1)!.ms).toBe(0) // leftovers go out at launch
    await second.fire()
    expect(second.sent).toEqual([[e]]) // same event id: the BFF deduplicates if the first send did arrive
    expect(second.tracker.pending).toBe(0)
  })

  it('retries with growing, jittered backoff; drops a batch the BFF refuses (400)', async () => {
    const r = rig({ outcomes: ['retry', 'retry', 'retry', 'rejected'] })
    r.tracker.track('configure')
    const delays: number[] = []
    for (let i = 0; i < 3; i++) {
      await r.fire()
      delays.push(r.timers.at(-1)!.ms)
    }
    expect(r.tracker.failures).toBe(3)
    delays.forEach((d, i) => {
      const ceiling = BACKOFF_BASE_MS * 2 ** i
      expect(d).toBeGreaterThanOrEqual(ceiling / 2)
      expect(d).toBeLessThanOrEqual(ceiling)
    })
    await r.fire()
    expect(r.tracker.pending).toBe(0)
    expect(r.tracker.failures).toBe(0)
    expect(r.sent).toHaveLength(4)
  })

  it('sends nothing before privacy consent', async () => {
    const r = rig({ canSend: false })
    r.tracker.track('page_view')
    await r.fire()
    expect(r.sent).toHaveLength(0)
    expect(r.tracker.pending).toBe(1)
  })

  it('starts a new session after 30 idle minutes', () => {
    const r = rig()
    const a = r.tracker.track('page_view')!.sessionId
    r.advance(SESSION_IDLE_MS - 1000)
    expect(r.tracker.track('page_view')!.sessionId).toBe(a)
    r.advance(SESSION_IDLE_MS + 1)
    expect(r.tracker.track('page_view')!.sessionId).not.toBe(a)
  })
})

describe('order button experiment', () => {
  function bff(variant: string | null) {
    const calls: { path: string; data: any }[] = []
    taroMock.request.mockImplementation(async (o: any) => {
      const url = new URL(o.url)
      calls.push({ path: url.pathname + url.search, data: o.data })
      if (url.pathname === '/api/v1/experiments/assignments') return ok({ assignments: variant ? { 'order-button': { variant, status: 'running' } } : {} })
      return ok({ accepted: 1, duplicates: 0 })
    })
    return calls
  }

  it('renders the assigned variant and tracks start_checkout with it', async () => {
    resetAnalyticsForTests()
    resetAssignmentsForTests()
    const calls = bff('lock')
    const onClick = vi.fn()
    const { container } = render(<OrderNowButton onClick={onClick} modelCode='yuanshan-s5' />)
    const btn = () => container.querySelector<HTMLElement>('.order-now')!
    expect(btn().textContent).toBe('立即下定') // the control until the BFF answers
    await waitFor(() => expect(btn().getAttribute('data-ready')).toBe('1'))
    expect(btn().textContent).toBe('立即锁定爱车')
    expect(btn().getAttribute('data-variant')).toBe('lock')
    expect(calls[0].path).toBe(`/api/v1/experiments/assignments?anonymousId=${analytics().anonId}&keys=order-button`) // only the experiment on screen: exposure is counted where it is seen
    fireEvent.click(btn())
    expect(onClick).toHaveBeenCalledTimes(1)
    const queued = taroMock.setStorageSync.mock.calls.filter(([k]) => k === QUEUE_KEY).at(-1)![1] as QueuedEvent[]
    expect(queued.at(-1)).toMatchObject({ name: 'start_checkout', properties: { variant: 'lock', modelCode: 'yuanshan-s5' } })
  })

  it('shows the control when not in an experiment or the BFF fails, and the orange variant by colour', async () => {
    for (const [variant, text, cls] of [[null, '立即下定', false], ['orange', '立即下定', true], ['unknown-variant', '立即下定', false]] as const) {
      resetAssignmentsForTests()
      bff(variant)
      const { container, unmount } = render(<OrderNowButton onClick={() => {}} />)
      await waitFor(() => expect(container.querySelector('.order-now')!.getAttribute('data-ready')).toBe('1'))
      expect(container.querySelector('.order-now')!.textContent).toBe(text)
      expect(container.querySelector('.order-now')!.classList.contains('order-now--orange')).toBe(cls)
      unmount()
    }
    resetAssignmentsForTests()
    taroMock.request.mockRejectedValue({ errMsg: 'request:fail' })
    const { container } = render(<OrderNowButton onClick={() => {}} />)
    await waitFor(() => expect(container.querySelector('.order-now')!.getAttribute('data-ready')).toBe('1'))
    expect(container.querySelector('.order-now')!.getAttribute('data-variant')).toBe('control')
  })
})

const report: FunnelReport = {
  funnel: { key: 'purchase', name: '购车转化', steps: ['view_model', 'configure', 'open_finance?', 'pay_success'] },
  range: { from: '2026-11-22', to: '2026-11-28', timeZone: 'Asia/Shanghai' },
  segment: {},
  steps: [
    { name: 'view_model', optional: false, count: 200, conversion: 1, overall: 1, dropOff: 0, dropOffRate: 0 },
    { name: 'configure', optional: false, count: 50, conversion: 0.25, overall: 0.25, dropOff: 150, dropOffRate: 0.75 },
    { name: 'open_finance', optional: true, count: 20, conversion: 0.4, overall: 0.1, dropOff: 30, dropOffRate: 0.6 },
    { name: 'pay_success', optional: false, count: 5, conversion: 0.1, overall: 0.025, dropOff: 45, dropOffRate: 0.9 },
  ],
}
const experiment = (over: Partial<Experiment> = {}): Experiment => ({
  key: 'order-button',
  name: '下单按钮文案',
  description: null,
  variants: [{ key: 'control', weight: 50, label: '立即下定' }, { key: 'lock', weight: 50, label: '立即锁定爱车' }],
  targetEvent: 'start_checkout',
  status: 'running',
  statusText: '进行中',
  shippedVariant: null,
  startedAt: '2026-11-28T00:00:00Z',
  results: {
    variants: [
      { key: 'control', label: '立即下定', weight: 50, exposed: 1000, converted: 200, rate: 0.2, vsControl: null },
      { key: 'lock', label: '立即锁定爱车', weight: 50, exposed: 1000, converted: 250, rate: 0.25, vsControl: { diff: 0.05, lift: 0.25, z: 2.677398, pValue: 0.00742, ci: [0.013464, 0.086536], confidence: 0.95, significant: true } },
    ],
    srm: { chiSquare: 0, df: 1, pValue: 1, mismatch: false, expected: [1000, 1000] },
    totalExposed: 2000,
  },
  ...over,
})

describe('operator dashboard', () => {
  it('formats rates, CIs, significance, SRM and date ranges', () => {
    expect(pct(0.2)).toBe('20.0%')
    expect(pp(-0.0134)).toBe('−1.3pp')
    expect(ciText([0.013464, 0.086536])).toBe('95% 置信区间 [+1.3pp, +8.7pp]')
    expect(ciText(null)).toBe('数据不足')
    expect(significanceText({ pValue: 0.00742, significant: true })).toBe('显著（p = 0.007）')
    expect(significanceText({ pValue: 0.0001, significant: true })).toBe('显著（p < 0.001）')
    expect(significanceText({ pValue: 0.4, significant: false })).toBe('不显著（p = 0.400）')
    expect(srmText({ mismatch: false, pValue: 0.5 })).toBeNull()
    expect(srmText({ mismatch: true, pValue: 0.00001 })).toContain('样本比例异常')
    expect(lastDays(7, Date.parse('2026-11-28T17:00:00Z'))).toEqual({ from: '2026-11-23', to: '2026-11-29' })
    expect(barWidth(5, 200)).toBe('3%')
    expect(barWidth(1, 1000)).toBe('2%')
    expect(barWidth(0, 10)).toBe('0%')
  })

  it('draws the funnel as bars with step conversion and drop-off', () => {
    const { container } = render(<FunnelChart report={report} />)
    const steps = Array.from(container.querySelectorAll<HTMLElement>('.ops-funnel__step'))
    expect(steps.map((s) => s.getAttribute('data-count'))).toEqual(['200', '50', '20', '5'])
    expect(steps.map((s) => (s.querySelector('.ops-funnel__bar') as HTMLElement).style.width)).toEqual(['100%', '25%', '10%', '3%'])
    expect(steps[1].textContent).toContain('选配')
    expect(steps[1].textContent).toContain('步骤转化 25.0% · 流失 150 人（75.0%）')
    // An optional step says so, and counts who skipped it rather than who was lost.
    expect(steps[2].textContent).toContain('（可选）')
    expect(steps[2].textContent).toContain('使用率 40.0% · 跳过 30 人（60.0%）')
  })

  it('shows each variant with CI and significance, warns on SRM, and offers the allowed actions', () => {
    const onAction = vi.fn()
    const { container, rerender } = render(<ExperimentCard x={experiment()} busy={false} onAction={onAction} />)
    expect(container.textContent).toContain('200/1000 = 20.0%')
    expect(container.textContent).toContain('95% 置信区间 [+1.3pp, +8.7pp] · 显著（p = 0.007）')
    expect(container.querySelector('.ops-exp__srm')).toBeNull()
    expect(container.querySelector('.ops-start')).toBeNull()
    fireEvent.click(container.querySelector('.ops-stop')!)
    expect(onAction).toHaveBeenCalledWith('stop')
    fireEvent.click(container.querySelectorAll('.ops-ship')[1])
    expect(onAction).toHaveBeenCalledWith('ship', 'lock')
    rerender(<ExperimentCard x={experiment({ status: 'draft', statusText: '草稿', results: { ...experiment().results, srm: { chiSquare: 17.5, df: 1, pValue: 0.00003, mismatch: true, expected: [1, 1] } } })} busy={false} onAction={onAction} />)
    expect(container.querySelector('.ops-exp__srm')!.textContent).toContain('样本比例异常')
    expect(container.querySelector('.ops-ship')).toBeNull()
    fireEvent.click(container.querySelector('.ops-start')!)
    expect(onAction).toHaveBeenCalledWith('start')
  })

  it('warns before shipping on too little data or no significant difference (3 exposures, p = 1.0)', () => {
    // 1,000 per arm and significant: no warning.
    const { container, rerender } = render(<ExperimentCard x={experiment()} busy={false} onAction={vi.fn()} />)
    expect(container.querySelector('.ops-ship__warn')).toBeNull()
    const tiny = experiment({
      results: {
        variants: [
          { key: 'control', label: '立即下定', weight: 50, exposed: 3, converted: 1, rate: 1 / 3, vsControl: null },
          { key: 'lock', label: '立即锁定爱车', weight: 50, exposed: 3, converted: 1, rate: 1 / 3, vsControl: { diff: 0, lift: 0, z: 0, pValue: 1, ci: null, confidence: 0.95, significant: false } },
        ],
        srm: { chiSquare: 0, df: 1, pValue: 1, mismatch: false, expected: [3, 3] },
        totalExposed: 6,
      },
    })
    rerender(<ExperimentCard x={tiny} busy={false} onAction={vi.fn()} />)
    const warn = container.querySelector('[data-variant="lock"] .ops-ship__warn')!.textContent!
    expect(warn).toContain('样本不足：每个方案至少 100 次曝光，目前最少 3 次')
    expect(warn).toContain('与对照的差异尚不显著（p = 1.00）')
    expect(shipReadiness(tiny.results, 'lock')).toMatchObject({ ready: false })
    expect(shipReadiness(experiment().results, 'lock')).toEqual({ ready: true, reasons: [] })
  })

  it('loads the funnel and experiments, stops an experiment after confirmation, and refuses non-operators', async () => {
    const posts: string[] = []
    let status: Experiment['status'] = 'running'
    taroMock.request.mockImplementation(async (o: any) => {
      const url = new URL(o.url)
      if (o.method === 'POST') {
        posts.push(url.pathname)
        status = 'stopped'
        return ok(experiment({ status }))
      }
      if (url.pathname === '/api/v1/admin/analytics/funnels') return ok({ items: [report.funnel] })
      if (url.pathname.endsWith('/report')) return ok(report)
      if (url.pathname === '/api/v1/admin/experiments') return ok({ items: [experiment({ status, statusText: status === 'running' ? '进行中' : '已停止' })] })
      return ok({ error: { code: 'NOT_FOUND', message: 'x' } }, 404)
    })
    const { container } = render(<OpsDashboard />)
    await waitFor(() => expect(container.querySelectorAll('.ops-funnel__step')).toHaveLength(4))
    await waitFor(() => expect(container.querySelector('.ops-stop')).not.toBeNull())
    fireEvent.click(container.querySelector('.ops-stop')!)
    await waitFor(() => expect(posts).toEqual(['/api/v1/admin/experiments/order-button/stop']))
    expect(taroMock.showModal).toHaveBeenCalled()
    await waitFor(() => expect(container.querySelector('.ops-exp')!.getAttribute('data-status')).toBe('stopped'))
    // The platform filter asks the BFF again with it.
    fireEvent.click(Array.from(container.querySelectorAll('.ops-platforms .ops-chip')).find((c) => c.textContent === 'H5')!)
    await waitFor(() => expect(taroMock.request.mock.calls.some(([o]: any) => String(o.url).includes('platform=h5'))).toBe(true))

    taroMock.request.mockImplementation(async () => ok({ error: { code: 'FORBIDDEN', message: '没有权限执行此操作' } }, 403))
    const other = render(<OpsDashboard />)
    await waitFor(() => expect(other.container.textContent).toContain('仅运营人员可查看运营看板'))
  })

  it('我的 shows the entry to operators and admins only', () => {
    expect(render(<OpsEntry roles={['buyer']} />).container.querySelector('.ops-entry')).toBeNull()
    const { container } = render(<OpsEntry roles={['operator']} />)
    fireEvent.click(container.querySelector('.ops-entry')!)
    expect(taroMock.navigateTo).toHaveBeenCalledWith({ url: '/packages/ops/pages/index' })
  })
})

// The real tracker's consent gate reads the stored privacy consent.
it('the app tracker sends only with privacy consent', async () => {
  resetAnalyticsForTests()
  taroMock.request.mockImplementation(async () => ok({ accepted: 1, duplicates: 0 }))
  analytics().track('page_view')
  await analytics().flush()
  expect(taroMock.request).not.toHaveBeenCalled()
  taroMock.setStorageSync(PRIVACY_CONSENT_KEY, JSON.stringify({ version: PRIVACY_POLICY_VERSION, granted: true, at: new Date().toISOString(), recordedFor: [] }))
  await analytics().flush()
  expect(taroMock.request).toHaveBeenCalledTimes(1)
  expect(taroMock.request.mock.calls[0][0]).toMatchObject({ method: 'POST', data: { events: [{ name: 'page_view' }] } })
})

describe('新建实验 (ops console)', () => {
  const type = (c: HTMLElement, sel: string, value: string) => {
    const el = c.querySelector<HTMLElement>(sel)!
    fireEvent.input(el.tagName === 'INPUT' ? el : el.querySelector('input')!, { target: { value } })
  }

  it('checks the form like the BFF, posts a draft, and shows a refusal', async () => {
    expect(validateExperiment(emptyExperimentForm()).errors).toMatchObject({ key: expect.any(String), name: expect.any(String) })
    expect(validateExperiment({ ...emptyExperimentForm(), key: 'x-test', name: 'x', variants: [{ key: 'a', label: '', weight: '50' }, { key: 'a', label: '', weight: '50' }] }).errors.variants).toBe('方案 key 不能重复')
    expect(validateExperiment({ ...emptyExperimentForm(), key: 'x-test', name: 'x', variants: [{ key: 'a', label: '', weight: '0' }, { key: 'b', label: '', weight: '50' }] }).errors.variants).toBe('流量比例为 1-100 的整数')

    const posted: unknown[] = []
    let answer = ok(experiment({ key: 'cta-color', status: 'draft', statusText: '草稿' }), 201)
    taroMock.request.mockImplementation(async (o: { url: string; method?: string; data?: unknown }) => {
      posted.push(o.data)
      return answer
    })
    const onCreated = vi.fn()
    const { container: c } = render(<ExperimentForm onCreated={onCreated} />)
    fireEvent.click(c.querySelector('.ops-new-exp')!)
    fireEvent.click(c.querySelector('.ops-exp-form__save')!)
    await waitFor(() => expect(c.querySelector('.ops-exp-form__error--key')).toBeTruthy())
    expect(posted).toHaveLength(0)

    type(c, '.ops-exp-form__key', 'cta-color')
    type(c, '.ops-exp-form__name', '按钮颜色')
    fireEvent.click(c.querySelector('.ops-exp-form__target[data-value="order_created"]')!)
    type(c, '.ops-exp-form__variant[data-index="1"] .ops-exp-form__vkey', 'orange')
    type(c, '.ops-exp-form__variant[data-index="1"] .ops-exp-form__vlabel', '橙色按钮')
    answer = ok({ error: { code: 'CONFLICT', message: '该实验已存在且定义不同', requestId: 'r1' } }, 409)
    fireEvent.click(c.querySelector('.ops-exp-form__save')!)
    await waitFor(() => expect(c.textContent).toContain('该实验已存在且定义不同'))
    expect(posted.at(-1)).toEqual({ key: 'cta-color', name: '按钮颜色', targetEvent: 'order_created', variants: [{ key: 'control', weight: 50, label: '对照' }, { key: 'orange', weight: 50, label: '橙色按钮' }] })
    answer = ok(experiment({ key: 'cta-color', status: 'draft', statusText: '草稿' }), 201)
    fireEvent.click(c.querySelector('.ops-exp-form__save')!)
    await waitFor(() => expect(onCreated).toHaveBeenCalled())
    expect(c.querySelector('.ops-exp-form')).toBeNull()
  })
})
