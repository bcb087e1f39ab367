import { ApiError } from '../../api/client'

export const DAY_MS = 86_400_000
const WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六']

export const errorText = (err: unknown, fallback = '加载失败，请稍后重试') => (err instanceof ApiError ? err.message : fallback)

/** "今天" / "明天" / "12月1日 周二" for a Shanghai date "YYYY-MM-DD" (index 0 = today). */
export function dayLabel(date: string, index: number): string {
  if (index === 0) return '今天'
  if (index === 1) return '明天'
  const [y, m, d] = date.split('-').map(Number)
  return `${m}月${d}日 周${WEEKDAYS[new Date(Date.UTC(y, m - 1, d)).getUTCDay()]}`
}
