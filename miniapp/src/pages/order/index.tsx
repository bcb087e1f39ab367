import { useCallback, useEffect, useRef, useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { ORDER_STATE_LABELS, depositLabel, formatDateTimeCN, formatFen, type OrderEvent } from '@carmall/shared-types'
import {
  cancelOrder,
  createAlipayPayment,
  createWechatPayment,
  getOrder,
  lockOrder,
  syncPayments,
  type Order,
  type WechatPayment,
} from '../../api/orders'
import { LineItems } from '../../components/LineItems'
import { TrackingEntry } from '../../components/TrackingEntry'
import { ErrorState, LoadingState } from '../../components/StatusViews'
import { LoginPrompt, OrderStateTag, actorLabel, errorText, formatCountdown, needsLogin, timelineLabel, useCountdown } from './parts'
import { ALIPAY_IN_APP, WECHAT_PAY_IN_APP, pollUntilSettled, requestAlipayPayment, requestWechatPayment, type PayOutcome } from './pay'
import { track, usePageView } from '../../analytics'
import { useDesktop } from '../../utils/desktop'
import { WebPay } from './WebPay'
import './index.scss'
import { decodeParam } from '../../utils/navigation'

type Load = { status: 'loading' } | { status: 'error'; message: string } | { status: 'login' } | { status: 'ready'; order: Order }

type PayView =
  | { phase: 'idle' }
  | { phase: 'requesting' }
  /** weapp: requestPayment returned; asking the server for the result. */
  | { phase: 'confirming' }
  /** The server has not (yet) seen a payment. */
  | { phase: 'result'; outcome: PayOutcome; text: string }

/** Buyer actions (from the order's `actions`) with their button text and confirmation. */
const ACTIONS: Partial<Record<OrderEvent, { text: string; title: string; content: (o: Order) => string; done: string }>> = {
  lock: {
    text: '确认锁单',
    title: '确认锁单',
    content: (o) => `锁单后意向金 ${formatFen(o.depositFen)} 将转为定金，不予退还；配置将冻结，不能再更改。确定锁单？`,
    done: '已锁单',
  },
  refund_requested: {
    text: '申请退款',
    title: '申请退款',
    content: (o) => `意向金 ${formatFen(o.depositFen)} 将原路全额退回，订单随之关闭，保留的车辆将释放。确定申请退款？`,
    done: '已提交退款申请',
  },
  cancel: {
    text: '取消订单',
    title: '取消订单',
    content: () => '取消后将释放为您保留的车辆。确定取消订单？',
    done: '订单已取消',
  },
}
const ACTION_ORDER: OrderEvent[] = ['lock', 'refund_requested', 'cancel']

/** H5: no payment SDK; the methods of the browser (WebPay): WeChat H5/Native, Alipay wap/page. */
const WEB = !WECHAT_PAY_IN_APP && !ALIPAY_IN_APP


/**
 * Order detail: state, countdown while unpaid, payment (the SDK in the WeChat and Alipay
 * mini-programs; on H5 the browser's methods, see WebPay), the frozen configuration, the timeline
 * and the buyer's actions. Opened with `pay=1` from checkout, it starts the payment at once (on a
 * desktop screen: the QR code; on a phone the buyer picks WeChat or Alipay).
 */
export default function OrderPage() {
  const { params } = useRouter()
  const orderNo = decodeParam(params.orderNo)
  const autoPay = params.pay === '1'
  usePageView('pages/order/index')

  const [load, setLoad] = useState<Load>({ status: 'loading' })
  const [pay, setPay] = useState<PayView>({ phase: 'idle' })
  const [acting, setActing] = useState<OrderEvent | null>(null)

  const mounted = useRef(true)
  /** Bumped to stop the current payment wait (new payment, cancel, unmount). */
  const payGen = useRef(0)
  const autoPayDone = useRef(false)
  const expiredReload = useRef(false)

  useEffect(() => {
    mounted.current = true
    return () => {
      mounted.current = false
      payGen.current++
    }
  }, [])

  /** The order on screen (for handlers that outlive a render). */
  const shown = useRef<Order | null>(null)

  /** Show a fresh order; announce a payment the server has just seen. */
  const showOrder = useCallback((next: Order) => {
    if (!mounted.current) return
    if (shown.current?.state === 'pending_payment' && next.state === 'deposit_paid') {
      Taro.showToast({ title: '支付成功', icon: 'success' })
      track('pay_success', { modelCode: next.modelCode })
    }
    shown.current = next
    setLoad({ status: 'ready', order: next })
  }, [])

  const fetchOrder = useCallback(async (): Promise<Order | null> => {
    try {
      const order = await getOrder(orderNo)
      showOrder(order)
      return order
    } catch (err) {
      if (!mounted.current) return null
      if (needsLogin(err)) setLoad({ status: 'login' })
      // A failed refresh keeps the order on screen; only a failed first load shows the error.
      else if (!shown.current) setLoad({ status: 'error', message: errorText(err) })
      else Taro.showToast({ title: errorText(err, '刷新失败'), icon: 'none' })
      return null
    }
  }, [orderNo, showOrder])

  const startPay = useCallback(
    async (order: Order) => {
      const gen = ++payGen.current
      const stopped = () => !mounted.current || gen !== payGen.current
      setPay({ phase: 'requesting' })
      const failedToStart = (err: unknown) => {
        if (stopped()) return
        if (needsLogin(err)) setLoad({ status: 'login' })
        setPay({ phase: 'result', outcome: 'failed', text: errorText(err, '发起支付失败，请重试') })
        fetchOrder() // the order may have moved on (paid elsewhere, timed out)
      }
      let result: { outcome: PayOutcome; errMsg?: string }
      if (ALIPAY_IN_APP) {
        let tradeNO: string
        try {
          tradeNO = (await createAlipayPayment(order.orderNo)).tradeNO
        } catch (err) {
          failedToStart(err)
          return
        }
        if (stopped()) return
        result = await requestAlipayPayment(tradeNO)
      } else {
        let payment: WechatPayment
        try {
          payment = await createWechatPayment(order.orderNo)
        } catch (err) {
          failedToStart(err)
          return
        }
        if (stopped()) return

        result = await requestWechatPayment(payment.requestPayment)
      }
      const { outcome, errMsg } = result
      if (stopped()) return
      // Whatever the payment sheet said, only the server's order state counts.
      setPay({ phase: 'confirming' })
      // The server asks the payment provider itself (instead of waiting for its notify).
      const sync = async () => {
        const synced = await syncPayments(order.orderNo).catch(() => null)
        if (synced && !stopped()) showOrder(synced)
        return synced !== null && synced.state !== 'pending_payment'
      }
      // Alipay 8000/6004: the result is unknown, so ask at once.
      if (outcome === 'unknown' && (await sync())) {
        if (!stopped()) setPay({ phase: 'idle' })
        return
      }
      if (stopped()) return
      const last = await pollUntilSettled(order.orderNo, {
        timeoutMs: outcome === 'ok' || outcome === 'unknown' ? 8000 : 2000,
        intervalMs: 1000,
        stopped,
        onOrder: showOrder,
      })
      if (stopped()) return
      if (last && last.state !== 'pending_payment') {
        setPay({ phase: 'idle' })
        return
      }
      // Paid according to the sheet, but the notify has not reached the server yet.
      if ((outcome === 'ok' || outcome === 'unknown') && (await sync())) {
        if (!stopped()) setPay({ phase: 'idle' })
        return
      }
      if (stopped()) return
      const text =
        outcome === 'ok' || outcome === 'unknown'
          ? '支付结果确认中，请稍后刷新查看'
          : outcome === 'cancelled'
            ? '已取消支付，请在截止时间前完成支付'
            : `支付未完成${errMsg ? `（${errMsg}）` : ''}，请重试`
      setPay({ phase: 'result', outcome, text })
    },
    [fetchOrder, showOrder],
  )

  useEffect(() => {
    fetchOrder().then((order) => {
      // On H5 the payment panel (WebPay) starts what fits the screen itself.
      if (autoPay && !WEB && !autoPayDone.current && order?.state === 'pending_payment') {
        autoPayDone.current = true
        startPay(order)
      }
    })
  }, [fetchOrder, autoPay, startPay])

  const order = load.status === 'ready' ? load.order : null
  const pending = order?.state === 'pending_payment'
  const remaining = useCountdown(pending ? order!.paymentDeadline : null)
  const desktop = useDesktop()

  // The deadline passed while the page was open: the server cancels on read; show that.
  useEffect(() => {
    if (pending && remaining === 0 && !expiredReload.current) {
      expiredReload.current = true
      payGen.current++
      setPay({ phase: 'idle' })
      fetchOrder()
    }
  }, [pending, remaining, fetchOrder])

  const onAction = async (event: OrderEvent) => {
    const spec = ACTIONS[event]
    if (!order || !spec || acting) return
    const { confirm } = await Taro.showModal({ title: spec.title, content: spec.content(order), confirmText: '确定', cancelText: '再想想' })
    if (!confirm) return
    setActing(event)
    try {
      const updated = event === 'lock' ? await lockOrder(order.orderNo) : await cancelOrder(order.orderNo)
      payGen.current++ // stop waiting for a payment of a cancelled order
      setPay({ phase: 'idle' })
      showOrder(updated)
      Taro.showToast({ title: spec.done, icon: 'success' })
    } catch (err) {
      Taro.showToast({ title: errorText(err, '操作失败，请重试'), icon: 'none' })
      fetchOrder()
    } finally {
      if (mounted.current) setActing(null)
    }
  }

  if (load.status === 'login') {
    return (
      <View className='page order-page'>
        <LoginPrompt text='登录后查看订单' onLoggedIn={fetchOrder} />
      </View>
    )
  }
  if (load.status === 'error') {
    return (
      <View className='page order-page'>
        <ErrorState message={load.message} onRetry={fetchOrder} />
      </View>
    )
  }
  if (!order) {
    return (
      <View className='page order-page'>
        <LoadingState />
      </View>
    )
  }

  const paying = pay.phase === 'requesting' || pay.phase === 'confirming'
  const canPay = pending && (remaining ?? 0) > 0
  const buyerActions = ACTION_ORDER.filter((e) => order.actions.includes(e))
  const paid = order.payments.find((p) => p.status === 'paid')
  const timeline = [...order.timeline].reverse() // newest first

  return (
    <View className='page order-page' data-order-no={order.orderNo}>
      <View className='order-head'>
        <View className='order-head__row'>
          <OrderStateTag state={order.state} />
          <Text className='order-head__no'>订单号 {order.orderNo}</Text>
        </View>
        {pending && remaining !== null && (
          <Text className='order-countdown' data-remaining-ms={String(remaining)}>
            {remaining > 0
              ? `请在 ${formatCountdown(remaining)} 内支付意向金，超时订单将自动取消`
              : '支付已超时，订单正在取消'}
          </Text>
        )}
      </View>

      {pending && (remaining ?? 0) > 0 && WEB && <WebPay order={order} platform={desktop ? 'h5-desktop' : 'h5-mobile'} autoStart={autoPay} remaining={remaining} onOrder={showOrder} />}
      {pending && (remaining ?? 0) > 0 && WECHAT_PAY_IN_APP && <WebPay order={order} platform='weapp' autoStart={false} remaining={remaining} onOrder={showOrder} onlyBackup />}
      {pay.phase === 'confirming' && <Text className='pay-status'>正在确认支付结果…</Text>}
      {pending && pay.phase === 'result' && (
        <Text className={`pay-result pay-result--${pay.outcome}`} data-outcome={pay.outcome}>
          {pay.text}
        </Text>
      )}

      <View className='order-card-detail'>
        <Text className='order-card-detail__title'>{order.modelName}</Text>
        <Text className='order-card-detail__sub'>{order.trimName}</Text>
      </View>

      <LineItems config={order.config} />

      <View className='order-sum'>
        <View className='order-sum__row'>
          <Text>车辆总价</Text>
          <Text className='order-sum__total'>{formatFen(order.totalFen)}</Text>
        </View>
        <View className='order-sum__row'>
          <Text>{depositLabel(order.state)}</Text>
          <Text>
            {formatFen(order.depositFen)}
            {depositLabel(order.state) === '定金' ? '（意向金已转为定金）' : paid ? '（已支付）' : pending ? '（待支付）' : ''}
          </Text>
        </View>
        {paid?.paidAt && (
          <View className='order-sum__row'>
            <Text>支付时间</Text>
            <Text>{formatDateTimeCN(paid.paidAt)}</Text>
          </View>
        )}
        {order.refunds.map((r) => (
          <View key={r.outRefundNo} className='order-sum__row order-refund' data-status={r.status}>
            <Text>退款</Text>
            <Text>
              {formatFen(r.amountFen)}（{r.status === 'succeeded' ? '已退回' : '处理中'}）
            </Text>
          </View>
        ))}
        <View className='order-sum__row'>
          <Text>下单时间</Text>
          <Text>{formatDateTimeCN(order.createdAt)}</Text>
        </View>
        {order.deliveryCentre && (
          <View className='order-sum__row order-centre' data-code={order.deliveryCentre.code}>
            <Text>交付中心</Text>
            <Text>{order.deliveryCentre.name}</Text>
          </View>
        )}
      </View>

      <TrackingEntry order={order} />
      <Text className='section-title'>订单进度</Text>
      <View className='timeline'>
        {timeline.map((e, i) => (
          <View key={`${e.at}-${e.event}-${i}`} className={`timeline-item${i === 0 ? ' timeline-item--latest' : ''}`} data-event={e.event}>
            <View className='timeline-item__dot' />
            <View className='timeline-item__body'>
              <Text className='timeline-item__title'>
                {timelineLabel(e)} · {ORDER_STATE_LABELS[e.to]}
              </Text>
              <Text className='timeline-item__meta'>
                {formatDateTimeCN(e.at)} · {actorLabel(e.actor.kind)}
              </Text>
              {e.note && <Text className='timeline-item__note'>{e.note}</Text>}
            </View>
          </View>
        ))}
      </View>

      {/* `disabled={… || undefined}`: Taro H5 greys out any `disabled` attribute, even disabled="false". */}
      {((canPay && !WEB) || buyerActions.length > 0) && (
        <View className='order-actions'>
          {buyerActions.map((event) => (
            <Button
              key={event}
              className={`${event === 'lock' ? 'btn-primary' : 'btn-plain'} order-action`}
              data-action={event}
              size='mini'
              loading={acting === event}
              disabled={!!acting || undefined}
              onClick={() => onAction(event)}
            >
              {ACTIONS[event]!.text}
            </Button>
          ))}
          {canPay && !WEB && (
            <Button
              className='btn-primary order-action'
              data-action='pay'
              size='mini'
              loading={pay.phase === 'requesting' || pay.phase === 'confirming'}
              disabled={paying || !!acting || undefined}
              onClick={() => startPay(order)}
            >
              去支付 {formatFen(order.depositFen)}
            </Button>
          )}
        </View>
      )}
    </View>
  )
}
