import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { containsPersonalData, findPersonalData, findPersonalDataIn, findPersonalDataInEvent, normalizeText, sanitizeEventProperties } from '../src';
import { anonymousIdSchema, eventNameSchema, trackingEventSchema } from '../src/schemas';

const ID = '11010519491231002X';

describe('findPersonalData', () => {
  // Issue #26: every spelling of one number the old pattern let through, and a few more.
  const mobiles = [
    '13800138000',
    '+8613800138000',
    '8613800138000',
    '008613800138000',
    '+86 138 0013 8000',
    '138 0013 8000',
    '138-0013-8000',
    '138.0013.8000',
    '(138) 0013 8000',
    '（138）0013-8000',
    '１３８００１３８０００', // full-width digits
    '＋８６ １３８－００１３－８０００',
    '138\u200B0013\u200B8000', // zero-width spaces
    '138\u00A00013\u30008000', // no-break and ideographic spaces
    '1\u20123\u20138 0013 8000', // figure dash and en dash
    '电话：138 0013 8000，找张三',
    '请联系13800138000',
    'tel13800138000', // letters are a boundary: a number inside a key or name
    'call_13800138000',
    'pages/13800138000/index',
    '3 138 0013 8000', // another number before it
    '13800138000aaaaaaaaaaaaaaaaaaaaa', // an "id" of the right length
    '①③⑧⓪⓪①③⑧⓪⓪⓪'.replace(/⓪/g, '0'), // circled digits (NFKC)
  ];
  it.each(mobiles)('finds the mobile number in %j', (text) => {
    expect(findPersonalData(text)).toBe('mobile');
  });

  const ids = [ID, '11010519491231002x', '110105 19491231 002X', '110105-1949-1231-002X', '１１０１０５１９４９１２３１００２Ｘ', '身份证110105194912310021号', '110105.19491231.0021'];
  it.each(ids)('finds the ID number in %j', (text) => {
    expect(findPersonalData(text)).toBe('id_card');
  });

  it.each(['zhang.san@example.com', '联系 12345@qq.com 谢谢', 'zhang＠example．com', 'a.b-c+tag@mail.example.com.cn'])('finds the e-mail address in %j', (text) => {
    expect(findPersonalData(text)).toBe('email');
  });

  const clean = [
    '',
    'yuanshan-s5',
    'pages/model/index',
    'view_model',
    '2026-12-07T10:00:00.000Z',
    '2026-12-07 13:00',
    '159,800',
    '15980000',
    '213800138000', // twelve digits: not a phone
    '1380013800', // ten
    '12800138000', // 12x is no mobile prefix
    '1733800138000', // a time in milliseconds
    'CM2026120712345678', // an order number
    '110105' + '19491331' + '0021', // 13th month: not a birth date
    '021-6888 8888', // a landline
    '@home',
    'a@b',
    '¥159,800 起',
  ];
  it.each(clean)('leaves %j alone', (text) => {
    expect(findPersonalData(text)).toBeNull();
  });

  it('checks numbers as they print, and nothing else', () => {
    expect(containsPersonalData(13800138000)).toBe(true);
    expect(containsPersonalData(8613800138000)).toBe(true);
    expect(containsPersonalData(15980000)).toBe(false);
    expect(containsPersonalData(true)).toBe(false);
    expect(containsPersonalData(null)).toBe(false);
  });

  it('normalises width and invisible characters', () => {
    expect(normalizeText('ＡＢＣ　１２３\u200B')).toBe('ABC 123');
  });

  it('without joining groups, a UUID is read group by group', () => {
    // Joined, the groups of this UUID read 13800138000 after its first group; they are random hex.
    const u = '1a2b3c4d-1380-0138-000a-bcdefabcdef0';
    expect(findPersonalData(u)).toBe('mobile');
    expect(findPersonalData(u, { joinGroups: false })).toBeNull();
    expect(findPersonalData('1a2b3c4d-1a2b-4c3d-8e4f-a13800138000', { joinGroups: false })).toBe('mobile');
  });

  it('finds a mobile number however it is split and spaced (property)', () => {
    const separators = [' ', '-', '.', '　', '－', '\u200B', '/', '_', '(', ')'];
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 9 }), fc.stringMatching(/^\d{9}$/), fc.array(fc.constantFrom(...separators), { minLength: 10, maxLength: 10 }), fc.array(fc.boolean(), { minLength: 10, maxLength: 10 }), fc.constantFrom('', '+86', '86', '0086', '+86 ', '电话', 'a'), (second, rest, seps, where, prefix) => {
        const digits = `1${second}${rest}`;
        let text = prefix + digits[0];
        for (let i = 1; i < digits.length; i++) text += (where[i - 1] ? seps[i - 1] : '') + digits[i];
        expect(findPersonalData(text)).toBe('mobile');
      }),
    );
  });
});

describe('in events', () => {
  const ev = (over: Record<string, unknown> = {}) => ({
    id: '3f0c2a7e-9b1d-4c5e-8a6f-0d1e2f3a4b5c',
    name: 'view_model',
    ts: '2026-12-07T10:00:00.000Z',
    anonymousId: '0f1e2d3c4b5a69788796a5b4c3d2e1f0',
    sessionId: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
    platform: 'weapp',
    page: 'pages/model/index',
    properties: { modelCode: 'yuanshan-s5', priceFen: 15980000 },
    ...over,
  });

  it('a clean event passes', () => {
    expect(findPersonalDataInEvent(ev())).toBeNull();
    expect(trackingEventSchema.safeParse(ev()).success).toBe(true);
  });

  // The path the schema reports (a key holding it is not named: the path stops at its object).
  const cases: [string, Record<string, unknown>, (string | number)[]][] = [
    ['a property value', { properties: { note: '+86 138 0013 8000' } }, ['properties', 'note']],
    ['a property key', { properties: { tel13800138000: true } }, ['properties']],
    ['the event name', { name: 'call_13800138000' }, ['name']],
    ['the page', { page: 'pages/13800138000' }, ['page']],
    ['the anonymous id', { anonymousId: '13800138000aaaaaaaaaaaaaaaaaaaaa' }, ['anonymousId']],
    ['the session id', { sessionId: '13800138000' }, ['sessionId']],
    ['a spaced ID number', { properties: { note: '110105 19491231 002X' } }, ['properties', 'note']],
    ['an e-mail address', { properties: { contact: 'zhang.san@example.com' } }, ['properties', 'contact']],
    ['a number value', { properties: { contact: 13800138000 } }, ['properties', 'contact']],
    ['an unknown nested field', { extra: { deep: ['x', '１３８００１３８０００'] } }, ['extra', 'deep', 1]],
  ];
  it.each(cases)('finds it in %s, and the schema refuses it as PERSONAL_DATA', (_what, over, path) => {
    const raw = ev(over);
    const hit = findPersonalDataInEvent(raw)!;
    expect(hit.inKey ? hit.path.slice(0, -1) : hit.path).toEqual(path);
    const r = trackingEventSchema.safeParse(raw);
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]).toMatchObject({ path, params: { reason: 'PERSONAL_DATA' } });
  });

  it('ids are 32 lowercase hex digits; names snake_case', () => {
    expect(anonymousIdSchema.safeParse('0f1e2d3c4b5a69788796a5b4c3d2e1f0').success).toBe(true);
    for (const bad of ['dev_0123456789abcdef', '0F1E2D3C4B5A69788796A5B4C3D2E1F0', '0f1e2d3c-4b5a-4978-8796-a5b4c3d2e1f0', 'x', '0f1e2d3c4b5a69788796a5b4c3d2e1f0aa']) expect(anonymousIdSchema.safeParse(bad).success, bad).toBe(false);
    for (const good of ['page_view', 'launch_order_created', 'view_3d']) expect(eventNameSchema.safeParse(good).success, good).toBe(true);
    for (const bad of ['Bad Name', 'a__b', 'trailing_', '_lead', 'x', 'u13800138000']) expect(eventNameSchema.safeParse(bad).success, bad).toBe(false);
  });

  it('walks keys and nested values generally', () => {
    expect(findPersonalDataIn({ a: [{ 'b 138-0013-8000': 1 }] })).toEqual({ path: ['a', 0, 'b 138-0013-8000'], kind: 'mobile', inKey: true });
    expect(findPersonalDataIn({ a: [{ b: 'x@example.com' }] })).toEqual({ path: ['a', 0, 'b'], kind: 'email', inKey: false });
    expect(findPersonalDataIn({ a: [1, 2, { c: 'ok' }] })).toBeNull();
  });

  it('the SDK sanitiser drops keys and values with personal data in any spelling', () => {
    const { properties, dropped } = sanitizeEventProperties({ modelCode: 'yuanshan-s5', note: '138 0013 8000', intl: '+8613800138000', wide: '１３８００１３８０００', tel13800138000: 'x', mail: 'a@example.com', long: `${'x'.repeat(195)}13800138000` });
    expect(properties).toEqual({ modelCode: 'yuanshan-s5' });
    expect(dropped.sort()).toEqual(['intl', 'long', 'mail', 'note', 'tel13800138000', 'wide']);
  });
});
