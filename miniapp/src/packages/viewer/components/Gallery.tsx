import { Image, Text, View } from '@tarojs/components'
import { toHexString } from '../lib/appearance'
import type { PaintSwatch } from './types'
import './stage.scss'

/**
 * The image fallback used where 3D cannot run (Alipay, a browser without WebGL, a failed model):
 * the cover picture and the paint colours, with the current one marked. Never throws.
 */
export function Gallery(props: { name: string; coverUrl: string; paints: PaintSwatch[]; activePaint: string | null; paintColor: number; reason: string }) {
  const { name, coverUrl, paints, activePaint, paintColor, reason } = props
  // The name labels the picture for screen readers; the page shows it as a title already.
  return (
    <View className='viewer-gallery' data-viewer-status='fallback'>
      <View className='viewer-gallery__cover' style={{ backgroundColor: toHexString(paintColor) }}>
        <Image className='viewer-gallery__image' src={coverUrl} mode='aspectFit' ariaLabel={name} />
      </View>
      <Text className='viewer-gallery__reason'>{reason}</Text>
      <View className='viewer-gallery__paints'>
        {paints.map((p) => (
          <View key={p.code} className={`viewer-gallery__paint${p.code === activePaint ? ' viewer-gallery__paint--active' : ''}`}>
            <View className='viewer-gallery__chip' style={{ backgroundColor: p.swatch ?? '#8a8f94' }} />
            <Text className='viewer-gallery__paint-name'>{p.name}</Text>
          </View>
        ))}
      </View>
    </View>
  )
}
