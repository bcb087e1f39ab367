/**
 * Paying the intent deposit. Only the server knows whether money arrived (WeChat Pay notifies the
 * BFF): what wx.requestPayment reports is a hint, after which the order is polled until it leaves
 * `pending_payment`.
 */
import Taro from '@tarojs/taro'
import { getOrder, type Order, type WechatPayParams } from '../../api/orders'

/**
 * WeChat JSAPI payment can only run inside the WeChat mini-program. On H5 and Alipay the page shows
 * "请在微信中完成支付" and waits for the server to see the payment.
 */
export const WECHAT_PAY_IN_APP = process.env.TARO_ENV === 'weapp'
/** Inside the Alipay mini-program the deposit is paid with my.tradePay. */
export const ALIPAY_IN_APP = process.env.TARO_ENV === 'alipay'

/** What the client-side payment call reported; 'unknown' (Alipay 8000/6004) means: ask the server now. */
export type PayOutcome = 'ok' | 'unknown' | 'cancelled' | 'failed'

/** Call wx.requestPayment with exactly the server's parameters. Never throws. */
export async function requestWechatPayment(params: WechatPayParams): Promise<{ outcome: PayOutcome; errMsg?: string }> {
  try {
    await Taro.requestPayment({
      timeStamp: params.timeStamp,
      nonceStr: params.nonceStr,
      package: params.package,
      signType: params.signType,
      paySign: params.paySign,
    })
    return { outcome: 'ok' }
  } catch (err) {
    const errMsg = String((err as { errMsg?: string })?.errMsg ?? (err as Error)?.message ?? '')
    // "requestPayment:fail cancel" is the buyer closing the payment sheet.
    return { outcome: /cancel/i.test(errMsg) ? 'cancelled' : 'failed', errMsg }
  }
}

/**
 * my.tradePay with the server's trade number. Never throws. Result codes: 9000 paid; 8000 (being
 * processed) and 6004 (result unknown) are 'unknown': the caller asks the server to query Alipay;
 * 6001 the buyer cancelled; anything else failed.
 */
export async function requestAlipayPayment(tradeNO: string): Promise<{ outcome: PayOutcome; errMsg?: string }> {
  try {
    const res = (await Taro.tradePay({ tradeNO } as never)) as unknown as { resultCode?: string; memo?: string }
    const code = String(res?.resultCode ?? '')
    if (code === '9000') return { outcome: 'ok' }
    if (code === '8000' || code === '6004') return { outcome: 'unknown' }
    if (code === '6001') return { outcome: 'cancelled' }
    return { outcome: 'failed', errMsg: res?.memo || code }
  } catch (err) {
    return { outcome: 'failed', errMsg: String((err as { errorMessage?: string })?.errorMessage ?? (err as Error)?.message ?? '') }
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

export interface PollOptions {
  /** Stop after this long (ms) even if the order is still pending. */
  timeoutMs: number
  intervalMs: number
  /** Return true to stop early (the page went away). */
  stopped?: () => boolean
  /** Every order read, pending or not. */
  onOrder?: (order: Order) => void
}

/**
 * Read the order now and then every `intervalMs` until it is no longer awaiting payment, the time is
 * up or `stopped()`. Resolves with the last order read (null if none could be read). Read errors
 * are ignored (a flaky network must not end the wait early).
 */
export async function pollUntilSettled(orderNo: string, opts: PollOptions): Promise<Order | null> {
  const until = Date.now() + opts.timeoutMs
  let last: Order | null = null
  for (;;) {
    if (opts.stopped?.()) return last
    try {
      last = await getOrder(orderNo)
      if (opts.stopped?.()) return last
      opts.onOrder?.(last)
      if (last.state !== 'pending_payment') return last
    } catch {
      // keep polling
    }
    if (Date.now() + opts.intervalMs > until) return last
    await sleep(opts.intervalMs)
  }
}
