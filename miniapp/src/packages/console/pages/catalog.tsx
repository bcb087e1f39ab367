import { useCallback, useEffect, useState } from 'react'
import { Text, View } from '@tarojs/components'
import { useRouter } from '@tarojs/taro'
import { formatFen, modelSummaryFromCatalog } from '@carmall/shared-types'
import { ApiError, getToken } from '../../../api/client'
import { getAdminModel, listAdminModels, type AdminModelDetail, type AdminModelList } from '../../../api/console'
import { ErrorState, LoadingState } from '../../../components/StatusViews'
import { ConsoleShell, Forbidden, SignInFirst, useStaffRoles } from '../components/ConsoleShell'
import { ModelEditor } from '../components/ModelEditor'
import './console.scss'

type Models = AdminModelList['items']
type ListState = { status: 'loading' } | { status: 'error'; message: string; forbidden: boolean } | { status: 'ready'; items: Models }
type EditorState = { status: 'none' } | { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; detail: AdminModelDetail }

const FORBIDDEN_TEXT = '商品目录仅运营与管理员可用；如需开通请联系管理员'

/**
 * 管理后台 · 商品目录 (operators and admins): every model (published or not) on the left, the
 * chosen one's editor on the right. Anyone else gets the BFF's 403, shown as 无权限.
 */
export default function ConsoleCatalogPage() {
  const { params } = useRouter()
  const [list, setList] = useState<ListState>({ status: 'loading' })
  const [code, setCode] = useState<string | null>(params?.code ?? null)
  const [editor, setEditor] = useState<EditorState>({ status: 'none' })
  const signedIn = !!getToken()
  const roles = useStaffRoles(signedIn)

  const loadList = useCallback(async () => {
    try {
      const r = await listAdminModels()
      setList({ status: 'ready', items: r.items })
      setCode((c) => c ?? r.items[0]?.code ?? null)
    } catch (err) {
      setList({ status: 'error', message: err instanceof ApiError ? err.message : '加载失败，请重试', forbidden: err instanceof ApiError && (err.status === 403 || err.status === 401) })
    }
  }, [])
  const loadModel = useCallback(async (c: string) => {
    setEditor({ status: 'loading' })
    try {
      setEditor({ status: 'ready', detail: await getAdminModel(c) })
    } catch (err) {
      if (err instanceof ApiError && err.status === 403) setList({ status: 'error', message: err.message, forbidden: true })
      setEditor({ status: 'error', message: err instanceof ApiError ? err.message : '加载失败，请重试' })
    }
  }, [])
  useEffect(() => {
    if (!signedIn) return
    void loadList()
  }, [loadList, signedIn])
  useEffect(() => {
    if (code && list.status === 'ready') void loadModel(code)
  }, [code, list.status === 'ready'])

  if (!signedIn) {
    return <SignInFirst />
  }
  const onSaved = (d: AdminModelDetail) => {
    setEditor({ status: 'ready', detail: d })
    if (list.status === 'ready')
      setList({ status: 'ready', items: list.items.map((m) => (m.code === d.model.code ? { ...m, version: d.version, published: d.published, startingPriceFen: modelSummaryFromCatalog(d.model, new Date(d.pricedAt)).startingPriceFen } : m)) })
  }

  return (
    <View className='console-page'>
      <ConsoleShell active='catalog' roles={roles}>
        {list.status === 'loading' && <LoadingState />}
        {list.status === 'error' && (list.forbidden ? <Forbidden text={FORBIDDEN_TEXT} /> : <ErrorState message={list.message} onRetry={() => void loadList()} />)}
        {list.status === 'ready' && (
          <View className='console-catalog'>
            <View className='catalog-models'>
              <Text className='catalog-section__title'>车型（{list.items.length}）</Text>
              {list.items.map((m) => (
                <View key={m.code} className={`catalog-model ${m.code === code ? 'catalog-model--on' : ''}`} data-code={m.code} onClick={() => setCode(m.code)}>
                  <View className='catalog-model__line'>
                    <Text className='catalog-model__name'>{m.name}</Text>
                    <Text className={`pub-badge pub-badge--${m.published ? 'on' : 'off'}`}>{m.published ? '已上架' : '未上架'}</Text>
                  </View>
                  <Text className='catalog-model__meta'>
                    {m.startingPriceFen === null ? '未定价' : `${formatFen(m.startingPriceFen)} 起`} · {m.trims} 个版本 · v{m.version}
                  </Text>
                </View>
              ))}
            </View>
            <View className='catalog-editor'>
              {editor.status === 'none' && <Text className='catalog-section__hint'>请选择左侧车型</Text>}
              {editor.status === 'loading' && <LoadingState />}
              {editor.status === 'error' && <ErrorState message={editor.message} onRetry={() => code && void loadModel(code)} />}
              {editor.status === 'ready' && (
                <ModelEditor
                  key={editor.detail.model.code}
                  detail={editor.detail}
                  onSaved={onSaved}
                  onReload={() => code && void loadModel(code)}
                  onForbidden={() => setList({ status: 'error', message: FORBIDDEN_TEXT, forbidden: true })}
                />
              )}
            </View>
          </View>
        )}
      </ConsoleShell>
    </View>
  )
}
