import { useCallback, useEffect, useRef, useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro, { useDidHide, useDidShow, useRouter, useShareAppMessage } from '@tarojs/taro'
import { LAUNCH_PHASE_LABELS, formatDateTimeCN, formatFen, launchPhase, type LaunchPhase, type LaunchVariant, type LaunchView, type QueueStatus } from '@carmall/shared-types'
import { loginMethod } from '../../api/auth'
import { ApiError, getToken } from '../../api/client'
import { getLaunch, getQueue, joinQueue, launchPagePath, placeLaunchOrder } from '../../api/launches'
import { orderDetailPath } from '../../api/orders'
import { LoginPanel } from '../../components/LoginPanel'
import { PlacementProgress } from '../../components/PlacementProgress'
import { ErrorState, LoadingState } from '../../components/StatusViews'
import { track, usePageView } from '../../analytics'
import {
  attemptKey,
  clockOffset,
  formatLaunchCountdown,
  opensAtLabel,
  readLaunchMemory,
  useServerNow,
  writeLaunchMemory,
} from '../../utils/launch'
import { MIN_POLL_MS, backoffMs, followPlacement, sleep } from '../../utils/placement'
import { formatCountdown } from '../order/parts'
import './index.scss'
import { decodeParam } from '../../utils/navigation'

type Load = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; view: LaunchView }

interface Admission {
  ticket: number
  token: string
  /** Server ms. */
  until: number
}

/** Where this buyer is in the launch (`.launch-queue[data-status]`). */
type Stage =
  | { kind: 'idle' }
  | { kind: 'joining' }
  /** Joined before the open: the place is drawn at the open among everyone who joined early. */
  | { kind: 'early'; joined: number }
  | { kind: 'waiting'; ticket: number; ahead: number; joinedAhead: number }
  /** Admitted: the order is placed at once (`ordering`); after 已抢完 the buyer picks again and retries. */
  | { kind: 'admitted'; admission: Admission; ordering: boolean }
  | { kind: 'creating'; orderNo: string; since: number }
  | { kind: 'ordered'; orderNo: string }
  | { kind: 'sold_out' }
  /** The admission ran out or is not valid any more: 重新排队. */
  | { kind: 'expired'; reason: string }
  /** The order could not be written (the car was given back), or is taking too long. */
  | { kind: 'failed'; reason: string; pending?: boolean }
  | { kind: 'ended' }

interface Notice {
  code: string
  text: string
}

type Choice = { trimCode: string; paintCode: string }
const variantKey = (v: Choice) => `${v.trimCode}/${v.paintCode}`

/** What the buyer reads for each error of the launch endpoints. */
export const LAUNCH_ERROR_TEXT: Record<string, string> = {
  LAUNCH_NOT_OPEN: '抢购尚未开始，请在开售后再试',
  PRE_QUEUE_NOT_OPEN: '提前排队尚未开始',
  LAUNCH_ENDED: '本次首发抢购已结束',
  DEVICE_LIMIT: '此设备已有其他账号参与本次抢购，每台设备仅限一个账号参与',
  RATE_LIMITED: '当前参与人数过多，请稍后再试',
  ADMISSION_INVALID: '购买资格无效，请重新排队',
  ADMISSION_USED: '该购买资格已用于下单',
  ADMISSION_EXPIRED: '您获得购买资格后未在规定时间内下单，资格已失效。可以重新排队（将排在队尾）。',
  ALREADY_HOLDING: '您已锁定本次首发的一辆车（每人限购一辆），正在为您打开订单',
  OUT_OF_STOCK: '该版本与颜色已抢完，请在资格有效期内选择其他版本或颜色后下单',
  NOT_IN_QUEUE: '排队信息已失效，请重新排队',
  NETWORK: '网络异常，请检查网络后重试',
}

const EXPIRED_TEXT = '您获得购买资格后未在规定时间内下单，资格已失效。可以重新排队（将排在队尾）。'

const isTransient = (err: unknown) =>
  !(err instanceof ApiError) || err.code === 'NETWORK' || err.code === 'HTTP_ERROR' || err.status >= 500 || err.status === 429

const goToCatalog = () => Taro.switchTab({ url: '/pages/models/index' })

/**
 * 首发抢购 (a launch): the cars on sale with their prices and cars left, a countdown to the open on
 * the server's clock, then the waiting room: 立即抢购 joins the queue with the chosen variant,
 * 「前面还有 N 人」 is polled at the server's pace, and once admitted the order is placed at once and
 * the order page opens to pay the deposit. Sold out, an expired admission and every refusal are
 * shown in plain Chinese with the way on.
 */
export default function LaunchPage() {
  const { params } = useRouter()
  const code = decodeParam(params.code)
  usePageView('pages/launch/index')

  const [load, setLoad] = useState<Load>({ status: 'loading' })
  /** Server clock minus phone clock. */
  const [offset, setOffset] = useState(0)
  const [loggedIn, setLoggedIn] = useState(() => !!getToken())
  const [choice, setChoiceState] = useState<Choice | null>(() => {
    const m = readLaunchMemory(code)
    return m.trimCode && m.paintCode ? { trimCode: m.trimCode, paintCode: m.paintCode } : null
  })
  const [stage, setStage] = useState<Stage>({ kind: 'idle' })
  const [notice, setNotice] = useState<Notice | null>(null)
  /** Cars left over all variants, from the latest answer (queue answers carry it too). */
  const [available, setAvailable] = useState<number | null>(null)
  /** Variants an order was refused for with OUT_OF_STOCK (until the view is reloaded). */
  const [goneVariants, setGoneVariants] = useState<string[]>([])
  const [joinBlockedUntil, setJoinBlockedUntil] = useState(0)

  const mounted = useRef(true)
  /** Bumped to stop the running queue / order / placement loop (new join, unmount). */
  const gen = useRef(0)
  const choiceRef = useRef(choice)
  const offsetRef = useRef(0)
  const visible = useRef(true)
  const wake = useRef<(() => void) | null>(null)

  useEffect(() => {
    mounted.current = true
    return () => {
      mounted.current = false
      gen.current++
      wake.current?.()
    }
  }, [])

  useDidHide(() => {
    visible.current = false
  })
  useDidShow(() => {
    visible.current = true
    const w = wake.current
    wake.current = null
    w?.()
  })
  /** Polls wait while the page is hidden (and ask at once when it shows again, their delay having passed). */
  const untilVisible = () => (visible.current ? Promise.resolve() : new Promise<void>((resolve) => (wake.current = resolve)))

  const stale = (g: number) => !mounted.current || g !== gen.current
  const serverNow = () => Date.now() + offsetRef.current

  const setChoice = (c: Choice) => {
    choiceRef.current = c
    setChoiceState(c)
    writeLaunchMemory(code, c)
  }

  const fetchView = useCallback(async (): Promise<LaunchView> => {
    const sent = Date.now()
    const view = await getLaunch(code)
    if (!mounted.current) return view
    const off = clockOffset(view.serverTime, sent, Date.now())
    offsetRef.current = off
    setOffset(off)
    setLoad({ status: 'ready', view })
    setAvailable(view.available)
    setGoneVariants([])
    if (view.phase === 'ended') setStage({ kind: 'ended' })
    // One car on sale: nothing to choose.
    if (!choiceRef.current) {
      const open = view.variants.filter((v) => v.available > 0)
      if (view.variants.length === 1 && open.length === 1) setChoice({ trimCode: open[0].trimCode, paintCode: open[0].paintCode })
    }
    return view
  }, [code])

  const showLogin = (text = '登录已过期，请重新登录后继续') => {
    setLoggedIn(false)
    setNotice({ code: 'UNAUTHENTICATED', text })
  }

  const openOrder = (orderNo: string) => {
    setStage({ kind: 'ordered', orderNo })
    // Replace the launch page: going back from the order does not land in the waiting room again.
    void Taro.redirectTo({ url: orderDetailPath(orderNo, { pay: true }) })
  }

  // --- placement (202 creating) --------------------------------------------------------------

  const follow = async (g: number, orderNo: string, afterMs: number) => {
    setStage({ kind: 'creating', orderNo, since: Date.now() })
    try {
      const r = await followPlacement(orderNo, afterMs, { stopped: () => stale(g) })
      if (stale(g)) return
      if (r.status === 'created') {
        track('launch_order_created', { launchCode: code })
        openOrder(r.order.orderNo)
      } else if (r.status === 'failed') setStage({ kind: 'failed', reason: r.reason || '订单生成失败，车辆已释放' })
      else if (r.status === 'timeout') setStage({ kind: 'failed', reason: '订单仍在生成中，请稍后在「订单」中查看', pending: true })
    } catch {
      if (!stale(g)) showLogin() // followPlacement rethrows only a 401
    }
  }

  // --- ordering with the admission -------------------------------------------------------------

  const placeOrder = async (g: number, admission: Admission) => {
    const pick = choiceRef.current
    if (!pick) {
      setStage({ kind: 'admitted', admission, ordering: false })
      setNotice({ code: 'NO_VARIANT', text: '请选择版本与颜色后立即下单' })
      return
    }
    setStage({ kind: 'admitted', admission, ordering: true })
    // One key per admission and variant, kept in storage: every retry is the same request.
    const key = attemptKey(code, admission.ticket, pick.trimCode, pick.paintCode)
    let failures = 0
    for (;;) {
      try {
        const placed = await placeLaunchOrder(code, { admissionToken: admission.token, trimCode: pick.trimCode, paintCode: pick.paintCode }, key)
        if (stale(g)) return
        setNotice(null)
        if (placed.status === 'created') {
          track('launch_order_created', { launchCode: code })
          openOrder(placed.orderNo)
        } else if (placed.status === 'creating') {
          void follow(g, placed.orderNo, placed.pollAfterMs)
        } else {
          setStage({ kind: 'failed', reason: placed.reason || '订单生成失败，车辆已释放' })
        }
        return
      } catch (err) {
        if (stale(g)) return
        // A lost answer: ask again with the same key while the admission lasts (and a little after:
        // the first request may have got through in time).
        if (isTransient(err) && serverNow() < admission.until + 10_000) {
          setNotice({ code: 'RETRYING', text: '网络不稳定，正在重试下单…' })
          await sleep(backoffMs(1000, ++failures, err))
          if (stale(g)) return
          continue
        }
        await onOrderError(g, admission, pick, err)
        return
      }
    }
  }

  const onOrderError = async (g: number, admission: Admission, pick: Choice, err: unknown) => {
    const code_ = err instanceof ApiError ? err.code : 'NETWORK'
    if (err instanceof ApiError && err.status === 401) {
      setStage({ kind: 'admitted', admission, ordering: false })
      showLogin('登录已过期，请重新登录后在资格有效期内下单')
      return
    }
    switch (code_) {
      case 'ADMISSION_EXPIRED':
      case 'ADMISSION_INVALID':
        setNotice(null)
        setStage({ kind: 'expired', reason: LAUNCH_ERROR_TEXT[code_] })
        return
      case 'ALREADY_HOLDING': {
        const orderNo = ((err as ApiError).details as { orderNo?: unknown } | undefined)?.orderNo
        setNotice({ code: code_, text: LAUNCH_ERROR_TEXT.ALREADY_HOLDING })
        if (typeof orderNo === 'string' && orderNo) openOrder(orderNo)
        else void Taro.switchTab({ url: '/pages/orders/index' })
        return
      }
      case 'ADMISSION_USED': {
        // This admission bought a car already (e.g. from another tap): find it.
        const s = await getQueue(code).catch(() => null)
        if (stale(g)) return
        if (s?.status === 'ordered') return openOrder(s.orderNo)
        setStage({ kind: 'admitted', admission, ordering: false })
        setNotice({ code: code_, text: `${LAUNCH_ERROR_TEXT.ADMISSION_USED}，请在「订单」中查看` })
        return
      }
      case 'OUT_OF_STOCK': {
        setGoneVariants((g0) => [...g0, variantKey(pick)])
        const view = await fetchView().catch(() => null)
        if (stale(g)) return
        if (view && view.available === 0) {
          setStage({ kind: 'sold_out' })
          setNotice(null)
          return
        }
        setGoneVariants((g0) => (g0.includes(variantKey(pick)) ? g0 : [...g0, variantKey(pick)]))
        setStage({ kind: 'admitted', admission, ordering: false })
        setNotice({ code: code_, text: LAUNCH_ERROR_TEXT.OUT_OF_STOCK })
        return
      }
      case 'LAUNCH_ENDED':
        setNotice(null)
        setStage({ kind: 'ended' })
        return
      case 'LAUNCH_NOT_OPEN':
        setStage({ kind: 'admitted', admission, ordering: false })
        setNotice({ code: code_, text: LAUNCH_ERROR_TEXT.LAUNCH_NOT_OPEN })
        void fetchView().catch(() => undefined)
        return
      default:
        setStage({ kind: 'admitted', admission, ordering: false })
        setNotice({ code: code_, text: err instanceof ApiError && code_ !== 'NETWORK' && code_ !== 'HTTP_ERROR' ? err.message : '下单失败，请重试' })
    }
  }

  // --- the queue -----------------------------------------------------------------------------

  const showWaiting = (s: Extract<QueueStatus, { status: 'waiting' }>) => {
    const m = readLaunchMemory(code)
    // Progress runs from where the buyer joined this ticket (kept across reopening the page).
    const joinedAhead = m.ticket === s.ticket && typeof m.joinedAhead === 'number' ? Math.max(m.joinedAhead, s.ahead) : s.ahead
    if (m.ticket !== s.ticket || m.joinedAhead !== joinedAhead) writeLaunchMemory(code, { ticket: s.ticket, joinedAhead })
    setAvailable(s.available)
    setStage({ kind: 'waiting', ticket: s.ticket, ahead: s.ahead, joinedAhead })
  }

  /** Act on a queue answer; `fresh` = this page just joined or polled (not a resume after reopening). */
  const onStatus = (g: number, s: QueueStatus, fresh: boolean) => {
    switch (s.status) {
      case 'early':
        writeLaunchMemory(code, { early: true })
        setStage({ kind: 'early', joined: s.joined })
        void pollQueue(g, s.pollAfterMs)
        return
      case 'waiting':
        showWaiting(s)
        void pollQueue(g, s.pollAfterMs)
        return
      case 'admitted': {
        writeLaunchMemory(code, { ticket: s.ticket })
        setAvailable(s.available)
        track('launch_admitted', { launchCode: code })
        const until = Date.parse(s.admittedUntil)
        void placeOrder(g, { ticket: s.ticket, token: s.admissionToken, until: Number.isNaN(until) ? serverNow() + 60_000 : until })
        return
      }
      case 'ordered':
        if (fresh) openOrder(s.orderNo)
        else setStage({ kind: 'ordered', orderNo: s.orderNo })
        return
      case 'sold_out':
        setAvailable(0)
        setNotice(null)
        setStage({ kind: 'sold_out' })
        return
      case 'expired':
        setNotice(null)
        setStage({ kind: 'expired', reason: EXPIRED_TEXT })
    }
  }

  /** Ask `GET /queue` after the server's pollAfterMs (never sooner), backing off on errors and 429. */
  const pollQueue = async (g: number, afterMs: number) => {
    let normal = Math.max(MIN_POLL_MS, afterMs)
    let delay = normal
    let failures = 0
    for (;;) {
      await sleep(delay)
      await untilVisible()
      if (stale(g)) return
      let s: QueueStatus
      try {
        s = await getQueue(code)
      } catch (err) {
        if (stale(g)) return
        if (err instanceof ApiError && err.status === 401) {
          setStage({ kind: 'idle' })
          return showLogin()
        }
        if (err instanceof ApiError && err.code === 'NOT_IN_QUEUE') {
          writeLaunchMemory(code, { ticket: undefined, joinedAhead: undefined, early: undefined })
          setStage({ kind: 'idle' })
          return setNotice({ code: err.code, text: LAUNCH_ERROR_TEXT.NOT_IN_QUEUE })
        }
        if (err instanceof ApiError && err.code === 'LAUNCH_ENDED') {
          setNotice(null)
          return setStage({ kind: 'ended' })
        }
        delay = backoffMs(normal, ++failures, err)
        setNotice({
          code: 'RETRYING',
          text: err instanceof ApiError && err.status === 429 ? `排队人数较多，${Math.ceil(delay / 1000)} 秒后自动刷新` : '网络不稳定，正在重试…',
        })
        continue
      }
      if (stale(g)) return
      failures = 0
      setNotice((n) => (n?.code === 'RETRYING' ? null : n))
      if (s.status === 'early') {
        setStage({ kind: 'early', joined: s.joined })
      } else if (s.status !== 'waiting') {
        return onStatus(g, s, true)
      } else {
        writeLaunchMemory(code, { early: undefined })
        showWaiting(s)
      }
      normal = delay = Math.max(MIN_POLL_MS, s.pollAfterMs)
    }
  }

  const onJoin = async () => {
    if (load.status !== 'ready' || !canJoinNow()) return
    if (!choiceRef.current) {
      setNotice({ code: 'NO_VARIANT', text: '请先选择版本与颜色' })
      return
    }
    if (!getToken()) return showLogin('登录后即可参与抢购')
    const blocked = joinBlockedUntil - Date.now()
    if (blocked > 0) {
      setNotice({ code: 'RATE_LIMITED', text: `当前参与人数过多，请 ${Math.ceil(blocked / 1000)} 秒后再试` })
      return
    }
    const g = ++gen.current
    setStage({ kind: 'joining' })
    setNotice(null)
    track('launch_join', { launchCode: code })
    try {
      const s = await joinQueue(code)
      if (stale(g)) return
      onStatus(g, s, true)
    } catch (err) {
      if (stale(g)) return
      setStage({ kind: 'idle' })
      if (err instanceof ApiError && err.status === 401) return showLogin('登录已过期，请重新登录后参与抢购')
      const c = err instanceof ApiError ? err.code : 'NETWORK'
      if (c === 'LAUNCH_ENDED') return setStage({ kind: 'ended' })
      if (c === 'LAUNCH_NOT_OPEN') {
        const { startsAt, preQueueAt } = ((err as ApiError).details ?? {}) as { startsAt?: unknown; preQueueAt?: unknown }
        setNotice(
          typeof preQueueAt === 'string'
            ? { code: 'PRE_QUEUE_NOT_OPEN', text: `提前排队将于 ${formatDateTimeCN(preQueueAt)}（北京时间）开始` }
            : { code: c, text: typeof startsAt === 'string' ? `抢购尚未开始，将于 ${formatDateTimeCN(startsAt)}（北京时间）开售` : LAUNCH_ERROR_TEXT.LAUNCH_NOT_OPEN },
        )
        void fetchView().catch(() => undefined) // the clock may have drifted: take the server's again
        return
      }
      if (c === 'RATE_LIMITED') {
        const wait = backoffMs(0, 1, err)
        setJoinBlockedUntil(Date.now() + wait)
        return setNotice({ code: c, text: `当前参与人数过多，请 ${Math.ceil(wait / 1000)} 秒后再试` })
      }
      setNotice({ code: c, text: LAUNCH_ERROR_TEXT[c] ?? (err instanceof ApiError && c !== 'HTTP_ERROR' ? err.message : '排队失败，请重试') })
    }
  }

  const onOrderAgain = () => {
    if (stage.kind !== 'admitted' || stage.ordering) return
    if (serverNow() >= stage.admission.until) {
      setNotice(null)
      setStage({ kind: 'expired', reason: EXPIRED_TEXT })
      return
    }
    setNotice(null)
    void placeOrder(++gen.current, stage.admission)
  }

  // First load; a buyer who joined before (page reopened) is put back where they stand.
  useEffect(() => {
    let live = true
    setLoad({ status: 'loading' })
    fetchView()
      .then((view) => {
        if (!live || !getToken() || view.phase === 'ended') return
        const m = readLaunchMemory(code)
        // A ticket counts from the open; an early join from preQueueAt.
        if (!(m.ticket && Date.parse(view.serverTime) >= Date.parse(view.startsAt)) && !m.early) return
        const g = ++gen.current
        getQueue(code)
          .then((s) => !stale(g) && onStatus(g, s, false))
          .catch((err) => {
            if (stale(g)) return
            if (err instanceof ApiError && err.code === 'NOT_IN_QUEUE') writeLaunchMemory(code, { ticket: undefined, joinedAhead: undefined, early: undefined })
            else if (err instanceof ApiError && err.status === 401) setLoggedIn(false)
          })
      })
      .catch((err) => {
        if (!live) return
        setLoad({
          status: 'error',
          message: err instanceof ApiError && err.code === 'NOT_FOUND' ? '没有找到这场首发活动' : err instanceof ApiError ? err.message : '加载失败，请稍后重试',
        })
      })
    return () => {
      live = false
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [code, fetchView])

  useShareAppMessage(() => ({
    title: load.status === 'ready' ? `${load.view.title}｜首发抢购` : '首发抢购',
    path: launchPagePath(code),
  }))

  const view = load.status === 'ready' ? load.view : null
  const startsMs = view ? Date.parse(view.startsAt) : NaN
  // Tick to the open while scheduled, to the admission's end while admitted.
  const tickTo = stage.kind === 'admitted' ? stage.admission.until : view && Date.now() + offset < startsMs ? startsMs : null
  const now = useServerNow(offset, tickTo)

  // An admission that ran out while the buyer was choosing another paint.
  const admissionOver = stage.kind === 'admitted' && !stage.ordering && now >= stage.admission.until
  useEffect(() => {
    if (admissionOver) {
      setNotice(null)
      setStage({ kind: 'expired', reason: EXPIRED_TEXT })
    }
  }, [admissionOver])

  const left = available ?? view?.available ?? 0
  const phase: LaunchPhase = !view
    ? 'scheduled'
    : view.phase === 'ended' || stage.kind === 'ended'
      ? 'ended'
      : stage.kind === 'sold_out'
        ? 'sold_out'
        : launchPhase(view, new Date(now), left === 0)

  const preQueueMs = view?.preQueueAt ? Date.parse(view.preQueueAt) : NaN
  /** Before the open, from preQueueAt: buyers may join early. */
  const preQueueOpen = phase === 'scheduled' && now >= preQueueMs

  function canJoinNow() {
    return (phase === 'open' || preQueueOpen) && (stage.kind === 'idle' || stage.kind === 'expired' || (stage.kind === 'failed' && !stage.pending))
  }

  if (load.status === 'error') {
    return (
      <View className='page launch-page'>
        <ErrorState message={load.message} onRetry={() => void fetchView().catch(() => undefined)} />
      </View>
    )
  }
  if (!view) {
    return (
      <View className='page launch-page'>
        <LoadingState />
      </View>
    )
  }

  const remaining = startsMs - now
  const locked = stage.kind === 'creating' || stage.kind === 'ordered' || (stage.kind === 'admitted' && stage.ordering)
  const pickable = (v: LaunchVariant) => v.available > 0 && !goneVariants.includes(variantKey(v))
  const onPick = (v: LaunchVariant) => {
    if (locked || !pickable(v)) return
    setChoice({ trimCode: v.trimCode, paintCode: v.paintCode })
    setNotice((n) => (n?.code === 'NO_VARIANT' ? null : n))
  }
  const chosen = choice ? view.variants.find((v) => v.trimCode === choice.trimCode && v.paintCode === choice.paintCode) : undefined
  const status = stage.kind === 'idle' && (phase === 'sold_out' || phase === 'ended') ? phase : stage.kind
  // A buyer whose car is held (admitted, being written, ordered) does not read 已售罄 at the top.
  const badge: LaunchPhase = phase === 'sold_out' && (stage.kind === 'admitted' || stage.kind === 'creating' || stage.kind === 'ordered') ? 'open' : phase

  return (
    <View className='page launch-page' data-code={view.code} data-phase={phase}>
      <View className='launch-hero'>
        <Text className={`launch-phase launch-phase--${badge}`} data-phase={badge}>
          {LAUNCH_PHASE_LABELS[badge]}
        </Text>
        <Text className='launch-hero__title'>{view.title}</Text>
        <Text className='launch-hero__model'>{view.modelName}</Text>
        <Text className='launch-hero__time'>开售时间 {formatDateTimeCN(view.startsAt)}（北京时间）</Text>
        {phase === 'scheduled' && (
          <View className='launch-countdown' data-remaining-ms={String(Math.max(0, remaining))}>
            <Text className='launch-countdown__label'>距开售</Text>
            <Text className='launch-countdown__time'>{formatLaunchCountdown(remaining)}</Text>
          </View>
        )}
        {phase === 'scheduled' && view.preQueueAt && !preQueueOpen && (
          <Text className='launch-hero__prequeue'>{formatDateTimeCN(view.preQueueAt)} 起可提前排队，开售时随机排序</Text>
        )}
        <Text className='launch-available' data-available={String(left)}>
          {left > 0 ? `剩余 ${left.toLocaleString('en-US')} 辆` : '已全部售出'}
        </Text>
      </View>

      <Text className='section-title'>选择版本与颜色</Text>
      <View className='launch-variants'>
        {view.variants.map((v) => {
          const selected = !!choice && choice.trimCode === v.trimCode && choice.paintCode === v.paintCode
          const open = pickable(v)
          return (
            <View
              key={variantKey(v)}
              className={`launch-variant${selected ? ' launch-variant--selected' : ''}${open ? '' : ' launch-variant--gone'}`}
              data-trim={v.trimCode}
              data-paint={v.paintCode}
              data-selected={selected ? 'true' : 'false'}
              data-available={String(open ? v.available : 0)}
              onClick={() => onPick(v)}
            >
              <View className='launch-variant__main'>
                <Text className='launch-variant__name'>
                  {v.trimName} · {v.paintName}
                </Text>
                <Text className='launch-variant__stock'>{open ? `剩余 ${v.available.toLocaleString('en-US')} / ${v.stock.toLocaleString('en-US')} 辆` : '已抢完'}</Text>
              </View>
              <Text className='launch-variant__price'>{formatFen(v.priceFen)}</Text>
            </View>
          )
        })}
      </View>

      <View className={`launch-queue launch-queue--${status}`} data-status={status}>
        {stage.kind === 'joining' && <Text className='launch-queue__title'>正在进入排队…</Text>}
        {stage.kind === 'early' && (
          <View className='launch-early' data-joined={String(stage.joined)}>
            <Text className='launch-queue__title'>已提前进入排队</Text>
            <Text className='launch-early__count'>已有 {stage.joined.toLocaleString('en-US')} 人提前排队</Text>
            <Text className='launch-queue__hint'>
              开售时，所有提前排队的用户将随机排序，排在开售后进入的用户之前，早到几秒不会更靠前。
              {chosen ? `轮到您时将自动为您下单「${chosen.trimName} · ${chosen.paintName}」。` : ''}请保持本页打开。
            </Text>
          </View>
        )}
        {stage.kind === 'waiting' && (
          <>
            <Text className='launch-queue__title'>排队中</Text>
            <Text className='launch-ahead' data-ahead={String(stage.ahead)}>
              前面还有 {stage.ahead.toLocaleString('en-US')} 人
            </Text>
            <QueueProgress ahead={stage.ahead} joinedAhead={stage.joinedAhead} />
            <Text className='launch-queue__hint'>
              {chosen ? `轮到您时将自动为您下单「${chosen.trimName} · ${chosen.paintName}」。` : ''}请保持本页打开，离开后排队位置仍会保留。
            </Text>
          </>
        )}
        {stage.kind === 'admitted' && (
          <View className='launch-admitted' data-until={new Date(stage.admission.until).toISOString()}>
            <Text className='launch-queue__title'>{stage.ordering ? '已获得购买资格，正在为您下单…' : '已获得购买资格'}</Text>
            <Text className='launch-admitted__time'>
              资格有效期 {Math.round(view.admissionSeconds / 60) || 1} 分钟，剩余 {formatCountdown(stage.admission.until - now)}，请在此时间内完成下单
            </Text>
            {!stage.ordering && (
              <Button className='btn-primary launch-order' disabled={!choice || undefined} onClick={onOrderAgain}>
                <Text>{chosen ? `立即下单 ${formatFen(chosen.priceFen)}` : '请选择版本与颜色'}</Text>
              </Button>
            )}
          </View>
        )}
        {stage.kind === 'creating' && <PlacementProgress className='launch-creating' orderNo={stage.orderNo} since={stage.since} />}
        {stage.kind === 'ordered' && (
          <View className='launch-ordered'>
            <Text className='launch-queue__title'>抢购成功</Text>
            <Text className='launch-queue__hint'>已为您生成订单 {stage.orderNo}，请在订单页支付意向金。</Text>
            <Button className='btn-primary launch-open-order' onClick={() => void Taro.redirectTo({ url: orderDetailPath(stage.orderNo, { pay: true }) })}>
              查看订单
            </Button>
          </View>
        )}
        {status === 'sold_out' && (
          <View className='launch-soldout'>
            <Text className='launch-queue__title'>已售罄</Text>
            <Text className='launch-queue__hint'>本次首发车辆已全部售出，感谢您的关注。其他版本和颜色仍可正常下定。</Text>
            <Button className='btn-plain launch-catalog' onClick={goToCatalog}>
              去看看其他车型
            </Button>
          </View>
        )}
        {status === 'ended' && (
          <View className='launch-ended'>
            <Text className='launch-queue__title'>本次首发抢购已结束</Text>
            <Button className='btn-plain launch-catalog' onClick={goToCatalog}>
              去看看其他车型
            </Button>
          </View>
        )}
        {stage.kind === 'expired' && (
          <View className='launch-expired'>
            <Text className='launch-queue__title'>购买资格已失效</Text>
            <Text className='launch-queue__hint'>{stage.reason}</Text>
          </View>
        )}
        {stage.kind === 'failed' && (
          <View className='launch-failed'>
            <Text className='launch-queue__title'>{stage.pending ? '订单生成中' : '订单未能生成'}</Text>
            <Text className='launch-queue__hint'>{stage.reason}</Text>
            {stage.pending && (
              <Button className='btn-plain launch-my-orders' onClick={() => void Taro.switchTab({ url: '/pages/orders/index' })}>
                查看我的订单
              </Button>
            )}
          </View>
        )}
      </View>

      {notice && (
        <Text className={`launch-notice launch-notice--${notice.code === 'RETRYING' ? 'info' : 'error'}`} data-code={notice.code}>
          {notice.text}
        </Text>
      )}

      {!loggedIn ? (
        <View className='launch-login'>
          <Text className='launch-login__text'>登录后即可参与抢购</Text>
          <LoginPanel
            method={loginMethod}
            onLoggedIn={() => {
              setLoggedIn(true)
              setNotice(null)
            }}
          />
        </View>
      ) : (
        (stage.kind === 'idle' || stage.kind === 'joining' || stage.kind === 'expired' || (stage.kind === 'failed' && !stage.pending)) &&
        (phase === 'scheduled' || phase === 'open') && (
          <View className='launch-bar'>
            {/* `|| undefined`: Taro H5 greys out any `disabled` attribute, even disabled="false". */}
            {/* Taro H5's Button is a web component that renders its own loading icon: its label lives in a
                Text (changing a Button's own text replaces nodes the component still refers to), and the
                button is a new one once the sale opens. */}
            <Button
              key={phase === 'open' ? 'open' : preQueueOpen ? 'prequeue' : 'scheduled'}
              className={`btn-primary launch-join${stage.kind === 'expired' || stage.kind === 'failed' ? ' launch-rejoin' : ''}`}
              data-open={phase === 'open' || preQueueOpen ? 'true' : 'false'}
              loading={stage.kind === 'joining'}
              disabled={!(phase === 'open' || preQueueOpen) || stage.kind === 'joining' || undefined}
              onClick={() => void onJoin()}
            >
              <Text className='launch-join__text'>
                {phase === 'scheduled'
                  ? preQueueOpen
                    ? '提前排队'
                    : `${opensAtLabel(view.startsAt, now)} 开售`
                  : stage.kind === 'expired' || stage.kind === 'failed'
                    ? '重新排队'
                    : '立即抢购'}
              </Text>
            </Button>
          </View>
        )
      )}
    </View>
  )
}

/** How far the queue has moved since this buyer joined. */
function QueueProgress({ ahead, joinedAhead }: { ahead: number; joinedAhead: number }) {
  const done = joinedAhead > 0 ? Math.min(1, Math.max(0, (joinedAhead - ahead) / joinedAhead)) : 1
  const pct = Math.round(done * 100)
  return (
    <View className='launch-progress' data-progress={String(pct)}>
      <View className='launch-progress__track'>
        <View className='launch-progress__bar' style={{ width: `${Math.max(3, pct)}%` }} />
      </View>
      <Text className='launch-progress__text'>
        排队进度 {pct}%{joinedAhead > 0 ? `（加入时前面 ${joinedAhead.toLocaleString('en-US')} 人）` : ''}
      </Text>
    </View>
  )
}
