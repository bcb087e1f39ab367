/** A before/after value as readable lines ("state: deposit_paid"); nested values as compact JSON. */
export function readable(v: unknown): string[] {
  if (v === null || v === undefined) return []
  if (typeof v !== 'object' || Array.isArray(v)) return [JSON.stringify(v)]
  return Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k}: ${typeof x === 'string' ? x : JSON.stringify(x)}`)
}
