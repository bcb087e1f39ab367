import { useCallback, useEffect, useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro, { useDidShow } from '@tarojs/taro'
import { shipReadiness } from '@carmall/shared-types'
import { ApiError } from '../../../api/client'
import { experimentAction, funnelReport, listExperiments, listFunnels, type Experiment, type FunnelDef, type FunnelReport } from '../../../api/analytics'
import { ErrorState, LoadingState } from '../../../components/StatusViews'
import { LaunchAdmin } from '../components/LaunchAdmin'
import { ExperimentForm } from '../components/ExperimentForm'
import { barWidth, ciText, eventLabel, lastDays, pct, significanceText, srmText } from '../lib/format'
import './index.scss'

const PLATFORMS = [
  { value: '', label: '全部' },
  { value: 'weapp', label: '微信' },
  { value: 'alipay', label: '支付宝' },
  { value: 'h5', label: 'H5' },
]
const RANGES = [
  { value: 1, label: '今天' },
  { value: 7, label: '近 7 天' },
  { value: 30, label: '近 30 天' },
]

/** A row of single-choice chips (funnel, date range, platform). */
function Chips<T extends string | number>({ options, value, onChange, className = '' }: { options: { value: T; label: string }[]; value: T; onChange: (v: T) => void; className?: string }) {
  return (
    <View className={`ops-chips ${className}`.trim()}>
      {options.map((o) => (
        <Text key={String(o.value)} className={`ops-chip ${o.value === value ? 'ops-chip--on' : ''}`} onClick={() => onChange(o.value)}>
          {o.label}
        </Text>
      ))}
    </View>
  )
}

type Load<T> = { status: 'loading' } | { status: 'error'; message: string; forbidden?: boolean } | { status: 'ready'; data: T }
const failed = (err: unknown): { status: 'error'; message: string; forbidden?: boolean } => ({
  status: 'error',
  message: err instanceof ApiError ? err.message : '加载失败，请重试',
  forbidden: err instanceof ApiError && (err.status === 403 || err.status === 401),
})

/** Funnel bars: each step's width against step 1, with its step conversion and drop-off. Pure CSS, no network. */
export function FunnelChart({ report }: { report: FunnelReport }) {
  const max = report.steps[0]?.count ?? 0
  return (
    <View className='ops-funnel'>
      {report.steps.map((s, i) => (
        <View className='ops-funnel__step' key={s.name} data-step={s.name} data-count={String(s.count)}>
          <View className='ops-funnel__head'>
            <Text className='ops-funnel__name'>
              {i + 1}. {eventLabel(s.name)}
              {s.optional ? '（可选）' : ''}
            </Text>
            <Text className='ops-funnel__count'>{s.count.toLocaleString('en-US')} 人</Text>
          </View>
          <View className='ops-funnel__track'>
            <View className='ops-funnel__bar' style={{ width: barWidth(s.count, max) }} />
          </View>
          {i > 0 && (
            <Text className='ops-funnel__conv'>
              {s.optional
                ? `使用率 ${pct(s.conversion)} · 跳过 ${s.dropOff.toLocaleString('en-US')} 人（${pct(s.dropOffRate)}）· 总转化 ${pct(s.overall)}`
                : `步骤转化 ${pct(s.conversion)} · 流失 ${s.dropOff.toLocaleString('en-US')} 人（${pct(s.dropOffRate)}）· 总转化 ${pct(s.overall)}`}
            </Text>
          )}
        </View>
      ))}
    </View>
  )
}

/** One experiment: conversion per variant (bars + CI against the control), significance, SRM warning, actions. */
export function ExperimentCard({ x, busy, onAction }: { x: Experiment; busy: boolean; onAction: (action: 'start' | 'stop' | 'ship', variant?: string) => void }) {
  const srm = srmText(x.results.srm)
  const maxRate = Math.max(0, ...x.results.variants.map((v) => v.rate))
  const readiness = new Map(x.results.variants.map((v) => [v.key, shipReadiness(x.results, v.key)]))
  return (
    <View className='ops-exp' data-key={x.key} data-status={x.status}>
      <View className='ops-exp__head'>
        <Text className='ops-exp__name'>{x.name}</Text>
        <Text className={`ops-exp__status ops-exp__status--${x.status}`}>{x.statusText}</Text>
      </View>
      <Text className='ops-hint'>
        {x.key} · 转化事件：{eventLabel(x.targetEvent)} · 曝光 {x.results.totalExposed.toLocaleString('en-US')}
        {x.shippedVariant ? ` · 已全量「${x.variants.find((v) => v.key === x.shippedVariant)?.label ?? x.shippedVariant}」` : ''}
      </Text>
      {srm && <Text className='ops-exp__srm'>⚠ {srm}</Text>}
      {x.results.variants.map((v, i) => (
        <View className='ops-variant' key={v.key} data-variant={v.key} data-exposed={String(v.exposed)} data-converted={String(v.converted)}>
          <View className='ops-variant__head'>
            <Text className='ops-variant__name'>
              {v.label}
              {i === 0 ? '（对照）' : ''} · {v.weight}%
            </Text>
            <Text className='ops-variant__rate'>
              {v.converted}/{v.exposed} = {pct(v.rate)}
            </Text>
          </View>
          <View className='ops-funnel__track'>
            <View className={`ops-variant__bar ${i === 0 ? 'ops-variant__bar--control' : ''}`} style={{ width: barWidth(v.rate, maxRate) }} />
          </View>
          {v.vsControl && (
            <Text className={`ops-variant__stat ${v.vsControl.significant ? 'ops-variant__stat--sig' : ''}`}>
              对比对照：{v.vsControl.ci ? `${ciText(v.vsControl.ci, v.vsControl.confidence)} · ${significanceText(v.vsControl)}` : '数据不足'}
            </Text>
          )}
          {(x.status === 'running' || x.status === 'stopped') && (
            <>
              {!readiness.get(v.key)!.ready && <Text className='ops-ship__warn'>⚠ {readiness.get(v.key)!.reasons.join('；')}</Text>}
              <Button className='btn-plain ops-ship' size='mini' disabled={busy || undefined} onClick={() => onAction('ship', v.key)}>
                全量此方案
              </Button>
            </>
          )}
        </View>
      ))}
      <View className='ops-exp__actions'>
        {x.status === 'draft' && (
          <Button className='btn-primary ops-start' size='mini' disabled={busy || undefined} onClick={() => onAction('start')}>
            开始实验
          </Button>
        )}
        {x.status === 'running' && (
          <Button className='btn-plain ops-stop' size='mini' disabled={busy || undefined} onClick={() => onAction('stop')}>
            停止实验
          </Button>
        )}
      </View>
    </View>
  )
}

/** 运营看板 (operator/admin): purchase funnel by date range and platform, the A/B experiments and 首发抢购 launches. */
export default function OpsDashboard() {
  const [funnels, setFunnels] = useState<FunnelDef[]>([])
  const [funnelKey, setFunnelKey] = useState('purchase')
  const [days, setDays] = useState(7)
  const [platform, setPlatform] = useState('')
  const [report, setReport] = useState<Load<FunnelReport>>({ status: 'loading' })
  const [experiments, setExperiments] = useState<Load<Experiment[]>>({ status: 'loading' })
  const [busy, setBusy] = useState(false)

  const loadReport = useCallback(async () => {
    setReport({ status: 'loading' })
    try {
      setReport({ status: 'ready', data: await funnelReport(funnelKey, { ...lastDays(days), ...(platform ? { platform } : {}) }) })
    } catch (err) {
      setReport(failed(err))
    }
  }, [funnelKey, days, platform])

  const loadExperiments = useCallback(async () => {
    try {
      setExperiments({ status: 'ready', data: (await listExperiments()).items })
    } catch (err) {
      setExperiments(failed(err))
    }
  }, [])

  useEffect(() => {
    listFunnels()
      .then((r) => setFunnels(r.items))
      .catch(() => setFunnels([]))
  }, [])
  useEffect(() => {
    void loadReport()
  }, [loadReport])
  useDidShow(() => {
    void loadExperiments()
  })
  useEffect(() => {
    void loadExperiments()
  }, [loadExperiments])

  const onAction = async (x: Experiment, action: 'start' | 'stop' | 'ship', variant?: string) => {
    const what = action === 'start' ? '开始实验' : action === 'stop' ? '停止实验（所有人回到对照方案）' : `全量「${x.variants.find((v) => v.key === variant)?.label ?? variant}」`
    // Shipping on too little data is allowed, but never without saying so.
    const readiness = action === 'ship' && variant ? shipReadiness(x.results, variant) : { ready: true, reasons: [] }
    const { confirm } = await Taro.showModal({
      title: x.name,
      content: readiness.ready ? `确定${what}？` : `${readiness.reasons.join('；')}。仍要${what}？`,
      ...(readiness.ready ? {} : { confirmText: '仍要全量', confirmColor: '#e4393c' }),
    })
    if (!confirm) return
    setBusy(true)
    try {
      await experimentAction(x.key, action, variant)
      Taro.showToast({ title: '已更新', icon: 'success' })
      await loadExperiments()
    } catch (err) {
      Taro.showToast({ title: err instanceof ApiError ? err.message : '操作失败', icon: 'none' })
    } finally {
      setBusy(false)
    }
  }

  if (report.status === 'error' && report.forbidden) {
    return (
      <View className='page ops-page'>
        <ErrorState message='仅运营人员可查看运营看板' />
      </View>
    )
  }

  return (
    <View className='page ops-page'>
      <View className='ops-card'>
        <Text className='ops-card__title'>转化漏斗</Text>
        {funnels.length > 1 && <Chips options={funnels.map((f) => ({ value: f.key, label: f.name }))} value={funnelKey} onChange={setFunnelKey} />}
        <Chips className='ops-ranges' options={RANGES} value={days} onChange={setDays} />
        <Chips className='ops-platforms' options={PLATFORMS} value={platform} onChange={setPlatform} />
        {report.status === 'loading' && <LoadingState />}
        {report.status === 'error' && <ErrorState message={report.message} onRetry={loadReport} />}
        {report.status === 'ready' && (
          <>
            <Text className='ops-hint'>
              {report.data.range.from} 至 {report.data.range.to}（北京时间）进入漏斗的用户
            </Text>
            <FunnelChart report={report.data} />
          </>
        )}
      </View>

      <View className='ops-card'>
        <Text className='ops-card__title'>A/B 实验</Text>
        {experiments.status === 'loading' && <LoadingState />}
        {experiments.status === 'error' && <ErrorState message={experiments.message} onRetry={loadExperiments} />}
        <ExperimentForm onCreated={() => void loadExperiments()} />
        {experiments.status === 'ready' && experiments.data.length === 0 && <Text className='ops-hint'>还没有实验</Text>}
        {experiments.status === 'ready' && experiments.data.map((x) => <ExperimentCard key={x.key} x={x} busy={busy} onAction={(a, v) => void onAction(x, a, v)} />)}
      </View>

      <LaunchAdmin />
    </View>
  )
}
