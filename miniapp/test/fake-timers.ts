import { act } from '@testing-library/react'
import { vi } from 'vitest'

/** With fake timers nothing moves by itself: let pending requests answer and React render. */
export const settle = () =>
  act(async () => {
    for (let i = 0; i < 5; i++) await vi.advanceTimersByTimeAsync(0)
  })

/** Move the fake clock on by `ms`, running what falls due, inside act(). */
export const advance = (ms: number) =>
  act(async () => {
    await vi.advanceTimersByTimeAsync(ms)
  })
