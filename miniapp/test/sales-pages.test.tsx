import { describe, expect, it } from 'vitest'
import { act, fireEvent, render, waitFor } from '@testing-library/react'
import { bookingReminderPromiseCN, formatDateCN } from '@carmall/shared-types'
import { TOKEN_KEY } from '../src/api/client'
import MyTestDrivesPage from '../src/packages/sales/pages/my-test-drives'
import TestDrivePage, { bookableDates } from '../src/packages/sales/pages/test-drive'
import WorkspacePage from '../src/packages/sales/pages/workspace'
import { dayLabel } from '../src/packages/sales/lib'
import { SalesEntries } from '../src/components/SalesEntries'
import MyConfigsPage from '../src/pages/my-configs/index'
import { ok } from './fixtures'
import { VISITOR_ID_KEY, fetchRoles, resetRolesCache } from '../src/state/shareVisits'
import { STORES, callsTo, installFakeAdvisors, lead, shareOf, slotsOn } from './fake-advisors'
import { routerParams, taroMock } from './taro-mock'

const $ = (c: HTMLElement, sel: string) => c.querySelector<HTMLElement>(sel)
const $$ = (c: HTMLElement, sel: string) => Array.from(c.querySelectorAll<HTMLElement>(sel))
const type = (c: HTMLElement, sel: string, value: string) => {
  const input = c.querySelector<HTMLInputElement>(`${sel} input, input${sel}`)!
  fireEvent.input(input, { target: { value } })
}

async function openBooking(signedIn = true) {
  if (signedIn) taroMock.setStorageSync(TOKEN_KEY, 'tok-buyer')
  routerParams.model = 'yuanshan-s5'
  const fake = installFakeAdvisors()
  const { container: c } = render(<TestDrivePage />)
  await waitFor(() => expect($$(c, '.slot').length).toBeGreaterThan(0))
  return { fake, c }
}

describe('test-drive booking', () => {
  it('bookable days are Shanghai dates from today, labelled 今天/明天/date with weekday', () => {
    // 2026-11-28 20:00 UTC is already 11-29 in Shanghai.
    const days = bookableDates(Date.parse('2026-11-28T20:00:00Z'), 3)
    expect(days).toEqual(['2026-11-29', '2026-11-30', '2026-12-01'])
    expect(days.map(dayLabel)).toEqual(['今天', '明天', '12月1日 周二'])
  })

  it('picks a city, a store, a day and a free hour (full ones disabled), then books with an Idempotency-Key', async () => {
    const { fake, c } = await openBooking()
    await waitFor(() => expect($(c, '.test-drive-page__model')!.textContent).toBe('远山 S5'))
    expect($$(c, '.test-drive-city').map((e) => e.textContent)).toEqual(['上海', '北京'])
    expect($$(c, '.store-item').map((e) => e.dataset.code)).toEqual(['SH-JINGAN', 'SH-PUDONG'])
    expect($(c, '.store-item__hours')!.textContent).toBe('周一至周日 10:00–17:00 · 电话 021-62888888')
    fireEvent.click($$(c, '.test-drive-city')[1])
    await waitFor(() => expect($$(c, '.store-item').map((e) => e.dataset.code)).toEqual(['BJ-CHAOYANG']))
    const today = formatDateCN(Date.now())
    await waitFor(() => expect(callsTo(fake, 'GET', '/api/v1/stores/BJ-CHAOYANG/test-drive-slots')).toHaveLength(1))
    expect(callsTo(fake, 'GET', '/api/v1/stores/BJ-CHAOYANG/test-drive-slots')[0].query.get('date')).toBe(today)

    // Another day: slots asked for that date.
    const tomorrow = $$(c, '.test-drive-date')[1]
    fireEvent.click(tomorrow)
    await waitFor(() => expect(callsTo(fake, 'GET', '/api/v1/stores/BJ-CHAOYANG/test-drive-slots').at(-1)!.query.get('date')).toBe(tomorrow.dataset.date))
    await waitFor(() => expect($$(c, '.slot')).toHaveLength(7))

    // The full 11:00 slot cannot be picked.
    const slots = slotsOn(tomorrow.dataset.date!)
    const full = $(c, `.slot[data-start="${slots[1].start}"]`)!
    expect(full.dataset.available).toBe('false')
    expect(full.className).toContain('slot--full')
    expect(full.textContent).toContain('已约满')
    fireEvent.click(full)
    expect(full.className).not.toContain('chip--on')

    fireEvent.click($(c, `.slot[data-start="${slots[0].start}"]`)!)
    fireEvent.click($(c, '.test-drive-submit')!)
    expect($(c, '.test-drive-notice')!.textContent).toBe('请填写联系人')
    type(c, '.test-drive-name', '张三')
    fireEvent.click($(c, '.test-drive-submit')!)
    await waitFor(() => expect($(c, '.test-drive-done')).toBeTruthy())

    const [booking] = callsTo(fake, 'POST', '/api/v1/test-drives')
    expect(booking.data).toEqual({ storeCode: 'BJ-CHAOYANG', slotStart: slots[0].start, modelCode: 'yuanshan-s5', contactName: '张三', visitorId: taroMock.getStorageSync(VISITOR_ID_KEY) })
    expect(booking.headers['Idempotency-Key']).toMatch(/^[A-Za-z0-9_-]{8,64}$/)
    expect($(c, '.test-drive-done')!.textContent).toContain('预约成功')
    expect($(c, '.test-drive-done')!.textContent).toContain('138****1234')
    // The reminders to come; on H5 nothing is asked of WeChat (in-app messages only).
    expect($(c, '.test-drive-done__reminders')!.textContent).toBe(bookingReminderPromiseCN(slots[0].start, Date.now()))
    expect($(c, '.test-drive-done__channel')!.textContent).toBe('提醒将发送到「消息中心」')
    expect($(c, '.test-drive-done__bring')!.textContent).toContain('请携带驾驶证原件')
    expect(taroMock.requestSubscribeMessage).not.toHaveBeenCalled()
    expect(callsTo(fake, 'GET', '/api/v1/me/subscriptions')).toHaveLength(0)
    fireEvent.click($(c, '.test-drive-done__mine')!)
    expect(taroMock.redirectTo).toHaveBeenCalledWith({ url: '/packages/sales/pages/my-test-drives' })
  })

  it("a slow answer for the day tapped before does not replace the day tapped last", async () => {
    taroMock.setStorageSync(TOKEN_KEY, 'tok-buyer')
    routerParams.model = 'yuanshan-s5'
    const fake = installFakeAdvisors()
    let release!: () => void
    const today = formatDateCN(Date.now())
    fake.slotsHold.set(today, new Promise<void>((r) => (release = r)))
    const { container: c } = render(<TestDrivePage />)
    await waitFor(() => expect(callsTo(fake, 'GET', /test-drive-slots$/)).toHaveLength(1))
    const todayAnswer = taroMock.request.mock.results[taroMock.request.mock.calls.findIndex(([o]: any) => String(o.url).includes('test-drive-slots'))].value
    const tomorrow = $$(c, '.test-drive-date')[1]
    fireEvent.click(tomorrow)
    await waitFor(() => expect($(c, '.test-drive-slots')?.dataset.date).toBe(tomorrow.dataset.date))
    // Today's answer arrives last; once the page has had it (a task later), the list is still tomorrow's.
    release()
    await todayAnswer
    await act(async () => new Promise((r) => setTimeout(r, 0)))
    expect($(c, '.test-drive-slots')!.dataset.date).toBe(tomorrow.dataset.date)
    expect($$(c, '.slot').map((s) => s.dataset.start)).toEqual(slotsOn(tomorrow.dataset.date!).map((s) => s.start))
  })

  it('a slot taken meanwhile (409 SLOT_UNAVAILABLE) says so and reloads the slots', async () => {
    const { fake, c } = await openBooking()
    const free = $$(c, '.slot').find((s) => s.dataset.available === 'true')!
    fake.taken.add(free.dataset.start!)
    fireEvent.click(free)
    type(c, '.test-drive-name', '李四')
    const before = callsTo(fake, 'GET', /test-drive-slots$/).length
    fireEvent.click($(c, '.test-drive-submit')!)
    await waitFor(() => expect($(c, '.test-drive-notice')!.textContent).toBe('该时段刚刚约满，请选择其他时间'))
    await waitFor(() => expect(callsTo(fake, 'GET', /test-drive-slots$/).length).toBe(before + 1))
    await waitFor(() => expect($(c, `.slot[data-start="${free.dataset.start}"]`)!.dataset.available).toBe('false'))
    // Another hour is another attempt: a new Idempotency-Key.
    fireEvent.click($$(c, '.slot').find((s) => s.dataset.available === 'true')!)
    fireEvent.click($(c, '.test-drive-submit')!)
    await waitFor(() => expect($(c, '.test-drive-done')).toBeTruthy())
    const [first, second] = callsTo(fake, 'POST', '/api/v1/test-drives')
    expect(second.headers['Idempotency-Key']).not.toBe(first.headers['Idempotency-Key'])
  })

  it('a retried attempt keeps its Idempotency-Key, so a lost answer never books twice', async () => {
    const { fake, c } = await openBooking()
    // The first booking request gets no answer (timeout): the buyer taps again.
    const real = taroMock.request.getMockImplementation()!
    let dropped = false
    taroMock.request.mockImplementation(async (opts: any) => {
      const res = await real(opts)
      if (!dropped && opts.url.endsWith('/api/v1/test-drives')) {
        dropped = true
        throw { errMsg: 'request:fail timeout' }
      }
      return res
    })
    const free = () => $$(c, '.slot').filter((s) => s.dataset.available === 'true')
    fireEvent.click(free()[0])
    type(c, '.test-drive-name', '王五')
    fireEvent.click($(c, '.test-drive-submit')!)
    await waitFor(() => expect($(c, '.test-drive-notice')!.textContent).toBe('网络异常，请检查网络后重试'))
    fireEvent.click($(c, '.test-drive-submit')!)
    await waitFor(() => expect(callsTo(fake, 'POST', '/api/v1/test-drives')).toHaveLength(2))
    const [a, b] = callsTo(fake, 'POST', '/api/v1/test-drives')
    expect(b.headers['Idempotency-Key']).toBe(a.headers['Idempotency-Key'])
    // The first call had booked it: the retry gets that booking back, not a second one.
    await waitFor(() => expect($(c, '.test-drive-done')).toBeTruthy())
    expect(fake.testDrives).toHaveLength(1)
  })

  it('signed out: the login panel is shown and booking waits for it', async () => {
    const { fake, c } = await openBooking(false)
    expect($(c, '.me-login')).toBeTruthy()
    expect($(c, '.sms-form')).toBeTruthy() // H5 signs in by SMS
    fireEvent.click($(c, '.test-drive-submit')!)
    expect(callsTo(fake, 'POST', '/api/v1/test-drives')).toHaveLength(0)
  })
})

describe('我的试驾', () => {
  it('lists my bookings and cancels one after confirming', async () => {
    taroMock.setStorageSync(TOKEN_KEY, 'tok-buyer')
    const fake = installFakeAdvisors()
    fake.testDrives.push({
      id: '65b000000000000000000009', status: 'booked', store: STORES[0],
      modelCode: 'yuanshan-s5', modelName: '远山 S5', slotStart: '2026-11-30T02:00:00.000Z', slotEnd: '2026-11-30T03:00:00.000Z',
      slotLabel: '11月30日 周一 10:00–11:00', contactName: '张*', phone: '138****1234', createdAt: '2026-11-28T04:00:00.000Z',
    })
    const { container: c } = render(<MyTestDrivesPage />)
    await waitFor(() => expect($$(c, '.test-drive-item')).toHaveLength(1))
    expect($(c, '.test-drive-item__slot')!.textContent).toBe('11月30日 周一 10:00–11:00')
    expect($(c, '.tag')!.textContent).toBe('已预约')
    fireEvent.click($(c, '.test-drive-item__cancel')!)
    await waitFor(() => expect($(c, '.test-drive-item')!.dataset.status).toBe('cancelled'))
    expect(taroMock.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '取消试驾' }))
    expect(callsTo(fake, 'POST', '/api/v1/me/test-drives/65b000000000000000000009/cancel')).toHaveLength(1)
    expect($(c, '.test-drive-item__cancel')).toBeNull()
  })

  it('signed out: asks to log in, without calling the BFF', async () => {
    const fake = installFakeAdvisors()
    const { container: c } = render(<MyTestDrivesPage />)
    await waitFor(() => expect(c.textContent).toContain('请先在「我的」登录后查看试驾预约'))
    expect(fake.calls).toHaveLength(0)
  })
})

describe('顾问工作台', () => {
  it('a buyer (403 from the BFF) sees a clear 无权限 state', async () => {
    taroMock.setStorageSync(TOKEN_KEY, 'tok-buyer')
    const fake = installFakeAdvisors()
    fake.workspace = 'forbidden'
    const { container: c } = render(<WorkspacePage />)
    await waitFor(() => expect($(c, '.workspace-forbidden')).toBeTruthy())
    expect(c.textContent).toContain('无权限：顾问工作台仅对销售顾问开放')
    expect($(c, '.share-item')).toBeNull()
  })

  it('shows my shares with visits/leads/orders and my leads masked; a follow-up records status and note', async () => {
    taroMock.setStorageSync(TOKEN_KEY, 'tok-adv')
    const fake = installFakeAdvisors()
    fake.workspace = {
      shares: [{ ...shareOf('Cfg22221'), modelName: '远山 S5', stats: { visits: 3, visitors: 2, leads: 1, orders: 0 } }],
      leads: [lead(), lead({ id: '65a000000000000000000002', status: 'lost', customer: { name: null, phone: null, wechatId: null }, testDrive: null, kind: 'finance_quote', financeQuote: { priceFen: 25_980_000, monthlyPaymentFen: 456_700, termMonths: 36, productId: 'p1' } })],
    }
    const { container: c } = render(<WorkspacePage />)
    await waitFor(() => expect($(c, '.share-item')).toBeTruthy())
    expect([$(c, '.share-item__visits'), $(c, '.share-item__visitors'), $(c, '.share-item__leads'), $(c, '.share-item__orders')].map((e) => e!.textContent)).toEqual(['3', '2', '1', '0'])
    expect($(c, '.workspace__tab-leads')!.textContent).toBe('我的线索（2）')

    fireEvent.click($(c, '.workspace__tab-leads')!)
    const first = () => $(c, '.lead-item[data-id="65a000000000000000000001"]')!
    expect(first().querySelector('.lead-item__customer')!.textContent).toBe('客户 张* · 138****1234')
    expect(first().querySelector('.lead-item__slot')!.textContent).toBe('试驾时间 11月30日 周一 10:00–11:00')
    expect(first().querySelector('.lead-item__status')!.textContent).toBe('新线索')
    const lost = $(c, '.lead-item[data-id="65a000000000000000000002"]')!
    expect(lost.textContent).toContain('¥259,800 · 月供 ¥4,567 × 36 期')
    expect(lost.querySelector('.lead-item__to--contacted')).toBeNull() // lost: no more follow-up
    // No unmasked phone anywhere on the page.
    expect(c.textContent).not.toMatch(/1[3-9]\d{9}/)

    type(first(), '.lead-item__note', '已电话联系，周一到店')
    fireEvent.click(first().querySelector('.lead-item__to--contacted')!)
    await waitFor(() => expect(first().dataset.status).toBe('contacted'))
    expect(callsTo(fake, 'POST', '/api/v1/advisor/leads/65a000000000000000000001/status')[0].data).toEqual({ status: 'contacted', note: '已电话联系，周一到店' })
    expect(first().textContent).toContain('最近跟进：已电话联系，周一到店')
  })

  it('我的 shows 我的试驾 when signed in and 顾问工作台 only to advisors', async () => {
    resetRolesCache()
    taroMock.setStorageSync(TOKEN_KEY, 'tok-buyer')
    const fake = installFakeAdvisors()
    const buyer = render(<SalesEntries loggedIn />)
    await waitFor(() => expect(callsTo(fake, 'GET', '/api/v1/auth/me')).toHaveLength(1))
    expect($(buyer.container, '.me-entry--test-drives')).toBeTruthy()
    expect($(buyer.container, '.me-entry--advisor')).toBeNull()
    buyer.unmount()

    resetRolesCache()
    taroMock.setStorageSync(TOKEN_KEY, 'tok-adv')
    fake.roles = ['advisor']
    const adv = render(<SalesEntries loggedIn />)
    await waitFor(() => expect($(adv.container, '.me-entry--advisor')).toBeTruthy())
    fireEvent.click($(adv.container, '.me-entry--advisor')!)
    expect(taroMock.navigateTo).toHaveBeenLastCalledWith({ url: '/packages/sales/pages/workspace' })

    const out = render(<SalesEntries loggedIn={false} />)
    expect(out.container.textContent).toBe('')
  })

  it('我的配置: an advisor (roles known from 我的) gets 分享 per row, opening it with the share panel; no extra request', async () => {
    for (const [roles, expected] of [[['buyer'], 0], [['buyer', 'advisor'], 1]] as const) {
      resetRolesCache()
      taroMock.setStorageSync(TOKEN_KEY, `tok-${roles.length}`)
      const fake = installFakeAdvisors()
      fake.roles = [...roles]
      await fetchRoles() // what 我的 did before
      const row = { shortId: 'Cfg22221', modelCode: 'yuanshan-s5', modelName: '远山 S5', trimCode: 't', trimName: '长续航版', config: { totalFen: 19_280_000 }, current: { valid: true, totalFen: 19_280_000, reason: null }, createdAt: '2026-11-20T04:00:00.000Z' }
      fake.bff.override = (method, path) => (method === 'GET' && path === '/api/v1/me/configurations' ? ok({ items: [row] }) : undefined)
      const before = fake.calls.length
      const { container: c, unmount } = render(<MyConfigsPage />)
      await waitFor(() => expect($(c, '.saved-item')).toBeTruthy())
      expect(c.querySelectorAll('.share-config-entry')).toHaveLength(expected)
      expect(fake.calls.length - before).toBe(1) // only the list
      if (expected) {
        fireEvent.click($(c, '.share-config-entry')!)
        expect(taroMock.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/model/index?saved=Cfg22221&share=1' })
      }
      unmount()
    }
  })
})
