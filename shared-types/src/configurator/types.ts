/**
 * Configurator data model: a model has trims (versions with a base price and specs) and options
 * (paint, wheels, interior, packages, accessories) with rules between them. All money is integer
 * fen; all instants are ISO 8601 UTC strings.
 */
import type { BodyType, EnergyType } from '../catalog';

export const OPTION_GROUPS = ['paint', 'wheels', 'interior', 'package', 'accessory'] as const;
/** paint/wheels/interior: exactly one (required). package/accessory: any number (optional). */
export type OptionGroupKind = (typeof OPTION_GROUPS)[number];

/** Groups where a configuration holds exactly one option. */
export const SINGLE_CHOICE_GROUPS: readonly OptionGroupKind[] = ['paint', 'wheels', 'interior'];

export const OPTION_GROUP_LABELS: Record<OptionGroupKind, string> = {
  paint: '车身颜色',
  wheels: '轮毂',
  interior: '内饰',
  package: '选装包',
  accessory: '精品附件',
};

export function isSingleChoiceGroup(group: OptionGroupKind): boolean {
  return group === 'paint' || group === 'wheels' || group === 'interior';
}

/**
 * One price over a period. A scheduled price change is simply a second entry whose
 * `effectiveFrom` is in the future; periods of one price list must not overlap.
 */
export interface PriceEntry {
  /** Integer fen, >= 0. */
  amountFen: number;
  /** ISO 8601 UTC instant, inclusive. */
  effectiveFrom: string;
  /** ISO 8601 UTC instant, exclusive. Open-ended when absent. */
  effectiveTo?: string;
}

export interface CatalogOption {
  /** Unique within a model, e.g. "PAINT_PEARL_WHITE". */
  code: string;
  group: OptionGroupKind;
  /** Chinese display name. */
  name: string;
  description?: string;
  /** Hex colour (#RRGGBB) for paint and interior swatches. */
  swatch?: string;
  /** Price of the option on its own (an option included in a chosen package costs 0). */
  prices: PriceEntry[];
  /** Trim codes that offer this option. */
  availableOn: string[];
  /** Options that come with this one at no extra cost (packages). */
  includes?: string[];
  /** Options this one needs, all of them; they are added automatically. */
  requires?: string[];
  /** Options of which at least one is needed; the first available one is added when none is chosen. */
  requiresAny?: string[];
  /** Options that cannot be combined with this one (the rule holds in both directions). */
  excludes?: string[];
}

export type DriveType = 'FWD' | 'RWD' | 'AWD';

export interface TrimSpecs {
  /** CLTC electric range in km for BEV, CLTC pure-electric range for PHEV, null for ICE. */
  rangeKm: number | null;
  /** WLTC fuel use in L/100km (PHEV: weighted, with battery), null for BEV. */
  fuelLPer100km: number | null;
  powerKw: number;
  torqueNm: number;
  /** 0-100 km/h in seconds. */
  accel0to100s: number;
  seats: number;
  lengthMm: number;
  widthMm: number;
  heightMm: number;
  wheelbaseMm: number;
  /** Battery capacity in kWh, null for ICE. */
  batteryKwh: number | null;
  drive: DriveType;
  /** Chinese text, e.g. "整车 5年/15万公里，三电 8年/16万公里". */
  warranty: string;
}

export interface Trim {
  code: string;
  name: string;
  /** Base price of the trim (integer fen) over time. */
  prices: PriceEntry[];
  specs: TrimSpecs;
  /** One default option code per required single-choice group (paint, wheels, interior). */
  defaults: string[];
}

export interface CatalogModel {
  /** URL-safe stable code, e.g. "yuanshan-s5". */
  code: string;
  name: string;
  series: string;
  bodyType: BodyType;
  energyType: EnergyType;
  tagline: string;
  featured: boolean;
  /** Hex colour used to generate the cover image. */
  coverColor: string;
  /** Derived summary: max trim `specs.rangeKm` (null when no trim has one). Optional; checked by validation. */
  rangeKm?: number | null;
  trims: Trim[];
  options: CatalogOption[];
}

// ---------------------------------------------------------------------------------------------
// Engine results

/** Why an option was added without the buyer choosing it. */
export type AutoAddReason = 'requires' | 'default' | 'included';

export interface LineItem {
  code: string;
  name: string;
  group: OptionGroupKind | 'trim';
  /** What the buyer pays for this line (0 when included in a package). Integer fen. */
  priceFen: number;
  /** Code of the chosen package that includes this option at no cost. */
  includedIn?: string;
  /** Set when the option was not chosen by the buyer. `by` is the option code (or trim code for defaults). */
  addedBecause?: { by: string; reason: AutoAddReason };
}

export type AddedReason = 'selected' | AutoAddReason;
/**
 * replaced: another option of the same single-choice group was chosen;
 * excluded: a new option cannot be combined with it;
 * conflict: it needs something that the new choice displaced (or vice versa);
 * deselected: the buyer removed it;
 * dependent: it needed/brought the option the buyer removed;
 * orphaned: it was only there because of an option that is gone;
 * unavailable: the new trim does not offer it.
 */
export type RemovedReason = 'replaced' | 'excluded' | 'conflict' | 'deselected' | 'dependent' | 'orphaned' | 'unavailable';

export interface ConfigChange<R extends string> {
  code: string;
  reason: R;
  /** The option (or trim) code that caused the change. */
  by: string;
  /** Chinese explanation for the buyer. */
  message: string;
}

export interface ConfigChanges {
  added: ConfigChange<AddedReason>[];
  removed: ConfigChange<RemovedReason>[];
}

export interface ResolvedConfig {
  modelCode: string;
  trimCode: string;
  /** Options the buyer chose, in the order chosen (most recent last). */
  explicit: string[];
  /** Every option in the final configuration, sorted by code. */
  selected: string[];
  /** Trim first, then options by group (paint, wheels, interior, package, accessory) and catalog order. */
  lineItems: LineItem[];
  /** Trim price + sum of line item prices. Integer fen. */
  totalFen: number;
  /** resolveConfiguration: options added automatically. applyChoice: difference to the previous config. */
  changes: ConfigChanges;
  /** The instant whose prices were used (ISO UTC). */
  pricedAt: string;
}

export type ConfigErrorCode =
  | 'UNKNOWN_TRIM'
  | 'UNKNOWN_OPTION'
  | 'OPTION_NOT_AVAILABLE'
  | 'CONFLICT'
  | 'REQUIREMENT_UNMET'
  | 'GROUP_CARDINALITY'
  | 'NO_PRICE';

export interface ConfigError {
  code: ConfigErrorCode;
  /** Chinese, for people. Clients branch on `code`. */
  message: string;
  details: { codes: string[]; [key: string]: unknown };
}

export type ConfigResult = { ok: true; config: ResolvedConfig } | { ok: false; error: ConfigError };

export interface SpecDiffRow {
  key: keyof TrimSpecs | 'price';
  label: string;
  /** Raw values, one per trim in the order given. */
  values: (number | string | null)[];
  /** Display text, one per trim ("—" for null). */
  display: string[];
  differs: boolean;
}

/** Summary fields of a catalog card derived from the configurator data. */
export interface CatalogModelSummary {
  /** Lowest trim price in force; null when no trim has a price at that instant. */
  startingPriceFen: number | null;
  seats: number;
  rangeKm: number | null;
}
