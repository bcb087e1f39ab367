import { useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { getSubscriptions, recordSubscription } from '../api/garage'
import { ApiError } from '../api/client'

/** WeChat subscribe messages exist only on weapp; Alipay and H5 owners read the in-app message centre. */
export const CAN_SUBSCRIBE = process.env.TARO_ENV === 'weapp'

const newRequestId = () => `sub${Date.now().toString(36)}${Math.random().toString(36).slice(2, 12)}`

/**
 * 订阅提醒: WeChat lets us send ONE message per tap-granted opt-in, so the owner taps this to allow
 * the next maintenance reminder; what WeChat answered is recorded on the BFF (its ledger decides
 * whether a reminder may go out). `requestSubscribeMessage` must run inside the tap handler.
 */
export function SubscribeReminder({ canSubscribe = CAN_SUBSCRIBE }: { canSubscribe?: boolean }) {
  const [busy, setBusy] = useState(false)
  const [remaining, setRemaining] = useState<number | null>(null)

  if (!canSubscribe) {
    return (
      <View className='subscribe-reminder subscribe-reminder--inapp'>
        <Text className='subscribe-reminder__hint'>保养提醒和服务通知会发送到「消息中心」，请留意查看。</Text>
      </View>
    )
  }

  const onTap = async () => {
    setBusy(true)
    try {
      // The template id comes from the BFF so the app never ships a stale one.
      const { templates } = await getSubscriptions()
      const tmplIds = templates.slice(0, 3).map((t) => t.templateId)
      const res = (await Taro.requestSubscribeMessage({ tmplIds } as any)) as unknown as Record<string, string>
      const results = Object.fromEntries(tmplIds.map((id) => [id, res[id] === 'accept' ? 'accept' : res[id] === 'ban' ? 'ban' : res[id] === 'filter' ? 'filter' : 'reject']))
      const saved = await recordSubscription({ templateIds: tmplIds, results, requestId: newRequestId() })
      const left = saved.templates[0]?.remaining ?? 0
      setRemaining(left)
      Taro.showToast({ title: results[tmplIds[0]] === 'accept' ? '已订阅保养提醒' : '未订阅，可在消息中心查看通知', icon: 'none' })
    } catch (err) {
      Taro.showToast({ title: err instanceof ApiError ? err.message : '订阅失败，请重试', icon: 'none' })
    } finally {
      setBusy(false)
    }
  }

  return (
    <View className='subscribe-reminder'>
      <Button className='btn-plain subscribe-reminder__btn' size='mini' loading={busy} disabled={busy} onClick={onTap}>
        订阅提醒
      </Button>
      <Text className='subscribe-reminder__hint'>
        {remaining === null ? '每次订阅可接收一条微信保养提醒' : `可接收 ${remaining} 条微信提醒`}
      </Text>
    </View>
  )
}
