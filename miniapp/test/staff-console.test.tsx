import { describe, expect, it } from 'vitest'
import { act, fireEvent, render, waitFor } from '@testing-library/react'
import StaffConsolePage, { CampaignProgress } from '../src/packages/staff/pages/index'
import CentreBookingsPage from '../src/packages/staff/pages/bookings'
import { formProblems, segmentOf } from '../src/packages/staff/lib'
import { CENTRES, callsTo, installFakeGarage } from './fake-garage'
import { triggerDidHide, triggerDidShow } from './taro-mock'
import { $, $$, signIn, type } from './dom'


describe('segment form', () => {
  it('turns the form into the BFF segment and says what is wrong in Chinese', () => {
    expect(segmentOf({ modelCodes: [], dueWithinDays: '', batterySohBelow: '' })).toEqual({})
    expect(segmentOf({ modelCodes: ['yuanshan-s5'], dueWithinDays: '30', batterySohBelow: '85.5' })).toEqual({ modelCodes: ['yuanshan-s5'], dueWithinDays: 30, batterySohBelow: 85.5 })
    const ok = { dueWithinDays: '30', batterySohBelow: '', title: '保养提醒', body: '内容' }
    expect(formProblems(ok)).toEqual([])
    expect(formProblems({ ...ok, dueWithinDays: '-1' })).toEqual(['保养到期天数应为 0–365 的整数'])
    expect(formProblems({ ...ok, batterySohBelow: '120' })).toEqual(['电池健康度应为 1–100'])
    expect(formProblems({ ...ok, title: '一二三四五六七八九十一二三四五六七八九十一' })).toEqual(['标题最多 20 个字（微信订阅消息限制）'])
    expect(formProblems({ ...ok, title: ' ', body: '' })).toEqual(['请填写标题', '请填写内容'])
  })
})

describe('服务工作台', () => {
  it('is refused to a buyer and asks a signed-out user to sign in', async () => {
    installFakeGarage({ roles: ['buyer'] })
    const out = render(<StaffConsolePage />)
    expect(out.container.textContent).toContain('请先在「我的」登录')
    out.unmount()
    signIn()
    const buyer = render(<StaffConsolePage />)
    await waitFor(() => expect(buyer.container.textContent).toContain('仅服务人员可使用服务工作台'))
  })

  it('chooses a segment, previews the count and message, pushes with an Idempotency-Key and watches progress', async () => {
    signIn()
    const fake = installFakeGarage({ roles: ['buyer', 'service'] })
    const { container: c } = render(<StaffConsolePage />)
    await waitFor(() => expect($$(c, '.segment-model')).toHaveLength(2))
    fireEvent.click($$(c, '.segment-model')[0])
    type(c, '.segment-due', '14')
    type(c, '.segment-soh', '90')
    await waitFor(() => expect(c.querySelector('.campaign-body textarea')).not.toBeNull())
    type(c, '.campaign-title', '冬季保养')
    // Without a body the preview says what is missing and calls nothing.
    fireEvent.click($(c, '.staff-preview')!)
    await waitFor(() => expect($(c, '.staff-error')!.textContent).toBe('请填写内容'))
    expect(callsTo(fake, 'POST', '/api/v1/admin/campaigns/preview')).toHaveLength(0)
    type(c, '.campaign-body', '冬季到店保养享免费电池检测')
    fireEvent.click($(c, '.staff-preview')!)
    await waitFor(() => expect($(c, '.preview__count')!.textContent).toBe('覆盖 10 位车主（12 辆车）'))
    expect(callsTo(fake, 'POST', '/api/v1/admin/campaigns/preview')[0].data).toEqual({
      segment: { modelCodes: ['yuanshan-s5'], dueWithinDays: 14, batterySohBelow: 90 },
      message: { title: '冬季保养', body: '冬季到店保养享免费电池检测' },
    })
    expect($(c, '.preview__title')!.textContent).toBe('冬季保养')
    fireEvent.click($(c, '.staff-push')!)
    await waitFor(() => expect(callsTo(fake, 'POST', '/api/v1/admin/campaigns')).toHaveLength(1))
    const push = callsTo(fake, 'POST', '/api/v1/admin/campaigns')[0]
    expect(push.header['Idempotency-Key']).toMatch(/^[A-Za-z0-9_-]{8,64}$/)
    expect(push.data).toMatchObject({ name: '冬季保养', segment: { modelCodes: ['yuanshan-s5'], dueWithinDays: 14, batterySohBelow: 90 } })
    // The progress panel polls the campaign.
    await waitFor(() => expect($(c, '.progress')).not.toBeNull())
    await waitFor(() => expect($(c, '.progress__targeted .progress__num')!.textContent).toBe('10'))
    expect($(c, '.preview')).toBeNull()
  })

  it('progress counts update live until done, and polling pauses while hidden', async () => {
    signIn()
    const fake = installFakeGarage({ roles: ['service'] })
    fake.campaigns.push({ id: 'c'.repeat(24), name: '冬季保养', segment: {}, message: { title: 't', body: 'b' }, status: 'building', pausedUntil: null, createdBy: 'u', createdAt: '2026-11-28T02:00:00Z', counts: { targeted: null, queued: null, sent: 0, noOptIn: 0, failed: 0 } })
    let done = false
    const { container: c } = render(<CampaignProgress id={'c'.repeat(24)} pollMs={10} onDone={() => (done = true)} />)
    await waitFor(() => expect($(c, '.progress')!.dataset.status).toBe('done'))
    const cells = ['targeted', 'queued', 'sent', 'noOptIn', 'failed'].map((k) => $(c, `.progress__${k} .progress__num`)!.textContent)
    expect(cells).toEqual(['10', '0', '6', '3', '1'])
    expect(done).toBe(true)
    const polls = fake.polls
    await new Promise((r) => setTimeout(r, 50))
    expect(fake.polls).toBe(polls) // stopped once done
    await act(async () => triggerDidHide())
    await act(async () => triggerDidShow())
    await waitFor(() => expect(fake.polls).toBe(polls + 1)) // coming back polls once more
  })

  it('says when sending is paused for WeChat’s daily quota, with the Shanghai time it resumes', async () => {
    signIn()
    const fake = installFakeGarage({ roles: ['service'] })
    fake.campaigns.push({ id: 'e'.repeat(24), name: '年末关怀', segment: {}, message: { title: 't', body: 'b' }, status: 'sending', pausedUntil: '2026-12-06T16:00:00.000Z', createdBy: 'u', createdAt: '2026-12-06T02:00:00Z', counts: { targeted: 10, queued: 10, sent: 0, noOptIn: 0, failed: 0 } })
    const { container: c } = render(<CampaignProgress id={'e'.repeat(24)} pollMs={60_000} />)
    await waitFor(() => expect($(c, '.progress__paused')).not.toBeNull())
    expect($(c, '.progress__paused')!.textContent).toBe('微信订阅消息今日发送额度已用完，其余消息将于 2026-12-07 00:00 后继续发送。')
    fake.campaigns[0].pausedUntil = null
    const again = render(<CampaignProgress id={'e'.repeat(24)} pollMs={60_000} />)
    await waitFor(() => expect($(again.container, '.progress')).not.toBeNull())
    expect($(again.container, '.progress__paused')).toBeNull()
  })

  it('history lists campaigns and opens one; dead letters can be retried', async () => {
    signIn()
    const fake = installFakeGarage({ roles: ['admin'] })
    fake.campaigns.push({ id: 'd'.repeat(24), name: '电池关怀', segment: {}, message: { title: 't', body: 'b' }, status: 'done', pausedUntil: null, createdBy: 'u', createdAt: '2026-11-28T02:00:00Z', counts: { targeted: 4, queued: 0, sent: 2, noOptIn: 1, failed: 1 } })
    const { container: c } = render(<StaffConsolePage />)
    await waitFor(() => expect($(c, '.staff-tab--history')).not.toBeNull())
    fireEvent.click($(c, '.staff-tab--history')!)
    await waitFor(() => expect($$(c, '.campaign-item')).toHaveLength(1))
    expect($(c, '.campaign-item')!.textContent).toContain('目标 4 · 已发送 2 · 未订阅 1 · 失败 1')
    fireEvent.click($(c, '.campaign-item')!)
    await waitFor(() => expect($(c, '.progress')).not.toBeNull())
    fireEvent.click($(c, '.staff-tab--dead')!)
    await waitFor(() => expect($$(c, '.dead-letter')).toHaveLength(1))
    expect($(c, '.dead-letter')!.textContent).toContain('errcode 45009')
    fireEvent.click($(c, '.dead-letter__retry')!)
    await waitFor(() => expect(callsTo(fake, 'POST', '/api/v1/admin/reminders/dead-letters/campaign-x-u1/retry')).toHaveLength(1))
    await waitFor(() => expect($$(c, '.dead-letter')).toHaveLength(0))
  })

  it('a BFF 403 shows its message', async () => {
    signIn()
    installFakeGarage({ roles: ['service'], fail: (_m, p) => (p === '/api/v1/admin/campaigns/preview' ? { status: 403, code: 'FORBIDDEN', message: '没有权限执行此操作' } : undefined) })
    const { container: c } = render(<StaffConsolePage />)
    await waitFor(() => expect($$(c, '.segment-model')).toHaveLength(2))
    await waitFor(() => expect(c.querySelector('.campaign-body textarea')).not.toBeNull()) // the web component renders its textarea a moment later
    type(c, '.campaign-body', '内容')
    fireEvent.click($(c, '.staff-preview')!)
    await waitFor(() => expect($(c, '.staff-error')!.textContent).toBe('没有权限执行此操作'))
  })
})

describe('服务中心预约', () => {
  it('shows a centre’s bookings of a day with owners masked; switching centre asks again', async () => {
    signIn()
    const fake = installFakeGarage({ roles: ['service'] })
    fake.bookings.push({ id: 'b1', status: 'booked', site: { ...CENTRES[1], phone: null }, vehicle: { id: 'v', modelName: '远山 S5', vin: 'LYS5A1234567890AB' }, slotStart: '', slotEnd: '', slotLabel: '12月1日 周二 09:00–10:00', note: '换雨刮', createdAt: '', cancelledAt: null, cancellable: true })
    const { container: c } = render(<CentreBookingsPage />)
    await waitFor(() => expect($$(c, '.staff-centre')).toHaveLength(2))
    await waitFor(() => expect(c.textContent).toContain('当天没有预约'))
    fireEvent.click($$(c, '.staff-centre')[1])
    await waitFor(() => expect($$(c, '.centre-booking')).toHaveLength(1))
    expect(callsTo(fake, 'GET', '/api/v1/admin/service-bookings').at(-1)!.query.get('siteCode')).toBe('SC-BJ-YIZHUANG')
    const row = $(c, '.centre-booking')!.textContent!
    expect(row).toContain('09:00–10:00')
    expect(row).toContain('LYS…90AB')
    expect(row).toContain('138****1234')
    expect(row).toContain('换雨刮')
  })
})
