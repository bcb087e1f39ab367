/**
 * Pure helpers of the configurator page: turning the engine's results into what the buyer sees.
 * The engine itself lives in '@carmall/shared-types' and is identical on the BFF.
 */
import {
  OPTION_GROUPS,
  formatFen,
  type CatalogModel,
  type CatalogOption,
  type ConfigChanges,
  type OptionGroupKind,
  type ResolvedConfig,
} from '@carmall/shared-types'

export interface ConfigNotice {
  kind: 'added' | 'removed' | 'info' | 'error'
  text: string
}

/**
 * The changes worth telling the buyer about: everything added or removed as a side effect.
 * After a tap on `chosen`, the buyer's own choice ("已选择…") and the plain swap of the tapped
 * group's previous option are what they just did, so they are left out. After a trim change
 * (no `chosen`), the new trim's defaults replacing the old trim's defaults are left out too;
 * choices the new trim does not offer are reported.
 */
export function changeNotices(changes: ConfigChanges, chosen?: string): ConfigNotice[] {
  const out: ConfigNotice[] = []
  const defaults = changes.added.filter((a) => a.reason === 'default').map((a) => a.code)
  for (const a of changes.added) {
    if (a.reason === 'selected' || a.code === chosen) continue
    if (!chosen && a.reason === 'default') continue
    out.push({ kind: 'added', text: a.message })
  }
  for (const r of changes.removed) {
    if (chosen && r.reason === 'replaced' && r.by === chosen) continue
    if (chosen && r.reason === 'deselected' && r.code === chosen) continue
    if (!chosen && r.reason === 'replaced' && defaults.includes(r.by)) continue
    out.push({ kind: 'removed', text: r.message })
  }
  return out
}

/** The confirm text for a choice that changes others: what changes, then the total before → after. */
export function consequenceText(sideEffects: ConfigNotice[], beforeFen: number, afterFen: number): string {
  const delta = afterFen - beforeFen
  const sign = delta > 0 ? '+' : delta < 0 ? '-' : '±'
  return `${sideEffects.map((n) => n.text).join('\n')}\n总价 ${formatFen(beforeFen)} → ${formatFen(afterFen)}（${sign}${formatFen(Math.abs(delta))}）`
}

export interface OptionGroupView {
  group: OptionGroupKind
  options: CatalogOption[]
}

/** Options by group in the fixed order 涂装/轮毂/内饰/选装包/精品附件, catalog order within a group. */
export function groupOptions(model: CatalogModel): OptionGroupView[] {
  return OPTION_GROUPS.map((group) => ({ group, options: model.options.filter((o) => o.group === group) })).filter(
    (g) => g.options.length > 0,
  )
}

/** Same options, same trim, same total: the server agrees with the local result. */
export function sameConfig(a: ResolvedConfig, b: ResolvedConfig): boolean {
  return (
    a.trimCode === b.trimCode &&
    a.totalFen === b.totalFen &&
    a.selected.length === b.selected.length &&
    a.selected.every((c, i) => c === b.selected[i])
  )
}
