/**
 * PIPL: phone numbers are masked in every response and on every screen (138****1234).
 * The BFF masks before sending; the mini-program never receives a full number it did not type.
 */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 7) return '*'.repeat(digits.length);
  return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
}

/**
 * ID-card (and driver-licence, which in China is the ID-card number) masking: the first 3 and the
 * last 4 characters stay, 110***********1234. Short values are masked entirely.
 */
export function maskIdCard(id: string): string {
  const v = id.trim();
  if (v.length < 8) return '*'.repeat(v.length);
  return `${v.slice(0, 3)}${'*'.repeat(v.length - 7)}${v.slice(-4)}`;
}

/** Names keep their first character: 张三 -> 张*, 欧阳娜娜 -> 欧***. */
export function maskName(name: string): string {
  const chars = Array.from(name.trim());
  if (chars.length <= 1) return '*';
  return chars[0] + '*'.repeat(chars.length - 1);
}

/** Mainland mobile numbers: 11 digits starting 13-19. `+86`, spaces and dashes are accepted and dropped. */
export function normalizeCnMobile(input: string): string | null {
  const digits = input.replace(/[\s-]/g, '').replace(/^(\+?86)(?=1\d{10}$)/, '');
  return /^1[3-9]\d{9}$/.test(digits) ? digits : null;
}

/** GB 11643-1999 resident ID number: 17 digits + check character (0-9 or X), checksum verified. */
export function isValidCnIdCard(id: string): boolean {
  const v = id.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(v)) return false;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = weights.reduce((acc, w, i) => acc + w * Number(v[i]), 0);
  return '10X98765432'[sum % 11] === v[17];
}
