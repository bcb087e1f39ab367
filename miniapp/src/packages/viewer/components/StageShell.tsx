import { Image, Text, View } from '@tarojs/components'
import { useEffect, useRef, useState, type ReactNode } from 'react'
import type { CarViewer } from '../lib/engine'
import { Gallery } from './Gallery'
import type { StageProps, StageStatus } from './types'
import './stage.scss'

/**
 * What the WebGL stages (Stage.h5.tsx, Stage.weapp.tsx) share: status/progress state, pushing the
 * configurator's appearance and doors into the viewer, loading the .glb into it, and the frame
 * around the canvas (loading bar, or the image gallery when 3D is not possible). Each target only
 * supplies its canvas, its input events and its download.
 */
export function useStage(props: StageProps) {
  const { appearance, doorsOpen, onStatus } = props
  const viewerRef = useRef<CarViewer | null>(null)
  const [status, setStatus] = useState<StageStatus>('loading')
  const [progress, setProgress] = useState(0)
  const [reason, setReason] = useState('')
  // The latest appearance for a model that finishes loading after the user changed it.
  const latest = useRef({ appearance, doorsOpen })
  latest.current = { appearance, doorsOpen }

  const report = (s: StageStatus, detail?: string) => {
    setStatus(s)
    if (detail) setReason(detail)
    onStatus?.(s, detail)
  }

  /** Load the downloaded .glb, apply what the user chose meanwhile, and report "ready" on the first frame with the car. */
  const load = (viewer: CarViewer, glb: Promise<ArrayBuffer>) => {
    glb
      .then((buf) => viewer.load(buf))
      .then(() => {
        if (viewer.tracker.isDisposed) return
        viewer.setAppearance(latest.current.appearance)
        viewer.setDoorsOpen(latest.current.doorsOpen)
        setProgress(1)
        viewer.onFrame = () => {
          viewer.onFrame = null
          report('ready')
        }
        viewer.invalidate()
      })
      .catch((err) => {
        if (viewer.tracker.isDisposed) return
        viewer.dispose() // the gallery replaces the canvas: release the GL context now
        report('error', `模型加载失败（${(err as Error)?.message ?? err}），为您展示车型图片`)
      })
  }

  useEffect(() => {
    viewerRef.current?.setAppearance(appearance)
  }, [appearance])
  useEffect(() => {
    viewerRef.current?.setDoorsOpen(doorsOpen)
  }, [doorsOpen])

  return { viewerRef, status, progress, setProgress, reason, report, load }
}

/**
 * The canvas with its loading bar, or the image gallery after a fallback or an error. While the
 * 3D loads (the engine's code on H5, then the model file) the car's cover in the chosen paint is
 * shown behind the bar: the buyer sees the car at once, and the 3D replaces it when it is drawn.
 */
export function StageShell(props: StageProps & { status: StageStatus; progress: number; reason: string; phase?: 'engine' | 'model'; children: ReactNode }) {
  const { status, progress, appearance } = props
  if (status === 'fallback' || status === 'error') {
    return (
      <Gallery
        name={props.name}
        coverUrl={props.coverUrl}
        paints={props.paints}
        activePaint={appearance.codes.paint}
        paintColor={appearance.paint.color}
        reason={props.reason}
      />
    )
  }
  return (
    <View className='viewer-stage' data-viewer-status={status}>
      {props.children}
      {status === 'loading' && <Image className='viewer-stage__poster' src={props.coverUrl} mode='aspectFit' />}
      {status === 'loading' && (
        <View className='viewer-stage__loading'>
          <View className='viewer-stage__bar'>
            <View className='viewer-stage__bar-fill' style={{ width: `${Math.round(progress * 100)}%` }} />
          </View>
          <Text className='viewer-stage__percent'>{props.phase === 'engine' ? '正在准备 3D 看车…' : `模型加载中 ${Math.round(progress * 100)}%`}</Text>
        </View>
      )}
    </View>
  )
}
