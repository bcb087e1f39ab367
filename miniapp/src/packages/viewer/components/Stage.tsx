import { useEffect } from 'react'
import { Gallery } from './Gallery'
import type { StageProps } from './types'

/**
 * Default Stage (Alipay and any target without its own Stage.<target>.tsx): the image gallery.
 * Alipay's mini-program has no three-platformize adapter here, so it gets a working, crash-free
 * fallback instead of a WebGL canvas. Taro picks Stage.h5.tsx / Stage.weapp.tsx on those targets.
 */
export default function Stage(props: StageProps) {
  const { onStatus } = props
  useEffect(() => {
    onStatus?.('fallback', 'no-3d-on-this-platform')
  }, [onStatus])
  return (
    <Gallery
      name={props.name}
      coverUrl={props.coverUrl}
      paints={props.paints}
      activePaint={props.appearance.codes.paint}
      paintColor={props.appearance.paint.color}
      reason='当前平台暂不支持 3D 看车，为您展示车型图片与车漆颜色'
    />
  )
}
