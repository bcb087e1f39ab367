/**
 * Chinese number plates (机动车号牌, GA 36-2018), the ones a private car carries:
 * - regular (蓝牌, 7 characters): the province's one-character abbreviation, the issuing
 *   authority's letter, then 5 letters or digits — 沪A12345, 京N8K9L0;
 * - new-energy (绿牌, 8 characters): province, authority letter, then 6:
 *   small cars — an energy letter (D A B C E: battery electric; F G H J K: others), a letter or
 *   digit, four digits — 沪AD12345, 粤BFA1234;
 *   large vehicles — five digits and the energy letter — 沪A12345D.
 * Letters I and O are never used after the province. Pure, shared by the mini-program and the BFF.
 */

/** The 31 provincial abbreviations of mainland China. */
export const PLATE_PROVINCES = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼';

const P = `[${PLATE_PROVINCES}]`;
const AUTHORITY = '[A-HJ-NP-Z]';
const SERIAL = '[A-HJ-NP-Z0-9]';
const ENERGY = '[DABCEFGHJK]';
const REGULAR = new RegExp(`^${P}${AUTHORITY}${SERIAL}{5}$`);
const NEW_ENERGY_SMALL = new RegExp(`^${P}${AUTHORITY}${ENERGY}${SERIAL}\\d{4}$`);
const NEW_ENERGY_LARGE = new RegExp(`^${P}${AUTHORITY}\\d{5}${ENERGY}$`);

export type PlateKind = 'regular' | 'new_energy';

export type PlateCheck = { ok: true; plate: string; kind: PlateKind } | { ok: false; plate: string; message: string };

/** Full-width characters folded, upper case, spaces and separators (· • - .) removed: 沪A·12345 → 沪A12345. */
export function normalizePlate(input: string): string {
  let s = String(input);
  if (typeof s.normalize === 'function') s = s.normalize('NFKC');
  return s.toUpperCase().replace(/[\s\-_.·•・]/g, '');
}

export function validatePlate(input: string): PlateCheck {
  const plate = normalizePlate(input);
  const fail = (message: string): PlateCheck => ({ ok: false, plate, message });
  if (plate === '') return fail('请输入车牌号');
  if (!PLATE_PROVINCES.includes(plate[0])) return fail('车牌号应以省份简称开头，如 沪A12345');
  if (REGULAR.test(plate)) return { ok: true, plate, kind: 'regular' };
  if (NEW_ENERGY_SMALL.test(plate) || NEW_ENERGY_LARGE.test(plate)) return { ok: true, plate, kind: 'new_energy' };
  const rest = plate.slice(1);
  if (/[IO]/.test(rest)) return fail('车牌号不使用字母 I、O，请确认是否为数字 1、0');
  if (plate.length === 8) return fail('新能源车牌格式不正确，如 沪AD12345（小型车）或 沪A12345D（大型车）');
  return fail('车牌号格式不正确，如 沪A12345，新能源车如 沪AD12345');
}

export const isValidPlate = (input: string) => validatePlate(input).ok;
