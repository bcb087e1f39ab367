/**
 * Pure mapping from configurator options to what the 3D model shows: paint colour and finish, rim
 * finish and size, interior colour. No three.js here (unit-tested, shared by every target).
 */
import type { CatalogModel, CatalogOption } from '@carmall/shared-types'

export interface MaterialLook {
  /** 0xRRGGBB in sRGB, as the swatch is written. */
  color: number
  metalness: number
  roughness: number
}

export type RimFinish = 'forged' | 'sport' | 'black' | 'aero' | 'two-tone' | 'standard'

export interface RimLook extends MaterialLook {
  finish: RimFinish
  /** Rim diameter in inches when the code or name says it (e.g. WHEEL_21_FORGED -> 21). */
  inches: number | null
  /** Scale of the rim in the model (drawn as an 18"; bigger rims look bigger). */
  scale: number
}

export interface Appearance {
  paint: MaterialLook
  rims: RimLook
  interior: MaterialLook
  /** Option codes the look came from (null when the group had none selected). */
  codes: { paint: string | null; wheels: string | null; interior: string | null }
}

export const DEFAULT_PAINT: MaterialLook = { color: 0x8a8f94, metalness: 0.3, roughness: 0.35 }
export const DEFAULT_INTERIOR: MaterialLook = { color: 0x202124, metalness: 0, roughness: 0.8 }

/** '#RRGGBB' or '#RGB' (case-insensitive, optional '#', surrounding spaces) -> 0xRRGGBB; null otherwise. */
export function parseHexColor(input: string | null | undefined): number | null {
  if (typeof input !== 'string') return null
  const m = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(input.trim())
  if (!m) return null
  const hex = m[1].length === 3 ? m[1].replace(/./g, (c) => c + c) : m[1]
  return parseInt(hex, 16)
}

/** 0xRRGGBB -> '#rrggbb'. */
export function toHexString(color: number): string {
  return `#${(color & 0xffffff).toString(16).padStart(6, '0')}`
}

/** Metallic and pearl paints (金属漆 / 珠光漆) get a glossier, more metallic finish than solid ones. */
export function paintLook(option: Pick<CatalogOption, 'swatch' | 'description' | 'name'> | undefined): MaterialLook {
  const color = parseHexColor(option?.swatch)
  if (color === null) return DEFAULT_PAINT
  const text = `${option?.name ?? ''} ${option?.description ?? ''}`
  if (/珠光|pearl/i.test(text)) return { color, metalness: 0.45, roughness: 0.25 }
  if (/金属|metal/i.test(text)) return { color, metalness: 0.55, roughness: 0.3 }
  return { color, metalness: 0.15, roughness: 0.4 }
}

export function interiorLook(option: Pick<CatalogOption, 'swatch' | 'name'> | undefined): MaterialLook {
  const color = parseHexColor(option?.swatch)
  if (color === null) return DEFAULT_INTERIOR
  // Nappa/leather is a little shinier than fabric.
  const roughness = /织物|fabric/i.test(option?.name ?? '') ? 0.95 : /nappa|真皮|皮/i.test(option?.name ?? '') ? 0.55 : 0.75
  return { color, metalness: 0, roughness }
}

const RIM_FINISHES: Record<RimFinish, MaterialLook> = {
  forged: { color: 0x4a4f57, metalness: 0.85, roughness: 0.22 },
  sport: { color: 0x34383d, metalness: 0.6, roughness: 0.35 },
  black: { color: 0x1c1d20, metalness: 0.4, roughness: 0.45 },
  aero: { color: 0xd3d7dc, metalness: 0.35, roughness: 0.45 },
  'two-tone': { color: 0x9aa0a6, metalness: 0.6, roughness: 0.3 },
  standard: { color: 0xb8bec6, metalness: 0.6, roughness: 0.3 },
}

/** Wheels options carry no colour: derive the rim's look from the code (WHEEL_21_FORGED) and name. */
export function rimLook(option: Pick<CatalogOption, 'code' | 'name'> | undefined): RimLook {
  const code = (option?.code ?? '').toUpperCase()
  const name = option?.name ?? ''
  const finish: RimFinish =
    /FORGED/.test(code) || /锻造/.test(name)
      ? 'forged'
      : /熏黑|黑/.test(name) || /BLACK/.test(code)
        ? 'black'
        : /SPORT/.test(code) || /运动/.test(name)
          ? 'sport'
          : /AERO/.test(code) || /风阻/.test(name)
            ? 'aero'
            : /双色/.test(name) || /TWO_?TONE|BICOLOR/.test(code)
              ? 'two-tone'
              : 'standard'
  const sizeMatch = /(?:^|_)(1[5-9]|2[0-4])(?:_|$)/.exec(code) ?? /(1[5-9]|2[0-4])\s*(?:英寸|寸|")/.exec(name)
  const inches = sizeMatch ? Number(sizeMatch[1]) : null
  const scale = inches === null ? 1 : Math.min(1.12, Math.max(1, 1 + (inches - 18) * 0.03))
  return { ...RIM_FINISHES[finish], finish, inches, scale }
}

export function optionsByGroup(model: Pick<CatalogModel, 'options'>, group: CatalogOption['group'], trimCode?: string): CatalogOption[] {
  return model.options.filter((o) => o.group === group && (!trimCode || o.availableOn.includes(trimCode)))
}

/** The look of a configuration: its selected paint, wheels and interior options. */
export function appearanceFor(model: Pick<CatalogModel, 'options'>, selected: readonly string[]): Appearance {
  const pick = (group: CatalogOption['group']) => model.options.find((o) => o.group === group && selected.includes(o.code))
  const paint = pick('paint')
  const wheels = pick('wheels')
  const interior = pick('interior')
  return {
    paint: paintLook(paint),
    rims: rimLook(wheels),
    interior: interiorLook(interior),
    codes: { paint: paint?.code ?? null, wheels: wheels?.code ?? null, interior: interior?.code ?? null },
  }
}

/** `selected=A,B,C` query value -> codes (URL-decoded, trimmed, de-duplicated, empty dropped). */
export function parseSelectedParam(raw: string | undefined): string[] {
  if (!raw) return []
  let text = raw
  try {
    text = decodeURIComponent(raw)
  } catch {
    /* already decoded */
  }
  return [...new Set(text.split(',').map((s) => s.trim()).filter(Boolean))]
}
