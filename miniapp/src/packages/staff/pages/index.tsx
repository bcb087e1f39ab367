import { useEffect, useRef, useState } from 'react'
import { Button, Input, Text, Textarea, View } from '@tarojs/components'
import Taro, { useDidHide, useDidShow } from '@tarojs/taro'
import { formatDateTimeCN, type ModelSummary } from '@carmall/shared-types'
import { listModels } from '../../../api/catalog'
import { newIdempotencyKey } from '../../../api/orders'
import {
  getCampaign,
  listCampaigns,
  listDeadLetters,
  previewCampaign,
  pushCampaign,
  retryDeadLetter,
  staffBookingsPath,
  type Campaign,
  type CampaignPreview,
  type DeadLetter,
} from '../../../api/staff'
import { EmptyState, ErrorState, LoadingState } from '../../../components/StatusViews'
import { errorText, useSignedInData } from '../../garage/lib'
import { CAMPAIGN_STATUS, formProblems, segmentOf, useStaffAccess } from '../lib'
import '../../garage/pages/garage.scss'
import './staff.scss'

export const POLL_MS = 2000
type Tab = 'push' | 'history' | 'dead'

/** Live counts of one campaign, polled every 2 s until it is done (paused while the page is hidden). */
export function CampaignProgress({ id, onDone, pollMs = POLL_MS }: { id: string; onDone?: (c: Campaign) => void; pollMs?: number }) {
  const [c, setC] = useState<Campaign | null>(null)
  const [error, setError] = useState('')
  const [visible, setVisible] = useState(true)
  useDidShow(() => setVisible(true))
  useDidHide(() => setVisible(false))

  useEffect(() => {
    if (!visible) return
    let stopped = false
    let timer: ReturnType<typeof setTimeout> | undefined
    const tick = async () => {
      try {
        const next = await getCampaign(id)
        if (stopped) return
        setC(next)
        setError('')
        if (next.status === 'done') return onDone?.(next)
      } catch (err) {
        if (stopped) return
        setError(errorText(err))
      }
      timer = setTimeout(tick, pollMs)
    }
    void tick()
    return () => {
      stopped = true
      if (timer) clearTimeout(timer)
    }
  }, [id, visible, pollMs])

  if (!c) return error ? <ErrorState message={error} /> : <LoadingState />
  const n = c.counts
  const cell = (cls: string, label: string, value: number | null) => (
    <View className={`progress__cell progress__${cls}`}>
      <Text className='progress__num'>{value ?? '—'}</Text>
      <Text className='progress__label'>{label}</Text>
    </View>
  )
  return (
    <View className='garage-card progress' data-status={c.status}>
      <View className='garage-card__head'>
        <Text className='garage-card__title'>{c.name}</Text>
        <Text className={`badge badge--${c.status === 'done' ? 'ok' : 'warn'} progress__status`}>{CAMPAIGN_STATUS[c.status]}</Text>
      </View>
      <View className='progress__grid'>
        {cell('targeted', '目标车主', n.targeted)}
        {cell('queued', '排队中', n.queued)}
        {cell('sent', '已发送', n.sent)}
        {cell('noOptIn', '未订阅', n.noOptIn)}
        {cell('failed', '失败', n.failed)}
      </View>
      {c.pausedUntil && c.status !== 'done' && (
        <Text className='garage-card__hint progress__paused'>微信订阅消息今日发送额度已用完，其余消息将于 {formatDateTimeCN(c.pausedUntil)} 后继续发送。</Text>
      )}
      <Text className='garage-card__hint'>未订阅微信提醒的车主会在消息中心收到；失败的消息可在「失败任务」中重试。</Text>
      {error && <Text className='garage-card__hint staff-error'>{error}（正在重试）</Text>}
    </View>
  )
}

function PushTab({ onPushed }: { onPushed: (id: string) => void }) {
  const [models, setModels] = useState<ModelSummary[]>([])
  const [form, setForm] = useState({ name: '', modelCodes: [] as string[], dueWithinDays: '30', batterySohBelow: '', title: '保养提醒', body: '' })
  const [preview, setPreview] = useState<CampaignPreview | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')
  // One key per push attempt; a new one once the form changes.
  const key = useRef(newIdempotencyKey())

  useEffect(() => {
    listModels({ pageSize: 50 })
      .then((p) => setModels(p.items))
      .catch(() => setModels([]))
  }, [])

  const set = (patch: Partial<typeof form>) => {
    setForm((f) => ({ ...f, ...patch }))
    setPreview(null)
    key.current = newIdempotencyKey()
  }
  const toggleModel = (code: string) => set({ modelCodes: form.modelCodes.includes(code) ? form.modelCodes.filter((c) => c !== code) : [...form.modelCodes, code] })
  const problems = formProblems(form)
  const message = { title: form.title.trim(), body: form.body.trim() }

  const onPreview = async () => {
    if (problems.length) return setError(problems[0])
    setBusy(true)
    setError('')
    try {
      setPreview(await previewCampaign(segmentOf(form), message))
    } catch (err) {
      setError(errorText(err, '预览失败，请重试'))
    } finally {
      setBusy(false)
    }
  }

  const onPush = async () => {
    if (!preview) return
    const { confirm } = await Taro.showModal({ title: '确认推送', content: `将向 ${preview.owners} 位车主推送「${message.title}」` })
    if (!confirm) return
    setBusy(true)
    setError('')
    try {
      const c = await pushCampaign({ name: form.name.trim() || message.title, segment: segmentOf(form), message }, key.current)
      key.current = newIdempotencyKey()
      setPreview(null)
      onPushed(c.id)
    } catch (err) {
      setError(errorText(err, '推送失败，请重试'))
    } finally {
      setBusy(false)
    }
  }

  return (
    <View className='push-tab'>
      <View className='garage-card'>
        <Text className='garage-card__title'>选择车主</Text>
        <Text className='garage-card__hint'>车型（不选为全部）</Text>
        <View className='chips'>
          {models.map((m) => (
            <Text key={m.code} className={`chip segment-model${form.modelCodes.includes(m.code) ? ' chip--on' : ''}`} data-code={m.code} onClick={() => toggleModel(m.code)}>
              {m.name}
            </Text>
          ))}
        </View>
        <View className='field'>
          <Text className='field__label'>保养到期天数内</Text>
          <Input className='field__input segment-due' type='number' placeholder='不限' value={form.dueWithinDays} onInput={(e) => set({ dueWithinDays: e.detail.value })} />
        </View>
        <View className='field'>
          <Text className='field__label'>电池健康度低于 (%)</Text>
          <Input className='field__input segment-soh' type='digit' placeholder='不限' value={form.batterySohBelow} onInput={(e) => set({ batterySohBelow: e.detail.value })} />
        </View>
      </View>
      <View className='garage-card'>
        <Text className='garage-card__title'>消息</Text>
        <View className='field'>
          <Text className='field__label'>活动名称</Text>
          <Input className='field__input campaign-name' placeholder='默认同标题' maxlength={60} value={form.name} onInput={(e) => set({ name: e.detail.value })} />
        </View>
        <View className='field'>
          <Text className='field__label'>标题（≤20 字）</Text>
          <Input className='field__input campaign-title' maxlength={20} value={form.title} onInput={(e) => set({ title: e.detail.value })} />
        </View>
        <Textarea className='field__area campaign-body' placeholder='消息内容' maxlength={500} value={form.body} onInput={(e) => set({ body: e.detail.value })} />
      </View>
      {error && <Text className='staff-error'>{error}</Text>}
      <Button className='btn-plain staff-preview' disabled={busy || undefined} onClick={onPreview}>
        预览
      </Button>
      {preview && (
        <View className='garage-card preview'>
          <Text className='garage-card__title preview__count'>
            覆盖 {preview.owners} 位车主（{preview.vehicles} 辆车）
          </Text>
          <Text className='garage-card__line preview__title'>{preview.inApp.title}</Text>
          <Text className='garage-card__hint preview__body'>{preview.inApp.body}</Text>
          {preview.sample.map((s) => (
            <Text key={s.vin} className='garage-card__hint'>
              {s.modelName} {s.vin} · 保养 {s.serviceDueDate ?? '—'}
              {s.batterySohPct != null ? ` · 电池 ${s.batterySohPct.toFixed(1)}%` : ''}
            </Text>
          ))}
          <Button className='btn-primary staff-push' disabled={busy || preview.owners === 0 || undefined} loading={busy} onClick={onPush}>
            推送
          </Button>
        </View>
      )}
    </View>
  )
}

const fetchCampaigns = () => listCampaigns().then((r) => r.items)

function HistoryTab({ onWatch }: { onWatch: (id: string) => void }) {
  const [state, load] = useSignedInData(fetchCampaigns)
  if (state.status === 'error') return <ErrorState message={state.message} onRetry={load} />
  if (state.status !== 'ready') return <LoadingState />
  if (!state.data.length) return <EmptyState text='还没有推送过活动' />
  return (
    <View>
      {state.data.map((c) => (
        <View key={c.id} className='garage-card campaign-item' data-id={c.id} onClick={() => onWatch(c.id)}>
          <View className='garage-card__head'>
            <Text className='garage-card__title'>{c.name}</Text>
            <Text className={`badge badge--${c.status === 'done' ? 'ok' : 'warn'}`}>{CAMPAIGN_STATUS[c.status]}</Text>
          </View>
          <Text className='garage-card__hint'>
            {formatDateTimeCN(c.createdAt)} · 目标 {c.counts.targeted ?? '—'} · 已发送 {c.counts.sent} · 未订阅 {c.counts.noOptIn} · 失败 {c.counts.failed}
          </Text>
        </View>
      ))}
    </View>
  )
}

function DeadLettersTab() {
  const [state, load, update] = useSignedInData(listDeadLetters)
  const [busy, setBusy] = useState('')
  const onRetry = async (d: DeadLetter) => {
    setBusy(d.jobId)
    try {
      await retryDeadLetter(d.jobId)
      Taro.showToast({ title: '已重新发送', icon: 'success' })
      update((x) => ({ total: Math.max(0, x.total - 1), items: x.items.filter((i) => i.jobId !== d.jobId) }))
    } catch (err) {
      Taro.showToast({ title: errorText(err, '重试失败'), icon: 'none' })
    } finally {
      setBusy('')
    }
  }
  if (state.status === 'error') return <ErrorState message={state.message} onRetry={load} />
  if (state.status !== 'ready') return <LoadingState />
  if (!state.data.items.length) return <EmptyState text='没有失败的消息' />
  return (
    <View>
      <Text className='garage-card__hint'>共 {state.data.total} 条发送失败</Text>
      {state.data.items.map((d) => (
        <View key={d.jobId} className='garage-card dead-letter' data-id={d.jobId}>
          <Text className='garage-card__title'>{d.kind === 'campaign' ? '活动消息' : d.kind === 'service_due' ? '保养提醒' : d.name}</Text>
          <Text className='garage-card__hint'>
            {d.failedAt ? formatDateTimeCN(d.failedAt) : ''} · 尝试 {d.attempts} 次 · {d.reason}
          </Text>
          <Button className='btn-plain dead-letter__retry' size='mini' disabled={busy === d.jobId || undefined} onClick={() => onRetry(d)}>
            重试
          </Button>
        </View>
      ))}
    </View>
  )
}

/** 服务工作台 (service staff, admins): segment → preview → push → live progress; history; dead letters. */
export default function StaffConsolePage() {
  const access = useStaffAccess()
  const [tab, setTab] = useState<Tab>('push')
  const [watching, setWatching] = useState('')

  if (access === 'checking') return <LoadingState />
  if (access === 'login') return <EmptyState text='请先在「我的」登录' />
  if (access === 'denied') return <EmptyState text='仅服务人员可使用服务工作台' />
  const TABS: Array<[Tab, string]> = [
    ['push', '推送活动'],
    ['history', '历史'],
    ['dead', '失败任务'],
  ]
  return (
    <View className='page garage-page staff-page'>
      <View className='chips'>
        {TABS.map(([t, label]) => (
          <Text key={t} className={`chip staff-tab staff-tab--${t}${tab === t ? ' chip--on' : ''}`} onClick={() => setTab(t)}>
            {label}
          </Text>
        ))}
        <Text className='chip staff-bookings-link' onClick={() => Taro.navigateTo({ url: staffBookingsPath })}>
          预约看板
        </Text>
      </View>
      {watching && <CampaignProgress key={watching} id={watching} />}
      {tab === 'push' && <PushTab onPushed={setWatching} />}
      {tab === 'history' && (
        <HistoryTab
          onWatch={(id) => {
            setWatching(id)
            Taro.pageScrollTo?.({ scrollTop: 0, duration: 0 })
          }}
        />
      )}
      {tab === 'dead' && <DeadLettersTab />}
    </View>
  )
}
