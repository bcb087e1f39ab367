import { useCallback, useEffect, useState } from 'react'
import { Text, View } from '@tarojs/components'
import { formatDateTimeCN, formatFen } from '@carmall/shared-types'
import { ApiError, getToken } from '../../../api/client'
import { getReconciliationReport, runReconciliation, type ReconciliationReport } from '../../../api/reconciliation'
import { ErrorState, LoadingState } from '../../../components/StatusViews'
import { Chips, CButton, ConsoleShell, Forbidden, SignInFirst, useStaffRoles } from '../components/ConsoleShell'
import { amountBars, MISMATCH_LABELS, recentDays } from '../lib/reconciliation'
import './console.scss'

type State =
  | { status: 'loading' }
  | { status: 'none' }
  | { status: 'error'; message: string; forbidden: boolean }
  | { status: 'ready'; report: ReconciliationReport }

/**
 * 管理后台 · 对账 (operators and admins): one Shanghai day's payments against WeChat Pay's bill
 * (and each Alipay payment by query): totals on both sides as bars, every mismatch with what the
 * job did about it, and 重新对账 to run the day again now.
 */
export default function ConsoleReconciliationPage() {
  const signedIn = !!getToken()
  const roles = useStaffRoles(signedIn)
  const days = recentDays(new Date())
  // Yesterday by default: its bill is final.
  const [date, setDate] = useState(days[1])
  const [state, setState] = useState<State>({ status: 'loading' })
  const [running, setRunning] = useState(false)
  const [runError, setRunError] = useState('')

  const failed = (err: unknown) =>
    setState({ status: 'error', message: err instanceof ApiError ? err.message : '加载失败，请重试', forbidden: err instanceof ApiError && (err.status === 403 || err.status === 401) })
  const load = useCallback(async (d: string) => {
    setState({ status: 'loading' })
    try {
      setState({ status: 'ready', report: await getReconciliationReport(d) })
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) setState({ status: 'none' })
      else failed(err)
    }
  }, [])
  useEffect(() => {
    if (signedIn) void load(date)
  }, [signedIn, date, load])

  const run = async () => {
    setRunning(true)
    setRunError('')
    try {
      setState({ status: 'ready', report: await runReconciliation(date) })
    } catch (err) {
      setRunError(err instanceof ApiError ? err.message : '对账失败，请重试')
    } finally {
      setRunning(false)
    }
  }

  if (!signedIn) return <SignInFirst />
  return (
    <View className='console-page'>
      <ConsoleShell active='reconciliation' roles={roles}>
        {state.status === 'error' && state.forbidden ? (
          <Forbidden text='对账仅运营与管理员可用；如需开通请联系管理员' />
        ) : (
          <View className='console-recon'>
            <View className='order-filters'>
              <View className='order-filters__row'>
                <Text className='order-filters__label'>日期</Text>
                <Chips className='recon-days' options={days.map((d, i) => ({ value: d, label: i === 0 ? `${d.slice(5)}（今天）` : d.slice(5) }))} isOn={(v) => v === date} onTap={(v) => setDate(v)} />
                <CButton className='recon-run' kind='primary' disabled={running || undefined} onClick={() => void run()}>
                  {running ? '对账中…' : '重新对账'}
                </CButton>
              </View>
              {runError && <Text className='recon-error'>{runError}</Text>}
            </View>
            {state.status === 'loading' && <LoadingState />}
            {state.status === 'error' && <ErrorState message={state.message} onRetry={() => void load(date)} />}
            {state.status === 'none' && <Text className='recon-none'>{date} 尚未对账，点「重新对账」立即对账</Text>}
            {state.status === 'ready' && <Report report={state.report} />}
          </View>
        )}
      </ConsoleShell>
    </View>
  )
}

/** One side of a bar pair: its share of the larger amount as the bar's length, and the amount. */
function BarRow({ side, label, share, fen }: { side: 'bill' | 'ours'; label: string; share: number; fen: number }) {
  return (
    <View className='recon-bar__row'>
      <Text className='recon-bar__side'>{label}</Text>
      <View className='recon-bar__track'>
        <View className={`recon-bar__fill recon-bar__fill--${side}`} style={{ width: `${Math.round(share * 100)}%` }} />
      </View>
      <Text className='recon-bar__amount'>{formatFen(fen)}</Text>
    </View>
  )
}

function Report({ report: r }: { report: ReconciliationReport }) {
  const balanced = r.status === 'balanced'
  return (
    <View className='recon-report' data-status={r.status}>
      <View className='recon-head'>
        <Text className={`tag ${balanced ? 'tag--completed' : 'tag--lost'} recon-status`}>{balanced ? '账平' : `有差异 ${r.mismatches.length} 条`}</Text>
        <Text className='recon-meta'>
          {r.date} · {r.partialDay ? '当天未结束，账单未最终确定 · ' : ''}生成于 {formatDateTimeCN(r.generatedAt)} · {r.trigger.kind === 'schedule' ? '定时任务' : '运营手动'} · 第 {r.runs} 次
        </Text>
      </View>
      {!r.bill.available && <Text className='recon-none'>微信支付账单尚未生成（通常次日 10 点后可下载）</Text>}
      <View className='recon-bars'>
        {amountBars(r).map((b) => (
          <View key={b.label} className='recon-bar' data-label={b.label}>
            <Text className='recon-bar__label'>{b.label}</Text>
            <BarRow side='bill' label='微信账单' share={b.billShare} fen={b.billFen} />
            <BarRow side='ours' label='我方记录' share={b.oursShare} fen={b.oursFen} />
          </View>
        ))}
      </View>
      <Text className='recon-counts'>
        收款 账单 {r.bill.payments} 笔 / 我方 {r.ours.payments} 笔（一致 {r.matched.payments}）· 退款 账单 {r.bill.refunds} 笔 / 我方 {r.ours.refunds} 笔（一致 {r.matched.refunds}）· 手续费 {formatFen(r.bill.feeFen)}
      </Text>
      {r.alipay && (
        <Text className='recon-alipay'>
          支付宝 逐笔查单 {r.alipay.checked} 笔，一致 {r.alipay.matched} 笔，合计 {formatFen(r.alipay.paidFen)}
        </Text>
      )}
      {r.mismatches.length > 0 && (
        <View className='recon-mismatches'>
          {r.mismatches.map((m, i) => (
            <View key={i} className='recon-mismatch' data-kind={m.kind}>
              <Text className='recon-mismatch__kind'>
                {m.channel === 'alipay' ? '支付宝 · ' : ''}
                {MISMATCH_LABELS[m.kind]}
              </Text>
              <Text className='recon-mismatch__line'>
                {[m.orderNo && `订单 ${m.orderNo}`, m.outTradeNo && `商户单号 ${m.outTradeNo}`, m.outRefundNo && `退款单号 ${m.outRefundNo}`, m.billFen !== undefined && `账单 ${formatFen(m.billFen)}`, m.ourFen !== undefined && `我方 ${formatFen(m.ourFen)}`]
                  .filter(Boolean)
                  .join(' · ')}
              </Text>
              <Text className='recon-mismatch__line'>{m.message}</Text>
              {m.resolutionNote && <Text className={`recon-mismatch__resolution recon-mismatch__resolution--${m.resolution ?? 'none'}`}>{m.resolution === 'applied' ? '已处理：' : '待人工处理：'}{m.resolutionNote}</Text>}
            </View>
          ))}
        </View>
      )}
    </View>
  )
}
