import Taro from '@tarojs/taro'
import { getToken } from '../api/client'
import { getMe, recordConsent, type ConsentChannel } from '../api/me'

/**
 * The privacy-policy version the app asks consent for. The one place to bump it: every user is
 * asked again (once) after a change.
 */
export const PRIVACY_POLICY_VERSION = '2026.11'
/** Storage key of the local consent decision (see StoredConsent). */
export const PRIVACY_CONSENT_KEY = 'carmall.privacyConsent'
/** Storage key of the signed-in user's id (set at login), to record a consent once per user. */
export const USER_ID_KEY = 'carmall.userId'

export const CONSENT_CHANNEL: ConsentChannel =
  process.env.TARO_ENV === 'weapp' ? 'weapp' : process.env.TARO_ENV === 'alipay' ? 'alipay' : 'h5'

/** Short summary shown in the consent modal and on the 我的 page. */
export const PRIVACY_SUMMARY =
  '为向您提供选车、下订和售后服务，我们会在您登录后处理您的手机号、登录标识和订单信息，个人信息加密存储，页面中仅显示脱敏内容。您可随时在“我的”中导出数据或注销账号。'

export interface StoredConsent {
  version: string
  granted: boolean
  /** When the user decided (ISO time). */
  at: string
  /** User ids the BFF already has this decision for. */
  recordedFor: string[]
}

export function readConsent(): StoredConsent | null {
  try {
    const raw = Taro.getStorageSync(PRIVACY_CONSENT_KEY)
    const value = typeof raw === 'string' && raw ? JSON.parse(raw) : raw
    if (value && typeof value === 'object' && typeof value.version === 'string') {
      return { granted: !!value.granted, at: String(value.at ?? ''), recordedFor: Array.isArray(value.recordedFor) ? value.recordedFor : [], version: value.version }
    }
  } catch {
    /* unreadable: ask again */
  }
  return null
}

function writeConsent(c: StoredConsent) {
  try {
    Taro.setStorageSync(PRIVACY_CONSENT_KEY, JSON.stringify(c))
  } catch {
    /* storage full: asked again next launch */
  }
}

/** True until the user has answered (同意 or 不同意) for the current policy version. */
export function needsPrivacyPrompt(): boolean {
  return readConsent()?.version !== PRIVACY_POLICY_VERSION
}

/** True when the user agreed to the current policy version. */
export function hasPrivacyConsent(): boolean {
  const c = readConsent()
  return !!c && c.version === PRIVACY_POLICY_VERSION && c.granted
}

function storedUserId(): string | null {
  try {
    const id = Taro.getStorageSync(USER_ID_KEY)
    return typeof id === 'string' && id ? id : null
  } catch {
    return null
  }
}

/**
 * Send the local decision for the current version to the BFF once per signed-in user. Called after
 * every login and whenever the user decides. Never throws (a failure is retried next time).
 */
export async function syncPrivacyConsent(userId?: string): Promise<void> {
  const c = readConsent()
  if (!c || c.version !== PRIVACY_POLICY_VERSION || !getToken()) return
  try {
    const id = userId ?? storedUserId() ?? (await getMe()).id
    if (c.recordedFor.includes(id)) return
    await recordConsent({ document: 'privacy_policy', version: c.version, channel: CONSENT_CHANNEL, granted: c.granted })
    const latest = readConsent() ?? c
    writeConsent({ ...latest, recordedFor: [...latest.recordedFor.filter((x) => x !== id), id] })
  } catch {
    /* offline or signed out: try again at the next login or launch */
  }
}

/** Store the user's answer for the current version and, when signed in, record it. */
export async function decidePrivacyConsent(granted: boolean): Promise<void> {
  writeConsent({ version: PRIVACY_POLICY_VERSION, granted, at: new Date().toISOString(), recordedFor: [] })
  await syncPrivacyConsent()
}

/**
 * Ask for consent with a native modal (同意 / 不同意). 不同意 explains the app can then only be
 * browsed. Resolves with the answer.
 */
export async function promptPrivacyConsent(): Promise<boolean> {
  let granted = false
  try {
    const res = await Taro.showModal({
      title: '隐私政策',
      content: `${PRIVACY_SUMMARY}\n请阅读并同意《隐私政策》（${PRIVACY_POLICY_VERSION} 版）后使用完整功能。`,
      confirmText: '同意',
      cancelText: '不同意',
    })
    granted = !!res.confirm
  } catch {
    return hasPrivacyConsent() // the modal could not be shown: keep the previous answer
  }
  await decidePrivacyConsent(granted)
  if (!granted) {
    await Taro.showModal({
      title: '仅可浏览',
      content: '未同意隐私政策时，您仍可浏览车型与配置，但无法登录、下订或查看订单。可随时在“我的 › 隐私政策”中重新选择。',
      showCancel: false,
      confirmText: '知道了',
    }).catch(() => undefined)
  }
  return granted
}

/**
 * First-launch gate: asks once per policy version; otherwise only retries recording an earlier
 * answer the BFF has not got yet.
 */
export async function ensurePrivacyConsent(): Promise<void> {
  if (needsPrivacyPrompt()) await promptPrivacyConsent()
  else await syncPrivacyConsent()
}
