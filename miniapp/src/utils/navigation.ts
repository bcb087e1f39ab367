import Taro from '@tarojs/taro'
import type { ModelSummary } from '@carmall/shared-types'

/** Open the 3D viewer subpackage for a model (name is passed so the page can title itself before loading). */
export function openViewer(model: Pick<ModelSummary, 'code' | 'name'>) {
  return Taro.navigateTo({
    url: `/packages/viewer/pages/index?code=${encodeURIComponent(model.code)}&name=${encodeURIComponent(model.name)}`,
  })
}

/** Open the model detail / configurator page. */
export function openModel(model: Pick<ModelSummary, 'code'>) {
  return Taro.navigateTo({ url: `/pages/model/index?code=${encodeURIComponent(model.code)}` })
}

/**
 * Open the 3D viewer on a configuration. This URL is a contract with the viewer subpackage:
 * keep it exactly (`model`, `trim`, `selected` as a comma list of option codes).
 */
export function openViewerWithConfig(modelCode: string, trimCode: string, selected: readonly string[]) {
  return Taro.navigateTo({
    url: `/packages/viewer/pages/index?model=${modelCode}&trim=${trimCode}&selected=${selected.join(',')}`,
  })
}

/** Open the compare page on 2-3 `modelCode:trimCode` pairs. */
export function openCompare(pairs: readonly string[]) {
  return Taro.navigateTo({ url: `/pages/compare/index?trims=${pairs.join(',')}` })
}

/** A page's router parameter, URL-decoded ('' when absent; a malformed escape is kept as it came). */
export function decodeParam(v: string | undefined): string {
  if (!v) return ''
  try {
    return decodeURIComponent(v)
  } catch {
    return v
  }
}
