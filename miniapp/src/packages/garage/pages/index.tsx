import { Button, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { addVehiclePath, listMyVehicles, myServiceBookingsPath, vehiclePath } from '../../../api/garage'
import { EmptyState, ErrorState, LoadingState } from '../../../components/StatusViews'
import { SERVICE_STATUS, odometerText, useSignedInData, vinTail } from '../lib'
import './garage.scss'

const fetchVehicles = () => listMyVehicles().then((r) => r.items)

/** 我的车库: my cars with the next service at a glance; tap for the details and 预约保养; 添加我的车 for a car bought elsewhere. */
export default function GaragePage() {
  const [state, load] = useSignedInData(fetchVehicles)

  return (
    <View className='page garage-page'>
      {state.status === 'loading' && <LoadingState />}
      {state.status === 'login' && <EmptyState text='请先在「我的」登录后查看车库' />}
      {state.status === 'error' && <ErrorState message={state.message} onRetry={load} />}
      {state.status === 'ready' && state.data.length === 0 && <EmptyState text='还没有车辆：在本商城购买的车交付后会自动出现在这里，在经销商购买的车可以手动添加' />}
      {state.status === 'ready' &&
        state.data.map((v) => {
          const s = SERVICE_STATUS[v.health.service.status] ?? SERVICE_STATUS.ok
          return (
            <View key={v.id} className='garage-card vehicle-item' data-id={v.id} onClick={() => Taro.navigateTo({ url: vehiclePath(v.id) })}>
              <View className='garage-card__head'>
                <Text className='garage-card__title'>{v.modelName}</Text>
                <Text className={`badge badge--${s.tone}`}>{s.text}</Text>
              </View>
              <Text className='garage-card__hint'>
                {v.plate ? `${v.plate} · ` : ''}车架号 {vinTail(v.vin)} · {odometerText(v)}
              </Text>
              <Text className='garage-card__line vehicle-item__service'>下次保养：约 {v.health.service.dueDate}</Text>
            </View>
          )
        })}
      {state.status === 'ready' && (
        <Button className='btn-plain garage-page__add' onClick={() => Taro.navigateTo({ url: addVehiclePath() })}>
          添加我的车
        </Button>
      )}
      {state.status === 'ready' && (
        <View className='garage-link' onClick={() => Taro.navigateTo({ url: myServiceBookingsPath })}>
          <Text>我的保养预约</Text>
          <Text className='garage-link__arrow'>›</Text>
        </View>
      )}
    </View>
  )
}
