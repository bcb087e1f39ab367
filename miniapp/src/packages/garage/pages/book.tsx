import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { Button, Text, Textarea, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { bookingReminderPromiseCN, formatDateCN } from '@carmall/shared-types'
import { ApiError } from '../../../api/client'
import { addVehiclePath, bookService, getMyVehicle, getSiteSlots, listMyVehicles, listServiceCentres, myServiceBookingsPath, type MyVehicle, type ServiceBooking, type Site, type SiteSlot } from '../../../api/garage'
import { newIdempotencyKey } from '../../../api/orders'
import { rescheduleServiceBooking } from '../../../api/bookings'
import { EmptyState, ErrorState, LoadingState } from '../../../components/StatusViews'
import { reminderChannelCN, useBookingSubscribe, type BookingSubscribeOutcome } from '../../../components/bookingSubscribe'
import { useLatestRequest } from '../../../utils/latestRequest'
import { dayLabel, errorText } from '../lib'
import './garage.scss'

type Load =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  // Opened without a car (e.g. from 保养预约): none yet, or several to choose from.
  | { status: 'no_vehicle' }
  | { status: 'choose'; vehicles: MyVehicle[] }
  | { status: 'ready'; vehicle: MyVehicle; centres: Site[] }

/**
 * 预约保养: city → service centre → day → free slot → confirm. Full slots cannot be picked.
 * 改期 (`?reschedule=<booking id>&site=<centre>`, from 我的保养预约): the booking's centre only, a new slot.
 */
export default function BookServicePage() {
  const { params } = useRouter()
  const rescheduleId = params.reschedule ? decodeURIComponent(params.reschedule) : ''
  const rescheduleSite = params.site ? decodeURIComponent(params.site) : ''
  const [vehicleId, setVehicleId] = useState(params.vehicleId ?? '')
  const [load, setLoad] = useState<Load>({ status: 'loading' })
  const [city, setCity] = useState('')
  const [centre, setCentre] = useState('')
  const [dates, setDates] = useState<string[]>([])
  const [date, setDate] = useState('')
  const [slots, setSlots] = useState<SiteSlot[] | null>(null)
  const [slotError, setSlotError] = useState('')
  const [picked, setPicked] = useState<SiteSlot | null>(null)
  const [note, setNote] = useState('')
  const [busy, setBusy] = useState(false)
  const [booked, setBooked] = useState<{ booking: ServiceBooking; at: number; subscribed: BookingSubscribeOutcome } | null>(null)
  // weapp: the confirmation and reminder templates are asked for when the booking is confirmed (see bookingSubscribe).
  const subscribe = useBookingSubscribe(true)
  // One key per booking attempt: a retry after a lost answer finds the same booking.
  const key = useRef(newIdempotencyKey())

  const init = useCallback(async () => {
    try {
      if (!vehicleId) {
        // No car given: the only one, a choice, or say there is none (never book "undefined").
        const { items: mine } = await listMyVehicles()
        if (mine.length === 0) return setLoad({ status: 'no_vehicle' })
        if (mine.length > 1) return setLoad({ status: 'choose', vehicles: mine })
        return setVehicleId(mine[0].id)
      }
      const [vehicle, { items: all }] = await Promise.all([getMyVehicle(vehicleId), listServiceCentres()])
      // A booking moves within its centre.
      const items = rescheduleId ? all.filter((c) => c.code === rescheduleSite) : all
      setLoad({ status: 'ready', vehicle, centres: items })
      setCity(items[0]?.city ?? '')
      setCentre(items[0]?.code ?? '')
    } catch (err) {
      setLoad({ status: 'error', message: errorText(err) })
    }
  }, [vehicleId, rescheduleId, rescheduleSite])
  useEffect(() => {
    void init()
  }, [init])

  // Only the latest request fills the list: a slow answer for a day tapped earlier is dropped.
  const beginSlotsRequest = useLatestRequest()
  const fetchSlots = useCallback(async (code: string, day?: string) => {
    const isLatest = beginSlotsRequest()
    setSlots(null)
    setSlotError('')
    setPicked(null)
    try {
      const res = await getSiteSlots(code, day)
      if (!isLatest()) return
      setDates(res.dates)
      // Today may be over already: show the first open day instead.
      if (!day && res.slots.length === 0 && res.dates[0] && res.dates[0] !== res.date) return fetchSlots(code, res.dates[0])
      setDate(res.date)
      setSlots(res.slots)
    } catch (err) {
      if (isLatest()) setSlotError(errorText(err))
    }
  }, [beginSlotsRequest])
  useEffect(() => {
    if (centre) void fetchSlots(centre)
  }, [centre, fetchSlots])

  const centres = load.status === 'ready' ? load.centres : []
  const cities = useMemo(() => [...new Set(centres.map((c) => c.city))], [centres])
  const today = formatDateCN(Date.now())

  const onConfirm = async () => {
    if (!picked || load.status !== 'ready') return
    const site = centres.find((c) => c.code === centre)!
    let subscribed: Promise<BookingSubscribeOutcome> = Promise.resolve('none')
    const { confirm } = await Taro.showModal({
      title: rescheduleId ? '确认改期' : '确认预约',
      content: `${load.vehicle.modelName}\n${site.name}\n${dayLabel(date, today)} ${picked.label}`,
      // The 确定 tap is the user's tap WeChat's subscribe dialog needs: asked in its callback, synchronously.
      success: (r) => {
        if (r.confirm) subscribed = subscribe.ask()
      },
    })
    if (!confirm) return
    setBusy(true)
    try {
      const outcome = await subscribed
      const booking = rescheduleId
        ? await rescheduleServiceBooking(rescheduleId, picked.start, key.current)
        : await bookService({ vehicleId, siteCode: centre, slotStart: picked.start, note: note.trim() || null }, key.current)
      setBooked({ booking, at: Date.now(), subscribed: outcome })
    } catch (err) {
      if (err instanceof ApiError && (err.code === 'SLOT_FULL' || err.code === 'SLOT_IN_PAST')) {
        key.current = newIdempotencyKey() // that attempt is over: the next pick is a new booking
        void fetchSlots(centre, date)
      }
      Taro.showToast({ title: errorText(err, '预约失败，请重试'), icon: 'none' })
    } finally {
      setBusy(false)
    }
  }

  if (booked) {
    const { booking } = booked
    const promise = bookingReminderPromiseCN(booking.slotStart, booked.at)
    return (
      <View className='page garage-page book-page book-page--done' data-id={booking.id}>
        <View className='garage-card'>
          <Text className='garage-card__title'>{rescheduleId ? '已改期' : '预约成功'}</Text>
          <Text className='garage-card__line book-done__vehicle'>{booking.vehicle?.modelName ?? ''}</Text>
          <Text className='garage-card__line book-done__slot'>{booking.slotLabel}</Text>
          <Text className='garage-card__line'>
            {booking.site.name} · {booking.site.address}
          </Text>
          <Text className='garage-card__hint book-done__bring'>请携带行驶证，提前 10 分钟到店；如需改期或取消，请在「我的保养预约」中操作。</Text>
          {promise && <Text className='garage-card__line book-done__reminders'>{promise}</Text>}
          {promise && <Text className='garage-card__hint book-done__channel'>{reminderChannelCN(booked.subscribed)}</Text>}
        </View>
        <Button className='btn-primary book-done__mine' onClick={() => Taro.redirectTo({ url: myServiceBookingsPath })}>
          查看我的预约
        </Button>
      </View>
    )
  }
  if (load.status === 'loading') return <LoadingState />
  if (load.status === 'error') return <ErrorState message={load.message} onRetry={init} />
  if (load.status === 'no_vehicle') {
    return (
      <View className='page garage-page book-page book-page--no-vehicle'>
        <EmptyState text='您名下还没有车辆：在经销商购买的车可以先添加到「我的车库」再预约保养；在本商城购买的车交付后会自动加入。' />
        {/* 添加我的车 comes back here with the added car (this page is replaced, so 返回 does not land on "no car"). */}
        <Button className='btn-primary book-page__add-vehicle' onClick={() => Taro.redirectTo({ url: addVehiclePath('book') })}>
          添加车辆
        </Button>
        <Button className='btn-plain book-page__to-models' onClick={() => Taro.switchTab({ url: '/pages/models/index' })}>
          去选车
        </Button>
      </View>
    )
  }
  if (load.status === 'choose') {
    return (
      <View className='page garage-page book-page book-page--choose'>
        <Text className='book-page__vehicle'>为哪辆车预约保养？</Text>
        {load.vehicles.map((v) => (
          <View key={v.id} className='garage-card book-page__pick-vehicle' data-id={v.id} onClick={() => { setLoad({ status: 'loading' }); setVehicleId(v.id) }}>
            <Text className='garage-card__title'>{v.modelName}</Text>
            <Text className='garage-card__hint'>车架号 {v.vin}</Text>
          </View>
        ))}
      </View>
    )
  }
  if (centres.length === 0) return <EmptyState text='暂无可预约的服务中心' />
  return (
    <View className='page garage-page book-page'>
      <Text className='book-page__vehicle'>{load.vehicle.modelName}</Text>
      <View className='chips'>
        {cities.map((c) => (
          <Text
            key={c}
            className={`chip book-city${c === city ? ' chip--on' : ''}`}
            onClick={() => {
              setCity(c)
              setCentre(centres.find((x) => x.city === c)!.code)
            }}
          >
            {c}
          </Text>
        ))}
      </View>
      {centres
        .filter((c) => c.city === city)
        .map((c) => (
          <View key={c.code} className={`garage-card centre-item${c.code === centre ? ' centre-item--on' : ''}`} data-code={c.code} onClick={() => setCentre(c.code)}>
            <Text className='garage-card__title'>{c.name}</Text>
            <Text className='garage-card__hint'>{c.address}</Text>
            <Text className='garage-card__hint'>{c.hours.join('；')}</Text>
          </View>
        ))}
      <View className='chips'>
        {dates.map((d) => (
          <Text key={d} className={`chip book-date${d === date ? ' chip--on' : ''}`} data-date={d} onClick={() => void fetchSlots(centre, d)}>
            {dayLabel(d, today)}
          </Text>
        ))}
      </View>
      {slotError && <ErrorState message={slotError} onRetry={() => void fetchSlots(centre, date || undefined)} />}
      {!slotError && slots === null && <LoadingState />}
      {slots && slots.length === 0 && <EmptyState text='当天没有可预约的时段' />}
      <View className='slots'>
        {slots?.map((s) => {
          const full = s.remaining <= 0
          return (
            <View
              key={s.start}
              className={`slot${full ? ' slot--full' : ''}${picked?.start === s.start ? ' slot--on' : ''}`}
              data-start={s.start}
              data-available={String(!full)}
              onClick={full ? undefined : () => setPicked(s)}
            >
              <Text className='slot__label'>{s.label}</Text>
              <Text className='slot__left'>{full ? '已约满' : `余 ${s.remaining}`}</Text>
            </View>
          )
        })}
      </View>
      {/* A moved booking keeps its note. */}
      {!rescheduleId && <Textarea className='book-page__note' placeholder='备注（选填），如：更换雨刮' maxlength={200} value={note} onInput={(e) => setNote(e.detail.value)} />}
      <Button className='btn-primary book-page__confirm' disabled={!picked || busy || undefined} loading={busy} onClick={onConfirm}>
        {picked ? `${rescheduleId ? '改到' : '预约'} ${dayLabel(date, today)} ${picked.label}` : '请选择时段'}
      </Button>
    </View>
  )
}
