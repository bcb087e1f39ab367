import { useCallback, useEffect, useRef, useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro, { useDidShow } from '@tarojs/taro'
import { depositLabel, formatDateTimeCN, formatFen } from '@carmall/shared-types'
import { getToken } from '../../api/client'
import { listOrders, orderDetailPath, type Order } from '../../api/orders'
import { EmptyState, ErrorState, LoadingState } from '../../components/StatusViews'
import { LoginPrompt, OrderStateTag, errorText, needsLogin } from '../order/parts'
import './index.scss'

type State =
  | { status: 'loading' }
  | { status: 'login' }
  | { status: 'error'; message: string }
  | { status: 'ready'; items: Order[] }

const openModels = () => Taro.switchTab({ url: '/pages/models/index' })

/** Tab 订单: the signed-in buyer's orders, newest first (`GET /api/v1/orders`). */
export default function OrdersPage() {
  const [state, setState] = useState<State>(() => (getToken() ? { status: 'loading' } : { status: 'login' }))
  const shown = useRef(false)
  const hasList = useRef(false)

  const load = useCallback(async () => {
    if (!getToken()) {
      setState({ status: 'login' })
      return
    }
    // Refreshing a shown list keeps it on screen until the new one arrives.
    if (!hasList.current) setState({ status: 'loading' })
    try {
      const { items } = await listOrders()
      hasList.current = true
      setState({ status: 'ready', items })
    } catch (err) {
      hasList.current = false
      setState(needsLogin(err) ? { status: 'login' } : { status: 'error', message: errorText(err) })
    }
  }, [])

  useEffect(() => {
    load()
  }, [load])
  // Back from checkout or an order (paid, cancelled, locked): show the current states.
  useDidShow(() => {
    if (shown.current) load()
    shown.current = true
  })

  const open = (orderNo: string) => Taro.navigateTo({ url: orderDetailPath(orderNo) })

  return (
    <View className='page orders-page'>
      {state.status === 'login' && <LoginPrompt text='登录后查看您的订单' onLoggedIn={load} />}
      {state.status === 'loading' && <LoadingState />}
      {state.status === 'error' && <ErrorState message={state.message} onRetry={load} />}
      {state.status === 'ready' && state.items.length === 0 && (
        <View className='orders-empty'>
          <EmptyState text='还没有订单' />
          <Button className='btn-plain orders-empty__go' onClick={openModels}>
            去看看车型
          </Button>
        </View>
      )}
      {state.status === 'ready' &&
        state.items.map((o) => (
          <View key={o.orderNo} className='order-card' data-order-no={o.orderNo} onClick={() => open(o.orderNo)}>
            <View className='order-card__head'>
              <Text className='order-card__title'>{o.modelName}</Text>
              <OrderStateTag state={o.state} />
            </View>
            <Text className='order-card__trim'>{o.trimName}</Text>
            <View className='order-card__row'>
              <Text className='order-card__label'>车辆总价</Text>
              <Text className='order-card__total'>{formatFen(o.totalFen)}</Text>
            </View>
            <View className='order-card__row'>
              <Text className='order-card__label'>{depositLabel(o.state)}</Text>
              <Text>{formatFen(o.depositFen)}</Text>
            </View>
            <View className='order-card__row'>
              <Text className='order-card__label'>下单时间</Text>
              <Text>{formatDateTimeCN(o.createdAt)}</Text>
            </View>
            {o.state === 'pending_payment' && (
              <Text className='order-card__hint'>请于 {formatDateTimeCN(o.paymentDeadline)} 前支付意向金</Text>
            )}
          </View>
        ))}
    </View>
  )
}
