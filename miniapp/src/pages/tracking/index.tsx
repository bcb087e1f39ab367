import { useCallback, useEffect, useRef, useState } from 'react'
import { Button, Input, Text, View } from '@tarojs/components'
import Taro, { useDidHide, useDidShow, useRouter } from '@tarojs/taro'
import { formatDateTimeCN, formatEtaCN, formatKm } from '@carmall/shared-types'
import { ApiError, getToken } from '../../api/client'
import { getTracking, type Shipment, type Tracking } from '../../api/tracking'
import { EmptyState, ErrorState, LoadingState } from '../../components/StatusViews'
import { LoginPrompt, errorText, needsLogin } from '../order/parts'
import { RouteMap } from './RouteMap'
import './index.scss'
import { decodeParam } from '../../utils/navigation'

const ORDER_NO = /^CM\d{16}$/

/**
 * Refresh timing: every 30 s while the page is shown; after a failure the wait doubles up to
 * 5 minutes (a dead network is not hammered); a success goes back to 30 s. Hidden (another page,
 * app in the background): no polling; shown again: refreshed at once. Mutable for tests.
 */
export const pollTiming = { baseMs: 30_000, maxMs: 300_000 }

type State =
  | { status: 'lookup' }
  | { status: 'login' }
  | { status: 'loading' }
  | { status: 'error'; message: string; notFound: boolean }
  | { status: 'ready'; data: Tracking }

/** Whether a shipment can still change (otherwise polling stops). */
const moving = (t: Tracking) => !(t.shipment?.eta?.arrived || t.orderState === 'delivered' || t.orderState === 'cancelled' || t.orderState === 'refunded')

/**
 * 物流跟踪: an order's delivery — the route and the truck (map on WeChat/Alipay, offline drawing on
 * H5), the ETA with its 80% interval, and the milestones, refreshed live. Without an order number
 * it is a lookup by order number (the BFF only answers for the buyer's own orders).
 */
export default function TrackingPage() {
  const { params } = useRouter()
  const [orderNo, setOrderNo] = useState(() => decodeParam(params.orderNo))
  const [state, setState] = useState<State>(() => (!orderNo ? { status: 'lookup' } : getToken() ? { status: 'loading' } : { status: 'login' }))
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null)
  const delay = useRef(pollTiming.baseMs)
  const visible = useRef(true)
  const hasData = useRef(false)

  const stop = () => {
    if (timer.current) clearTimeout(timer.current)
    timer.current = null
  }

  const load = useCallback(async (no: string): Promise<void> => {
    stop()
    if (!getToken()) {
      setState({ status: 'login' })
      return
    }
    if (!hasData.current) setState({ status: 'loading' })
    let again = true
    try {
      const data = await getTracking(no)
      hasData.current = true
      delay.current = pollTiming.baseMs
      setState({ status: 'ready', data })
      again = moving(data)
    } catch (err) {
      if (needsLogin(err)) {
        setState({ status: 'login' })
        return
      }
      const notFound = err instanceof ApiError && (err.status === 404 || err.status === 400)
      // A refresh that fails keeps what is shown; only a first load shows the error.
      if (!hasData.current || notFound) setState({ status: 'error', message: notFound ? '未找到该订单（仅可查询本人的订单）' : errorText(err), notFound })
      again = !notFound
      if (!notFound) delay.current = Math.min(pollTiming.maxMs, delay.current * 2)
    }
    if (again && visible.current) timer.current = setTimeout(() => load(no), delay.current)
  }, [])

  useEffect(() => {
    if (orderNo) load(orderNo)
    return stop
  }, [orderNo, load])

  useDidHide(() => {
    visible.current = false
    stop()
  })
  useDidShow(() => {
    const wasHidden = !visible.current
    visible.current = true
    if (wasHidden && orderNo) load(orderNo)
  })

  const lookup = (no: string) => {
    hasData.current = false
    delay.current = pollTiming.baseMs
    setOrderNo(no)
  }

  if (state.status === 'lookup' || (!orderNo && state.status !== 'login')) return <Lookup onSubmit={lookup} />
  return (
    <View className='page tracking-page' data-order-no={orderNo}>
      {state.status === 'login' && <LoginPrompt text='登录后查看物流' onLoggedIn={() => load(orderNo)} />}
      {state.status === 'loading' && <LoadingState text='正在获取物流信息…' />}
      {state.status === 'error' && (
        <View>
          <ErrorState message={state.message} onRetry={() => load(orderNo)} />
          {state.notFound && (
            <Button className='btn-plain tracking-relookup' size='mini' onClick={() => Taro.redirectTo({ url: '/pages/tracking/index' })}>
              重新输入订单号
            </Button>
          )}
        </View>
      )}
      {state.status === 'ready' && <TrackingView data={state.data} />}
    </View>
  )
}

function Lookup({ onSubmit }: { onSubmit: (orderNo: string) => void }) {
  const [value, setValue] = useState('')
  const [hint, setHint] = useState('')
  const submit = () => {
    const no = value.trim().toUpperCase()
    if (!ORDER_NO.test(no)) {
      setHint('订单号为 CM 加 16 位数字，可在订单详情中找到')
      return
    }
    setHint('')
    onSubmit(no)
  }
  return (
    <View className='page tracking-page tracking-lookup'>
      <Text className='section-title'>按订单号查询物流</Text>
      <Input className='tracking-lookup__input' placeholder='请输入订单号，如 CM2026112800000001' maxlength={18} value={value} onInput={(e) => setValue(e.detail.value)} onConfirm={submit} />
      {hint && <Text className='tracking-lookup__hint'>{hint}</Text>}
      <Button className='btn-primary tracking-lookup__btn' onClick={submit}>
        查询
      </Button>
      <Text className='tracking-lookup__note'>仅可查询本人的订单</Text>
    </View>
  )
}

function EtaCard({ s }: { s: Shipment }) {
  const eta = s.eta
  if (!eta) return <Text className='tracking-eta tracking-eta--pending'>车辆即将发车，发车后显示预计送达时间</Text>
  if (eta.arrived) {
    return (
      <View className='tracking-eta tracking-eta--arrived' data-arrived='true'>
        <Text className='tracking-eta__main'>已于 {formatDateTimeCN(eta.at)} 到达{s.destination.name}</Text>
      </View>
    )
  }
  const f = formatEtaCN({ etaAt: eta.at, lowAt: eta.lowAt, highAt: eta.highAt })
  return (
    <View className='tracking-eta' data-eta={eta.at}>
      <Text className='tracking-eta__main'>{f.text}</Text>
      <Text className='tracking-eta__sub'>{Math.round(eta.confidence * 100)}% 可能在此时间段内送达</Text>
      {/* The engine's explanation without its own (minute-precise) ETA sentence, which the line above already says. */}
      <Text className='tracking-eta__sub tracking-eta__why'>{eta.summary.split('。')[0]}</Text>
    </View>
  )
}

function TrackingView({ data }: { data: Tracking }) {
  const s = data.shipment
  if (!s) {
    return (
      <View className='tracking-empty'>
        <Text className='tracking-head__no'>订单号 {data.orderNo} · {data.orderStateLabel}</Text>
        <EmptyState text='车辆尚未发运，发运后可在此查看实时位置和预计送达时间' />
      </View>
    )
  }
  const milestones = [...s.milestones].reverse() // newest first
  const progress = s.eta ? Math.round((s.eta.progressKm / Math.max(1, s.eta.totalKm)) * 100) : 0
  return (
    <View className='tracking-view' data-status={s.status}>
      <View className='tracking-head'>
        <Text className='tracking-head__status'>{s.statusLabel}</Text>
        <Text className='tracking-head__no'>订单号 {data.orderNo}</Text>
        <Text className='tracking-head__route'>
          {s.route.name} · 全程约 {formatKm(s.route.totalKm)} 公里
        </Text>
      </View>
      <EtaCard s={s} />
      <RouteMap shipment={s} />
      <View className='tracking-progress'>
        <View className='tracking-progress__bar' style={{ width: `${progress}%` }} />
      </View>
      {s.latest && <Text className='tracking-latest'>最新位置更新于 {s.latest.atText}</Text>}
      <Text className='section-title'>运输节点</Text>
      {milestones.length === 0 ? (
        <EmptyState text='暂无运输节点' />
      ) : (
        <View className='tracking-milestones'>
          {milestones.map((m, i) => (
            <View key={`${m.type}-${m.at}-${i}`} className={`tracking-milestone${i === 0 ? ' tracking-milestone--latest' : ''}`} data-type={m.type}>
              <View className='tracking-milestone__dot' />
              <View className='tracking-milestone__body'>
                <Text className='tracking-milestone__title'>{m.label}</Text>
                <Text className='tracking-milestone__time'>{m.atText}</Text>
              </View>
            </View>
          ))}
        </View>
      )}
    </View>
  )
}

