import { useCallback, useEffect, useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro, { useDidShow } from '@tarojs/taro'
import { loginMethod as buildLoginMethod, logout, type LoginResponse } from '../../api/auth'
import { LoginPanel } from '../../components/LoginPanel'
import { ApiError, clearSession, getToken } from '../../api/client'
import { bindPhone, deleteAccount, exportMyData, getMe, type MyDataExport, type Profile } from '../../api/me'
import { PRIVACY_POLICY_VERSION, PRIVACY_SUMMARY, hasPrivacyConsent, promptPrivacyConsent, readConsent } from '../../utils/privacy'
import { privacyPolicyPath } from '../../utils/privacy-policy'
import { ErrorState, LoadingState } from '../../components/StatusViews'
import SmsForm from './SmsForm'
import './index.scss'
import { TrackingLookupEntry } from '../../components/TrackingEntry'
import { OpsEntry } from '../../components/OpsEntry'
import { ConsoleEntry } from '../../components/ConsoleEntry'
import { SalesEntries } from '../../components/SalesEntries'
import { GarageEntries } from '../../components/GarageEntries'

const openMyConfigs = () => Taro.navigateTo({ url: '/pages/my-configs/index' })

const CHANNEL_LABELS: Record<string, string> = { wechat: '微信', alipay: '支付宝', sms: '手机号', phone: '手机号', weapp: '微信', h5: '手机号' }

const errorText = (err: unknown, fallback: string) => (err instanceof ApiError ? err.message : fallback)

export const DELETE_CONFIRM_TEXT =
  '注销后将清除您的手机号、姓名、证件号等个人信息及微信/支付宝/手机号登录方式，并退出所有设备。依照法律要求，已有订单记录会保留。此操作不可撤销。'

export { LoginPanel }

function ExportSummary({ data, onClose }: { data: MyDataExport; onClose: () => void }) {
  const copy = () =>
    Taro.setClipboardData({ data: JSON.stringify(data, null, 2) })
      .then(() => Taro.showToast({ title: '已复制', icon: 'success' }))
      .catch(() => Taro.showToast({ title: '复制失败', icon: 'none' }))
  return (
    <View className='me-card me-export'>
      <Text className='me-card__title'>我的数据</Text>
      <Text className='me-card__hint'>导出时间：{data.exportedAt.replace('T', ' ').slice(0, 19)}</Text>
      <Text className='me-card__hint me-export__phone'>手机号：{data.profile.phone ?? '未绑定'}</Text>
      <Text className='me-card__hint me-export__counts'>
        登录方式 {data.logins.length} 个 · 授权记录 {data.consents.length} 条 · 订单 {data.orders.length} 个
      </Text>
      <Text className='me-card__hint'>个人信息已脱敏。复制后可粘贴保存完整 JSON。</Text>
      <Button className='btn-primary me-export__copy' onClick={copy}>
        复制 JSON
      </Button>
      <Button className='btn-plain me-export__close' onClick={onClose}>
        收起
      </Button>
    </View>
  )
}

export default function MePage() {
  const [loggedIn, setLoggedIn] = useState(() => !!getToken())
  const [profile, setProfile] = useState<Profile | null>(null)
  const [loading, setLoading] = useState(false)
  const [loadError, setLoadError] = useState('')
  const [error, setError] = useState('')
  const [binding, setBinding] = useState(false)
  const [exported, setExported] = useState<MyDataExport | null>(null)
  const [working, setWorking] = useState(false)
  const [consentGranted, setConsentGranted] = useState(hasPrivacyConsent)

  const loadProfile = useCallback(async () => {
    setLoading(true)
    setLoadError('')
    try {
      setProfile(await getMe())
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        clearSession() // the sign-in ended (expired, revoked, deleted elsewhere)
        setLoggedIn(false)
      } else {
        setLoadError(errorText(err, '加载失败'))
      }
    } finally {
      setLoading(false)
    }
  }, [])

  useEffect(() => {
    if (loggedIn) void loadProfile()
    else {
      setProfile(null)
      setExported(null)
      setBinding(false)
    }
  }, [loggedIn, loadProfile])

  // Another page may have logged in or out since this tab was last shown.
  useDidShow(() => {
    setLoggedIn(!!getToken())
    setConsentGranted(hasPrivacyConsent())
  })

  const onLoggedIn = (res: LoginResponse) => {
    setError('')
    setConsentGranted(hasPrivacyConsent())
    setLoggedIn(true)
    Taro.showToast({ title: res.user.isNew ? '欢迎加入' : '登录成功', icon: 'success' })
  }

  const onLogout = async () => {
    await logout()
    setLoggedIn(false)
  }

  const onExport = async () => {
    setWorking(true)
    setError('')
    try {
      setExported(await exportMyData())
    } catch (err) {
      setError(errorText(err, '导出失败，请重试'))
    } finally {
      setWorking(false)
    }
  }

  const onDelete = async () => {
    const { confirm } = await Taro.showModal({ title: '注销账号', content: DELETE_CONFIRM_TEXT, confirmText: '确认注销', cancelText: '取消', confirmColor: '#e4393c' })
    if (!confirm) return
    setWorking(true)
    setError('')
    try {
      await deleteAccount()
      await logout() // the BFF ended every session; forget the tokens here too
      setLoggedIn(false)
      Taro.showToast({ title: '账号已注销', icon: 'success' })
    } catch (err) {
      if (err instanceof ApiError && err.code === 'ACCOUNT_HAS_ACTIVE_ORDERS') {
        const n = (err.details as { activeOrders?: number } | undefined)?.activeOrders
        setError(`您有${n ? ` ${n} 个` : ''}进行中的订单，请在订单完成或取消后再注销账号。`)
      } else {
        setError(errorText(err, '注销失败，请重试'))
      }
    } finally {
      setWorking(false)
    }
  }

  const onPrivacy = async () => {
    setConsentGranted(await promptPrivacyConsent())
  }

  const consent = readConsent()
  const privacyStatus = consentGranted ? `已同意（${PRIVACY_POLICY_VERSION} 版）` : consent?.version === PRIVACY_POLICY_VERSION ? '未同意，仅可浏览' : '未选择'

  return (
    <View className='page me-page'>
      {!loggedIn && (
        <View className='me-card'>
          <Text className='me-card__title'>未登录</Text>
          <Text className='me-card__hint'>登录后可预约试驾、下订与查看订单。</Text>
        </View>
      )}
      {loggedIn && loading && !profile && <LoadingState />}
      {loggedIn && loadError && <ErrorState message={loadError} onRetry={loadProfile} />}
      {loggedIn && profile && (
        <View className='me-card me-profile'>
          <Text className='me-card__title'>{profile.realName ?? '车商城用户'}</Text>
          {/* The BFF answers the phone masked (138****1234); it is shown as given. */}
          <Text className='me-card__hint me-profile__phone'>{profile.phone ? `手机号 ${profile.phone}` : '未绑定手机号'}</Text>
          {profile.channels.length > 0 && (
            <Text className='me-card__hint'>登录方式：{profile.channels.map((c) => CHANNEL_LABELS[c] ?? c).join('、')}</Text>
          )}
          {!profile.phone && !binding && (
            <Button className='btn-plain me-profile__bind' size='mini' onClick={() => setBinding(true)}>
              绑定手机号
            </Button>
          )}
          {!profile.phone && binding && (
            <SmsForm
              submitText='绑定'
              hint='绑定后也可在网页版用手机号登录'
              onSubmit={async (phone, code) => {
                setProfile(await bindPhone(phone, code))
                setBinding(false)
                Taro.showToast({ title: '绑定成功', icon: 'success' })
              }}
            />
          )}
        </View>
      )}

      {!loggedIn && <LoginPanel method={buildLoginMethod} onLoggedIn={onLoggedIn} />}

      <TrackingLookupEntry />
      <OpsEntry roles={profile?.roles} />
      <ConsoleEntry roles={profile?.roles} />
      <SalesEntries loggedIn={loggedIn} />
      <GarageEntries loggedIn={loggedIn} roles={profile?.roles} />
      <View className='me-entry me-entry--configs' onClick={openMyConfigs}>
        <Text className='me-entry__title'>我的配置</Text>
        <Text className='me-entry__arrow'>›</Text>
      </View>

      <View className='me-entry me-entry--privacy' onClick={onPrivacy}>
        <Text className='me-entry__title'>隐私政策</Text>
        <Text className='me-entry__value'>{privacyStatus}</Text>
      </View>
      {!consentGranted && <Text className='me-page__notice'>{PRIVACY_SUMMARY}</Text>}
      <Text className='me-page__policy-link' onClick={() => Taro.navigateTo({ url: privacyPolicyPath })}>
        阅读《隐私政策》全文 ›
      </Text>

      {loggedIn && (
        <>
          <View className='me-entry me-entry--export' onClick={working ? undefined : onExport}>
            <Text className='me-entry__title'>导出我的数据</Text>
            <Text className='me-entry__arrow'>›</Text>
          </View>
          {exported && <ExportSummary data={exported} onClose={() => setExported(null)} />}
          <View className='me-entry me-entry--delete' onClick={working ? undefined : onDelete}>
            <Text className='me-entry__title me-entry__title--danger'>注销账号</Text>
            <Text className='me-entry__arrow'>›</Text>
          </View>
          <Button className='btn-plain me-logout' onClick={onLogout}>
            退出登录
          </Button>
        </>
      )}
      {error && <Text className='me-page__error'>{error}</Text>}
    </View>
  )
}
