import { useCallback, useEffect, useRef, useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { formatFen, type DepositTerms, type ResolvedConfig } from '@carmall/shared-types'
import { ApiError, getToken } from '../../api/client'
import { priceConfiguration } from '../../api/configurations'
import { financePath } from '../../api/finance'
import { createOrder, getDepositTerms, isCreating, newIdempotencyKey, orderDetailPath } from '../../api/orders'
import { DeliveryCentrePicker } from '../../components/DeliveryCentrePicker'
import { LineItems } from '../../components/LineItems'
import { PlacementProgress } from '../../components/PlacementProgress'
import { followPlacement } from '../../utils/placement'
import { ErrorState, LoadingState } from '../../components/StatusViews'
import { LoginPrompt, errorText, needsLogin } from '../order/parts'
import { track, usePageView } from '../../analytics'
import './index.scss'
import { decodeParam } from '../../utils/navigation'

type Load = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; terms: DepositTerms; config: ResolvedConfig }

type Notice =
  | { kind: 'error'; text: string }
  /** 409 OUT_OF_STOCK: this trim + paint is gone; another paint may not be. */
  | { kind: 'soldout'; text: string }
  /** 409 LAUNCH_ONLY: this trim + paint is set aside for a 首发抢购 launch. */
  | { kind: 'launch'; text: string }
  /** 409 PRICE_CHANGED: the buyer confirms the new total before the order is placed. */
  | { kind: 'price'; text: string; totalFen: number }

/**
 * 下定 (checkout): the configuration with its line items and total, the deposit terms shown before
 * paying (agreeing is required), then `POST /orders` and on to the order page, which takes the payment.
 *
 * One Idempotency-Key per visit of this page (one checkout attempt): every retry — a double tap, a
 * network error, confirming a changed price — sends the same key, so the BFF never creates two orders.
 */
export default function CheckoutPage() {
  const { params } = useRouter()
  const modelCode = decodeParam(params.model)
  const trimCode = decodeParam(params.trim)
  const selectionsParam = decodeParam(params.selections)
  const shownTotal = Number(params.total)
  const modelName = decodeParam(params.name)
  usePageView('pages/checkout/index')

  const [load, setLoad] = useState<Load>({ status: 'loading' })
  const [loggedIn, setLoggedIn] = useState(() => !!getToken())
  const [agreed, setAgreed] = useState(false)
  const [submitting, setSubmitting] = useState(false)
  const [notice, setNotice] = useState<Notice | null>(null)
  /** 202 creating: the car is held and the order is being written (「你已锁定名额，正在生成订单」). */
  const [creating, setCreating] = useState<{ orderNo: string; since: number } | null>(null)
  /** The total the buyer has seen and accepted; sent as expectedTotalFen. */
  const [expectedTotal, setExpectedTotal] = useState<number | null>(null)
  const [priceNote, setPriceNote] = useState('')
  /** 交付中心: where the car will be delivered (the picker selects the first one by default). */
  const [centre, setCentre] = useState<string | null>(null)

  const idempotencyKey = useRef(newIdempotencyKey())
  const inFlight = useRef(false)
  const mounted = useRef(true)
  useEffect(() => {
    mounted.current = true
    return () => {
      mounted.current = false
    }
  }, [])

  const selections = selectionsParam ? selectionsParam.split(',').filter(Boolean) : []
  const selectionsKey = selections.join(',')

  const reload = useCallback(async () => {
    setLoad({ status: 'loading' })
    try {
      if (!modelCode || !trimCode) throw new ApiError('NOT_FOUND', '缺少车型或版本', 404)
      const [terms, priced] = await Promise.all([
        getDepositTerms(),
        priceConfiguration({ modelCode, trimCode, selections: selectionsKey ? selectionsKey.split(',') : [] }),
      ])
      setLoad({ status: 'ready', terms, config: priced.config })
      setExpectedTotal(priced.config.totalFen)
      if (Number.isFinite(shownTotal) && shownTotal > 0 && shownTotal !== priced.config.totalFen) {
        setPriceNote(`价格已更新：配置页显示 ${formatFen(shownTotal)}，当前价格 ${formatFen(priced.config.totalFen)}`)
      }
    } catch (err) {
      setLoad({ status: 'error', message: errorText(err) })
    }
  }, [modelCode, trimCode, selectionsKey, shownTotal])

  useEffect(() => {
    reload()
  }, [reload])

  const submit = async (expectedTotalFen: number) => {
    if (load.status !== 'ready' || inFlight.current) return
    if (!agreed) {
      setNotice({ kind: 'error', text: '请先阅读并同意意向金条款' })
      return
    }
    if (!getToken()) {
      setLoggedIn(false)
      return
    }
    inFlight.current = true
    setSubmitting(true)
    setNotice(null)
    try {
      const placed = await createOrder(
        { modelCode, trimCode, selections: load.config.explicit, expectedTotalFen, ...(centre ? { deliveryCentreCode: centre } : {}) },
        idempotencyKey.current,
      )
      let orderNo = placed.orderNo
      if (isCreating(placed)) {
        // Under load the BFF holds the car and writes the order a moment later: follow it.
        setCreating({ orderNo: placed.orderNo, since: Date.now() })
        const r = await followPlacement(placed.orderNo, placed.pollAfterMs, { stopped: () => !mounted.current })
        if (r.status === 'stopped') return
        setCreating(null)
        if (r.status === 'failed') {
          // That attempt is over (its car was given back): a new tap is a new attempt.
          idempotencyKey.current = newIdempotencyKey()
          setNotice({ kind: 'error', text: r.reason || '订单生成失败，请重试' })
          return
        }
        if (r.status === 'timeout') {
          setNotice({ kind: 'error', text: '订单仍在生成中，请稍后在「订单」中查看' })
          return
        }
        orderNo = r.order.orderNo
      }
      track('order_created', { modelCode })
      // Replace checkout in the history: going back from the order lands on the configurator.
      await Taro.redirectTo({ url: orderDetailPath(orderNo, { pay: true }) })
    } catch (err) {
      setCreating(null)
      if (needsLogin(err)) {
        setLoggedIn(false)
      } else if (err instanceof ApiError && err.code === 'OUT_OF_STOCK') {
        const paint = load.config.lineItems.find((l) => l.group === 'paint')
        setNotice({
          kind: 'soldout',
          text: paint ? `「${paint.name}」已售罄，请返回更换其他颜色后再下定` : '该配置已售罄，请返回更换其他颜色后再下定',
        })
      } else if (err instanceof ApiError && err.code === 'LAUNCH_ONLY') {
        // This trim + paint is set aside for a launch (首发抢购): only its admitted buyers may order it.
        setNotice({ kind: 'launch', text: '该版本与颜色正在首发抢购中，仅限抢购获得资格的用户下单，请更换其他颜色后再下定' })
      } else if (err instanceof ApiError && err.code === 'PRICE_CHANGED') {
        const totalFen = (err.details as { totalFen?: number } | undefined)?.totalFen
        if (typeof totalFen === 'number') {
          setNotice({ kind: 'price', text: `价格已更新：${formatFen(expectedTotalFen)} → ${formatFen(totalFen)}`, totalFen })
          // Refresh the line items so the buyer sees what the new total is made of.
          priceConfiguration({ modelCode, trimCode, selections: load.config.explicit })
            .then((res) => setLoad((l) => (l.status === 'ready' ? { ...l, config: res.config } : l)))
            .catch(() => {})
        } else {
          setNotice({ kind: 'error', text: err.message })
        }
      } else {
        setNotice({ kind: 'error', text: errorText(err, '下单失败，请重试') })
      }
    } finally {
      inFlight.current = false
      setSubmitting(false)
    }
  }

  const onConfirmPrice = () => {
    if (notice?.kind !== 'price') return
    setExpectedTotal(notice.totalFen)
    submit(notice.totalFen)
  }

  if (load.status === 'error') {
    return (
      <View className='page checkout-page'>
        <ErrorState message={load.message} onRetry={reload} />
      </View>
    )
  }
  if (load.status === 'loading' || expectedTotal === null) {
    return (
      <View className='page checkout-page'>
        <LoadingState />
      </View>
    )
  }

  const { terms, config } = load
  const trimName = config.lineItems.find((l) => l.group === 'trim')?.name ?? config.trimCode
  const displayTotal = notice?.kind === 'price' ? notice.totalFen : expectedTotal

  return (
    <View className='page checkout-page' data-model={config.modelCode}>
      <View className='checkout-card'>
        <Text className='checkout-card__title'>{modelName || config.modelCode}</Text>
        <Text className='checkout-card__sub'>{trimName}</Text>
      </View>

      {priceNote && <Text className='checkout-note checkout-note--info'>{priceNote}</Text>}

      <Text className='section-title'>配置明细</Text>
      <LineItems config={config} />

      <View className='checkout-sum'>
        <View className='checkout-sum__row'>
          <Text>车辆总价</Text>
          <Text className='checkout-total' data-total-fen={String(displayTotal)}>
            {formatFen(displayTotal)}
          </Text>
        </View>
        <View className='checkout-sum__row'>
          <Text>本次支付意向金</Text>
          <Text className='checkout-deposit' data-deposit-fen={String(terms.intentDepositFen)}>
            {formatFen(terms.intentDepositFen)}
          </Text>
        </View>
        {/* Before paying, a buyer often wants the loan figures for exactly this car. */}
        <View
          className='checkout-sum__row checkout-finance'
          onClick={() => Taro.navigateTo({ url: financePath({ modelCode: config.modelCode, trimCode: config.trimCode, selected: config.selected, totalFen: displayTotal ?? config.totalFen }) })}
        >
          <Text>贷款购车</Text>
          <Text className='checkout-finance__link'>月供试算 ›</Text>
        </View>
      </View>

      <Text className='section-title'>交付中心</Text>
      <DeliveryCentrePicker value={centre} onChange={setCentre} />

      <Text className='section-title'>意向金条款</Text>
      <View className='checkout-terms' data-version={terms.version}>
        {terms.text.map((line, i) => (
          <Text key={i} className='checkout-terms__line'>
            {i + 1}. {line}
          </Text>
        ))}
      </View>

      <View
        className={`terms-agree${agreed ? ' terms-agree--checked' : ''}`}
        data-checked={agreed ? 'true' : 'false'}
        onClick={() => {
          setAgreed((v) => !v)
          setNotice((n) => (n?.kind === 'error' ? null : n))
        }}
      >
        <View className='terms-agree__box'>{agreed ? '✓' : ''}</View>
        <Text className='terms-agree__text'>我已阅读并同意《意向金条款》</Text>
      </View>

      {notice && (
        <View className={`checkout-notice checkout-notice--${notice.kind}`}>
          <Text className='checkout-notice__text'>
            {notice.kind === 'soldout' ? `已售罄：${notice.text}` : notice.text}
          </Text>
          {(notice.kind === 'soldout' || notice.kind === 'launch') && (
            <Button className='btn-plain checkout-notice__btn checkout-change-paint' size='mini' onClick={() => Taro.navigateBack()}>
              更换颜色
            </Button>
          )}
          {notice.kind === 'price' && (
            <Button
              className='btn-primary checkout-notice__btn price-confirm'
              size='mini'
              loading={submitting}
              disabled={submitting || undefined}
              onClick={onConfirmPrice}
            >
              按新价格 {formatFen(notice.totalFen)} 下定
            </Button>
          )}
        </View>
      )}

      {creating && <PlacementProgress className='checkout-creating' orderNo={creating.orderNo} since={creating.since} />}

      {!loggedIn ? (
        <LoginPrompt text='登录后即可下定' onLoggedIn={() => setLoggedIn(true)} />
      ) : (
        <View className='checkout-bar'>
          <View className='checkout-bar__info'>
            <Text className='checkout-bar__label'>意向金</Text>
            <Text className='checkout-bar__amount'>{formatFen(terms.intentDepositFen)}</Text>
          </View>
          {/* `|| undefined`: Taro H5 styles any `disabled` attribute, even disabled="false", as greyed out. */}
          <Button
            className='btn-primary checkout-bar__btn checkout-pay'
            loading={submitting}
            disabled={submitting || notice?.kind === 'price' || undefined}
            onClick={() => submit(expectedTotal)}
          >
            支付意向金 {formatFen(terms.intentDepositFen)}
          </Button>
        </View>
      )}
    </View>
  )
}
