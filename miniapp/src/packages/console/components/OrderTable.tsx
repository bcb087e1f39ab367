import { Text, View } from '@tarojs/components'
import { formatDateTimeCN, formatFen, type AdminOrderSort } from '@carmall/shared-types'
import type { AdminOrderRow } from '@carmall/shared-types/schemas'
import { sortMark, type SortColumn } from '../lib/filters'

/**
 * The order table: a checkbox per row (bulk actions), sortable columns (金额, 状态 by when the order
 * entered it, 下单时间),
 * a row tap opens the order's panel. On a narrow screen it scrolls sideways.
 */
export function OrderTable({
  rows,
  sort,
  selected,
  openOrderNo,
  onSort,
  onToggle,
  onToggleAll,
  onOpen,
  onAdvisor,
}: {
  rows: AdminOrderRow[]
  sort: AdminOrderSort
  selected: Set<string>
  openOrderNo: string | null
  onSort: (c: SortColumn) => void
  onToggle: (orderNo: string) => void
  onToggleAll: () => void
  onOpen: (orderNo: string) => void
  onAdvisor: (advisorId: string) => void
}) {
  const allOn = rows.length > 0 && rows.every((r) => selected.has(r.orderNo))
  const sortable = (c: SortColumn, label: string) => (
    <Text className={`order-table__th order-table__th--sort order-table__th--${c}`} data-sort={sortMark(sort, c) || 'none'} onClick={() => onSort(c)}>
      {label} {sortMark(sort, c)}
    </Text>
  )
  return (
    <View className='order-table'>
      <View className='order-table__inner'>
        <View className='order-table__head'>
          <Text className={`order-table__check order-check-all ${allOn ? 'order-table__check--on' : ''}`} onClick={onToggleAll}>
            {allOn ? '☑' : '☐'}
          </Text>
          <Text className='order-table__th order-table__th--no'>订单号</Text>
          <Text className='order-table__th'>买家手机</Text>
          <Text className='order-table__th order-table__th--car'>车型 / 版本</Text>
          {sortable('totalFen', '金额')}
          {sortable('stateSince', '状态 · 进入时间')}
          <Text className='order-table__th'>交付中心</Text>
          <Text className='order-table__th order-table__th--vin'>车架号</Text>
          <Text className='order-table__th'>顾问</Text>
          {sortable('createdAt', '下单时间')}
        </View>
        {rows.map((r) => (
          <View
            key={r.orderNo}
            className={`order-row ${openOrderNo === r.orderNo ? 'order-row--open' : ''} ${r.overdue ? 'order-row--overdue' : ''}`}
            data-order-no={r.orderNo}
            data-state={r.state}
            onClick={() => onOpen(r.orderNo)}
          >
            <Text
              className={`order-table__check order-row__check ${selected.has(r.orderNo) ? 'order-table__check--on' : ''}`}
              onClick={(e) => {
                e.stopPropagation()
                onToggle(r.orderNo)
              }}
            >
              {selected.has(r.orderNo) ? '☑' : '☐'}
            </Text>
            <Text className='order-table__td order-table__td--no order-row__no'>{r.orderNo}</Text>
            <Text className='order-table__td order-row__phone'>{r.buyer.phone ?? '—'}</Text>
            <Text className='order-table__td order-table__td--car'>
              {r.modelName} · {r.trimName}
              {r.paintName ? ` · ${r.paintName}` : ''}
            </Text>
            <Text className='order-table__td order-row__total'>{formatFen(r.totalFen)}</Text>
            <View className='order-table__td'>
              <Text className={`state-badge state-badge--${r.state} order-row__state`}>{r.stateLabel}</Text>
              {r.stateSince && <Text className='order-row__since'>自 {formatDateTimeCN(r.stateSince).slice(5)}</Text>}
              {r.overdue && <Text className='overdue-badge order-row__overdue'>超期 · {r.overdue.label}</Text>}
            </View>
            <Text className='order-table__td'>{r.deliveryCentre.name}</Text>
            <Text className='order-table__td order-table__td--vin order-row__vin'>{r.vin ?? '—'}</Text>
            <Text
              className={`order-table__td ${r.advisor ? 'order-row__advisor' : ''}`}
              onClick={(e) => {
                if (!r.advisor) return
                e.stopPropagation()
                onAdvisor(r.advisor.id)
              }}
            >
              {r.advisor ? (r.advisor.name ?? '顾问') : '—'}
            </Text>
            <Text className='order-table__td'>{formatDateTimeCN(r.createdAt)}</Text>
          </View>
        ))}
      </View>
    </View>
  )
}
