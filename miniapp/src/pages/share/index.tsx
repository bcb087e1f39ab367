import { useCallback, useEffect, useState } from 'react'
import { Button, Checkbox, Image, Input, Label, Text, View } from '@tarojs/components'
import Taro, { useDidShow, useRouter, useShareAppMessage } from '@tarojs/taro'
import { OPTION_GROUP_LABELS, WECHAT_ID_RE, WECHAT_ID_RULE, formatDateCN, formatFen, wechatContactConsentText } from '@carmall/shared-types'
import { getShareCard, leaveWechatContact, testDrivePath, type ShareCard } from '../../api/advisors'
import { loginMethod } from '../../api/auth'
import { mediaUrl } from '../../api/base'
import { ApiError, getToken } from '../../api/client'
import { LoginPanel } from '../../components/LoginPanel'
import { savedConfigPath } from '../../api/configurations'
import { financePath } from '../../api/finance'
import { ErrorState, LoadingState } from '../../components/StatusViews'
import { bindLastShare, visitShare } from '../../state/shareVisits'
import { copyWechatId } from '../../utils/wechat-contact'
import './index.scss'

/** Share ids are 12 base-58 characters (shared-types SHARE_ID_RE). */
export const SHARE_ID_RE = /^[1-9A-HJ-NP-Za-km-z]{12}$/

function safeDecode(v: string): string {
  try {
    return decodeURIComponent(v)
  } catch {
    return v
  }
}

/**
 * The share id from how the page was opened: `?s=<id>` (share card, H5 link), or a mini-program
 * code's `scene` (URL-encoded by WeChat; the id itself, or `s=<id>`), falling back to the launch
 * options' scene when the code opened the app on this page.
 */
export function shareIdFromParams(params: Record<string, string | undefined>, launchQuery?: Record<string, string | undefined>): string {
  if (params.s) return safeDecode(params.s).trim()
  const scene = params.scene ?? launchQuery?.scene
  if (!scene) return ''
  const decoded = safeDecode(scene).trim()
  const m = decoded.match(/(?:^|&)s=([^&]+)/)
  return m ? m[1] : decoded
}

function launchQuery(): Record<string, string | undefined> | undefined {
  try {
    return (Taro.getLaunchOptionsSync?.() as { query?: Record<string, string> } | undefined)?.query
  } catch {
    return undefined
  }
}

type State =
  | { status: 'loading' }
  | { status: 'invalid'; message: string; modelCode?: string }
  | { status: 'error'; message: string }
  | { status: 'ready'; card: ShareCard }

/** Why a share cannot be shown, in words for the buyer. */
function explain(err: unknown): State {
  if (err instanceof ApiError && err.code === 'SHARE_EXPIRED') {
    const d = (err.details ?? {}) as { expiredAt?: string; modelCode?: string }
    const when = d.expiredAt ? `（${formatDateCN(d.expiredAt)} 到期）` : ''
    return { status: 'invalid', message: `该分享已过期${when}，请联系您的顾问重新分享`, modelCode: d.modelCode }
  }
  if (err instanceof ApiError && err.code === 'SHARE_MODEL_UNAVAILABLE') {
    return { status: 'invalid', message: '分享的车型已下架，欢迎浏览在售车型或联系您的顾问' }
  }
  if (err instanceof ApiError && (err.code === 'SHARE_NOT_FOUND' || err.status === 404)) {
    return { status: 'invalid', message: '分享链接无效，请确认链接完整或联系您的顾问重新分享' }
  }
  return { status: 'error', message: err instanceof ApiError ? err.message : '加载失败，请稍后重试' }
}

/**
 * 加顾问微信: the advisor's work WeChat ID to copy (when they set one), and the buyer's own WeChat
 * ID to leave for the advisor to add them, with the consent spelled out (the advisor never sees the
 * buyer's phone unmasked, so this is how they reach each other). Signing in happens in place.
 */
function WechatContact({ shareId, modelCode, advisor }: { shareId: string; modelCode: string; advisor: ShareCard['advisor'] }) {
  const [wechatId, setWechatId] = useState('')
  const [consent, setConsent] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')
  const [sent, setSent] = useState(false)
  const [login, setLogin] = useState(false)
  const id = wechatId.trim()
  const bad = id !== '' && !WECHAT_ID_RE.test(id)


  const send = async () => {
    setError('')
    if (!WECHAT_ID_RE.test(id)) return setError(WECHAT_ID_RULE)
    if (!consent) return setError('请先勾选同意将微信号提供给顾问')
    if (!getToken()) return setLogin(true)
    setBusy(true)
    try {
      // The visit is the advisor's credit: make sure it is bound to this account first.
      await visitShare(shareId, modelCode).catch(() => undefined)
      await leaveWechatContact(shareId, id)
      setSent(true)
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) setLogin(true)
      else setError(err instanceof ApiError ? err.message : '发送失败，请稍后重试')
    } finally {
      setBusy(false)
    }
  }

  return (
    <View className='share-contact'>
      <Text className='share-contact__title'>加顾问微信</Text>
      {advisor.wechatId && (
        <View className='share-contact__advisor' data-wechat-id={advisor.wechatId}>
          <Text className='share-contact__id'>
            {advisor.displayName}的微信号：{advisor.wechatId}
          </Text>
          <Button className='btn-plain share-contact__copy' size='mini' onClick={() => void copyWechatId(advisor.wechatId!)}>
            复制微信号
          </Button>
        </View>
      )}
      {sent ? (
        <Text className='share-contact__sent'>已发送给{advisor.displayName}，顾问会通过微信添加您。</Text>
      ) : (
        <View className='share-contact__form'>
          <Text className='share-contact__hint'>留下您的微信号，{advisor.displayName}会添加您（不会显示您的手机号）</Text>
          <Input className='share-contact__input' placeholder='您的微信号' maxlength={20} value={wechatId} onInput={(e) => setWechatId(e.detail.value)} />
          {bad && <Text className='share-contact__error share-contact__rule'>{WECHAT_ID_RULE}</Text>}
          <Label className='share-contact__consent' onClick={() => setConsent((c) => !c)}>
            <Checkbox className='share-contact__check' value='consent' checked={consent} />
            <Text>{wechatContactConsentText(advisor.displayName)}</Text>
          </Label>
          <Button className='btn-primary share-contact__send' size='mini' loading={busy} disabled={busy || undefined} onClick={() => void send()}>
            发送给顾问
          </Button>
          {error && <Text className='share-contact__error'>{error}</Text>}
          {login && (
            <LoginPanel
              method={loginMethod}
              onLoggedIn={() => {
                setLogin(false)
                void send()
              }}
            />
          )}
        </View>
      )}
    </View>
  )
}

/**
 * 顾问推荐: the landing page of an advisor's share card, mini-program code or H5 link. Shows that
 * exact configuration with its price and the advisor, records the visit (attribution), and leads
 * on to 预约试驾 / 查看配置 / 金融方案.
 */
export default function SharePage() {
  const { params } = useRouter()
  const shareId = shareIdFromParams(params, params.s || params.scene ? undefined : launchQuery())
  const [state, setState] = useState<State>({ status: 'loading' })

  const load = useCallback(async () => {
    if (!SHARE_ID_RE.test(shareId)) {
      setState({ status: 'invalid', message: '分享链接无效，请确认链接完整或联系您的顾问重新分享' })
      return
    }
    setState({ status: 'loading' })
    try {
      const card = await getShareCard(shareId)
      setState({ status: 'ready', card })
      Taro.setNavigationBarTitle?.({ title: card.model.name })
      // Attribution: best effort, the page works without it.
      visitShare(shareId, card.model.code).catch(() => undefined)
    } catch (err) {
      setState(explain(err))
    }
  }, [shareId])

  useEffect(() => {
    void load()
  }, [load])

  // Back from logging in elsewhere: send the visit again so it binds to the account.
  useDidShow(() => {
    void bindLastShare()
  })

  // A buyer forwarding the card forwards the same share (the advisor keeps the credit).
  useShareAppMessage(() => {
    const card = state.status === 'ready' ? state.card : null
    return { title: card?.title ?? '顾问推荐', path: `/pages/share/index?s=${encodeURIComponent(shareId)}` }
  })

  if (state.status === 'loading') {
    return (
      <View className='page share-page'>
        <LoadingState />
      </View>
    )
  }
  if (state.status === 'error') {
    return (
      <View className='page share-page'>
        <ErrorState message={state.message} onRetry={load} />
      </View>
    )
  }
  if (state.status === 'invalid') {
    const modelCode = state.modelCode
    return (
      <View className='page share-page'>
        <View className='share-invalid'>
          <Text className='share-invalid__text'>{state.message}</Text>
          {modelCode && (
            <Button className='btn-plain share-invalid__model' size='mini' onClick={() => Taro.navigateTo({ url: `/pages/model/index?code=${encodeURIComponent(modelCode)}` })}>
              看看这款车
            </Button>
          )}
          <Button className='btn-plain share-invalid__home' size='mini' onClick={() => Taro.switchTab({ url: '/pages/index/index' })}>
            去首页逛逛
          </Button>
        </View>
      </View>
    )
  }

  const { card } = state
  const cfg = card.configuration
  const priceChanged = cfg && cfg.current.valid && cfg.current.totalFen !== null && cfg.current.totalFen !== cfg.totalFen

  const onTestDrive = () => Taro.navigateTo({ url: testDrivePath(card.model.code) })
  const onConfig = () =>
    Taro.navigateTo({ url: cfg ? savedConfigPath(cfg.shortId) : `/pages/model/index?code=${encodeURIComponent(card.model.code)}` })
  const onFinance = () =>
    Taro.navigateTo({
      url: cfg
        ? financePath({ modelCode: card.model.code, trimCode: cfg.trimCode, selected: cfg.config.selected, totalFen: cfg.current.totalFen ?? cfg.totalFen })
        : financePath({ modelCode: card.model.code }),
    })

  return (
    <View className='page share-page' data-share-id={card.shareId}>
      <Image className='share-page__cover' src={mediaUrl(card.model.coverImage)} mode='aspectFill' />
      <View className='share-card'>
        <Text className='share-card__advisor'>{card.advisor.displayName} 为您推荐</Text>
        <Text className='share-card__model'>{card.model.name}</Text>
        <Text className='share-card__tagline'>{card.model.tagline}</Text>
        {cfg ? (
          <>
            <Text className='share-card__trim'>{cfg.trimName}</Text>
            <Text className='share-card__price' data-total-fen={String(cfg.totalFen)}>
              {formatFen(cfg.totalFen)}
            </Text>
            {priceChanged && <Text className='share-card__warn share-card__now'>现价 {formatFen(cfg.current.totalFen!)}</Text>}
            {!cfg.current.valid && <Text className='share-card__warn share-card__invalid'>该配置已调整：{cfg.current.reason ?? '请联系顾问'}</Text>}
          </>
        ) : (
          <Text className='share-card__price'>{formatFen(card.model.startingPriceFen)} 起</Text>
        )}
        <Text className='share-card__expires'>推荐有效期至 {formatDateCN(card.expiresAt)}</Text>
      </View>

      {cfg && (
        <View className='share-config'>
          <Text className='share-config__title'>配置明细（编号 {cfg.shortId}）</Text>
          {cfg.config.lineItems.map((l) => (
            <View key={l.code} className='share-config__row' data-code={l.code}>
              <Text className='share-config__group'>{l.group === 'trim' ? '版本' : OPTION_GROUP_LABELS[l.group]}</Text>
              <Text className='share-config__name'>{l.name}</Text>
              <Text className='share-config__price'>{l.priceFen === 0 ? '免费' : formatFen(l.priceFen)}</Text>
            </View>
          ))}
        </View>
      )}

      <WechatContact shareId={card.shareId} modelCode={card.model.code} advisor={card.advisor} />

      <View className='share-bar'>
        <Button className='btn-plain share-bar__btn share-bar__config' size='mini' onClick={onConfig}>
          查看配置
        </Button>
        <Button className='btn-plain share-bar__btn share-bar__finance' size='mini' onClick={onFinance}>
          金融方案
        </Button>
        <Button className='btn-primary share-bar__btn share-bar__test-drive' size='mini' onClick={onTestDrive}>
          预约试驾
        </Button>
      </View>
    </View>
  )
}
