import { useCallback, useEffect, useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro, { useDidShow, useRouter } from '@tarojs/taro'
import { bookServicePath, getMyVehicle, listMyServiceBookings, myServiceBookingsPath, type MyVehicle, type ServiceBooking } from '../../../api/garage'
import { ErrorState, LoadingState } from '../../../components/StatusViews'
import { SubscribeReminder } from '../../../components/SubscribeReminder'
import { BATTERY_STATUS, SERVICE_STATUS, TYRE_STATUS, errorText, odometerText } from '../lib'
import './garage.scss'

type State = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; vehicle: MyVehicle; upcoming: ServiceBooking | null }

function Figure({ cls, title, value, status, reason }: { cls: string; title: string; value: string; status: { text: string; tone: string }; reason: string }) {
  return (
    <View className={`garage-card health ${cls}`}>
      <View className='garage-card__head'>
        <Text className='garage-card__title'>{title}</Text>
        <Text className={`badge badge--${status.tone}`}>{status.text}</Text>
      </View>
      <Text className='health__value'>{value}</Text>
      <Text className='garage-card__hint health__reason'>{reason}</Text>
    </View>
  )
}

/** One car: next service, tyres and battery with the reasons behind them, and 预约保养. */
export default function VehiclePage() {
  const { params } = useRouter()
  const id = params.id ?? ''
  const [state, setState] = useState<State>({ status: 'loading' })

  const load = useCallback(async () => {
    try {
      const [vehicle, bookings] = await Promise.all([getMyVehicle(id), listMyServiceBookings().catch(() => ({ items: [] as ServiceBooking[] }))])
      const upcoming = bookings.items.find((b) => b.vehicle?.id === id && b.status === 'booked' && b.cancellable) ?? null
      setState({ status: 'ready', vehicle, upcoming })
    } catch (err) {
      setState({ status: 'error', message: errorText(err) })
    }
  }, [id])

  useEffect(() => {
    void load()
  }, [load])
  useDidShow(() => {
    void load()
  })

  if (state.status === 'loading') return <LoadingState />
  if (state.status === 'error') return <ErrorState message={state.message} onRetry={load} />
  const { vehicle: v, upcoming } = state
  const { service, tyres, battery } = v.health
  return (
    <View className='page garage-page vehicle-page'>
      <View className='garage-card'>
        <Text className='garage-card__title vehicle-page__model'>{v.modelName}</Text>
        <Text className='garage-card__hint'>
          {v.plate ? `${v.plate} · ` : ''}车架号 {v.vin} · 提车 {v.deliveredOn} · {odometerText(v)}
        </Text>
        {v.dealerName && (
          <Text className='garage-card__hint vehicle-page__sold-by'>
            {v.colourName ? `${v.colourName} · ` : ''}购于 {v.dealerName}
          </Text>
        )}
      </View>
      <Figure
        cls='health--service'
        title='下次保养'
        value={service.daysLeft >= 0 ? `约 ${service.dueDate}（${service.daysLeft} 天后）` : `已于 ${service.dueDate} 到期`}
        status={SERVICE_STATUS[service.status] ?? SERVICE_STATUS.ok}
        reason={service.reason}
      />
      <Figure cls='health--tyres' title='轮胎' value={`胎纹约 ${tyres.treadMm.toFixed(1)} mm · 磨损 ${Math.round(tyres.wearPct)}%`} status={TYRE_STATUS[tyres.status] ?? TYRE_STATUS.ok} reason={tyres.reason} />
      {battery && (
        <Figure cls='health--battery' title='电池健康' value={`约 ${battery.sohPct.toFixed(1)}%`} status={BATTERY_STATUS[battery.status] ?? BATTERY_STATUS.good} reason={battery.reason} />
      )}
      {upcoming ? (
        <View className='garage-card vehicle-page__upcoming' onClick={() => Taro.navigateTo({ url: myServiceBookingsPath })}>
          <Text className='garage-card__title'>已预约保养</Text>
          <Text className='garage-card__line'>
            {upcoming.slotLabel} · {upcoming.site.name}
          </Text>
        </View>
      ) : (
        <Button className='btn-primary vehicle-page__book' onClick={() => Taro.navigateTo({ url: bookServicePath(v.id) })}>
          预约保养
        </Button>
      )}
      <SubscribeReminder />
    </View>
  )
}
