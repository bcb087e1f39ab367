import { Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { canUseConsole, consoleOrdersPath } from '../api/console'

/** 管理后台 on 我的, for service staff, operators and admins (the BFF checks the role again on every call). */
export function ConsoleEntry({ roles, className = 'me-entry' }: { roles?: string[]; className?: string }) {
  if (!canUseConsole(roles)) return null
  return (
    <View className={`${className} console-entry`} onClick={() => Taro.navigateTo({ url: consoleOrdersPath })}>
      <Text className={`${className}__title`}>管理后台（订单，建议在电脑浏览器中使用）</Text>
      <Text className={`${className}__arrow`}>›</Text>
    </View>
  )
}
