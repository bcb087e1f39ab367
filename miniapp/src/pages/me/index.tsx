import { useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro, { useDidShow } from '@tarojs/taro'
import { canWechatLogin, logout, wechatLogin } from '../../api/auth'
import { ApiError, getToken } from '../../api/client'
import './index.scss'

const openMyConfigs = () => Taro.navigateTo({ url: '/pages/my-configs/index' })

export default function MePage() {
  const [loggedIn, setLoggedIn] = useState(() => !!getToken())
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')

  // Another page may have logged in or out since this tab was last shown.
  useDidShow(() => setLoggedIn(!!getToken()))

  const onLogin = async () => {
    setBusy(true)
    setError('')
    try {
      const res = await wechatLogin()
      setLoggedIn(true)
      Taro.showToast({ title: res.user.isNew ? '欢迎加入' : '登录成功', icon: 'success' })
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '登录失败，请重试')
    } finally {
      setBusy(false)
    }
  }

  const onLogout = () => {
    logout()
    setLoggedIn(false)
  }

  return (
    <View className='page me-page'>
      <View className='me-card'>
        <Text className='me-card__title'>{loggedIn ? '已登录' : '未登录'}</Text>
        <Text className='me-card__hint'>
          {loggedIn ? '已可预约试驾、下订与查看订单。' : '登录后可预约试驾、下订与查看订单。'}
        </Text>
      </View>

      <View className='me-entry me-entry--configs' onClick={openMyConfigs}>
        <Text className='me-entry__title'>我的配置</Text>
        <Text className='me-entry__arrow'>›</Text>
      </View>

      {!canWechatLogin && !loggedIn && (
        // WeChat login needs wx.login, which only exists inside the WeChat mini-program.
        <Text className='me-page__notice'>登录仅支持在微信小程序中使用，请在微信中搜索“车商城”小程序。</Text>
      )}
      {canWechatLogin && !loggedIn && (
        <Button className='btn-primary' loading={busy} disabled={busy} onClick={onLogin}>
          微信登录
        </Button>
      )}
      {loggedIn && (
        <Button className='btn-plain' onClick={onLogout}>
          退出登录
        </Button>
      )}
      {error && <Text className='me-page__error'>{error}</Text>}
    </View>
  )
}
