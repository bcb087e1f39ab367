import type { ResolvedConfig } from '@carmall/shared-types'
import { del, get, post } from './client'

/** Body of `POST /configurations` and `POST /configurations/saved`. */
export interface ConfigurationRequest {
  modelCode: string
  trimCode: string
  /** The buyer's explicit choices, oldest first (`ResolvedConfig.explicit`). */
  selections: string[]
}

export interface PricedConfiguration {
  config: ResolvedConfig
  modelVersion: number
}

export interface SavedConfiguration {
  /** 8-character shareable id. */
  shortId: string
  modelCode: string
  modelName: string
  trimCode: string
  trimName: string
  /** The configuration with the prices frozen when it was saved. */
  config: ResolvedConfig
  /** The same choices priced now. */
  current: { valid: boolean; totalFen: number | null; reason: string | null }
  createdAt: string
}

/** `POST /api/v1/configurations`: the server validates and prices (it is the authority). */
export function priceConfiguration(body: ConfigurationRequest): Promise<PricedConfiguration> {
  return post<PricedConfiguration>('/api/v1/configurations', body)
}

/** `POST /api/v1/configurations/saved` (anonymous allowed; with a token it is listed under 我的). Idempotent. */
export function saveConfiguration(body: ConfigurationRequest): Promise<SavedConfiguration> {
  return post<SavedConfiguration>('/api/v1/configurations/saved', body)
}

/** `GET /api/v1/configurations/saved/:shortId` */
export function getSavedConfiguration(shortId: string): Promise<SavedConfiguration> {
  return get<SavedConfiguration>(`/api/v1/configurations/saved/${encodeURIComponent(shortId)}`)
}

/** `GET /api/v1/me/configurations` (signed in). */
export function listMyConfigurations(): Promise<{ items: SavedConfiguration[] }> {
  return get<{ items: SavedConfiguration[] }>('/api/v1/me/configurations')
}

/** `DELETE /api/v1/me/configurations/:shortId` (signed in) → 204. */
export function deleteMyConfiguration(shortId: string): Promise<void> {
  return del(`/api/v1/me/configurations/${encodeURIComponent(shortId)}`)
}

/** Path of the configurator page showing a saved configuration (share links, 我的配置). */
export const savedConfigPath = (shortId: string) => `/pages/model/index?saved=${shortId}`
