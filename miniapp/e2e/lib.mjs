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

/** A phone-sized headless Chromium on a fresh profile folder. */
export function launch(profile, extraArgs = []) {
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 414, height: 896 },
    deviceScaleFactor: 2,
    args: [...CHROMIUM_ARGS, ...extraArgs],
  })
}
