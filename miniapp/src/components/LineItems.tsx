import { Text, View } from '@tarojs/components'
import { OPTION_GROUP_LABELS, formatFen, type ResolvedConfig } from '@carmall/shared-types'

/** The price breakdown (明细): trim first, then every option with what it costs here. */
export function LineItems({ config }: { config: ResolvedConfig }) {
  const nameOf = (code: string) => config.lineItems.find((l) => l.code === code)?.name ?? code
  return (
    <View className='line-items'>
      {config.lineItems.map((l) => (
        <View key={l.code} className='line-item' data-code={l.code}>
          <Text className='line-item__group'>{l.group === 'trim' ? '版本' : OPTION_GROUP_LABELS[l.group]}</Text>
          <Text className='line-item__name'>
            {l.name}
            {l.includedIn ? `（含于「${nameOf(l.includedIn)}」）` : ''}
          </Text>
          <Text className='line-item__price'>{l.priceFen === 0 ? '免费' : formatFen(l.priceFen)}</Text>
        </View>
      ))}
      <View className='line-item line-item--total'>
        <Text className='line-item__name'>合计</Text>
        <Text className='line-item__price'>{formatFen(config.totalFen)}</Text>
      </View>
    </View>
  )
}
