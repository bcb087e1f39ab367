/**
 * Deterministic experiment bucketing: the same (experiment, unit) pair lands in the same variant on
 * every device, session, target (weapp/alipay/h5) and BFF instance, with no stored state. The hash
 * is MurmurHash3 (x86, 32-bit) over the UTF-8 bytes of `${experimentKey}:${unitKey}`; it mixes
 * well even for keys that differ in one character, unlike plain FNV on short strings.
 */

function utf8(s: string): number[] {
  // Hand-rolled so it runs on mini-program runtimes without TextEncoder.
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return out;
}

/** MurmurHash3_x86_32 of a string's UTF-8 bytes, as an unsigned 32-bit integer. */
export function murmur3(text: string, seed = 0): number {
  const bytes = utf8(text);
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  let h = seed >>> 0;
  const blocks = bytes.length >> 2;
  for (let i = 0; i < blocks; i++) {
    const j = i * 4;
    let k = bytes[j] | (bytes[j + 1] << 8) | (bytes[j + 2] << 16) | (bytes[j + 3] << 24);
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  const tail = blocks * 4;
  switch (bytes.length & 3) {
    case 3:
      k ^= bytes[tail + 2] << 16;
    // falls through
    case 2:
      k ^= bytes[tail + 1] << 8;
    // falls through
    case 1:
      k ^= bytes[tail];
      k = Math.imul(k, c1);
      k = (k << 15) | (k >>> 17);
      k = Math.imul(k, c2);
      h ^= k;
  }
  h ^= bytes.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A unit's position in [0, 1) for an experiment. */
export function bucketOf(experimentKey: string, unitKey: string): number {
  return murmur3(`${experimentKey}:${unitKey}`) / 4294967296;
}

export interface WeightedVariant {
  key: string;
  /** Relative traffic share (any positive numbers; they are normalised). */
  weight: number;
}

/**
 * The variant of a unit: variants take consecutive slices of [0, 1) in their listed order, each
 * as wide as its share of the total weight. Changing weights moves only the units near a boundary.
 */
export function assignVariant(experimentKey: string, unitKey: string, variants: readonly WeightedVariant[]): string {
  if (variants.length === 0) throw new Error('an experiment needs at least one variant');
  const total = variants.reduce((s, v) => s + v.weight, 0);
  if (!(total > 0)) throw new Error('variant weights must add up to more than 0');
  const x = bucketOf(experimentKey, unitKey) * total;
  let edge = 0;
  for (const v of variants) {
    edge += v.weight;
    if (x < edge) return v.key;
  }
  return variants[variants.length - 1].key; // rounding at the very top
}
