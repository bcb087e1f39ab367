import { useEffect, useState } from 'react'
import { Button, Input, Text, View } from '@tarojs/components'
import { smsSend } from '../../api/auth'
import { ApiError } from '../../api/client'

export const RESEND_SECONDS = 60
const PHONE_RE = /^1[3-9]\d{9}$/
const CODE_RE = /^\d{6}$/

export const isValidPhone = (phone: string) => PHONE_RE.test(phone)

interface Props {
  submitText: string
  /** Called with a valid 11-digit phone and 6-digit code; a rejection is shown under the form. */
  onSubmit: (phone: string, code: string) => Promise<unknown>
  /** Shown above the form before anything happens. */
  hint?: string
  /** Asked before a code is sent (the privacy consent: a phone number is personal data); false stops it. */
  beforeSend?: () => Promise<boolean>
}

const message = (err: unknown, fallback: string) => (err instanceof ApiError ? err.message : fallback)

/** Phone + SMS code form with a 60 s resend countdown (H5 login and phone binding). */
export default function SmsForm({ submitText, onSubmit, hint, beforeSend }: Props) {
  const [phone, setPhone] = useState('')
  const [code, setCode] = useState('')
  const [countdown, setCountdown] = useState(0)
  const [sending, setSending] = useState(false)
  const [submitting, setSubmitting] = useState(false)
  const [sentTo, setSentTo] = useState('')
  const [error, setError] = useState('')

  useEffect(() => {
    if (countdown <= 0) return
    const t = setTimeout(() => setCountdown((c) => c - 1), 1000)
    return () => clearTimeout(t)
  }, [countdown])

  const send = async () => {
    if (sending || countdown > 0) return
    if (!isValidPhone(phone)) {
      setError('请输入 11 位手机号')
      return
    }
    setError('')
    if (beforeSend && !(await beforeSend())) return
    setSending(true)
    try {
      const res = await smsSend(phone)
      setSentTo(res.sentTo)
      setCountdown(RESEND_SECONDS)
    } catch (err) {
      setError(message(err, '验证码发送失败，请稍后重试'))
    } finally {
      setSending(false)
    }
  }

  const submit = async () => {
    if (submitting) return
    if (!isValidPhone(phone)) {
      setError('请输入 11 位手机号')
      return
    }
    if (!CODE_RE.test(code)) {
      setError('请输入 6 位验证码')
      return
    }
    setError('')
    setSubmitting(true)
    try {
      await onSubmit(phone, code)
    } catch (err) {
      setError(message(err, '操作失败，请重试'))
    } finally {
      setSubmitting(false)
    }
  }

  return (
    <View className='sms-form'>
      {hint && <Text className='sms-form__hint'>{hint}</Text>}
      <View className='sms-form__row'>
        <Input
          className='sms-form__input sms-form__phone'
          type='number'
          maxlength={11}
          placeholder='请输入手机号'
          value={phone}
          onInput={(e) => setPhone(e.detail.value.replace(/\D/g, ''))}
        />
      </View>
      <View className='sms-form__row'>
        <Input
          className='sms-form__input sms-form__code'
          type='number'
          maxlength={6}
          placeholder='6 位验证码'
          value={code}
          onInput={(e) => setCode(e.detail.value.replace(/\D/g, ''))}
        />
        <Button className='btn-plain sms-form__send' size='mini' disabled={sending || countdown > 0 || undefined} onClick={send}>
          {countdown > 0 ? `${countdown} 秒后重发` : sentTo ? '重新发送' : '获取验证码'}
        </Button>
      </View>
      {sentTo && <Text className='sms-form__sent'>验证码已发送至 {sentTo}</Text>}
      <Button className='btn-primary sms-form__submit' loading={submitting} disabled={submitting || undefined} onClick={submit}>
        {submitText}
      </Button>
      {error && <Text className='sms-form__error'>{error}</Text>}
    </View>
  )
}
