import { Text } from '@tarojs/components'
import type { TestDrive } from '../../api/advisors'

/** A booking's hour, store and contact (contact masked by the BFF), as lines of a sales card. */
export function TestDriveLines({ td, slotClass, after = '' }: { td: TestDrive; slotClass: string; after?: string }) {
  return (
    <>
      <Text className={`sales-card__line ${slotClass}`}>{td.slotLabel}</Text>
      <Text className='sales-card__line'>
        {td.store.name} · {td.store.address}
      </Text>
      <Text className='sales-card__hint'>
        联系人 {td.contactName}
        {td.phone ? ` · ${td.phone}` : ''}
        {after}
      </Text>
    </>
  )
}
