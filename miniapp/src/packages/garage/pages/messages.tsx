import { useState } from 'react'
import { Text, View } from '@tarojs/components'
import Taro, { useReachBottom } from '@tarojs/taro'
import { formatDateTimeCN } from '@carmall/shared-types'
import { listMessages, markMessageRead, vehiclePath, type Inbox, type InboxMessage } from '../../../api/garage'
import { EmptyState, ErrorState, LoadingState } from '../../../components/StatusViews'
import { SubscribeReminder } from '../../../components/SubscribeReminder'
import { errorText, useSignedInData } from '../lib'
import './garage.scss'

const PAGE_SIZE = 20
const firstPage = () => listMessages(1, PAGE_SIZE)

/** 消息中心: maintenance reminders, campaigns and delivery notices on every platform; tap to read. */
export default function MessagesPage() {
  const [state, load, update] = useSignedInData<Inbox>(firstPage)
  const [open, setOpen] = useState('')

  useReachBottom(async () => {
    if (state.status !== 'ready' || state.data.items.length >= state.data.total) return
    try {
      const res = await listMessages(state.data.page + 1, PAGE_SIZE)
      update((d) => ({ ...res, items: [...d.items, ...res.items] }))
    } catch (err) {
      Taro.showToast({ title: errorText(err), icon: 'none' })
    }
  })

  const onTap = async (m: InboxMessage) => {
    setOpen((o) => (o === m.id ? '' : m.id))
    if (m.read) return
    // Shown read at once; put back if the BFF did not take it.
    const mark = (read: boolean) => (d: Inbox) => ({ ...d, unread: Math.max(0, d.unread + (read ? -1 : 1)), items: d.items.map((x) => (x.id === m.id ? { ...x, read } : x)) })
    update(mark(true))
    try {
      await markMessageRead(m.id)
    } catch {
      update(mark(false))
    }
  }

  return (
    <View className='page garage-page messages-page'>
      <SubscribeReminder />
      {state.status === 'loading' && <LoadingState />}
      {state.status === 'login' && <EmptyState text='请先在「我的」登录后查看消息' />}
      {state.status === 'error' && <ErrorState message={state.message} onRetry={load} />}
      {state.status === 'ready' && <Text className='messages-page__count'>{state.data.unread > 0 ? `${state.data.unread} 条未读` : '全部已读'}</Text>}
      {state.status === 'ready' && state.data.items.length === 0 && <EmptyState text='暂无消息' />}
      {state.status === 'ready' &&
        state.data.items.map((m) => (
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
