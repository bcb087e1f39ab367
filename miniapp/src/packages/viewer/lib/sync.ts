/**
 * The viewer <-> configurator contract (keep exactly; the configurator pages rely on it):
 * - opened as /packages/viewer/pages/index?model=<modelCode>&trim=<trimCode>&selected=<A,B,C>
 * - a choice made in the viewer: Taro.eventCenter.trigger('configurator:choice', { modelCode, code })
 * - the configurator's state changed: Taro.eventCenter.on('configurator:changed', ({ modelCode, config }) => …)
 *   where config.selected is the full list of selected option codes.
 */
import Taro from '@tarojs/taro'

export const CHOICE_EVENT = 'configurator:choice'
export const CHANGED_EVENT = 'configurator:changed'

export interface ChoicePayload {
  modelCode: string
  code: string
}
export interface ChangedPayload {
  modelCode: string
  config: { selected: string[]; trimCode?: string }
}

export function viewerUrl(modelCode: string, trimCode?: string, selected: readonly string[] = []): string {
  const q = [`model=${encodeURIComponent(modelCode)}`]
  if (trimCode) q.push(`trim=${encodeURIComponent(trimCode)}`)
  if (selected.length) q.push(`selected=${encodeURIComponent(selected.join(','))}`)
  return `/packages/viewer/pages/index?${q.join('&')}`
}

export function announceChoice(modelCode: string, code: string) {
  const payload: ChoicePayload = { modelCode, code }
  Taro.eventCenter.trigger(CHOICE_EVENT, payload)
}

/** Follow the configurator's selection for `modelCode`; returns the unsubscribe function. */
export function followConfigurator(modelCode: string, apply: (selected: string[], trimCode?: string) => void): () => void {
  const handler = (payload: ChangedPayload | undefined) => {
    if (!payload || payload.modelCode !== modelCode || !Array.isArray(payload.config?.selected)) return
    apply(payload.config.selected, payload.config.trimCode)
  }
  Taro.eventCenter.on(CHANGED_EVENT, handler)
  return () => Taro.eventCenter.off(CHANGED_EVENT, handler)
}
