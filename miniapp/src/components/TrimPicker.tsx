import { Text, View } from '@tarojs/components'
import { formatFen, priceFenAt, type Trim } from '@carmall/shared-types'

const DRIVE_LABELS: Record<Trim['specs']['drive'], string> = { FWD: '前驱', RWD: '后驱', AWD: '四驱' }

/** The few specs that tell trims apart at a glance: range or fuel use, power, 0-100, drive. */
export function keySpecs(trim: Trim): string[] {
  const s = trim.specs
  const out: string[] = []
  if (s.rangeKm !== null) out.push(`续航 ${s.rangeKm}km`)
  if (s.fuelLPer100km !== null) out.push(`油耗 ${s.fuelLPer100km}L`)
  out.push(`${s.powerKw}kW`, `0-100 ${s.accel0to100s}s`, DRIVE_LABELS[s.drive] ?? s.drive)
  return out
}

interface Props {
  trims: Trim[]
  selected: string
  at: Date
  onSelect: (trimCode: string) => void
}

/** Trim list of the configurator. `.trim-item[data-code]` is a stable test hook. */
export function TrimPicker({ trims, selected, at, onSelect }: Props) {
  return (
    <View className='trim-picker'>
      {trims.map((trim) => {
        const price = priceFenAt(trim.prices, at)
        const active = trim.code === selected
        return (
          <View
            key={trim.code}
            className={`trim-item ${active ? 'trim-item--selected' : ''} ${price === null ? 'trim-item--off' : ''}`}
            data-code={trim.code}
            data-selected={active ? 'true' : 'false'}
            onClick={() => onSelect(trim.code)}
          >
            <View className='trim-item__head'>
              <Text className='trim-item__name'>{trim.name}</Text>
              <Text className='trim-item__price'>{price === null ? '暂停销售' : formatFen(price)}</Text>
            </View>
            <Text className='trim-item__specs'>{keySpecs(trim).join(' · ')}</Text>
          </View>
        )
      })}
    </View>
  )
}
