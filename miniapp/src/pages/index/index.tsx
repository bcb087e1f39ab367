import { useCallback, useEffect, useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import type { ModelSummary } from '@carmall/shared-types'
import { listModels } from '../../api/catalog'
import { ApiError } from '../../api/client'
import { LaunchBanner } from '../../components/LaunchBanner'
import { ModelCard } from '../../components/ModelCard'
import { RecommendedForYou } from '../../components/RecommendedForYou'
import { EmptyState, ErrorState, LoadingState } from '../../components/StatusViews'
import { openModel, openViewer } from '../../utils/navigation'
import './index.scss'

type State =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; items: ModelSummary[] }

// The 车型 page is a tab, and tabs can only be opened with switchTab (navigateTo fails on them).
const goToModels = () => Taro.switchTab({ url: '/pages/models/index' })

export default function HomePage() {
  const [state, setState] = useState<State>({ status: 'loading' })

  const load = useCallback(async () => {
    setState({ status: 'loading' })
    try {
      const res = await listModels({ featured: true, pageSize: 6 })
      setState({ status: 'ready', items: res.items })
    } catch (err) {
      setState({ status: 'error', message: err instanceof ApiError ? err.message : '加载失败' })
    }
  }, [])

  useEffect(() => {
    load()
  }, [load])

  return (
    <View className='page home-page'>
      <View className='home-hero'>
        <Text className='home-hero__title'>驭见未来</Text>
        <Text className='home-hero__subtitle'>官方直营 · 透明价格 · 在线订车</Text>
        <View className='home-hero__actions'>
          <Button className='btn-primary home-hero__btn' onClick={goToModels}>
            浏览全部车型
          </Button>
        </View>
      </View>

      <LaunchBanner />
      <RecommendedForYou />
      <Text className='section-title'>热门车型</Text>
      {state.status === 'loading' && <LoadingState />}
      {state.status === 'error' && <ErrorState message={state.message} onRetry={load} />}
      {state.status === 'ready' && state.items.length === 0 && <EmptyState text='暂无推荐车型' />}
      {state.status === 'ready' &&
        state.items.map((model) => <ModelCard key={model.id} model={model} onOpen={openModel} onView3D={openViewer} />)}

      {state.status === 'ready' && state.items.length > 0 && (
        <Button className='btn-plain home-page__more' onClick={goToModels}>
          查看更多车型
        </Button>
      )}
    </View>
  )
}
