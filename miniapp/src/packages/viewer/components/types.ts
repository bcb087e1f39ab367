import type { Appearance } from '../lib/appearance'

export type StageStatus = 'loading' | 'ready' | 'error' | 'fallback'

export interface PaintSwatch {
  code: string
  name: string
  swatch?: string
}

/** What every target's Stage gets from the page (the Stage decides how to show it). */
export interface StageProps {
  /** URL of the body type's .glb (GET /media/car-models/<bodyType>.glb). */
  modelUrl: string
  appearance: Appearance
  doorsOpen: boolean
  /** For the image fallback. */
  name: string
  coverUrl: string
  paints: PaintSwatch[]
  onStatus?: (status: StageStatus, detail?: string) => void
}
