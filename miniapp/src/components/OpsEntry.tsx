import { Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'

/** 运营看板 on 我的, for operators and admins only (the BFF checks the role again on every call). */
export function OpsEntry({ roles, className = 'me-entry' }: { roles?: string[]; className?: string }) {
  if (!roles?.some((r) => r === 'operator' || r === 'admin')) return null
  return (
    <View className={`${className} ops-entry`} onClick={() => Taro.navigateTo({ url: '/packages/ops/pages/index' })}>
      <Text className={`${className}__title`}>运营看板（漏斗、实验与首发抢购）</Text>
      <Text className={`${className}__arrow`}>›</Text>
    </View>
  )
}
