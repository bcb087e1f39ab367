import { Text, View } from '@tarojs/components'
import {
  OPTION_GROUP_LABELS,
  formatFen,
  formatFenDelta,
  isSingleChoiceGroup,
  optionDeltaFen,
  type CatalogModel,
  type CatalogOption,
  type ResolvedConfig,
} from '@carmall/shared-types'
import type { OptionGroupView } from '../state/configurator'

interface Props {
  model: CatalogModel
  groups: OptionGroupView[]
  config: ResolvedConfig
  at: Date
  onTap: (code: string) => void
}

const hasSwatch = (o: CatalogOption) => (o.group === 'paint' || o.group === 'interior') && !!o.swatch

/**
 * The option groups of the configurator. Each option shows what tapping it costs (the engine's
 * optionDeltaFen); a chosen option shows what it costs in this configuration instead.
 * Hooks: `.option-item[data-code]` with `data-selected`, `data-disabled`, `data-delta-fen`.
 */
export function OptionGroups({ model, groups, config, at, onTap }: Props) {
  const lines = new Map(config.lineItems.map((l) => [l.code, l]))
  const nameOf = (code: string) => lines.get(code)?.name ?? model.options.find((o) => o.code === code)?.name ?? code

  return (
    <View className='option-groups'>
      {groups.map(({ group, options }) => (
        <View key={group} className='option-group' data-group={group}>
          <View className='option-group__head'>
            <Text className='option-group__title'>{OPTION_GROUP_LABELS[group]}</Text>
            <Text className='option-group__hint'>{isSingleChoiceGroup(group) ? '单选' : '可多选'}</Text>
          </View>
          <View className={`option-group__list ${hasSwatch(options[0]) ? 'option-group__list--swatches' : ''}`}>
            {options.map((o) => {
              const available = o.availableOn.includes(config.trimCode)
              const line = lines.get(o.code)
              const selected = !!line
              const delta = available && !selected ? optionDeltaFen(model, config, o.code, at) : null
              let priceText: string
              if (!available) priceText = '当前版本不可选'
              else if (line?.includedIn) priceText = `已含于「${nameOf(line.includedIn)}」`
              else if (line) priceText = line.priceFen === 0 ? '免费' : formatFen(line.priceFen)
              else priceText = delta === null ? '—' : formatFenDelta(delta)
              const auto = line?.addedBecause?.reason === 'requires' ? '自动添加' : ''
              return (
                <View
                  key={o.code}
                  className={`option-item ${selected ? 'option-item--selected' : ''} ${available ? '' : 'option-item--disabled'}`}
                  data-code={o.code}
                  data-selected={selected ? 'true' : 'false'}
                  data-disabled={available ? 'false' : 'true'}
                  data-delta-fen={delta === null ? '' : String(delta)}
                  onClick={() => onTap(o.code)}
                >
                  {hasSwatch(o) && <View className='option-item__swatch' style={{ backgroundColor: o.swatch }} />}
                  <View className='option-item__body'>
                    <Text className='option-item__name'>{o.name}</Text>
                    {o.description && <Text className='option-item__desc'>{o.description}</Text>}
                  </View>
                  <View className='option-item__side'>
                    <Text className='option-item__price'>{priceText}</Text>
                    {auto && <Text className='option-item__badge'>{auto}</Text>}
                  </View>
                </View>
              )
            })}
          </View>
        </View>
      ))}
    </View>
  )
}
