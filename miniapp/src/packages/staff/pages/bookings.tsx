import { useCallback, useEffect, useState } from 'react'
import { Text, View } from '@tarojs/components'
import { formatDateCN } from '@carmall/shared-types'
import { ApiError } from '../../../api/client'
import { addDays } from '@carmall/shared-types'
import { listServiceCentres, type Site } from '../../../api/garage'
import { centreBookings, type CentreBookings } from '../../../api/staff'
import { EmptyState, ErrorState, LoadingState } from '../../../components/StatusViews'
import { dayLabel, errorText, vinTail } from '../../garage/lib'
import { useStaffAccess } from '../lib'
import '../../garage/pages/garage.scss'
import './staff.scss'

/** 服务中心预约: a centre's maintenance bookings of a day (staff assigned to a centre see theirs). */
export default function CentreBookingsPage() {
  const access = useStaffAccess()
  const today = formatDateCN(Date.now())
  const [centres, setCentres] = useState<Site[]>([])
  const [centre, setCentre] = useState<string | undefined>(undefined)
  const [date, setDate] = useState(today)
  const [data, setData] = useState<CentreBookings | null>(null)
  const [error, setError] = useState('')

  useEffect(() => {
    if (access === 'ok') listServiceCentres().then((r) => setCentres(r.items)).catch(() => setCentres([]))
  }, [access])

  const load = useCallback(async () => {
    setData(null)
    setError('')
    try {
      setData(await centreBookings(centre ?? (centres[0]?.code), date))
    } catch (err) {
      setError(errorText(err))
      if (err instanceof ApiError && err.code === 'FORBIDDEN') setCentre(undefined)
    }
  }, [centre, centres, date])
  useEffect(() => {
    if (access === 'ok' && (centre || centres.length)) void load()
  }, [access, load, centre, centres.length])

  if (access === 'checking') return <LoadingState />
  if (access !== 'ok') return <EmptyState text='仅服务人员可查看' />
  const shown = data?.site.code ?? centre
  return (
    <View className='page garage-page staff-page'>
      {!data?.assignedSite && (
        <View className='chips'>
          {centres.map((c) => (
            <Text key={c.code} className={`chip staff-centre${c.code === shown ? ' chip--on' : ''}`} data-code={c.code} onClick={() => setCentre(c.code)}>
              {c.name.replace(/^远山汽车\s*/, '')}
            </Text>
          ))}
        </View>
      )}
      <View className='chips'>
        {[0, 1, 2, 3, 4, 5, 6].map((i) => {
          const d = addDays(today, i)
          return (
            <Text key={d} className={`chip staff-date${d === date ? ' chip--on' : ''}`} onClick={() => setDate(d)}>
              {dayLabel(d, today)}
            </Text>
          )
        })}
      </View>
      {error && <ErrorState message={error} onRetry={load} />}
      {!error && !data && <LoadingState />}
      {data && <Text className='garage-card__hint'>{data.site.name} · {dayLabel(data.date, today)} · {data.items.filter((b) => b.status === 'booked').length} 个预约</Text>}
      {data && data.items.length === 0 && <EmptyState text='当天没有预约' />}
      {data?.items.map((b) => (
        <View key={b.id} className='garage-card centre-booking' data-status={b.status}>
          <View className='garage-card__head'>
            <Text className='garage-card__title'>{b.slotLabel.split(' ').pop()}</Text>
            <Text className={`badge badge--${b.status === 'booked' ? 'ok' : 'muted'}`}>{b.status === 'booked' ? '已预约' : '已取消'}</Text>
          </View>
          <Text className='garage-card__line'>
            {b.vehicle ? `${b.vehicle.modelName} ${vinTail(b.vehicle.vin)}` : '—'}
          </Text>
          <Text className='garage-card__hint'>
            车主 {b.owner.realName ?? ''} {b.owner.phone ?? '未留手机号'}
            {b.note ? ` · ${b.note}` : ''}
          </Text>
        </View>
      ))}
    </View>
  )
}
