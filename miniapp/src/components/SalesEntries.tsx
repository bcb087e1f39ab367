import { useEffect } from 'react'
import { Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { advisorWorkspacePath, myTestDrivesPath } from '../api/advisors'
import { bindLastShare, isWorkspaceRole, useRoles } from '../state/shareVisits'

/**
 * 我的 → 我的试驾 (signed in) and 顾问工作台 (advisors). A login on 我的 also sends the last share
 * visit again so this device's anonymous visit binds to the account (attribution).
 */
export function SalesEntries({ loggedIn }: { loggedIn: boolean }) {
  const roles = useRoles(loggedIn)
  useEffect(() => {
    if (loggedIn) void bindLastShare()
  }, [loggedIn])
  if (!loggedIn) return null
  return (
    <>
      <View className='me-entry me-entry--test-drives' onClick={() => Taro.navigateTo({ url: myTestDrivesPath })}>
        <Text className='me-entry__title'>我的试驾</Text>
        <Text className='me-entry__arrow'>›</Text>
      </View>
      {isWorkspaceRole(roles) && (
        <View className='me-entry me-entry--advisor' onClick={() => Taro.navigateTo({ url: advisorWorkspacePath })}>
          <Text className='me-entry__title'>顾问工作台</Text>
          <Text className='me-entry__arrow'>›</Text>
        </View>
      )}
    </>
  )
}
