/** Validation of catalog data (not of buyers' choices): run at seed/import time and in tests. */
import { isSingleChoiceGroup, OPTION_GROUPS, SINGLE_CHOICE_GROUPS, type CatalogModel, type CatalogOption, type PriceEntry } from './types';
import { instantMs, maxRangeKm } from './pricing';

const HEX = /^#[0-9a-fA-F]{6}$/;

function checkPrices(prices: readonly PriceEntry[] | undefined, path: string, out: string[]): void {
  if (!Array.isArray(prices) || prices.length === 0) {
    out.push(`${path}: no price entries`);
    return;
  }
  const spans: { from: number; to: number; i: number }[] = [];
  prices.forEach((p, i) => {
    const at = `${path}[${i}]`;
    if (!Number.isSafeInteger(p.amountFen) || p.amountFen < 0) out.push(`${at}.amountFen: not a non-negative integer amount of fen: ${p.amountFen}`);
    const from = instantMs(p.effectiveFrom);
    if (Number.isNaN(from)) out.push(`${at}.effectiveFrom: not an ISO instant: ${p.effectiveFrom}`);
    const to = p.effectiveTo === undefined ? Infinity : instantMs(p.effectiveTo);
    if (Number.isNaN(to)) out.push(`${at}.effectiveTo: not an ISO instant: ${p.effectiveTo}`);
    else if (!Number.isNaN(from) && to <= from) out.push(`${at}: effectiveTo is not after effectiveFrom`);
    if (!Number.isNaN(from) && !Number.isNaN(to)) spans.push({ from, to, i });
  });
  spans.sort((a, b) => a.from - b.from);
  for (let k = 1; k < spans.length; k++) {
    if (spans[k].from < spans[k - 1].to) out.push(`${path}: price periods [${spans[k - 1].i}] and [${spans[k].i}] overlap`);
  }
}

/**
 * Problems in a model's data, as "path: message" strings; empty when the model is consistent.
 * Checks: unique codes, price lists (integer fen, valid and non-overlapping periods), dangling or
 * self references in includes/requires/requiresAny/excludes/availableOn/defaults, rules that cannot
 * be met on a trim that offers the option, exactly one available default per required group,
 * every required group offered on every trim, specs consistent with the energy type, and the
 * derived `rangeKm` summary.
 */
export function validateCatalogModel(model: CatalogModel): string[] {
  const out: string[] = [];
  if (!model.code) out.push('code: empty');
  if (!model.name) out.push('name: empty');
  if (!HEX.test(model.coverColor ?? '')) out.push(`coverColor: not a #RRGGBB colour: ${model.coverColor}`);
  if (!Array.isArray(model.trims) || model.trims.length === 0) out.push('trims: a model needs at least one trim');
  const trims = model.trims ?? [];
  const options = model.options ?? [];

  const trimCodes = new Set<string>();
  for (const t of trims) {
    if (trimCodes.has(t.code)) out.push(`trims[${t.code}]: duplicate trim code`);
    trimCodes.add(t.code);
  }
  const byCode = new Map<string, CatalogOption>();
  for (const o of options) {
    if (byCode.has(o.code)) out.push(`options[${o.code}]: duplicate option code`);
    byCode.set(o.code, o);
  }
  const offers = (o: CatalogOption | undefined, trimCode: string) => !!o && o.availableOn.includes(trimCode);
  const name = (code: string) => byCode.get(code)?.name ?? code;

  for (const o of options) {
    const at = `options[${o.code}]`;
    if (!(OPTION_GROUPS as readonly string[]).includes(o.group)) out.push(`${at}.group: unknown group ${String(o.group)}`);
    if (!o.name) out.push(`${at}.name: empty`);
    if (o.swatch !== undefined && !HEX.test(o.swatch)) out.push(`${at}.swatch: not a #RRGGBB colour: ${o.swatch}`);
    checkPrices(o.prices, `${at}.prices`, out);
    if (!o.availableOn?.length) out.push(`${at}.availableOn: offered on no trim`);
    for (const t of o.availableOn ?? []) if (!trimCodes.has(t)) out.push(`${at}.availableOn: unknown trim ${t}`);

    for (const field of ['includes', 'requires', 'requiresAny', 'excludes'] as const) {
      for (const ref of o[field] ?? []) {
        if (ref === o.code) out.push(`${at}.${field}: refers to itself`);
        else if (!byCode.has(ref)) out.push(`${at}.${field}: unknown option ${ref}`);
      }
    }
    if (o.requiresAny && o.requiresAny.length === 0) out.push(`${at}.requiresAny: empty list`);
    const brings = [...(o.includes ?? []), ...(o.requires ?? [])];
    for (const ref of brings) {
      if ((o.excludes ?? []).includes(ref)) out.push(`${at}: both brings and excludes ${ref}`);
      if (byCode.get(ref)?.excludes?.includes(o.code)) out.push(`${at}: brings ${ref}, which excludes it`);
    }
    // Two options of one single-choice group brought together can never both be present.
    const perGroup = new Map<string, string>();
    for (const ref of brings) {
      const r = byCode.get(ref);
      if (!r) continue;
      if (r.group === o.group && isSingleChoiceGroup(o.group)) out.push(`${at}: brings ${ref} of its own single-choice group`);
      if (isSingleChoiceGroup(r.group)) {
        const prev = perGroup.get(r.group);
        if (prev && prev !== ref) out.push(`${at}: brings both ${prev} and ${ref} of single-choice group ${r.group}`);
        perGroup.set(r.group, ref);
      }
    }
    // Rules must be satisfiable on every trim that offers the option.
    for (const t of o.availableOn ?? []) {
      for (const ref of brings) {
        if (byCode.has(ref) && !offers(byCode.get(ref), t)) out.push(`${at}: needs ${ref} (${name(ref)}), which trim ${t} does not offer`);
      }
      if (o.requiresAny?.length && !o.requiresAny.some((ref) => offers(byCode.get(ref), t))) {
        out.push(`${at}.requiresAny: none of them is offered on trim ${t}`);
      }
    }
  }

  for (const t of trims) {
    const at = `trims[${t.code}]`;
    if (!t.name) out.push(`${at}.name: empty`);
    checkPrices(t.prices, `${at}.prices`, out);
    const seen = new Map<string, string>();
    for (const d of t.defaults ?? []) {
      const o = byCode.get(d);
      if (!o) {
        out.push(`${at}.defaults: unknown option ${d}`);
        continue;
      }
      if (!isSingleChoiceGroup(o.group)) out.push(`${at}.defaults: ${d} is not in a required single-choice group`);
      if (!offers(o, t.code)) out.push(`${at}.defaults: ${d} is not offered on this trim`);
      const prev = seen.get(o.group);
      if (prev) out.push(`${at}.defaults: two defaults for ${o.group}: ${prev}, ${d}`);
      seen.set(o.group, d);
    }
    for (const g of SINGLE_CHOICE_GROUPS) {
      if (!options.some((o) => o.group === g && offers(o, t.code))) out.push(`${at}: no ${g} option offered on this trim`);
      else if (!seen.has(g)) out.push(`${at}.defaults: no default for ${g}`);
    }
    const s = t.specs;
    if (!s) {
      out.push(`${at}.specs: missing`);
      continue;
    }
    for (const k of ['powerKw', 'torqueNm', 'accel0to100s', 'seats', 'lengthMm', 'widthMm', 'heightMm', 'wheelbaseMm'] as const) {
      if (!(typeof s[k] === 'number' && s[k] > 0)) out.push(`${at}.specs.${k}: not a positive number`);
    }
    if (!Number.isInteger(s.seats)) out.push(`${at}.specs.seats: not an integer`);
    if (!['FWD', 'RWD', 'AWD'].includes(s.drive)) out.push(`${at}.specs.drive: unknown ${String(s.drive)}`);
    if (!s.warranty) out.push(`${at}.specs.warranty: empty`);
    const has = (v: number | null) => v !== null && v !== undefined;
    const want = { bev: [true, false, true], phev: [true, true, true], ice: [false, true, false] }[model.energyType];
    if (want) {
      if (has(s.rangeKm) !== want[0]) out.push(`${at}.specs.rangeKm: ${want[0] ? 'required' : 'must be null'} for ${model.energyType}`);
      if (has(s.fuelLPer100km) !== want[1]) out.push(`${at}.specs.fuelLPer100km: ${want[1] ? 'required' : 'must be null'} for ${model.energyType}`);
      if (has(s.batteryKwh) !== want[2]) out.push(`${at}.specs.batteryKwh: ${want[2] ? 'required' : 'must be null'} for ${model.energyType}`);
    } else out.push(`energyType: unknown ${String(model.energyType)}`);
  }

  if (model.rangeKm !== undefined && model.rangeKm !== maxRangeKm(model)) {
    out.push(`rangeKm: ${model.rangeKm} differs from the trims' maximum ${maxRangeKm(model)}`);
  }
  return out;
}
