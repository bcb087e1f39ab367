import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react'
import { Button, Input, Text, View } from '@tarojs/components'
import Taro, { useDidHide, useDidShow } from '@tarojs/taro'
import { LAUNCH_PHASE_LABELS, formatDateCN, formatDateTimeCN, formatFen, type ModelSummary } from '@carmall/shared-types'
import { ApiError } from '../../../api/client'
import { getModel, listModels, type ModelDetail } from '../../../api/catalog'
import { listAdminLaunches, scheduleLaunch, type AdminLaunch } from '../../../api/launches'
import { ErrorState, LoadingState } from '../../../components/StatusViews'
import { launchFormProblems, launchRequestOf, serverFieldErrors, type FieldErrors, type LaunchField, type LaunchForm } from '../lib/launch-form'
import './launch-admin.scss'

/** Stats refresh while a launch is upcoming or open and the console is shown. */
export const LAUNCH_STATS_REFRESH_MS = 5000

const emptyForm = (): LaunchForm => ({
  code: '',
  title: '',
  modelCode: '',
  startDate: formatDateCN(Date.now()),
  startTime: '',
  endDate: '',
  endTime: '',
  admitPerSecond: '20',
  admissionMinutes: '5',
  preQueueMinutes: '10',
  stock: {},
})

function FieldError({ errors, field }: { errors: FieldErrors; field: LaunchField }) {
  return errors[field] ? (
    <Text className='ops-field__error' data-field={field}>
      {errors[field]}
    </Text>
  ) : null
}

function Field({ label, field, errors, children }: { label: string; field: LaunchField; errors: FieldErrors; children: ReactNode }) {
  return (
    <View className={`ops-field ops-field--${field}${errors[field] ? ' ops-field--invalid' : ''}`}>
      <Text className='ops-field__label'>{label}</Text>
      <View className='ops-field__control'>{children}</View>
      <FieldError errors={errors} field={field} />
    </View>
  )
}

/** The form: model, variants from the catalog with stock per variant, start (Shanghai), admission rate and minutes. */
function ScheduleForm({ onScheduled }: { onScheduled: (code: string) => void }) {
  const [models, setModels] = useState<ModelSummary[]>([])
  const [detail, setDetail] = useState<ModelDetail | null>(null)
  const [form, setForm] = useState<LaunchForm>(emptyForm)
  const [errors, setErrors] = useState<FieldErrors>({})
  const [busy, setBusy] = useState(false)
  const modelReq = useRef(0)

  useEffect(() => {
    listModels({ pageSize: 50 })
      .then((p) => setModels(p.items))
      .catch(() => setModels([]))
  }, [])

  const set = (patch: Partial<LaunchForm>) => {
    setForm((f) => ({ ...f, ...patch }))
    // A field edited is a field no longer refused.
    setErrors((e) => {
      const next = { ...e, form: undefined }
      for (const k of Object.keys(patch)) {
        const field = k === 'startDate' || k === 'startTime' ? 'startsAt' : k === 'endDate' || k === 'endTime' ? 'endsAt' : k === 'stock' ? 'variants' : (k as LaunchField)
        delete next[field]
      }
      return next
    })
  }

  const pickModel = (code: string) => {
    set({ modelCode: code, stock: {} })
    setDetail(null)
    const id = ++modelReq.current
    getModel(code)
      .then((d) => id === modelReq.current && setDetail(d))
      .catch((err) => id === modelReq.current && setErrors((e) => ({ ...e, modelCode: err instanceof ApiError ? err.message : '车型加载失败' })))
  }

  const onSubmit = async () => {
    const problems = launchFormProblems(form, Date.now())
    setErrors(problems)
    if (Object.keys(problems).length) return
    setBusy(true)
    try {
      const launch = await scheduleLaunch(launchRequestOf(form))
      Taro.showToast({ title: '已创建', icon: 'success' })
      setForm(emptyForm())
      setDetail(null)
      setErrors({})
      onScheduled(launch.code)
    } catch (err) {
      setErrors(serverFieldErrors(err))
    } finally {
      setBusy(false)
    }
  }

  const model = detail?.model
  const paints = model?.options.filter((o) => o.group === 'paint') ?? []

  return (
    <View className='ops-launch-form'>
      <Text className='ops-launches__subtitle'>新建首发活动</Text>
      <Field label='活动编号' field='code' errors={errors}>
        <Input className='ops-input launch-code' placeholder='如 s5-launch-1208' maxlength={40} value={form.code} onInput={(e) => set({ code: e.detail.value })} />
      </Field>
      <Field label='活动名称' field='title' errors={errors}>
        <Input className='ops-input launch-title' placeholder='如 远山 S5 首发抢购' maxlength={40} value={form.title} onInput={(e) => set({ title: e.detail.value })} />
      </Field>
      <Field label='车型' field='modelCode' errors={errors}>
        <View className='ops-chips'>
          {models.map((m) => (
            <Text key={m.code} className={`ops-chip launch-model ${m.code === form.modelCode ? 'ops-chip--on' : ''}`} data-code={m.code} onClick={() => pickModel(m.code)}>
              {m.name}
            </Text>
          ))}
        </View>
      </Field>
      <Field label='开售时间（北京时间）' field='startsAt' errors={errors}>
        <View className='ops-inline'>
          <Input className='ops-input launch-start-date' placeholder='2026-12-08' value={form.startDate} onInput={(e) => set({ startDate: e.detail.value })} />
          <Input className='ops-input launch-start-time' placeholder='20:00' value={form.startTime} onInput={(e) => set({ startTime: e.detail.value })} />
        </View>
      </Field>
      <Field label='结束时间（可不填）' field='endsAt' errors={errors}>
        <View className='ops-inline'>
          <Input className='ops-input launch-end-date' placeholder='不设结束' value={form.endDate} onInput={(e) => set({ endDate: e.detail.value })} />
          <Input className='ops-input launch-end-time' placeholder='22:00' value={form.endTime} onInput={(e) => set({ endTime: e.detail.value })} />
        </View>
      </Field>
      <View className='ops-inline ops-inline--fields'>
        <Field label='每秒放行人数' field='admitPerSecond' errors={errors}>
          <Input className='ops-input launch-rate' type='number' value={form.admitPerSecond} onInput={(e) => set({ admitPerSecond: e.detail.value })} />
        </Field>
        <Field label='下单时限（分钟）' field='admissionMinutes' errors={errors}>
          <Input className='ops-input launch-minutes' type='number' value={form.admissionMinutes} onInput={(e) => set({ admissionMinutes: e.detail.value })} />
        </Field>
        <Field label='提前排队（开售前分钟，开售时随机排序）' field='preQueueMinutes' errors={errors}>
          <Input className='ops-input launch-prequeue' type='number' placeholder='不设' value={form.preQueueMinutes} onInput={(e) => set({ preQueueMinutes: e.detail.value })} />
        </Field>
      </View>
      <Field label='版本与颜色（填写库存的参与活动）' field='variants' errors={errors}>
        {!form.modelCode && <Text className='ops-hint'>先选择车型</Text>}
        {form.modelCode && !model && <LoadingState text='加载配置…' />}
        {model && (
          <View className='ops-launch-variants'>
            {model.trims.map((t) =>
              paints
                .filter((p) => p.availableOn.includes(t.code))
                .map((p) => {
                  const key = `${t.code}/${p.code}`
                  return (
                    <View key={key} className='ops-launch-variant' data-trim={t.code} data-paint={p.code}>
                      <Text className='ops-launch-variant__name'>
                        {t.name} · {p.name}
                      </Text>
                      <Input
                        className='ops-input ops-launch-variant__stock launch-stock'
                        type='number'
                        placeholder='库存'
                        value={form.stock[key] ?? ''}
                        onInput={(e) => set({ stock: { ...form.stock, [key]: e.detail.value } })}
                      />
                    </View>
                  )
                }),
            )}
          </View>
        )}
      </Field>
      <FieldError errors={errors} field='form' />
      <Button className='btn-primary ops-launch-submit' loading={busy} disabled={busy || undefined} onClick={onSubmit}>
        创建首发活动
      </Button>
    </View>
  )
}

function LaunchRow({ l }: { l: AdminLaunch }) {
  const stock = l.variants.reduce((n, v) => n + v.stock, 0)
  const stat = (key: string, label: string, value: string) => (
    <View className='ops-launch__stat' data-stat={key}>
      <Text className='ops-launch__num'>{value}</Text>
      <Text className='ops-launch__label'>{label}</Text>
    </View>
  )
  return (
    <View className='ops-launch' data-code={l.code} data-phase={l.phase}>
      <View className='ops-launch__info'>
        <View className='ops-launch__head'>
          <Text className='ops-launch__title'>{l.title}</Text>
          <Text className={`ops-launch__phase ops-launch__phase--${l.phase}`}>{LAUNCH_PHASE_LABELS[l.phase]}</Text>
        </View>
        <Text className='ops-hint'>
          {l.code} · {l.modelName} · {formatDateTimeCN(l.startsAt)} 开售{l.endsAt ? ` · ${formatDateTimeCN(l.endsAt)} 结束` : ''} · 每秒放行 {l.admitPerSecond} 人 · 下单时限{' '}
          {Math.round(l.admissionSeconds / 60)} 分钟{l.preQueueAt ? ` · ${formatDateTimeCN(l.preQueueAt)} 起提前排队` : ''}
        </Text>
        <Text className='ops-hint'>
          {l.variants.map((v) => `${v.trimName}·${v.paintName} ${formatFen(v.priceFen)} 剩 ${v.available}/${v.stock}`).join('；')}
        </Text>
      </View>
      <View className='ops-launch__stats'>
        {stat('joined', '排队', l.stats.joined.toLocaleString('en-US'))}
        {stat('admitted', '已放行', l.stats.admitted.toLocaleString('en-US'))}
        {stat('ordered', '已下单', l.stats.ordered.toLocaleString('en-US'))}
        {stat('available', '剩余车辆', `${l.available.toLocaleString('en-US')}/${stock.toLocaleString('en-US')}`)}
      </View>
    </View>
  )
}

type ListState = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; items: AdminLaunch[] }

/** 首发抢购 in the ops console: schedule a launch, and each launch's phase and figures. */
export function LaunchAdmin({ refreshMs = LAUNCH_STATS_REFRESH_MS }: { refreshMs?: number }) {
  const [list, setList] = useState<ListState>({ status: 'loading' })
  const [visible, setVisible] = useState(true)
  useDidShow(() => setVisible(true))
  useDidHide(() => setVisible(false))

  const load = useCallback(async () => {
    try {
      setList({ status: 'ready', items: (await listAdminLaunches()).items })
    } catch (err) {
      // A failed refresh keeps the figures on screen.
      setList((l) => (l.status === 'ready' ? l : { status: 'error', message: err instanceof ApiError ? err.message : '加载失败，请重试' }))
    }
  }, [])

  useEffect(() => {
    void load()
  }, [load])

  const live = list.status === 'ready' && list.items.some((l) => l.phase === 'scheduled' || l.phase === 'open')
  useEffect(() => {
    if (!live || !visible) return
    const timer = setInterval(() => void load(), refreshMs)
    return () => clearInterval(timer)
  }, [live, visible, load, refreshMs])

  return (
    <View className='ops-card ops-launches'>
      <Text className='ops-card__title'>首发抢购</Text>
      <View className='ops-launches__layout'>
        <ScheduleForm onScheduled={() => void load()} />
        <View className='ops-launches__list'>
          <View className='ops-launches__list-head'>
            <Text className='ops-launches__subtitle'>活动</Text>
            <Text className='ops-launches__refresh' onClick={() => void load()}>
              刷新
            </Text>
          </View>
          {list.status === 'loading' && <LoadingState />}
          {list.status === 'error' && <ErrorState message={list.message} onRetry={load} />}
          {list.status === 'ready' && list.items.length === 0 && <Text className='ops-hint'>还没有首发活动</Text>}
          {list.status === 'ready' && list.items.map((l) => <LaunchRow key={l.code} l={l} />)}
        </View>
      </View>
    </View>
  )
}
