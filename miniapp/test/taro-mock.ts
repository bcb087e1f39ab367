import { vi } from 'vitest'

/**
 * A stand-in for `@tarojs/taro` (installed for every test by test/setup.ts). The real module
 * needs a Taro runtime; tests only need the few APIs the app calls, as spies they can drive.
 */
const storage = new Map<string, unknown>()
const reachBottomHandlers: Array<() => void> = []
const didShowHandlers: Array<() => void> = []
const didHideHandlers: Array<() => void> = []
const shareHandlers: Array<(res?: unknown) => unknown> = []

/** A minimal Taro.eventCenter: on/off/trigger with spies, cleared between tests. */
const listeners = new Map<string, Array<(...args: any[]) => void>>()
export const eventCenter = {
  on: vi.fn((name: string, fn: (...args: any[]) => void) => {
    listeners.set(name, [...(listeners.get(name) ?? []), fn])
  }),
  off: vi.fn((name: string, fn?: (...args: any[]) => void) => {
    listeners.set(name, fn ? (listeners.get(name) ?? []).filter((f) => f !== fn) : [])
  }),
  trigger: vi.fn((name: string, ...args: any[]) => {
    for (const fn of listeners.get(name) ?? []) fn(...args)
  }),
}

/** How many handlers are subscribed to an event (to check pages unsubscribe on unload). */
export const listenerCount = (name: string) => (listeners.get(name) ?? []).length

export const taroMock = {
  request: vi.fn(),
  login: vi.fn(),
  switchTab: vi.fn(() => Promise.resolve()),
  navigateTo: vi.fn(() => Promise.resolve()),
  navigateBack: vi.fn(() => Promise.resolve()),
  redirectTo: vi.fn(() => Promise.resolve()),
  requestPayment: vi.fn(() => Promise.resolve({ errMsg: 'requestPayment:ok' })),
  tradePay: vi.fn(() => Promise.resolve({ resultCode: '9000' })),
  showToast: vi.fn(),
  getStorageSync: vi.fn((key: string) => (storage.has(key) ? storage.get(key) : '')),
  setStorageSync: vi.fn((key: string, value: unknown) => void storage.set(key, value)),
  removeStorageSync: vi.fn((key: string) => void storage.delete(key)),
  setNavigationBarTitle: vi.fn(() => Promise.resolve()),
  setClipboardData: vi.fn(() => Promise.resolve()),
  makePhoneCall: vi.fn(() => Promise.resolve()),
  showModal: vi.fn(() => Promise.resolve({ confirm: true, cancel: false })),
  downloadFile: vi.fn((opts: { url: string }) => Promise.resolve({ statusCode: 200, tempFilePath: `wxfile://tmp/${opts.url.split('/').pop()}` })),
  saveImageToPhotosAlbum: vi.fn(() => Promise.resolve({ errMsg: 'saveImageToPhotosAlbum:ok' })),
  openSetting: vi.fn(() => Promise.resolve({ authSetting: {} })),
  getLaunchOptionsSync: vi.fn(() => ({ path: 'pages/index/index', query: {} as Record<string, string>, scene: 1001 })),
  requestSubscribeMessage: vi.fn((opts: { tmplIds: string[] }) => Promise.resolve({ errMsg: 'requestSubscribeMessage:ok', ...Object.fromEntries(opts.tmplIds.map((id) => [id, 'accept'])) })),
  pageScrollTo: vi.fn(() => Promise.resolve()),
  scanCode: vi.fn(() => Promise.resolve({ result: '', scanType: 'CODE_39', charSet: 'utf-8', errMsg: 'scanCode:ok' })),
}

export const routerParams: Record<string, string> = {}

/** Fire the page's onReachBottom handlers, as scrolling to the bottom would. */
export function triggerReachBottom() {
  reachBottomHandlers.forEach((fn) => fn())
}

/** Fire the page's onHide handlers, as leaving the page (or the app going to the background) would. */
export function triggerDidHide() {
  didHideHandlers.forEach((fn) => fn())
}

/** What the page's onShareAppMessage answers (its latest render's handler, as Taro keeps it in a ref). */
export function triggerShareAppMessage(res: unknown = { from: 'menu' }) {
  return shareHandlers[shareHandlers.length - 1]?.(res)
}

/** Fire the page's onShow handlers, as coming back to the page would. */
export function triggerDidShow() {
  didShowHandlers.forEach((fn) => fn())
}

export function resetTaroMock() {
  storage.clear()
  listeners.clear()
  Object.values(eventCenter).forEach((fn) => fn.mockClear())
  reachBottomHandlers.length = 0
  didShowHandlers.length = 0
  didHideHandlers.length = 0
  shareHandlers.length = 0
  for (const key of Object.keys(routerParams)) delete routerParams[key]
  Object.values(taroMock).forEach((fn) => fn.mockClear())
  taroMock.request.mockReset()
  taroMock.login.mockReset()
  taroMock.requestPayment.mockReset()
  taroMock.requestPayment.mockImplementation(() => Promise.resolve({ errMsg: 'requestPayment:ok' }))
  taroMock.tradePay.mockImplementation(() => Promise.resolve({ resultCode: '9000' }))
}

export const taroModule = {
  default: { ...taroMock, eventCenter },
  ...taroMock,
  eventCenter,
  useLaunch: () => {},
  useDidShow: (fn: () => void) => {
    didShowHandlers.push(fn)
  },
  useDidHide: (fn: () => void) => {
    didHideHandlers.push(fn)
  },
  useShareAppMessage: (fn: (res?: unknown) => unknown) => {
    shareHandlers.push(fn)
  },
  useReachBottom: (fn: () => void) => {
    reachBottomHandlers.push(fn)
  },
  useRouter: () => ({ params: routerParams }),
}
