import { useEffect, useState } from 'react'
import { Text, View } from '@tarojs/components'
import { formatFen } from '@carmall/shared-types'
import { getToken } from '../api/client'
import { getMyRecommendations, type Recommended } from '../api/recommendations'
import { openModel, openViewer } from '../utils/navigation'
import { ModelCard } from './ModelCard'
import { differenceTone } from './SimilarCars'
import './SimilarCars.scss'

/**
 * 为你推荐 on the home page for a signed-in buyer: models from their own views, configurations,
 * quotes…, each with its reason and, where there is one, the closest other brand's car with how
 * this one compares (the model page has the full 同级竞品对比). Signed out, on error or with nothing to show it renders nothing
 * (the home page's 热门车型 is below it).
 */
export function RecommendedForYou() {
  const [items, setItems] = useState<Recommended[]>([])

  useEffect(() => {
    if (!getToken()) return
    let live = true
    getMyRecommendations(4).then(
      (res) => live && setItems(res.personalized ? res.items : []),
      () => undefined,
    )
    return () => {
      live = false
    }
  }, [])

  if (items.length === 0) return null
  return (
    <View className='recommended'>
      <Text className='section-title'>为你推荐</Text>
      {items.map((r) => (
        <View key={r.model.code} className='recommended__item' data-source={r.source}>
          <Text className='similar-car__reason recommended__reason'>{r.reason}</Text>
          <ModelCard model={r.model} onOpen={openModel} onView3D={openViewer} />
          {r.rival && (
            <View className='recommended__rival' data-rival={r.rival.rival.code} onClick={() => openModel(r.model)}>
              <Text className='rival-car__tag'>竞品</Text>
              <Text className='recommended__rival-name'>
                对比 {r.rival.rival.brand} {r.rival.rival.name}（指导价 {formatFen(r.rival.rival.priceFen)}）
              </Text>
              {r.rival.ours.map((d) => (
                <Text key={d.key} className={`similar-car__diff similar-car__diff--${differenceTone(d)}`} data-key={d.key}>
                  {d.text}
                </Text>
              ))}
            </View>
          )}
        </View>
      ))}
    </View>
  )
}
