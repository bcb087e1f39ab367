import { describe, expect, it } from 'vitest'
import { fireEvent, render, waitFor } from '@testing-library/react'
import { WECHAT_ID_RULE, wechatContactConsentText } from '@carmall/shared-types'
import { TOKEN_KEY } from '../src/api/client'
import SharePage from '../src/pages/share/index'
import WorkspacePage from '../src/packages/sales/pages/workspace'
import { SHARE_ID, callsTo, configurationCard, installFakeAdvisors, lead, shareOf } from './fake-advisors'
import { routerParams, taroMock } from './taro-mock'

/** The WeChat contact path: the advisor's WeChat ID on the card, the buyer's left for the advisor, and the advisor's side. */
const $ = (c: HTMLElement, sel: string) => c.querySelector<HTMLElement>(sel)
const type = (c: HTMLElement, sel: string, value: string) => fireEvent.input(c.querySelector<HTMLInputElement>(`${sel} input, input${sel}`)!, { target: { value } })

async function openShare(signedIn: boolean, advisorWechat: string | null) {
  if (signedIn) taroMock.setStorageSync(TOKEN_KEY, 'tok-buyer')
  Object.assign(routerParams, { s: SHARE_ID })
  const fake = installFakeAdvisors()
  fake.card = configurationCard({ advisor: { displayName: '王顾问', wechatId: advisorWechat } })
  const { container: c } = render(<SharePage />)
  await waitFor(() => expect($(c, '.share-contact')).toBeTruthy())
  return { fake, c }
}

describe('加顾问微信 on a share card', () => {
  it('shows the advisor’s WeChat ID to copy', async () => {
    const { c } = await openShare(true, 'wang_sales_sh')
    expect($(c, '.share-contact__id')!.textContent).toBe('王顾问的微信号：wang_sales_sh')
    fireEvent.click($(c, '.share-contact__copy')!)
    await waitFor(() => expect(taroMock.setClipboardData).toHaveBeenCalledWith({ data: 'wang_sales_sh' }))
  })

  it('without a WeChat ID set, only the form to leave one is shown', async () => {
    const { c } = await openShare(true, null)
    expect($(c, '.share-contact__advisor')).toBeNull()
    expect($(c, '.share-contact__form')).toBeTruthy()
  })

  it('checks the ID as typed and asks for consent before sending; then sends it after the visit and says so', async () => {
    const { fake, c } = await openShare(true, null)
    expect($(c, '.share-contact__consent')!.textContent).toBe(wechatContactConsentText('王顾问'))
    type(c, '.share-contact__input', '138 0013')
    expect($(c, '.share-contact__rule')!.textContent).toBe(WECHAT_ID_RULE)
    type(c, '.share-contact__input', 'buyer_zhang88')
    expect($(c, '.share-contact__rule')).toBeNull()
    fireEvent.click($(c, '.share-contact__send')!)
    await waitFor(() => expect($(c, '.share-contact__error')!.textContent).toBe('请先勾选同意将微信号提供给顾问'))
    expect(callsTo(fake, 'POST', /\/contact$/)).toHaveLength(0)

    fireEvent.click($(c, '.share-contact__consent')!)
    const visitsBefore = callsTo(fake, 'POST', /\/visits$/).length
    fireEvent.click($(c, '.share-contact__send')!)
    await waitFor(() => expect($(c, '.share-contact__sent')).toBeTruthy())
    expect($(c, '.share-contact__sent')!.textContent).toBe('已发送给王顾问，顾问会通过微信添加您。')
    const sent = callsTo(fake, 'POST', /\/contact$/)
    expect(sent).toHaveLength(1)
    expect(sent[0].path).toBe(`/api/v1/shares/${SHARE_ID}/contact`)
    expect(sent[0].data).toEqual({ wechatId: 'buyer_zhang88', consent: true })
    // The visit (the advisor's credit) was sent again before, bound to the account.
    expect(callsTo(fake, 'POST', /\/visits$/).length).toBe(visitsBefore + 1)
  })

  it('signed out: sending asks to sign in right there, and nothing is sent', async () => {
    const { fake, c } = await openShare(false, null)
    type(c, '.share-contact__input', 'buyer_zhang88')
    fireEvent.click($(c, '.share-contact__consent')!)
    fireEvent.click($(c, '.share-contact__send')!)
    await waitFor(() => expect($(c, '.share-contact .login-panel, .share-contact [class*="login"]')).toBeTruthy())
    expect(callsTo(fake, 'POST', /\/contact$/)).toHaveLength(0)
  })
})

describe('顾问工作台: 我的名片 and WeChat leads', () => {
  it('sets the name and work WeChat ID buyers see, refusing a malformed ID inline', async () => {
    taroMock.setStorageSync(TOKEN_KEY, 'tok-adv')
    const fake = installFakeAdvisors()
    fake.workspace = { shares: [{ ...shareOf('Cfg22221'), modelName: '远山 S5', stats: { visits: 1, visitors: 1, leads: 0, orders: 0 } }], leads: [] }
    const { container: c } = render(<WorkspacePage />)
    await waitFor(() => expect($(c, '.profile-card')).toBeTruthy())
    expect(c.querySelector<HTMLInputElement>('.profile-card__name input, input.profile-card__name')!.value).toBe('王顾问')
    type(c, '.profile-card__wechat', '王顾问')
    expect($(c, '.profile-card__rule')!.textContent).toBe(WECHAT_ID_RULE)
    fireEvent.click($(c, '.profile-card__save')!)
    expect(callsTo(fake, 'PUT', '/api/v1/advisor/profile')).toHaveLength(0)
    type(c, '.profile-card__wechat', 'wang_sales_sh')
    fireEvent.click($(c, '.profile-card__save')!)
    await waitFor(() => expect($(c, '.profile-card__message')!.textContent).toBe('已保存，客户打开您的分享即可看到'))
    expect(callsTo(fake, 'PUT', '/api/v1/advisor/profile')[0].data).toEqual({ displayName: '王顾问', wechatId: 'wang_sales_sh' })
    expect(fake.profile.wechatId).toBe('wang_sales_sh')
  })

  it('a 微信联系 lead shows the buyer’s WeChat ID to copy; other leads keep only the masked phone', async () => {
    taroMock.setStorageSync(TOKEN_KEY, 'tok-adv')
    const fake = installFakeAdvisors()
    fake.workspace = {
      shares: [],
      leads: [
        lead({ id: '65a000000000000000000009', kind: 'wechat_contact', testDrive: null, customer: { name: '张*', phone: '138****1234', wechatId: 'buyer_zhang88' } }),
        lead(),
      ],
    }
    const { container: c } = render(<WorkspacePage />)
    await waitFor(() => expect($(c, '.workspace__tab-leads')).toBeTruthy())
    fireEvent.click($(c, '.workspace__tab-leads')!)
    await waitFor(() => expect($(c, '.lead-item')).toBeTruthy())
    const wechatLead = $(c, '.lead-item[data-id="65a000000000000000000009"]')!
    expect(wechatLead.querySelector('.sales-card__title')!.textContent).toContain('微信联系')
    expect(wechatLead.querySelector('.lead-item__wechat')!.textContent).toContain('客户微信 buyer_zhang88')
    fireEvent.click(wechatLead.querySelector('.lead-item__copy')!)
    await waitFor(() => expect(taroMock.setClipboardData).toHaveBeenCalledWith({ data: 'buyer_zhang88' }))
    const other = $(c, `.lead-item:not([data-id="65a000000000000000000009"])`)!
    expect(other.querySelector('.lead-item__wechat')).toBeNull()
    expect(other.textContent).toContain('138****1234')
  })

  it('隐私号拨打: gets a middle number for a lead with a phone, dials it and shows it; says what is missing otherwise', async () => {
    taroMock.setStorageSync(TOKEN_KEY, 'tok-adv')
    const fake = installFakeAdvisors()
    fake.workspace = { shares: [], leads: [lead(), lead({ id: '65a00000000000000000000a', customer: { name: null, phone: null, wechatId: null } })] }
    const { container: c } = render(<WorkspacePage />)
    await waitFor(() => expect($(c, '.workspace__tab-leads')).toBeTruthy())
    fireEvent.click($(c, '.workspace__tab-leads')!)
    await waitFor(() => expect($(c, '.lead-item')).toBeTruthy())
    // No phone left: no call button (reach them by WeChat).
    expect($(c, '.lead-item[data-id="65a00000000000000000000a"] .lead-item__dial')).toBeNull()
    const withPhone = $(c, '.lead-item:not([data-id="65a00000000000000000000a"])')!
    fireEvent.click(withPhone.querySelector('.lead-item__dial')!)
    await waitFor(() => expect(withPhone.querySelector('.lead-item__secret')).toBeTruthy())
    expect(taroMock.makePhoneCall).toHaveBeenCalledWith({ phoneNumber: '17000000001' })
    expect(withPhone.querySelector('.lead-item__secret')!.textContent).toBe('请用您绑定的手机拨打 170 0000 0001（2026-11-28 15:00 前有效，双方都看不到对方号码）')
    expect(callsTo(fake, 'POST', /\/privacy-call$/)).toHaveLength(1)

    fake.advisorPhoneMissing = true
    fireEvent.click(withPhone.querySelector('.lead-item__dial')!)
    await waitFor(() => expect(withPhone.querySelector('.sales-page__error')!.textContent).toBe('请先在「我的」绑定您的手机号，隐私号会从该号码接通'))
  })
})
