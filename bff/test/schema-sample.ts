/**
 * Example values from the JSON Schemas of the OpenAPI document (the subset zod's toJSONSchema
 * writes: type, properties/required, items, enum/const, anyOf/oneOf, pattern, format, bounds,
 * propertyNames), for the contract test. Deterministic for a seed. Strings matching a `pattern` come
 * from a small regex sampler covering what our schemas use (classes, ranges, groups, alternation,
 * quantifiers, \d \w \p{L}, lookaheads are checked by retrying).
 */

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  enum?: Json[];
  const?: Json;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number | boolean;
  exclusiveMaximum?: number | boolean;
  default?: Json;
  nullable?: boolean;
  $ref?: string;
}

/** mulberry32: a small seeded generator. */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
  };
}
export type Rng = ReturnType<typeof rng>;

// ---- regex sampler ---------------------------------------------------------------------------

type Node =
  | { k: 'seq'; items: Node[] }
  | { k: 'alt'; options: Node[] }
  | { k: 'chars'; set: string[] }
  | { k: 'rep'; node: Node; min: number; max: number }
  | { k: 'empty' };

const DIGITS = '0123456789'.split('');
const WORD = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_'.split('');
const LETTERS_CN = '张王李赵明华远山'.split('');
const PRINTABLE = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:,|*? '.split('');

function parseRegex(src: string): Node {
  let i = 0;
  const peek = () => src[i];
  const escapeSet = (c: string): string[] => {
    if (c === 'd') return DIGITS;
    if (c === 'w') return WORD;
    if (c === 's') return [' '];
    if (c === 'p') {
      const close = src.indexOf('}', i);
      i = close + 1; // \p{L}
      return LETTERS_CN;
    }
    return [c];
  };
  const parseClass = (): string[] => {
    const negate = peek() === '^';
    if (negate) i++;
    const set: string[] = [];
    while (i < src.length && peek() !== ']') {
      let c = src[i++];
      if (c === '\\') {
        set.push(...escapeSet(src[i++]));
        continue;
      }
      if (peek() === '-' && src[i + 1] !== ']' && src[i + 1] !== undefined) {
        i++;
        let end = src[i++];
        if (end === '\\') end = src[i++];
        for (let x = c.charCodeAt(0); x <= end.charCodeAt(0); x++) set.push(String.fromCharCode(x));
        continue;
      }
      set.push(c);
    }
    i++; // ]
    return negate ? PRINTABLE.filter((ch) => !set.includes(ch)) : set;
  };
  const parseAlt = (): Node => {
    const options: Node[] = [parseSeq()];
    while (peek() === '|') {
      i++;
      options.push(parseSeq());
    }
    return options.length === 1 ? options[0] : { k: 'alt', options };
  };
  const parseSeq = (): Node => {
    const items: Node[] = [];
    while (i < src.length && peek() !== '|' && peek() !== ')') {
      let atom: Node;
      const c = src[i++];
      if (c === '^' || c === '$') continue;
      if (c === '(') {
        let lookahead = false;
        if (src.startsWith('?:', i)) i += 2;
        else if (src.startsWith('?=', i) || src.startsWith('?!', i)) {
          i += 2;
          lookahead = true;
        }
        const inner = parseAlt();
        i++; // )
        if (lookahead) continue; // checked by matching the result against the real RegExp
        atom = inner;
      } else if (c === '[') atom = { k: 'chars', set: parseClass() };
      else if (c === '\\') atom = { k: 'chars', set: escapeSet(src[i++]) };
      else if (c === '.') atom = { k: 'chars', set: WORD };
      else atom = { k: 'chars', set: [c] };
      // quantifier
      let min = 1;
      let max = 1;
      const q = peek();
      if (q === '?') [min, max, i] = [0, 1, i + 1];
      else if (q === '*') [min, max, i] = [0, 3, i + 1];
      else if (q === '+') [min, max, i] = [1, 4, i + 1];
      else if (q === '{') {
        const close = src.indexOf('}', i);
        const [lo, hi] = src.slice(i + 1, close).split(',');
        min = Number(lo);
        max = hi === undefined ? min : hi === '' ? min + 3 : Number(hi);
        i = close + 1;
      }
      items.push(min === 1 && max === 1 ? atom : { k: 'rep', node: atom, min, max });
    }
    return items.length === 0 ? { k: 'empty' } : { k: 'seq', items };
  };
  return parseAlt();
}

function emit(n: Node, r: Rng, lengthBias: 'short' | 'any'): string {
  switch (n.k) {
    case 'empty':
      return '';
    case 'chars':
      return r.pick(n.set);
    case 'seq':
      return n.items.map((x) => emit(x, r, lengthBias)).join('');
    case 'alt':
      return emit(r.pick(n.options), r, lengthBias);
    case 'rep': {
      const max = lengthBias === 'short' ? Math.min(n.max, n.min + 8) : n.max;
      const count = r.int(n.min, max);
      let s = '';
      for (let k = 0; k < count; k++) s += emit(n.node, r, lengthBias);
      return s;
    }
  }
}

/** A string matching `pattern` (and the length bounds), or the last try when none does. */
export function stringMatching(pattern: string, r: Rng, bounds: { minLength?: number; maxLength?: number } = {}): string {
  const re = new RegExp(pattern, 'u');
  const ast = parseRegex(pattern);
  let last = '';
  for (let tries = 0; tries < 50; tries++) {
    last = emit(ast, r, tries < 25 ? 'short' : 'any');
    if (re.test(last) && last.length >= (bounds.minLength ?? 0) && last.length <= (bounds.maxLength ?? Infinity)) return last;
  }
  return last;
}

// ---- JSON Schema sampler ---------------------------------------------------------------------

export const NO_HINT = Symbol('no hint');
export interface SampleOptions {
  r: Rng;
  /** A real value for this place (e.g. a seeded model code), or NO_HINT. `path` is dotted, arrays as []. */
  hint?: (path: string) => unknown;
  /** 'required': only required properties (and hinted optional ones); 'all': every property. */
  mode: 'required' | 'all';
}

function isoIn(r: Rng): string {
  // Tomorrow or a few days ahead, on the hour: past dates make bookings and schedules fail for a dull reason.
  const d = new Date(Date.now() + r.int(1, 4) * 86_400_000);
  d.setUTCMinutes(0, 0, 0);
  return d.toISOString();
}

export function sample(schema: JsonSchema, opts: SampleOptions, path = ''): unknown {
  const hinted = opts.hint ? opts.hint(path) : NO_HINT;
  if (hinted !== NO_HINT) return hinted;
  const { r } = opts;
  if (schema.$ref) throw new Error(`$ref not supported by the sampler: ${schema.$ref} at ${path}`);
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return r.pick(schema.enum);
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return sample(r.pick(union), opts, path);
  if (schema.allOf) return sample(Object.assign({}, ...schema.allOf), opts, path);
  switch (schema.type) {
    case 'string': {
      if (schema.format === 'date-time') return isoIn(r);
      if (schema.format === 'uuid') return crypto.randomUUID();
      if (schema.pattern) return stringMatching(schema.pattern, r, schema);
      const len = Math.max(schema.minLength ?? 1, Math.min(schema.maxLength ?? 8, 8));
      return '样例' + 'abcdefgh'.slice(0, Math.max(0, len - 2));
    }
    case 'integer':
    case 'number': {
      const exMin = typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum : undefined;
      const lo = schema.minimum ?? (exMin !== undefined ? exMin + 1 : 0);
      const hi = Math.min(schema.maximum ?? lo + 100, lo + 1000);
      return r.int(Math.ceil(lo), Math.floor(hi));
    }
    case 'boolean':
      return r.next() < 0.5;
    case 'null':
      return null;
    case 'array': {
      const n = Math.max(schema.minItems ?? 0, Math.min(schema.maxItems ?? 2, 1));
      return Array.from({ length: n }, () => sample(schema.items ?? {}, opts, `${path}[]`));
    }
    case 'object': {
      const out: Record<string, unknown> = {};
      const required = new Set(schema.required ?? []);
      for (const [k, s] of Object.entries(schema.properties ?? {})) {
        const p = path ? `${path}.${k}` : k;
        const h = opts.hint ? opts.hint(p) : NO_HINT;
        if (h !== NO_HINT) {
          if (h !== undefined) out[k] = h;
          continue;
        }
        // A property with a default is required in zod's input schema only nominally: leave it to the server.
        if (required.has(k) && s.default === undefined) out[k] = sample(s, opts, p);
        else if (opts.mode === 'all') out[k] = sample(s, opts, p);
      }
      if (!schema.properties && typeof schema.additionalProperties === 'object') {
        const key = schema.propertyNames?.pattern ? stringMatching(schema.propertyNames.pattern, r) : 'k1';
        out[key] = sample(schema.additionalProperties, opts, `${path}{}`);
      }
      return out;
    }
    default:
      return {};
  }
}

/** The same shape with every leaf of the wrong type (a string where a number goes, and so on). */
export function wrongTypes(value: unknown): unknown {
  if (typeof value === 'string') return 12345;
  if (typeof value === 'number') return 'not-a-number';
  if (typeof value === 'boolean') return 'yes';
  if (Array.isArray(value)) return 'not-an-array';
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, wrongTypes(v)]));
  return 'x';
}
