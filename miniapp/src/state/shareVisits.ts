import { useEffect, useState } from 'react'
import Taro from '@tarojs/taro'
import { recordShareVisit } from '../api/advisors'
import { get, getToken } from '../api/client'

/**
 * The device side of attribution: an anonymous visitor id (kept in storage, made once), the last
 * share opened and when, and the signed-in user's roles. The BFF decides who gets credit; the
 * client only makes sure every visit reaches it, again after login so anonymous visits bind.
 */
export const VISITOR_ID_KEY = 'carmall.visitorId'
export const LAST_SHARE_KEY = 'carmall.lastShare'

/** Last share opened on this device; `boundToken` = the session whose visit call bound it. */
export interface LastShare {
  shareId: string
  /** When it was opened (ISO UTC). */
  at: string
  modelCode?: string
  boundToken?: string | null
}

function read<T>(key: string): T | null {
  try {
    const raw = Taro.getStorageSync(key)
    if (!raw) return null
    return (typeof raw === 'string' ? JSON.parse(raw) : raw) as T
  } catch {
    return null
  }
}

function write(key: string, value: unknown) {
  try {
    Taro.setStorageSync(key, JSON.stringify(value))
  } catch {
    // Storage full or unavailable: the visit is still recorded server-side for this session.
  }
}

/** 24 chars of [A-Za-z0-9] (the BFF accepts 16-64 of [A-Za-z0-9_-]); made once per device. */
export function getVisitorId(): string {
  try {
    const id = Taro.getStorageSync(VISITOR_ID_KEY)
    if (typeof id === 'string' && /^[A-Za-z0-9_-]{16,64}$/.test(id)) return id
  } catch {
    /* make a new one */
  }
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
  let id = 'v'
  while (id.length < 24) id += chars[Math.floor(Math.random() * chars.length)]
  try {
    Taro.setStorageSync(VISITOR_ID_KEY, id)
  } catch {
    /* a fresh id per launch is still a valid visitor */
  }
  return id
}

export const readLastShare = () => read<LastShare>(LAST_SHARE_KEY)

/**
 * Record a visit of `shareId` and remember it as the last share. Signed in, the call also binds
 * this device's anonymous visits to the user; remembered so it is not repeated for the same session.
 */
export async function visitShare(shareId: string, modelCode?: string) {
  const token = getToken()
  const res = await recordShareVisit(shareId, getVisitorId())
  write(LAST_SHARE_KEY, { shareId, at: new Date().toISOString(), modelCode, boundToken: token } satisfies LastShare)
  return res
}

/**
 * After a login (on any page): send the last share's visit again with the token so the anonymous
 * visit binds to the user. Best effort (an expired share answers 410: nothing to bind).
 */
export async function bindLastShare(): Promise<boolean> {
  const last = readLastShare()
  const token = getToken()
  if (!last || !token || last.boundToken === token) return false
  // Marked first: several pages may ask at once after one login (only one call is needed).
  write(LAST_SHARE_KEY, { ...last, boundToken: token })
  try {
    await recordShareVisit(last.shareId, getVisitorId())
  } catch {
    /* expired or offline: the booking still carries the visitorId */
  }
  return true
}

// Roles of the signed-in user, asked once per session token (`GET /auth/me`).
let rolesCache: { token: string; roles: Promise<string[]>; known?: string[] } | null = null

export function fetchRoles(): Promise<string[]> {
  const token = getToken()
  if (!token) return Promise.resolve([])
  if (rolesCache?.token !== token) {
    const roles = get<{ id: string; roles: string[] }>('/api/v1/auth/me').then(
      (me) => {
        const known = Array.isArray(me?.roles) ? me.roles : []
        if (rolesCache?.token === token) rolesCache.known = known
        return known
      },
      () => {
        rolesCache = null // retry next time (offline, expired)
        return [] as string[]
      },
    )
    rolesCache = { token, roles }
  }
  return rolesCache.roles
}

/** Roles already fetched for this session (by 我的 or the configurator), without asking the BFF. */
export function knownRoles(): string[] {
  return rolesCache && rolesCache.token === getToken() ? rolesCache.known ?? [] : []
}

/** Test hook: forget cached roles. */
export const resetRolesCache = () => {
  rolesCache = null
}

/** Advisors get the share tools (the BFF checks the role again on every call). */
export const isAdvisorRole = (roles: readonly string[]) => roles.includes('advisor')
/** Who sees the 顾问工作台 entry: advisors, and admins (who see every lead). */
export const isWorkspaceRole = (roles: readonly string[]) => isAdvisorRole(roles) || roles.includes('admin')

/** The signed-in user's roles ([] while unknown or signed out); asked again when `refreshKey` changes. */
export function useRoles(refreshKey?: unknown): string[] {
  const [roles, setRoles] = useState<string[]>([])
  useEffect(() => {
    let alive = true
    fetchRoles().then((r) => alive && setRoles(r))
    return () => {
      alive = false
    }
  }, [refreshKey])
  return roles
}

/** Whether the signed-in user may share as an advisor. */
export const useIsAdvisor = () => isAdvisorRole(useRoles())
