/**
 * Time is stored and sent as UTC (ISO 8601). Buyers are in mainland China, so every date shown to a
 * person is rendered in Asia/Shanghai (UTC+8, no daylight saving), computed by offset rather than
 * Intl because mini-program JS engines do not all ship time-zone data.
 */

const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function shanghaiParts(input: Date | string | number) {
  const d = new Date(input);
  if (Number.isNaN(d.getTime())) throw new RangeError(`not a date: ${String(input)}`);
  const s = new Date(d.getTime() + SHANGHAI_OFFSET_MS);
  return {
    y: s.getUTCFullYear(), m: s.getUTCMonth() + 1, d: s.getUTCDate(),
    hh: s.getUTCHours(), mm: s.getUTCMinutes(),
  };
}

/** "2026-11-28" in Asia/Shanghai. */
export function formatDateCN(input: Date | string | number): string {
  const p = shanghaiParts(input);
  return `${p.y}-${pad(p.m)}-${pad(p.d)}`;
}

/** "2026-11-28 20:05" in Asia/Shanghai. */
export function formatDateTimeCN(input: Date | string | number): string {
  const p = shanghaiParts(input);
  return `${p.y}-${pad(p.m)}-${pad(p.d)} ${pad(p.hh)}:${pad(p.mm)}`;
}

/**
 * "2026-11-28 20:05:09" in Asia/Shanghai (China has no daylight saving: UTC+8): the timestamp
 * format of Alipay's OpenAPI, Aliyun's Dyplsapi Expiration and WeChat Pay's bills.
 */
export function beijingDateTime(input: Date | number = new Date()): string {
  return new Date(new Date(input).getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/** Milliseconds from `now` (epoch ms) to the next 00:00 Asia/Shanghai (when WeChat's daily API quotas reset). */
export function msUntilShanghaiMidnight(now: number): number {
  const day = 24 * 60 * 60 * 1000;
  return day - ((now + SHANGHAI_OFFSET_MS) % day);
}
