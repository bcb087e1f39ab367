import { useEffect, useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { getSubscriptions, recordSubscription, type SubscriptionTemplate } from '../api/garage'
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
  // Loaded before the tap: WeChat opens the opt-in dialog only when requestSubscribeMessage is
  // called directly in the tap handler, so nothing may be awaited before it.
  const [templates, setTemplates] = useState<SubscriptionTemplate[] | null>(null)
  const [loadFailed, setLoadFailed] = useState(false)

  useEffect(() => {
    if (!canSubscribe) return
    let live = true
    getSubscriptions()
      .then(({ templates: all }) => {
        if (!live) return
        // The booking templates are asked for at a booking's confirm tap (components/bookingSubscribe), not here.
        const list = all.filter((t) => t.topic !== 'booking' && t.topic !== 'booking_reminder')
        setTemplates(list)
        setRemaining(list[0]?.remaining ?? 0)
      })
      .catch(() => live && setLoadFailed(true))
    return () => {
      live = false
    }
  }, [canSubscribe])

  if (!canSubscribe) {
    return (
      <View className='subscribe-reminder subscribe-reminder--inapp'>
        <Text className='subscribe-reminder__hint'>保养提醒和服务通知会发送到「消息中心」，请留意查看。</Text>
      </View>
    )
  }

  const onTap = () => {
    if (!templates?.length || busy) return
    // The template ids come from the BFF so the app never ships a stale one (at most 3 per call).
    const tmplIds = templates.slice(0, 3).map((t) => t.templateId)
    // Called synchronously, first thing in the tap handler (see above).
    const asked = Taro.requestSubscribeMessage({ tmplIds } as any) as unknown as Promise<Record<string, string>>
    setBusy(true)
    void (async () => {
      try {
        const res = await asked
        const results = Object.fromEntries(tmplIds.map((id) => [id, res[id] === 'accept' ? 'accept' : res[id] === 'ban' ? 'ban' : res[id] === 'filter' ? 'filter' : 'reject']))
        const saved = await recordSubscription({ templateIds: tmplIds, results, requestId: newRequestId() })
        setTemplates(saved.templates)
        setRemaining(saved.templates[0]?.remaining ?? 0)
        Taro.showToast({ title: results[tmplIds[0]] === 'accept' ? '已订阅保养提醒' : '未订阅，可在消息中心查看通知', icon: 'none' })
      } catch (err) {
        Taro.showToast({ title: err instanceof ApiError ? err.message : '订阅失败，请重试', icon: 'none' })
      } finally {
        setBusy(false)
      }
    })()
  }

  const ready = !!templates?.length
  return (
    <View className='subscribe-reminder'>
      <Button className='btn-plain subscribe-reminder__btn' size='mini' loading={busy || (!templates && !loadFailed)} disabled={busy || !ready || undefined} data-ready={ready ? 'true' : 'false'} onClick={onTap}>
        订阅提醒
      </Button>
      <Text className='subscribe-reminder__hint'>
        {loadFailed ? '暂时无法订阅，请稍后重试' : remaining ? `可接收 ${remaining} 条微信提醒` : '每次订阅可接收一条微信保养提醒'}
      </Text>
    </View>
  )
}
