import Taro from '@tarojs/taro'
import type { SavedConfiguration } from '../api/configurations'

/**
 * Saved configurations remembered on this device, so anonymous saves (H5 cannot log in) are still
 * findable under 我的 → 我的配置. The BFF holds the configurations; this is only an index of ids
 * with enough to show a list row.
 */
export const SAVED_CONFIGS_KEY = 'carmall.savedConfigs'
const MAX_ENTRIES = 50

export interface LocalSavedConfig {
  shortId: string
  modelCode: string
  modelName: string
  trimName: string
  /** Total when saved (integer fen). */
  totalFen: number
  createdAt: string
}

export function readLocalSavedConfigs(): LocalSavedConfig[] {
  try {
    const raw = Taro.getStorageSync(SAVED_CONFIGS_KEY)
    const list = typeof raw === 'string' ? (raw ? JSON.parse(raw) : []) : raw
    return Array.isArray(list) ? list.filter((e) => e && typeof e.shortId === 'string') : []
  } catch {
    return [] // unreadable storage or bad JSON: start over rather than break 我的
  }
}

function write(list: LocalSavedConfig[]) {
  try {
    Taro.setStorageSync(SAVED_CONFIGS_KEY, JSON.stringify(list.slice(0, MAX_ENTRIES)))
  } catch {
    // Storage full or unavailable: the configuration is saved on the server anyway.
  }
}

/** Remember a save (newest first; saving the same configuration again moves it to the top). */
export function rememberSavedConfig(saved: SavedConfiguration): void {
  const entry: LocalSavedConfig = {
    shortId: saved.shortId,
    modelCode: saved.modelCode,
    modelName: saved.modelName,
    trimName: saved.trimName,
    totalFen: saved.config.totalFen,
    createdAt: saved.createdAt,
  }
  write([entry, ...readLocalSavedConfigs().filter((e) => e.shortId !== saved.shortId)])
}

export function forgetSavedConfig(shortId: string): void {
  write(readLocalSavedConfigs().filter((e) => e.shortId !== shortId))
}
