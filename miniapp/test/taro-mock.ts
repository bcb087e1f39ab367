import { vi } from 'vitest'

/**
 * A stand-in for `@tarojs/taro` (installed for every test by test/setup.ts). The real module
 * needs a Taro runtime; tests only need the few APIs the app calls, as spies they can drive.
 */
const storage = new Map<string, unknown>()
const reachBottomHandlers: Array<() => void> = []

export const taroMock = {
  request: vi.fn(),
  login: vi.fn(),
  switchTab: vi.fn(() => Promise.resolve()),
  navigateTo: vi.fn(() => Promise.resolve()),
  navigateBack: vi.fn(() => Promise.resolve()),
  showToast: vi.fn(),
  getStorageSync: vi.fn((key: string) => (storage.has(key) ? storage.get(key) : '')),
  setStorageSync: vi.fn((key: string, value: unknown) => void storage.set(key, value)),
  removeStorageSync: vi.fn((key: string) => void storage.delete(key)),
}

export const routerParams: Record<string, string> = {}

/** Fire the page's onReachBottom handlers, as scrolling to the bottom would. */
export function triggerReachBottom() {
  reachBottomHandlers.forEach((fn) => fn())
}

export function resetTaroMock() {
  storage.clear()
  reachBottomHandlers.length = 0
  for (const key of Object.keys(routerParams)) delete routerParams[key]
  Object.values(taroMock).forEach((fn) => fn.mockClear())
  taroMock.request.mockReset()
  taroMock.login.mockReset()
}

export const taroModule = {
  default: taroMock,
  ...taroMock,
  useLaunch: () => {},
  useDidShow: () => {},
  useReachBottom: (fn: () => void) => {
    reachBottomHandlers.push(fn)
  },
  useRouter: () => ({ params: routerParams }),
}
