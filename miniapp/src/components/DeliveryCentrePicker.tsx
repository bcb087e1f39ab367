import { useEffect, useState } from 'react'
import { Text, View } from '@tarojs/components'
import { listDeliveryCentres, type DeliveryCentreItem } from '../api/tracking'
import './DeliveryCentrePicker.scss'

/**
 * 交付中心 picker on the checkout page: the centres of the delivery network from the BFF, the first
 * one (nearest when the BFF knows where the buyer is) chosen by default. If the list cannot be
 * loaded the picker says so and the order goes to the BFF's default centre.
 */
export function DeliveryCentrePicker({ value, onChange }: { value: string | null; onChange: (code: string) => void }) {
  const [items, setItems] = useState<DeliveryCentreItem[] | null>(null)
  const [failed, setFailed] = useState(false)

  useEffect(() => {
    let alive = true
    listDeliveryCentres()
      .then((res) => {
        if (!alive) return
        setItems(res.items)
        if (res.items.length && !value) onChange(res.items[0].code)
      })
      .catch(() => alive && setFailed(true))
    return () => {
      alive = false
    }
    // Loaded once per checkout visit.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])

  if (failed) return <Text className='centre-picker__note'>交付中心列表暂不可用，将默认交付至上海交付中心</Text>
  if (!items) return <Text className='centre-picker__note'>正在加载交付中心…</Text>
  return (
    <View className='centre-picker'>
      {items.map((c) => (
        <View
          key={c.code}
          className={`centre-picker__item${c.code === value ? ' centre-picker__item--active' : ''}`}
          data-code={c.code}
          data-selected={c.code === value ? 'true' : 'false'}
          onClick={() => onChange(c.code)}
        >
          <Text className='centre-picker__name'>{c.name}</Text>
          {c.distanceKm !== undefined && <Text className='centre-picker__dist'>约 {c.distanceKm.toLocaleString('zh-CN')} 公里</Text>}
        </View>
      ))}
    </View>
  )
}
