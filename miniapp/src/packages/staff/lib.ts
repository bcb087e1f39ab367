import { useEffect, useState } from 'react'
import { getToken } from '../../api/client'
import { getMe } from '../../api/me'
import { isStaff } from '../../api/staff'

export type Access = 'checking' | 'login' | 'denied' | 'ok'

/** Whether the signed-in user may use the staff console (the BFF checks the role again on every call). */
export function useStaffAccess(): Access {
  const [access, setAccess] = useState<Access>(getToken() ? 'checking' : 'login')
  useEffect(() => {
    if (!getToken()) return
    getMe()
      .then((me) => setAccess(isStaff(me.roles) ? 'ok' : 'denied'))
      .catch(() => setAccess('login'))
  }, [])
  return access
}

export const CAMPAIGN_STATUS: Record<string, string> = { building: '生成名单中', sending: '发送中', done: '已完成' }

/** The segment form's text fields → the BFF's segment (empty = no condition). */
export function segmentOf(form: { modelCodes: string[]; dueWithinDays: string; batterySohBelow: string }) {
  const seg: { modelCodes?: string[]; dueWithinDays?: number; batterySohBelow?: number } = {}
  if (form.modelCodes.length) seg.modelCodes = form.modelCodes
  const due = form.dueWithinDays.trim()
  if (due !== '') seg.dueWithinDays = Number(due)
  const soh = form.batterySohBelow.trim()
  if (soh !== '') seg.batterySohBelow = Number(soh)
  return seg
}

/** Chinese problems with the form, empty when it can be sent. */
export function formProblems(form: { dueWithinDays: string; batterySohBelow: string; title: string; body: string }): string[] {
  const p: string[] = []
  const due = form.dueWithinDays.trim()
  if (due !== '' && !(/^\d+$/.test(due) && Number(due) <= 365)) p.push('保养到期天数应为 0–365 的整数')
  const soh = form.batterySohBelow.trim()
  if (soh !== '' && !(/^\d+(\.\d+)?$/.test(soh) && Number(soh) > 0 && Number(soh) <= 100)) p.push('电池健康度应为 1–100')
  if (!form.title.trim()) p.push('请填写标题')
  else if (form.title.trim().length > 20) p.push('标题最多 20 个字（微信订阅消息限制）')
  if (!form.body.trim()) p.push('请填写内容')
  return p
}
