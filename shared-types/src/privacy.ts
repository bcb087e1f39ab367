/**
 * PIPL: phone numbers are masked in every response and on every screen (138****1234).
 * The BFF masks before sending; the mini-program never receives a full number it did not type.
 */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 7) return '*'.repeat(digits.length);
  return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
}
