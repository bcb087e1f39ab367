import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatFen, formatFenDelta, formatFenWan, maskPhone, formatDateCN, formatDateTimeCN, beijingDateTime } from '../src';

describe('formatFen', () => {
  it('formats whole yuan with separators', () => {
    expect(formatFen(15_980_000)).toBe('¥159,800');
    expect(formatFen(0)).toBe('¥0');
    expect(formatFen(100_000_000_00)).toBe('¥100,000,000');
  });
  it('keeps cents when there are any', () => {
    expect(formatFen(12345)).toBe('¥123.45');
    expect(formatFen(5)).toBe('¥0.05');
    expect(formatFen(100, { alwaysCents: true })).toBe('¥1.00');
  });
  it('rejects non-integers', () => {
    expect(() => formatFen(1.5)).toThrow(TypeError);
  });
  it('round-trips: digits without separators equal the amount', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 13 }), (fen) => {
        const text = formatFen(fen, { alwaysCents: true });
        expect(Number(text.replace(/[¥,.]/g, ''))).toBe(fen);
      }),
    );
  });
  it('formats deltas and 万', () => {
    expect(formatFenDelta(1_200_000)).toBe('+¥12,000');
    expect(formatFenDelta(-300_000)).toBe('-¥3,000');
    expect(formatFenDelta(0)).toBe('免费');
    expect(formatFenWan(15_980_000)).toBe('15.98万');
    expect(formatFenWan(20_000_000)).toBe('20万');
  });
});

describe('maskPhone', () => {
  it('keeps first 3 and last 4 digits', () => {
    expect(maskPhone('13812341234')).toBe('138****1234');
    expect(maskPhone('+86 138 1234 5678')).toBe('861****5678');
    expect(maskPhone('123')).toBe('***');
  });
});

describe('dates in Asia/Shanghai', () => {
  it('shifts UTC by eight hours across midnight', () => {
    expect(formatDateCN('2026-11-28T16:30:00Z')).toBe('2026-11-29');
    expect(formatDateTimeCN('2026-11-28T16:30:00Z')).toBe('2026-11-29 00:30');
    // Providers' timestamps (Alipay, Dyplsapi): Beijing time to the second.
    expect(beijingDateTime(new Date('2026-11-28T16:30:05.999Z'))).toBe('2026-11-29 00:30:05');
  });
  it('rejects invalid dates', () => {
    expect(() => formatDateCN('nope')).toThrow(RangeError);
  });
});
