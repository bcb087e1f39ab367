import { useCallback, useEffect, useMemo, useState } from 'react'
import { Text, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { BULK_ORDER_ACTIONS, hasAnyRole, ORDER_EXPORT_ROLES, STAFF_ACTION_RULES, type AdminOrderSort, type BulkOrderAction } from '@carmall/shared-types'
import type { AdminOrderRow } from '@carmall/shared-types/schemas'
import { ApiError, getToken } from '../../../api/client'
import { listModels } from '../../../api/catalog'
import { canDownloadCsv, downloadOrdersCsv, listAdminOrders } from '../../../api/console'
import { ErrorState, LoadingState } from '../../../components/StatusViews'
import { BulkDialog } from '../components/BulkDialog'
import { CButton, ConsoleShell, Forbidden, SignInFirst, useStaffRoles } from '../components/ConsoleShell'
import { OrderFilters } from '../components/OrderFilters'
import { OrderPanel } from '../components/OrderPanel'
import { OrderTable } from '../components/OrderTable'
import { splitForBulk } from '../lib/actions'
import { EMPTY_FILTERS, filterProblems, pageCount, queryOf, toggleSort, type OrderFilterForm } from '../lib/filters'
import './console.scss'

const PAGE_SIZE = 20
type ListState = { status: 'loading' } | { status: 'error'; message: string; forbidden: boolean } | { status: 'ready'; items: AdminOrderRow[]; total: number; searchText: string | null }
/** Chip filters apply at once; typed ones (search, dates, advisor) on 搜索. */
const chipsChanged = (a: OrderFilterForm, b: OrderFilterForm) =>
  a.states.join() !== b.states.join() || a.modelCode !== b.modelCode || a.centre !== b.centre || a.city !== b.city || a.overdue !== b.overdue

/** 管理后台 · 订单: find orders (search, filters, sort, pages), open one beside the table, act on one or a batch. */
export default function ConsoleOrdersPage() {
  const { params } = useRouter()
  const signedIn = !!getToken()
  const roles = useStaffRoles(signedIn)
  const [models, setModels] = useState<{ code: string; name: string }[]>([])
  const [form, setForm] = useState<OrderFilterForm>(EMPTY_FILTERS)
  const [applied, setApplied] = useState<OrderFilterForm>(EMPTY_FILTERS)
  const [problems, setProblems] = useState<string[]>([])
  const [sort, setSort] = useState<AdminOrderSort>('-createdAt')
  const [page, setPage] = useState(1)
  const [list, setList] = useState<ListState>({ status: 'loading' })
  const [selected, setSelected] = useState<Set<string>>(new Set())
  const [openOrderNo, setOpenOrderNo] = useState<string | null>(params?.orderNo ?? null)
  const [bulk, setBulk] = useState<BulkOrderAction | null>(null)
  const [exporting, setExporting] = useState(false)

  useEffect(() => {
    if (!signedIn) return
    listModels({ pageSize: 50 }).then(
      (r) => setModels(r.items.map((m) => ({ code: m.code, name: m.name }))),
      () => setModels([]),
    )
  }, [signedIn])

  const load = useCallback(async () => {
    setList({ status: 'loading' })
    try {
      const r = await listAdminOrders(queryOf(applied, sort, page, PAGE_SIZE))
      setList({ status: 'ready', items: r.items, total: r.total, searchText: r.search?.text ?? null })
      setSelected((s) => new Set([...s].filter((no) => r.items.some((i) => i.orderNo === no))))
    } catch (err) {
      setList({ status: 'error', message: err instanceof ApiError ? err.message : '加载失败，请重试', forbidden: err instanceof ApiError && err.status === 403 })
    }
  }, [applied, sort, page])
  useEffect(() => {
    if (signedIn) void load()
  }, [load, signedIn])

  const apply = (f: OrderFilterForm) => {
    const p = filterProblems(f)
    setProblems(p)
    if (p.length) return
    setApplied(f)
    setPage(1)
  }
  const rows = list.status === 'ready' ? list.items : []
  const selectedRows = useMemo(() => rows.filter((r) => selected.has(r.orderNo)), [rows, selected])

  if (!signedIn) {
    return <SignInFirst />
  }

  const onExport = async () => {
    setExporting(true)
    try {
      const r = await downloadOrdersCsv(queryOf(applied, sort))
      Taro.showToast({ title: r.truncated ? `已导出前 5,000 单（共 ${r.rows ?? '?'} 单）` : `已导出 ${r.rows ?? ''} 单`, icon: 'none' })
    } catch (err) {
      Taro.showToast({ title: err instanceof ApiError ? err.message : '导出失败', icon: 'none' })
    } finally {
      setExporting(false)
    }
  }

  return (
    <View className='console-page'>
      <ConsoleShell active='orders' roles={roles}>
        {list.status === 'error' && list.forbidden ? (
          <Forbidden text='订单后台仅服务、运营与管理员可用；如需开通请联系管理员' />
        ) : (
          <View className='console-orders'>
            <View className='console-orders__list'>
              <OrderFilters
                form={form}
                models={models}
                problems={problems}
                onChange={(f) => {
                  setForm(f)
                  if (chipsChanged(f, form)) apply(f)
                }}
                onSearch={() => apply(form)}
                onReset={() => {
                  setForm(EMPTY_FILTERS)
                  apply(EMPTY_FILTERS)
                }}
                exportButton={hasAnyRole(roles, ORDER_EXPORT_ROLES) && canDownloadCsv() ? { busy: exporting, onClick: () => void onExport() } : undefined}
              />
              {selectedRows.length > 0 && (
                <View className='bulk-bar'>
                  <Text className='bulk-bar__count'>已选 {selectedRows.length} 单</Text>
                  {BULK_ORDER_ACTIONS.map((a) => (
                    <CButton key={a} className={`bulk-bar__action bulk-bar__action--${a}`} disabled={(splitForBulk(selectedRows, a).eligible.length === 0) || undefined} onClick={() => setBulk(a)}>
                      批量{STAFF_ACTION_RULES[a].label}（{splitForBulk(selectedRows, a).eligible.length}）
                    </CButton>
                  ))}
                  <CButton className='bulk-bar__clear' onClick={() => setSelected(new Set())}>
                    清除选择
                  </CButton>
                </View>
              )}
              {list.status === 'loading' && <LoadingState />}
              {list.status === 'error' && <ErrorState message={list.message} onRetry={() => void load()} />}
              {list.status === 'ready' && (
                <>
                  <Text className='console-orders__count'>
                    共 {list.total.toLocaleString('en-US')} 单{list.searchText ? `（搜索：${list.searchText}）` : ''}
                  </Text>
                  {list.items.length === 0 ? (
                    <Text className='console-orders__empty'>没有符合条件的订单</Text>
                  ) : (
                    <OrderTable
                      rows={list.items}
                      sort={sort}
                      selected={selected}
                      openOrderNo={openOrderNo}
                      onSort={(c) => {
                        setSort(toggleSort(sort, c))
                        setPage(1)
                      }}
                      onToggle={(no) => setSelected((s) => (s.has(no) ? new Set([...s].filter((x) => x !== no)) : new Set([...s, no])))}
                      onToggleAll={() => setSelected((s) => (list.items.every((i) => s.has(i.orderNo)) ? new Set() : new Set(list.items.map((i) => i.orderNo))))}
                      onOpen={setOpenOrderNo}
                      onAdvisor={(id) => {
                        const f = { ...form, advisor: id }
                        setForm(f)
                        apply(f)
                      }}
                    />
                  )}
                  <View className='console-pager'>
                    <CButton className='console-pager__prev' disabled={(page <= 1) || undefined} onClick={() => setPage(page - 1)}>
                      上一页
                    </CButton>
                    <Text className='console-pager__text'>
                      第 {page} / {pageCount(list.total, PAGE_SIZE)} 页
                    </Text>
                    <CButton className='console-pager__next' disabled={(page >= pageCount(list.total, PAGE_SIZE)) || undefined} onClick={() => setPage(page + 1)}>
                      下一页
                    </CButton>
                  </View>
                </>
              )}
            </View>
            {openOrderNo && <OrderPanel key={openOrderNo} orderNo={openOrderNo} onClose={() => setOpenOrderNo(null)} onChanged={() => void load()} />}
          </View>
        )}
      </ConsoleShell>
      {bulk && (
        <BulkDialog
          action={bulk}
          rows={selectedRows}
          onClose={(changed) => {
            setBulk(null)
            if (changed) {
              setSelected(new Set())
              void load()
            }
          }}
        />
      )}
    </View>
  )
}
