import { useEffect, useRef, useState } from 'react'
import type { CarViewer } from '../lib/engine'
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

/**
 * The engine (three.js, ~600 KB) in its own chunk: the page shows the car's poster and the
 * progress bar first, then fetches the engine and the model file at the same time.
 */
const loadEngine = () => Promise.all([import('../lib/engine'), import('three-platformize/src/BrowserPlatform')])

/** H5: a DOM <canvas> driven by three-platformize's BrowserPlatform; pointer + wheel input. */
export default function Stage(props: StageProps) {
  const { modelUrl } = props
  const hostRef = useRef<HTMLDivElement | null>(null)
  const { viewerRef, status, progress, setProgress, reason, report, load } = useStage(props)
  const [phase, setPhase] = useState<'engine' | 'model'>('engine')

  useEffect(() => {
    const host = hostRef.current
    if (!host) return
    if (!hasWebGL()) {
      report('fallback', '当前浏览器不支持 WebGL，为您展示车型图片与车漆颜色')
      return
    }
    let cancelled = false
    let stop: (() => void) | undefined
    const abort = new AbortController()
    // Both downloads start now; the model's progress is shown once the engine is there.
    const glb = download(modelUrl, abort.signal, (loaded, total) => setProgress(total ? Math.min(1, loaded / total) : 0))
    glb.catch(() => undefined) // reported by load() below, or moot when the engine fails
    loadEngine().then(
      ([{ CarViewer: Viewer }, { BrowserPlatform }]) => {
        if (cancelled) return
        setPhase('model')
        stop = start(host, Viewer, BrowserPlatform, glb, abort)
      },
      () => {
        if (!cancelled) report('error', '3D 组件加载失败，为您展示车型图片')
      },
    )
    return () => {
      cancelled = true
      abort.abort()
      stop?.()
    }
    // The model file is fixed for the page; useStage pushes appearance/doors changes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [modelUrl])

  /** The canvas, its input and the model, once the engine's code is loaded; returns the cleanup. */
  function start(
    host: HTMLDivElement,
    Viewer: typeof CarViewer,
    BrowserPlatform: typeof import('three-platformize/src/BrowserPlatform').BrowserPlatform,
    glb: Promise<ArrayBuffer>,
    abort: AbortController,
  ): (() => void) | undefined {
    const canvas = document.createElement('canvas')
    canvas.className = 'viewer-stage__canvas'
    host.appendChild(canvas)
    const rect = host.getBoundingClientRect()
    const width = Math.max(1, Math.round(rect.width))
    const height = Math.max(1, Math.round(rect.height))
    let viewer: CarViewer
    try {
      viewer = new Viewer({
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
      return undefined
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
    // Keyboard (PC): the stage takes focus when clicked or tabbed to; arrows turn, +/- zoom.
    const onKey = (e: KeyboardEvent) => {
      if (viewer.key(e.key)) e.preventDefault()
    }
    host.addEventListener('keydown', onKey)
    tracker.onDispose(() => host.removeEventListener('keydown', onKey))
    listen('pointerdown', () => host.focus({ preventScroll: true }))
    const onResize = () => {
      const r = host.getBoundingClientRect()
      if (r.width > 0 && r.height > 0) viewer.resize(Math.round(r.width), Math.round(r.height))
    }
    window.addEventListener('resize', onResize)
    tracker.onDispose(() => window.removeEventListener('resize', onResize))

    tracker.onDispose(() => abort.abort())
    load(viewer, glb)

    return () => {
      viewerRef.current = null
      viewer.dispose()
    }
  }

  return (
    <StageShell {...props} status={status} progress={progress} reason={reason} phase={phase}>
      <div className='viewer-stage__host' ref={hostRef} tabIndex={0} aria-label='3D 看车：拖动或用方向键旋转，滚轮或 +/- 缩放' />
    </StageShell>
  )
}
