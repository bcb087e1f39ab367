import { Button, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { advisorWorkspacePath, myTestDrivesPath } from '../api/advisors'
import { savedConfigPath } from '../api/configurations'
import { isAdvisorRole, isWorkspaceRole, knownRoles, useRoles } from '../state/shareVisits'

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

/**
 * 我的配置 row action for advisors: the configuration opened with its share panel open. Uses the
 * roles 我的 already fetched (advisors come here from 我的), so the list costs no extra request.
 */
export function ShareConfigButton({ shortId }: { shortId: string }) {
  if (!isAdvisorRole(knownRoles())) return null
  return (
    <Button className='btn-plain saved-item__btn share-config-entry' size='mini' onClick={() => Taro.navigateTo({ url: `${savedConfigPath(shortId)}&share=1` })}>
      分享
    </Button>
  )
}
