import { useEffect, useRef } from 'react'
import { BrowserPlatform } from 'three-platformize/src/BrowserPlatform'
import { CarViewer } from '../lib/engine'
import type { Point } from '../lib/orbit'
import { StageShell, useStage } from './StageShell'
import type { StageProps } from './types'

/** Download with progress (fetch + stream reader); `onProgress(loaded, total|null)`. */
async function download(url: string, signal: AbortSignal, onProgress: (loaded: number, total: number | null) => void): Promise<ArrayBuffer> {
  const res = await fetch(url, { signal })
  if (!res.ok) throw new Error(`HTTP ${res.status}`)
  const total = Number(res.headers.get('content-length')) || null
  if (!res.body) {
    const buf = await res.arrayBuffer()
    onProgress(buf.byteLength, buf.byteLength)
    return buf
  }
  const reader = res.body.getReader()
  const chunks: Uint8Array[] = []
  let loaded = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    chunks.push(value)
    loaded += value.byteLength
    onProgress(loaded, total)
  }
  const out = new Uint8Array(loaded)
  let o = 0
  for (const c of chunks) {
    out.set(c, o)
    o += c.byteLength
  }
  return out.buffer
}

export function hasWebGL(): boolean {
  try {
    const c = document.createElement('canvas')
    return !!(c.getContext('webgl') || c.getContext('experimental-webgl'))
  } catch {
    return false
  }
}

/** H5: a DOM <canvas> driven by three-platformize's BrowserPlatform; pointer + wheel input. */
export default function Stage(props: StageProps) {
  const { modelUrl } = props
  const hostRef = useRef<HTMLDivElement | null>(null)
  const { viewerRef, status, progress, setProgress, reason, report, load } = useStage(props)

  useEffect(() => {
    const host = hostRef.current
    if (!host) return
    if (!hasWebGL()) {
      report('fallback', '当前浏览器不支持 WebGL，为您展示车型图片与车漆颜色')
      return
    }
    const canvas = document.createElement('canvas')
    canvas.className = 'viewer-stage__canvas'
    host.appendChild(canvas)
    const rect = host.getBoundingClientRect()
    const width = Math.max(1, Math.round(rect.width))
    const height = Math.max(1, Math.round(rect.height))
    let viewer: CarViewer
    try {
      viewer = new CarViewer({
        platform: new BrowserPlatform(),
        canvas,
        width,
        height,
        pixelRatio: window.devicePixelRatio || 1,
        requestFrame: (cb) => window.requestAnimationFrame(cb),
        cancelFrame: (id) => window.cancelAnimationFrame(id),
      })
    } catch (err) {
      canvas.remove()
      report('fallback', '无法创建 3D 画布，为您展示车型图片与车漆颜色')
      return
    }
    viewerRef.current = viewer
    const { tracker } = viewer
    tracker.onDispose(() => canvas.remove())

    // Input: pointer events cover mouse and touch; two touch pointers pinch.
    const active = new Map<number, Point>()
    const pt = (e: PointerEvent): Point => {
      const r = canvas.getBoundingClientRect()
      return { id: e.pointerId, x: e.clientX - r.left, y: e.clientY - r.top }
    }
    const listen = <K extends keyof HTMLElementEventMap>(type: K, fn: (e: HTMLElementEventMap[K]) => void, opts?: AddEventListenerOptions) => {
      canvas.addEventListener(type, fn as EventListener, opts)
      tracker.onDispose(() => canvas.removeEventListener(type, fn as EventListener, opts))
    }
    listen('pointerdown', (e) => {
      const p = pt(e)
      active.set(p.id, p)
      canvas.setPointerCapture?.(e.pointerId)
      viewer.pointerDown([p])
    })
    listen('pointermove', (e) => {
      if (!active.has(e.pointerId)) return
      const p = pt(e)
      active.set(p.id, p)
      viewer.pointerMove([p])
    })
    const lift = (e: PointerEvent) => {
      if (!active.delete(e.pointerId)) return
      viewer.pointerUp([e.pointerId])
    }
    listen('pointerup', lift)
    listen('pointercancel', lift)
    listen('wheel', (e) => {
      e.preventDefault()
      viewer.wheel(e.deltaY)
    }, { passive: false })
    const onResize = () => {
      const r = host.getBoundingClientRect()
      if (r.width > 0 && r.height > 0) viewer.resize(Math.round(r.width), Math.round(r.height))
    }
    window.addEventListener('resize', onResize)
    tracker.onDispose(() => window.removeEventListener('resize', onResize))

    const abort = new AbortController()
    tracker.onDispose(() => abort.abort())
    load(viewer, download(modelUrl, abort.signal, (loaded, total) => setProgress(total ? Math.min(1, loaded / total) : 0)))

    return () => {
      viewerRef.current = null
      viewer.dispose()
    }
    // The model file is fixed for the page; useStage pushes appearance/doors changes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [modelUrl])

  return (
    <StageShell {...props} status={status} progress={progress} reason={reason}>
      <div className='viewer-stage__host' ref={hostRef} />
    </StageShell>
  )
}
