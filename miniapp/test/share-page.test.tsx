import { describe, expect, it } from 'vitest'
import { fireEvent, render, waitFor } from '@testing-library/react'
import { formatFen } from '@carmall/shared-types'
import { smsLogin } from '../src/api/auth'
import { TOKEN_KEY } from '../src/api/client'
import SharePage, { shareIdFromParams } from '../src/pages/share/index'
import { LAST_SHARE_KEY, VISITOR_ID_KEY, readLastShare } from '../src/state/shareVisits'
import { SHARE_ID, callsTo, configurationCard, installFakeAdvisors } from './fake-advisors'
import { routerParams, taroMock, triggerDidShow, triggerShareAppMessage } from './taro-mock'

const $ = (c: HTMLElement, sel: string) => c.querySelector<HTMLElement>(sel)
const VISITS = /^\/api\/v1\/shares\/[^/]+\/visits$/

async function open(params: Record<string, string>) {
  Object.assign(routerParams, params)
  const fake = installFakeAdvisors()
  const view = render(<SharePage />)
  return { fake, c: view.container }
}

describe('share id from how the page was opened', () => {
  it('reads ?s= (share card, H5 link) and a mini-program code scene, encoded or as s=<id>', () => {
    expect(shareIdFromParams({ s: SHARE_ID })).toBe(SHARE_ID)
    expect(shareIdFromParams({ scene: encodeURIComponent(SHARE_ID) })).toBe(SHARE_ID)
    expect(shareIdFromParams({ scene: encodeURIComponent(`s=${SHARE_ID}`) })).toBe(SHARE_ID)
    expect(shareIdFromParams({}, { scene: encodeURIComponent(SHARE_ID) })).toBe(SHARE_ID)
    expect(shareIdFromParams({ scene: '%E0%A4%A' })).toBe('%E0%A4%A') // undecodable: kept, then refused as malformed
    expect(shareIdFromParams({})).toBe('')
  })
})

describe('share landing page', () => {
  it('shows the shared configuration with its price and the advisor, records the visit, and leads on', async () => {
    const { fake, c } = await open({ s: SHARE_ID })
    await waitFor(() => expect($(c, '.share-card')).toBeTruthy())
    const card = configurationCard()
    const cfg = card.configuration!
    expect($(c, '.share-card__advisor')!.textContent).toBe('王顾问 为您推荐')
    expect($(c, '.share-card__model')!.textContent).toBe(card.model.name)
    expect($(c, '.share-card__trim')!.textContent).toBe(cfg.trimName)
    expect($(c, '.share-card__price')!.textContent).toBe(formatFen(cfg.totalFen))
    expect(formatFen(cfg.totalFen)).toMatch(/^¥\d{1,3}(,\d{3})+$/)
    expect(c.querySelectorAll('.share-config__row')).toHaveLength(cfg.config.lineItems.length)
    expect($(c, '.share-card__expires')!.textContent).toBe('推荐有效期至 2026-12-12')

    // The visit: an anonymous visitor id made once and kept; the share remembered with its time.
    await waitFor(() => expect(callsTo(fake, 'POST', VISITS)).toHaveLength(1))
    const visit = callsTo(fake, 'POST', VISITS)[0]
    expect(visit.path).toBe(`/api/v1/shares/${SHARE_ID}/visits`)
    expect(visit.data.visitorId).toBe(taroMock.getStorageSync(VISITOR_ID_KEY))
    expect(visit.data.visitorId).toMatch(/^[A-Za-z0-9_-]{16,64}$/)
    expect(visit.headers.Authorization).toBeUndefined()
    await waitFor(() => expect(readLastShare()?.shareId).toBe(SHARE_ID))
    expect(Number.isNaN(Date.parse(readLastShare()!.at))).toBe(false)

    fireEvent.click($(c, '.share-bar__test-drive')!)
    expect(taroMock.navigateTo).toHaveBeenLastCalledWith({ url: '/packages/sales/pages/test-drive?model=yuanshan-s5' })
    fireEvent.click($(c, '.share-bar__config')!)
    expect(taroMock.navigateTo).toHaveBeenLastCalledWith({ url: `/pages/model/index?saved=${cfg.shortId}` })
    fireEvent.click($(c, '.share-bar__finance')!)
    expect(taroMock.navigateTo).toHaveBeenLastCalledWith({ url: expect.stringMatching(new RegExp(`^/pages/finance/index\\?modelCode=yuanshan-s5&trimCode=${cfg.trimCode}.*&totalFen=${cfg.totalFen}$`)) })

    // A buyer forwarding it forwards the same share.
    expect(triggerShareAppMessage()).toMatchObject({ path: `/pages/share/index?s=${SHARE_ID}`, title: card.title })
  })

  it('opens from a mini-program code: the scene (URL-encoded by WeChat) is the share id', async () => {
    const { fake, c } = await open({ scene: encodeURIComponent(SHARE_ID) })
    await waitFor(() => expect($(c, '.share-card')).toBeTruthy())
    expect(callsTo(fake, 'GET', `/api/v1/shares/${SHARE_ID}`)).toHaveLength(1)
  })

  it('opens from a code that launched the app: the scene comes from the launch options', async () => {
    taroMock.getLaunchOptionsSync.mockReturnValueOnce({ path: 'pages/share/index', query: { scene: SHARE_ID }, scene: 1047 })
    const { c } = await open({})
    await waitFor(() => expect($(c, '.share-card')).toBeTruthy())
  })

  it('sends the visit again after login so the anonymous visit binds to the account', async () => {
    const { fake, c } = await open({ s: SHARE_ID })
    await waitFor(() => expect(callsTo(fake, 'POST', VISITS)).toHaveLength(1))
    await waitFor(() => expect(taroMock.getStorageSync(LAST_SHARE_KEY)).toBeTruthy())
    expect($(c, '.share-card')).toBeTruthy()

    taroMock.setStorageSync(TOKEN_KEY, 'tok-buyer') // logged in on 我的, back to this page
    triggerDidShow()
    await waitFor(() => expect(callsTo(fake, 'POST', VISITS)).toHaveLength(2))
    const again = callsTo(fake, 'POST', VISITS)[1]
    expect(again.headers.Authorization).toBe('Bearer tok-buyer')
    expect(again.data.visitorId).toBe(callsTo(fake, 'POST', VISITS)[0].data.visitorId)
    // Once per session: showing the page again does not repeat it.
    triggerDidShow()
    await new Promise((r) => setTimeout(r, 20))
    expect(callsTo(fake, 'POST', VISITS)).toHaveLength(2)
  })

  it('any login (here SMS, e.g. at checkout) sends the last share visit again with the new token', async () => {
    const { fake, c } = await open({ s: SHARE_ID })
    await waitFor(() => expect(taroMock.getStorageSync(LAST_SHARE_KEY)).toBeTruthy())
    expect($(c, '.share-card')).toBeTruthy()
    await smsLogin('13800001234', '123456')
    await waitFor(() => expect(callsTo(fake, 'POST', VISITS)).toHaveLength(2))
    expect(callsTo(fake, 'POST', VISITS)[1].headers.Authorization).toBe('Bearer tok-sms')
  })

  it('says clearly when the share has expired, and offers the model', async () => {
    Object.assign(routerParams, { s: SHARE_ID })
    const fake = installFakeAdvisors()
    fake.card = [410, 'SHARE_EXPIRED', '分享已过期', { expiredAt: '2026-11-10T04:00:00.000Z', modelCode: 'yuanshan-s5' }]
    const { container: c } = render(<SharePage />)
    await waitFor(() => expect($(c, '.share-invalid')).toBeTruthy())
    expect($(c, '.share-invalid__text')!.textContent).toBe('该分享已过期（2026-11-10 到期），请联系您的顾问重新分享')
    expect(callsTo(fake, 'POST', VISITS)).toHaveLength(0)
    fireEvent.click($(c, '.share-invalid__model')!)
    expect(taroMock.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/model/index?code=yuanshan-s5' })
  })

  it('says clearly when the share id is forged (404) or malformed (never asked)', async () => {
    const { fake, c } = await open({ s: 'ZZZZZZZZZZZZ' })
    await waitFor(() => expect($(c, '.share-invalid')).toBeTruthy())
    expect($(c, '.share-invalid__text')!.textContent).toBe('分享链接无效，请确认链接完整或联系您的顾问重新分享')
    expect(callsTo(fake, 'GET', '/api/v1/shares/ZZZZZZZZZZZZ')).toHaveLength(1)
    expect($(c, '.share-invalid__model')).toBeNull()

  })

  it('refuses a malformed share id without asking the BFF', async () => {
    const { fake, c } = await open({ s: 'not-a-share-id!' })
    await waitFor(() => expect($(c, '.share-invalid')).toBeTruthy())
    expect($(c, '.share-invalid__text')!.textContent).toBe('分享链接无效，请确认链接完整或联系您的顾问重新分享')
    expect(fake.calls).toHaveLength(0)
  })

  it('offers a retry when the network fails', async () => {
    Object.assign(routerParams, { s: SHARE_ID })
    const fake = installFakeAdvisors()
    fake.card = [503, 'UPSTREAM_UNAVAILABLE', '服务暂不可用，请稍后重试']
    const { container: c } = render(<SharePage />)
    await waitFor(() => expect($(c, '.status-view--error')).toBeTruthy())
    expect(c.textContent).toContain('服务暂不可用，请稍后重试')
    fake.card = configurationCard()
    fireEvent.click($(c, '.status-view__retry')!)
    await waitFor(() => expect($(c, '.share-card')).toBeTruthy())
  })
})
