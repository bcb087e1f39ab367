import { useCallback, useEffect, useRef, useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro, { useDidShow } from '@tarojs/taro'
import { formatDateCN, formatFen } from '@carmall/shared-types'
import { ApiError, getToken } from '../../api/client'
import { deleteMyConfiguration, listMyConfigurations, savedConfigPath } from '../../api/configurations'
import { EmptyState, ErrorState, LoadingState } from '../../components/StatusViews'
import { ShareConfigButton } from '../../components/SalesEntries'
import { forgetSavedConfig, readLocalSavedConfigs } from '../../state/savedConfigs'
import './index.scss'

/** One row of the list, from the server (signed in) or from this device's list (anonymous). */
export interface SavedRow {
  shortId: string
  modelName: string
  trimName: string
  totalFen: number
  createdAt: string
  /** Only known for server rows: the same choices priced now. */
  current?: { valid: boolean; totalFen: number | null; reason: string | null }
}

type State = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; rows: SavedRow[] }

/**
 * 我的配置: the signed-in buyer's saved configurations (`GET /me/configurations`), or, without a
 * session (H5 cannot sign in), the ones saved on this device (storage 'carmall.savedConfigs').
 */
export default function MyConfigsPage() {
  const [state, setState] = useState<State>({ status: 'loading' })
  const [loggedIn, setLoggedIn] = useState(() => !!getToken())
  const shown = useRef(false)

  const load = useCallback(async () => {
    const signedIn = !!getToken()
    setLoggedIn(signedIn)
    if (!signedIn) {
      setState({ status: 'ready', rows: readLocalSavedConfigs() })
      return
    }
    setState({ status: 'loading' })
    try {
      const { items } = await listMyConfigurations()
      setState({
        status: 'ready',
        rows: items.map((s) => ({
          shortId: s.shortId,
          modelName: s.modelName,
          trimName: s.trimName,
          totalFen: s.config.totalFen,
          createdAt: s.createdAt,
          current: s.current,
        })),
      })
    } catch (err) {
      setState({ status: 'error', message: err instanceof ApiError ? err.message : '加载失败，请稍后重试' })
    }
  }, [])

  useEffect(() => {
    load()
  }, [load])
  // Coming back from the configurator: a new save may be there. (The first show is the mount above.)
  useDidShow(() => {
    if (shown.current) load()
    shown.current = true
  })

  const onOpen = (shortId: string) => Taro.navigateTo({ url: savedConfigPath(shortId) })

  const onDelete = async (shortId: string) => {
    const { confirm } = await Taro.showModal({ title: '删除配置', content: `确定删除配置 ${shortId}？` })
    if (!confirm) return
    try {
      if (loggedIn) await deleteMyConfiguration(shortId)
      forgetSavedConfig(shortId)
      setState((s) => (s.status === 'ready' ? { ...s, rows: s.rows.filter((r) => r.shortId !== shortId) } : s))
      Taro.showToast({ title: '已删除', icon: 'success' })
    } catch (err) {
      Taro.showToast({ title: err instanceof ApiError ? err.message : '删除失败', icon: 'none' })
    }
  }

  return (
    <View className='page my-configs-page'>
      {!loggedIn && <Text className='my-configs-page__notice'>未登录：以下为本设备保存的配置。</Text>}
      {state.status === 'loading' && <LoadingState />}
      {state.status === 'error' && <ErrorState message={state.message} onRetry={load} />}
      {state.status === 'ready' && state.rows.length === 0 && <EmptyState text='还没有保存的配置，去车型详情页配置一台吧' />}
      {state.status === 'ready' &&
        state.rows.map((row) => (
          <View key={row.shortId} className='saved-item' data-short-id={row.shortId}>
            <View className='saved-item__body' onClick={() => onOpen(row.shortId)}>
              <Text className='saved-item__title'>
                {row.modelName} · {row.trimName}
              </Text>
              <Text className='saved-item__meta'>
                编号 {row.shortId} · {formatDateCN(row.createdAt)}
              </Text>
              <Text className='saved-item__price'>{formatFen(row.totalFen)}</Text>
              {row.current && !row.current.valid && <Text className='saved-item__warn'>已失效：{row.current.reason}</Text>}
              {row.current?.valid && row.current.totalFen !== null && row.current.totalFen !== row.totalFen && (
                <Text className='saved-item__warn'>现价 {formatFen(row.current.totalFen)}</Text>
              )}
            </View>
            <View className='saved-item__actions'>
              <Button className='btn-plain saved-item__btn saved-item__open' size='mini' onClick={() => onOpen(row.shortId)}>
                查看
              </Button>
              <ShareConfigButton shortId={row.shortId} />
              <Button className='btn-plain saved-item__btn saved-item__delete' size='mini' onClick={() => onDelete(row.shortId)}>
                删除
              </Button>
            </View>
          </View>
        ))}
    </View>
  )
}
