import { useEffect, useState } from 'react'
import { Image, Text, View } from '@tarojs/components'
import type { SpecDifference } from '@carmall/shared-types'
import { mediaUrl } from '../api/base'
import { getSimilarCars, type SimilarCar } from '../api/recommendations'
import { startingPriceWan } from '../utils/price'
import { openModel } from '../utils/navigation'
import './SimilarCars.scss'

/** Whether a difference is in the buyer's favour (cheaper, longer range), against, or neither. */
export function differenceTone(d: SpecDifference): 'better' | 'worse' | 'neutral' {
  if (d.delta === undefined || d.delta === 0) return 'neutral'
  if (d.key === 'price') return d.delta < 0 ? 'better' : 'worse'
  if (d.key === 'range') return d.delta > 0 ? 'better' : 'worse'
  return 'neutral'
}

/**
 * 相似车型 on a model page: similar cars with what differs from this one marked. Secondary
 * content: while loading, on error or with nothing similar it shows nothing.
 */
export function SimilarCars({ code }: { code: string }) {
  const [items, setItems] = useState<SimilarCar[]>([])

  useEffect(() => {
    let live = true
    setItems([])
    getSimilarCars(code, 4).then(
      (res) => live && setItems(res.items),
      () => undefined, // the configurator above works without this section
    )
    return () => {
      live = false
    }
  }, [code])

  if (items.length === 0) return null
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
