import { describe, expect, it } from 'vitest'
import { fireEvent, render, waitFor } from '@testing-library/react'
import { formatDateCN } from '@carmall/shared-types'
import { TOKEN_KEY } from '../src/api/client'
import type { TestDrive } from '../src/api/advisors'
import type { ServiceBooking } from '../src/api/garage'
import MyTestDrivesPage from '../src/packages/sales/pages/my-test-drives'
import TestDrivePage from '../src/packages/sales/pages/test-drive'
import MyServiceBookingsPage from '../src/packages/garage/pages/bookings'
import BookServicePage from '../src/packages/garage/pages/book'
import { STORES, callsTo as advisorCalls, installFakeAdvisors, slotsOn } from './fake-advisors'
import { CENTRES, callsTo as garageCalls, installFakeGarage, slotDate, slotsOn as serviceSlotsOn } from './fake-garage'
import { ok } from './fixtures'
import { routerParams, taroMock } from './taro-mock'

/** 改期 (H5 here: nothing is asked of WeChat). The fakes answer the reschedule calls on top of fake-advisors / fake-garage. */
const $ = (c: HTMLElement, sel: string) => c.querySelector<HTMLElement>(sel)
const $$ = (c: HTMLElement, sel: string) => Array.from(c.querySelectorAll<HTMLElement>(sel))

/** Answer `POST …/reschedule` here, everything else as the fake does. */
function onReschedule(answer: (id: string, body: { slotStart: string }) => unknown) {
  const inner = taroMock.request.getMockImplementation()!
  const calls: { id: string; data: { slotStart: string }; key: string }[] = []
  taroMock.request.mockImplementation(async (opts: any) => {
    const m = new URL(opts.url).pathname.match(/^\/api\/v1\/me\/(?:test-drives|service-bookings)\/([^/]+)\/reschedule$/)
    if ((opts.method ?? 'GET') === 'POST' && m) {
      calls.push({ id: m[1], data: opts.data, key: opts.header?.['Idempotency-Key'] })
      return ok(answer(m[1], opts.data))
    }
    return inner(opts)
  })
  return calls
}

describe('改期: a test drive', () => {
  const today = formatDateCN(Date.now())
  const booked = (): TestDrive => {
    const s = slotsOn(today)[2]
    return { id: '65b000000000000000000009', status: 'booked', store: STORES[0], modelCode: 'yuanshan-s5', modelName: '远山 S5', slotStart: s.start, slotEnd: s.end, slotLabel: `今天 ${s.label}`, contactName: '张*', phone: '138****1234', createdAt: '2026-11-28T04:00:00.000Z' }
  }

  it('我的试驾 offers 改期 for a booked one', async () => {
    taroMock.setStorageSync(TOKEN_KEY, 'tok-buyer')
    const fake = installFakeAdvisors()
    fake.testDrives.push(booked(), { ...booked(), id: '65b000000000000000000008', status: 'cancelled' })
    const { container: c } = render(<MyTestDrivesPage />)
    await waitFor(() => expect($$(c, '.test-drive-item')).toHaveLength(2))
    expect($$(c, '.test-drive-item__reschedule')).toHaveLength(1)
    fireEvent.click($(c, '.test-drive-item__reschedule')!)
    expect(taroMock.navigateTo).toHaveBeenCalledWith({ url: '/packages/sales/pages/test-drive?reschedule=65b000000000000000000009' })
  })

  it('the booking page moves it: same store and car, no contact fields, a new hour only', async () => {
    taroMock.setStorageSync(TOKEN_KEY, 'tok-buyer')
    const fake = installFakeAdvisors()
    const td = booked()
    fake.testDrives.push(td)
    const calls = onReschedule((_id, body) => ({ ...td, slotStart: body.slotStart, slotLabel: '今天 13:00–14:00' }))
    routerParams.reschedule = td.id
    const { container: c } = render(<TestDrivePage />)
    await waitFor(() => expect($$(c, '.slot').length).toBeGreaterThan(0))
    expect($$(c, '.store-item').map((e) => e.dataset.code)).toEqual([td.store.code])
    expect($(c, '.test-drive-page__model')!.textContent).toBe('远山 S5')
    expect($(c, '.test-drive-page__moving')!.textContent).toContain(`原预约：${td.slotLabel}`)
    expect($(c, '.test-drive-name')).toBeNull()
    expect(advisorCalls(fake, 'GET', '/api/v1/stores')).toHaveLength(0)
    // The hour it already has is not a move.
    fireEvent.click($(c, `.slot[data-start="${td.slotStart}"]`)!)
    fireEvent.click($(c, '.test-drive-submit')!)
    expect($(c, '.test-drive-notice')!.textContent).toBe('请选择与原预约不同的时间')
    expect(calls).toHaveLength(0)
    const next = slotsOn(today)[3]
    fireEvent.click($(c, `.slot[data-start="${next.start}"]`)!)
    expect($(c, '.test-drive-submit')!.textContent).toBe('确认改期')
    fireEvent.click($(c, '.test-drive-submit')!)
    await waitFor(() => expect($(c, '.test-drive-done')).toBeTruthy())
    expect(calls).toEqual([{ id: td.id, data: { slotStart: next.start }, key: expect.stringMatching(/^[A-Za-z0-9_-]{8,64}$/) }])
    expect(advisorCalls(fake, 'POST', '/api/v1/test-drives')).toHaveLength(0)
    expect($(c, '.test-drive-done .sales-card__title')!.textContent).toBe('已改期')
    expect(taroMock.requestSubscribeMessage).not.toHaveBeenCalled()
  })

  it('a test drive that is not booked any more cannot be moved', async () => {
    taroMock.setStorageSync(TOKEN_KEY, 'tok-buyer')
    const fake = installFakeAdvisors()
    fake.testDrives.push({ ...booked(), status: 'cancelled' })
    routerParams.reschedule = booked().id
    const { container: c } = render(<TestDrivePage />)
    await waitFor(() => expect(c.textContent).toContain('该试驾预约不可改期'))
  })
})

describe('改期: a service booking', () => {
  const VID = 'a'.repeat(24)
  const existing = (): ServiceBooking => ({ id: 'b9', status: 'booked', site: { ...CENTRES[0] }, vehicle: { id: VID, modelName: '远山 S5', vin: 'x' }, slotStart: '', slotEnd: '', slotLabel: '12月1日 周二 09:00–10:00', note: '换雨刮', createdAt: '', cancelledAt: null, cancellable: true })

  it('我的保养预约 offers 改期 for an upcoming one, within its centre', async () => {
    taroMock.setStorageSync(TOKEN_KEY, 'tok-owner')
    const fake = installFakeGarage()
    fake.bookings.push(existing(), { ...existing(), id: 'b8', status: 'cancelled', cancellable: false, movedTo: 'b9' }, { ...existing(), id: 'b7', status: 'cancelled', cancellable: false })
    const { container: c } = render(<MyServiceBookingsPage />)
    await waitFor(() => expect($$(c, '.service-booking')).toHaveLength(3))
    expect($$(c, '.service-booking .badge').map((e) => e.textContent)).toEqual(['已预约', '已改期', '已取消'])
    expect($$(c, '.service-booking__reschedule')).toHaveLength(1)
    fireEvent.click($(c, '.service-booking__reschedule')!)
    expect(taroMock.navigateTo).toHaveBeenCalledWith({ url: `/packages/garage/pages/book?vehicleId=${VID}&site=SC-SH-MINHANG&reschedule=b9` })
  })

  it('the booking page moves it: that centre only, the note kept, the new booking shown as 已改期', async () => {
    taroMock.setStorageSync(TOKEN_KEY, 'tok-owner')
    const fake = installFakeGarage()
    const slot = serviceSlotsOn(slotDate())[2]
    const calls = onReschedule(() => ({ ...existing(), id: 'b10', slotStart: slot.start, slotEnd: slot.end, slotLabel: '12月2日 周三 11:00–12:00' }))
    Object.assign(routerParams, { vehicleId: VID, site: 'SC-SH-MINHANG', reschedule: 'b9' })
    const { container: c } = render(<BookServicePage />)
    await waitFor(() => expect($$(c, '.slot')).toHaveLength(3))
    expect($$(c, '.centre-item').map((e) => e.dataset.code)).toEqual(['SC-SH-MINHANG'])
    expect($$(c, '.book-city').map((e) => e.textContent)).toEqual(['上海'])
    expect($(c, '.book-page__note')).toBeNull()
    fireEvent.click($(c, `.slot[data-start="${slot.start}"]`)!)
    expect($(c, '.book-page__confirm')!.textContent).toBe('改到 明天 11:00–12:00')
    fireEvent.click($(c, '.book-page__confirm')!)
    await waitFor(() => expect($(c, '.book-page--done')).not.toBeNull())
    expect(taroMock.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '确认改期' }))
    expect(calls).toEqual([{ id: 'b9', data: { slotStart: slot.start }, key: expect.stringMatching(/^[A-Za-z0-9_-]{8,64}$/) }])
    expect(garageCalls(fake, 'POST', '/api/v1/me/service-bookings')).toHaveLength(0)
    expect($(c, '.book-page--done')!.dataset.id).toBe('b10')
    expect($(c, '.book-page--done .garage-card__title')!.textContent).toBe('已改期')
    expect($(c, '.book-done__slot')!.textContent).toBe('12月2日 周三 11:00–12:00')
  })
})
