/**
 * The ops console's 新建实验 form: what is wrong with it (in Chinese, per field) and the request it
 * becomes. The rules are the BFF's (shared patterns; 2-5 variants, weights 1-100, unique keys). Pure.
 */
import { EVENT_NAME_PATTERN, EXPERIMENT_KEY_PATTERN, VARIANT_KEY_PATTERN } from '@carmall/shared-types'

export interface ExperimentFormVariant {
  key: string
  label: string
  weight: string
}

export interface ExperimentForm {
  key: string
  name: string
  description: string
  targetEvent: string
  variants: ExperimentFormVariant[]
}

export interface CreateExperimentRequest {
  key: string
  name: string
  description?: string
  targetEvent: string
  variants: { key: string; label?: string; weight: number }[]
}

export type ExperimentField = 'key' | 'name' | 'targetEvent' | 'variants' | 'form'

/** A new form: the control and one variant, half each, converting on 点击下定. */
export const emptyExperimentForm = (): ExperimentForm => ({
  key: '',
  name: '',
  description: '',
  targetEvent: 'start_checkout',
  variants: [
    { key: 'control', label: '对照', weight: '50' },
    { key: 'b', label: '', weight: '50' },
  ],
})

export function validateExperiment(f: ExperimentForm): { errors: Partial<Record<ExperimentField, string>>; request: CreateExperimentRequest | null } {
  const errors: Partial<Record<ExperimentField, string>> = {}
  if (!EXPERIMENT_KEY_PATTERN.test(f.key.trim())) errors.key = '实验 key 为小写字母开头的 3-41 位小写字母、数字或连字符'
  if (!f.name.trim() || f.name.trim().length > 60) errors.name = '请填写实验名称（60 字以内）'
  if (!EVENT_NAME_PATTERN.test(f.targetEvent)) errors.targetEvent = '请选择转化事件'
  const variants = f.variants.map((v) => ({ key: v.key.trim(), label: v.label.trim(), weight: Number(v.weight) }))
  if (variants.length < 2 || variants.length > 5) errors.variants = '需要 2-5 个方案'
  else if (variants.some((v) => !VARIANT_KEY_PATTERN.test(v.key))) errors.variants = '方案 key 为小写字母开头的字母、数字、下划线或连字符'
  else if (new Set(variants.map((v) => v.key)).size !== variants.length) errors.variants = '方案 key 不能重复'
  else if (variants.some((v) => !Number.isInteger(v.weight) || v.weight < 1 || v.weight > 100)) errors.variants = '流量比例为 1-100 的整数'
  else if (variants.some((v) => v.label.length > 30)) errors.variants = '方案名称最多 30 字'
  if (Object.keys(errors).length > 0) return { errors, request: null }
  return {
    errors,
    request: {
      key: f.key.trim(),
      name: f.name.trim(),
      ...(f.description.trim() ? { description: f.description.trim() } : {}),
      targetEvent: f.targetEvent,
      variants: variants.map((v) => ({ key: v.key, weight: v.weight, ...(v.label ? { label: v.label } : {}) })),
    },
  }
}
