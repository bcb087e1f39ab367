import { Input, Text, View } from '@tarojs/components'
import type { PriceForm, PriceFormProblems } from '../lib/catalog'

/** 现价 and one 定时调价 (amount in ¥ and its start in Beijing time), each with its problem beside it. */
export function PriceFields({ form, problems, onChange, compact }: { form: PriceForm; problems: PriceFormProblems; onChange: (f: PriceForm) => void; compact?: boolean }) {
  return (
    <View className={`price-fields ${compact ? 'price-fields--compact' : ''}`}>
      <View className='price-fields__field price-current'>
        <Text className='price-fields__label'>现价 ¥</Text>
        <Input className='price-fields__input' value={form.current} placeholder='如 169800' maxlength={14} onInput={(e) => onChange({ ...form, current: e.detail.value })} />
        {problems.current && <Text className='price-fields__problem'>{problems.current}</Text>}
      </View>
      <View className='price-fields__field price-scheduled'>
        <Text className='price-fields__label'>定时价 ¥</Text>
        <Input className='price-fields__input' value={form.scheduledAmount} placeholder='不调价留空' maxlength={14} onInput={(e) => onChange({ ...form, scheduledAmount: e.detail.value })} />
        {problems.scheduledAmount && <Text className='price-fields__problem'>{problems.scheduledAmount}</Text>}
      </View>
      <View className='price-fields__field price-scheduled-at'>
        <Text className='price-fields__label'>生效时间</Text>
        <Input className='price-fields__input price-fields__input--time' value={form.scheduledAt} placeholder='YYYY-MM-DD HH:mm 北京时间' maxlength={16} onInput={(e) => onChange({ ...form, scheduledAt: e.detail.value })} />
        {problems.scheduledAt && <Text className='price-fields__problem'>{problems.scheduledAt}</Text>}
      </View>
    </View>
  )
}
