import { useCallback, useEffect, useMemo, useState } from 'react'
import { Input, Text, Textarea, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { formatDateTimeCN } from '@carmall/shared-types'
import { ApiError, getToken } from '../../../api/client'
import { adjustStock, getAdminModel, listAdminModels, listStock, listStockAdjustments, type AdminModelDetail, type AdminModelList, type StockAdjustment, type StockRow } from '../../../api/console'
import { newIdempotencyKey } from '../../../api/orders'
import { ErrorState, LoadingState } from '../../../components/StatusViews'
import { Chips, CButton, ConsoleShell, Forbidden, SignInFirst, useStaffRoles } from '../components/ConsoleShell'
import { adjustmentProblems, KIND_LABELS, REGION_LABELS, type AdjustmentForm } from '../lib/stock'
import { shortId } from '../lib/timeline'
import './console.scss'

type State = { status: 'loading' } | { status: 'error'; message: string; forbidden: boolean } | { status: 'ready'; rows: StockRow[]; history: StockAdjustment[] }

/**
 * 管理后台 · 库存 (operators and admins): a model's cars per variant (trim × paint) and region —
 * total, held by orders, available to buyers now — with 入库 (cars arrived) and 调整 (a correction),
 * each with a required reason, never below what is held, and the history of changes.
 */
export default function ConsoleStockPage() {
  const { params } = useRouter()
  const signedIn = !!getToken()
  const roles = useStaffRoles(signedIn)
  const [models, setModels] = useState<AdminModelList['items']>([])
  const [modelCode, setModelCode] = useState<string | null>(null)
  const [detail, setDetail] = useState<AdminModelDetail | null>(null)
  const [state, setState] = useState<State>({ status: 'loading' })
  const [dialog, setDialog] = useState<{ row: StockRow; kind: AdjustmentForm['kind'] } | null>(null)

  const failed = (err: unknown) =>
    setState({ status: 'error', message: err instanceof ApiError ? err.message : '加载失败，请重试', forbidden: err instanceof ApiError && (err.status === 403 || err.status === 401) })
  useEffect(() => {
    if (!signedIn) return
    listAdminModels().then((r) => {
      setModels(r.items)
      // ?code= opens that model (from the catalog editor); else the first.
      setModelCode(r.items.find((m) => m.code === params?.code)?.code ?? r.items[0]?.code ?? null)
      if (!r.items.length) setState({ status: 'ready', rows: [], history: [] })
    }, failed)
  }, [signedIn])
  const load = useCallback(async (code: string) => {
    setState({ status: 'loading' })
    try {
      const [stock, history, d] = await Promise.all([listStock(code), listStockAdjustments(code), getAdminModel(code)])
      setDetail(d)
      setState({ status: 'ready', rows: stock.items, history: history.items })
    } catch (err) {
      failed(err)
    }
  }, [])
  useEffect(() => {
    if (modelCode) void load(modelCode)
  }, [modelCode, load])

  const names = useMemo(() => {
    const n: Record<string, string> = {}
    for (const t of detail?.model.trims ?? []) n[t.code] = t.name
    for (const o of detail?.model.options ?? []) n[o.code] = o.name
    return n
  }, [detail])
  const nameOf = (code: string) => names[code] ?? code

  if (!signedIn) {
    return <SignInFirst />
  }
  return (
    <View className='console-page'>
      <ConsoleShell active='stock' roles={roles}>
        {state.status === 'error' && state.forbidden ? (
          <Forbidden text='库存管理仅运营与管理员可用；如需开通请联系管理员' />
        ) : (
          <View className='console-stock'>
            <View className='order-filters'>
              <View className='order-filters__row'>
                <Text className='order-filters__label'>车型</Text>
                <Chips className='stock-models' options={models.map((m) => ({ value: m.code, label: m.name }))} isOn={(v) => v === modelCode} onTap={(v) => setModelCode(v)} />
              </View>
            </View>
            {state.status === 'loading' && <LoadingState />}
            {state.status === 'error' && <ErrorState message={state.message} onRetry={() => modelCode && void load(modelCode)} />}
            {state.status === 'ready' && (
              <>
                <View className='stock-table'>
                  <View className='stock-table__head'>
                    {['版本', '颜色', '地区', '总数', '已占用', '可售', '首发', '操作'].map((h) => (
                      <Text key={h} className='stock-table__th'>
                        {h}
                      </Text>
                    ))}
                  </View>
                  {state.rows.length === 0 && <Text className='console-orders__empty'>该车型暂无库存记录</Text>}
                  {state.rows.map((r) => (
                    <View key={r.key} className='stock-row' data-key={r.key}>
                      <Text className='stock-table__td'>{nameOf(r.trimCode)}</Text>
                      <Text className='stock-table__td'>{nameOf(r.paintCode)}</Text>
                      <Text className='stock-table__td'>{REGION_LABELS[r.region] ?? r.region}</Text>
                      <Text className='stock-table__td stock-row__total'>{r.total.toLocaleString('en-US')}</Text>
                      <Text className='stock-table__td stock-row__held'>{r.held.toLocaleString('en-US')}</Text>
                      <Text className={`stock-table__td stock-row__available ${r.available === 0 ? 'stock-row__available--none' : ''}`}>{r.available.toLocaleString('en-US')}</Text>
                      <Text className='stock-table__td'>{r.launchCode ?? '—'}</Text>
                      <View className='stock-table__td stock-row__actions'>
                        <CButton className='stock-inbound' onClick={() => setDialog({ row: r, kind: 'inbound' })}>
                          入库
                        </CButton>
                        <CButton className='stock-adjust' onClick={() => setDialog({ row: r, kind: 'adjustment' })}>
                          调整
                        </CButton>
                      </View>
                    </View>
                  ))}
                </View>
                <View className='console-catalog stock-history'>
                  <Text className='catalog-section__title'>调整记录</Text>
                  {state.history.length === 0 && <Text className='catalog-section__hint'>暂无记录</Text>}
                  {state.history.map((a) => (
                    <View key={a.id} className='catalog-audit stock-history__row'>
                      <Text className='catalog-audit__at'>{formatDateTimeCN(a.at)}</Text>
                      <Text className='catalog-audit__what'>
                        {KIND_LABELS[a.kind]} {a.delta > 0 ? `+${a.delta}` : a.delta} · {nameOf(a.trimCode)} {nameOf(a.paintCode)} · {a.before} → {a.after}
                        {a.status !== 'applied' ? `（${a.status === 'rejected' ? '未生效' : '处理中'}）` : ''}
                      </Text>
                      <Text className='catalog-audit__who'>
                        {shortId(a.actorId)} · {a.reason}
                      </Text>
                    </View>
                  ))}
                </View>
              </>
            )}
          </View>
        )}
      </ConsoleShell>
      {dialog && (
        <AdjustDialog
          row={dialog.row}
          kind={dialog.kind}
          label={`${nameOf(dialog.row.trimCode)} · ${nameOf(dialog.row.paintCode)}`}
          onClose={(changed) => {
            setDialog(null)
            if (changed && modelCode) void load(modelCode)
          }}
        />
      )}
    </View>
  )
}

function AdjustDialog({ row, kind, label, onClose }: { row: StockRow; kind: AdjustmentForm['kind']; label: string; onClose: (changed: boolean) => void }) {
  const [form, setForm] = useState<AdjustmentForm>({ kind, delta: '', reason: '' })
  const [touched, setTouched] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  // One key per dialog: a retried 确认 is the same change, applied once.
  const [idem] = useState(newIdempotencyKey)
  const check = adjustmentProblems(form, row)
  const send = async () => {
    setTouched(true)
    if (check.delta === null || check.problems.delta || check.problems.reason || busy) return
    setBusy(true)
    setError(null)
    try {
      await adjustStock({ modelCode: row.modelCode, trimCode: row.trimCode, paintCode: row.paintCode, region: row.region, kind: form.kind, delta: check.delta, reason: form.reason.trim() }, idem)
      Taro.showToast({ title: form.kind === 'inbound' ? '已入库' : '已调整', icon: 'none' })
      onClose(true)
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '提交失败，请重试')
    } finally {
      setBusy(false)
    }
  }
  return (
    <View className='c-modal'>
      <View className={`action-dialog stock-dialog stock-dialog--${form.kind}`}>
        <Text className='action-dialog__title'>
          {KIND_LABELS[form.kind]} · {label}
        </Text>
        <Text className='action-dialog__hint'>
          当前总数 {row.total}，订单已占用 {row.held}，可售 {row.available}。{form.kind === 'inbound' ? '填写到货数量。' : '填写增减数量（减少用负数），调整后不能少于已占用数。'}
        </Text>
        <View className='action-dialog__field'>
          <Text className='action-dialog__label'>数量</Text>
          <Input className='action-dialog__vin stock-dialog__delta' value={form.delta} placeholder={form.kind === 'inbound' ? '如 5' : '如 -2 或 3'} maxlength={8} onInput={(e) => setForm({ ...form, delta: e.detail.value })} />
          {(touched || form.delta) && check.problems.delta && <Text className='action-dialog__problem'>{check.problems.delta}</Text>}
          {check.after !== null && !check.problems.delta && <Text className='action-dialog__hint stock-dialog__after'>调整后总数 {check.after}，可售 {check.after - row.held}</Text>}
        </View>
        <View className='action-dialog__field'>
          <Text className='action-dialog__label'>原因（必填）</Text>
          <Textarea className='action-dialog__reason stock-dialog__reason' value={form.reason} placeholder='如：上海港到货 / 盘点差异 / 展车转出' maxlength={200} onInput={(e) => setForm({ ...form, reason: e.detail.value })} />
          {touched && check.problems.reason && <Text className='action-dialog__problem'>{check.problems.reason}</Text>}
        </View>
        {error && <Text className='action-dialog__error'>{error}</Text>}
        <View className='action-dialog__buttons'>
          <CButton onClick={() => onClose(false)}>取消</CButton>
          <CButton className='action-dialog__confirm' kind='primary' disabled={busy || undefined} onClick={() => void send()}>
            {busy ? '提交中…' : '确认'}
          </CButton>
        </View>
      </View>
    </View>
  )
}
