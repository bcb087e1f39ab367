import { Button, Text, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { useCallback, useEffect, useMemo, useState } from 'react'
import { resolveConfiguration, type CatalogModel, type CatalogOption, type ResolvedConfig } from '@carmall/shared-types'
import Stage from '../components/Stage'
import type { StageStatus } from '../components/types'
import { appearanceFor, optionsByGroup, parseSelectedParam } from '../lib/appearance'
import { carModelUrl, coverUrl, getModelDetail, type ModelDetail } from '../lib/api'
import { choose, initialConfig } from '../lib/selection'
import { announceChoice, followConfigurator } from '../lib/sync'
import './index.scss'
import { decodeParam } from '../../../utils/navigation'

interface ViewState {
  trimCode: string
  selected: string[]
  /** The engine's view of the selection (null if the catalog could not resolve it). */
  config: ResolvedConfig | null
}

const GROUPS: Array<{ group: 'paint' | 'wheels' | 'interior'; label: string }> = [
  { group: 'paint', label: '车身颜色' },
  { group: 'wheels', label: '轮毂' },
  { group: 'interior', label: '内饰' },
]

// Router parameters come URL-encoded.
const decode = (v: string | undefined) => decodeParam(v) || undefined

/**
 * 3D viewer: /packages/viewer/pages/index?model=<code>&trim=<trim>&selected=<A,B,C>.
 * The Stage is per target (Stage.h5.tsx, Stage.weapp.tsx; the default Stage.tsx is the image
 * gallery used on Alipay), so no target bundles another's platform code.
 */
export default function ViewerPage() {
  const { params } = useRouter()
  const modelCode = decode(params.model) ?? ''
  const trimParam = decode(params.trim)
  const selectedParam = parseSelectedParam(params.selected)

  const [detail, setDetail] = useState<ModelDetail | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [view, setView] = useState<ViewState | null>(null)
  const [doorsOpen, setDoorsOpen] = useState(false)
  const [stageStatus, setStageStatus] = useState<StageStatus>('loading')

  useEffect(() => {
    if (!modelCode) {
      setError('缺少车型参数')
      return
    }
    let live = true
    getModelDetail(modelCode)
      .then((d) => {
        if (!live) return
        const config = initialConfig(d.model, trimParam, selectedParam)
        setDetail(d)
        setView({ trimCode: config?.trimCode ?? d.model.trims[0]?.code ?? '', selected: config?.selected ?? selectedParam, config })
      })
      .catch((err) => live && setError(err?.message ?? '加载失败'))
    return () => {
      live = false
    }
    // Query params are fixed for the page's lifetime.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [modelCode])

  // Stay in sync with the configurator behind us (if any); unsubscribe when the page goes.
  useEffect(() => {
    if (!detail) return
    const model = detail.model
    return followConfigurator(modelCode, (selected, trimCode) => {
      setView((prev) => {
        const trim = trimCode ?? prev?.trimCode ?? model.trims[0]?.code ?? ''
        const res = resolveConfiguration(model, trim, selected, new Date())
        return { trimCode: trim, selected: [...selected], config: res.ok ? res.config : null }
      })
    })
  }, [detail, modelCode])

  const onChoose = useCallback(
    (option: CatalogOption) => {
      if (!detail || !view || view.selected.includes(option.code)) return
      let next: ViewState
      if (view.config) {
        const out = choose(detail.model, view.config, option.code)
        if (!out.ok) {
          Taro.showToast({ title: out.message, icon: 'none' })
          return
        }
        next = { trimCode: view.trimCode, selected: out.config.selected, config: out.config }
      } else {
        // No engine state: replace within the group.
        next = { ...view, selected: [...view.selected.filter((c) => detail.model.options.find((o) => o.code === c)?.group !== option.group), option.code] }
      }
      setView(next)
      announceChoice(modelCode, option.code)
    },
    [detail, view, modelCode],
  )

  const model: CatalogModel | null = detail?.model ?? null
  const appearance = useMemo(() => (model && view ? appearanceFor(model, view.selected) : null), [model, view])
  const paints = useMemo(() => (model && view ? optionsByGroup(model, 'paint', view.trimCode) : []), [model, view])

  if (error) {
    return (
      <View className='page viewer-page'>
        <View className='viewer-page__error'>
          <Text>{error}</Text>
        </View>
        <Button className='btn-plain' onClick={() => Taro.navigateBack()}>
          返回
        </Button>
      </View>
    )
  }
  if (!model || !view || !appearance) {
    return (
      <View className='page viewer-page'>
        <View className='viewer-page__placeholder' data-viewer-status='loading'>
          <Text>加载车型…</Text>
        </View>
      </View>
    )
  }

  const trim = model.trims.find((t) => t.code === view.trimCode)
  const threeD = stageStatus === 'ready' || stageStatus === 'loading'
  return (
    <View className='page viewer-page' data-model={model.code} data-body-type={model.bodyType}>
      <Stage
        modelUrl={carModelUrl(model.bodyType)}
        appearance={appearance}
        doorsOpen={doorsOpen}
        name={model.name}
        coverUrl={coverUrl(model.code, appearance.codes.paint ?? undefined)}
        paints={paints.map((p) => ({ code: p.code, name: p.name, swatch: p.swatch }))}
        onStatus={setStageStatus}
      />
      <View className='viewer-page__bar'>
        <View className='viewer-page__title'>
          <Text className='viewer-page__name'>{model.name}</Text>
          {trim && <Text className='viewer-page__trim'>{trim.name}</Text>}
        </View>
        {threeD && (
          <Button
            className={`viewer-page__door btn-plain${stageStatus === 'ready' ? '' : ' viewer-page__door--waiting'}`}
            data-action='doors'
            onClick={() => stageStatus === 'ready' && setDoorsOpen((o) => !o)}
          >
            {doorsOpen ? '关门' : '开门'}
          </Button>
        )}
      </View>
      {threeD && <Text className='viewer-page__hint'>拖动旋转 · 双指或滚轮缩放</Text>}
      {GROUPS.map(({ group, label }) => {
        const options = optionsByGroup(model, group, view.trimCode)
        if (!options.length) return null
        return (
          <View key={group} className='viewer-options' data-group={group}>
            <Text className='viewer-options__label'>{label}</Text>
            <View className='viewer-options__list'>
              {options.map((o) => {
                const active = view.selected.includes(o.code)
                return (
                  <View
                    key={o.code}
                    className={`viewer-option${active ? ' viewer-option--active' : ''}`}
                    data-code={o.code}
                    onClick={() => onChoose(o)}
                  >
                    {o.swatch && <View className='viewer-option__swatch' style={{ backgroundColor: o.swatch }} />}
                    <Text className='viewer-option__name'>{o.name}</Text>
                  </View>
                )
              })}
            </View>
          </View>
        )
      })}
    </View>
  )
}
