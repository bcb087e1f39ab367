import { useEffect, useMemo, useState } from 'react'
import { View } from '@tarojs/components'
import type { CatalogModel } from '@carmall/shared-types'
import Stage from '../packages/viewer/components/Stage.h5'
import { appearanceFor, optionsByGroup } from '../packages/viewer/lib/appearance'
import { carModelUrl } from '../packages/viewer/lib/api'

/** The width from which the model page is the PC showroom: the 3D stage beside the configurator. */
export const DESKTOP_MIN_WIDTH = 1280
const query = `(min-width: ${DESKTOP_MIN_WIDTH}px)`

/** Whether the window is desktop-wide now, following resizes. */
export function useDesktop(): boolean {
  const mq = typeof window !== 'undefined' && window.matchMedia ? window.matchMedia(query) : null
  const [desktop, setDesktop] = useState(() => !!mq?.matches)
  useEffect(() => {
    if (!mq) return
    const on = () => setDesktop(mq.matches)
    mq.addEventListener?.('change', on)
    return () => mq.removeEventListener?.('change', on)
  }, [mq])
  return desktop
}

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
