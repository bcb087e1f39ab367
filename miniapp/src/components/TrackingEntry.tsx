import { Button, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import type { OrderState } from '@carmall/shared-types'
import { trackingPath } from '../api/tracking'

/** States in which an order has (or is about to have) a shipment worth tracking. */
const TRACKABLE: OrderState[] = ['allocated', 'in_transit', 'ready_for_delivery', 'delivered']

/** 查看物流 on the order detail page (only once the order has a car on its way). */
export function TrackingEntry({ order }: { order: { orderNo: string; state: OrderState } }) {
  if (!TRACKABLE.includes(order.state)) return null
  return (
    <Button className='btn-plain tracking-entry' size='mini' onClick={() => Taro.navigateTo({ url: trackingPath(order.orderNo) })}>
      查看物流
    </Button>
  )
}

/** 物流查询 on 我的 and 订单: opens the tracking page's lookup by order number. */
export function TrackingLookupEntry({ className = 'me-entry' }: { className?: string }) {
  return (
    <View className={`${className} tracking-lookup-entry`} onClick={() => Taro.navigateTo({ url: '/pages/tracking/index' })}>
      <Text className={`${className}__title`}>物流查询（按订单号）</Text>
      <Text className={`${className}__arrow`}>›</Text>
    </View>
  )
}
