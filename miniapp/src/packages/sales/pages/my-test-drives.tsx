import { useCallback, useEffect, useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro, { useDidShow } from '@tarojs/taro'
import { cancelTestDrive, listMyTestDrives, testDrivePath, type TestDrive } from '../../../api/advisors'
import { ApiError, getToken } from '../../../api/client'
import { rescheduleTestDrivePath } from '../../../api/bookings'
import { EmptyState, ErrorState, LoadingState } from '../../../components/StatusViews'
import { errorText } from '../lib'
import { TestDriveLines } from '../parts'
import './sales.scss'

const STATUS_LABELS: Record<TestDrive['status'], string> = { booked: '已预约', cancelled: '已取消', completed: '已完成' }

type State = { status: 'loading' } | { status: 'login' } | { status: 'error'; message: string } | { status: 'ready'; items: TestDrive[] }

/** 我的试驾: my bookings, newest first, with 改期 and cancel for upcoming ones. */
export default function MyTestDrivesPage() {
  const [state, setState] = useState<State>({ status: 'loading' })
  const [busyId, setBusyId] = useState('')

  const load = useCallback(async () => {
    if (!getToken()) return setState({ status: 'login' })
    setState((s) => (s.status === 'ready' ? s : { status: 'loading' }))
    try {
      const { items } = await listMyTestDrives()
      setState({ status: 'ready', items })
    } catch (err) {
      setState(err instanceof ApiError && err.status === 401 ? { status: 'login' } : { status: 'error', message: errorText(err) })
    }
  }, [])

  useEffect(() => {
    void load()
  }, [load])
  useDidShow(() => {
    void load()
  })

  const onCancel = async (td: TestDrive) => {
    const { confirm } = await Taro.showModal({ title: '取消试驾', content: `确定取消 ${td.slotLabel} 在${td.store.name}的试驾？` })
    if (!confirm) return
    setBusyId(td.id)
    try {
      const updated = await cancelTestDrive(td.id)
      setState((s) => (s.status === 'ready' ? { ...s, items: s.items.map((x) => (x.id === updated.id ? updated : x)) } : s))
      Taro.showToast({ title: '已取消', icon: 'success' })
    } catch (err) {
      Taro.showToast({ title: errorText(err, '取消失败，请重试'), icon: 'none' })
    } finally {
      setBusyId('')
    }
  }

  return (
    <View className='page sales-page my-test-drives'>
      {state.status === 'loading' && <LoadingState />}
      {state.status === 'login' && <EmptyState text='请先在「我的」登录后查看试驾预约' />}
      {state.status === 'error' && <ErrorState message={state.message} onRetry={load} />}
      {state.status === 'ready' && state.items.length === 0 && <EmptyState text='还没有试驾预约' />}
      {state.status === 'ready' &&
        state.items.map((td) => (
          <View key={td.id} className='sales-card test-drive-item' data-id={td.id} data-status={td.status}>
            <View className='sales-card__head'>
              <Text className='sales-card__title'>{td.modelName}</Text>
              <Text className={`tag tag--${td.status}`}>{STATUS_LABELS[td.status]}</Text>
            </View>
            <TestDriveLines td={td} slotClass='test-drive-item__slot' />
            {td.status === 'booked' && (
              <Button className='btn-plain test-drive-item__reschedule' size='mini' disabled={!!busyId || undefined} onClick={() => Taro.navigateTo({ url: rescheduleTestDrivePath(td.id) })}>
                改期
              </Button>
            )}
            {td.status === 'booked' && (
              <Button className='btn-plain test-drive-item__cancel' size='mini' loading={busyId === td.id} disabled={!!busyId || undefined} onClick={() => onCancel(td)}>
                取消预约
              </Button>
            )}
          </View>
        ))}
      <Button className='btn-plain sales-page__wide my-test-drives__new' onClick={() => Taro.navigateTo({ url: testDrivePath() })}>
        预约新的试驾
      </Button>
    </View>
  )
}
