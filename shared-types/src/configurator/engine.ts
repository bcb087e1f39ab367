/**
 * The configurator's rule and price engine. Pure and deterministic: the same model, trim, choices
 * and instant always give the same result, whatever order the choices came in.
 *
 * Rules: paint/wheels/interior hold exactly one option (the trim default fills an empty group);
 * `requires` and `includes` add options automatically (transitively); `requiresAny` adds the first
 * offered candidate when none is present; `excludes` forbids a pair (both directions). An option
 * included by another chosen option costs 0.
 */
import { formatFen } from '../money';
import { priceFenAt } from './pricing';
import {
  isSingleChoiceGroup,
  OPTION_GROUP_LABELS,
  OPTION_GROUPS,
  SINGLE_CHOICE_GROUPS,
  type AddedReason,
  type AutoAddReason,
  type CatalogModel,
  type CatalogOption,
  type ConfigChange,
  type ConfigError,
  type ConfigErrorCode,
  type ConfigResult,
  type LineItem,
  type OptionGroupKind,
  type RemovedReason,
  type ResolvedConfig,
  type SpecDiffRow,
  type Trim,
  type TrimSpecs,
} from './types';

// ---------------------------------------------------------------------------------------------
// Internals

interface Ctx {
  model: CatalogModel;
  trim: Trim;
  byCode: Map<string, CatalogOption>;
  /** Catalog order of each option, for deterministic iteration. */
  rank: Map<string, number>;
}

/**
 * Working set of a resolution. Plain arrays and records (no Set/Map iteration): this code is
 * bundled into a mini-program, possibly transpiled to ES5 in loose mode.
 */
interface State {
  present: string[];
  /** Why a non-explicit option is present. */
  why: Record<string, { by: string; reason: AutoAddReason }>;
}

/** Thrown inside the engine and turned into `{ ok: false }` at the API boundary. Deliberately not an
 * Error subclass, so `instanceof` works even when transpiled to ES5. */
class RuleError {
  constructor(readonly err: ConfigError) {}
}

function fail(code: ConfigErrorCode, message: string, codes: string[], extra: Record<string, unknown> = {}): never {
  throw new RuleError({ code, message, details: { codes, ...extra } });
}

const q = (s: string) => `「${s}」`;

function indexModel(model: CatalogModel) {
  const byCode = new Map<string, CatalogOption>();
  const rank = new Map<string, number>();
  model.options.forEach((o, i) => {
    if (!byCode.has(o.code)) {
      byCode.set(o.code, o);
      rank.set(o.code, i);
    }
  });
  return { byCode, rank };
}

function makeCtx(model: CatalogModel, trimCode: string): Ctx {
  const trim = model.trims.find((t) => t.code === trimCode);
  if (!trim) fail('UNKNOWN_TRIM', `车型${q(model.name)}没有版本 ${trimCode}`, [trimCode]);
  return { model, trim, ...indexModel(model) };
}

function label(ctx: Ctx, code: string): string {
  return q(ctx.byCode.get(code)?.name ?? code);
}

function byRank(ctx: Ctx) {
  return (a: string, b: string) => (ctx.rank.get(a) ?? 0) - (ctx.rank.get(b) ?? 0);
}

function offered(ctx: Ctx, code: string): boolean {
  return !!ctx.byCode.get(code)?.availableOn.includes(ctx.trim.code);
}

function excludesEither(ctx: Ctx, a: string, b: string): boolean {
  return !!ctx.byCode.get(a)?.excludes?.includes(b) || !!ctx.byCode.get(b)?.excludes?.includes(a);
}

/** Present option in the same single-choice group as `code`, other than `code`. */
function slotHolder(ctx: Ctx, st: State, code: string): string | undefined {
  const g = ctx.byCode.get(code)!.group;
  if (!isSingleChoiceGroup(g)) return undefined;
  return st.present.find((p) => p !== code && ctx.byCode.get(p)!.group === g);
}

function whyText(ctx: Ctx, st: State, code: string): string {
  const w = st.why[code];
  if (!w) return '';
  if (w.reason === 'default') return `（${label(ctx, code)}为默认配置）`;
  return `（${label(ctx, code)}由${label(ctx, w.by)}带入）`;
}

/** Add `code` because of `by`, checking availability, group slot and exclusions. */
function addAuto(ctx: Ctx, st: State, code: string, by: string, reason: AutoAddReason): void {
  if (st.present.includes(code)) return;
  const byName = reason === 'default' ? q(ctx.trim.name) : label(ctx, by);
  if (!ctx.byCode.has(code)) fail('REQUIREMENT_UNMET', `${byName}需要的选装 ${code} 不存在`, [by, code]);
  if (!offered(ctx, code)) {
    fail('REQUIREMENT_UNMET', `${byName}需要${label(ctx, code)}，但${q(ctx.trim.name)}不提供该选装`, [by, code]);
  }
  const holder = slotHolder(ctx, st, code);
  if (holder) {
    fail('CONFLICT', `${byName}需要${label(ctx, code)}，与已选的${label(ctx, holder)}冲突${whyText(ctx, st, holder)}`, [by, code, holder]);
  }
  for (const p of st.present) {
    if (excludesEither(ctx, code, p)) {
      fail('CONFLICT', `${byName}需要${label(ctx, code)}，但${label(ctx, code)}与${label(ctx, p)}不能同时选择${whyText(ctx, st, p)}`, [by, code, p]);
    }
  }
  st.present.push(code);
  st.why[code] = { by, reason };
}

/** Close the set under includes/requires, then requiresAny, until nothing changes. */
function close(ctx: Ctx, st: State): void {
  for (;;) {
    const queue = st.present.slice().sort(byRank(ctx));
    const seen = new Set<string>();
    while (queue.length) {
      const code = queue.shift()!;
      if (seen.has(code)) continue;
      seen.add(code);
      const o = ctx.byCode.get(code)!;
      for (const inc of o.includes ?? []) {
        if (!st.present.includes(inc)) {
          addAuto(ctx, st, inc, code, 'included');
          queue.push(inc);
        }
      }
      for (const req of o.requires ?? []) {
        if (!st.present.includes(req)) {
          addAuto(ctx, st, req, code, 'requires');
          queue.push(req);
        }
      }
    }
    // requiresAny: the first offered candidate that fits, in listed order.
    let added = false;
    for (const code of st.present.slice().sort(byRank(ctx))) {
      const any = ctx.byCode.get(code)!.requiresAny;
      if (!any?.length || any.some((c) => st.present.includes(c))) continue;
      const pick = any.find(
        (c) => ctx.byCode.has(c) && offered(ctx, c) && !slotHolder(ctx, st, c) && !st.present.some((p) => excludesEither(ctx, c, p)),
      );
      if (!pick) {
        const names = any.map((c) => label(ctx, c)).join('或');
        const blockers = any
          .map((c) => (ctx.byCode.has(c) ? slotHolder(ctx, st, c) : undefined))
          .filter((c): c is string => !!c);
        const tail = blockers.length ? `，与已选的${label(ctx, blockers[0])}冲突${whyText(ctx, st, blockers[0])}` : `，${q(ctx.trim.name)}无法满足`;
        fail('REQUIREMENT_UNMET', `${label(ctx, code)}需要搭配${names}${tail}`, [code, ...any], { blockers });
      }
      addAuto(ctx, st, pick, code, 'requires');
      added = true;
      break;
    }
    if (!added) return;
  }
}

function cloneState(st: State): State {
  const why: State['why'] = {};
  for (const k of Object.keys(st.why)) why[k] = st.why[k];
  return { present: st.present.slice(), why };
}

/** Fill empty single-choice groups: the trim default, else the first offered option that fits. */
function fillDefaults(ctx: Ctx, st: State): State {
  let cur = st;
  for (const g of SINGLE_CHOICE_GROUPS) {
    if (cur.present.some((p) => ctx.byCode.get(p)!.group === g)) continue;
    const defaults = ctx.trim.defaults.filter((d) => ctx.byCode.get(d)?.group === g);
    const others = ctx.model.options.filter((o) => o.group === g && !defaults.includes(o.code)).map((o) => o.code);
    let firstError: ConfigError | null = null;
    let filled: State | null = null;
    for (const cand of [...defaults, ...others]) {
      if (!offered(ctx, cand)) continue;
      const next = cloneState(cur);
      try {
        addAuto(ctx, next, cand, ctx.trim.code, 'default');
        close(ctx, next);
        filled = next;
        break;
      } catch (e) {
        if (!(e instanceof RuleError)) throw e;
        if (!firstError) firstError = e.err;
      }
    }
    if (!filled) {
      fail('GROUP_CARDINALITY', `当前选择下${q(ctx.trim.name)}没有可搭配的${OPTION_GROUP_LABELS[g]}${firstError ? `：${firstError.message}` : ''}`, [], {
        group: g,
      });
    }
    cur = filled;
  }
  return cur;
}

function groupOrder(g: OptionGroupKind): number {
  return OPTION_GROUPS.indexOf(g);
}

function addedMessage(ctx: Ctx, code: string, reason: AddedReason, by: string): string {
  switch (reason) {
    case 'selected':
      return `已选择${label(ctx, code)}`;
    case 'default':
      return `${q(ctx.trim.name)}默认配置${label(ctx, code)}`;
    case 'included':
      return `${label(ctx, by)}已包含${label(ctx, code)}`;
    case 'requires':
      return `${label(ctx, by)}需要${label(ctx, code)}，已自动添加`;
  }
}

function resolveIn(ctx: Ctx, selections: readonly string[], at: Date): ResolvedConfig {
  const explicit: string[] = [];
  for (const s of selections) if (!explicit.includes(s)) explicit.push(s);

  for (const code of explicit) {
    if (!ctx.byCode.has(code)) fail('UNKNOWN_OPTION', `车型${q(ctx.model.name)}没有选装 ${code}`, [code]);
    if (!offered(ctx, code)) fail('OPTION_NOT_AVAILABLE', `${label(ctx, code)}不适用于${q(ctx.trim.name)}`, [code], { trimCode: ctx.trim.code });
  }
  const sorted = [...explicit].sort(byRank(ctx));
  for (const g of SINGLE_CHOICE_GROUPS) {
    const inGroup = sorted.filter((c) => ctx.byCode.get(c)!.group === g);
    if (inGroup.length > 1) {
      fail('GROUP_CARDINALITY', `${OPTION_GROUP_LABELS[g]}只能选择一项：${inGroup.map((c) => label(ctx, c)).join('与')}`, inGroup, { group: g });
    }
  }
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i + 1; j < sorted.length; j++) {
      if (excludesEither(ctx, sorted[i], sorted[j])) {
        fail('CONFLICT', `${label(ctx, sorted[i])}与${label(ctx, sorted[j])}不能同时选择`, [sorted[i], sorted[j]]);
      }
    }
  }

  let st: State = { present: sorted.slice(), why: {} };
  close(ctx, st);
  st = fillDefaults(ctx, st);

  // Final invariants (hold by construction; kept as a guard against inconsistent data).
  const final = st.present.slice().sort(byRank(ctx));
  for (let i = 0; i < final.length; i++) {
    for (let j = i + 1; j < final.length; j++) {
      if (excludesEither(ctx, final[i], final[j])) {
        fail('CONFLICT', `${label(ctx, final[i])}与${label(ctx, final[j])}不能同时选择`, [final[i], final[j]]);
      }
    }
  }

  const trimPrice = priceFenAt(ctx.trim.prices, at);
  if (trimPrice === null) fail('NO_PRICE', `${q(ctx.trim.name)}在 ${at.toISOString()} 没有有效价格`, [ctx.trim.code]);

  const lineItems: LineItem[] = [{ code: ctx.trim.code, name: ctx.trim.name, group: 'trim', priceFen: trimPrice }];
  const optionLines: LineItem[] = [];
  for (const code of final) {
    const o = ctx.byCode.get(code)!;
    const includedIn = final.find((p) => p !== code && ctx.byCode.get(p)!.includes?.includes(code));
    let priceFen = 0;
    if (!includedIn) {
      const p = priceFenAt(o.prices, at);
      if (p === null) fail('NO_PRICE', `${label(ctx, code)}在 ${at.toISOString()} 没有有效价格`, [code]);
      priceFen = p;
    }
    const line: LineItem = { code, name: o.name, group: o.group, priceFen };
    if (includedIn) line.includedIn = includedIn;
    const w = st.why[code];
    if (w && !explicit.includes(code)) line.addedBecause = { by: w.by, reason: w.reason };
    optionLines.push(line);
  }
  optionLines.sort((a, b) => groupOrder(a.group as OptionGroupKind) - groupOrder(b.group as OptionGroupKind) || byRank(ctx)(a.code, b.code));
  lineItems.push(...optionLines);

  const added: ConfigChange<AddedReason>[] = optionLines
    .filter((l) => l.addedBecause)
    .map((l) => ({ code: l.code, reason: l.addedBecause!.reason, by: l.addedBecause!.by, message: addedMessage(ctx, l.code, l.addedBecause!.reason, l.addedBecause!.by) }));

  return {
    modelCode: ctx.model.code,
    trimCode: ctx.trim.code,
    explicit,
    selected: final.slice().sort(),
    lineItems,
    totalFen: lineItems.reduce((sum, l) => sum + l.priceFen, 0),
    changes: { added, removed: [] },
    pricedAt: at.toISOString(),
  };
}

function run(fn: () => ResolvedConfig): ConfigResult {
  try {
    return { ok: true, config: fn() };
  } catch (e) {
    if (e instanceof RuleError) return { ok: false, error: e.err };
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Public API

/**
 * Resolve the buyer's choices into a complete, priced configuration at instant `at`.
 * Explicit choices are all honoured, or the result is an error naming what clashes.
 * `changes.added` lists what was added automatically (defaults, requirements, package contents).
 */
export function resolveConfiguration(model: CatalogModel, trimCode: string, selections: readonly string[], at: Date): ConfigResult {
  return run(() => resolveIn(makeCtx(model, trimCode), selections, at));
}

/** The trim's default configuration. */
export function defaultConfiguration(model: CatalogModel, trimCode: string, at: Date): ConfigResult {
  return resolveConfiguration(model, trimCode, [], at);
}

/**
 * Greedy re-resolution used by interactive changes: `first` choices are kept unconditionally, then
 * earlier choices are kept most-recent-first as long as they still fit. Returns the config and the
 * choices that had to go, with the error that pushed each one out.
 */
function keepWhatFits(ctx: Ctx, first: string[], earlier: string[], at: Date) {
  let kept = first.slice();
  let config = resolveIn(ctx, kept, at);
  const dropped = new Map<string, ConfigError>();
  for (let i = earlier.length - 1; i >= 0; i--) {
    const code = earlier[i];
    if (kept.includes(code)) continue;
    // Keep the chronological order: earlier choices before the ones made later.
    const trial = earlier.filter((c) => c === code || kept.includes(c)).concat(first.filter((c) => !earlier.includes(c)));
    try {
      config = resolveIn(ctx, trial, at);
      kept = trial;
    } catch (e) {
      if (!(e instanceof RuleError)) throw e;
      dropped.set(code, e.err);
    }
  }
  return { config, dropped };
}

/** Describe what changed from `prev` to `next` (both resolved on the same model). */
function diffConfigs(
  ctx: Ctx,
  prev: ResolvedConfig,
  next: ResolvedConfig,
  info: { chosen?: string; deselected?: string; dependents?: Set<string>; dropped: Map<string, ConfigError>; unavailable?: Set<string> },
): ResolvedConfig {
  const prevSet = new Set(prev.selected);
  const nextSet = new Set(next.selected);
  const nextLines = new Map(next.lineItems.map((l) => [l.code, l]));
  const prevLines = new Map(prev.lineItems.map((l) => [l.code, l]));

  const added: ConfigChange<AddedReason>[] = [];
  const removed: ConfigChange<RemovedReason>[] = [];
  const newlyPresent = next.lineItems.filter((l) => l.group !== 'trim' && !prevSet.has(l.code)).map((l) => l.code);

  // The buyer's own choice first, then what it brought in (catalog order).
  if (info.chosen && newlyPresent.includes(info.chosen)) newlyPresent.sort((a, b) => (a === info.chosen ? -1 : b === info.chosen ? 1 : 0));
  for (const code of newlyPresent) {
    const line = nextLines.get(code)!;
    const reason: AddedReason = line.addedBecause?.reason ?? 'selected';
    const by = line.addedBecause?.by ?? code;
    added.push({ code, reason, by, message: addedMessage(ctx, code, reason, by) });
  }

  for (const line of prev.lineItems) {
    const code = line.code;
    if (line.group === 'trim' || nextSet.has(code)) continue;
    const o = ctx.byCode.get(code);
    const name = label(ctx, code);
    const push = (reason: RemovedReason, by: string, message: string) => removed.push({ code, reason, by, message });
    if (code === info.deselected) {
      push('deselected', code, `已取消${name}`);
      continue;
    }
    if (info.dependents?.has(code) && info.deselected) {
      push('dependent', info.deselected, `${name}需要${label(ctx, info.deselected)}，已一并移除`);
      continue;
    }
    if (info.unavailable?.has(code)) {
      push('unavailable', next.trimCode, `${q(ctx.trim.name)}不提供${name}，已移除`);
      continue;
    }
    const excluder = next.selected.find((p) => excludesEither(ctx, code, p));
    if (excluder) {
      push('excluded', excluder, `${label(ctx, excluder)}与${name}不能同时选择，已移除${name}`);
      continue;
    }
    const replacement = o && isSingleChoiceGroup(o.group) ? next.lineItems.find((l) => l.group === o.group) : undefined;
    if (replacement && newlyPresent.includes(replacement.code)) {
      push('replaced', replacement.code, `${OPTION_GROUP_LABELS[o!.group]}已由${name}更换为${label(ctx, replacement.code)}`);
      continue;
    }
    const err = info.dropped.get(code);
    if (err) {
      const by = info.chosen ?? next.trimCode;
      push('conflict', by, `${name}与新的选择冲突，已移除：${err.message}`);
      continue;
    }
    const by = prevLines.get(code)?.addedBecause?.by ?? info.chosen ?? info.deselected ?? code;
    push('orphaned', by, `${name}随${ctx.byCode.has(by) ? label(ctx, by) : q(ctx.trim.name)}的变更一并移除`);
  }
  return { ...next, changes: { added, removed } };
}

/** Options (transitively via includes/requires/requiresAny) that `code` brings in. */
function bringsClosure(ctx: Ctx, code: string): Set<string> {
  const out = new Set<string>();
  const stack = [code];
  while (stack.length) {
    const o = ctx.byCode.get(stack.pop()!);
    if (!o) continue;
    for (const r of [...(o.includes ?? []), ...(o.requires ?? []), ...(o.requiresAny ?? [])]) {
      if (!out.has(r)) {
        out.add(r);
        stack.push(r);
      }
    }
  }
  return out;
}

/**
 * Apply one tap in the interactive configurator to `current`:
 * - an option not in the configuration is chosen: it replaces the previous option of a
 *   single-choice group, and earlier choices that no longer fit are removed (most recent kept);
 * - a chosen package/accessory is deselected, together with the choices that need it, and
 *   anything that only it brought goes too;
 * - tapping the current option of a single-choice group just confirms it.
 * `config.changes` explains every option added or removed relative to `current`.
 */
export function applyChoice(model: CatalogModel, current: ResolvedConfig, code: string, at: Date): ConfigResult {
  return run(() => {
    const ctx = makeCtx(model, current.trimCode);
    const o = ctx.byCode.get(code);
    if (!o) fail('UNKNOWN_OPTION', `车型${q(model.name)}没有选装 ${code}`, [code]);
    if (!offered(ctx, code)) fail('OPTION_NOT_AVAILABLE', `${label(ctx, code)}不适用于${q(ctx.trim.name)}`, [code], { trimCode: ctx.trim.code });
    const earlier = current.explicit.filter((c) => c !== code);

    if (current.selected.includes(code) && !isSingleChoiceGroup(o.group)) {
      // Deselect: drop it and every choice that brings it in.
      const dependents = new Set(earlier.filter((e) => bringsClosure(ctx, e).has(code)));
      const explicit = earlier.filter((e) => !dependents.has(e));
      const next = resolveIn(ctx, explicit, at);
      if (next.selected.includes(code)) {
        fail('REQUIREMENT_UNMET', `${label(ctx, code)}是当前配置所必需的，无法单独取消`, [code]);
      }
      return diffConfigs(ctx, current, next, { deselected: code, dependents, dropped: new Map() });
    }
    if (current.selected.includes(code)) {
      // Confirming the current option of a single-choice group: no change, but it becomes a choice.
      const next = resolveIn(ctx, [...earlier, code], at);
      return diffConfigs(ctx, current, next, { chosen: code, dropped: new Map() });
    }
    const { config, dropped } = keepWhatFits(ctx, [code], earlier, at);
    return diffConfigs(ctx, current, config, { chosen: code, dropped });
  });
}

/**
 * Switch to another trim, carrying over the choices it offers (most recent first while they fit).
 * Choices the new trim does not offer are reported as removed with reason 'unavailable'.
 */
export function changeTrim(model: CatalogModel, current: ResolvedConfig, trimCode: string, at: Date): ConfigResult {
  return run(() => {
    const ctx = makeCtx(model, trimCode);
    const unavailable = new Set(current.explicit.filter((c) => !offered(ctx, c)));
    const carried = current.explicit.filter((c) => !unavailable.has(c));
    const { config, dropped } = keepWhatFits(ctx, [], carried, at);
    return diffConfigs(ctx, current, config, { dropped, unavailable });
  });
}

function effectivePrice(ctx: Ctx, selected: readonly string[], code: string, at: Date): number | null {
  if (selected.some((p) => p !== code && ctx.byCode.get(p)?.includes?.includes(code))) return 0;
  return priceFenAt(ctx.byCode.get(code)!.prices, at);
}

/**
 * The price shown next to a choice: for paint/wheels/interior, the difference to the group's
 * current option; for packages/accessories, what the option costs in this configuration (0 when a
 * chosen package includes it). Null when the option is unknown, not offered, or has no price.
 * Side effects of the choice (requirements, removals) are not counted: see choiceImpactFen.
 */
export function optionDeltaFen(model: CatalogModel, config: ResolvedConfig, code: string, at: Date): number | null {
  const trim = model.trims.find((t) => t.code === config.trimCode);
  if (!trim) return null;
  const ctx: Ctx = { model, trim, ...indexModel(model) };
  const o = ctx.byCode.get(code);
  if (!o || !offered(ctx, code)) return null;
  const own = effectivePrice(ctx, config.selected, code, at);
  if (own === null) return null;
  if (!isSingleChoiceGroup(o.group)) return own;
  const currentCode = config.selected.find((c) => ctx.byCode.get(c)?.group === o.group);
  if (!currentCode || currentCode === code) return currentCode === code ? 0 : own;
  const cur = effectivePrice(ctx, config.selected, currentCode, at);
  return cur === null ? null : own - cur;
}

/** How the total would change if the buyer tapped `code` (all side effects included), or null if the tap fails. */
export function choiceImpactFen(model: CatalogModel, config: ResolvedConfig, code: string, at: Date): number | null {
  const r = applyChoice(model, config, code, at);
  return r.ok ? r.config.totalFen - config.totalFen : null;
}

// ---------------------------------------------------------------------------------------------
// Trim comparison

const DRIVE_LABELS: Record<TrimSpecs['drive'], string> = { FWD: '前驱', RWD: '后驱', AWD: '四驱' };

const SPEC_ROWS: { key: keyof TrimSpecs; label: string; fmt: (v: never) => string }[] = [
  { key: 'rangeKm', label: 'CLTC 纯电续航', fmt: (v: number) => `${v} km` },
  { key: 'fuelLPer100km', label: 'WLTC 综合油耗', fmt: (v: number) => `${v} L/100km` },
  { key: 'batteryKwh', label: '电池容量', fmt: (v: number) => `${v} kWh` },
  { key: 'powerKw', label: '最大功率', fmt: (v: number) => `${v} kW` },
  { key: 'torqueNm', label: '最大扭矩', fmt: (v: number) => `${v} N·m` },
  { key: 'accel0to100s', label: '0-100km/h 加速', fmt: (v: number) => `${v} 秒` },
  { key: 'drive', label: '驱动形式', fmt: (v: TrimSpecs['drive']) => DRIVE_LABELS[v] ?? v },
  { key: 'seats', label: '座位数', fmt: (v: number) => `${v} 座` },
  { key: 'lengthMm', label: '车长', fmt: (v: number) => `${v} mm` },
  { key: 'widthMm', label: '车宽', fmt: (v: number) => `${v} mm` },
  { key: 'heightMm', label: '车高', fmt: (v: number) => `${v} mm` },
  { key: 'wheelbaseMm', label: '轴距', fmt: (v: number) => `${v} mm` },
  { key: 'warranty', label: '质保政策', fmt: (v: string) => v },
];

/**
 * Rows for comparing 2-3 trims side by side. With `opts.at`, a first row holds the price in force.
 * Rows where every trim has no value (e.g. fuel use on a BEV) are left out.
 */
export function diffTrimSpecs(trims: readonly Trim[], opts: { at?: Date } = {}): SpecDiffRow[] {
  const rows: SpecDiffRow[] = [];
  const differs = (values: unknown[]) => values.some((v) => v !== values[0]);
  if (opts.at) {
    const at = opts.at;
    const values = trims.map((t) => priceFenAt(t.prices, at));
    rows.push({ key: 'price', label: '厂商指导价', values, display: values.map((v) => (v === null ? '—' : formatFen(v))), differs: differs(values) });
  }
  for (const row of SPEC_ROWS) {
    const values = trims.map((t) => (t.specs[row.key] ?? null) as number | string | null);
    if (values.every((v) => v === null)) continue;
    rows.push({
      key: row.key,
      label: row.label,
      values,
      display: values.map((v) => (v === null ? '—' : (row.fmt as (x: unknown) => string)(v))),
      differs: differs(values),
    });
  }
  return rows;
}
