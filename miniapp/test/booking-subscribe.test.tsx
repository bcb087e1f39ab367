import { describe, expect, it, vi } from 'vitest'
import { fireEvent, render, waitFor } from '@testing-library/react'
import { TOKEN_KEY } from '../src/api/client'
import TestDrivePage from '../src/packages/sales/pages/test-drive'
import BookServicePage from '../src/packages/garage/pages/book'
import { BOOKING_REMINDER_TEMPLATE, BOOKING_TEMPLATE, callsTo as advisorCalls, installFakeAdvisors } from './fake-advisors'
import { callsTo as garageCalls, installFakeGarage, slotDate, slotsOn as serviceSlotsOn } from './fake-garage'
import { routerParams, taroMock } from './taro-mock'

// This file plays the WeChat mini-program build, where subscribe messages exist (on H5 and Alipay
// nothing is asked: see sales-pages and garage-pages tests).
vi.mock('../src/components/SubscribeReminder', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../src/components/SubscribeReminder')>()),
  CAN_SUBSCRIBE: true,
}))

const $ = (c: HTMLElement, sel: string) => c.querySelector<HTMLElement>(sel)
const $$ = (c: HTMLElement, sel: string) => Array.from(c.querySelectorAll<HTMLElement>(sel))
const BOTH = [BOOKING_TEMPLATE, BOOKING_REMINDER_TEMPLATE]

async function openTestDrive() {
  taroMock.setStorageSync(TOKEN_KEY, 'tok-buyer')
  routerParams.model = 'yuanshan-s5'
  const fake = installFakeAdvisors()
  const { container: c } = render(<TestDrivePage />)
  await waitFor(() => expect($$(c, '.slot').length).toBeGreaterThan(0))
  await waitFor(() => expect(advisorCalls(fake, 'GET', '/api/v1/me/subscriptions')).toHaveLength(1))
  // The day after tomorrow at 10:00: both reminders are still ahead whatever the time now.
  fireEvent.click($$(c, '.test-drive-date')[2])
  await waitFor(() => expect($(c, '.test-drive-slots')!.dataset.date).toBe($$(c, '.test-drive-date')[2].dataset.date))
  fireEvent.click($$(c, '.slot')[0])
  fireEvent.input(c.querySelector<HTMLInputElement>('.test-drive-name input, input.test-drive-name')!, { target: { value: '张三' } })
  return { fake, c }
}

describe('预约试驾 in WeChat: the subscribe dialog at the 确认预约 tap', () => {
  it('asks for the confirmation and reminder templates inside the tap, records the answer, then books; says the reminders will come', async () => {
    const { fake, c } = await openTestDrive()
    const before = fake.calls.length
    fireEvent.click($(c, '.test-drive-submit')!)
    // Synchronously in the tap handler, before any request (WeChat opens the dialog only then), both templates in one call.
    expect(taroMock.requestSubscribeMessage).toHaveBeenCalledTimes(1)
    expect(taroMock.requestSubscribeMessage).toHaveBeenCalledWith({ tmplIds: BOTH })
    expect(fake.calls.length).toBe(before)
    await waitFor(() => expect($(c, '.test-drive-done')).toBeTruthy())
    const recorded = advisorCalls(fake, 'POST', '/api/v1/me/subscriptions')
    expect(recorded).toHaveLength(1)
    expect(recorded[0].data).toMatchObject({ templateIds: BOTH, results: { [BOOKING_TEMPLATE]: 'accept', [BOOKING_REMINDER_TEMPLATE]: 'accept' }, requestId: expect.stringMatching(/^[A-Za-z0-9_-]{8,64}$/) })
    // The opt-ins are recorded before the booking, so its confirmation finds them.
    const order = fake.calls.map((x) => `${x.method} ${x.path}`)
    expect(order.indexOf('POST /api/v1/me/subscriptions')).toBeLessThan(order.indexOf('POST /api/v1/test-drives'))
    expect(advisorCalls(fake, 'POST', '/api/v1/test-drives')).toHaveLength(1)
    expect($(c, '.test-drive-done__reminders')!.textContent).toBe('将在预约前一天 18:00 与前 2 小时提醒您')
    expect($(c, '.test-drive-done__channel')!.textContent).toBe('提醒将通过微信服务通知和「消息中心」发送')
  })

  it('a refusal is recorded and the booking still goes ahead (the reminders come in-app)', async () => {
    const { fake, c } = await openTestDrive()
    taroMock.requestSubscribeMessage.mockImplementationOnce(() => Promise.resolve({ errMsg: 'requestSubscribeMessage:ok', [BOOKING_TEMPLATE]: 'accept', [BOOKING_REMINDER_TEMPLATE]: 'reject' } as any))
    fireEvent.click($(c, '.test-drive-submit')!)
    await waitFor(() => expect($(c, '.test-drive-done')).toBeTruthy())
    expect(advisorCalls(fake, 'POST', '/api/v1/me/subscriptions')[0].data.results).toEqual({ [BOOKING_TEMPLATE]: 'accept', [BOOKING_REMINDER_TEMPLATE]: 'reject' })
    expect($(c, '.test-drive-done__channel')!.textContent).toBe('提醒将发送到「消息中心」')
  })

  it('a failed dialog (e.g. subscriptions switched off) records nothing and still books', async () => {
    const { fake, c } = await openTestDrive()
    taroMock.requestSubscribeMessage.mockImplementationOnce(() => Promise.reject({ errMsg: 'requestSubscribeMessage:fail', errCode: 20004 }))
    fireEvent.click($(c, '.test-drive-submit')!)
    await waitFor(() => expect($(c, '.test-drive-done')).toBeTruthy())
    expect(advisorCalls(fake, 'POST', '/api/v1/me/subscriptions')).toHaveLength(0)
    expect(advisorCalls(fake, 'POST', '/api/v1/test-drives')).toHaveLength(1)
    expect($(c, '.test-drive-done__channel')!.textContent).toBe('提醒将发送到「消息中心」')
  })

  it('a form error asks nothing (the dialog comes only with a booking)', async () => {
    const { fake, c } = await openTestDrive()
    fireEvent.input(c.querySelector<HTMLInputElement>('.test-drive-name input, input.test-drive-name')!, { target: { value: '' } })
    fireEvent.click($(c, '.test-drive-submit')!)
    expect($(c, '.test-drive-notice')!.textContent).toBe('请填写联系人')
    expect(taroMock.requestSubscribeMessage).not.toHaveBeenCalled()
    expect(advisorCalls(fake, 'POST', '/api/v1/test-drives')).toHaveLength(0)
  })
})

describe('预约保养 in WeChat: the subscribe dialog at the 确定 of 确认预约', () => {
  async function openService() {
    taroMock.setStorageSync(TOKEN_KEY, 'tok-owner')
    routerParams.vehicleId = 'a'.repeat(24)
    const fake = installFakeGarage()
    const { container: c } = render(<BookServicePage />)
    await waitFor(() => expect($$(c, '.slot')).toHaveLength(3))
    await waitFor(() => expect(garageCalls(fake, 'GET', '/api/v1/me/subscriptions')).toHaveLength(1))
    const slot = serviceSlotsOn(slotDate())[2]
    fireEvent.click($(c, `.slot[data-start="${slot.start}"]`)!)
    return { fake, c, slot }
  }

  it('asks inside the modal’s 确定 callback, records the answer before booking, and shows the reminders to come', async () => {
    const { fake, c } = await openService()
    let askedInCallback = -1
    taroMock.showModal.mockImplementationOnce(((opts: { success?: (r: { confirm: boolean; cancel: boolean }) => void }) => {
      opts.success?.({ confirm: true, cancel: false })
      askedInCallback = taroMock.requestSubscribeMessage.mock.calls.length // asked synchronously within the tap's callback
      return Promise.resolve({ confirm: true, cancel: false })
    }) as any)
    fireEvent.click($(c, '.book-page__confirm')!)
    await waitFor(() => expect($(c, '.book-page--done')).not.toBeNull())
    expect(askedInCallback).toBe(1)
    expect(taroMock.requestSubscribeMessage).toHaveBeenCalledWith({ tmplIds: BOTH })
    const order = fake.calls.map((x) => `${x.method} ${x.path}`)
    expect(order.indexOf('POST /api/v1/me/subscriptions')).toBeGreaterThan(-1)
    expect(order.indexOf('POST /api/v1/me/subscriptions')).toBeLessThan(order.indexOf('POST /api/v1/me/service-bookings'))
    expect($(c, '.book-done__channel')!.textContent).toBe('提醒将通过微信服务通知和「消息中心」发送')
    expect($(c, '.book-done__reminders')!.textContent).toMatch(/^将在预约.+提醒您$/)
  })

  it('cancelling the modal asks nothing and books nothing', async () => {
    const { fake, c } = await openService()
    taroMock.showModal.mockImplementationOnce(((opts: { success?: (r: { confirm: boolean; cancel: boolean }) => void }) => {
      opts.success?.({ confirm: false, cancel: true })
      return Promise.resolve({ confirm: false, cancel: true })
    }) as any)
    fireEvent.click($(c, '.book-page__confirm')!)
    await waitFor(() => expect(taroMock.showModal).toHaveBeenCalled())
    await new Promise((r) => setTimeout(r, 20))
    expect(taroMock.requestSubscribeMessage).not.toHaveBeenCalled()
    expect(garageCalls(fake, 'POST', '/api/v1/me/service-bookings')).toHaveLength(0)
  })
})
