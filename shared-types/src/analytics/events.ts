/**
 * What a tracking event may carry. Shared by the mini-program SDK (which strips) and the BFF
 * (which refuses): events are anonymous product analytics, never personal data.
 */

/**
 * A mainland mobile or ID-card number anywhere in a value. No lookbehind: older iOS JavaScript
 * engines (WeChat on iOS < 16.4) refuse to parse it, which would break the whole bundle.
 */
export const PERSONAL_DATA_PATTERN = /(?:^|\D)1[3-9]\d{9}(?!\d)|(?:^|[^\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])/;
export const EVENT_NAME_PATTERN = /^[a-z][a-z0-9_]{1,47}$/;
/** Experiment and variant keys (the BFF's schema and the console's form check the same). */
export const EXPERIMENT_KEY_PATTERN = /^[a-z][a-z0-9-]{2,40}$/;
export const VARIANT_KEY_PATTERN = /^[a-z][a-z0-9_-]{0,30}$/;
export const EVENT_PROPERTY_KEY_PATTERN = /^[a-zA-Z][a-zA-Z0-9_]{0,39}$/;
export const MAX_EVENT_PROPERTIES = 20;
export const MAX_EVENT_STRING = 200;

export type EventPropertyValue = string | number | boolean | null;

/**
 * The properties an event may keep: known-shape keys, scalar values, strings cut to 200 chars,
 * at most 20; anything that looks like a phone or ID-card number is dropped with its key.
 * Answers the kept properties and the keys dropped (so the caller can warn in development).
 */
export function sanitizeEventProperties(input: Record<string, unknown> | undefined): { properties: Record<string, EventPropertyValue>; dropped: string[] } {
  const properties: Record<string, EventPropertyValue> = {};
  const dropped: string[] = [];
  for (const [k, raw] of Object.entries(input ?? {})) {
    if (raw === undefined) continue;
    const ok = EVENT_PROPERTY_KEY_PATTERN.test(k) && (raw === null || ['string', 'number', 'boolean'].includes(typeof raw)) && (typeof raw !== 'number' || Number.isFinite(raw));
    const value = typeof raw === 'string' ? raw.slice(0, MAX_EVENT_STRING) : (raw as EventPropertyValue);
    if (!ok || (value !== null && PERSONAL_DATA_PATTERN.test(String(value))) || Object.keys(properties).length >= MAX_EVENT_PROPERTIES) {
      dropped.push(k);
      continue;
    }
    properties[k] = value;
  }
  return { properties, dropped };
}
