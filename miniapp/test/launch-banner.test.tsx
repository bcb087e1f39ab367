import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { fireEvent, render } from '@testing-library/react'
import { LaunchBanner } from '../src/components/LaunchBanner'
import HomePage from '../src/pages/index/index'
import { installFakeLaunches } from './fake-launches'
import { apiError } from './fake-orders'
import { ok } from './fixtures'
import { taroMock } from './taro-mock'
import { advance, settle } from './fake-timers'


beforeEach(() => {
  vi.useFakeTimers()
  vi.setSystemTime(new Date('2026-11-20T04:00:00.000Z')) // 12:00 in Shanghai
})
afterEach(() => vi.useRealTimers())

describe('首发抢购 banner on the home page', () => {
  it('shows the upcoming launch with a countdown on the server clock and opens the launch page', async () => {
    // The phone is 5 minutes slow: the server says 12:05; the launch opens at 13:05 (server).
    installFakeLaunches({ startsInMs: 3_600_000, serverOffsetMs: 300_000 })
    const { container: c } = render(<HomePage />)
    await settle()
    const banner = c.querySelector<HTMLElement>('.launch-banner')!
    expect(banner.dataset.code).toBe('s5-launch')
    expect(banner.dataset.phase).toBe('scheduled')
    expect(banner.textContent).toContain('远山 S5 首发抢购')
    expect(banner.querySelector('.launch-banner__countdown')!.textContent).toBe('距开售 01:00:00 · 2026-11-20 13:05 开售')
    await advance(61_000)
    expect(banner.querySelector('.launch-banner__countdown')!.textContent).toBe('距开售 00:58:59 · 2026-11-20 13:05 开售')
    fireEvent.click(banner)
    expect(taroMock.navigateTo).toHaveBeenCalledWith({ url: '/pages/launch/index?code=s5-launch' })
    // It sits above the home page's own sections and is not one of them.
    expect(Array.from(c.querySelectorAll('.section-title')).map((t) => t.textContent)).toEqual(['热门车型'])
  })

  it('an open launch says 正在抢购 with the cars left', async () => {
    installFakeLaunches({ startsInMs: -60_000 })
    const { container: c } = render(<LaunchBanner />)
    await settle()
    expect(c.querySelector<HTMLElement>('.launch-banner')!.dataset.phase).toBe('open')
    expect(c.querySelector('.launch-banner__countdown')!.textContent).toBe('正在抢购 · 剩余 10 辆，立即参与')
  })

  it('shows nothing when there is no launch, and hides quietly when the list fails', async () => {
    const bff = installFakeLaunches()
    bff.list = ok({ items: [] })
    const none = render(<LaunchBanner />)
    await settle()
    expect(none.container.innerHTML).toBe('')
    none.unmount()

    bff.list = apiError(503, 'SERVICE_UNAVAILABLE', '服务繁忙')
    const failed = render(<LaunchBanner />)
    await settle()
    expect(failed.container.innerHTML).toBe('')
    expect(bff.calls.filter((x) => x.path === '/api/v1/launches')).toHaveLength(2)
  })
})
