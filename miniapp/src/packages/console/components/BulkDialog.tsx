import { useState } from 'react'
import { Input, Text, View } from '@tarojs/components'
import { checkStaffVin, STAFF_ACTION_RULES, BULK_MAX_ORDERS, type BulkOrderAction, type DeliveryCentre } from '@carmall/shared-types'
import type { AdminOrderRow, BulkEventsAnswer } from '@carmall/shared-types/schemas'
import { ApiError } from '../../../api/client'
import { bulkOrderEvents } from '../../../api/console'
import { bulkSummaryText, bulkVinProblems, RESULT_LABELS, splitForBulk } from '../lib/actions'
import { CENTRE_CHIPS } from '../lib/filters'
import { CButton, Chips } from './ConsoleShell'

/**
 * A bulk action on the selected orders: those the action does not apply to now are named and left
 * out; allocate asks a VIN per order, ship one centre for all (or each order's own); then each
 * order's result.
 */
export function BulkDialog({ action, rows, onClose }: { action: BulkOrderAction; rows: AdminOrderRow[]; onClose: (changed: boolean) => void }) {
  const rule = STAFF_ACTION_RULES[action]
  const { eligible, skipped } = splitForBulk(rows, action)
  const [vins, setVins] = useState<Record<string, string>>({})
  const [centre, setCentre] = useState<'' | DeliveryCentre>('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [touched, setTouched] = useState(false)
  const [answer, setAnswer] = useState<BulkEventsAnswer | null>(null)
  const vinProblems = action === 'allocate' ? bulkVinProblems(vins, eligible.map((r) => r.orderNo)) : {}
  const tooMany = eligible.length > BULK_MAX_ORDERS

  const send = async () => {
    setTouched(true)
    if (busy || eligible.length === 0 || tooMany || Object.keys(vinProblems).length > 0) return
    setBusy(true)
    setError(null)
    try {
      const items = eligible.map((r) => (action === 'allocate' ? { orderNo: r.orderNo, vin: (checkStaffVin(vins[r.orderNo] ?? '') as { vin: string }).vin } : { orderNo: r.orderNo }))
      setAnswer(await bulkOrderEvents({ action, items, ...(action === 'ship' && centre ? { centre } : {}) }))
    } catch (err) {
      setError(err instanceof ApiError ? err.message : `批量${rule.label}失败，请重试`)
    } finally {
      setBusy(false)
    }
  }

  return (
    <View className='c-modal'>
      <View className={`bulk-dialog bulk-dialog--${action}`} data-action={action}>
        <Text className='bulk-dialog__title'>
          批量{rule.label} · {eligible.length} 单
        </Text>
        {!answer && <Text className='bulk-dialog__confirm-text'>{rule.confirm}</Text>}
        {skipped.length > 0 && (
          <Text className='bulk-dialog__skipped'>
            {skipped.length} 单当前状态不能{rule.label}，已跳过：{skipped.map((r) => r.orderNo).join('、')}
          </Text>
        )}
        {tooMany && <Text className='bulk-dialog__problem'>一次最多 {BULK_MAX_ORDERS} 单</Text>}
        {!answer && action === 'allocate' && (
          <View className='bulk-dialog__vins'>
            {eligible.map((r) => (
              <View key={r.orderNo} className='bulk-vin' data-order-no={r.orderNo}>
                <Text className='bulk-vin__order'>
                  {r.orderNo} · {r.modelName}
                </Text>
                <Input className='bulk-vin__input' value={vins[r.orderNo] ?? ''} maxlength={24} placeholder='车架号（17 位）' onInput={(e) => setVins({ ...vins, [r.orderNo]: e.detail.value })} />
                {touched && vinProblems[r.orderNo] && <Text className='bulk-vin__problem'>{vinProblems[r.orderNo]}</Text>}
              </View>
            ))}
          </View>
        )}
        {!answer && action === 'ship' && (
          <View className='bulk-dialog__field'>
            <Text className='bulk-dialog__label'>发往（同一辆运输车）</Text>
            <Chips
              className='bulk-dialog__centres'
              options={[{ value: '' as '' | DeliveryCentre, label: '各自选择的交付中心' }, ...CENTRE_CHIPS.map((c) => ({ value: c.code as '' | DeliveryCentre, label: c.name }))]}
              isOn={(c) => centre === c}
              onTap={setCentre}
            />
          </View>
        )}
        {error && <Text className='bulk-dialog__error'>{error}</Text>}
        {answer && (
          <View className='bulk-results'>
            <Text className='bulk-results__summary'>{bulkSummaryText(answer)}</Text>
            {answer.results.map((r) => (
              <View key={r.orderNo} className={`bulk-result bulk-result--${r.status}`} data-order-no={r.orderNo} data-status={r.status}>
                <Text className='bulk-result__order'>{r.orderNo}</Text>
                <Text className='bulk-result__status'>{RESULT_LABELS[r.status]}</Text>
                {r.message && r.status === 'failed' && <Text className='bulk-result__message'>{r.message}</Text>}
              </View>
            ))}
          </View>
        )}
        <View className='bulk-dialog__buttons'>
          {answer ? (
            <CButton className='bulk-dialog__done' kind='primary' onClick={() => onClose(answer.summary.applied > 0)}>
              完成
            </CButton>
          ) : (
            <>
              <CButton className='bulk-dialog__cancel' disabled={busy || undefined} onClick={() => onClose(false)}>
                取消
              </CButton>
              <CButton className='bulk-dialog__confirm' kind='primary' disabled={(busy || eligible.length === 0 || tooMany) || undefined} onClick={() => void send()}>
                {busy ? `批量${rule.label}处理中…` : `确认批量${rule.label}`}
              </CButton>
            </>
          )}
        </View>
      </View>
    </View>
  )
}
