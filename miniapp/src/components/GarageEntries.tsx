import { useCallback, useEffect, useState } from 'react'
import { Text, View } from '@tarojs/components'
import Taro, { useDidShow } from '@tarojs/taro'
import { garagePath, listMessages, messagesPath, myServiceBookingsPath } from '../api/garage'
import { isStaff, staffConsolePath } from '../api/staff'

/** "3", or "99+" when there are more. */
export const badgeText = (n: number) => (n > 99 ? '99+' : String(n))

/**
 * 我的 → 我的车库, 保养预约, 消息中心 (signed in; 消息中心 with its unread count, refreshed each time
 * 我的 is shown, so a message read there clears it) and 服务工作台 (service staff and admins).
 */
export function GarageEntries({ loggedIn, roles }: { loggedIn: boolean; roles?: string[] }) {
  const [unread, setUnread] = useState(0)
  const refresh = useCallback(() => {
    if (!loggedIn) return
    // One row is enough: the inbox answers its unread total with any page. A failure keeps the last count.
    listMessages(1, 1).then(
      (inbox) => setUnread(inbox.unread),
      () => undefined,
    )
  }, [loggedIn])
  useEffect(refresh, [refresh])
  useDidShow(refresh)
  if (!loggedIn) return null
  const entry = (cls: string, title: string, url: string, badge = 0) => (
    <View className={`me-entry ${cls}`} onClick={() => Taro.navigateTo({ url })}>
      <Text className='me-entry__title'>{title}</Text>
      <View className='me-entry__end'>
        {badge > 0 && <Text className='me-entry__badge'>{badgeText(badge)}</Text>}
        <Text className='me-entry__arrow'>›</Text>
      </View>
    </View>
  )
  return (
    <>
      {entry('me-entry--garage', '我的车库', garagePath)}
      {entry('me-entry--service-bookings', '保养预约', myServiceBookingsPath)}
      {entry('me-entry--messages', '消息中心', messagesPath, unread)}
      {isStaff(roles) && entry('me-entry--staff', '服务工作台', staffConsolePath)}
    </>
  )
}
