import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { fireEvent, render, waitFor } from '@testing-library/react'
import { routeTo } from '@carmall/shared-types'
import { TOKEN_KEY } from '../src/api/client'
import type { Shipment, Tracking } from '../src/api/tracking'
import TrackingPage, { pollTiming } from '../src/pages/tracking/index'
import { placeLabels } from '../src/pages/tracking/RouteMap'
import { TrackingEntry } from '../src/components/TrackingEntry'
import { ok } from './fixtures'
import { routerParams, taroMock, triggerDidHide, triggerDidShow } from './taro-mock'

const $ = (c: HTMLElement, sel: string) => c.querySelector<HTMLElement>(sel)
const $$ = (c: HTMLElement, sel: string) => Array.from(c.querySelectorAll<HTMLElement>(sel))
const ORDER_NO = 'CM2026112800000001'
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

const route = routeTo('SHA')
function shipment(over: Partial<Shipment> = {}): Shipment {
  return {
    shipmentNo: 'TMS0001',
    vin: 'LCM5S520XSH000001',
    status: 'in_transit',
    statusLabel: '运输中',
    destination: { code: 'SHA', name: '上海交付中心' },
    route: {
      code: 'SHA',
      name: route.name,
      totalKm: Math.round(route.totalKm),
      stops: route.points.filter((p) => p.kind !== 'waypoint').map((p) => ({ code: p.code, name: p.name, kind: p.kind, lat: p.lat, lng: p.lng, km: 0 })),
      polyline: route.points.map((p) => [p.lat, p.lng] as [number, number]),
    },
    latest: { lat: 30.27, lng: 120.15, at: '2026-11-30T02:00:00.000Z', atText: '2026-11-30 10:00', speedKmh: 0 },
    track: [
      { lat: 29.87, lng: 121.55, at: '2026-11-30T00:00:00.000Z' },
      { lat: 30.0, lng: 120.58, at: '2026-11-30T01:00:00.000Z' },
    ],
    milestones: [
      { type: 'departed', label: '已从宁波工厂发车', at: '2026-11-30T00:00:00.000Z', atText: '2026-11-30 08:00' },
      { type: 'hub_arrived', label: '到达杭州中转库，交接换车', at: '2026-11-30T02:00:00.000Z', atText: '2026-11-30 10:00', place: { code: 'HGH', name: '杭州中转库' } },
    ],
    // 14:02 Shanghai, interval 13:14–15:11 → shown to 10 minutes.
    eta: { at: '2026-11-30T06:02:00.000Z', lowAt: '2026-11-30T05:14:00.000Z', highAt: '2026-11-30T07:11:00.000Z', confidence: 0.8, arrived: false, progressKm: 170, remainingKm: 160, totalKm: 330, asOf: '2026-11-30T02:00:00.000Z', computedAt: '2026-11-30T02:00:05.000Z', summary: '剩余约 160 公里，预计行驶 2.4 小时',
      atText: '2026-11-30 14:02', windowText: '2026-11-30 13:14 – 2026-11-30 15:11',
      explanation: { drivingMin: 144, restStops: 0, restMin: 0, nightStops: 0, nightMin: 0, dwellMin: 0, delayAllowanceMin: 10, intervalCalibration: null, tripPace: null, segments: [], stops: [] } },
    updatedAt: '2026-11-30T02:00:00.000Z',
    ...over,
  }
}
const tracking = (s: Shipment | null = shipment()): Tracking => ({ orderNo: ORDER_NO, orderState: 'in_transit', orderStateLabel: '运输中', shipment: s })

/** The BFF's tracking endpoint behind the Taro.request spy: answers come from `reply` per call. */
function fakeBff(reply: (n: number, orderNo: string) => ReturnType<typeof ok> | 'network') {
  const calls: string[] = []
  taroMock.request.mockImplementation(async (opts: any) => {
    const path = new URL(opts.url).pathname
    const m = path.match(/^\/api\/v1\/orders\/([^/]+)\/tracking$/)
    if (!m) return ok({ error: { code: 'NOT_FOUND', message: 'no route' } }, 404)
    calls.push(decodeURIComponent(m[1]))
    const r = reply(calls.length, decodeURIComponent(m[1]))
    if (r === 'network') throw { errMsg: 'request:fail timeout' }
    return r
  })
  return calls
}

const saved = { ...pollTiming }
beforeEach(() => {
  taroMock.setStorageSync(TOKEN_KEY, 'tok-buyer')
  pollTiming.baseMs = 40
  pollTiming.maxMs = 400
})
afterEach(() => Object.assign(pollTiming, saved))

describe('tracking page', () => {
  it('shows the ETA with its interval (Shanghai time), the route drawn offline with the truck, and the milestones newest first', async () => {
    pollTiming.baseMs = 60_000
    routerParams.orderNo = ORDER_NO
    fakeBff(() => ok(tracking()))
    const { container: c } = render(<TrackingPage />)
    await waitFor(() => expect($(c, '.tracking-eta__main')).toBeTruthy())
    expect($(c, '.tracking-eta__main')!.textContent).toBe('预计 11月30日 14:00 送达（13:10–15:20）')
    expect($(c, '.tracking-eta')!.textContent).toContain('80% 可能在此时间段内送达')
    expect($(c, '.tracking-head__status')!.textContent).toBe('运输中')
    // H5: an SVG drawing, no map tiles: the route path, the driven part, the stops with names, the truck.
    expect($(c, '.route-map')).toBeNull()
    const d = $(c, '.route-drawing__route')!.getAttribute('d')!
    expect(d.split('L')).toHaveLength(route.points.length)
    expect($(c, '.route-drawing__driven')).toBeTruthy()
    expect($$(c, '.route-drawing__stop').map((g) => g.textContent)).toEqual(['宁波工厂', '杭州中转库', '上海交付中心'])
    expect($(c, '.route-drawing__truck')!.getAttribute('transform')).toMatch(/^translate\([\d.]+ [\d.]+\)$/)
    expect(c.querySelector('img, iframe')).toBeNull()
    expect($$(c, '.tracking-milestone').map((m) => m.dataset.type)).toEqual(['hub_arrived', 'departed'])
    expect($(c, '.tracking-milestone--latest')!.textContent).toContain('到达杭州中转库')
  })

  it('shows the arrival instead of an estimate, and stops refreshing then', async () => {
    routerParams.orderNo = ORDER_NO
    const arrived = shipment({ status: 'arrived', statusLabel: '已到达交付中心', eta: { ...shipment().eta!, arrived: true, at: '2026-11-30T06:30:00.000Z' } })
    const calls = fakeBff(() => ok(tracking(arrived)))
    const { container: c } = render(<TrackingPage />)
    await waitFor(() => expect($(c, '.tracking-eta--arrived')).toBeTruthy())
    expect($(c, '.tracking-eta__main')!.textContent).toBe('已于 2026-11-30 14:30 到达上海交付中心')
    await sleep(200)
    expect(calls).toHaveLength(1)
  })

  it('says when the car has not shipped yet', async () => {
    routerParams.orderNo = ORDER_NO
    fakeBff(() => ok(tracking(null)))
    const { container: c } = render(<TrackingPage />)
    await waitFor(() => expect($(c, '.tracking-empty')).toBeTruthy())
    expect(c.textContent).toContain('车辆尚未发运，发运后可在此查看实时位置和预计送达时间')
  })

  it('refreshes while shown, not while hidden, and at once when shown again', async () => {
    routerParams.orderNo = ORDER_NO
    const calls = fakeBff((n) => ok(tracking(shipment({ latest: { ...shipment().latest!, atText: `更新 ${n}` } }))))
    const { container: c } = render(<TrackingPage />)
    await waitFor(() => expect(calls.length).toBeGreaterThanOrEqual(3))
    await waitFor(() => expect($(c, '.tracking-latest')!.textContent).toMatch(/更新 [3-9]/))
    triggerDidHide()
    const whenHidden = calls.length
    await sleep(250)
    expect(calls.length).toBe(whenHidden)
    triggerDidShow()
    await waitFor(() => expect(calls.length).toBe(whenHidden + 1))
  })

  it('backs off while the network fails (the shown data stays), and recovers', async () => {
    routerParams.orderNo = ORDER_NO
    let failing = false
    const calls = fakeBff(() => (failing ? 'network' : ok(tracking())))
    const { container: c } = render(<TrackingPage />)
    await waitFor(() => expect($(c, '.tracking-eta__main')).toBeTruthy())
    failing = true
    const start = calls.length
    await sleep(700)
    // Without backoff ~17 attempts in 700 ms at 40 ms; doubling (80, 160, 320, 400…) allows ≤ 5.
    const attempts = calls.length - start
    expect(attempts).toBeGreaterThanOrEqual(2)
    expect(attempts).toBeLessThanOrEqual(5)
    expect($(c, '.tracking-eta__main')!.textContent).toContain('预计 11月30日 14:00 送达')
    failing = false
    const before = calls.length
    await waitFor(() => expect(calls.length).toBeGreaterThan(before + 2), { timeout: 2000 })
  })

  it('shows a first-load error with a retry', async () => {
    pollTiming.baseMs = 60_000
    routerParams.orderNo = ORDER_NO
    let fail = true
    fakeBff(() => (fail ? ok({ error: { code: 'SERVICE_UNAVAILABLE', message: '服务暂不可用，请稍后再试', requestId: 'r' } }, 503) : ok(tracking())))
    const { container: c } = render(<TrackingPage />)
    await waitFor(() => expect($(c, '.status-view--error')).toBeTruthy())
    expect(c.textContent).toContain('服务暂不可用，请稍后再试')
    fail = false
    fireEvent.click($(c, '.status-view__retry')!)
    await waitFor(() => expect($(c, '.tracking-eta__main')).toBeTruthy())
  })

  it('looks an order up by its number; another buyer\'s order is not found', async () => {
    pollTiming.baseMs = 60_000
    const calls = fakeBff((_n, orderNo) => (orderNo === ORDER_NO ? ok(tracking()) : ok({ error: { code: 'NOT_FOUND', message: '订单不存在', requestId: 'r' } }, 404)))
    const { container: c } = render(<TrackingPage />)
    expect($(c, '.tracking-lookup')).toBeTruthy()
    const input = $(c, '.tracking-lookup__input input') ?? $(c, '.tracking-lookup__input')!
    fireEvent.input(input, { target: { value: 'CM123' } })
    fireEvent.click($(c, '.tracking-lookup__btn')!)
    await waitFor(() => expect($(c, '.tracking-lookup__hint')!.textContent).toContain('订单号为 CM 加 16 位数字'))
    expect(calls).toHaveLength(0)
    fireEvent.input(input, { target: { value: 'cm2026112899999999' } })
    fireEvent.click($(c, '.tracking-lookup__btn')!)
    await waitFor(() => expect(c.textContent).toContain('未找到该订单（仅可查询本人的订单）'))
    expect(calls).toEqual(['CM2026112899999999'])
  })

  it('asks to sign in first', async () => {
    taroMock.removeStorageSync(TOKEN_KEY)
    routerParams.orderNo = ORDER_NO
    const calls = fakeBff(() => ok(tracking()))
    const { container: c } = render(<TrackingPage />)
    await waitFor(() => expect(c.textContent).toContain('登录后查看物流'))
    expect(calls).toHaveLength(0)
  })
})

describe('stop names on the route drawing', () => {
  it('do not overlap, even for stops a few pixels apart', () => {
    const placed = placeLabels([
      { name: '宁波工厂', xy: [430, 380] as [number, number] },
      { name: '杭州中转库', xy: [410, 372] as [number, number] },
      { name: '南京中转库', xy: [360, 330] as [number, number] },
      { name: '北京交付中心', xy: [650, 60] as [number, number] },
    ])
    const rects = placed.map((p) => {
      const w = p.name.length * 24
      const x0 = p.label.anchor === 'start' ? p.label.x : p.label.x - w
      return { x0, x1: x0 + w, y0: p.label.y - 24, y1: p.label.y }
    })
    for (let i = 0; i < rects.length; i++)
      for (let j = i + 1; j < rects.length; j++) {
        const [a, b] = [rects[i], rects[j]]
        expect(a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1, `${placed[i].name} / ${placed[j].name}`).toBe(false)
      }
    expect(placed[3].label.anchor).toBe('end') // near the right edge: written leftwards
  })
})

describe('查看物流 on the order page', () => {
  it('appears once a car is allocated or on its way, and opens the tracking page', () => {
    const { container: c, rerender } = render(<TrackingEntry order={{ orderNo: ORDER_NO, state: 'deposit_paid' }} />)
    expect($(c, '.tracking-entry')).toBeNull()
    rerender(<TrackingEntry order={{ orderNo: ORDER_NO, state: 'in_transit' }} />)
    expect($(c, '.tracking-entry')!.textContent).toBe('查看物流')
    fireEvent.click($(c, '.tracking-entry')!)
    expect(taroMock.navigateTo).toHaveBeenCalledWith({ url: `/pages/tracking/index?orderNo=${ORDER_NO}` })
  })
})
