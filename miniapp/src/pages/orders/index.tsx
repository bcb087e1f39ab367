import { Button, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { EmptyState } from '../../components/StatusViews'

// Placeholder until the order flow exists: say so plainly rather than showing fake orders.
export default function OrdersPage() {
  return (
    <View className='page orders-page'>
      <EmptyState text='订单功能即将上线，敬请期待' />
      <Text className='orders-page__hint'>届时可在这里查看订金、订单进度与交付信息。</Text>
      <Button className='btn-plain' onClick={() => Taro.switchTab({ url: '/pages/models/index' })}>
        先去看看车型
      </Button>
    </View>
  )
}
