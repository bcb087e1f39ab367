import { useCallback, useEffect, useState } from 'react'
import { Input, Text, View } from '@tarojs/components'
import { formatFen, isCalendarDate } from '@carmall/shared-types'
import { ApiError, getToken } from '../../../api/client'
import { getDashboard, type Dashboard } from '../../../api/dashboard'
import { ErrorState, LoadingState } from '../../../components/StatusViews'
import { CButton, ConsoleShell, Forbidden, SignInFirst, useStaffRoles } from '../components/ConsoleShell'
import { DashboardChart } from '../components/DashboardChart'
import { defaultRange, percent, shortDay } from '../lib/dashboard'
import './console.scss'

type State = { status: 'loading' } | { status: 'error'; message: string; forbidden: boolean } | { status: 'ready'; data: Dashboard }
const H5 = process.env.TARO_ENV === 'h5'

/**
 * 管理后台 · 经营看板 (operators and admins): orders, deposits, locks and cancellations per day
 * (Beijing days), the range's conversion and each variant's stock cover. Service staff have no
 * menu entry; opened directly, the BFF's 403 shows 无权限.
 */
export default function ConsoleDashboardPage() {
  const signedIn = !!getToken()
  const roles = useStaffRoles(signedIn)
  const [range, setRange] = useState(() => defaultRange(Date.now()))
  const [draft, setDraft] = useState(range)
  const [problem, setProblem] = useState<string | null>(null)
  const [state, setState] = useState<State>({ status: 'loading' })

  const load = useCallback(async (r: { from: string; to: string }) => {
    setState({ status: 'loading' })
    try {
      setState({ status: 'ready', data: await getDashboard(r.from, r.to) })
    } catch (err) {
      setState({ status: 'error', message: err instanceof ApiError ? err.message : '加载失败，请重试', forbidden: err instanceof ApiError && (err.status === 403 || err.status === 401) })
    }
  }, [])
  useEffect(() => {
    if (signedIn) void load(range)
  }, [signedIn, range, load])

  const apply = () => {
    if (!isCalendarDate(draft.from) || !isCalendarDate(draft.to)) return setProblem('日期应为 YYYY-MM-DD')
    if (draft.from > draft.to) return setProblem('开始日期不能晚于结束日期')
    setProblem(null)
    setRange({ ...draft })
  }

  if (!signedIn) return <SignInFirst />
  return (
    <View className='console-page'>
      <ConsoleShell active='dashboard' roles={roles}>
        {state.status === 'error' && state.forbidden ? (
          <Forbidden text='经营看板仅运营与管理员可用；如需开通请联系管理员' />
        ) : (
          <View className='console-dashboard'>
            <View className='order-filters'>
              <View className='order-filters__row'>
                <Text className='order-filters__label'>日期（北京时间）</Text>
                <Input className='dash-from' value={draft.from} maxlength={10} onInput={(e) => setDraft({ ...draft, from: e.detail.value })} />
                <Text> 至 </Text>
                <Input className='dash-to' value={draft.to} maxlength={10} onInput={(e) => setDraft({ ...draft, to: e.detail.value })} />
                <CButton className='dash-apply' kind='primary' onClick={apply}>
                  查询
                </CButton>
              </View>
              {problem && <Text className='action-dialog__problem'>{problem}</Text>}
            </View>
            {state.status === 'loading' && <LoadingState />}
            {state.status === 'error' && <ErrorState message={state.message} onRetry={() => void load(range)} />}
            {state.status === 'ready' && <DashboardView data={state.data} />}
          </View>
        )}
      </ConsoleShell>
    </View>
  )
}

function DashboardView({ data }: { data: Dashboard }) {
  const labels = data.days.map((d) => shortDay(d.date))
  const c = data.conversion
  return (
    <>
      <View className='dash-cards'>
        {[
          ['下单', data.totals.placed.toLocaleString('en-US'), 'dash-card--placed'],
          ['支付意向金', `${data.totals.depositsPaid.toLocaleString('en-US')} 笔 · ${formatFen(data.totals.depositsFen)}`, 'dash-card--paid'],
          ['锁单', data.totals.locked.toLocaleString('en-US'), 'dash-card--locked'],
          ['取消', data.totals.cancelled.toLocaleString('en-US'), 'dash-card--cancelled'],
        ].map(([label, value, cls]) => (
          <View key={label} className={`dash-card ${cls}`}>
            <Text className='dash-card__label'>{label}</Text>
            <Text className='dash-card__value'>{value}</Text>
          </View>
        ))}
      </View>
      <View className='console-catalog dash-section'>
        <Text className='catalog-section__title'>转化（本期下单的订单）</Text>
        <Text className='dash-conversion'>
          下单 {c.placed} → 付意向金 {c.depositPaid}（{percent(c.paidRate)}）→ 锁单 {c.locked}（{percent(c.lockedRate)}）
        </Text>
      </View>
      {H5 && (
        <View className='console-catalog dash-section'>
          <Text className='catalog-section__title'>每日订单</Text>
          <DashboardChart
            className='dash-chart--orders'
            labels={labels}
            series={[
              { name: '下单', type: 'bar', data: data.days.map((d) => d.placed) },
              { name: '付意向金', type: 'bar', data: data.days.map((d) => d.depositsPaid) },
              { name: '锁单', type: 'bar', data: data.days.map((d) => d.locked) },
              { name: '取消', type: 'line', data: data.days.map((d) => d.cancelled) },
            ]}
          />
          <Text className='catalog-section__title'>每日意向金（¥）</Text>
          <DashboardChart className='dash-chart--deposits' labels={labels} series={[{ name: '意向金', type: 'line', data: data.days.map((d) => d.depositsFen / 100) }]} height={220} />
        </View>
      )}
      <View className='stock-table dash-days'>
        <View className='stock-table__head'>
          {['日期', '下单', '付意向金', '意向金金额', '锁单', '取消'].map((h) => (
            <Text key={h} className='stock-table__th'>
              {h}
            </Text>
          ))}
        </View>
        {data.days.map((d) => (
          <View key={d.date} className='stock-row dash-day' data-date={d.date}>
            <Text className='stock-table__td'>{d.date}</Text>
            <Text className='stock-table__td dash-day__placed'>{d.placed}</Text>
            <Text className='stock-table__td dash-day__paid'>{d.depositsPaid}</Text>
            <Text className='stock-table__td dash-day__fen'>{formatFen(d.depositsFen)}</Text>
            <Text className='stock-table__td dash-day__locked'>{d.locked}</Text>
            <Text className='stock-table__td dash-day__cancelled'>{d.cancelled}</Text>
          </View>
        ))}
      </View>
      <View className='stock-table dash-cover'>
        <Text className='catalog-section__title'>库存可售天数（可售 ÷ 近 14 天日均订单，低于 7 天标红）</Text>
        <View className='stock-table__head'>
          {['车型', '版本', '颜色', '可售', '近14天订单', '日均', '可售天数'].map((h) => (
            <Text key={h} className='stock-table__th'>
              {h}
            </Text>
          ))}
        </View>
        {data.stockCover.map((r) => (
          <View key={r.key} className={`stock-row dash-cover__row ${r.low ? 'dash-cover__row--low' : ''}`} data-key={r.key}>
            <Text className='stock-table__td'>{r.modelCode}</Text>
            <Text className='stock-table__td'>{r.trimCode}</Text>
            <Text className='stock-table__td'>{r.paintCode}</Text>
            <Text className='stock-table__td'>{r.available}</Text>
            <Text className='stock-table__td'>{r.ordersLast14Days}</Text>
            <Text className='stock-table__td'>{r.avgDailyOrders}</Text>
            <Text className='stock-table__td dash-cover__days'>{r.coverDays === null ? '—' : `${r.coverDays} 天${r.low ? '（不足）' : ''}`}</Text>
          </View>
        ))}
      </View>
    </>
  )
}
