/**
 * What every H5 browser e2e shares: where the BFF and the artifacts are, and how Chromium is
 * started (Debian's binary, headless, offline-friendly flags — see ../../../shared/notes/toolchain.md).
 */
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

const here = path.dirname(fileURLToPath(import.meta.url))

/** The BFF that serves the H5 build at / and the API at /api/v1. */
export const BASE = (process.env.E2E_BASE_URL || 'http://127.0.0.1:3000').replace(/\/+$/, '')
export const ARTIFACTS = path.resolve(process.env.E2E_ARTIFACTS_DIR || path.join(here, '..', 'test-results'))
export const CHROMIUM = process.env.E2E_CHROMIUM || '/usr/bin/chromium'

const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  // Without these Chromium keeps calling home, and this machine's closed network refuses it.
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
]

/** The privacy-policy version the app asks consent for (src/utils/privacy.ts PRIVACY_POLICY_VERSION). */
export const PRIVACY_POLICY_VERSION = '2026.11'

/**
 * A phone-sized headless Chromium on a fresh profile folder, as a visitor who has already agreed
 * to the privacy policy (the first-launch consent modal has its own unit tests; here it would only
 * cover the page under test). Taro H5 keeps storage as JSON `{ data: value }` in localStorage.
 */
export async function launch(profile, extraArgs = []) {
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 414, height: 896 },
    deviceScaleFactor: 2,
    args: [...CHROMIUM_ARGS, ...extraArgs],
  })
  const consent = JSON.stringify({ data: JSON.stringify({ version: PRIVACY_POLICY_VERSION, granted: true, at: new Date().toISOString(), recordedFor: [] }) })
  await context.addInitScript((value) => {
    try {
      if (location.protocol.startsWith('http')) localStorage.setItem('carmall.privacyConsent', value)
    } catch {
      // about:blank has no localStorage
    }
  }, consent)
  return context
}
