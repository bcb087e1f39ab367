import { useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { cancelServiceBooking, listMyServiceBookings, type ServiceBooking } from '../../../api/garage'
import { rescheduleServicePath } from '../../../api/bookings'
import { EmptyState, ErrorState, LoadingState } from '../../../components/StatusViews'
import { errorText, useSignedInData } from '../lib'
import './garage.scss'

const fetchBookings = () => listMyServiceBookings().then((r) => r.items)

/** 我的保养预约: latest first, upcoming ones can be moved (改期, same centre) or cancelled. */
export default function MyServiceBookingsPage() {
  const [state, load, update] = useSignedInData(fetchBookings)
  const [busyId, setBusyId] = useState('')

  const onCancel = async (b: ServiceBooking) => {
    const { confirm } = await Taro.showModal({ title: '取消预约', content: `确定取消 ${b.slotLabel} 在${b.site.name}的保养预约？` })
    if (!confirm) return
    setBusyId(b.id)
    try {
      const updated = await cancelServiceBooking(b.id)
      update((items) => items.map((x) => (x.id === updated.id ? updated : x)))
      Taro.showToast({ title: '已取消', icon: 'success' })
    } catch (err) {
      Taro.showToast({ title: errorText(err, '取消失败，请重试'), icon: 'none' })
    } finally {
      setBusyId('')
    }
  }

  return (
    <View className='page garage-page'>
      {state.status === 'loading' && <LoadingState />}
      {state.status === 'login' && <EmptyState text='请先在「我的」登录后查看预约' />}
      {state.status === 'error' && <ErrorState message={state.message} onRetry={load} />}
      {state.status === 'ready' && state.data.length === 0 && <EmptyState text='还没有保养预约' />}
      {state.status === 'ready' &&
        state.data.map((b) => (
          <View key={b.id} className='garage-card service-booking' data-id={b.id} data-status={b.status}>
            <View className='garage-card__head'>
              <Text className='garage-card__title'>{b.slotLabel}</Text>
              <Text className={`badge badge--${b.status === 'booked' ? 'ok' : 'muted'}`}>{b.status === 'booked' ? '已预约' : b.movedTo ? '已改期' : '已取消'}</Text>
            </View>
            <Text className='garage-card__line'>{b.site.name}</Text>
            <Text className='garage-card__hint'>
              {b.vehicle?.modelName ?? ''} · {b.site.address}
            </Text>
            {b.note && <Text className='garage-card__hint'>备注：{b.note}</Text>}
            {b.cancellable && b.vehicle && (
              <Button className='btn-plain service-booking__reschedule' size='mini' disabled={busyId === b.id || undefined} onClick={() => Taro.navigateTo({ url: rescheduleServicePath(b) })}>
                改期
              </Button>
            )}
            {b.cancellable && (
              <Button className='btn-plain service-booking__cancel' size='mini' disabled={busyId === b.id || undefined} onClick={() => onCancel(b)}>
                取消预约
              </Button>
            )}
          </View>
        ))}
    </View>
  )
}
