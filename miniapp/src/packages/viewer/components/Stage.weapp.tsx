import { Canvas, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { useEffect, useRef, useState } from 'react'
import { WechatPlatform } from 'three-platformize/src/WechatPlatform'
import { CarViewer } from '../lib/engine'
import type { Point } from '../lib/orbit'
import { Gallery } from './Gallery'
import type { StageProps, StageStatus } from './types'

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
  const { modelUrl, appearance, doorsOpen, onStatus } = props
  const viewerRef = useRef<CarViewer | null>(null)
  const [status, setStatus] = useState<StageStatus>('loading')
  const [progress, setProgress] = useState(0)
  const [reason, setReason] = useState('')
  const latest = useRef({ appearance, doorsOpen })
  latest.current = { appearance, doorsOpen }

  const report = (s: StageStatus, detail?: string) => {
    setStatus(s)
    if (detail) setReason(detail)
    onStatus?.(s, detail)
  }

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
          const v = viewer
          const dl = download(modelUrl, setProgress)
          abortDownload = dl.abort
          dl.promise
            .then((glb) => v.load(glb))
            .then(() => {
              if (v.tracker.isDisposed) return
              v.setAppearance(latest.current.appearance)
              v.setDoorsOpen(latest.current.doorsOpen)
              v.onFrame = () => {
                v.onFrame = null
                report('ready')
              }
              v.invalidate()
            })
            .catch((err) => {
              if (v.tracker.isDisposed) return
              v.dispose()
              report('error', `模型加载失败（${(err as Error)?.message ?? err}），为您展示车型图片`)
            })
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

  useEffect(() => {
    viewerRef.current?.setAppearance(appearance)
  }, [appearance])
  useEffect(() => {
    viewerRef.current?.setDoorsOpen(doorsOpen)
  }, [doorsOpen])

  if (status === 'fallback' || status === 'error') {
    return (
      <Gallery
        name={props.name}
        coverUrl={props.coverUrl}
        paints={props.paints}
        activePaint={appearance.codes.paint}
        paintColor={appearance.paint.color}
        reason={reason}
      />
    )
  }
  return (
    <View className='viewer-stage' data-viewer-status={status}>
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
      {status === 'loading' && (
        <View className='viewer-stage__loading'>
          <View className='viewer-stage__bar'>
            <View className='viewer-stage__bar-fill' style={{ width: `${Math.round(progress * 100)}%` }} />
          </View>
          <Text className='viewer-stage__percent'>模型加载中 {Math.round(progress * 100)}%</Text>
        </View>
      )}
    </View>
  )
}
