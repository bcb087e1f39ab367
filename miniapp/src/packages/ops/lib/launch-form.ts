/**
 * The 首发抢购 scheduling form of the ops console: what is wrong with it (in Chinese, per field),
 * Shanghai wall time → ISO UTC, the request it becomes, and where a server refusal belongs. Pure.
 */
import { LAUNCH_CODE_RE } from '@carmall/shared-types'
import { ApiError } from '../../../api/client'
import type { ScheduleLaunchRequest } from '../../../api/launches'

export type LaunchField = 'code' | 'title' | 'modelCode' | 'startsAt' | 'endsAt' | 'admitPerSecond' | 'admissionMinutes' | 'preQueueMinutes' | 'variants' | 'form'

export interface LaunchForm {
  code: string
  title: string
  modelCode: string
  /** Shanghai wall time: YYYY-MM-DD and HH:mm (or HH:mm:ss). */
  startDate: string
  startTime: string
  /** Optional end, same format; both blank = no end. */
  endDate: string
  endTime: string
  admitPerSecond: string
  admissionMinutes: string
  /** Early joining: buyers may queue this many minutes before the open (blank or 0: none). */
  preQueueMinutes: string
  /** Stock per `trimCode/paintCode`; blank or 0 = not in the launch. */
  stock: Record<string, string>
}

export type FieldErrors = Partial<Record<LaunchField, string>>

const SHANGHAI_OFFSET_MS = 8 * 3600_000

/** `2026-12-08` + `20:00[:30]` in Asia/Shanghai → epoch ms; null when not a real date and time. */
export function shanghaiToEpoch(date: string, time: string): number | null {
  const d = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(date.trim())
  const t = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(time.trim())
  if (!d || !t) return null
  const [y, mo, day, h, mi, s] = [Number(d[1]), Number(d[2]), Number(d[3]), Number(t[1]), Number(t[2]), Number(t[3] ?? 0)]
  if (mo < 1 || mo > 12 || day < 1 || day > 31 || h > 23 || mi > 59 || s > 59) return null
  const utc = Date.UTC(y, mo - 1, day, h, mi, s)
  const check = new Date(utc)
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== day) return null // 2月30日
  return utc - SHANGHAI_OFFSET_MS
}

const isInt = (s: string) => /^\d+$/.test(s.trim())

/** The variants with a stock, as the BFF takes them. */
export function variantsOf(stock: Record<string, string>): ScheduleLaunchRequest['variants'] {
  return Object.entries(stock)
    .filter(([, v]) => v.trim() !== '' && Number(v) > 0)
    .map(([key, v]) => {
      const [trimCode, paintCode] = key.split('/')
      return { trimCode, paintCode, stock: Number(v) }
    })
}

/** Problems per field (empty: the form can be sent). `now` is epoch ms. */
export function launchFormProblems(f: LaunchForm, now: number): FieldErrors {
  const e: FieldErrors = {}
  if (!LAUNCH_CODE_RE.test(f.code.trim())) e.code = '活动编号为 3-40 位小写字母、数字或连字符，且以字母或数字开头'
  const title = f.title.trim()
  if (title.length < 2 || title.length > 40) e.title = '活动名称为 2-40 个字'
  if (!f.modelCode) e.modelCode = '请选择车型'
  const start = shanghaiToEpoch(f.startDate, f.startTime)
  if (start === null) e.startsAt = '请填写开售日期（如 2026-12-08）和时间（如 20:00）'
  else if (start <= now) e.startsAt = '开售时间须晚于当前时间'
  if (f.endDate.trim() || f.endTime.trim()) {
    const end = shanghaiToEpoch(f.endDate, f.endTime)
    if (end === null) e.endsAt = '结束时间格式不正确（如 2026-12-08 与 22:00），不设结束请留空'
    else if (start !== null && end <= start) e.endsAt = '结束时间须晚于开售时间'
  }
  if (!isInt(f.admitPerSecond) || Number(f.admitPerSecond) < 1 || Number(f.admitPerSecond) > 10_000) e.admitPerSecond = '每秒放行人数为 1-10,000 的整数'
  if (!isInt(f.admissionMinutes) || Number(f.admissionMinutes) < 1 || Number(f.admissionMinutes) > 60) e.admissionMinutes = '下单时限为 1-60 分钟的整数'
  const pre = f.preQueueMinutes.trim()
  if (pre !== '' && (!isInt(pre) || Number(pre) > 1440)) e.preQueueMinutes = '提前排队为 0-1,440 分钟的整数，不设请留空'
  const bad = Object.values(f.stock).some((v) => v.trim() !== '' && (!isInt(v) || Number(v) > 1_000_000))
  const variants = variantsOf(f.stock)
  if (bad) e.variants = '库存为 0-1,000,000 的整数'
  else if (variants.length === 0) e.variants = '请至少为一个版本与颜色填写库存'
  else if (variants.length > 20) e.variants = '一场活动最多 20 个版本与颜色'
  return e
}

/** The request for a valid form. */
export function launchRequestOf(f: LaunchForm): ScheduleLaunchRequest {
  const start = shanghaiToEpoch(f.startDate, f.startTime)!
  const end = f.endDate.trim() || f.endTime.trim() ? shanghaiToEpoch(f.endDate, f.endTime) : null
  return {
    code: f.code.trim(),
    title: f.title.trim(),
    modelCode: f.modelCode,
    startsAt: new Date(start).toISOString(),
    ...(end !== null ? { endsAt: new Date(end).toISOString() } : {}),
    admitPerSecond: Number(f.admitPerSecond),
    admissionSeconds: Number(f.admissionMinutes) * 60,
    ...(Number(f.preQueueMinutes.trim() || 0) > 0 ? { preQueueSeconds: Number(f.preQueueMinutes) * 60 } : {}),
    variants: variantsOf(f.stock),
  }
}

const FIELD_OF_PATH: Record<string, LaunchField> = {
  code: 'code',
  title: 'title',
  modelCode: 'modelCode',
  startsAt: 'startsAt',
  endsAt: 'endsAt',
  admitPerSecond: 'admitPerSecond',
  admitBurst: 'admitPerSecond',
  admissionSeconds: 'admissionMinutes',
  preQueueSeconds: 'preQueueMinutes',
  variants: 'variants',
}

/** Where a refusal of `POST /admin/launches` is shown: beside its field, or above the form. */
export function serverFieldErrors(err: unknown): FieldErrors {
  if (!(err instanceof ApiError)) return { form: '提交失败，请检查网络后重试' }
  const d = err.details as unknown
  if (err.code === 'VALIDATION_FAILED') {
    if (Array.isArray(d) && d.length) {
      const out: FieldErrors = {}
      for (const issue of d as { path?: string; message?: string }[]) {
        const field = FIELD_OF_PATH[String(issue.path ?? '').split('.')[0]] ?? 'form'
        out[field] ??= field === 'form' ? `${err.message}：${issue.message ?? ''}` : issue.message || err.message
      }
      return out
    }
    const field = (d as { field?: string } | null)?.field
    if (field && FIELD_OF_PATH[field]) return { [FIELD_OF_PATH[field]]: err.message }
    if (d && typeof d === 'object' && 'trimCode' in d) return { variants: err.message }
    return { form: err.message }
  }
  if (err.code === 'CONFLICT') {
    if (d && typeof d === 'object' && 'launchCode' in d) return { variants: err.message }
    return { code: err.message || '活动编号已存在' }
  }
  // The configurator's codes (unknown trim or paint, a paint not on that trim) and stock records.
  if (err.status === 422 || err.code === 'UNKNOWN_TRIM' || err.code === 'NOT_FOUND') return { variants: err.message }
  if (err.status === 401 || err.status === 403) return { form: '仅运营人员可创建首发活动' }
  return { form: err.message }
}
