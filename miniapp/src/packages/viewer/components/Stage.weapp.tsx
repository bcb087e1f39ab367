import { Canvas } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { useEffect } from 'react'
import { WechatPlatform } from 'three-platformize/src/WechatPlatform'
import { CarViewer } from '../lib/engine'
import type { Point } from '../lib/orbit'
import { StageShell, useStage } from './StageShell'
import type { StageProps } from './types'

declare const wx: any

const CANVAS_ID = 'carmall-viewer-canvas'

/** wx.downloadFile (reports progress) + read the temp file as an ArrayBuffer. Abortable. */
function download(url: string, onProgress: (fraction: number) => void): { promise: Promise<ArrayBuffer>; abort: () => void } {
  let task: any = null
  const promise = new Promise<ArrayBuffer>((resolve, reject) => {
    task = wx.downloadFile({
      url,
      success: (res: { statusCode: number; tempFilePath: string }) => {
        if (res.statusCode !== 200) return reject(new Error(`HTTP ${res.statusCode}`))
        wx.getFileSystemManager().readFile({
          filePath: res.tempFilePath,
          success: (r: { data: ArrayBuffer }) => resolve(r.data),
          fail: (e: { errMsg: string }) => reject(new Error(e.errMsg)),
        })
      },
      fail: (e: { errMsg: string }) => reject(new Error(e.errMsg)),
    })
    task?.onProgressUpdate?.((p: { progress: number }) => onProgress(p.progress / 100))
  })
  return { promise, abort: () => task?.abort?.() }
}

const touchPoints = (e: any): Point[] =>
  (e.changedTouches ?? e.touches ?? []).map((t: any) => ({ id: t.identifier, x: t.x ?? t.clientX, y: t.y ?? t.clientY }))

/** weapp: <Canvas type="webgl"> driven by three-platformize's WechatPlatform; touch input. */
export default function Stage(props: StageProps) {
  const { modelUrl } = props
  const { viewerRef, status, progress, setProgress, reason, report, load } = useStage(props)

  useEffect(() => {
    let cancelled = false
    let viewer: CarViewer | null = null
    let abortDownload: (() => void) | null = null
    Taro.nextTick(() => {
      Taro.createSelectorQuery()
        .select(`#${CANVAS_ID}`)
        .fields({ node: true, size: true })
        .exec((res: any[]) => {
          if (cancelled) return
          const info = res?.[0]
          if (!info?.node) {
            report('fallback', '当前微信版本不支持 3D 画布，为您展示车型图片')
            return
          }
          const canvas = info.node
          const pixelRatio = Math.min(Taro.getSystemInfoSync().pixelRatio || 2, 2)
          canvas.width = info.width * pixelRatio
          canvas.height = info.height * pixelRatio
          try {
            const platform = new WechatPlatform(canvas, info.width, info.height)
            viewer = new CarViewer({
              platform,
              canvas,
              width: info.width,
              height: info.height,
              pixelRatio,
              requestFrame: (cb) => canvas.requestAnimationFrame(cb),
              cancelFrame: (id) => canvas.cancelAnimationFrame(id),
            })
          } catch {
            report('fallback', '无法创建 3D 画布，为您展示车型图片')
            return
          }
          viewerRef.current = viewer
          const dl = download(modelUrl, setProgress)
          abortDownload = dl.abort
          load(viewer, dl.promise)
        })
    })
    return () => {
      cancelled = true
      abortDownload?.()
      viewerRef.current = null
      viewer?.dispose()
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [modelUrl])

  return (
    <StageShell {...props} status={status} progress={progress} reason={reason}>
      <Canvas
        type='webgl'
        id={CANVAS_ID}
        className='viewer-stage__canvas'
        disableScroll
        onTouchStart={(e) => viewerRef.current?.pointerDown(touchPoints(e))}
        onTouchMove={(e) => viewerRef.current?.pointerMove(touchPoints(e))}
        onTouchEnd={(e) => viewerRef.current?.pointerUp(touchPoints(e).map((p) => p.id))}
        onTouchCancel={(e) => viewerRef.current?.pointerUp(touchPoints(e).map((p) => p.id))}
      />
    </StageShell>
  )
}
