import { useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { alipayLogin, smsLogin, wechatLogin, type LoginMethod, type LoginResponse } from '../api/auth'
import { ApiError } from '../api/client'
import SmsForm from '../pages/me/SmsForm'
import { hasPrivacyConsent, promptPrivacyConsent } from '../utils/privacy'
import { privacyPolicyPath } from '../utils/privacy-policy'
import './LoginPanel.scss'

const errorText = (err: unknown, fallback: string) => (err instanceof ApiError ? err.message : fallback)

// A component file (not the 我的 page module) so other pages and subpackages can use it: a
// mini-program build keeps only a page module's default export.
/** Login buttons for this build's target; the page passes its own method so tests can play each target. */
export function LoginPanel({ method, onLoggedIn }: { method: LoginMethod; onLoggedIn: (res: LoginResponse) => void }) {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')

  // Personal data is only processed after the privacy policy is accepted.
  const ensureConsent = async () => {
    if (hasPrivacyConsent()) return true
    if (await promptPrivacyConsent()) return true
    setError('需同意隐私政策后才能登录，未登录时仍可浏览车型。')
    return false
  }

  const run = async (login: () => Promise<LoginResponse>) => {
    setBusy(true)
    setError('')
    try {
      if (!(await ensureConsent())) return
      onLoggedIn(await login())
    } catch (err) {
      setError(errorText(err, '登录失败，请重试'))
    } finally {
      setBusy(false)
    }
  }

  return (
    <View className='me-login'>
      {method === 'wechat' && (
        <Button className='btn-primary me-login__wechat' loading={busy} disabled={busy || undefined} onClick={() => run(wechatLogin)}>
          微信登录
        </Button>
      )}
      {method === 'alipay' && (
        <Button className='btn-primary me-login__alipay' loading={busy} disabled={busy || undefined} onClick={() => run(alipayLogin)}>
          支付宝登录
        </Button>
      )}
      {method === 'sms' && (
        <SmsForm
          submitText='登录'
          hint='手机号验证码登录，未注册的手机号将自动注册'
          // Consent first: the phone number goes to the SMS provider when the code is sent.
          beforeSend={ensureConsent}
          onSubmit={async (phone, code) => {
            if (!(await ensureConsent())) return
            onLoggedIn(await smsLogin(phone, code))
          }}
        />
      )}
      {error && <Text className='sms-form__error'>{error}</Text>}
      <Text className='me-login__policy' onClick={() => Taro.navigateTo({ url: privacyPolicyPath })}>
        登录前请阅读《隐私政策》全文 ›
      </Text>
    </View>
  )
}
