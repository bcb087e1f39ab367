import { useEffect, useMemo } from 'react'
import { useDesktop } from '../utils/desktop'
import { View } from '@tarojs/components'
import type { CatalogModel } from '@carmall/shared-types'
import Stage from '../packages/viewer/components/Stage.h5'
import { appearanceFor, optionsByGroup } from '../packages/viewer/lib/appearance'
import { carModelUrl } from '../packages/viewer/lib/api'

export { DESKTOP_MIN_WIDTH, useDesktop } from '../utils/desktop'

/**
 * H5 on a desktop screen: the viewer's WebGL stage (poster first, then three.js and the model;
 * mouse, wheel and keyboard) showing exactly the configuration being built beside it. Phones get
 * nothing here (their 3D is the 3D 看车 page).
 */
export function DesktopStage({ model, trimCode, selected, coverUrl, onActive }: { model: CatalogModel; trimCode: string; selected: readonly string[]; coverUrl: string; onActive?: (active: boolean) => void }) {
  const desktop = useDesktop()
  const appearance = useMemo(() => appearanceFor(model, selected), [model, selected])
  const paints = useMemo(() => optionsByGroup(model, 'paint', trimCode).map((p) => ({ code: p.code, name: p.name, swatch: p.swatch })), [model, trimCode])
  useEffect(() => onActive?.(desktop), [desktop, onActive])
  if (!desktop) return null
  return (
    <View className='desktop-stage'>
      <Stage key={model.code} modelUrl={carModelUrl(model.bodyType)} appearance={appearance} doorsOpen={false} name={model.name} coverUrl={coverUrl} paints={paints} />
      <View className='desktop-stage__hint'>拖动或方向键旋转 · 滚轮或 +/- 缩放</View>
    </View>
  )
}
