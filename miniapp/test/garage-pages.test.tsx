import { describe, expect, it } from 'vitest'
import { act, fireEvent, render, waitFor } from '@testing-library/react'
import { bookingReminderPromiseCN } from '@carmall/shared-types'
import { TOKEN_KEY } from '../src/api/client'
import GaragePage from '../src/packages/garage/pages/index'
import VehiclePage from '../src/packages/garage/pages/vehicle'
import BookServicePage from '../src/packages/garage/pages/book'
import MyServiceBookingsPage from '../src/packages/garage/pages/bookings'
import MessagesPage from '../src/packages/garage/pages/messages'
import { SubscribeReminder } from '../src/components/SubscribeReminder'
import { GarageEntries, badgeText } from '../src/components/GarageEntries'
import { dayLabel, km, odometerText } from '../src/packages/garage/lib'
import { CENTRES, TEMPLATE, callsTo, installFakeGarage, slotDate, slotsOn, vehicle } from './fake-garage'
import { routerParams, taroMock, triggerDidShow } from './taro-mock'

const $ = (c: HTMLElement, sel: string) => c.querySelector<HTMLElement>(sel)
const $$ = (c: HTMLElement, sel: string) => Array.from(c.querySelectorAll<HTMLElement>(sel))
const signIn = () => taroMock.setStorageSync(TOKEN_KEY, 'tok-owner')
const VID = 'a'.repeat(24)

describe('helpers', () => {
  it('formats km with separators and days relative to today', () => {
    expect(km(12345.4)).toBe('12,345 公里')
    // No report yet: no "0 km" beside an estimate of 12,400 km.
    expect(odometerText({ odometerKm: 0, lastReportAt: null })).toBe('里程暂无上报')
    expect(odometerText({ odometerKm: 12400, lastReportAt: '2026-11-28T00:00:00.000Z' })).toBe('里程 12,400 公里')
    expect(odometerText({ odometerKm: 30000, lastReportAt: null })).toBe('里程 30,000 公里（登记时）')
    expect(dayLabel('2026-11-28', '2026-11-28')).toBe('今天')
    expect(dayLabel('2026-11-29', '2026-11-28')).toBe('明天')
    expect(dayLabel('2026-12-01', '2026-11-28')).toBe('12月1日 周二')
  })
})

describe('我的车库', () => {
  it('lists my cars with the next service; tapping opens the car', async () => {
    signIn()
    installFakeGarage({ vehicles: [vehicle(), vehicle({ id: 'b'.repeat(24), modelName: '远山 X7', health: { ...vehicle().health, service: { ...vehicle().health.service, status: 'overdue', dueDate: '2026-11-01' } } })] })
    const { container: c } = render(<GaragePage />)
    await waitFor(() => expect($$(c, '.vehicle-item')).toHaveLength(2))
    expect($$(c, '.vehicle-item')[0].textContent).toContain('远山 S5')
    expect($$(c, '.vehicle-item')[0].textContent).toContain('里程 12,345 公里（登记时）')
    expect($$(c, '.vehicle-item')[0].textContent).toContain('即将到期')
    expect($$(c, '.vehicle-item')[1].textContent).toContain('已到期')
    expect($$(c, '.vehicle-item__service')[1].textContent).toBe('下次保养：约 2026-11-01')
    fireEvent.click($$(c, '.vehicle-item')[1])
    expect(taroMock.navigateTo).toHaveBeenCalledWith({ url: `/packages/garage/pages/vehicle?id=${'b'.repeat(24)}` })
  })

  it('asks to sign in, shows an empty garage, and an error with retry', async () => {
    installFakeGarage()
    const out = render(<GaragePage />)
    await waitFor(() => expect(out.container.textContent).toContain('请先在「我的」登录'))
    out.unmount()
    signIn()
    installFakeGarage({ vehicles: [] })
    const empty = render(<GaragePage />)
    await waitFor(() => expect(empty.container.textContent).toContain('还没有车辆'))
    empty.unmount()
    const fake = installFakeGarage({ fail: () => ({ status: 503, code: 'SERVICE_UNAVAILABLE', message: '服务暂不可用' }) })
    const failing = render(<GaragePage />)
    await waitFor(() => expect(failing.container.textContent).toContain('服务暂不可用'))
    fake.fail = undefined
    fireEvent.click($(failing.container, '.status-view__retry')!)
    await waitFor(() => expect($$(failing.container, '.vehicle-item')).toHaveLength(1))
  })
})

describe('vehicle detail', () => {
  it('shows next service, tyres and battery with their reasons, and 预约保养', async () => {
    signIn()
    routerParams.id = VID
    installFakeGarage()
    const { container: c } = render(<VehiclePage />)
    await waitFor(() => expect($(c, '.vehicle-page__model')?.textContent).toBe('远山 S5'))
    expect($(c, '.health--service')!.textContent).toContain('约 2026-12-20（22 天后）')
    expect($(c, '.health--service .health__reason')!.textContent).toBe('距首次保养已近 12 个月：约 2026-12-20 到期')
    expect($(c, '.health--tyres')!.textContent).toContain('胎纹约 6.4 mm · 磨损 22%')
    expect($(c, '.health--tyres .health__reason')!.textContent).toMatch(/^轮胎已行驶约/)
    expect($(c, '.health--battery')!.textContent).toContain('约 96.2%')
    expect($(c, '.health--battery .health__reason')!.textContent).toMatch(/^电池健康度约/)
    fireEvent.click($(c, '.vehicle-page__book')!)
    expect(taroMock.navigateTo).toHaveBeenCalledWith({ url: `/packages/garage/pages/book?vehicleId=${VID}` })
  })

  it('a petrol car has no battery card; an upcoming booking replaces the button', async () => {
    signIn()
    routerParams.id = VID
    const fake = installFakeGarage({ vehicles: [vehicle({ energyType: 'ice', health: { ...vehicle().health, battery: null } })] })
    fake.bookings.push({ id: 'b1', status: 'booked', site: { ...CENTRES[0], phone: null }, vehicle: { id: VID, modelName: '远山 S5', vin: 'x' }, slotStart: '', slotEnd: '', slotLabel: '12月1日 周二 09:00–10:00', note: null, createdAt: '', cancelledAt: null, cancellable: true })
    const { container: c } = render(<VehiclePage />)
    await waitFor(() => expect($(c, '.vehicle-page__upcoming')).not.toBeNull())
    expect($(c, '.health--battery')).toBeNull()
    expect($(c, '.vehicle-page__book')).toBeNull()
    expect($(c, '.vehicle-page__upcoming')!.textContent).toContain('12月1日 周二 09:00–10:00')
  })
})

describe('预约保养', () => {
  it('opened without a car: says there is none and offers 去选车 (no 「undefined」 booking); with one car it books that one', async () => {
    signIn()
    delete routerParams.vehicleId
    installFakeGarage({ vehicles: [] })
    const none = render(<BookServicePage />)
    await waitFor(() => expect($(none.container, '.book-page--no-vehicle')).toBeTruthy())
    expect(none.container.textContent).toContain('您名下还没有车辆')
    expect(none.container.textContent).not.toContain('undefined')
    fireEvent.click($(none.container, '.book-page__to-models')!)
    expect(taroMock.switchTab).toHaveBeenCalledWith({ url: '/pages/models/index' })
    none.unmount()

    installFakeGarage()
    const one = render(<BookServicePage />)
    await waitFor(() => expect($(one.container, '.book-page__vehicle')?.textContent).toBe('远山 S5'))
    await waitFor(() => expect($$(one.container, '.slot').length).toBeGreaterThan(0))
    one.unmount()

    installFakeGarage({ vehicles: [vehicle(), vehicle({ id: 'b'.repeat(24), modelName: '长风 E7' })] })
    const two = render(<BookServicePage />)
    await waitFor(() => expect($$(two.container, '.book-page__pick-vehicle')).toHaveLength(2))
    fireEvent.click($$(two.container, '.book-page__pick-vehicle')[1])
    await waitFor(() => expect($(two.container, '.book-page__vehicle')?.textContent).toBe('长风 E7'))
  })

  it('opens on the first open day, full slots cannot be picked, books with one Idempotency-Key', async () => {
    signIn()
    routerParams.vehicleId = VID
    const fake = installFakeGarage()
    const { container: c } = render(<BookServicePage />)
    await waitFor(() => expect($$(c, '.slot')).toHaveLength(3))
    // Today had no slots: the page moved to tomorrow.
    expect(callsTo(fake, 'GET', '/api/v1/sites/SC-SH-MINHANG/slots').at(-1)!.query.get('date')).toBe(slotDate())
    expect($(c, '.book-date.chip--on')!.textContent).toBe('明天')
    expect($$(c, '.book-city').map((e) => e.textContent)).toEqual(['上海', '北京'])
    const slots = slotsOn(slotDate())
    const full = $(c, `.slot[data-start="${slots[1].start}"]`)!
    expect(full.dataset.available).toBe('false')
    expect(full.textContent).toContain('已约满')
    fireEvent.click(full)
    expect($(c, '.book-page__confirm')!.textContent).toBe('请选择时段') // the full slot was not picked
    fireEvent.click($(c, `.slot[data-start="${slots[2].start}"]`)!)
    expect($(c, '.book-page__confirm')!.textContent).toBe('预约 明天 11:00–12:00')
    fireEvent.click($(c, '.book-page__confirm')!)
    await waitFor(() => expect(callsTo(fake, 'POST', '/api/v1/me/service-bookings')).toHaveLength(1))
    const call = callsTo(fake, 'POST', '/api/v1/me/service-bookings')[0]
    expect(call.data).toEqual({ vehicleId: VID, siteCode: 'SC-SH-MINHANG', slotStart: slots[2].start, note: null })
    expect(call.header['Idempotency-Key']).toMatch(/^[A-Za-z0-9_-]{8,64}$/)
    // The success state: what, when, where, what to bring, and the reminders to come (H5 here: in-app, nothing asked of WeChat).
    await waitFor(() => expect($(c, '.book-page--done')).not.toBeNull())
    const done = $(c, '.book-page--done')!
    expect(done.textContent).toContain('预约成功')
    expect($(c, '.book-done__slot')!.textContent).toBe('12月1日 周二 11:00–12:00')
    expect(done.textContent).toContain('远山汽车 上海闵行服务中心 · 上海市闵行区沪闵路 6088 号')
    expect($(c, '.book-done__bring')!.textContent).toContain('请携带行驶证')
    expect($(c, '.book-done__reminders')!.textContent).toBe(bookingReminderPromiseCN(slots[2].start, Date.now()))
    expect($(c, '.book-done__channel')!.textContent).toBe('提醒将发送到「消息中心」')
    expect(taroMock.requestSubscribeMessage).not.toHaveBeenCalled()
    expect(callsTo(fake, 'POST', '/api/v1/me/subscriptions')).toHaveLength(0)
    fireEvent.click($(c, '.book-done__mine')!)
    expect(taroMock.redirectTo).toHaveBeenCalledWith({ url: '/packages/garage/pages/bookings' })
  })

  it('another city lists its centres; SLOT_FULL refreshes the slots and shows why', async () => {
    signIn()
    routerParams.vehicleId = VID
    const fake = installFakeGarage()
    const { container: c } = render(<BookServicePage />)
    await waitFor(() => expect($$(c, '.slot')).toHaveLength(3))
    fireEvent.click($$(c, '.book-city')[1])
    await waitFor(() => expect($$(c, '.centre-item').map((e) => e.dataset.code)).toEqual(['SC-BJ-YIZHUANG']))
    await waitFor(() => expect(callsTo(fake, 'GET', '/api/v1/sites/SC-BJ-YIZHUANG/slots').length).toBeGreaterThan(0))
    await waitFor(() => expect($$(c, '.slot')).toHaveLength(3))
    fake.fail = (m, p) => (m === 'POST' && p === '/api/v1/me/service-bookings' ? { status: 409, code: 'SLOT_FULL', message: '该时段已约满，请选择其他时段' } : undefined)
    fireEvent.click($$(c, '.slot')[0])
    const before = callsTo(fake, 'GET', '/api/v1/sites/SC-BJ-YIZHUANG/slots').length
    fireEvent.click($(c, '.book-page__confirm')!)
    await waitFor(() => expect(taroMock.showToast).toHaveBeenCalledWith({ title: '该时段已约满，请选择其他时段', icon: 'none' }))
    await waitFor(() => expect(callsTo(fake, 'GET', '/api/v1/sites/SC-BJ-YIZHUANG/slots').length).toBe(before + 1))
    expect(taroMock.redirectTo).not.toHaveBeenCalled()
  })
})

describe('我的保养预约', () => {
  it('lists bookings and cancels an upcoming one after confirming', async () => {
    signIn()
    const fake = installFakeGarage()
    fake.bookings.push({ id: 'b9', status: 'booked', site: { ...CENTRES[0], phone: null }, vehicle: { id: VID, modelName: '远山 S5', vin: 'x' }, slotStart: '', slotEnd: '', slotLabel: '12月1日 周二 09:00–10:00', note: '换雨刮', createdAt: '', cancelledAt: null, cancellable: true })
    const { container: c } = render(<MyServiceBookingsPage />)
    await waitFor(() => expect($$(c, '.service-booking')).toHaveLength(1))
    expect($(c, '.service-booking')!.textContent).toContain('备注：换雨刮')
    fireEvent.click($(c, '.service-booking__cancel')!)
    await waitFor(() => expect($(c, '.service-booking')!.dataset.status).toBe('cancelled'))
    expect(callsTo(fake, 'POST', '/api/v1/me/service-bookings/b9/cancel')).toHaveLength(1)
    expect($(c, '.service-booking__cancel')).toBeNull()
  })
})

describe('消息中心', () => {
  it('shows unread first-class, marks a message read on tap, links to the car', async () => {
    signIn()
    const fake = installFakeGarage()
    const { container: c } = render(<MessagesPage />)
    await waitFor(() => expect($$(c, '.message-item')).toHaveLength(2))
    expect($(c, '.messages-page__count')!.textContent).toBe('1 条未读')
    expect($$(c, '.message-item').map((e) => e.dataset.read)).toEqual(['false', 'true'])
    fireEvent.click($$(c, '.message-item')[0])
    await waitFor(() => expect(callsTo(fake, 'POST', '/api/v1/me/messages/m1/read')).toHaveLength(1))
    expect($(c, '.messages-page__count')!.textContent).toBe('全部已读')
    expect($$(c, '.message-item')[0].dataset.read).toBe('true')
    fireEvent.click($(c, '.message-item__link')!)
    expect(taroMock.navigateTo).toHaveBeenCalledWith({ url: `/packages/garage/pages/vehicle?id=${VID}` })
    // An already-read message is not marked again.
    fireEvent.click($$(c, '.message-item')[1])
    expect(callsTo(fake, 'POST', /\/read$/)).toHaveLength(1)
  })

  it('on H5/Alipay explains the in-app message centre instead of subscribing', async () => {
    signIn()
    installFakeGarage()
    const { container: c } = render(<MessagesPage />)
    await waitFor(() => expect($(c, '.subscribe-reminder--inapp')).not.toBeNull())
    expect($(c, '.subscribe-reminder')!.textContent).toContain('消息中心')
    expect($(c, '.subscribe-reminder__btn')).toBeNull()
  })
})

describe('订阅提醒 (weapp)', () => {
  it('asks WeChat on the tap with the BFF’s template, then records the result', async () => {
    signIn()
    const fake = installFakeGarage()
    const { container: c } = render(<SubscribeReminder canSubscribe />)
    await waitFor(() => expect(($(c, '.subscribe-reminder__btn') as HTMLElement).dataset.ready).toBe('true'))
    const before = fake.calls.length
    fireEvent.click($(c, '.subscribe-reminder__btn')!)
    // Real WeChat opens the dialog only if it is asked synchronously inside the tap handler:
    // it must have been called already, with no request (nothing awaited) before it.
    expect(taroMock.requestSubscribeMessage).toHaveBeenCalledWith({ tmplIds: [TEMPLATE] })
    expect(fake.calls.length).toBe(before)
    await waitFor(() => expect(callsTo(fake, 'POST', '/api/v1/me/subscriptions')).toHaveLength(1))
    const body = callsTo(fake, 'POST', '/api/v1/me/subscriptions')[0].data
    expect(body.templateIds).toEqual([TEMPLATE])
    expect(body.results).toEqual({ [TEMPLATE]: 'accept' })
    expect(body.requestId).toMatch(/^[A-Za-z0-9_-]{8,64}$/)
    await waitFor(() => expect($(c, '.subscribe-reminder__hint')!.textContent).toBe('可接收 1 条微信提醒'))
  })

  it('a refusal is recorded as reject and said so', async () => {
    signIn()
    const fake = installFakeGarage()
    taroMock.requestSubscribeMessage.mockImplementationOnce(() => Promise.resolve({ errMsg: 'requestSubscribeMessage:ok', [TEMPLATE]: 'reject' } as any))
    const { container: c } = render(<SubscribeReminder canSubscribe />)
    await waitFor(() => expect(($(c, '.subscribe-reminder__btn') as HTMLElement).dataset.ready).toBe('true'))
    fireEvent.click($(c, '.subscribe-reminder__btn')!)
    await waitFor(() => expect(callsTo(fake, 'POST', '/api/v1/me/subscriptions')).toHaveLength(1))
    expect(callsTo(fake, 'POST', '/api/v1/me/subscriptions')[0].data.results).toEqual({ [TEMPLATE]: 'reject' })
    await waitFor(() => expect(taroMock.showToast).toHaveBeenCalledWith({ title: '未订阅，可在消息中心查看通知', icon: 'none' }))
  })
  it('cannot ask before the templates are known, and says so when they cannot be loaded', async () => {
    signIn()
    installFakeGarage({ fail: (method, path) => (method === 'GET' && path === '/api/v1/me/subscriptions' ? { status: 503, code: 'UPSTREAM_UNAVAILABLE', message: '服务暂不可用' } : undefined) })
    const { container: c } = render(<SubscribeReminder canSubscribe />)
    await waitFor(() => expect($(c, '.subscribe-reminder__hint')!.textContent).toBe('暂时无法订阅，请稍后重试'))
    expect(($(c, '.subscribe-reminder__btn') as HTMLElement).dataset.ready).toBe('false')
    fireEvent.click($(c, '.subscribe-reminder__btn')!)
    expect(taroMock.requestSubscribeMessage).not.toHaveBeenCalled()
  })
})

describe('我的 entries', () => {
  it('消息中心 shows the unread count, refreshed when 我的 is shown again', async () => {
    signIn()
    const fake = installFakeGarage()
    const { container: c } = render(<GarageEntries loggedIn roles={['buyer']} />)
    await waitFor(() => expect($(c, '.me-entry--messages .me-entry__badge')?.textContent).toBe('1'))
    expect($(c, '.me-entry--garage .me-entry__badge')).toBeNull()
    // Read elsewhere (the message centre): back on 我的, the badge is gone.
    fake.messages.forEach((m) => (m.read = true))
    await act(async () => triggerDidShow())
    await waitFor(() => expect($(c, '.me-entry--messages .me-entry__badge')).toBeNull())
    expect(badgeText(120)).toBe('99+')
  })

  it('owners see 我的车库 / 保养预约 / 消息中心; staff also 服务工作台; signed out nothing', () => {
    const out = render(<GarageEntries loggedIn={false} />)
    expect(out.container.textContent).toBe('')
    out.unmount()
    const owner = render(<GarageEntries loggedIn roles={['buyer']} />)
    expect($$(owner.container, '.me-entry__title').map((e) => e.textContent)).toEqual(['我的车库', '保养预约', '消息中心'])
    fireEvent.click($(owner.container, '.me-entry--messages')!)
    expect(taroMock.navigateTo).toHaveBeenCalledWith({ url: '/packages/garage/pages/messages' })
    owner.unmount()
    const staff = render(<GarageEntries loggedIn roles={['buyer', 'service']} />)
    fireEvent.click($(staff.container, '.me-entry--staff')!)
    expect(taroMock.navigateTo).toHaveBeenCalledWith({ url: '/packages/staff/pages/index' })
  })
})
