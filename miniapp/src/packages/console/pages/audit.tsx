import { useCallback, useEffect, useState } from 'react'
import { Input, Text, View } from '@tarojs/components'
import { formatDateTimeCN } from '@carmall/shared-types'
import { ApiError, getToken } from '../../../api/client'
import { listAudit, type AuditPage } from '../../../api/audit'
import { ErrorState, LoadingState } from '../../../components/StatusViews'
import { CButton, ConsoleShell, Forbidden, SignInFirst, useStaffRoles } from '../components/ConsoleShell'
import { readable } from '../lib/audit'
import { rolesText } from '../lib/menu'
import './console.scss'

const PAGE_SIZE = 20
type Filters = { actorId: string; targetId: string; action: string }
type State = { status: 'loading' } | { status: 'error'; message: string; forbidden: boolean } | { status: 'ready'; data: AuditPage }

/** 管理后台 · 审计日志 (admins): what staff did, newest first, by actor, target or action; before → after shown as lines. */
export default function ConsoleAuditPage() {
  const signedIn = !!getToken()
  const roles = useStaffRoles(signedIn)
  const [draft, setDraft] = useState<Filters>({ actorId: '', targetId: '', action: '' })
  const [query, setQuery] = useState<Filters & { page: number }>({ actorId: '', targetId: '', action: '', page: 1 })
  const [state, setState] = useState<State>({ status: 'loading' })
  const load = useCallback(async (q: Filters & { page: number }) => {
    setState({ status: 'loading' })
    try {
      const trimmed = Object.fromEntries(Object.entries(q).filter(([, v]) => v !== '').map(([k, v]) => [k, typeof v === 'string' ? v.trim() : v]))
      setState({ status: 'ready', data: await listAudit({ ...trimmed, pageSize: PAGE_SIZE }) })
    } catch (err) {
      setState({ status: 'error', message: err instanceof ApiError ? err.message : '加载失败，请重试', forbidden: err instanceof ApiError && (err.status === 403 || err.status === 401) })
    }
  }, [])
  useEffect(() => {
    if (signedIn) void load(query)
  }, [signedIn, query, load])

  if (!signedIn) return <SignInFirst />
  const field = (key: keyof Filters, label: string, placeholder: string) => (
    <View className='order-filters__row'>
      <Text className='order-filters__label'>{label}</Text>
      <Input className={`audit-filter audit-filter--${key}`} value={draft[key]} placeholder={placeholder} maxlength={64} onInput={(e) => setDraft({ ...draft, [key]: e.detail.value })} />
    </View>
  )
  return (
    <View className='console-page'>
      <ConsoleShell active='audit' roles={roles}>
        {state.status === 'error' && state.forbidden ? (
          <Forbidden text='审计日志仅管理员可查看' />
        ) : (
          <View className='console-audit'>
            <View className='order-filters'>
              {field('actorId', '操作人 ID', '24 位用户 ID')}
              {field('targetId', '对象 ID', '如订单号、库存键、用户 ID')}
              {field('action', '操作', '如 order.allocate、user.roles.set')}
              <CButton className='audit-go' kind='primary' onClick={() => setQuery({ ...draft, page: 1 })}>
                查询
              </CButton>
            </View>
            {state.status === 'loading' && <LoadingState />}
            {state.status === 'error' && <ErrorState message={state.message} onRetry={() => void load(query)} />}
            {state.status === 'ready' && (
              <View className='console-catalog audit-list'>
                <Text className='audit-total'>共 {state.data.total.toLocaleString('en-US')} 条</Text>
                {state.data.items.length === 0 && <Text className='catalog-section__hint'>没有符合条件的记录</Text>}
                {state.data.items.map((e) => (
                  <View key={e.id} className='audit-entry' data-action={e.action} data-target={e.targetId}>
                    <Text className='audit-entry__head'>
                      {formatDateTimeCN(e.at)} · {e.action} · {e.targetType} {e.targetId}
                    </Text>
                    <Text className='audit-entry__who'>
                      操作人 {e.actorId}（{rolesText(e.actorRoles) || '—'}）{e.reason ? ` · 原因：${e.reason}` : ''}
                    </Text>
                    <View className='audit-entry__diff'>
                      <View className='audit-entry__side audit-entry__before'>
                        <Text className='audit-entry__label'>变更前</Text>
                        {readable(e.before).map((l) => (
                          <Text key={l}>{l}</Text>
                        ))}
                      </View>
                      <View className='audit-entry__side audit-entry__after'>
                        <Text className='audit-entry__label'>变更后</Text>
                        {readable(e.after).map((l) => (
                          <Text key={l}>{l}</Text>
                        ))}
                      </View>
                    </View>
                  </View>
                ))}
                <View className='audit-paging'>
                  <CButton className='audit-prev' disabled={query.page <= 1 || undefined} onClick={() => setQuery({ ...query, page: query.page - 1 })}>
                    上一页
                  </CButton>
                  <Text className='audit-page'>第 {query.page} 页</Text>
                  <CButton className='audit-next' disabled={query.page * PAGE_SIZE >= state.data.total || undefined} onClick={() => setQuery({ ...query, page: query.page + 1 })}>
                    下一页
                  </CButton>
                </View>
              </View>
            )}
          </View>
        )}
      </ConsoleShell>
    </View>
  )
}
