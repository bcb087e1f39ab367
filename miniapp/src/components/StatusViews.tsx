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
/**
 * A failed load: the message, 重试 when trying again can help, and a way back (e.g. 去看看其他车型)
 * when it cannot — a car that does not exist will not appear by retrying.
 */
export function ErrorState({ message, onRetry, back }: { message: string; onRetry?: () => void; back?: { label: string; onClick: () => void } }) {
  return (
    <View className='status-view status-view--error'>
      <Text className='status-view__text'>{message || '加载失败'}</Text>
      {onRetry && (
        <Button className='btn-plain status-view__retry' size='mini' onClick={onRetry}>
          重试
        </Button>
      )}
      {back && (
        <Button className='btn-plain status-view__back' size='mini' onClick={back.onClick}>
          {back.label}
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
