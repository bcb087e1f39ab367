import { useCallback, useEffect, useState } from 'react'
import { Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { formatDateTimeCN, formatFen, STAFF_ACTION_RULES, type StaffOrderAction } from '@carmall/shared-types'
import type { AdminOrderDetail } from '@carmall/shared-types/schemas'
import { ApiError } from '../../../api/client'
import { getAdminOrder } from '../../../api/console'
import { ErrorState, LoadingState } from '../../../components/StatusViews'
import { mergeTimeline } from '../lib/timeline'
import { ActionDialog } from './ActionDialog'
import { CButton, Forbidden } from './ConsoleShell'

const CHANNELS: Record<string, string> = { wechat: '微信支付', alipay: '支付宝' }
const PAY_STATUS: Record<string, string> = { created: '待支付', paid: '已支付', closed: '已关闭' }
const REFUND_STATUS: Record<string, string> = { processing: '退款中', succeeded: '已退款' }
const OUTBOX_TYPES: Record<string, string> = { 'dms.order_locked': '锁单同步 DMS', 'wechat.shipping_info': '微信发货信息' }
const OUTBOX_STATUS: Record<string, string> = { pending: '待发送', delivered: '已送达', parked: '已搁置（需人工处理）' }

function Row({ label, value, className = '' }: { label: string; value: string; className?: string }) {
  return (
    <View className={`order-panel__row ${className}`.trim()}>
      <Text className='order-panel__label'>{label}</Text>
      <Text className='order-panel__value'>{value}</Text>
    </View>
  )
}

/** One order's page, beside the table: the order, what may be done now (for this user's roles), its timeline with the audit entries, money, outbox, shipment. */
export function OrderPanel({ orderNo, onClose, onChanged }: { orderNo: string; onClose: () => void; onChanged: () => void }) {
  const [state, setState] = useState<{ status: 'loading' } | { status: 'error'; message: string; forbidden: boolean } | { status: 'ready'; d: AdminOrderDetail }>({ status: 'loading' })
  const [dialog, setDialog] = useState<StaffOrderAction | null>(null)

  const load = useCallback(async () => {
    try {
      setState({ status: 'ready', d: await getAdminOrder(orderNo) })
    } catch (err) {
      setState({ status: 'error', message: err instanceof ApiError ? err.message : '加载失败，请重试', forbidden: err instanceof ApiError && err.status === 403 })
    }
  }, [orderNo])
  useEffect(() => {
    setState({ status: 'loading' })
    void load()
  }, [load])

  return (
    <>
      <View className={`order-panel ${process.env.TARO_ENV === 'h5' ? 'order-panel--below-title' : ''}`.trim()} data-order-no={orderNo}>
        <View className='order-panel__head'>
          <Text className='order-panel__title'>订单 {orderNo}</Text>
          {state.status === 'ready' && <Text className={`state-badge state-badge--${state.d.order.state} order-panel__state`}>{state.d.order.stateLabel}</Text>}
          <Text className='order-panel__close' onClick={onClose}>
            ×
          </Text>
        </View>
        {state.status === 'loading' && <LoadingState />}
        {state.status === 'error' && (state.forbidden ? <Forbidden text='当前账号不能查看订单' /> : <ErrorState message={state.message} onRetry={() => void load()} />)}
        {state.status === 'ready' && <Detail d={state.d} onAction={setDialog} />}
      </View>
      {/* Beside the panel, not in it: the dialog's shade covers the panel too. */}
      {dialog && state.status === 'ready' && (
        <ActionDialog
          order={state.d.order}
          action={dialog}
          onCancel={() => setDialog(null)}
          onDone={(message) => {
            setDialog(null)
            Taro.showToast({ title: message, icon: 'success' })
            void load()
            onChanged()
          }}
        />
      )}
    </>
  )
}

function Detail({ d, onAction }: { d: AdminOrderDetail; onAction: (a: StaffOrderAction) => void }) {
  const o = d.order
  const timeline = mergeTimeline(d)
  return (
    <View className='order-panel__body'>
      <View className='order-panel__section order-actions'>
        <Text className='order-panel__section-title'>可执行操作</Text>
        {o.actions.length === 0 ? (
          <Text className='order-panel__muted order-actions__none'>当前状态下您没有可执行的操作</Text>
        ) : (
          <View className='order-actions__buttons'>
            {o.actions.map((a) => (
              <CButton key={a} className={`order-action order-action--${a}`} kind={a === 'refund' ? 'danger' : 'primary'} onClick={() => onAction(a)}>
                {STAFF_ACTION_RULES[a].label}
              </CButton>
            ))}
          </View>
        )}
        {o.overdue && (
          <Text className='overdue-badge order-panel__overdue'>
            超期：{o.overdue.label}（已超 {o.overdue.daysOver} 天）
          </Text>
        )}
      </View>

      <View className='order-panel__section'>
        <Text className='order-panel__section-title'>订单</Text>
        <Row label='买家' value={`${o.buyer.name ?? '未实名'} · ${o.buyer.phone ?? '未绑定手机'}`} className='order-panel__buyer' />
        <Row label='车型' value={`${o.modelName} · ${o.trimName}${o.paintName ? ` · ${o.paintName}` : ''}`} />
        <Row label='总价' value={formatFen(o.totalFen)} />
        <Row label={o.depositLabel} value={formatFen(o.depositFen)} />
        <Row label='交付中心' value={`${o.deliveryCentre.name}（${o.deliveryCentre.city}）`} />
        <Row label='车架号' value={o.vin ?? '未配车'} className='order-panel__vin' />
        <Row label='顾问' value={o.advisor ? (o.advisor.name ?? o.advisor.id) : '无'} />
        <Row label='下单时间' value={formatDateTimeCN(o.createdAt)} />
        {o.state === 'pending_payment' && <Row label='支付截止' value={formatDateTimeCN(o.paymentDeadline)} />}
        {o.launchCode && <Row label='首发抢购' value={o.launchCode} />}
        {o.latePayment && <Row label='注意' value='支付在订单取消后到账，车辆已售出，已自动退款' />}
      </View>

      <View className='order-panel__section order-tracking'>
        <Text className='order-panel__section-title'>物流</Text>
        {d.tracking ? (
          <>
            <Row label='运单' value={d.tracking.shipmentNo ?? '未接入运输系统'} className='order-tracking__no' />
            <Row label='状态' value={`${d.tracking.statusLabel} · 发往${d.tracking.destination.name}`} className='order-tracking__status' />
            {d.tracking.lastMilestone && <Row label='最新' value={`${d.tracking.lastMilestone.label}（${formatDateTimeCN(d.tracking.lastMilestone.at)}）`} />}
            {d.tracking.eta && <Row label='预计到达' value={`${d.tracking.eta.atText}（${d.tracking.eta.windowText}）`} />}
          </>
        ) : (
          <Text className='order-panel__muted'>尚未发车</Text>
        )}
      </View>

      <View className='order-panel__section order-timeline'>
        <Text className='order-panel__section-title'>时间线（含操作审计）</Text>
        {timeline.map((e) => (
          <View key={e.key} className={`timeline-entry timeline-entry--${e.kind}`} data-kind={e.kind}>
            <Text className='timeline-entry__at'>{formatDateTimeCN(e.at)}</Text>
            <View className='timeline-entry__main'>
              <Text className='timeline-entry__title'>{e.title}</Text>
              {e.detail && <Text className='timeline-entry__detail'>{e.detail}</Text>}
              <Text className='timeline-entry__who'>{e.who}</Text>
            </View>
          </View>
        ))}
      </View>

      <View className='order-panel__section order-payments'>
        <Text className='order-panel__section-title'>支付与退款</Text>
        {d.payments.length === 0 && d.refunds.length === 0 && <Text className='order-panel__muted'>暂无</Text>}
        {d.payments.map((p) => (
          <Row key={p.outTradeNo} label={`${CHANNELS[p.channel] ?? p.channel} ${p.outTradeNo}`} value={`${formatFen(p.amountFen)} · ${PAY_STATUS[p.status] ?? p.status}${p.paidAt ? ` · ${formatDateTimeCN(p.paidAt)}` : ''}`} />
        ))}
        {d.refunds.map((r) => (
          <Row key={r.outRefundNo} label={`退款 ${r.outRefundNo}`} value={`${formatFen(r.amountFen)} · ${REFUND_STATUS[r.status] ?? r.status}${r.reason ? ` · ${r.reason}` : ''}`} />
        ))}
      </View>

      <View className='order-panel__section order-contract'>
        <Text className='order-panel__section-title'>合同与贷款</Text>
        <Text className='order-panel__muted'>电子合同与贷款申请尚未上线（#19），暂无记录</Text>
      </View>

      <View className='order-panel__section order-outbox'>
        <Text className='order-panel__section-title'>外部系统同步</Text>
        {d.outbox.length === 0 && <Text className='order-panel__muted'>暂无</Text>}
        {d.outbox.map((e) => (
          <Row
            key={e.id}
            label={OUTBOX_TYPES[e.type] ?? e.type}
            value={`${OUTBOX_STATUS[e.status] ?? e.status}${e.attempts ? ` · 尝试 ${e.attempts} 次` : ''}${e.lastError ? ` · ${e.lastError}` : ''}${e.ref ? ` · ${e.ref}` : ''}`}
          />
        ))}
      </View>
    </View>
  )
}
