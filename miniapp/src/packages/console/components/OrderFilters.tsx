import { Input, Text, View } from '@tarojs/components'
import { ORDER_SEARCH_HINT } from '@carmall/shared-types'
import { CENTRE_CHIPS, CITY_CHIPS, STATE_CHIPS, stateLabel, toggleState, type OrderFilterForm } from '../lib/filters'
import { CButton, Chips } from './ConsoleShell'

/** The filter bar above the order table: search, state, model, centre, city, created dates, advisor, 超期. */
export function OrderFilters({
  form,
  models,
  problems,
  onChange,
  onSearch,
  onReset,
  exportButton,
}: {
  form: OrderFilterForm
  models: { code: string; name: string }[]
  problems: string[]
  onChange: (f: OrderFilterForm) => void
  onSearch: () => void
  onReset: () => void
  exportButton?: { busy: boolean; onClick: () => void }
}) {
  const set = (patch: Partial<OrderFilterForm>) => onChange({ ...form, ...patch })
  return (
    <View className='order-filters'>
      <View className='order-filters__row'>
        <View className='order-filters__search console-search'>
          <Input
            className='console-search__input'
            value={form.q}
            placeholder={`搜索：${ORDER_SEARCH_HINT}`}
            maxlength={40}
            confirmType='search'
            onInput={(e) => set({ q: e.detail.value })}
            onConfirm={onSearch}
          />
        </View>
        <CButton className='console-search__go' kind='primary' onClick={onSearch}>
          搜索
        </CButton>
        <CButton className='console-search__reset' onClick={onReset}>
          重置
        </CButton>
        {exportButton && (
          <CButton className='console-export' disabled={exportButton.busy || undefined} onClick={exportButton.onClick}>
            {exportButton.busy ? '导出中…' : '导出 CSV'}
          </CButton>
        )}
      </View>
      <View className='order-filters__row'>
        <Text className='order-filters__label'>状态</Text>
        <Chips className='filter-states' options={STATE_CHIPS.map((s) => ({ value: s, label: stateLabel(s) }))} isOn={(s) => form.states.includes(s)} onTap={(s) => set({ states: toggleState(form.states, s) })} />
        <Text className={`c-chip filter-overdue ${form.overdue ? 'c-chip--on' : ''}`} onClick={() => set({ overdue: !form.overdue })}>
          仅看超期
        </Text>
      </View>
      <View className='order-filters__row'>
        <Text className='order-filters__label'>车型</Text>
        <Chips className='filter-models' options={models.map((m) => ({ value: m.code, label: m.name }))} isOn={(c) => form.modelCode === c} onTap={(c) => set({ modelCode: form.modelCode === c ? '' : c })} />
      </View>
      <View className='order-filters__row'>
        <Text className='order-filters__label'>交付中心</Text>
        <Chips className='filter-centres' options={CENTRE_CHIPS.map((c) => ({ value: c.code, label: c.name }))} isOn={(c) => form.centre === c} onTap={(c) => set({ centre: form.centre === c ? '' : c })} />
        <Text className='order-filters__label'>城市</Text>
        <Chips className='filter-cities' options={CITY_CHIPS.map((c) => ({ value: c, label: c }))} isOn={(c) => form.city === c} onTap={(c) => set({ city: form.city === c ? '' : c })} />
      </View>
      <View className='order-filters__row'>
        <Text className='order-filters__label'>下单日期</Text>
        <Input className='order-filters__date filter-from' value={form.from} placeholder='开始 YYYY-MM-DD' maxlength={10} onInput={(e) => set({ from: e.detail.value })} />
        <Text className='order-filters__dash'>至</Text>
        <Input className='order-filters__date filter-to' value={form.to} placeholder='结束 YYYY-MM-DD' maxlength={10} onInput={(e) => set({ to: e.detail.value })} />
        <Text className='order-filters__label'>顾问</Text>
        <Input className='order-filters__advisor filter-advisor' value={form.advisor} placeholder='顾问 ID，none 为无顾问' maxlength={24} onInput={(e) => set({ advisor: e.detail.value })} />
      </View>
      {problems.length > 0 && (
        <View className='order-filters__problems'>
          {problems.map((p) => (
            <Text key={p} className='order-filters__problem'>
              {p}
            </Text>
          ))}
        </View>
      )}
    </View>
  )
}
