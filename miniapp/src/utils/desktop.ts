import { useEffect, useState } from 'react'

/** The width from which H5 is the PC site: the showroom's 3D stage, the WeChat Pay QR code. */
export const DESKTOP_MIN_WIDTH = 1280
const query = `(min-width: ${DESKTOP_MIN_WIDTH}px)`

/** Whether the window is desktop-wide now, following resizes (always false in the mini-programs). */
export function useDesktop(): boolean {
  const mq = typeof window !== 'undefined' && window.matchMedia ? window.matchMedia(query) : null
  const [desktop, setDesktop] = useState(() => !!mq?.matches)
  useEffect(() => {
    if (!mq) return
    const on = () => setDesktop(mq.matches)
    mq.addEventListener?.('change', on)
    return () => mq.removeEventListener?.('change', on)
  }, [mq])
  return desktop
}
