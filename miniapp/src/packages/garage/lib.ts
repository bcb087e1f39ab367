import { useCallback, useEffect, useState } from 'react'
import { useDidShow } from '@tarojs/taro'
import { VIN_LENGTH, formatKm, normalizePlate, validatePlate, validateVin } from '@carmall/shared-types'
import { ApiError, getToken } from '../../api/client'

export const errorText = (err: unknown, fallback = '加载失败，请稍后重试') => (err instanceof ApiError ? err.message : fallback)

/** "12,345 公里", the unit the health reasons beside it use (formatKm: no Intl on mini-program runtimes). */
export const km = (n: number) => `${formatKm(n)} 公里`

/**
 * The odometer line. Before the car's first usage report the reading is the one it was registered
 * with; a new car's 0 is no reading at all (the estimates beside it then assume a typical pace).
 */
export const odometerText = (v: { odometerKm: number; lastReportAt: string | null }) =>
  v.lastReportAt ? `里程 ${km(v.odometerKm)}` : v.odometerKm > 0 ? `里程 ${km(v.odometerKm)}（登记时）` : '里程暂无上报'


export const SERVICE_STATUS: Record<string, { text: string; tone: 'ok' | 'warn' | 'bad' }> = {
  ok: { text: '正常', tone: 'ok' },
  due_soon: { text: '即将到期', tone: 'warn' },
  overdue: { text: '已到期', tone: 'bad' },
}
export const TYRE_STATUS: Record<string, { text: string; tone: 'ok' | 'warn' | 'bad' }> = {
  ok: { text: '良好', tone: 'ok' },
  watch: { text: '需留意', tone: 'warn' },
  replace: { text: '建议更换', tone: 'bad' },
}
export const BATTERY_STATUS: Record<string, { text: string; tone: 'ok' | 'warn' | 'bad' }> = {
  good: { text: '健康', tone: 'ok' },
  watch: { text: '需留意', tone: 'warn' },
  service: { text: '建议检测', tone: 'bad' },
}

/** "LYS…1234": enough of the VIN to tell cars apart. */
export const vinTail = (vin: string) => `${vin.slice(0, 3)}…${vin.slice(-4)}`

const WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六']
/** "今天" / "明天" / "12月1日 周二" for a Shanghai date; `today` is the Shanghai date of now. */
export function dayLabel(date: string, today: string): string {
  const [y, m, d] = date.split('-').map(Number)
  const diff = Math.round((Date.UTC(y, m - 1, d) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000)
  if (diff === 0) return '今天'
  if (diff === 1) return '明天'
  return `${m}月${d}日 周${WEEKDAYS[new Date(Date.UTC(y, m - 1, d)).getUTCDay()]}`
}

export type Loaded<T> = { status: 'loading' } | { status: 'login' } | { status: 'error'; message: string } | { status: 'ready'; data: T }

/**
 * Data of a signed-in page: loads on mount and whenever the page is shown again; `login` without a
 * token or on 401. Returns the state, a reload, and an updater for the loaded data.
 */
export function useSignedInData<T>(fetch: () => Promise<T>) {
  const [state, setState] = useState<Loaded<T>>({ status: 'loading' })
  const load = useCallback(async () => {
    if (!getToken()) return setState({ status: 'login' })
    try {
      const data = await fetch()
      setState({ status: 'ready', data })
    } catch (err) {
      setState(err instanceof ApiError && err.status === 401 ? { status: 'login' } : { status: 'error', message: errorText(err) })
    }
  }, [fetch])
  useEffect(() => {
    void load()
  }, [load])
  useDidShow(() => {
    void load()
  })
  const update = useCallback((f: (data: T) => T) => setState((s) => (s.status === 'ready' ? { status: 'ready', data: f(s.data) } : s)), [])
  return [state, load, update] as const
}

/** What the VIN field says under it as the buyer types: nothing yet, how many are left, what is wrong, or that it checks out. */
export type FieldHint = { tone: 'none' | 'info' | 'error' | 'ok'; text: string }

export function vinInputHint(raw: string): FieldHint {
  const check = validateVin(raw)
  if (check.ok) return { tone: 'ok', text: '车架号校验通过' }
  const p = check.problem
  if (p.reason === 'EMPTY') return { tone: 'none', text: '' }
  // Still typing: only say how many are left (a wrong letter is said at once, above).
  if (p.reason === 'LENGTH' && p.length < VIN_LENGTH) return { tone: 'info', text: `还差 ${VIN_LENGTH - p.length} 位` }
  return { tone: 'error', text: check.message }
}

/** The optional plate: nothing while empty or still short, else what is wrong. */
export function plateInputHint(raw: string): FieldHint {
  const plate = normalizePlate(raw)
  if (plate === '') return { tone: 'none', text: '' }
  const check = validatePlate(plate)
  if (check.ok) return { tone: 'ok', text: check.kind === 'new_energy' ? '新能源车牌' : '' }
  return Array.from(plate).length < 7 ? { tone: 'none', text: '' } : { tone: 'error', text: check.message }
}

