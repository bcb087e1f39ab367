/**
 * 我的车库 / 预约保养 / 消息中心 / 服务工作台 routes of the BFF behind the Taro.request spy, with
 * in-memory state so a test sees what a page wrote (bookings, read marks, campaigns, retries).
 */
import { addDays, formatDateCN } from '@carmall/shared-types'
import type { InboxMessage, MyVehicle, ServiceBooking, Site, SiteSlot } from '../src/api/garage'
import type { Campaign, DeadLetter } from '../src/api/staff'
import { model, ok, paged } from './fixtures'
import { taroMock } from './taro-mock'

export const TEMPLATE = 'tmpl-maintenance-1'
/** The booking templates (asked at a booking's confirm tap, never by 订阅提醒). */
export const BOOKING_TEMPLATE = 'tmpl-booking-1'
export const BOOKING_REMINDER_TEMPLATE = 'tmpl-booking-reminder-1'

export function vehicle(over: Partial<MyVehicle> = {}): MyVehicle {
  return {
    id: 'a'.repeat(24),
    vin: 'LYS5A1234567890AB',
    modelCode: 'yuanshan-s5',
    modelName: '远山 S5',
    trimCode: null,
    energyType: 'bev',
    orderNo: null,
    source: 'order',
    plate: null,
    colourName: null,
    dealerName: null,
    deliveredAt: '2025-12-01T02:00:00.000Z',
    deliveredOn: '2025-12-01',
    odometerKm: 12345.4,
    lastReportAt: null,
    lastService: null,
    health: {
      pace: { kmPerDay: 38, basis: 'recent' },
      service: { dueDate: '2026-12-20', trigger: 'time', daysLeft: 22, kmSinceService: 12345, kmLeft: 7655, dueByDistanceDate: '2027-05-01', dueByTimeDate: '2026-12-20', status: 'due_soon', reason: '距首次保养已近 12 个月：约 2026-12-20 到期' },
      tyres: { treadMm: 6.4, wearPct: 22, harshBrakesPer100Km: 1.2, habitFactor: 1.1, kmOnTyres: 12345, remainingKm: 40000, replaceByDate: '2029-06-01', status: 'ok', reason: '轮胎已行驶约 12,345 km，按您的驾驶习惯约 2029-06 需更换' },
      battery: { sohPct: 96.2, fastChargeShare: 0.3, annualLossPct: 2.1, basis: 'trend', sohIn12MonthsPct: 94.1, reaches80Date: '2033-01-01', status: 'good', reason: '电池健康度约 96.2%，快充占 30%' },
    } as MyVehicle['health'],
    ...over,
  }
}

export const CENTRES: Site[] = [
  { code: 'SC-SH-MINHANG', name: '远山汽车 上海闵行服务中心', city: '上海', kind: 'service', address: '上海市闵行区沪闵路 6088 号', phone: '021-64881234', hours: ['周一至周日 08:30–17:30'], slotMinutes: 60, capacity: 3 },
  { code: 'SC-BJ-YIZHUANG', name: '远山汽车 北京亦庄服务中心', city: '北京', kind: 'service', address: '北京市大兴区荣华南路 15 号', phone: '010-67881234', hours: ['周一至周日 08:30–17:30'], slotMinutes: 60, capacity: 3 },
]

/** Tomorrow (Shanghai) 09:00–12:00; the 10:00 slot is full. */
export const slotDate = () => addDays(formatDateCN(Date.now()), 1)
export function slotsOn(date: string): SiteSlot[] {
  return [9, 10, 11].map((h) => {
    const start = new Date(`${date}T${String(h).padStart(2, '0')}:00:00+08:00`).toISOString()
    return { start, end: new Date(Date.parse(start) + 3_600_000).toISOString(), label: `${String(h).padStart(2, '0')}:00–${h + 1}:00`, capacity: 3, remaining: h === 10 ? 0 : 2 }
  })
}

export interface FakeGarage {
  calls: { method: string; path: string; query: URLSearchParams; data: any; header: Record<string, string> }[]
  vehicles: MyVehicle[]
  bookings: ServiceBooking[]
  messages: InboxMessage[]
  campaigns: Campaign[]
  deadLetters: DeadLetter[]
  roles: string[]
  /** Campaign polls answered so far (each poll moves the campaign on). */
  polls: number
  /**
   * The DMS behind POST /me/vehicles, by VIN: 'mine' (the signed-in user's phone: added), or the
   * error it answers; an unknown VIN is 404 VEHICLE_NOT_FOUND.
   */
  dms: Record<string, 'mine' | { status: number; code: string; message: string; details?: unknown }>
  fail?: (method: string, path: string) => { status: number; code: string; message: string } | undefined
}

const err = (status: number, code: string, message: string) => ok({ error: { code, message, requestId: 'r-test' } }, status)

export function installFakeGarage(over: Partial<FakeGarage> = {}): FakeGarage {
  const fake: FakeGarage = {
    calls: [],
    vehicles: [vehicle()],
    bookings: [],
    messages: [
      { id: 'm1', kind: 'service_due', title: '保养提醒', body: '您的远山 S5 预计 2026-12-20 前后需要保养，请提前预约服务中心。', vehicleId: 'a'.repeat(24), orderNo: null, createdAt: '2026-11-28T02:00:00.000Z', read: false },
      { id: 'm2', kind: 'campaign', title: '冬季检测', body: '免费冬季电池检测', vehicleId: null, orderNo: null, createdAt: '2026-11-27T02:00:00.000Z', read: true },
    ],
    campaigns: [],
    deadLetters: [{ jobId: 'campaign-x-u1', name: 'send', kind: 'campaign', userId: 'u1', campaignId: 'c1', vehicleId: null, attempts: 3, reason: 'errcode 45009', failedAt: '2026-11-28T03:00:00.000Z' }],
    roles: ['buyer'],
    polls: 0,
    dms: {},
    ...over,
  }
  let seq = 0
  taroMock.request.mockImplementation(async (opts: any) => {
    const url = new URL(opts.url)
    const method = opts.method ?? 'GET'
    const path = url.pathname
    fake.calls.push({ method, path, query: url.searchParams, data: opts.data, header: opts.header ?? {} })
    const f = fake.fail?.(method, path)
    if (f) return err(f.status, f.code, f.message)
    let m: RegExpMatchArray | null
    if (method === 'GET' && path === '/api/v1/me') return ok({ id: 'u1', roles: fake.roles, phone: '138****1234', realName: null, idCardNo: null, driverLicenceNo: null, channels: ['sms'], createdAt: null })
    if (method === 'GET' && path === '/api/v1/me/vehicles') return ok({ items: fake.vehicles })
    if (method === 'GET' && (m = path.match(/^\/api\/v1\/me\/vehicles\/(\w+)$/))) {
      const v = fake.vehicles.find((x) => x.id === m![1])
      return v ? ok(v) : err(404, 'NOT_FOUND', '车辆不存在')
    }
    if (method === 'POST' && path === '/api/v1/me/vehicles') {
      if (!/^[A-Za-z0-9_-]{8,64}$/.test(opts.header?.['Idempotency-Key'] ?? '')) return err(400, 'IDEMPOTENCY_KEY_REQUIRED', '缺少 Idempotency-Key')
      const known = fake.dms[opts.data.vin]
      if (!known) return err(404, 'VEHICLE_NOT_FOUND', '未查询到该车架号的销售记录：请对照行驶证核对车架号')
      if (known !== 'mine') return ok({ error: { ...known, requestId: 'r-test' } }, known.status)
      const existing = fake.vehicles.find((v) => v.vin === opts.data.vin)
      if (existing) return ok(existing, 201)
      const car = vehicle({ id: 'c'.repeat(24), vin: opts.data.vin, modelName: '远山 X4', source: 'dms_claim', plate: opts.data.plate ?? null, colourName: '熔岩橙', dealerName: '远山汽车 上海浦东授权经销商' })
      fake.vehicles.push(car)
      return ok(car, 201)
    }
    if (method === 'GET' && path === '/api/v1/sites') return ok({ items: CENTRES })
    if (method === 'GET' && (m = path.match(/^\/api\/v1\/sites\/([^/]+)\/slots$/))) {
      const site = CENTRES.find((c) => c.code === m![1])!
      const date = url.searchParams.get('date') ?? formatDateCN(Date.now())
      const tomorrow = slotDate()
      // Today is over: no slots; tomorrow and the day after are open.
      return ok({ site, date, slots: date === tomorrow || date === addDays(tomorrow, 1) ? slotsOn(date) : [], dates: [tomorrow, addDays(tomorrow, 1)] })
    }
    if (method === 'POST' && path === '/api/v1/me/service-bookings') {
      const key = opts.header?.['Idempotency-Key']
      const site = CENTRES.find((c) => c.code === opts.data.siteCode)!
      const b: ServiceBooking = {
        id: `b${++seq}`, status: 'booked', site: { code: site.code, name: site.name, city: site.city, address: site.address, phone: site.phone },
        vehicle: { id: opts.data.vehicleId, modelName: '远山 S5', vin: 'LYS5A1234567890AB' }, slotStart: opts.data.slotStart, slotEnd: new Date(Date.parse(opts.data.slotStart) + 3_600_000).toISOString(),
        slotLabel: '12月1日 周二 11:00–12:00', note: opts.data.note ?? null, createdAt: new Date().toISOString(), cancelledAt: null, cancellable: true,
      }
      ;(b as any).key = key
      fake.bookings.unshift(b)
      return ok(b, 201)
    }
    if (method === 'GET' && path === '/api/v1/me/service-bookings') return ok({ items: fake.bookings })
    if (method === 'POST' && (m = path.match(/^\/api\/v1\/me\/service-bookings\/([^/]+)\/cancel$/))) {
      const b = fake.bookings.find((x) => x.id === m![1])
      if (!b) return err(404, 'NOT_FOUND', '预约不存在')
      Object.assign(b, { status: 'cancelled', cancellable: false, cancelledAt: new Date().toISOString() })
      return ok(b)
    }
    if (method === 'GET' && path === '/api/v1/me/messages') {
      return ok({ items: fake.messages, total: fake.messages.length, unread: fake.messages.filter((x) => !x.read).length, page: 1, pageSize: 20 })
    }
    if (method === 'POST' && (m = path.match(/^\/api\/v1\/me\/messages\/([^/]+)\/read$/))) {
      const msg = fake.messages.find((x) => x.id === m![1])
      if (!msg) return err(404, 'NOT_FOUND', '消息不存在')
      msg.read = true
      return ok(null, 204)
    }
    if (method === 'GET' && path === '/api/v1/me/subscriptions')
      return ok({
        templates: [
          { templateId: TEMPLATE, name: '车辆保养提醒', topic: 'maintenance', remaining: 0 },
          { templateId: BOOKING_TEMPLATE, name: '预约结果通知', topic: 'booking', remaining: 0 },
          { templateId: BOOKING_REMINDER_TEMPLATE, name: '预约提醒', topic: 'booking_reminder', remaining: 0 },
        ],
      })
    if (method === 'POST' && path === '/api/v1/me/subscriptions') {
      return ok({ templates: (opts.data.templateIds as string[]).map((templateId) => ({ templateId, remaining: opts.data.results[templateId] === 'accept' ? 1 : 0 })) })
    }
    if (method === 'GET' && path === '/api/v1/catalog/models') return ok(paged([model({ code: 'yuanshan-s5', name: '远山 S5' }), model({ id: 'm2', code: 'yuanshan-x7', name: '远山 X7' })]))
    if (method === 'POST' && path === '/api/v1/admin/campaigns/preview') {
      return ok({ vehicles: 12, owners: 10, sample: [{ vin: 'LYS**********1234', modelName: '远山 S5', serviceDueDate: '2026-12-20', batterySohPct: 91.5 }], inApp: opts.data.message, wechat: { templateId: TEMPLATE, page: 'packages/garage/pages/messages', data: {} } })
    }
    if (method === 'POST' && path === '/api/v1/admin/campaigns') {
      const key = opts.header?.['Idempotency-Key']
      const existing = fake.campaigns.find((c) => (c as any).key === key)
      if (existing) return ok({ ...existing }, 202)
      const c: Campaign = { id: `c${String(++seq).padStart(23, '0')}`, name: opts.data.name, segment: opts.data.segment, message: opts.data.message, status: 'building', pausedUntil: null, createdBy: 'u1', createdAt: new Date().toISOString(), counts: { targeted: null, queued: null, sent: 0, noOptIn: 0, failed: 0 } }
      ;(c as any).key = key
      fake.campaigns.unshift(c)
      return ok({ ...c }, 202)
    }
    if (method === 'GET' && path === '/api/v1/admin/campaigns') return ok({ items: fake.campaigns })
    if (method === 'GET' && (m = path.match(/^\/api\/v1\/admin\/campaigns\/(\w+)$/))) {
      const c = fake.campaigns.find((x) => x.id === m![1])
      if (!c) return err(404, 'NOT_FOUND', '推送活动不存在')
      // Each poll moves it on: building → sending (half) → done.
      fake.polls++
      if (c.status === 'building') Object.assign(c, { status: 'sending', counts: { targeted: 10, queued: 10, sent: 0, noOptIn: 0, failed: 0 } })
      else if (c.status === 'sending' && c.counts.sent === 0) c.counts = { targeted: 10, queued: 5, sent: 3, noOptIn: 2, failed: 0 }
      else if (c.status === 'sending') Object.assign(c, { status: 'done', counts: { targeted: 10, queued: 0, sent: 6, noOptIn: 3, failed: 1 } })
      return ok({ ...c, counts: { ...c.counts } }) // a fresh object per answer, as over HTTP
    }
    if (method === 'GET' && path === '/api/v1/admin/reminders/dead-letters') return ok({ total: fake.deadLetters.length, items: fake.deadLetters })
    if (method === 'POST' && (m = path.match(/^\/api\/v1\/admin\/reminders\/dead-letters\/([^/]+)\/retry$/))) {
      fake.deadLetters = fake.deadLetters.filter((d) => d.jobId !== decodeURIComponent(m![1]))
      return ok({ jobId: m[1], state: 'waiting' }, 202)
    }
    if (method === 'GET' && path === '/api/v1/admin/service-bookings') {
      const code = url.searchParams.get('siteCode') ?? CENTRES[0].code
      const site = CENTRES.find((c) => c.code === code)!
      return ok({ site, date: url.searchParams.get('date'), assignedSite: null, items: fake.bookings.filter((b) => b.site.code === code).map((b) => ({ ...b, owner: { phone: '138****1234', realName: '张*' } })) })
    }
    return err(404, 'NOT_FOUND', `no fake for ${method} ${path}`)
  })
  return fake
}

export const callsTo = (fake: FakeGarage, method: string, path: string | RegExp) =>
  fake.calls.filter((c) => c.method === method && (typeof path === 'string' ? c.path === path : path.test(c.path)))
