import Taro from '@tarojs/taro'

/** Copy a WeChat ID and say what to do with it (add them in WeChat: a mini-program cannot open that for you). */
export const copyWechatId = (wechatId: string) =>
  Taro.setClipboardData({ data: wechatId }).then(
    () => Taro.showToast({ title: '已复制，打开微信添加好友', icon: 'none' }),
    () => undefined, // refused or cancelled: the ID stays on screen to type
  )

/** "17000000001" → "170 0000 0001", as a number is read out to dial. */
export const spacedNumber = (n: string) => (/^\d{11}$/.test(n) ? `${n.slice(0, 3)} ${n.slice(3, 7)} ${n.slice(7)}` : n)

/** Dial a privacy number (weapp/alipay: the system dialer; H5: a tel: link). A refusal leaves the number on screen. */
export const dialPrivacyNumber = (secretNo: string) => Taro.makePhoneCall({ phoneNumber: secretNo }).catch(() => undefined)
