/**
 * Personal data in free text: mainland mobile numbers, resident ID numbers and e-mail addresses,
 * however they were typed. Shared by the mini-program's tracker (which drops such values before
 * they are stored or sent) and the BFF (which refuses them), so both judge the same text the same.
 *
 * A person writes a number in many ways: `+86 138 0013 8000`, `0086-138-0013-8000`, `（138）0013.8000`,
 * full-width `１３８００１３８０００`, with zero-width spaces in between. So the text is normalised first
 * (full-width and other compatibility forms to ASCII, NFKC where the engine has it), then every run
 * of digit groups joined only by separators (spaces, dashes, dots, underscores, slashes, brackets,
 * plus signs, commas, invisible characters) is tried joined: each sub-run of consecutive groups is a
 * candidate, so `3 138 0013 8000` still finds the number after the `3`. A candidate is a mobile
 * number when it is exactly `1[3-9]` + 9 digits, optionally after `86` / `0086`; an ID number when it
 * is 17 digits + a digit or X with a plausible region and birth date (the checksum is not required: a
 * mistyped ID number is still someone's). Digits run together with more digits are not a candidate
 * (`213800138000` is twelve digits, not a phone), letters are a boundary (`tel13800138000` is one).
 *
 * No lookbehind and no Unicode property escapes: older iOS JavaScript engines (WeChat on iOS < 16.4)
 * refuse to parse them, which would break the mini-program's whole bundle.
 */

export type PersonalDataKind = 'mobile' | 'id_card' | 'email';

const ZERO_WIDTH = /[\u00AD\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\uFEFF]/g;

/**
 * Compatibility forms to plain ASCII: full-width ASCII (U+FF01-FF5E) and the ideographic space by
 * hand (engines without `normalize` still get them), then NFKC (circled, mathematical and other
 * compatibility digits; `＠`), and invisible characters removed.
 */
export function normalizeText(text: string): string {
  let s = text.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
  try {
    if (typeof s.normalize === 'function') s = s.normalize('NFKC');
  } catch {
    // an engine without ICU data: the hand-made mapping above is what we have
  }
  return s.replace(ZERO_WIDTH, '');
}

/** What may sit between the digit groups of one number as people write it. */
const SEPARATOR = /[\s\-\u2010-\u2015\u2212\u30FC\uFE58\uFE63._/\\()[\]{}（）【】+,，、·•]/;
const MOBILE = /^(?:(?:00)?86)?1[3-9]\d{9}$/;
const ID_CARD = /^[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dX]$/;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/;
/** Longest candidate worth joining: `0086` + 11 digits is 15, an ID number 18. */
const MAX_CANDIDATE = 18;

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

/**
 * Runs of digit groups separated only by separators, e.g. `+86 138-0013-8000` → [86, 138, 0013, 8000].
 * A group may end in X (the ID number's check character).
 */
function digitRuns(s: string): string[][] {
  const runs: string[][] = [];
  let run: string[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (isDigit(c)) {
      let j = i;
      while (j < s.length && isDigit(s[j])) j++;
      if (s[j] === 'X' || s[j] === 'x') j++;
      run.push(s.slice(i, j).toUpperCase());
      i = j;
    } else if (SEPARATOR.test(c)) {
      i++;
    } else {
      if (run.length) runs.push(run);
      run = [];
      i++;
    }
  }
  if (run.length) runs.push(run);
  return runs;
}

function classify(candidate: string): PersonalDataKind | null {
  if (ID_CARD.test(candidate)) return 'id_card';
  const digits = candidate.endsWith('X') ? candidate.slice(0, -1) : candidate;
  return MOBILE.test(digits) ? 'mobile' : null;
}

export interface FindOptions {
  /**
   * Join digit groups across separators (default). Off for text whose separators are part of a
   * fixed format, e.g. a UUID, where joining its random hex groups would find numbers nobody wrote.
   */
  joinGroups?: boolean;
}

/** The first kind of personal data found in `text`, or null. */
export function findPersonalData(text: string, opts: FindOptions = {}): PersonalDataKind | null {
  const s = normalizeText(text);
  if (s.includes('@') && EMAIL.test(s)) return 'email';
  if (opts.joinGroups === false) {
    for (const group of s.match(/\d+[Xx]?/g) ?? []) {
      const kind = classify(group.toUpperCase());
      if (kind) return kind;
    }
    return null;
  }
  for (const groups of digitRuns(s)) {
    for (let i = 0; i < groups.length; i++) {
      let candidate = '';
      for (let j = i; j < groups.length; j++) {
        // An X only ends a number: groups after one are another number.
        if (j > i && candidate.endsWith('X')) break;
        candidate += groups[j];
        if (candidate.length > MAX_CANDIDATE) break;
        const kind = classify(candidate);
        if (kind) return kind;
      }
    }
  }
  return null;
}

/** Whether a scalar (a string, or a number as it would be printed) carries personal data. */
export function containsPersonalData(value: unknown, opts?: FindOptions): boolean {
  if (typeof value === 'string') return findPersonalData(value, opts) !== null;
  if (typeof value === 'number' || typeof value === 'bigint') return findPersonalData(String(value), opts) !== null;
  return false;
}

export type Path = (string | number)[];

/**
 * Where personal data sits in a value: the path of the first string or number, object key or array
 * element that carries some (keys are checked like values), or null. Walks nested objects and arrays
 * (up to 8 levels; deeper is not a shape any caller accepts). `optionsAt` picks the options for a path.
 */
export interface PersonalDataHit {
  path: Path;
  kind: PersonalDataKind;
  /** Found in the key that ends `path` (so `path` itself carries it: do not echo it back). */
  inKey: boolean;
}

export function findPersonalDataIn(value: unknown, optionsAt?: (path: Path) => FindOptions | undefined): PersonalDataHit | null {
  const walk = (v: unknown, path: Path, depth: number): PersonalDataHit | null => {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint') {
      const kind = findPersonalData(String(v), optionsAt?.(path));
      return kind ? { path, kind, inKey: false } : null;
    }
    if (v === null || typeof v !== 'object' || depth >= 8) return null;
    const entries: [string | number, unknown][] = Array.isArray(v) ? v.map((x, i) => [i, x] as [number, unknown]) : Object.entries(v);
    for (const [k, x] of entries) {
      const keyKind = typeof k === 'string' ? findPersonalData(k) : null;
      if (keyKind) return { path: [...path, k], kind: keyKind, inKey: true };
      const hit = walk(x, [...path, k], depth + 1);
      if (hit) return hit;
    }
    return null;
  };
  return walk(value, [], 0);
}
