import { useEffect, useState } from 'react'
import { Text, View } from '@tarojs/components'
import './PlacementProgress.scss'

/** How full the bar is after `elapsedMs`: quick at first, never full until the order exists. */
export function placementProgress(elapsedMs: number): number {
  return Math.min(0.95, 0.1 + 0.9 * (1 - Math.exp(-Math.max(0, elapsedMs) / 6000)))
}

/**
 * 「你已锁定名额，正在生成订单」 (a 202 `creating` answer): the car is held for the buyer while the
 * order is written. The bar shows time passing (the server gives no percentage).
 */
export function PlacementProgress({ orderNo, since, className = '' }: { orderNo: string; since: number; className?: string }) {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 500)
    return () => clearInterval(timer)
  }, [])
  const elapsed = Math.max(0, now - since)
  return (
    <View className={`placement ${className}`.trim()} data-status='creating' data-order-no={orderNo}>
      <Text className='placement__title'>你已锁定名额，正在生成订单</Text>
      <View className='placement__track'>
        <View className='placement__bar' style={{ width: `${Math.round(placementProgress(elapsed) * 100)}%` }} />
      </View>
      <Text className='placement__hint'>
        订单号 {orderNo} · 已等待 {Math.floor(elapsed / 1000)} 秒。车辆已为您保留，请勿离开本页，订单生成后将自动打开。
      </Text>
    </View>
  )
}
