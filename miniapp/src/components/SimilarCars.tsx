import { useEffect, useState } from 'react'
import { Image, Text, View } from '@tarojs/components'
import { RIVAL_DISCLAIMER, formatFen, type RivalMatch, type SpecDifference } from '@carmall/shared-types'
import { mediaUrl } from '../api/base'
import { rivalRef, trimRefKey } from '../api/catalog'
import { getSimilarCars, type SimilarCar } from '../api/recommendations'
import { startingPriceWan } from '../utils/price'
import { openCompare, openModel } from '../utils/navigation'
import './SimilarCars.scss'

/** Whether a difference is in the buyer's favour (cheaper, longer range), against, or neither. */
export function differenceTone(d: SpecDifference): 'better' | 'worse' | 'neutral' {
  if (d.delta === undefined || d.delta === 0) return 'neutral'
  if (d.key === 'price') return d.delta < 0 ? 'better' : 'worse'
  if (d.key === 'range') return d.delta > 0 ? 'better' : 'worse'
  return 'neutral'
}

/**
 * 相似车型 on a model page: similar cars with what differs from this one marked; then 同级竞品:
 * the other brands' cars closest to it, with where this one is ahead or behind, each opening the
 * comparison with the trim on screen. Secondary content: while loading, on error or with nothing
 * to show it shows nothing.
 */
export function SimilarCars({ code, name, trimCode }: { code: string; name?: string; trimCode?: string }) {
  const [items, setItems] = useState<SimilarCar[]>([])
  const [rivals, setRivals] = useState<RivalMatch[]>([])

  useEffect(() => {
    let live = true
    setItems([])
    setRivals([])
    getSimilarCars(code, 4).then(
      (res) => {
        if (!live) return
        setItems(res.items)
        setRivals(res.rivals ?? [])
      },
      () => undefined, // the configurator above works without this section
    )
    return () => {
      live = false
    }
  }, [code])

  if (items.length === 0 && rivals.length === 0) return null
  return (
    <>
      {items.length > 0 && <SimilarList items={items} />}
      {rivals.length > 0 && <RivalList rivals={rivals} name={name} onCompare={trimCode ? (r) => void openCompare([`${code}:${trimCode}`, trimRefKey(rivalRef(r.code))]) : undefined} />}
    </>
  )
}

/** 同级竞品: how this car compares with each rival (价格 -¥17,100: this one is cheaper). */
function RivalList({ rivals, name, onCompare }: { rivals: RivalMatch[]; name?: string; onCompare?: (r: RivalMatch['rival']) => void }) {
  return (
    <View className='similar-cars rival-cars'>
      <Text className='section-title'>同级竞品对比</Text>
      <View className='similar-cars__list'>
        {rivals.map(({ rival: r, ours }) => (
          <View key={r.code} className='similar-car rival-car' data-code={r.code} onClick={() => onCompare?.(r)}>
            <View className='similar-car__body'>
              <View className='rival-car__head'>
                <Text className='rival-car__tag'>竞品</Text>
                <Text className='similar-car__name'>
                  {r.brand} {r.name}
                </Text>
              </View>
              <Text className='rival-car__trim'>
                {r.trimName} · 指导价 {formatFen(r.priceFen)}
              </Text>
              {ours.length > 0 && (
                <View className='similar-car__diffs'>
                  <Text className='rival-car__ours'>{name ?? '本车'}：</Text>
                  {ours.map((d) => (
                    <Text key={d.key} className={`similar-car__diff similar-car__diff--${differenceTone(d)}`} data-key={d.key}>
                      {d.text}
                    </Text>
                  ))}
                </View>
              )}
              {onCompare && <Text className='rival-car__compare'>参数对比 ›</Text>}
            </View>
          </View>
        ))}
      </View>
      <Text className='rival-cars__note'>{RIVAL_DISCLAIMER}</Text>
    </View>
  )
}

function SimilarList({ items }: { items: SimilarCar[] }) {
  return (
    <View className='similar-cars'>
      <Text className='section-title'>相似车型</Text>
      <View className='similar-cars__list'>
        {items.map((s) => (
          <View key={s.model.code} className='similar-car' data-code={s.model.code} onClick={() => openModel(s.model)}>
            <Image className='similar-car__cover' src={mediaUrl(s.model.coverImage)} mode='aspectFill' lazyLoad />
            <View className='similar-car__body'>
              <Text className='similar-car__name'>{s.model.name}</Text>
              <Text className='similar-car__price'>{startingPriceWan(s.model.startingPriceFen)}</Text>
              <Text className='similar-car__reason'>{s.reason}</Text>
              <View className='similar-car__diffs'>
                {s.differences.map((d) => (
                  <Text key={d.key} className={`similar-car__diff similar-car__diff--${differenceTone(d)}`} data-key={d.key}>
                    {d.text}
                  </Text>
                ))}
              </View>
            </View>
          </View>
        ))}
      </View>
    </View>
  )
}
