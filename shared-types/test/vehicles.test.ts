import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidPlate, normalizeVin, ownerMismatchAdvice, validatePlate, validateVin, vinCheckDigit, vinFromScan } from '../src';

// Check digits computed with an independent implementation of 49 CFR 565.15 (a Python script), not from memory.
const VALID = [
  '1M8GDM9AXKP042788', // check digit X
  '1HGCM82633A004352',
  '5GZCZ43D13S812715',
  '11111111111111111',
  // The demo DMS's China-market cars (scripts/simulators/src/dms.ts).
  'LLYS5A1R5RS100001',
  'LLYE7C3A6PS200003',
  'LLYS6P2A2RS300004',
  'LLYX4A1A8RS400005',
];

describe('VIN', () => {
  it.each(VALID)('%s is valid', (vin) => {
    expect(validateVin(vin)).toEqual({ ok: true, vin });
    expect(vinCheckDigit(vin)).toBe(vin[8]);
  });

  it('normalises: upper case, spaces, separators, full-width characters', () => {
    expect(normalizeVin(' llys5a1r5 rs100001 ')).toBe('LLYS5A1R5RS100001');
    expect(normalizeVin('LLYS-5A1R5-RS10·0001')).toBe('LLYS5A1R5RS100001');
    expect(normalizeVin('ＬＬＹＳ５Ａ１Ｒ５ＲＳ１０００１')).toBe('LLYS5A1R5RS10001');
    expect(validateVin('llys 5a1r 5rs1 00001')).toEqual({ ok: true, vin: 'LLYS5A1R5RS100001' });
  });

  it('an O typed for a 0 (or I for 1, Q) is named with its position, before anything else', () => {
    const r = validateVin('LLYS5A1R5RS1O0001');
    expect(r).toMatchObject({ ok: false, problem: { reason: 'FORBIDDEN_LETTER', position: 13, char: 'O' } });
    expect(!r.ok && r.message).toBe('第 13 位是字母 O：车架号不使用 I、O、Q，请确认是否为数字 0');
    expect(validateVin('IHGCM82633A004352')).toMatchObject({ ok: false, problem: { reason: 'FORBIDDEN_LETTER', position: 1, char: 'I' } });
    expect(!validateVin('IHGCM82633A004352').ok && (validateVin('IHGCM82633A004352') as { message: string }).message).toContain('数字 1');
    // Even while the VIN is still short, so the form can say it as it is typed.
    expect(validateVin('LLYQ')).toMatchObject({ ok: false, problem: { reason: 'FORBIDDEN_LETTER', position: 4, char: 'Q' } });
    expect(validateVin('LLY*S5')).toMatchObject({ ok: false, problem: { reason: 'CHARACTER', position: 4, char: '*' } });
    expect(validateVin('LLY沪S5')).toMatchObject({ ok: false, problem: { reason: 'CHARACTER', position: 4, char: '沪' } });
  });

  it('a wrong check digit, a typo elsewhere, two digits swapped: CHECK_DIGIT, without telling what position 9 "should" be', () => {
    for (const vin of ['LLYS5A1R4RS100001', 'LLYS5A1R5RS100002', 'LLYS5A1R5RS100010', '1HGCM82633A004353', '1M8GDM9A1KP042788']) {
      const r = validateVin(vin);
      expect(r, vin).toMatchObject({ ok: false, problem: { reason: 'CHECK_DIGIT' } });
      expect(!r.ok && r.message).toMatch(/^车架号校验未通过/);
      expect(!r.ok && r.message).not.toMatch(/应为/);
    }
    // A letter other than X at position 9 can never be a check digit.
    expect(validateVin('1HGCM826A3A004352')).toMatchObject({ ok: false, problem: { reason: 'CHECK_DIGIT' } });
  });

  it('16 or 18 characters, or nothing: LENGTH / EMPTY', () => {
    expect(validateVin('LLYS5A1R5RS10000')).toMatchObject({ ok: false, problem: { reason: 'LENGTH', length: 16 }, message: '车架号应为 17 位，当前 16 位' });
    expect(validateVin('LLYS5A1R5RS1000011')).toMatchObject({ ok: false, problem: { reason: 'LENGTH', length: 18 } });
    expect(validateVin('  ')).toMatchObject({ ok: false, problem: { reason: 'EMPTY' }, message: '请输入车架号' });
  });

  it('a scanned Code 39 label may carry a leading I (import marker): dropped when a valid VIN follows', () => {
    expect(vinFromScan('I1HGCM82633A004352')).toBe('1HGCM82633A004352');
    expect(vinFromScan(' llys5a1r5rs100001\n')).toBe('LLYS5A1R5RS100001');
    expect(vinFromScan('IXXXXXXXXXXXXXXXXX')).toBe('IXXXXXXXXXXXXXXXXX'); // not a VIN behind it: left for the form to refuse
  });

  const allowed = 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789';
  const vinChars = fc.array(fc.constantFrom(...allowed), { minLength: 17, maxLength: 17 }).map((a) => a.join(''));
  const withCheckDigit = (s: string) => s.slice(0, 8) + vinCheckDigit(s)! + s.slice(9);
  const value = (c: string) => (/\d/.test(c) ? Number(c) : { A: 1, B: 2, C: 3, D: 4, E: 5, F: 6, G: 7, H: 8, J: 1, K: 2, L: 3, M: 4, N: 5, P: 7, R: 9, S: 2, T: 3, U: 4, V: 5, W: 6, X: 7, Y: 8, Z: 9 }[c]!);

  it('property: any 17 allowed characters with their check digit are valid', () => {
    fc.assert(fc.property(vinChars, (s) => validateVin(withCheckDigit(s)).ok));
  });

  it('property: changing one character to one of another value is always caught (weights are prime to 11)', () => {
    fc.assert(
      fc.property(vinChars, fc.integer({ min: 0, max: 16 }).filter((i) => i !== 8), fc.constantFrom(...allowed), (s, i, c) => {
        const vin = withCheckDigit(s);
        fc.pre(value(c) !== value(vin[i]));
        return !validateVin(vin.slice(0, i) + c + vin.slice(i + 1)).ok;
      }),
    );
  });
});

describe('number plates', () => {
  it('regular 7-character plates and new-energy 8-character ones (small and large), normalised', () => {
    expect(validatePlate('沪A12345')).toEqual({ ok: true, plate: '沪A12345', kind: 'regular' });
    expect(validatePlate('京n8k9l0')).toEqual({ ok: true, plate: '京N8K9L0', kind: 'regular' });
    expect(validatePlate('沪A·12345')).toEqual({ ok: true, plate: '沪A12345', kind: 'regular' });
    expect(validatePlate(' 粤B D12345 ')).toEqual({ ok: true, plate: '粤BD12345', kind: 'new_energy' });
    expect(validatePlate('粤BFA1234')).toEqual({ ok: true, plate: '粤BFA1234', kind: 'new_energy' });
    expect(validatePlate('沪AA12345')).toEqual({ ok: true, plate: '沪AA12345', kind: 'new_energy' }); // the letters added after D and F ran out
    expect(validatePlate('沪A12345D')).toEqual({ ok: true, plate: '沪A12345D', kind: 'new_energy' });
    expect(validatePlate('沪Ａ１２３４５')).toMatchObject({ ok: true, plate: '沪A12345' });
  });

  it('refuses what is not a plate, saying why', () => {
    expect(validatePlate('')).toMatchObject({ ok: false, message: '请输入车牌号' });
    expect(validatePlate('AB12345')).toMatchObject({ ok: false, message: expect.stringContaining('省份简称') });
    expect(validatePlate('港A12345')).toMatchObject({ ok: false });
    expect(validatePlate('沪A1234')).toMatchObject({ ok: false, message: expect.stringContaining('格式不正确') });
    expect(validatePlate('沪A123456')).toMatchObject({ ok: false, message: expect.stringContaining('新能源') }); // 8 characters, no energy letter
    expect(validatePlate('沪AZ12345')).toMatchObject({ ok: false }); // Z is not an energy letter
    expect(validatePlate('沪AD1234A')).toMatchObject({ ok: false }); // small new-energy plates end in four digits
    expect(validatePlate('沪A1O345')).toMatchObject({ ok: false, message: expect.stringContaining('I、O') });
    expect(validatePlate('沪I12345')).toMatchObject({ ok: false });
    expect(isValidPlate('沪A12345学')).toBe(false);
  });
});

describe('owner mismatch advice', () => {
  it('names the masked registered phone and both ways forward', () => {
    const a = ownerMismatchAdvice({ registeredPhone: '138****8000', signedInPhone: 'different' });
    expect(a.title).toBe('该车登记的车主手机号为 138****8000，与您当前登录的手机号不一致');
    expect(a.steps[0]).toContain('用购车时登记的手机号 138****8000 登录');
    expect(a.steps[1]).toContain('行驶证');
    expect(ownerMismatchAdvice({ registeredPhone: '138****8000', signedInPhone: 'none' }).steps[0]).toContain('绑定');
  });
});
