/** Pieces shared by checkout, the order list (tab 订单) and the order detail page. */
import { useEffect, useState } from 'react'
import { Text, View } from '@tarojs/components'
import {
  ORDER_STATE_LABELS,
  ORDER_TRANSITIONS,
  type OrderActorKind,
  type OrderState,
  type OrderTimelineEntry,
} from '@carmall/shared-types'
import { loginMethod, type LoginMethod } from '../../api/auth'
import { LoginPanel } from '../../components/LoginPanel'
import { ApiError } from '../../api/client'
import './parts.scss'

export const errorText = (err: unknown, fallback = '加载失败，请稍后重试') => (err instanceof ApiError ? err.message : fallback)

/** 401 from the BFF: no session, or it expired. */
export const needsLogin = (err: unknown) => err instanceof ApiError && err.status === 401

/** "待支付定金" etc. with the state as a stable hook (`.order-state[data-state]`). */
export function OrderStateTag({ state }: { state: OrderState }) {
  return (
    <Text className={`order-state order-state--${state}`} data-state={state}>
      {ORDER_STATE_LABELS[state]}
    </Text>
  )
}

const ACTOR_LABELS: Record<OrderActorKind, string> = { buyer: '本人', staff: '工作人员', system: '系统', payment: '支付' }

/** What a timeline line says happened: the event's label ('created' is not a state-machine event). */
export const timelineLabel = (e: Pick<OrderTimelineEntry, 'event'>) =>
  e.event === 'created' ? '提交订单' : ORDER_TRANSITIONS[e.event]?.label ?? e.event

export const actorLabel = (kind: OrderActorKind) => ACTOR_LABELS[kind] ?? kind

/** Milliseconds left until `deadline` (ISO), ticking every second; null without a deadline. */
export function useCountdown(deadline: string | null): number | null {
  const target = deadline ? Date.parse(deadline) : NaN
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (Number.isNaN(target)) return
    setNow(Date.now())
    const timer = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(timer)
  }, [target])
  return Number.isNaN(target) ? null : Math.max(0, target - now)
}

/** 14:59 (mm:ss; hours only appear for windows over an hour). */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000))
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = total % 60
  const mmss = `${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`
  return h > 0 ? `${h}:${mmss}` : mmss
}

/**
 * Shown where a session is needed and there is none. WeChat login needs wx.login, which only
 * exists inside the WeChat mini-program; elsewhere say so and point to 我的.
 */
/**
 * Sign in right here, with this build's method (微信 / 支付宝 / 手机号验证码 on H5), so the buyer
 * stays on the page they were on (checkout, order, tracking) and it reloads once signed in.
 */
export function LoginPrompt({ text, onLoggedIn, method = loginMethod }: { text: string; onLoggedIn: () => void; method?: LoginMethod }) {
  return (
    <View className='login-prompt'>
      <Text className='login-prompt__text'>{text}</Text>
      <LoginPanel method={method} onLoggedIn={() => onLoggedIn()} />
    </View>
  )
}
