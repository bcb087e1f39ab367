import { useCallback, useEffect, useState } from 'react'
import { Text, View } from '@tarojs/components'
import { formatDateTimeCN } from '@carmall/shared-types'
import { ApiError, getToken } from '../../../api/client'
import { catalogAudit, type CatalogAuditEntry } from '../../../api/console'
import { getMe } from '../../../api/me'
import { ErrorState, LoadingState } from '../../../components/StatusViews'
import { ConsoleShell, Forbidden } from '../components/ConsoleShell'
import { shortId } from '../lib/timeline'
import './console.scss'

const ACTIONS: Record<string, string> = { 'trim.prices': '版本价格', 'option.update': '选装项' }

/**
 * 管理后台 · 商品目录 (operators and admins): for now the catalog's change log; editing prices and
 * options here is the console's next slice (the BFF routes exist: PUT …/prices, PATCH …/options).
 * Anyone else gets the BFF's 403, shown as 无权限.
 */
export default function ConsoleCatalogPage() {
  const [roles, setRoles] = useState<string[] | undefined>(undefined)
  const [state, setState] = useState<{ status: 'loading' } | { status: 'error'; message: string; forbidden: boolean } | { status: 'ready'; items: CatalogAuditEntry[] }>({ status: 'loading' })
  const load = useCallback(async () => {
    setState({ status: 'loading' })
    try {
      setState({ status: 'ready', items: (await catalogAudit()).items })
    } catch (err) {
      setState({ status: 'error', message: err instanceof ApiError ? err.message : '加载失败，请重试', forbidden: err instanceof ApiError && (err.status === 403 || err.status === 401) })
    }
  }, [])
  useEffect(() => {
    if (!getToken()) {
      setState({ status: 'error', message: '请先登录', forbidden: true })
      return
    }
    getMe().then(
      (me) => setRoles(me.roles),
      () => setRoles([]),
    )
    void load()
  }, [load])

  return (
    <View className='console-page'>
      <ConsoleShell active='catalog' roles={roles}>
        {state.status === 'loading' && <LoadingState />}
        {state.status === 'error' && (state.forbidden ? <Forbidden text='商品目录仅运营与管理员可用' /> : <ErrorState message={state.message} onRetry={() => void load()} />)}
        {state.status === 'ready' && (
          <View className='console-catalog'>
            <Text className='console-catalog__title'>商品目录 · 变更记录</Text>
            <Text className='console-catalog__hint'>价格与选装项的编辑将在后台下一步上线；这里是目录的每一次修改（谁、何时、改了什么）。</Text>
            {state.items.length === 0 && <Text className='console-catalog__empty'>暂无变更</Text>}
            {state.items.map((a) => (
              <View key={a.id} className='catalog-audit'>
                <Text className='catalog-audit__at'>{formatDateTimeCN(a.at)}</Text>
                <Text className='catalog-audit__what'>
                  {a.modelCode} · {ACTIONS[a.action] ?? a.action} · {a.target}
                </Text>
                <Text className='catalog-audit__who'>
                  {shortId(a.actorId)}
                  {a.note ? ` · ${a.note}` : ''}
                </Text>
              </View>
            ))}
          </View>
        )}
      </ConsoleShell>
    </View>
  )
}
