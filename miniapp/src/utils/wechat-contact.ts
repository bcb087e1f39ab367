import Taro from '@tarojs/taro'

/** Copy a WeChat ID and say what to do with it (add them in WeChat: a mini-program cannot open that for you). */
export const copyWechatId = (wechatId: string) =>
  Taro.setClipboardData({ data: wechatId }).then(
    () => Taro.showToast({ title: '已复制，打开微信添加好友', icon: 'none' }),
    () => undefined, // refused or cancelled: the ID stays on screen to type
  )
