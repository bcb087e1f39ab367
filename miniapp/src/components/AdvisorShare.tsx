import { useEffect, useRef, useState } from 'react'
import { Button, Image, Text, View } from '@tarojs/components'
import Taro, { useDidHide, useDidShow } from '@tarojs/taro'
import { formatDateCN, type ResolvedConfig } from '@carmall/shared-types'
import { createShare, testDrivePath, type Share } from '../api/advisors'
import { mediaUrl } from '../api/base'
import { ApiError } from '../api/client'
import { saveConfiguration } from '../api/configurations'
import { useIsAdvisor } from '../state/shareVisits'
import './AdvisorShare.scss'

type Platform = 'weapp' | 'alipay' | 'h5' | string
const ENV: Platform = process.env.TARO_ENV ?? 'h5'

/** What onShareAppMessage returns (weapp: title/path/imageUrl; Alipay also reads desc). */
export interface ShareMessage {
  title: string
  path: string
  imageUrl?: string
  desc?: string
}

/** The card an advisor sends: the share's own path (carries the share id) and its poster as picture. */
export function advisorShareMessage(share: Share, platform: Platform = ENV): ShareMessage {
  const message: ShareMessage = {
    title: share.title,
    path: share.path.startsWith('/') ? share.path : `/${share.path}`,
    // WeChat share cards need a PNG/JPG (the cover is an SVG): the poster PNG it is.
    imageUrl: mediaUrl(share.posterUrl),
  }
  if (platform === 'alipay') message.desc = '顾问为您推荐的配置，点击查看详情并预约试驾'
  return message
}

/** The H5 link to send: the BFF's h5Url, made absolute on this origin when it is relative. */
export function shareLink(share: Share): string {
  if (/^https?:\/\//.test(share.h5Url)) return share.h5Url
  const origin = typeof window !== 'undefined' && window.location ? window.location.origin : ''
  return `${origin}${share.h5Url.startsWith('/') ? '' : '/'}${share.h5Url}`
}

// The share of the page on screen (set while an advisor's share panel is shown on it). Pages are
// shown one at a time, so one slot is enough; show/hide hand it over when pages stack.
let activeShare: Share | null = null

/**
 * Wrap a page's onShareAppMessage: while an advisor has a share open on the page the card carries
 * that share (its id in the path); otherwise the page's normal (buyer) share is used unchanged.
 */
export function withAdvisorShare<A extends unknown[]>(fallback: (...args: A) => ShareMessage | Record<string, unknown>) {
  return (...args: A) => (activeShare ? advisorShareMessage(activeShare) : fallback(...args))
}

/** Test hook. */
export const currentAdvisorShare = () => activeShare

/** Save the picture to the album (weapp/alipay), explaining a refused album permission. */
export async function savePoster(url: string, platform: Platform = ENV): Promise<boolean> {
  if (platform === 'h5') {
    // Browsers: a download link (desktop); on phones the long-press menu of the image also works.
    const a = document.createElement('a')
    a.href = url
    a.download = 'poster.png'
    a.target = '_blank'
    document.body.appendChild(a)
    a.click()
    a.remove()
    return true
  }
  let filePath: string
  try {
    const res = await Taro.downloadFile({ url })
    if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}`)
    filePath = res.tempFilePath
  } catch {
    Taro.showToast({ title: '海报下载失败，请重试', icon: 'none' })
    return false
  }
  try {
    await Taro.saveImageToPhotosAlbum({ filePath })
    Taro.showToast({ title: '已保存到相册', icon: 'success' })
    return true
  } catch (err) {
    const msg = String((err as { errMsg?: string })?.errMsg ?? '')
    if (/auth|deny|denied|authorize|permission/i.test(msg)) {
      // Refused once, WeChat never asks again: only the settings page can grant it now.
      const { confirm } = await Taro.showModal({
        title: '需要相册权限',
        content: '保存海报需要访问您的相册，请在设置中允许“保存到相册”后重试。',
        confirmText: '去设置',
        cancelText: '取消',
      })
      if (confirm) await Taro.openSetting().catch(() => undefined)
    } else if (!/cancel/i.test(msg)) {
      Taro.showToast({ title: '保存失败，请重试', icon: 'none' })
    }
    return false
  }
}

interface Props {
  /** The configuration on screen (the share shows exactly this). */
  config: ResolvedConfig | null
  /** Open the share panel at once (coming from 我的配置 → 分享). */
  autoOpen?: boolean
  /** Defaults to this build's target; tests play each one. */
  platform?: Platform
}

/**
 * The configurator's 预约试驾 (everyone) and, for advisors, 分享给客户 / 生成海报. The share is of
 * the exact configuration: it is saved first (idempotent), then shared (idempotent per advisor).
 */
export function AdvisorShareBar({ config, autoOpen = false, platform = ENV }: Props) {
  const isAdvisor = useIsAdvisor()
  const [share, setShare] = useState<Share | null>(null)
  const [panel, setPanel] = useState<'none' | 'share' | 'poster'>('none')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')
  const autoOpened = useRef(false)
  const key = config ? `${config.modelCode}|${config.trimCode}|${config.explicit.join(',')}` : ''
  const shareFor = useRef('')

  // A changed configuration is another share: drop the one made for the previous one.
  useEffect(() => {
    if (shareFor.current && shareFor.current !== key) {
      setShare(null)
      setPanel('none')
    }
  }, [key])

  // This page's share is the active one while the page is shown.
  useEffect(() => {
    activeShare = share
    return () => {
      if (activeShare === share) activeShare = null
    }
  }, [share])
  useDidShow(() => {
    activeShare = share
  })
  useDidHide(() => {
    if (activeShare === share) activeShare = null
  })

  const open = async (which: 'share' | 'poster') => {
    if (!config || busy) return
    setError('')
    if (share && shareFor.current === key) {
      setPanel(which)
      return
    }
    setBusy(true)
    try {
      const saved = await saveConfiguration({ modelCode: config.modelCode, trimCode: config.trimCode, selections: config.explicit })
      const created = await createShare({ kind: 'configuration', configurationId: saved.shortId })
      shareFor.current = key
      setShare(created)
      setPanel(which)
    } catch (err) {
      setError(err instanceof ApiError && err.status === 403 ? '仅销售顾问可以分享' : err instanceof ApiError ? err.message : '分享失败，请重试')
    } finally {
      setBusy(false)
    }
  }

  useEffect(() => {
    if (autoOpen && isAdvisor && config && !autoOpened.current) {
      autoOpened.current = true
      void open('share')
    }
  })

  const onCopy = () => {
    if (!share) return
    Taro.setClipboardData({ data: shareLink(share) })
      .then(() => Taro.showToast({ title: '链接已复制，发送给客户吧', icon: 'none' }))
      .catch(() => Taro.showToast({ title: '复制失败，请长按链接复制', icon: 'none' }))
  }

  const onTestDrive = () => {
    if (config) Taro.navigateTo({ url: testDrivePath(config.modelCode) })
  }

  return (
    <View className='advisor-share'>
      <View className='advisor-share__actions'>
        <Button className='btn-plain advisor-share__btn test-drive-entry' size='mini' onClick={onTestDrive}>
          预约试驾
        </Button>
        {isAdvisor && (
          <>
            <Button className='btn-primary advisor-share__btn advisor-share__open' size='mini' loading={busy} disabled={busy || undefined} onClick={() => open('share')}>
              分享给客户
            </Button>
            <Button className='btn-plain advisor-share__btn advisor-share__poster-btn' size='mini' disabled={busy || undefined} onClick={() => open('poster')}>
              生成海报
            </Button>
          </>
        )}
      </View>
      {error && <Text className='advisor-share__error'>{error}</Text>}

      {share && panel === 'share' && (
        <View className='advisor-share__panel' data-share-id={share.shareId}>
          <Text className='advisor-share__title'>{share.title}</Text>
          <Text className='advisor-share__hint'>客户打开后将看到这台配置，之后的预约试驾和下单会记在您名下（分享有效期至 {formatDateCN(share.expiresAt)}）。</Text>
          {platform === 'h5' ? (
            <>
              <Text className='advisor-share__link' selectable>
                {shareLink(share)}
              </Text>
              <Button className='btn-primary advisor-share__copy' onClick={onCopy}>
                复制链接
              </Button>
            </>
          ) : (
            // weapp and Alipay: the button raises the page's onShareAppMessage (withAdvisorShare).
            <Button className='btn-primary advisor-share__send' openType='share'>
              发送给客户
            </Button>
          )}
          <Button className='btn-plain advisor-share__close' size='mini' onClick={() => setPanel('none')}>
            收起
          </Button>
        </View>
      )}

      {share && panel === 'poster' && <PosterView share={share} platform={platform} onClose={() => setPanel('none')} />}
    </View>
  )
}

/** The server-drawn poster (car, configuration, price, advisor, mini-program code) with save. */
export function PosterView({ share, platform = ENV, onClose }: { share: Share; platform?: Platform; onClose: () => void }) {
  const url = mediaUrl(share.posterUrl)
  const [failed, setFailed] = useState(false)
  return (
    <View className='advisor-share__panel poster-view' data-share-id={share.shareId}>
      {failed ? (
        <Text className='advisor-share__error'>海报生成失败，请稍后重试</Text>
      ) : (
        <Image className='poster-view__image' src={url} mode='widthFix' {...(platform === 'weapp' ? { showMenuByLongpress: true } : {})} onError={() => setFailed(true)} />
      )}
      <Text className='advisor-share__hint'>{platform === 'h5' ? '长按图片保存，或点击下载海报' : '保存到相册后发朋友圈或发给客户，扫码即可查看'}</Text>
      <Button className='btn-primary poster-view__save' disabled={failed || undefined} onClick={() => savePoster(url, platform)}>
        {platform === 'h5' ? '下载海报' : '保存到相册'}
      </Button>
      <Button className='btn-plain advisor-share__close' size='mini' onClick={onClose}>
        收起
      </Button>
    </View>
  )
}
