/**
 * Vehicle identification numbers (VIN, 车架号/车辆识别代号): ISO 3779, which GB 16735 makes binding
 * for cars sold in China, check digit included. 17 characters from the digits and the letters
 * except I, O and Q (too easily read as 1 and 0); position 9 is the check digit, computed with
 * the North American transliteration and weights (49 CFR 565), which GB 16735 uses too.
 *
 * Pure, shared by the mini-program (the form says what is wrong as the buyer types) and the BFF
 * (which refuses the same inputs).
 */

export const VIN_LENGTH = 17;
/** The position (1-based) of the check digit. */
export const VIN_CHECK_POSITION = 9;

const TRANSLITERATION: Record<string, number> = {
  A: 1, B: 2, C: 3, D: 4, E: 5, F: 6, G: 7, H: 8,
  J: 1, K: 2, L: 3, M: 4, N: 5, P: 7, R: 9,
  S: 2, T: 3, U: 4, V: 5, W: 6, X: 7, Y: 8, Z: 9,
};
const WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];
const VIN_CHAR = /^[A-HJ-NPR-Z0-9]$/;
/** 17 allowed characters (the check digit not verified). */
export const VIN_PATTERN = /^[A-HJ-NPR-Z0-9]{17}$/;

/**
 * What a buyer types or a scanner reads, as a VIN: full-width characters folded (NFKC, as a
 * Chinese keyboard may give them), upper case, spaces and separators (- · .) removed.
 */
export function normalizeVin(input: string): string {
  let s = String(input);
  if (typeof s.normalize === 'function') s = s.normalize('NFKC');
  return s.toUpperCase().replace(/[\s\-_.·•・]/g, '');
}

/** A character's value in the check-digit sum (digits are themselves); undefined when not allowed. */
function valueOf(c: string): number | undefined {
  if (c >= '0' && c <= '9') return c.charCodeAt(0) - 48;
  return TRANSLITERATION[c];
}

/**
 * The check digit (0-9 or X) a 17-character VIN must carry at position 9, from its other
 * characters; null when a character is not allowed or the length is not 17.
 */
export function vinCheckDigit(vin: string): string | null {
  if (vin.length !== VIN_LENGTH) return null;
  let sum = 0;
  for (let i = 0; i < VIN_LENGTH; i++) {
    const v = valueOf(vin[i]);
    if (v === undefined) return null;
    sum += v * WEIGHTS[i];
  }
  const r = sum % 11;
  return r === 10 ? 'X' : String(r);
}

export type VinProblem =
  | { reason: 'EMPTY' }
  /** I, O or Q at a position (1-based): most often a 1 or a 0 typed as a letter. */
  | { reason: 'FORBIDDEN_LETTER'; position: number; char: string }
  /** Anything else that is neither a digit nor an allowed letter. */
  | { reason: 'CHARACTER'; position: number; char: string }
  | { reason: 'LENGTH'; length: number }
  /** All 17 characters allowed, but position 9 does not match the others: a character is wrong somewhere. */
  | { reason: 'CHECK_DIGIT' };

export type VinCheck = { ok: true; vin: string } | { ok: false; vin: string; problem: VinProblem; message: string };

/**
 * The Chinese sentence for a problem. The check-digit one does not say which digit position 9
 * "should" be: the typo is as likely elsewhere, and "fixing" position 9 would make a wrong VIN pass.
 */
export function vinProblemMessage(p: VinProblem): string {
  switch (p.reason) {
    case 'EMPTY':
      return '请输入车架号';
    case 'FORBIDDEN_LETTER':
      return `第 ${p.position} 位是字母 ${p.char}：车架号不使用 I、O、Q，请确认是否为数字 ${p.char === 'I' ? '1' : '0'}`;
    case 'CHARACTER':
      return `第 ${p.position} 位「${p.char}」不是车架号可用的字符（只有数字和字母）`;
    case 'LENGTH':
      return `车架号应为 17 位，当前 ${p.length} 位`;
    case 'CHECK_DIGIT':
      return '车架号校验未通过，可能有输错的字符，请对照行驶证或前挡风玻璃左下角的车架号逐位核对';
  }
}

/**
 * Checks a VIN as typed (normalised first): characters first (so the form can say at once that an
 * O should be a 0), then the length, then the check digit.
 */
export function validateVin(input: string): VinCheck {
  const vin = normalizeVin(input);
  const fail = (problem: VinProblem): VinCheck => ({ ok: false, vin, problem, message: vinProblemMessage(problem) });
  if (vin === '') return fail({ reason: 'EMPTY' });
  const chars = Array.from(vin);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c === 'I' || c === 'O' || c === 'Q') return fail({ reason: 'FORBIDDEN_LETTER', position: i + 1, char: c });
    if (!VIN_CHAR.test(c)) return fail({ reason: 'CHARACTER', position: i + 1, char: c });
  }
  if (chars.length !== VIN_LENGTH) return fail({ reason: 'LENGTH', length: chars.length });
  if (vinCheckDigit(vin) !== vin[VIN_CHECK_POSITION - 1]) return fail({ reason: 'CHECK_DIGIT' });
  return { ok: true, vin };
}

export const isValidVin = (input: string) => validateVin(input).ok;

/**
 * What a barcode scanner read off a VIN label, as a VIN: normalised, and without the leading "I"
 * some Code 39 VIN labels carry (the import marker) when what follows is a valid VIN.
 */
export function vinFromScan(raw: string): string {
  const s = normalizeVin(raw);
  if (s.length === VIN_LENGTH + 1 && s[0] === 'I' && isValidVin(s.slice(1))) return s.slice(1);
  return s;
}
