/**
 * What a tracking event may carry. Shared by the mini-program SDK (which strips) and the BFF
 * (which refuses): events are anonymous product analytics, never personal data.
 */
import { containsPersonalData, findPersonalDataIn, type PersonalDataHit } from '../personal-data';

/** Event names: snake_case, 2-48 characters (`view_model`, `launch_order_created`). */
export const EVENT_NAME_PATTERN = /^(?=.{2,48}$)[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;
/**
 * The SDK's device (anonymous) and session ids: a random v4 UUID's 32 hex digits without dashes.
 * A fixed format, so no id carries free text into stored events or Redis key names.
 */
export const ANONYMOUS_ID_PATTERN = /^[0-9a-f]{32}$/;
/** Experiment and variant keys (the BFF's schema and the console's form check the same). */
export const EXPERIMENT_KEY_PATTERN = /^[a-z][a-z0-9-]{2,40}$/;
export const VARIANT_KEY_PATTERN = /^[a-z][a-z0-9_-]{0,30}$/;
export const EVENT_PROPERTY_KEY_PATTERN = /^[a-zA-Z][a-zA-Z0-9_]{0,39}$/;
export const MAX_EVENT_PROPERTIES = 20;
export const MAX_EVENT_STRING = 200;

export type EventPropertyValue = string | number | boolean | null;

/**
 * The properties an event may keep: known-shape keys, scalar values, strings cut to 200 chars,
 * at most 20; a key or value that holds a phone or ID-card number or an e-mail address (in any
 * spelling `findPersonalData` knows) is dropped with its key.
 * Answers the kept properties and the keys dropped (so the caller can warn in development).
 */
export function sanitizeEventProperties(input: Record<string, unknown> | undefined): { properties: Record<string, EventPropertyValue>; dropped: string[] } {
  const properties: Record<string, EventPropertyValue> = {};
  const dropped: string[] = [];
  for (const [k, raw] of Object.entries(input ?? {})) {
    if (raw === undefined) continue;
    const ok = EVENT_PROPERTY_KEY_PATTERN.test(k) && !containsPersonalData(k) && (raw === null || ['string', 'number', 'boolean'].includes(typeof raw)) && (typeof raw !== 'number' || Number.isFinite(raw));
    const value = typeof raw === 'string' ? raw.slice(0, MAX_EVENT_STRING) : (raw as EventPropertyValue);
    // The whole value is checked, not only what is kept: a number cut in half is still half a number.
    if (!ok || containsPersonalData(raw) || Object.keys(properties).length >= MAX_EVENT_PROPERTIES) {
      dropped.push(k);
      continue;
    }
    properties[k] = value;
  }
  return { properties, dropped };
}

/**
 * Personal data anywhere in a raw tracking event: every key and every string or number value, at any
 * depth (name, page, ids, property keys and values, and fields the schema would refuse anyway).
 * Answers where (the path) and what, or null. The event `id` is a UUID whose dashes are part of
 * its format, so its hex groups are not joined (joined, random UUIDs would look like numbers).
 */
export function findPersonalDataInEvent(raw: unknown): PersonalDataHit | null {
  return findPersonalDataIn(raw, (path) => (path.length === 1 && path[0] === 'id' ? { joinGroups: false } : undefined));
}
