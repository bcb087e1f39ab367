import { useCallback, useEffect, useState } from 'react'
import { Text, View } from '@tarojs/components'
import Taro, { useDidShow, useReachBottom } from '@tarojs/taro'
import { formatDateTimeCN } from '@carmall/shared-types'
import { ApiError, getToken } from '../../../api/client'
import { listMessages, markMessageRead, vehiclePath, type InboxMessage } from '../../../api/garage'
import { EmptyState, ErrorState, LoadingState } from '../../../components/StatusViews'
import { SubscribeReminder } from '../../../components/SubscribeReminder'
import { errorText } from '../lib'
import './garage.scss'

const PAGE_SIZE = 20
type State = { status: 'loading' } | { status: 'login' } | { status: 'error'; message: string } | { status: 'ready'; items: InboxMessage[]; total: number; unread: number; page: number }

/** 消息中心: maintenance reminders, campaigns and delivery notices on every platform; tap to read. */
export default function MessagesPage() {
  const [state, setState] = useState<State>({ status: 'loading' })
  const [open, setOpen] = useState('')

  const load = useCallback(async () => {
    if (!getToken()) return setState({ status: 'login' })
    try {
      const res = await listMessages(1, PAGE_SIZE)
      setState({ status: 'ready', items: res.items, total: res.total, unread: res.unread, page: 1 })
    } catch (err) {
      setState(err instanceof ApiError && err.status === 401 ? { status: 'login' } : { status: 'error', message: errorText(err) })
    }
  }, [])
  useEffect(() => {
    void load()
  }, [load])
  useDidShow(() => {
    void load()
  })
  useReachBottom(async () => {
    if (state.status !== 'ready' || state.items.length >= state.total) return
    try {
      const res = await listMessages(state.page + 1, PAGE_SIZE)
      setState((s) => (s.status === 'ready' ? { ...s, items: [...s.items, ...res.items], total: res.total, unread: res.unread, page: res.page } : s))
    } catch (err) {
      Taro.showToast({ title: errorText(err), icon: 'none' })
    }
  })

  const onTap = async (m: InboxMessage) => {
    setOpen((o) => (o === m.id ? '' : m.id))
    if (m.read) return
    // Shown read at once; put back if the BFF did not take it.
    setState((s) => (s.status === 'ready' ? { ...s, unread: Math.max(0, s.unread - 1), items: s.items.map((x) => (x.id === m.id ? { ...x, read: true } : x)) } : s))
    try {
      await markMessageRead(m.id)
    } catch {
      setState((s) => (s.status === 'ready' ? { ...s, unread: s.unread + 1, items: s.items.map((x) => (x.id === m.id ? { ...x, read: false } : x)) } : s))
    }
  }

  return (
    <View className='page garage-page messages-page'>
      <SubscribeReminder />
      {state.status === 'loading' && <LoadingState />}
      {state.status === 'login' && <EmptyState text='请先在「我的」登录后查看消息' />}
      {state.status === 'error' && <ErrorState message={state.message} onRetry={load} />}
      {state.status === 'ready' && <Text className='messages-page__count'>{state.unread > 0 ? `${state.unread} 条未读` : '全部已读'}</Text>}
      {state.status === 'ready' && state.items.length === 0 && <EmptyState text='暂无消息' />}
      {state.status === 'ready' &&
        state.items.map((m) => (
          <View key={m.id} className={`garage-card message-item${m.read ? '' : ' message-item--unread'}`} data-id={m.id} data-read={String(m.read)} onClick={() => onTap(m)}>
            <View className='garage-card__head'>
              <Text className='garage-card__title message-item__title'>
                {!m.read && <Text className='message-item__dot'>● </Text>}
                {m.title}
              </Text>
              <Text className='garage-card__hint'>{formatDateTimeCN(m.createdAt)}</Text>
            </View>
            <Text className={`garage-card__line message-item__body${open === m.id ? '' : ' message-item__body--clip'}`}>{m.body}</Text>
            {open === m.id && m.vehicleId && (
              <Text className='message-item__link' onClick={() => Taro.navigateTo({ url: vehiclePath(m.vehicleId!) })}>
                查看车辆与预约保养 ›
              </Text>
            )}
          </View>
        ))}
    </View>
  )
}
