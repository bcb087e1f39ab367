import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { Button, Image, Text, View } from '@tarojs/components'
import Taro, { useRouter, useShareAppMessage } from '@tarojs/taro'
import {
  applyChoice,
  changeTrim,
  defaultConfiguration,
  formatDateCN,
  formatFen,
  resolveConfiguration,
  type CatalogModel,
  type ConfigResult,
  type ResolvedConfig,
} from '@carmall/shared-types'
import { mediaUrl } from '../../api/base'
import { getModel, type ModelDetail } from '../../api/catalog'
import { ApiError, getToken } from '../../api/client'
import { checkoutPath } from '../../api/orders'
import { financePath } from '../../api/finance'
import {
  getSavedConfiguration,
  priceConfiguration,
  saveConfiguration,
  savedConfigPath,
  type SavedConfiguration,
} from '../../api/configurations'
import { LineItems } from '../../components/LineItems'
import { OptionGroups } from '../../components/OptionGroups'
import { ErrorState, LoadingState } from '../../components/StatusViews'
import { TrimPicker } from '../../components/TrimPicker'
import { AdvisorShareBar, withAdvisorShare } from '../../components/AdvisorShare'
import { DesktopStage } from '../../components/DesktopStage'
import { SimilarCars } from '../../components/SimilarCars'
import { changeNotices, consequenceText, groupOptions, sameConfig, type ConfigNotice } from '../../state/configurator'
import { rememberSavedConfig } from '../../state/savedConfigs'
import { openCompare, openViewerWithConfig } from '../../utils/navigation'
import { track, usePageView, useTrackOnce } from '../../analytics'
import { OrderNowButton } from '../../analytics/OrderNowButton'
import './index.scss'

/** Events shared with the 3D viewer subpackage (a contract: keep the names and payloads). */
export const CHOICE_EVENT = 'configurator:choice'
export const CHANGED_EVENT = 'configurator:changed'

interface Loaded {
  detail: ModelDetail
  /** Prices are looked up at this instant (the BFF's `pricedAt`), so client and server agree. */
  at: Date
}

const errorText = (err: unknown, fallback = '加载失败，请稍后重试') => (err instanceof ApiError ? err.message : fallback)

/** The first trim whose default configuration resolves (a trim without a price in force is skipped). */
function firstDefault(model: CatalogModel, preferred: string | undefined, at: Date): ConfigResult {
  const order = model.trims.map((t) => t.code)
  if (preferred && order.includes(preferred)) order.unshift(preferred)
  let last: ConfigResult | null = null
  for (const code of order) {
    last = defaultConfiguration(model, code, at)
    if (last.ok) return last
  }
  return last ?? { ok: false, error: { code: 'UNKNOWN_TRIM', message: '该车型暂无可选版本', details: { codes: [] } } }
}

/** Share path of the H5 build (hash router) or the mini-program. */
function sharePath(shortId: string): string {
  const path = savedConfigPath(shortId)
  if (process.env.TARO_ENV === 'h5' && typeof window !== 'undefined') return `${window.location.origin}/#${path}`
  return path
}

/** The cover picture in the chosen paint (the BFF draws it with the paint's swatch). */
export function coverUrl(coverImage: string, model: { options: { code: string; group: string }[] }, selected: string[]): string {
  const paint = model.options.find((o) => o.group === 'paint' && selected.includes(o.code))
  return mediaUrl(paint ? `${coverImage}?paint=${encodeURIComponent(paint.code)}` : coverImage)
}

export default function ModelPage() {
  const { params } = useRouter()
  usePageView('pages/model/index')
  const code = params.code ? decodeURIComponent(params.code) : ''
  const savedId = params.saved ? decodeURIComponent(params.saved) : ''

  const [loaded, setLoaded] = useState<Loaded | null>(null)
  const [loadError, setLoadError] = useState('')
  // A missing car (404) will not come back by retrying: offer the way to the other cars instead.
  const [loadMissing, setLoadMissing] = useState(false)
  const [config, setConfig] = useState<ResolvedConfig | null>(null)
  const [notices, setNotices] = useState<ConfigNotice[]>([])
  const [confirming, setConfirming] = useState(false)
  const [showBreakdown, setShowBreakdown] = useState(false)
  /** The PC showroom's 3D stage is showing (H5, ≥1280 px): the plain cover is not needed then. */
  const [stage3d, setStage3d] = useState(false)
  const [reloaded, setReloaded] = useState<SavedConfiguration | null>(null)
  const [saving, setSaving] = useState(false)
  const [saved, setSaved] = useState<SavedConfiguration | null>(null)

  // Latest values for handlers that outlive a render (the viewer's events, server replies).
  const live = useRef<{ loaded: Loaded | null; config: ResolvedConfig | null }>({ loaded: null, config: null })
  live.current = { loaded, config }
  /** Last configuration the server accepted: what a rejected change falls back to. */
  const confirmed = useRef<ResolvedConfig | null>(null)
  /** Bumped by every change so that only the latest server reply is applied. */
  const generation = useRef(0)

  /** Ask the server (the authority) to price `local`; show its result or error if it disagrees. */
  const confirm = useCallback(async (local: ResolvedConfig) => {
    const gen = ++generation.current
    setConfirming(true)
    try {
      const res = await priceConfiguration({ modelCode: local.modelCode, trimCode: local.trimCode, selections: local.explicit })
      if (gen !== generation.current) return
      confirmed.current = res.config
      if (!sameConfig(res.config, local)) {
        // Prices or rules changed on the server since the model was loaded: its result wins.
        setConfig(res.config)
        setNotices((n) => [...n, { kind: 'info', text: `已按最新价格与规则更新，当前总价 ${formatFen(res.config.totalFen)}` }])
        const current = live.current.loaded
        if (current && res.modelVersion !== current.detail.version) {
          getModel(current.detail.model.code)
            .then((detail) => {
              if (gen === generation.current) setLoaded({ detail, at: new Date(detail.pricedAt) })
            })
            .catch(() => {})
        }
      }
    } catch (err) {
      if (gen !== generation.current) return
      if (err instanceof ApiError && err.status >= 400 && err.status < 500 && confirmed.current) {
        // The server rejects this configuration: go back to the last one it accepted.
        setConfig(confirmed.current)
        setNotices([{ kind: 'error', text: err.message }])
      } else {
        setNotices((n) => [...n, { kind: 'error', text: `${errorText(err, '网络异常')}（价格未经服务器确认）` }])
      }
    } finally {
      if (gen === generation.current) setConfirming(false)
    }
  }, [])

  /** Show a new configuration at once (local engine result), then confirm it with the server. */
  const commit = useCallback(
    (next: ResolvedConfig, messages: ConfigNotice[]) => {
      setConfig(next)
      setNotices(messages)
      setSaved(null)
      confirm(next)
    },
    [confirm],
  )

  const load = useCallback(async () => {
    setLoadError('')
    setLoaded(null)
    setConfig(null)
    try {
      let first: ConfigResult
      let messages: ConfigNotice[] = []
      let detail: ModelDetail
      if (savedId) {
        const s = await getSavedConfiguration(savedId)
        detail = await getModel(s.modelCode)
        const at = new Date(detail.pricedAt)
        first = resolveConfiguration(detail.model, s.trimCode, s.config.explicit, at)
        if (!first.ok) {
          messages = [{ kind: 'error', text: `保存的配置已无法还原：${first.error.message}` }]
          first = firstDefault(detail.model, s.trimCode, at)
        }
        setReloaded(s)
      } else {
        if (!code) throw new ApiError('NOT_FOUND', '缺少车型编码', 404)
        detail = await getModel(code)
        first = firstDefault(detail.model, params.trim, new Date(detail.pricedAt))
      }
      if (!first.ok) throw new ApiError('NO_PRICE', first.error.message, 409)
      setLoaded({ detail, at: new Date(detail.pricedAt) })
      Taro.setNavigationBarTitle?.({ title: detail.model.name })
      confirmed.current = null
      commit(first.config, messages)
    } catch (err) {
      setLoadError(errorText(err))
      setLoadMissing(err instanceof ApiError && err.status === 404)
    }
  }, [code, savedId, params.trim, commit])

  useEffect(() => {
    load()
  }, [load])

  const onOption = useCallback(
    (optionCode: string) => {
      const { loaded: l, config: current } = live.current
      if (!l || !current) return
      const r = applyChoice(l.detail.model, current, optionCode, l.at)
      if (!r.ok) {
        setNotices([{ kind: 'error', text: r.error.message }])
        return
      }
      const apply = () => {
        commit(r.config, changeNotices(r.config.changes, optionCode))
        track('configure', { modelCode: l.detail.model.code, option: optionCode })
      }
      // A tap that also adds or removes other options (座椅通风 brings in 舒适包): show what it does
      // to the price before applying it, and let the buyer say no.
      const sideEffects = changeNotices(r.config.changes, optionCode)
      if (sideEffects.length === 0) return apply()
      void Taro.showModal({ title: '将同时调整其他配置', content: consequenceText(sideEffects, current.totalFen, r.config.totalFen), confirmText: '确认调整', cancelText: '取消' }).then(
        ({ confirm }) => {
          // Applied only onto the configuration it was computed from.
          if (confirm && live.current.config === current) apply()
        },
        () => undefined,
      )
    },
    [commit],
  )

  const onTrim = useCallback(
    (trimCode: string) => {
      const { loaded: l, config: current } = live.current
      if (!l || !current || current.trimCode === trimCode) return
      const r = changeTrim(l.detail.model, current, trimCode, l.at)
      if (!r.ok) {
        setNotices([{ kind: 'error', text: r.error.message }])
        return
      }
      commit(r.config, changeNotices(r.config.changes))
      track('configure', { modelCode: l.detail.model.code, trim: trimCode })
    },
    [commit],
  )

  // The 3D viewer lets the buyer switch paint/wheels/interior; it reports each tap here.
  useEffect(() => {
    const handler = (payload: { modelCode?: string; code?: string } | undefined) => {
      const model = live.current.loaded?.detail.model
      if (!payload?.code || !model || payload.modelCode !== model.code) return
      onOption(payload.code)
    }
    Taro.eventCenter.on(CHOICE_EVENT, handler)
    return () => {
      Taro.eventCenter.off(CHOICE_EVENT, handler)
    }
  }, [onOption])

  // Tell the viewer (and anyone else listening) about every configuration shown.
  useEffect(() => {
    if (config) Taro.eventCenter.trigger(CHANGED_EVENT, { modelCode: config.modelCode, config })
  }, [config])

  useShareAppMessage(withAdvisorShare(() => {
    const name = loaded?.detail.model.name ?? '车型'
    if (saved) return { title: `我配置的${name}`, path: savedConfigPath(saved.shortId) }
    return { title: name, path: `/pages/model/index?code=${code || loaded?.detail.model.code || ''}` }
  }))

  const onSave = async () => {
    if (!config || saving) return
    setSaving(true)
    try {
      const res = await saveConfiguration({ modelCode: config.modelCode, trimCode: config.trimCode, selections: config.explicit })
      setSaved(res)
      // Anonymous saves are not listed by the server under 我的; remember them on this device.
      if (!getToken()) rememberSavedConfig(res)
      Taro.showToast({ title: '配置已保存', icon: 'success' })
    } catch (err) {
      setNotices([{ kind: 'error', text: errorText(err, '保存失败，请重试') }])
    } finally {
      setSaving(false)
    }
  }

  const onCopyLink = () => {
    if (saved) Taro.setClipboardData({ data: sharePath(saved.shortId) })
  }

  const onCompare = () => {
    if (!loaded || !config) return
    const { model } = loaded.detail
    const i = model.trims.findIndex((t) => t.code === config.trimCode)
    const other = model.trims[(i + 1) % model.trims.length]
    const pairs = [`${model.code}:${config.trimCode}`]
    if (other && other.code !== config.trimCode) pairs.push(`${model.code}:${other.code}`)
    openCompare(pairs)
  }

  const onViewer = () => {
    if (config) openViewerWithConfig(config.modelCode, config.trimCode, config.selected)
  }

  /** 立即下定: checkout with exactly this configuration (explicit choices) and the total shown. */
  const onOrder = () => {
    if (!config || !loaded) return
    Taro.navigateTo({ url: checkoutPath(config, loaded.detail.model.name) })
  }

  /** 金融方案: loan products and the monthly payment for exactly this configuration. */
  const onFinance = () => {
    if (config) Taro.navigateTo({ url: financePath({ modelCode: config.modelCode, trimCode: config.trimCode, selected: config.selected, totalFen: config.totalFen }) })
  }

  const groups = useMemo(() => (loaded ? groupOptions(loaded.detail.model) : []), [loaded])
  useTrackOnce('view_model', useMemo(() => (loaded ? { modelCode: loaded.detail.model.code } : null), [loaded]))

  if (loadError) {
    return (
      <View className='page model-page'>
        <ErrorState
          message={loadError}
          onRetry={loadMissing ? undefined : load}
          back={{ label: '去看看其他车型', onClick: () => Taro.switchTab({ url: '/pages/models/index' }) }}
        />
      </View>
    )
  }
  if (!loaded || !config) {
    return (
      <View className='page model-page'>
        <LoadingState />
      </View>
    )
  }

  const { model, summary } = loaded.detail
  const savedChanged = reloaded && reloaded.current.valid && reloaded.current.totalFen !== reloaded.config.totalFen

  const cover = coverUrl(summary.coverImage, model, config.selected)
  return (
    <View className={`page model-page${stage3d ? ' model-page--3d' : ''}`} data-model={model.code}>
      {/* ≥1280 px on H5 (the PC showroom): the 3D stage beside the configurator, following it. */}
      <View className='model-page__stage'>
        <DesktopStage model={model} trimCode={config.trimCode} selected={config.selected} coverUrl={cover} onActive={setStage3d} />
        {/* The cover follows the chosen paint. */}
        {!stage3d && <Image className='model-page__cover' src={cover} mode='aspectFill' />}
      </View>
      <View className='model-page__panel'>
        <View className='model-page__header'>
          <Text className='model-page__name'>{model.name}</Text>
          <Text className='model-page__tagline'>{model.tagline}</Text>
        </View>

        {reloaded && (
          <View className='saved-banner' data-short-id={reloaded.shortId}>
            <Text className='saved-banner__title'>
              配置编号 {reloaded.shortId} · 保存于 {formatDateCN(reloaded.createdAt)}
            </Text>
            {!reloaded.current.valid && (
              <Text className='saved-banner__warn saved-banner__invalid'>该配置已失效：{reloaded.current.reason ?? '车型或选装已调整'}</Text>
            )}
            {savedChanged && (
              <Text className='saved-banner__warn saved-banner__price'>
                保存时 {formatFen(reloaded.config.totalFen)}，现价 {formatFen(reloaded.current.totalFen!)}
              </Text>
            )}
          </View>
        )}

        <Text className='section-title'>选择版本</Text>
        <TrimPicker trims={model.trims} selected={config.trimCode} at={loaded.at} onSelect={onTrim} />

        {notices.length > 0 && (
          <View className='config-notice'>
            {notices.map((n, i) => (
              <Text key={i} className={`config-notice__item config-notice__item--${n.kind}`}>
                {n.text}
              </Text>
            ))}
          </View>
        )}

        <OptionGroups model={model} groups={groups} config={config} at={loaded.at} onTap={onOption} />

        {saved && (
          <View className='saved-result' data-short-id={saved.shortId}>
            <Text className='saved-result__title'>配置已保存</Text>
            <Text className='saved-result__id'>
              配置编号 <Text className='saved-short-id'>{saved.shortId}</Text>
            </Text>
            <Text className='saved-result__path'>{sharePath(saved.shortId)}</Text>
            <Button className='btn-plain saved-result__copy' size='mini' onClick={onCopyLink}>
              复制链接
            </Button>
          </View>
        )}

        {showBreakdown && <LineItems config={config} />}
        <AdvisorShareBar config={config} autoOpen={params.share === '1'} />
        <SimilarCars code={model.code} name={model.name} trimCode={config.trimCode} />

        {/* Two rows, so the total never shares its row with more than the order button: on a phone
            four buttons beside it covered it (「¥18[对比]0」) or squeezed it to nothing. */}
        <View className='config-bar'>
          <View className='config-bar__actions'>
          <Button className='btn-plain config-bar__btn compare-entry' size='mini' onClick={onCompare}>
            对比
          </Button>
          <Button className='btn-plain config-bar__btn open-viewer' size='mini' onClick={onViewer}>
            3D 看车
          </Button>
          <Button className='btn-plain config-bar__btn finance-entry' size='mini' onClick={onFinance}>
            金融方案
          </Button>
          {/* `|| undefined`: Taro H5 greys out any `disabled` attribute, even disabled="false". */}
          <Button className='btn-plain config-bar__btn save-config' size='mini' loading={saving} disabled={saving || undefined} onClick={onSave}>
            保存配置
          </Button>
          </View>
          <View className='config-bar__main'>
            <View className='config-bar__total' onClick={() => setShowBreakdown((v) => !v)}>
              <Text className='config-bar__label'>总价{confirming ? '（确认中）' : ''}</Text>
              <Text className='config-total' data-total-fen={String(config.totalFen)}>
                {formatFen(config.totalFen)}
              </Text>
              <Text className='config-bar__toggle'>{showBreakdown ? '收起明细' : '明细'}</Text>
            </View>
            <OrderNowButton disabled={confirming || undefined} onClick={onOrder} modelCode={model.code} />
          </View>
        </View>
      </View>
    </View>
  )
}
