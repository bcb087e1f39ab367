import { useMemo, useState } from 'react'
import { Input, Text, View } from '@tarojs/components'
import { formatDateTimeCN, formatFen, isSingleChoiceGroup, resolveConfiguration, type CatalogModel } from '@carmall/shared-types'
import { parseShanghaiDateTime } from '../lib/catalog'
import { Chips } from './ConsoleShell'

/**
 * 价格预览: what the buyer's configurator would show for a configuration chosen here, priced with
 * the editor's draft (unsaved changes included) now and at a chosen time (by default the first
 * scheduled change). The same engine as the configurator, so the figures are the ones buyers see.
 */
export function CatalogPreview({ model, now, defaultAt }: { model: CatalogModel; now: Date; defaultAt: string }) {
  const [trimCode, setTrimCode] = useState(model.trims[0]?.code ?? '')
  const [chosen, setChosen] = useState<string[]>([])
  const [atText, setAtText] = useState(defaultAt)
  const trim = model.trims.find((t) => t.code === trimCode) ?? model.trims[0]
  const offered = model.options.filter((o) => trim && o.availableOn.includes(trim.code))
  const at = atText.trim() ? parseShanghaiDateTime(atText) : null
  const priced = useMemo(() => {
    if (!trim) return []
    const rows = [{ key: 'now', label: `现在（${formatDateTimeCN(now)}）`, r: resolveConfiguration(model, trim.code, chosen, now) }]
    if (at) rows.push({ key: 'at', label: `${formatDateTimeCN(at)} 起`, r: resolveConfiguration(model, trim.code, chosen, at) })
    return rows
  }, [model, trim, chosen, now, at?.getTime()])
  if (!trim) return null

  const tap = (code: string) => {
    const group = model.options.find((o) => o.code === code)?.group
    if (chosen.includes(code)) return setChosen(chosen.filter((c) => c !== code))
    // One paint, one wheel, one interior: a new one replaces the chosen one of its group.
    const rest = group && isSingleChoiceGroup(group) ? chosen.filter((c) => model.options.find((o) => o.code === c)?.group !== group) : chosen
    setChosen([...rest, code])
  }
  return (
    <View className='catalog-preview'>
      <Text className='catalog-section__title'>价格预览（买家配置器所见，含未保存的修改）</Text>
      <Chips className='catalog-preview__trims' options={model.trims.map((t) => ({ value: t.code, label: t.name }))} isOn={(v) => v === trim.code} onTap={(v) => { setTrimCode(v); setChosen([]) }} />
      <Chips className='catalog-preview__options' options={offered.map((o) => ({ value: o.code, label: o.name }))} isOn={(v) => chosen.includes(v)} onTap={tap} />
      <View className='catalog-preview__at'>
        <Text className='price-fields__label'>对比时间</Text>
        <Input className='price-fields__input price-fields__input--time preview-at' value={atText} placeholder='YYYY-MM-DD HH:mm 北京时间' maxlength={16} onInput={(e) => setAtText(e.detail.value)} />
        {atText.trim() && !at && <Text className='price-fields__problem'>时间格式为 YYYY-MM-DD HH:mm</Text>}
      </View>
      {priced.map(({ key, label, r }) => (
        <View key={key} className={`catalog-preview__row catalog-preview__row--${key}`}>
          <Text className='catalog-preview__when'>{label}</Text>
          {r.ok ? (
            <>
              <Text className='catalog-preview__total' data-total-fen={String(r.config.totalFen)}>
                {formatFen(r.config.totalFen)}
              </Text>
              <Text className='catalog-preview__lines'>{r.config.lineItems.map((l) => `${l.name} ${l.priceFen ? formatFen(l.priceFen) : '含'}`).join(' · ')}</Text>
            </>
          ) : (
            <Text className='catalog-problem'>{r.error.code === 'NO_PRICE' ? `此时未定价：${r.error.message}` : r.error.message}</Text>
          )}
        </View>
      ))}
    </View>
  )
}
