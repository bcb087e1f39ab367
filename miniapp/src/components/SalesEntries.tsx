import { Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { advisorWorkspacePath, myTestDrivesPath } from '../api/advisors'
import { isWorkspaceRole, useRoles } from '../state/shareVisits'

/** 我的 → 我的试驾 (signed in) and 顾问工作台 (advisors and admins). */
export function SalesEntries({ loggedIn }: { loggedIn: boolean }) {
  const roles = useRoles(loggedIn)
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
