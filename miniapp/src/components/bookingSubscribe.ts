import { useCallback, useEffect, useState } from 'react'
import Taro from '@tarojs/taro'
import { getSubscriptions, recordSubscription } from '../api/garage'
import { CAN_SUBSCRIBE } from './SubscribeReminder'

/** The BFF's template topics asked for at a booking tap: the confirmation (预约结果通知) and the reminders (预约提醒). */
export const BOOKING_TOPICS = ['booking', 'booking_reminder']

/** What became of the ask for the reminders' template: `accepted`, `declined`, or `none` (not asked: not weapp, not ready, WeChat failed). */
export type BookingSubscribeOutcome = 'accepted' | 'declined' | 'none'

const newRequestId = () => `bk${Date.now().toString(36)}${Math.random().toString(36).slice(2, 12)}`

/**
 * The booking pages' WeChat opt-in, as 订阅提醒 does it for maintenance: the template ids are loaded
 * from the BFF before the tap (`GET /me/subscriptions`, topics booking + booking_reminder), and
 * `ask()` must be called synchronously inside the confirm tap (WeChat opens its dialog only then).
 * It returns a promise that settles once WeChat's answer is recorded (`POST /me/subscriptions`),
 * so the booking request, sent after it, finds the opt-ins for its confirmation. It never rejects:
 * the booking goes ahead whatever happens here. On Alipay and H5 nothing is asked (in-app only).
 */
export function useBookingSubscribe(signedIn: boolean, canSubscribe = CAN_SUBSCRIBE) {
  const enabled = canSubscribe && signedIn
  const [templates, setTemplates] = useState<Array<{ templateId: string; topic?: string }> | null>(null)

  useEffect(() => {
    if (!enabled) return
    let live = true
    getSubscriptions()
      .then(({ templates: all }) => live && setTemplates(all.filter((t) => BOOKING_TOPICS.includes(t.topic ?? ''))))
      .catch(() => live && setTemplates([]))
    return () => {
      live = false
    }
  }, [enabled])

  const ask = useCallback((): Promise<BookingSubscribeOutcome> => {
    if (!enabled || !templates?.length) return Promise.resolve('none')
    const tmplIds = templates.slice(0, 3).map((t) => t.templateId) // WeChat takes at most 3 per call
    const reminderId = templates.find((t) => t.topic === 'booking_reminder')?.templateId
    let asked: Promise<Record<string, string>>
    try {
      // First thing, with nothing awaited before it (see above).
      asked = Taro.requestSubscribeMessage({ tmplIds } as any) as unknown as Promise<Record<string, string>>
    } catch {
      return Promise.resolve('none')
    }
    return (async () => {
      try {
        const res = await asked
        const results = Object.fromEntries(tmplIds.map((id) => [id, res[id] === 'accept' ? 'accept' : res[id] === 'ban' ? 'ban' : res[id] === 'filter' ? 'filter' : 'reject']))
        await recordSubscription({ templateIds: tmplIds, results, requestId: newRequestId() })
        return reminderId && results[reminderId] === 'accept' ? 'accepted' : 'declined'
      } catch {
        return 'none' // the dialog failed or the answer was not recorded: in-app messages only
      }
    })()
  }, [enabled, templates])

  return { ask, enabled }
}

/** Where the reminders will arrive, said under 「将在预约前一天 18:00 与前 2 小时提醒您」. */
export function reminderChannelCN(outcome: BookingSubscribeOutcome): string {
  return outcome === 'accepted' ? '提醒将通过微信服务通知和「消息中心」发送' : '提醒将发送到「消息中心」'
}
