import { useState } from 'react'
import { Input, Text, Textarea, View } from '@tarojs/components'
import { checkStaffVin, STAFF_ACTION_RULES, type DeliveryCentre, type StaffOrderAction } from '@carmall/shared-types'
import { ApiError } from '../../../api/client'
import { refundAdminOrder, staffOrderEvent } from '../../../api/console'
import { actionProblem, type ActionInput } from '../lib/actions'
import { CENTRE_CHIPS } from '../lib/filters'
import { CButton, Chips } from './ConsoleShell'

/**
 * The confirmation of one action on one order: what it does, what it needs (a VIN checked as it is
 * typed, the centre, a refund's reason), then 确认 with its progress; an error keeps the dialog
 * open with the BFF's reason. The stock holds no VINs (only counts per variant), so staff type the
 * car's VIN from its papers or label.
 */
export function ActionDialog({
  order,
  action,
  onDone,
  onCancel,
}: {
  order: { orderNo: string; deliveryCentre: { code: DeliveryCentre; name: string }; vin: string | null }
  action: StaffOrderAction
  onDone: (message: string) => void
  onCancel: () => void
}) {
  const rule = STAFF_ACTION_RULES[action]
  const [input, setInput] = useState<ActionInput>({ vin: '', centre: order.deliveryCentre.code, reason: '' })
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [touched, setTouched] = useState(false)
  const problem = actionProblem(action, input)
  const vinCheck = rule.needs.includes('vin') && input.vin.trim() ? checkStaffVin(input.vin) : null

  const send = async () => {
    setTouched(true)
    if (problem || busy) return
    setBusy(true)
    setError(null)
    try {
      if (action === 'refund') await refundAdminOrder(order.orderNo, input.reason.trim())
      else {
        const event = rule.event as 'allocate' | 'ship' | 'arrive' | 'deliver'
        await staffOrderEvent(order.orderNo, {
          event,
          ...(action === 'allocate' && vinCheck?.ok ? { vin: vinCheck.vin } : {}),
          ...(action === 'ship' && input.centre ? { centre: input.centre } : {}),
        })
      }
      onDone(`已${rule.label}`)
    } catch (err) {
      setError(err instanceof ApiError ? err.message : `${rule.label}失败，请重试`)
      setBusy(false)
    }
  }

  return (
    <View className='c-modal'>
      <View className={`action-dialog action-dialog--${action}`} data-action={action}>
        <Text className='action-dialog__title'>
          {rule.label} · {order.orderNo}
        </Text>
        <Text className='action-dialog__confirm-text'>{rule.confirm}</Text>
        {rule.needs.includes('vin') && (
          <View className='action-dialog__field'>
            <Text className='action-dialog__label'>车架号（17 位，含校验位）</Text>
            <Input className='action-dialog__vin' value={input.vin} maxlength={24} placeholder='例如 LLYS5A1R0RS500017' onInput={(e) => setInput({ ...input, vin: e.detail.value })} />
            <Text className='action-dialog__hint'>库存数据中没有车架号（仅有各配置的数量），请按车辆合格证或车身铭牌录入；同一车架号不能分配给两个订单。</Text>
            {vinCheck && <Text className={`action-dialog__vin-check ${vinCheck.ok ? 'action-dialog__vin-check--ok' : ''}`}>{vinCheck.ok ? `校验通过：${vinCheck.vin}` : vinCheck.message}</Text>}
          </View>
        )}
        {rule.needs.includes('centre') && (
          <View className='action-dialog__field'>
            <Text className='action-dialog__label'>发往（买家选择：{order.deliveryCentre.name}）</Text>
            <Chips className='action-dialog__centres' options={CENTRE_CHIPS.map((c) => ({ value: c.code, label: c.name }))} isOn={(c) => input.centre === c} onTap={(c) => setInput({ ...input, centre: c })} />
            {order.vin && <Text className='action-dialog__hint'>车架号 {order.vin}</Text>}
          </View>
        )}
        {rule.needs.includes('reason') && (
          <View className='action-dialog__field'>
            <Text className='action-dialog__label'>退款原因（买家可见）</Text>
            <Textarea className='action-dialog__reason' value={input.reason} maxlength={200} placeholder='例如：买家来电要求退款' onInput={(e) => setInput({ ...input, reason: e.detail.value })} />
          </View>
        )}
        {touched && problem && !vinCheck && <Text className='action-dialog__problem'>{problem}</Text>}
        {error && <Text className='action-dialog__error'>{error}</Text>}
        <View className='action-dialog__buttons'>
          <CButton className='action-dialog__cancel' disabled={busy || undefined} onClick={onCancel}>
            取消
          </CButton>
          <CButton className='action-dialog__confirm' kind={action === 'refund' ? 'danger' : 'primary'} disabled={busy || undefined} onClick={() => void send()}>
            {busy ? `${rule.label}处理中…` : `确认${rule.label}`}
          </CButton>
        </View>
      </View>
    </View>
  )
}
