/**
 * The advisors part of the BFF (shares, visits, stores, test drives, workspace) behind the
 * Taro.request spy, on top of fake-bff (catalog and saved configurations with the real lineup and
 * engine). It keeps what a test checks: every call with its headers, visits, bookings, leads.
 */
import type { AdvisorShare, Lead, Share, ShareCard, Store, TestDrive, TestDriveSlot } from '../src/api/advisors'
import { installFakeBff, lineupModel, resolveOrThrow, type FakeBff } from './fake-bff'
import { ok } from './fixtures'
import { taroMock } from './taro-mock'

export const SHARE_ID = 'AbCdEfGh2345'
export const BOOKING_TEMPLATE = 'tmpl-booking-1'
export const BOOKING_REMINDER_TEMPLATE = 'tmpl-booking-reminder-1'

export const STORES: Store[] = [
  { code: 'SH-JINGAN', name: '上海静安体验中心', city: '上海', address: '静安区南京西路 1000 号', phone: '021-62888888', hours: ['周一至周日 10:00–17:00'] },
  { code: 'SH-PUDONG', name: '上海浦东交付中心', city: '上海', address: '浦东新区世纪大道 88 号', phone: null, hours: ['周一至周日 10:00–17:00'] },
  { code: 'BJ-CHAOYANG', name: '北京朝阳体验中心', city: '北京', address: '朝阳区建国路 77 号', phone: null, hours: ['周一至周日 10:00–17:00'] },
]

/** 10:00–17:00 hourly (Shanghai) on `date`; the 11:00 slot is full. */
export function slotsOn(date: string): TestDriveSlot[] {
  return [10, 11, 12, 13, 14, 15, 16].map((h) => {
    const start = new Date(`${date}T${String(h).padStart(2, '0')}:00:00+08:00`).toISOString()
    const end = new Date(Date.parse(start) + 3_600_000).toISOString()
    return { start, end, label: `${h}:00–${h + 1}:00`, available: h !== 11 }
  })
}

/** A configuration share of 远山 S5 (first trim, default options) by 王顾问. */
export function configurationCard(over: Partial<ShareCard> = {}): ShareCard {
  const s5 = lineupModel('yuanshan-s5')
  const trim = s5.trims[0]
  const config = resolveOrThrow(s5, trim.code, [])
  return {
    shareId: SHARE_ID,
    kind: 'configuration',
    title: `王顾问为您推荐：${s5.name} ${trim.name}`,
    expiresAt: '2026-12-12T04:00:00.000Z',
    advisor: { displayName: '王顾问', wechatId: null },
    model: { code: s5.code, name: s5.name, tagline: s5.tagline, coverImage: `/media/models/${s5.code}.svg`, startingPriceFen: config.totalFen },
    configuration: { shortId: 'Cfg22221', trimCode: trim.code, trimName: trim.name, config, totalFen: config.totalFen, current: { valid: true, totalFen: config.totalFen, reason: null } },
    ...over,
  }
}

export function shareOf(configurationId: string, modelCode = 'yuanshan-s5'): Share {
  return {
    shareId: SHARE_ID,
    kind: 'configuration',
    modelCode,
    configurationId,
    path: `pages/share/index?s=${SHARE_ID}`,
    h5Url: `/#/pages/share/index?s=${SHARE_ID}`,
    title: '王顾问为您推荐：远山 S5',
    posterUrl: `/api/v1/shares/${SHARE_ID}/poster.png`,
    imageUrl: `/media/models/${modelCode}.svg`,
    expiresAt: '2026-12-12T04:00:00.000Z',
    createdAt: '2026-11-28T04:00:00.000Z',
  }
}

export function lead(over: Partial<Lead> = {}): Lead {
  return {
    id: '65a000000000000000000001',
    kind: 'test_drive',
    status: 'new',
    assignedToMe: true,
    advisorName: '王顾问',
    shareId: SHARE_ID,
    storeCode: 'SH-JINGAN',
    modelCode: 'yuanshan-s5',
    modelName: '远山 S5',
    customer: { name: '张*', phone: '138****1234', wechatId: null },
    testDrive: { id: '65b000000000000000000001', slotStart: '2026-11-30T02:00:00.000Z', slotLabel: '11月30日 周一 10:00–11:00', status: 'booked' },
    financeQuote: null,
    history: [{ status: 'new', note: '', at: '2026-11-28T04:00:00.000Z', byName: null }],
    createdAt: '2026-11-28T04:00:00.000Z',
    updatedAt: '2026-11-28T04:00:00.000Z',
    ...over,
  }
}

export interface Call {
  method: string
  path: string
  query: URLSearchParams
  data: any
  headers: Record<string, string>
}

export interface FakeAdvisors {
  bff: FakeBff
  calls: Call[]
  /** Roles `GET /auth/me` answers (signed in). */
  roles: string[]
  /** What `GET /shares/:id` answers: a card, or an error [status, code, message, details]. */
  card: ShareCard | [number, string, string, unknown?]
  testDrives: TestDrive[]
  /** Slot starts booked through the fake (answered SLOT_UNAVAILABLE when booked again). */
  taken: Set<string>
  /** Workspace answers: data, or 403 for a buyer. */
  workspace: { shares: AdvisorShare[]; leads: Lead[] } | 'forbidden'
  /** The advisor's card (GET/PUT /advisor/profile). */
  profile: { displayName: string; wechatId: string | null }
  /** WeChat IDs buyers left on cards (POST /shares/:id/contact), by share id. */
  contacts: Map<string, string>
  /** Dates whose slot answers wait for this promise (a slow network), to test out-of-order answers. */
  slotsHold: Map<string, Promise<void>>
  /** The advisor has no phone bound (POST /advisor/leads/:id/privacy-call answers ADVISOR_NO_PHONE). */
  advisorPhoneMissing?: boolean
}

const err = (status: number, code: string, message: string, details?: unknown) => ok({ error: { code, message, details, requestId: 'r-test' } }, status)

export function installFakeAdvisors(): FakeAdvisors {
  const bff = installFakeBff()
  const inner = taroMock.request.getMockImplementation()!
  const fake: FakeAdvisors = { bff, calls: [], roles: ['buyer'], card: configurationCard(), testDrives: [], taken: new Set(), workspace: { shares: [], leads: [] }, slotsHold: new Map(), profile: { displayName: '王顾问', wechatId: null }, contacts: new Map() }

  const byKey = new Map<string, TestDrive>()
  taroMock.request.mockImplementation(async (opts: any) => {
    const url = new URL(opts.url)
    const method = opts.method ?? 'GET'
    const path = url.pathname
    const headers = opts.header ?? {}
    fake.calls.push({ method, path, query: url.searchParams, data: opts.data, headers })
    const authed = typeof headers.Authorization === 'string'
    let m: RegExpMatchArray | null

    if (method === 'POST' && path === '/api/v1/auth/sms/login') {
      return ok({ token: 'tok-sms', refreshToken: 'ref-sms', expiresAt: '2026-11-28T05:00:00.000Z', user: { id: 'u-sms', roles: fake.roles, isNew: false } })
    }
    if (method === 'GET' && path === '/api/v1/auth/me') return authed ? ok({ id: 'u1', roles: fake.roles }) : err(401, 'UNAUTHORIZED', '请先登录')
    if (method === 'POST' && path === '/api/v1/shares') {
      if (!fake.roles.includes('advisor')) return err(403, 'FORBIDDEN', '无权限')
      return ok(shareOf(opts.data.configurationId), 201)
    }
    if (method === 'GET' && (m = path.match(/^\/api\/v1\/shares\/([^/]+)$/))) {
      if (Array.isArray(fake.card)) return err(...fake.card)
      return decodeURIComponent(m[1]) === fake.card.shareId ? ok(fake.card) : err(404, 'SHARE_NOT_FOUND', '分享不存在')
    }
    if (method === 'POST' && (m = path.match(/^\/api\/v1\/shares\/([^/]+)\/contact$/))) {
      if (!authed) return err(401, 'UNAUTHENTICATED', '请先登录')
      if (opts.data?.consent !== true || !/^[a-zA-Z][-_a-zA-Z0-9]{5,19}$/.test(opts.data?.wechatId ?? '')) return err(400, 'VALIDATION_FAILED', '请求内容不正确')
      const created = !fake.contacts.has(m[1])
      fake.contacts.set(m[1], opts.data.wechatId)
      return ok({ leadId: '65c000000000000000000001', advisorName: '王顾问', created }, created ? 201 : 200)
    }
    if (method === 'POST' && (m = path.match(/^\/api\/v1\/shares\/([^/]+)\/visits$/))) {
      return ok({ shareId: m[1], counted: true, bound: authed ? 1 : 0 })
    }
    if (method === 'GET' && path === '/api/v1/stores') return ok({ items: STORES })
    if (method === 'GET' && (m = path.match(/^\/api\/v1\/stores\/([^/]+)\/test-drive-slots$/))) {
      const store = STORES.find((s) => s.code === m![1])!
      const date = url.searchParams.get('date')!
      await fake.slotsHold.get(date)
      return ok({ store, date, slots: slotsOn(date).map((s) => (fake.taken.has(s.start) ? { ...s, available: false } : s)) })
    }
    if (method === 'POST' && path === '/api/v1/test-drives') {
      if (!authed) return err(401, 'UNAUTHORIZED', '请先登录')
      if (!headers['Idempotency-Key']) return err(400, 'IDEMPOTENCY_KEY_REQUIRED', '缺少幂等键')
      const replay = byKey.get(headers['Idempotency-Key'])
      if (replay) return ok(replay, 201) // same key (same body here): the same booking
      if (fake.taken.has(opts.data.slotStart)) return err(409, 'SLOT_UNAVAILABLE', '该时段已约满')
      fake.taken.add(opts.data.slotStart)
      const store = STORES.find((s) => s.code === opts.data.storeCode)!
      const td: TestDrive = {
        id: `65b00000000000000000000${fake.testDrives.length + 1}`, status: 'booked', store, modelCode: opts.data.modelCode, modelName: '远山 S5',
        slotStart: opts.data.slotStart, slotEnd: opts.data.slotStart, slotLabel: '11月30日 周一 10:00–11:00', contactName: opts.data.contactName,
        phone: '138****1234', createdAt: '2026-11-28T04:00:00.000Z',
      }
      fake.testDrives.unshift(td)
      byKey.set(headers['Idempotency-Key'], td)
      return ok(td, 201)
    }
    if (method === 'GET' && path === '/api/v1/me/subscriptions') {
      if (!authed) return err(401, 'UNAUTHORIZED', '请先登录')
      return ok({
        templates: [
          { templateId: 'tmpl-maintenance-1', name: '车辆保养提醒', topic: 'maintenance', remaining: 0 },
          { templateId: BOOKING_TEMPLATE, name: '预约结果通知', topic: 'booking', remaining: 0 },
          { templateId: BOOKING_REMINDER_TEMPLATE, name: '预约提醒', topic: 'booking_reminder', remaining: 0 },
        ],
      })
    }
    if (method === 'POST' && path === '/api/v1/me/subscriptions') {
      if (!authed) return err(401, 'UNAUTHORIZED', '请先登录')
      return ok({ templates: (opts.data.templateIds as string[]).map((templateId) => ({ templateId, remaining: opts.data.results[templateId] === 'accept' ? 1 : 0 })) })
    }
    if (method === 'GET' && path === '/api/v1/me/test-drives') return ok({ items: fake.testDrives })
    if (method === 'POST' && (m = path.match(/^\/api\/v1\/me\/test-drives\/([^/]+)\/cancel$/))) {
      const td = fake.testDrives.find((t) => t.id === m![1])
      if (!td) return err(404, 'NOT_FOUND', '预约不存在')
      td.status = 'cancelled'
      return ok(td)
    }
    if (path.startsWith('/api/v1/advisor/')) {
      if (fake.workspace === 'forbidden') return err(403, 'FORBIDDEN', '无权限访问')
      if (method === 'GET' && path === '/api/v1/advisor/shares') return ok({ items: fake.workspace.shares })
      if (method === 'GET' && path === '/api/v1/advisor/leads') return ok({ items: fake.workspace.leads })
      if (method === 'GET' && path === '/api/v1/advisor/profile') return ok(fake.profile)
      if (method === 'PUT' && path === '/api/v1/advisor/profile') {
        if (opts.data.wechatId !== null && !/^[a-zA-Z][-_a-zA-Z0-9]{5,19}$/.test(opts.data.wechatId)) return err(400, 'VALIDATION_FAILED', '微信号格式不正确')
        fake.profile = { displayName: opts.data.displayName, wechatId: opts.data.wechatId }
        return ok(fake.profile)
      }
      if (method === 'POST' && (m = path.match(/^\/api\/v1\/advisor\/leads\/([^/]+)\/privacy-call$/))) {
        const l = fake.workspace.leads.find((x) => x.id === m![1])
        if (!l) return err(404, 'NOT_FOUND', '线索不存在')
        if (!l.customer.phone) return err(409, 'LEAD_NO_PHONE', '客户未留手机号，可通过微信联系')
        if (fake.advisorPhoneMissing) return err(409, 'ADVISOR_NO_PHONE', '请先在「我的」绑定您的手机号，隐私号会从该号码接通')
        return ok({ leadId: l.id, secretNo: '17000000001', expiresAt: '2026-11-28T07:00:00.000Z', reused: false })
      }
      if (method === 'POST' && (m = path.match(/^\/api\/v1\/advisor\/leads\/([^/]+)\/status$/))) {
        const l = fake.workspace.leads.find((x) => x.id === m![1])
        if (!l) return err(404, 'NOT_FOUND', '线索不存在')
        if (l.status === 'lost') return err(409, 'LEAD_STATE_INVALID', '已流失的线索不能再变更')
        l.status = opts.data.status
        l.history = [...l.history, { status: opts.data.status, note: opts.data.note, at: '2026-11-28T05:00:00.000Z', byName: '王顾问' }]
        return ok({ ...l })
      }
    }
    return inner(opts)
  })
  return fake
}

export const callsTo = (fake: FakeAdvisors, method: string, path: string | RegExp) =>
  fake.calls.filter((c) => c.method === method && (typeof path === 'string' ? c.path === path : path.test(c.path)))
