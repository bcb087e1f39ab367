/**
 * The viewer's own configuration state, computed with the same engine the configurator uses, so a
 * viewer opened standalone still follows the catalog rules (requires/excludes) and the trim defaults.
 */
import { applyChoice, defaultConfiguration, resolveConfiguration, type CatalogModel, type ResolvedConfig } from '@carmall/shared-types'

export function initialConfig(model: CatalogModel, trimCode: string | undefined, selected: readonly string[], at = new Date()): ResolvedConfig | null {
  const trim = model.trims.find((t) => t.code === trimCode) ?? model.trims[0]
  if (!trim) return null
  if (selected.length) {
    const res = resolveConfiguration(model, trim.code, selected, at)
    if (res.ok) return res.config
  }
  const res = defaultConfiguration(model, trim.code, at)
  return res.ok ? res.config : null
}

export type ChoiceOutcome = { ok: true; config: ResolvedConfig } | { ok: false; message: string }

export function choose(model: CatalogModel, current: ResolvedConfig, code: string, at = new Date()): ChoiceOutcome {
  if (current.selected.includes(code)) return { ok: true, config: current }
  const res = applyChoice(model, current, code, at)
  return res.ok ? { ok: true, config: res.config } : { ok: false, message: res.error.message }
}
