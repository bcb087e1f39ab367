import { useCallback, useRef } from 'react'

/**
 * For loads the user can fire again before the last one answered (tapping through days or stores):
 * `begin()` starts a request and returns `isLatest`, which turns false once a newer one has begun,
 * so a slow answer to an earlier tap never replaces the answer to the last one.
 */
export function useLatestRequest(): () => () => boolean {
  const seq = useRef(0)
  return useCallback(() => {
    const id = ++seq.current
    return () => id === seq.current
  }, [])
}
