import { useCallback, useEffect, useState } from 'react'
import { Input, Text, View } from '@tarojs/components'
import { SERVICE_STATUS_LABELS, type ServiceStatus } from '@carmall/shared-types'
import { ApiError, getToken } from '../../../api/client'
import { listAdminVehicles, type AdminVehicleRow } from '../../../api/vehicles-admin'
import { ErrorState, LoadingState } from '../../../components/StatusViews'
import { Chips, CButton, ConsoleShell, Forbidden, SignInFirst, useStaffRoles } from '../components/ConsoleShell'
import './console.scss'

const PAGE_SIZE = 20
const SOURCE_LABELS: Record<AdminVehicleRow['source'], string> = { order: '商城交付', staff: '服务登记', dms_claim: '车主添加' }
type StatusFilter = 'all' | ServiceStatus
type State = { status: 'loading' } | { status: 'error'; message: string; forbidden: boolean } | { status: 'ready'; items: AdminVehicleRow[]; total: number }

/**
 * 管理后台 · 车辆 (service staff and admins): owners' cars — found by whole VIN, its last 6 or the
 * owner's whole phone — with their predicted service (due date, odometer, battery health).
 */
export default function ConsoleVehiclesPage() {
  const signedIn = !!getToken()
  const roles = useStaffRoles(signedIn)
  const [q, setQ] = useState('')
  const [applied, setApplied] = useState('')
  const [status, setStatus] = useState<StatusFilter>('all')
  const [page, setPage] = useState(1)
  const [state, setState] = useState<State>({ status: 'loading' })

  const load = useCallback(async (query: string, s: StatusFilter, p: number) => {
    setState({ status: 'loading' })
    try {
      const r = await listAdminVehicles({ ...(query ? { q: query } : {}), ...(s !== 'all' ? { serviceStatus: s } : {}), page: p, pageSize: PAGE_SIZE })
      setState({ status: 'ready', items: r.items, total: r.total })
    } catch (err) {
      setState({ status: 'error', message: err instanceof ApiError ? err.message : '加载失败，请重试', forbidden: err instanceof ApiError && (err.status === 403 || err.status === 401) })
    }
  }, [])
  useEffect(() => {
    if (signedIn) void load(applied, status, page)
  }, [signedIn, applied, status, page, load])

  if (!signedIn) return <SignInFirst />
  const pages = state.status === 'ready' ? Math.max(1, Math.ceil(state.total / PAGE_SIZE)) : 1
  return (
    <View className='console-page'>
      <ConsoleShell active='vehicles' roles={roles}>
        {state.status === 'error' && state.forbidden ? (
          <Forbidden text='车辆查询仅服务人员与管理员可用；如需开通请联系管理员' />
        ) : (
          <View className='console-vehicles'>
            <View className='order-filters'>
              <View className='order-filters__row'>
                <Input className='order-filters__search vehicle-search' value={q} placeholder='完整车架号、车架号后 6 位或车主完整手机号' maxlength={32} onInput={(e) => setQ(e.detail.value)} onConfirm={() => (setPage(1), setApplied(q.trim()))} />
                <CButton className='vehicle-search-go' kind='primary' onClick={() => (setPage(1), setApplied(q.trim()))}>
                  搜索
                </CButton>
              </View>
              <View className='order-filters__row'>
                <Text className='order-filters__label'>保养</Text>
                <Chips
                  className='vehicle-status'
                  options={[{ value: 'all' as StatusFilter, label: '全部' }, ...(['overdue', 'due_soon', 'ok'] as const).map((s) => ({ value: s as StatusFilter, label: SERVICE_STATUS_LABELS[s] }))]}
                  isOn={(v) => v === status}
                  onTap={(v) => (setPage(1), setStatus(v))}
                />
              </View>
            </View>
            {state.status === 'loading' && <LoadingState />}
            {state.status === 'error' && <ErrorState message={state.message} onRetry={() => void load(applied, status, page)} />}
            {state.status === 'ready' && (
              <>
                <Text className='vehicle-total'>共 {state.total} 辆</Text>
                <View className='order-table'>
                  <View className='order-table__inner'>
                    <View className='order-table__head'>
                      <Text className='order-table__th vehicle-row__vin'>车架号</Text>
                      <Text className='order-table__th order-table__th--car'>车型 · 车牌</Text>
                      <Text className='order-table__th'>车主</Text>
                      <Text className='order-table__th'>交付日期 · 来源</Text>
                      <Text className='order-table__th'>保养</Text>
                      <Text className='order-table__th'>里程 · 电池健康</Text>
                    </View>
                    {state.items.map((v) => (
                      <View key={v.id} className='order-row vehicle-row' data-vin={v.vin} data-service={v.service?.status ?? 'none'}>
                        <Text className='order-table__td vehicle-row__vin'>{v.vin}</Text>
                        <Text className='order-table__td order-table__td--car'>
                          {v.modelName}
                          {v.plate ? ` · ${v.plate}` : ''}
                        </Text>
                        <Text className='order-table__td vehicle-row__owner'>
                          {v.owner.name ?? '—'} {v.owner.phone ?? ''}
                        </Text>
                        <Text className='order-table__td'>
                          {v.deliveredOn} · {SOURCE_LABELS[v.source]}
                        </Text>
                        <View className='order-table__td'>
                          {v.service ? (
                            <>
                              <Text className={`vehicle-service vehicle-service--${v.service.status}`}>{SERVICE_STATUS_LABELS[v.service.status]}</Text>
                              <Text className='order-row__since'>预计 {v.service.dueDate}</Text>
                            </>
                          ) : (
                            <Text>—</Text>
                          )}
                        </View>
                        <Text className='order-table__td'>
                          {v.service ? `${v.service.odometerKm.toLocaleString('zh-CN')} 公里${v.service.batterySohPct !== null ? ` · ${v.service.batterySohPct}%` : ''}` : '—'}
                        </Text>
                      </View>
                    ))}
                  </View>
                </View>
                {state.items.length === 0 && <Text className='recon-none'>没有符合条件的车辆</Text>}
                <View className='vehicle-pager'>
                  <CButton className='vehicle-prev' disabled={page <= 1 || undefined} onClick={() => setPage(page - 1)}>
                    上一页
                  </CButton>
                  <Text className='vehicle-page'>
                    {page} / {pages}
                  </Text>
                  <CButton className='vehicle-next' disabled={page >= pages || undefined} onClick={() => setPage(page + 1)}>
                    下一页
                  </CButton>
                </View>
              </>
            )}
          </View>
        )}
      </ConsoleShell>
    </View>
  )
}
