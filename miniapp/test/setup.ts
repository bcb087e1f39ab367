import { afterEach, beforeEach, vi } from 'vitest'
import { cleanup } from '@testing-library/react'
import { resetTaroMock } from './taro-mock'

// Every test sees the spy-based stand-in for @tarojs/taro (see taro-mock.ts).
vi.mock('@tarojs/taro', async () => (await import('./taro-mock')).taroModule)

beforeEach(() => resetTaroMock())
afterEach(() => cleanup())

// jsdom has no IntersectionObserver; Taro's H5 <Image lazyLoad> needs one. This stub reports every
// observed element as visible at once, so lazy images get their real src as on a tall screen.
if (!('IntersectionObserver' in globalThis)) {
  class VisibleIntersectionObserver {
    constructor(private readonly callback: (entries: Array<{ isIntersecting: boolean; target: Element }>) => void) {}
    observe(target: Element) {
      this.callback([{ isIntersecting: true, target }])
    }
    unobserve() {}
    disconnect() {}
    takeRecords() {
      return []
    }
  }
  ;(globalThis as any).IntersectionObserver = VisibleIntersectionObserver
}
