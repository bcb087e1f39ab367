import { Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { garagePath, messagesPath, myServiceBookingsPath } from '../api/garage'
import { isStaff, staffConsolePath } from '../api/staff'

/** 我的 → 我的车库, 保养预约, 消息中心 (signed in) and 服务工作台 (service staff and admins). */
export function GarageEntries({ loggedIn, roles }: { loggedIn: boolean; roles?: string[] }) {
  if (!loggedIn) return null
  const entry = (cls: string, title: string, url: string) => (
    <View className={`me-entry ${cls}`} onClick={() => Taro.navigateTo({ url })}>
      <Text className='me-entry__title'>{title}</Text>
      <Text className='me-entry__arrow'>›</Text>
    </View>
  )
  return (
    <>
      {entry('me-entry--garage', '我的车库', garagePath)}
      {entry('me-entry--service-bookings', '保养预约', myServiceBookingsPath)}
      {entry('me-entry--messages', '消息中心', messagesPath)}
      {isStaff(roles) && entry('me-entry--staff', '服务工作台', staffConsolePath)}
    </>
  )
}
