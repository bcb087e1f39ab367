import { Button, Text, View } from '@tarojs/components'

/** Shown while the first page of data is loading. */
export function LoadingState({ text = '加载中…' }: { text?: string }) {
  return (
    <View className='status-view status-view--loading'>
      <Text className='status-view__text'>{text}</Text>
    </View>
  )
}

/** Shown when a request failed; the message comes from ApiError (already Chinese, for people). */
export function ErrorState({ message, onRetry }: { message: string; onRetry?: () => void }) {
  return (
    <View className='status-view status-view--error'>
      <Text className='status-view__text'>{message || '加载失败'}</Text>
      {onRetry && (
        <Button className='btn-plain status-view__retry' size='mini' onClick={onRetry}>
          重试
        </Button>
      )}
    </View>
  )
}

/** Shown when a request succeeded but returned nothing. */
export function EmptyState({ text }: { text: string }) {
  return (
    <View className='status-view status-view--empty'>
      <Text className='status-view__text'>{text}</Text>
    </View>
  )
}
