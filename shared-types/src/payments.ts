/**
 * Which payment methods work where. A method is one provider product: WeChat Pay JSAPI (inside the
 * WeChat mini-program), Native (a QR code shown on a desktop page, scanned with WeChat), H5 (a
 * mobile browser outside WeChat, sent to WeChat's h5_url); Alipay app (my.tradePay in the Alipay
 * mini-program), wap (alipay.trade.wap.pay, a mobile browser) and page (alipay.trade.page.pay, PC).
 */
export const PAY_METHODS = ['jsapi', 'native', 'h5', 'app', 'wap', 'page'] as const;
export type PayMethod = (typeof PAY_METHODS)[number];
export type PayChannel = 'wechat' | 'alipay';
export const CLIENT_PLATFORMS = ['weapp', 'alipay', 'h5-mobile', 'h5-desktop'] as const;
export type ClientPlatform = (typeof CLIENT_PLATFORMS)[number];

export const METHOD_CHANNEL: Record<PayMethod, PayChannel> = { jsapi: 'wechat', native: 'wechat', h5: 'wechat', app: 'alipay', wap: 'alipay', page: 'alipay' };
/** The out_trade_no letter of each method (P and A as before methods existed): `${orderNo}${letter}${n}`. */
export const TRADE_LETTER: Record<PayMethod, string> = { jsapi: 'P', native: 'N', h5: 'H', app: 'A', wap: 'W', page: 'G' };
export const METHOD_LABEL: Record<PayMethod, string> = { jsapi: '微信支付', native: '微信扫码支付', h5: '微信支付', app: '支付宝', wap: '支付宝', page: '支付宝' };

/**
 * How the client carries the payment out: `sdk` (wx.requestPayment / my.tradePay), `qr` (show the
 * code_url as a QR code), `redirect` (send the browser to the URL), `link` (no way to open it here:
 * the buyer copies the link and opens it in a phone browser).
 */
export type Delivery = 'sdk' | 'qr' | 'redirect' | 'link';

/**
 * What each platform offers, primary first, and its backup while WeChat Pay is down.
 * In the WeChat mini-program Alipay cannot run (no SDK, and web-view may not open Alipay's
 * domains), so the backup there is the Alipay wap link to copy into a phone browser. In the
 * Alipay mini-program WeChat Pay is never offered, so nothing changes when it is down.
 */
export const PLATFORM_METHODS: Record<ClientPlatform, { primary: { method: PayMethod; delivery: Delivery }[]; backup: { method: PayMethod; delivery: Delivery }[] }> = {
  weapp: { primary: [{ method: 'jsapi', delivery: 'sdk' }], backup: [{ method: 'wap', delivery: 'link' }] },
  alipay: { primary: [{ method: 'app', delivery: 'sdk' }], backup: [] },
  'h5-mobile': { primary: [{ method: 'h5', delivery: 'redirect' }, { method: 'wap', delivery: 'redirect' }], backup: [] },
  'h5-desktop': { primary: [{ method: 'native', delivery: 'qr' }, { method: 'page', delivery: 'redirect' }], backup: [] },
};

/** Payments recorded before methods existed have none: JSAPI for WeChat, the mini-program for Alipay. */
export const methodOf = (p: { channel: PayChannel; method?: PayMethod }): PayMethod => p.method ?? (p.channel === 'wechat' ? 'jsapi' : 'app');

/**
 * The platform of an H5 request whose client did not say mobile or desktop: the client hint
 * Sec-CH-UA-Mobile (?1 / ?0) when sent, else the User-Agent.
 */
export function h5FormFactor(headers: { mobileHint?: string; userAgent?: string }): 'h5-mobile' | 'h5-desktop' {
  if (headers.mobileHint === '?1') return 'h5-mobile';
  if (headers.mobileHint === '?0') return 'h5-desktop';
  return /Mobile|Android|iPhone|iPad|HarmonyOS/i.test(headers.userAgent ?? '') ? 'h5-mobile' : 'h5-desktop';
}

/** WeChat H5 pay's scene_info.h5_info.type from the User-Agent. */
export const h5TypeOf = (userAgent = ''): 'iOS' | 'Android' | 'Wap' => (/iPhone|iPad|iPod/i.test(userAgent) ? 'iOS' : /Android/i.test(userAgent) ? 'Android' : 'Wap');
