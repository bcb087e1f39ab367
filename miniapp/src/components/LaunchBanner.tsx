import { useEffect, useState } from 'react'
import { Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { LAUNCH_PHASE_LABELS, formatDateTimeCN, launchPhase, type LaunchView } from '@carmall/shared-types'
import { launchPagePath, listLaunches } from '../api/launches'
import { clockOffset, formatLaunchCountdown, useServerNow } from '../utils/launch'
import './LaunchBanner.scss'

/**
 * 首发抢购 on the home page: the soonest upcoming or open launch with its countdown (on the server's
 * clock), opening the launch page. Nothing when there is none; a failed load hides it quietly.
 */
export function LaunchBanner() {
  const [shown, setShown] = useState<{ launch: LaunchView; offset: number } | null>(null)

  useEffect(() => {
    let live = true
    const sent = Date.now()
    listLaunches().then(
      (res) => {
        if (!live) return
        const launch = res.items.find((l) => l.phase === 'scheduled' || l.phase === 'open')
        setShown(launch ? { launch, offset: clockOffset(launch.serverTime, sent, Date.now()) } : null)
      },
      () => undefined,
    )
    return () => {
      live = false
    }
  }, [])

  const startsMs = shown ? Date.parse(shown.launch.startsAt) : NaN
  const now = useServerNow(shown?.offset ?? 0, shown && Date.now() + shown.offset < startsMs ? startsMs : null)
  if (!shown) return null
  const { launch } = shown
  const phase = launchPhase(launch, new Date(now), launch.available === 0)
  if (phase === 'ended') return null

  return (
    <View className='launch-banner' data-code={launch.code} data-phase={phase} onClick={() => Taro.navigateTo({ url: launchPagePath(launch.code) })}>
      <View className='launch-banner__head'>
        <Text className='launch-banner__tag'>首发抢购 · {LAUNCH_PHASE_LABELS[phase]}</Text>
        <Text className='launch-banner__arrow'>›</Text>
      </View>
      <Text className='launch-banner__title'>{launch.title}</Text>
      <Text className='launch-banner__model'>{launch.modelName}</Text>
      {phase === 'scheduled' ? (
        <Text className='launch-banner__countdown' data-remaining-ms={String(Math.max(0, startsMs - now))}>
          距开售 {formatLaunchCountdown(startsMs - now)} · {formatDateTimeCN(launch.startsAt)} 开售
        </Text>
      ) : (
        <Text className='launch-banner__countdown'>
          {phase === 'open' ? `正在抢购 · 剩余 ${launch.available.toLocaleString('en-US')} 辆，立即参与` : '已售罄'}
        </Text>
      )}
    </View>
  )
}
