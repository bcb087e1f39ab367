import Taro from '@tarojs/taro'
import type { ModelSummary } from '@carmall/shared-types'

/** Open the 3D viewer subpackage for a model (name is passed so the page can title itself before loading). */
export function openViewer(model: Pick<ModelSummary, 'code' | 'name'>) {
  return Taro.navigateTo({
    url: `/packages/viewer/pages/index?code=${encodeURIComponent(model.code)}&name=${encodeURIComponent(model.name)}`,
  })
}
