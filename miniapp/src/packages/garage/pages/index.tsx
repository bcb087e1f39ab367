import { useCallback, useEffect, useState } from 'react'
import { Text, View } from '@tarojs/components'
import Taro, { useDidShow } from '@tarojs/taro'
import { ApiError, getToken } from '../../../api/client'
import { listMyVehicles, myServiceBookingsPath, vehiclePath, type MyVehicle } from '../../../api/garage'
import { EmptyState, ErrorState, LoadingState } from '../../../components/StatusViews'
import { SERVICE_STATUS, errorText, km, vinTail } from '../lib'
import './garage.scss'

type State = { status: 'loading' } | { status: 'login' } | { status: 'error'; message: string } | { status: 'ready'; items: MyVehicle[] }

/** 我的车库: my cars with the next service at a glance; tap for the details and 预约保养. */
export default function GaragePage() {
  const [state, setState] = useState<State>({ status: 'loading' })

  const load = useCallback(async () => {
    if (!getToken()) return setState({ status: 'login' })
    setState((s) => (s.status === 'ready' ? s : { status: 'loading' }))
    try {
      setState({ status: 'ready', items: (await listMyVehicles()).items })
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

  return (
    <View className='page garage-page'>
      {state.status === 'loading' && <LoadingState />}
      {state.status === 'login' && <EmptyState text='请先在「我的」登录后查看车库' />}
      {state.status === 'error' && <ErrorState message={state.message} onRetry={load} />}
      {state.status === 'ready' && state.items.length === 0 && <EmptyState text='还没有车辆，提车后会自动出现在这里' />}
      {state.status === 'ready' &&
        state.items.map((v) => {
          const s = SERVICE_STATUS[v.health.service.status] ?? SERVICE_STATUS.ok
          return (
            <View key={v.id} className='garage-card vehicle-item' data-id={v.id} onClick={() => Taro.navigateTo({ url: vehiclePath(v.id) })}>
              <View className='garage-card__head'>
                <Text className='garage-card__title'>{v.modelName}</Text>
                <Text className={`badge badge--${s.tone}`}>{s.text}</Text>
              </View>
              <Text className='garage-card__hint'>
                车架号 {vinTail(v.vin)} · 里程 {km(v.odometerKm)}
              </Text>
              <Text className='garage-card__line vehicle-item__service'>下次保养：约 {v.health.service.dueDate}</Text>
            </View>
          )
        })}
      {state.status === 'ready' && (
        <View className='garage-link' onClick={() => Taro.navigateTo({ url: myServiceBookingsPath })}>
          <Text>我的保养预约</Text>
          <Text className='garage-link__arrow'>›</Text>
        </View>
      )}
    </View>
  )
}
