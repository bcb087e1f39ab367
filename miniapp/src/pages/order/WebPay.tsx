import { useCallback, useEffect, useRef, useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { formatFen, type ClientPlatform, type PayMethod } from '@carmall/shared-types'
import { getPaymentOptions, startPayment, syncPayments, type Order, type PaymentOptions, type StartedPayment } from '../../api/orders'
import { PayQr } from '../../components/PayQr'
import { errorText, formatCountdown } from './parts'
import { pollUntilSettled } from './pay'

/** How often to ask the server whether the payment arrived while a QR code or cashier is open. */
const POLL_MS = 2000

/**
 * Paying outside the mini-program's own SDK: on H5 the methods that work there (mobile: WeChat
 * H5 pay and Alipay wap; desktop ≥1280 px: the WeChat Native QR code and Alipay page pay), and in
 * the WeChat mini-program only the backup while WeChat Pay is down (the Alipay link to copy).
 * While the order is unpaid it follows the server (polling the order); coming back from a
 * cashier it asks the server to query the provider once.
 */
export function WebPay({ order, platform, autoStart, remaining, onOrder, onlyBackup = false }: {
  order: Order
  platform: ClientPlatform
  /** Desktop from checkout: show the QR code at once. */
  autoStart: boolean
  remaining: number | null
  onOrder: (o: Order) => void
  /** weapp: WeChat Pay itself is the page's own button; show only the backup. */
  onlyBackup?: boolean
}) {
  const [opts, setOpts] = useState<PaymentOptions | null>(null)
  const [qr, setQr] = useState<StartedPayment | null>(null)
  const [busy, setBusy] = useState<PayMethod | null>(null)
  const [error, setError] = useState<string | null>(null)
  const alive = useRef(true)
  const autoDone = useRef(false)
  useEffect(() => () => void (alive.current = false), [])

  const loadOptions = useCallback(async () => {
    const next = await getPaymentOptions(order.orderNo, platform).catch(() => null)
    if (alive.current && next) setOpts(next)
    return next
  }, [order.orderNo, platform])

  const start = useCallback(
    async (method: PayMethod) => {
      setBusy(method)
      setError(null)
      try {
        const p = await startPayment(order.orderNo, method, platform)
        if (!alive.current) return
        if (p.delivery === 'qr') setQr(p)
        else if (p.delivery === 'link' && p.payUrl) {
          await Taro.setClipboardData({ data: p.payUrl })
          Taro.showToast({ title: '已复制支付宝付款链接，请在手机浏览器中打开完成支付', icon: 'none', duration: 4000 })
        } else if (p.payUrl) {
          window.location.href = p.payUrl // WeChat's / Alipay's cashier; it comes back to this page
          return
        }
      } catch (err) {
        if (!alive.current) return
        setError(errorText(err, '发起支付失败，请重试'))
        setQr(null)
        loadOptions() // WeChat Pay failing: the options now offer the backup
      } finally {
        if (alive.current) setBusy(null)
      }
    },
    [order.orderNo, platform, loadOptions],
  )

  // First: the options; back from a cashier (an open payment), ask the provider once.
  useEffect(() => {
    loadOptions().then(async (o) => {
      if (!o || !alive.current) return
      if (o.open && !onlyBackup) {
        const synced = await syncPayments(order.orderNo).catch(() => null)
        if (synced && alive.current) onOrder(synced)
        if (synced && synced.state !== 'pending_payment') return
      }
      const native = o.methods.find((m) => m.method === 'native' && m.available)
      if (native && (autoStart || o.open?.method === 'native') && !autoDone.current) {
        autoDone.current = true
        start('native')
      }
    })
  }, [loadOptions, order.orderNo, autoStart, onlyBackup, onOrder, start])

  // Follow the order until it is paid (a QR code scanned, a cashier paid in another tab).
  useEffect(() => {
    let stopped = false
    pollUntilSettled(order.orderNo, { timeoutMs: Math.max(0, Date.parse(order.paymentDeadline) - Date.now()) + 5000, intervalMs: POLL_MS, stopped: () => stopped || !alive.current, onOrder })
    return () => void (stopped = true)
  }, [order.orderNo, order.paymentDeadline, onOrder])

  if (!opts) return null
  const methods = opts.methods.filter((m) => !onlyBackup || m.backup)
  if (onlyBackup && methods.length === 0 && !opts.notice) return null
  return (
    <View className='pay-web' data-platform={opts.platform} data-backup={String(opts.backup)}>
      {opts.notice && <Text className='pay-notice'>{opts.notice}</Text>}
      {qr?.codeUrl && (
        <View className='pay-qr' data-code-url={qr.codeUrl} data-out-trade-no={qr.outTradeNo}>
          <PayQr value={qr.codeUrl} />
          <View className='pay-qr__side'>
            <Text className='pay-qr__title'>请使用微信扫一扫完成支付</Text>
            <Text className='pay-qr__amount'>{formatFen(qr.amountFen)}</Text>
            {remaining !== null && <Text className='pay-qr__line'>剩余支付时间 {formatCountdown(remaining)}</Text>}
            <Text className='pay-qr__line'>支付完成后，本页会自动更新</Text>
          </View>
        </View>
      )}
      <View className='pay-methods'>
        {methods.map((m) => (
          <View key={m.method} className='pay-method-row'>
            <Button
              className={`pay-method pay-method--${m.channel}`}
              data-method={m.method}
              data-available={String(m.available)}
              loading={busy === m.method}
              disabled={!m.available || !!busy || undefined}
              onClick={() => start(m.method)}
            >
              {m.delivery === 'link' ? '复制支付宝付款链接' : m.method === 'native' && qr ? '刷新二维码' : m.label}
            </Button>
            {/* The notice already says why WeChat Pay is unavailable. */}
            {m.reason && m.reason !== opts.notice && <Text className='pay-method__reason'>{m.reason}</Text>}
          </View>
        ))}
      </View>
      {methods.some((m) => m.delivery === 'link') && <Text className='pay-web__hint'>小程序内无法打开支付宝：复制链接后在手机浏览器中打开，按提示在支付宝完成支付。</Text>}
      {error && error !== opts.notice && (
        <Text className='pay-result pay-result--failed' data-outcome='failed'>
          {error}
        </Text>
      )}
    </View>
  )
}
