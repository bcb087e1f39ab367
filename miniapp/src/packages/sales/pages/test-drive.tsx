import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { Button, Input, Text, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { bookingReminderPromiseCN, formatDateCN } from '@carmall/shared-types'
import { bookTestDrive, getTestDriveSlots, listMyTestDrives, listStores, myTestDrivesPath, type Store, type TestDrive, type TestDriveSlot } from '../../../api/advisors'
import { rescheduleTestDrive } from '../../../api/bookings'
import { loginMethod } from '../../../api/auth'
import { getModel, listModels } from '../../../api/catalog'
import { ApiError, getToken } from '../../../api/client'
import { newIdempotencyKey } from '../../../api/orders'
import { ErrorState, LoadingState } from '../../../components/StatusViews'
import { LoginPanel } from '../../../components/LoginPanel'
import { reminderChannelCN, useBookingSubscribe, type BookingSubscribeOutcome } from '../../../components/bookingSubscribe'
import { getVisitorId } from '../../../state/shareVisits'
import { useLatestRequest } from '../../../utils/latestRequest'
import { DAY_MS, dayLabel, errorText } from '../lib'
import { TestDriveLines } from '../parts'
import './sales.scss'

/** Bookable days offered: today and the next 6 (Shanghai dates; the BFF accepts up to 30 days ahead). */
export function bookableDates(now: number, days = 7): string[] {
  return Array.from({ length: days }, (_, i) => formatDateCN(now + i * DAY_MS))
}

type Slots = { status: 'idle' | 'loading' } | { status: 'error'; message: string } | { status: 'ready'; date: string; slots: TestDriveSlot[] }

/**
 * 预约试驾: a store (by city), a day and an hour (full or past hours disabled), the contact name;
 * the booking becomes a lead of the advisor whose share brought the buyer here (decided by the BFF
 * from this device's share visits, see state/shareVisits).
 * 改期 (`?reschedule=<test drive id>`, from 我的试驾): the same store and car, only a new day and hour.
 */
export default function TestDrivePage() {
  const { params } = useRouter()
  const rescheduleId = params.reschedule ? decodeURIComponent(params.reschedule) : ''
  const [moving, setMoving] = useState<TestDrive | null>(null)
  const [modelCode, setModelCode] = useState(params.model ? decodeURIComponent(params.model) : '')
  const [modelName, setModelName] = useState('')
  const [models, setModels] = useState<Array<{ code: string; name: string }>>([])
  const [stores, setStores] = useState<Store[] | null>(null)
  const [storesError, setStoresError] = useState('')
  const [city, setCity] = useState('')
  const [storeCode, setStoreCode] = useState('')
  const dates = useMemo(() => bookableDates(Date.now()), [])
  const [date, setDate] = useState(dates[0])
  const [slots, setSlots] = useState<Slots>({ status: 'idle' })
  const [slotStart, setSlotStart] = useState('')
  const [contactName, setContactName] = useState('')
  const [phone, setPhone] = useState('')
  const [loggedIn, setLoggedIn] = useState(() => !!getToken())
  const [submitting, setSubmitting] = useState(false)
  const [notice, setNotice] = useState('')
  const [booked, setBooked] = useState<{ td: TestDrive; at: number; subscribed: BookingSubscribeOutcome } | null>(null)
  // weapp: the confirmation and reminder templates are asked for at the 确认预约 tap (see bookingSubscribe).
  const subscribe = useBookingSubscribe(loggedIn)
  // One key per booking attempt: a retry (double tap, timeout) can never book twice.
  const idempotencyKey = useRef(newIdempotencyKey())

  const loadStores = useCallback(async () => {
    setStoresError('')
    try {
      if (rescheduleId) {
        // Moving a booking: its own store and car only.
        const td = (await listMyTestDrives()).items.find((x) => x.id === rescheduleId)
        if (!td || td.status !== 'booked') return setStoresError('该试驾预约不可改期')
        setMoving(td)
        setModelCode(td.modelCode)
        setModelName(td.modelName)
        setStores([td.store])
        setCity(td.store.city)
        setStoreCode(td.store.code)
        return
      }
      const { items } = await listStores()
      setStores(items)
      if (items[0]) {
        setCity(items[0].city)
        setStoreCode(items[0].code)
      }
    } catch (err) {
      setStoresError(errorText(err))
    }
  }, [rescheduleId])

  useEffect(() => {
    void loadStores()
  }, [loadStores])

  useEffect(() => {
    if (rescheduleId) return // the booking names its car
    if (modelCode) {
      getModel(modelCode)
        .then((d) => setModelName(d.model.name))
        .catch(() => setModelName(modelCode))
    } else {
      listModels({ pageSize: 50 })
        .then((p) => setModels(p.items.map((m) => ({ code: m.code, name: m.name }))))
        .catch(() => setModels([]))
    }
  }, [modelCode, rescheduleId])

  // Only the latest request fills the list, or a slow answer for the previous day would show (and book) its hours.
  const beginSlotsRequest = useLatestRequest()
  const loadSlots = useCallback(async () => {
    if (!storeCode) return
    const isLatest = beginSlotsRequest()
    setSlots({ status: 'loading' })
    setSlotStart('')
    try {
      const res = await getTestDriveSlots(storeCode, date)
      if (isLatest()) setSlots({ status: 'ready', date, slots: res.slots })
    } catch (err) {
      if (isLatest()) setSlots({ status: 'error', message: errorText(err) })
    }
  }, [storeCode, date, beginSlotsRequest])

  useEffect(() => {
    void loadSlots()
  }, [loadSlots])

  // Another choice is another booking attempt.
  useEffect(() => {
    idempotencyKey.current = newIdempotencyKey()
  }, [storeCode, slotStart, modelCode, contactName, phone])

  const cities = useMemo(() => Array.from(new Set((stores ?? []).map((s) => s.city))), [stores])
  const cityStores = (stores ?? []).filter((s) => s.city === city)

  const pickCity = (c: string) => {
    setCity(c)
    setStoreCode((stores ?? []).find((s) => s.city === c)?.code ?? '')
  }

  const submit = async () => {
    if (submitting) return
    if (!modelCode) return setNotice('请选择试驾车型')
    if (!storeCode) return setNotice('请选择门店')
    if (!slotStart) return setNotice('请选择试驾时间')
    if (moving && slotStart === moving.slotStart) return setNotice('请选择与原预约不同的时间')
    if (!moving && !contactName.trim()) return setNotice('请填写联系人')
    if (!moving && phone && !/^1[3-9]\d{9}$/.test(phone)) return setNotice('手机号不正确')
    if (!getToken()) return setLoggedIn(false)
    // Inside the tap, before anything is awaited; the booking is sent once WeChat's answer is recorded.
    const subscribed = subscribe.ask()
    setNotice('')
    setSubmitting(true)
    try {
      const outcome = await subscribed
      const res = moving
        ? await rescheduleTestDrive(moving.id, slotStart, idempotencyKey.current)
        : await bookTestDrive({ storeCode, slotStart, modelCode, contactName: contactName.trim(), ...(phone ? { phone } : {}), visitorId: getVisitorId() }, idempotencyKey.current)
      setBooked({ td: res, at: Date.now(), subscribed: outcome })
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        setLoggedIn(false)
      } else if (err instanceof ApiError && err.code === 'SLOT_UNAVAILABLE') {
        const reason = (err.details as { reason?: string } | undefined)?.reason
        setNotice(reason === 'SLOT_IN_PAST' ? '该时段已过，请选择其他时间' : reason === 'SLOT_NOT_OFFERED' ? '该时段不可预约，请选择其他时间' : '该时段刚刚约满，请选择其他时间')
        void loadSlots()
      } else {
        setNotice(errorText(err, '预约失败，请重试'))
      }
    } finally {
      setSubmitting(false)
    }
  }

  if (booked) {
    const promise = bookingReminderPromiseCN(booked.td.slotStart, booked.at)
    return (
      <View className='page sales-page test-drive-done' data-id={booked.td.id}>
        <View className='sales-card'>
          <Text className='sales-card__title'>{moving ? '已改期' : '预约成功'}</Text>
          <Text className='sales-card__line test-drive-done__model'>{booked.td.modelName}</Text>
          <TestDriveLines td={booked.td} slotClass='test-drive-done__slot' after='，顾问会尽快与您联系。' />
          <Text className='sales-card__hint test-drive-done__bring'>请携带驾驶证原件，提前 10 分钟到店；如需改期或取消，请在「我的试驾」中操作。</Text>
          {promise && <Text className='sales-card__line test-drive-done__reminders'>{promise}</Text>}
          {promise && <Text className='sales-card__hint test-drive-done__channel'>{reminderChannelCN(booked.subscribed)}</Text>}
        </View>
        <Button className='btn-primary sales-page__wide test-drive-done__mine' onClick={() => Taro.redirectTo({ url: myTestDrivesPath })}>
          查看我的试驾
        </Button>
      </View>
    )
  }

  return (
    <View className='page sales-page test-drive-page'>
      <Text className='section-title'>试驾车型</Text>
      {modelCode ? (
        <Text className='sales-card__line test-drive-page__model'>{modelName || modelCode}</Text>
      ) : (
        <View className='chips'>
          {models.map((m) => (
            <Text key={m.code} className='chip test-drive-model' onClick={() => setModelCode(m.code)}>
              {m.name}
            </Text>
          ))}
        </View>
      )}

      <Text className='section-title'>选择门店</Text>
      {storesError && <ErrorState message={storesError} onRetry={loadStores} />}
      {!stores && !storesError && <LoadingState />}
      {stores && (
        <>
          <View className='chips'>
            {cities.map((c) => (
              <Text key={c} className={`chip test-drive-city ${c === city ? 'chip--on' : ''}`} onClick={() => pickCity(c)}>
                {c}
              </Text>
            ))}
          </View>
          {cityStores.map((s) => (
            <View key={s.code} className={`store-item ${s.code === storeCode ? 'store-item--on' : ''}`} data-code={s.code} onClick={() => setStoreCode(s.code)}>
              <Text className='store-item__name'>{s.name}</Text>
              <Text className='store-item__address'>{s.address}</Text>
              <Text className='store-item__address store-item__hours'>
                {[...s.hours, s.phone ? `电话 ${s.phone}` : ''].filter(Boolean).join(' · ')}
              </Text>
            </View>
          ))}
        </>
      )}

      <Text className='section-title'>选择日期</Text>
      <View className='chips'>
        {dates.map((d, i) => (
          <Text key={d} className={`chip test-drive-date ${d === date ? 'chip--on' : ''}`} data-date={d} onClick={() => setDate(d)}>
            {dayLabel(d, i)}
          </Text>
        ))}
      </View>

      <Text className='section-title'>选择时段</Text>
      {slots.status === 'loading' && <LoadingState />}
      {slots.status === 'error' && <ErrorState message={slots.message} onRetry={loadSlots} />}
      {slots.status === 'ready' && slots.date === date && slots.slots.length === 0 && <Text className='sales-card__hint'>当天暂无可预约时段</Text>}
      {slots.status === 'ready' && slots.date === date && (
        <View className='chips test-drive-slots' data-date={slots.date}>
          {slots.slots.map((s) => (
            <Text
              key={s.start}
              className={`chip slot ${s.available ? '' : 'slot--full chip--disabled'} ${s.start === slotStart ? 'chip--on' : ''}`}
              data-start={s.start}
              data-available={String(s.available)}
              onClick={() => s.available && setSlotStart(s.start)}
            >
              {s.label}
              {s.available ? '' : ' 已约满'}
            </Text>
          ))}
        </View>
      )}

      {moving ? (
        <View className='sales-card test-drive-page__moving'>
          <Text className='sales-card__hint'>原预约：{moving.slotLabel}，选择新的时间后确认改期</Text>
        </View>
      ) : (
        <>
          <Text className='section-title'>联系人</Text>
          <View className='sales-card'>
            <Input className='sales-input test-drive-name' placeholder='您的姓名' maxlength={20} value={contactName} onInput={(e) => setContactName(e.detail.value)} />
            <Input className='sales-input test-drive-phone' type='number' placeholder='手机号（不填则使用账号绑定的手机号）' maxlength={11} value={phone} onInput={(e) => setPhone(e.detail.value)} />
          </View>
        </>
      )}

      {!loggedIn && (
        <View className='sales-card'>
          <Text className='sales-card__hint'>登录后即可提交预约</Text>
          <LoginPanel method={loginMethod} onLoggedIn={() => setLoggedIn(true)} />
        </View>
      )}

      {notice && <Text className='sales-page__error test-drive-notice'>{notice}</Text>}
      <Button className='btn-primary sales-page__wide test-drive-submit' loading={submitting} disabled={submitting || !loggedIn || undefined} onClick={submit}>
        {moving ? '确认改期' : '确认预约'}
      </Button>
    </View>
  )
}
