/**
 * Money is always an integer number of fen (1 yuan = 100 fen). These helpers are the only place
 * where fen become text, so every screen and every API shows prices the same way.
 */

export type Fen = number;

/** True for a safe, non-negative integer amount of fen. */
export function isFen(value: unknown): value is Fen {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Group an integer's digits with commas: 1234567 -> "1,234,567" (no Intl: mini-program runtimes lack full ICU). */
function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * Format fen as a price for buyers: 15980000 -> "¥159,800", 12345 -> "¥123.45".
 * Whole-yuan prices (almost every car price) drop the ".00".
 */
export function formatFen(fen: Fen, opts: { alwaysCents?: boolean } = {}): string {
  if (!Number.isSafeInteger(fen)) throw new TypeError(`formatFen: not an integer amount of fen: ${fen}`);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const yuan = groupThousands(String(Math.floor(abs / 100)));
  const cents = abs % 100;
  const tail = cents === 0 && !opts.alwaysCents ? '' : `.${String(cents).padStart(2, '0')}`;
  return `${sign}¥${yuan}${tail}`;
}

/** Format a price delta for option lists: +¥12,000 / -¥3,000 / 免费 (included at no cost). */
export function formatFenDelta(fen: Fen): string {
  if (fen === 0) return '免费';
  return fen > 0 ? `+${formatFen(fen)}` : formatFen(fen);
}

/** Compact form for cards: 15980000 -> "15.98万". Rounded to 2 decimals of 万 (10,000 yuan). */
export function formatFenWan(fen: Fen): string {
  const wan = Math.round(fen / 100 / 100) / 100; // fen -> yuan -> 万 with two decimals
  return `${wan.toFixed(2).replace(/\.?0+$/, '')}万`;
}

export function yuanToFen(yuan: number): Fen {
  return Math.round(yuan * 100);
}
