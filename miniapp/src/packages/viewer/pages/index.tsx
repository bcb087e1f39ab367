import { Button, Text, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import './index.scss'

/**
 * Placeholder for the 3D viewer. It lives in its own subpackage (packages/viewer) because the
 * real viewer will bundle three.js, which must stay out of the 2 MB main package.
 */
export default function ViewerPage() {
  const { params } = useRouter()
  // Query values arrive URL-encoded on some targets.
  const name = params.name ? decodeURIComponent(params.name) : '车型'

  return (
    <View className='page viewer-page'>
      <View className='viewer-page__stage'>
        <Text className='viewer-page__name'>{name}</Text>
        <Text className='viewer-page__soon'>3D 看车即将上线</Text>
        <Text className='viewer-page__hint'>届时可 360° 查看外观、切换车漆与轮毂。</Text>
      </View>
      <Button className='btn-plain' onClick={() => Taro.navigateBack()}>
        返回
      </Button>
    </View>
  )
}
