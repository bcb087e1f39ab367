import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  BULK_ORDER_ACTIONS,
  centresInCity,
  checkStaffVin,
  classifyOrderSearch,
  csvField,
  csvLine,
  dateRangeProblem,
  exportFileName,
  isAtOrPast,
  ORDER_STATES,
  overdueCutoffs,
  overdueOf,
  shanghaiDateRange,
  STAFF_ACTION_RULES,
  STAFF_ORDER_ACTIONS,
  staffActionRefusal,
  staffActionsFor,
  vinCheckDigit,
  checkTransition,
} from '../src';

const validVin = (body: string) => body.slice(0, 8) + vinCheckDigit(body)! + body.slice(9);

describe('staff actions per state and role', () => {
  it('offers each delivery step in its state to the delivery desk, refunds only to operators and admins', () => {
    const service = ['service'];
    const operator = ['operator'];
    expect(staffActionsFor('pending_payment', service)).toEqual([]);
    expect(staffActionsFor('deposit_paid', service)).toEqual([]);
    expect(staffActionsFor('deposit_paid', operator)).toEqual(['refund']);
    expect(staffActionsFor('deposit_paid', ['admin'])).toEqual(['refund']);
    expect(staffActionsFor('locked', service)).toEqual(['allocate']);
    expect(staffActionsFor('allocated', service)).toEqual(['ship']);
    expect(staffActionsFor('in_transit', operator)).toEqual(['arrive']);
    expect(staffActionsFor('ready_for_delivery', ['admin'])).toEqual(['deliver']);
    for (const s of ['delivered', 'refunding', 'refunded', 'cancelled'] as const) expect(staffActionsFor(s, ['admin'])).toEqual([]);
  });

  it('offers nothing to buyers and advisors, and says why', () => {
    for (const state of ORDER_STATES) {
      expect(staffActionsFor(state, ['buyer'])).toEqual([]);
      expect(staffActionsFor(state, ['buyer', 'advisor'])).toEqual([]);
    }
    expect(staffActionRefusal('locked', ['advisor'], 'allocate')).toBe('无权配车');
    expect(staffActionRefusal('deposit_paid', ['service'], 'refund')).toBe('无权退款');
    expect(staffActionRefusal('locked', ['service'], 'ship')).toBe('订单当前为「已锁单」，不能发车');
  });

  it('agrees with the state machine: an offered action is a transition staff may make now', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ORDER_STATES), fc.subarray(['buyer', 'advisor', 'service', 'operator', 'admin']), (state, roles) => {
        for (const a of staffActionsFor(state, roles)) expect(checkTransition(state, STAFF_ACTION_RULES[a].event, 'staff').ok).toBe(true);
        for (const a of STAFF_ORDER_ACTIONS) if (!staffActionsFor(state, roles).includes(a)) expect(staffActionRefusal(state, roles, a)).not.toBeNull();
      }),
    );
  });

  it('bulk: allocate, ship and arrive, never deliver or refund', () => {
    expect(BULK_ORDER_ACTIONS).toEqual(['allocate', 'ship', 'arrive']);
    expect(isAtOrPast('in_transit', 'allocated')).toBe(true);
    expect(isAtOrPast('allocated', 'in_transit')).toBe(false);
    expect(isAtOrPast('cancelled', 'allocated')).toBe(false);
  });
});

describe('超期', () => {
  const now = Date.parse('2026-12-10T04:00:00Z');
  const daysAgo = (d: number) => new Date(now - d * 86_400_000).toISOString();
  it('pending payment past its window, and each delivery step past its days', () => {
    expect(overdueOf({ state: 'pending_payment', paymentDeadline: daysAgo(-0.01) }, now)).toBeNull();
    expect(overdueOf({ state: 'pending_payment', paymentDeadline: daysAgo(0.01) }, now)).toEqual({ label: '支付时限已过仍未关闭', daysOver: 0 });
    expect(overdueOf({ state: 'allocated', stateSince: daysAgo(2.9) }, now)).toBeNull();
    expect(overdueOf({ state: 'allocated', stateSince: daysAgo(5.5) }, now)).toEqual({ label: '配车超过 3 天未发车', daysOver: 2 });
    expect(overdueOf({ state: 'locked', stateSince: daysAgo(15) }, now)?.label).toBe('锁单超过 14 天未配车');
    expect(overdueOf({ state: 'ready_for_delivery', stateSince: daysAgo(8) }, now)?.label).toBe('到店超过 7 天未交付');
    expect(overdueOf({ state: 'delivered', stateSince: daysAgo(100) }, now)).toBeNull();
    expect(overdueOf({ state: 'locked', stateSince: null }, now)).toBeNull();
  });

  it('the cutoffs the BFF queries by say the same as overdueOf', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ORDER_STATES), fc.double({ min: 0, max: 40, noNaN: true }), (state, age) => {
        const since = new Date(now - age * 86_400_000);
        const cut = overdueCutoffs(now).find((c) => c.state === state);
        const byQuery = !!cut && since.getTime() < cut.before.getTime();
        expect(overdueOf({ state, stateSince: since, paymentDeadline: since }, now) !== null).toBe(byQuery);
      }),
    );
  });
});

describe('search box', () => {
  it('tells order numbers, whole phone numbers and VINs apart', () => {
    expect(classifyOrderSearch(' cm2026120900001234 ')).toEqual({ kind: 'orderNo', orderNo: 'CM2026120900001234' });
    expect(classifyOrderSearch('CM202612')).toEqual({ kind: 'orderNoPrefix', prefix: 'CM202612' });
    expect(classifyOrderSearch('138 0013 8000')).toEqual({ kind: 'phone', phone: '13800138000' });
    expect(classifyOrderSearch('+8613800138000')).toEqual({ kind: 'phone', phone: '13800138000' });
    expect(classifyOrderSearch('lys5a1r0rs5000017')).toEqual({ kind: 'vin', vin: 'LYS5A1R0RS5000017' });
    expect(classifyOrderSearch('500017')).toEqual({ kind: 'vinSuffix', suffix: '500017' });
  });
  it('refuses part of a phone number and anything else, in Chinese', () => {
    expect(classifyOrderSearch('1380013')).toEqual({ kind: 'invalid', message: expect.stringContaining('完整 11 位') });
    expect(classifyOrderSearch('')).toEqual({ kind: 'invalid', message: '请输入搜索内容' });
    expect(classifyOrderSearch('张三')).toMatchObject({ kind: 'invalid' });
    expect(classifyOrderSearch('{"$gt":""}')).toMatchObject({ kind: 'invalid' });
  });
  it('checks a typed VIN with its check digit', () => {
    const vin = validVin('LLYS5A1R0RS500017');
    expect(checkStaffVin(vin.toLowerCase())).toEqual({ ok: true, vin });
    const wrong = vin.slice(0, 16) + (vin[16] === '1' ? '2' : '1');
    expect(checkStaffVin(wrong)).toEqual({ ok: false, message: expect.stringContaining('校验未通过') });
    expect(checkStaffVin('LYS0000000000000O')).toEqual({ ok: false, message: expect.stringContaining('I、O、Q') });
  });
});

describe('dates, cities and CSV', () => {
  it('a Shanghai date range is [00:00 of from, 00:00 after to) at UTC+8', () => {
    expect(shanghaiDateRange('2026-12-01', '2026-12-01')).toEqual({ gte: new Date('2026-11-30T16:00:00Z'), lt: new Date('2026-12-01T16:00:00Z') });
    expect(shanghaiDateRange(undefined, undefined)).toEqual({});
    expect(dateRangeProblem('2026-12-02', '2026-12-01')).toBe('开始日期不能晚于结束日期');
    expect(dateRangeProblem('2026-02-30')).toBe('开始日期应为 YYYY-MM-DD');
    expect(dateRangeProblem('2025-01-01', '2026-12-31')).toBe('日期范围最长 366 天');
    expect(dateRangeProblem('2026-01-01', '2026-12-31')).toBeNull();
  });
  it('cities map to their centres', () => {
    expect(centresInCity('上海')).toEqual(['SHA']);
    expect(centresInCity('火星')).toEqual([]);
  });
  it('quotes CSV fields and defuses formulas', () => {
    expect(csvField('远山 S5')).toBe('远山 S5');
    expect(csvField('a,"b"')).toBe('"a,""b"""');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('-1')).toBe("'-1");
    expect(csvField(-100)).toBe('-100');
    expect(csvField(null)).toBe('');
    expect(csvLine(['a', 1, null, '多行\n文字'])).toBe('a,1,,"多行\n文字"');
    expect(exportFileName(Date.parse('2026-12-09T16:05:00Z'))).toBe('订单导出-202612100005.csv');
  });
});
