import { useCallback, useEffect, useState } from 'react'
import { Text, View } from '@tarojs/components'
import { useRouter } from '@tarojs/taro'
import type { Trim } from '@carmall/shared-types'
import { compareTrims, getModel, parseTrimRefs, trimRefKey, type CompareResponse, type TrimRef } from '../../api/catalog'
import { ApiError } from '../../api/client'
import { EmptyState, ErrorState, LoadingState } from '../../components/StatusViews'
import './index.scss'

export const MIN_TRIMS = 2
export const MAX_TRIMS = 3

type State =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; data: CompareResponse }
  | { status: 'pick' } // fewer than 2 trims chosen

/**
 * Compare 2-3 trims side by side (`?trims=modelCode:trimCode,…`; `rival:<code>` for another
 * brand's car, labelled 竞品 with its source and the disclaimer). The trims of the first model can
 * be added or removed here; rows where the trims differ are highlighted, and 只看不同 hides the rest.
 */
export default function ComparePage() {
  const { params } = useRouter()
  const [picked, setPicked] = useState<TrimRef[]>(() => parseTrimRefs(params.trims).slice(0, MAX_TRIMS))
  const [choices, setChoices] = useState<{ modelCode: string; modelName: string; trims: Trim[] } | null>(null)
  const [state, setState] = useState<State>({ status: 'loading' })
  const [onlyDiff, setOnlyDiff] = useState(false)
  const [hint, setHint] = useState('')

  const firstModel = picked[0]?.modelCode ?? (params.trims ? parseTrimRefs(params.trims)[0]?.modelCode : undefined)

  // The trims a buyer can add: those of the (first) model being compared.
  useEffect(() => {
    if (!firstModel) return
    getModel(firstModel)
      .then((d) => setChoices({ modelCode: d.model.code, modelName: d.model.name, trims: d.model.trims }))
      .catch(() => setChoices(null)) // the table still works without the picker
  }, [firstModel])

  const load = useCallback(async (refs: TrimRef[]) => {
    if (refs.length < MIN_TRIMS) {
      setState({ status: 'pick' })
      return
    }
    setState({ status: 'loading' })
    try {
      setState({ status: 'ready', data: await compareTrims(refs) })
    } catch (err) {
      setState({ status: 'error', message: err instanceof ApiError ? err.message : '加载失败，请稍后重试' })
    }
  }, [])

  useEffect(() => {
    load(picked)
  }, [picked, load])

  const toggle = (ref: TrimRef) => {
    const key = trimRefKey(ref)
    setHint('')
    if (picked.some((p) => trimRefKey(p) === key)) {
      if (picked.length <= MIN_TRIMS) {
        setHint(`至少对比 ${MIN_TRIMS} 个版本`)
        return
      }
      setPicked(picked.filter((p) => trimRefKey(p) !== key))
    } else {
      if (picked.length >= MAX_TRIMS) {
        setHint(`最多对比 ${MAX_TRIMS} 个版本`)
        return
      }
      setPicked([...picked, ref])
    }
  }

  const rows = state.status === 'ready' ? state.data.rows.filter((r) => !onlyDiff || r.differs) : []

  return (
    <View className='page compare-page'>
      {choices && (
        <View className='compare-page__picker'>
          <Text className='compare-page__picker-title'>{choices.modelName} · 选择 2-3 个版本</Text>
          <View className='chips'>
            {choices.trims.map((t) => {
              const ref = { modelCode: choices.modelCode, trimCode: t.code }
              const active = picked.some((p) => trimRefKey(p) === trimRefKey(ref))
              return (
                <View
                  key={t.code}
                  className={`chip compare-pick ${active ? 'chip--active' : ''}`}
                  data-code={t.code}
                  onClick={() => toggle(ref)}
                >
                  {t.name}
                </View>
              )
            })}
          </View>
          {hint && <Text className='compare-page__hint'>{hint}</Text>}
        </View>
      )}

      {state.status === 'loading' && <LoadingState />}
      {state.status === 'error' && <ErrorState message={state.message} onRetry={() => load(picked)} />}
      {state.status === 'pick' && <EmptyState text='请选择至少 2 个版本进行对比' />}
      {state.status === 'ready' && (
        <View className='compare-table'>
          <View className='compare-page__toolbar'>
            <View
              className={`chip compare-only-diff ${onlyDiff ? 'chip--active' : ''}`}
              data-active={onlyDiff ? 'true' : 'false'}
              onClick={() => setOnlyDiff((v) => !v)}
            >
              只看不同
            </View>
          </View>
          <View className='compare-row compare-row--head'>
            <Text className='compare-row__label'>版本</Text>
            {state.data.trims.map((t) =>
              t.rival ? (
                <View key={trimRefKey(t)} className='compare-row__cell compare-trim compare-trim--rival' data-code={t.trimCode} data-rival='true'>
                  <Text className='compare-rival-tag'>竞品</Text>
                  <Text className='compare-trim__name'>
                    {t.modelName} {t.trimName}
                  </Text>
                </View>
              ) : (
                <Text key={trimRefKey(t)} className='compare-row__cell compare-trim' data-code={t.trimCode}>
                  {t.modelCode === state.data.trims[0].modelCode ? t.trimName : `${t.modelName} ${t.trimName}`}
                </Text>
              ),
            )}
          </View>
          {rows.map((row) => (
            <View
              key={row.key}
              className={`compare-row ${row.differs ? 'compare-row--differs' : ''}`}
              data-key={row.key}
              data-differs={row.differs ? 'true' : 'false'}
            >
              <Text className='compare-row__label'>{row.label}</Text>
              {row.display.map((text, i) => (
                <Text key={i} className='compare-row__cell'>
                  {text}
                </Text>
              ))}
            </View>
          ))}
          {rows.length === 0 && <EmptyState text='所选版本参数完全相同' />}
          {state.data.disclaimer && (
            <View className='compare-disclaimer'>
              {state.data.trims
                .filter((t) => t.rival)
                .map((t) => (
                  <Text key={t.trimCode} className='compare-disclaimer__source'>
                    {t.modelName}：{t.rival!.source}（{t.rival!.asOf.replace('-', ' 年 ')} 月）
                  </Text>
                ))}
              <Text className='compare-disclaimer__text'>{state.data.disclaimer}</Text>
            </View>
          )}
        </View>
      )}
    </View>
  )
}
