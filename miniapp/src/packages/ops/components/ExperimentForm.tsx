import { useState } from 'react'
import { Button, Input, Text, View } from '@tarojs/components'
import { ApiError } from '../../../api/client'
import { createExperiment, type Experiment } from '../../../api/analytics'
import { EVENT_LABELS } from '../lib/format'
import './launch-admin.scss'
import { emptyExperimentForm, validateExperiment, type ExperimentField, type ExperimentForm as Form } from '../lib/experiment-form'

// The events an experiment can convert on (the funnel's steps after a page is seen).
const TARGETS = ['configure', 'open_finance', 'start_checkout', 'order_created', 'pay_success']

/** 新建实验: key, name, the conversion event and 2-5 variants with their traffic share; saved as a draft. */
export function ExperimentForm({ onCreated }: { onCreated: (x: Experiment) => void }) {
  const [open, setOpen] = useState(false)
  const [form, setForm] = useState<Form>(emptyExperimentForm)
  const [errors, setErrors] = useState<Partial<Record<ExperimentField, string>>>({})
  const [busy, setBusy] = useState(false)
  const set = (patch: Partial<Form>) => setForm((f) => ({ ...f, ...patch }))
  const setVariant = (i: number, patch: Partial<Form['variants'][number]>) => set({ variants: form.variants.map((v, j) => (j === i ? { ...v, ...patch } : v)) })

  if (!open) {
    return (
      <Button className='btn-plain ops-new-exp' size='mini' onClick={() => setOpen(true)}>
        新建实验
      </Button>
    )
  }
  const submit = async () => {
    const { errors: found, request } = validateExperiment(form)
    setErrors(found)
    if (!request) return
    setBusy(true)
    try {
      const created = await createExperiment(request)
      setOpen(false)
      setForm(emptyExperimentForm())
      onCreated(created)
    } catch (err) {
      setErrors({ form: err instanceof ApiError ? err.message : '保存失败，请重试' })
    } finally {
      setBusy(false)
    }
  }
  const field = (name: ExperimentField) => errors[name] && <Text className={`ops-field__error ops-exp-form__error--${name}`}>{errors[name]}</Text>
  return (
    <View className='ops-exp-form'>
      <Text className='ops-field__label'>实验 key</Text>
      <Input className='ops-input ops-exp-form__key' value={form.key} placeholder='如 order-button-2' onInput={(e) => set({ key: e.detail.value })} />
      {field('key')}
      <Text className='ops-field__label'>名称</Text>
      <Input className='ops-input ops-exp-form__name' value={form.name} placeholder='如 下单按钮文案' onInput={(e) => set({ name: e.detail.value })} />
      {field('name')}
      <Text className='ops-field__label'>转化事件</Text>
      <View className='ops-chips'>
        {TARGETS.map((t) => (
          <Text key={t} className={`ops-chip ops-exp-form__target ${form.targetEvent === t ? 'ops-chip--on' : ''}`} data-value={t} onClick={() => set({ targetEvent: t })}>
            {EVENT_LABELS[t] ?? t}
          </Text>
        ))}
      </View>
      {field('targetEvent')}
      <Text className='ops-field__label'>方案（第一个为对照）与流量比例</Text>
      {form.variants.map((v, i) => (
        <View key={i} className='ops-exp-form__variant' data-index={String(i)}>
          <Input className='ops-input ops-exp-form__vkey' value={v.key} placeholder='key' onInput={(e) => setVariant(i, { key: e.detail.value })} />
          <Input className='ops-input ops-exp-form__vlabel' value={v.label} placeholder='名称' onInput={(e) => setVariant(i, { label: e.detail.value })} />
          <Input className='ops-input ops-exp-form__vweight' type='number' value={v.weight} onInput={(e) => setVariant(i, { weight: e.detail.value })} />
          {form.variants.length > 2 && (
            <Text className='ops-exp-form__remove' onClick={() => set({ variants: form.variants.filter((_, j) => j !== i) })}>
              删除
            </Text>
          )}
        </View>
      ))}
      {form.variants.length < 5 && (
        <Text className='ops-exp-form__add' onClick={() => set({ variants: [...form.variants, { key: `v${form.variants.length + 1}`, label: '', weight: '50' }] })}>
          + 添加方案
        </Text>
      )}
      {field('variants')}
      {field('form')}
      <View className='ops-exp-form__actions'>
        <Button className='btn-plain' size='mini' onClick={() => setOpen(false)}>
          取消
        </Button>
        <Button className='btn-primary ops-exp-form__save' size='mini' loading={busy} disabled={busy || undefined} onClick={() => void submit()}>
          保存为草稿
        </Button>
      </View>
    </View>
  )
}
