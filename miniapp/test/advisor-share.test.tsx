import { describe, expect, it } from 'vitest'
import { fireEvent, render, waitFor } from '@testing-library/react'
import { TOKEN_KEY } from '../src/api/client'
import { AdvisorShareBar, advisorShareMessage, savePoster } from '../src/components/AdvisorShare'
import ModelPage from '../src/pages/model/index'
import { resetRolesCache } from '../src/state/shareVisits'
import { SHARE_ID, callsTo, installFakeAdvisors, shareOf } from './fake-advisors'
import { resolveOrThrow, lineupModel } from './fake-bff'
import { routerParams, taroMock, triggerShareAppMessage } from './taro-mock'

const $ = (c: HTMLElement, sel: string) => c.querySelector<HTMLElement>(sel)

async function openConfigurator(roles: string[], params: Record<string, string> = { code: 'yuanshan-s5' }) {
  resetRolesCache()
  taroMock.setStorageSync(TOKEN_KEY, `tok-${roles.join('-')}`)
  Object.assign(routerParams, params)
  const fake = installFakeAdvisors()
  fake.roles = roles
  const { container: c } = render(<ModelPage />)
  await waitFor(() => expect($(c, '.config-total')).toBeTruthy())
  await waitFor(() => expect(callsTo(fake, 'GET', '/api/v1/auth/me')).toHaveLength(1))
  return { fake, c }
}

/** The share bar alone, for a signed-in advisor, on a target; resolves once the advisor tools show. */
async function renderBar(platform: string) {
  resetRolesCache()
  taroMock.setStorageSync(TOKEN_KEY, 'tok-adv')
  const fake = installFakeAdvisors()
  fake.roles = ['advisor']
  const s5 = lineupModel('yuanshan-s5')
  const { container: c } = render(<AdvisorShareBar config={resolveOrThrow(s5, s5.trims[0].code, [])} platform={platform} />)
  await waitFor(() => expect($(c, '.advisor-share__open')).toBeTruthy())
  return { c, fake }
}

describe('advisor share on the configurator', () => {
  it('an advisor shares this exact configuration: saved, shared, link copied on H5, card path carries the share id', async () => {
    const { fake, c } = await openConfigurator(['buyer', 'advisor'])
    await waitFor(() => expect($(c, '.advisor-share__open')).toBeTruthy())
    // Pick another option first: the share must be of what is on screen.
    const optional = c.querySelector<HTMLElement>('.option-item:not(.option-item--selected)')
    if (optional) fireEvent.click(optional)
    const shownTotal = Number($(c, '.config-total')!.dataset.totalFen)

    fireEvent.click($(c, '.advisor-share__open')!)
    await waitFor(() => expect($(c, '.advisor-share__panel')).toBeTruthy())
    const [save] = callsTo(fake, 'POST', '/api/v1/configurations/saved')
    const savedCfg = fake.bff.saved.get([...fake.bff.saved.keys()][0])!
    expect(savedCfg.config.totalFen).toBe(shownTotal)
    expect(save.data.modelCode).toBe('yuanshan-s5')
    const [create] = callsTo(fake, 'POST', '/api/v1/shares')
    expect(create.data).toEqual({ kind: 'configuration', configurationId: savedCfg.shortId })
    expect(create.headers.Authorization).toBe('Bearer tok-buyer-advisor')

    // H5: the link (made absolute on this origin) and 复制链接.
    const link = `${window.location.origin}/#/pages/share/index?s=${SHARE_ID}`
    expect($(c, '.advisor-share__link')!.textContent).toBe(link)
    fireEvent.click($(c, '.advisor-share__copy')!)
    expect(taroMock.setClipboardData).toHaveBeenCalledWith({ data: link })

    // The page's onShareAppMessage now sends the advisor's card.
    expect(triggerShareAppMessage({ from: 'button' })).toEqual({
      title: '王顾问为您推荐：远山 S5',
      path: `/pages/share/index?s=${SHARE_ID}`,
      imageUrl: `http://bff.test/api/v1/shares/${SHARE_ID}/poster.png`,
    })
  })

  it('a buyer keeps the normal share and sees only 预约试驾', async () => {
    const { fake, c } = await openConfigurator(['buyer'])
    expect($(c, '.advisor-share__open')).toBeNull()
    expect($(c, '.advisor-share__poster-btn')).toBeNull()
    expect(triggerShareAppMessage()).toEqual({ title: '远山 S5', path: '/pages/model/index?code=yuanshan-s5' })
    fireEvent.click($(c, '.test-drive-entry')!)
    expect(taroMock.navigateTo).toHaveBeenLastCalledWith({ url: '/packages/sales/pages/test-drive?model=yuanshan-s5' })
    expect(callsTo(fake, 'POST', '/api/v1/shares')).toHaveLength(0)
  })

  it('from 我的配置 (?saved=…&share=1) the share panel opens at once for an advisor', async () => {
    resetRolesCache()
    const fake0 = installFakeAdvisors()
    const s5 = lineupModel('yuanshan-s5')
    // A configuration saved earlier, reloaded by the page.
    const cfg = resolveOrThrow(s5, s5.trims[0].code, [])
    fake0.bff.saved.set('Cfg99999', { shortId: 'Cfg99999', modelCode: s5.code, modelName: s5.name, trimCode: s5.trims[0].code, trimName: s5.trims[0].name, config: cfg, current: { valid: true, totalFen: cfg.totalFen, reason: null }, createdAt: '2026-11-20T04:00:00.000Z' })
    fake0.roles = ['advisor']
    taroMock.setStorageSync(TOKEN_KEY, 'tok-adv')
    Object.assign(routerParams, { saved: 'Cfg99999', share: '1' })
    const { container: c } = render(<ModelPage />)
    await waitFor(() => expect($(c, '.advisor-share__panel')).toBeTruthy())
    expect(callsTo(fake0, 'POST', '/api/v1/shares')).toHaveLength(1)
  })

  it('weapp and Alipay: 发送给客户 is a share button; the card path has the share id, Alipay adds a description', async () => {
    const { c } = await renderBar('weapp')
    fireEvent.click($(c, '.advisor-share__open')!)
    await waitFor(() => expect($(c, '.advisor-share__send')).toBeTruthy())
    expect($(c, '.advisor-share__link')).toBeNull()

    const share = shareOf('Cfg22221')
    expect(advisorShareMessage(share, 'weapp')).toEqual({ title: share.title, path: `/pages/share/index?s=${SHARE_ID}`, imageUrl: `http://bff.test/api/v1/shares/${SHARE_ID}/poster.png` })
    expect(advisorShareMessage(share, 'alipay')).toMatchObject({ path: `/pages/share/index?s=${SHARE_ID}`, desc: expect.stringContaining('顾问') })
  })

  it('生成海报 shows the poster; on weapp it is downloaded and saved to the album', async () => {
    const { c } = await renderBar('weapp')
    fireEvent.click($(c, '.advisor-share__poster-btn')!)
    await waitFor(() => expect($(c, '.poster-view')).toBeTruthy())
    const img = c.querySelector('.poster-view img, img.poster-view__image') ?? $(c, '.poster-view__image')
    expect(img?.getAttribute('src')).toBe(`http://bff.test/api/v1/shares/${SHARE_ID}/poster.png`)
    fireEvent.click($(c, '.poster-view__save')!)
    await waitFor(() => expect(taroMock.saveImageToPhotosAlbum).toHaveBeenCalledWith({ filePath: 'wxfile://tmp/poster.png' }))
    expect(taroMock.downloadFile).toHaveBeenCalledWith({ url: `http://bff.test/api/v1/shares/${SHARE_ID}/poster.png` })
    expect(taroMock.showToast).toHaveBeenLastCalledWith({ title: '已保存到相册', icon: 'success' })
  })

  it('a refused album permission explains it and opens the settings', async () => {
    taroMock.saveImageToPhotosAlbum.mockImplementationOnce(() => Promise.reject({ errMsg: 'saveImageToPhotosAlbum:fail auth deny' }))
    expect(await savePoster('http://bff.test/p.png', 'weapp')).toBe(false)
    expect(taroMock.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '需要相册权限', confirmText: '去设置' }))
    expect(taroMock.openSetting).toHaveBeenCalledTimes(1)

    taroMock.showModal.mockImplementationOnce(() => Promise.resolve({ confirm: false, cancel: true }))
    taroMock.saveImageToPhotosAlbum.mockImplementationOnce(() => Promise.reject({ errMsg: 'saveImageToPhotosAlbum:fail authorize no response' }))
    expect(await savePoster('http://bff.test/p.png', 'weapp')).toBe(false)
    expect(taroMock.openSetting).toHaveBeenCalledTimes(1)

    taroMock.downloadFile.mockImplementationOnce(() => Promise.resolve({ statusCode: 503, tempFilePath: '' }))
    expect(await savePoster('http://bff.test/p.png', 'weapp')).toBe(false)
    expect(taroMock.showToast).toHaveBeenLastCalledWith({ title: '海报下载失败，请重试', icon: 'none' })
  })

  it('a 403 from the BFF (role taken away) says only advisors can share', async () => {
    const { c, fake } = await renderBar('h5')
    fake.roles = ['buyer']
    fireEvent.click($(c, '.advisor-share__open')!)
    await waitFor(() => expect($(c, '.advisor-share__error')).toBeTruthy())
    expect($(c, '.advisor-share__error')!.textContent).toBe('仅销售顾问可以分享')
    expect($(c, '.advisor-share__panel')).toBeNull()
  })
})
