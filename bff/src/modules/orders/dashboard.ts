import { isCalendarDate, shanghaiDateRange, shanghaiDay, shanghaiDaysInRange } from '@carmall/shared-types';
import { DASHBOARD_MAX_DAYS, STOCK_COVER_LOW_DAYS, STOCK_DEMAND_DAYS, type Dashboard } from '@carmall/shared-types/schemas';
import { validationFailed } from '../../infra/errors';
import type { InventoryService } from '../inventory/service';
import type { OrderService } from './service';

const DAY_MS = 86_400_000;
type DayRow = Dashboard['days'][number];
const COUNTED_EVENTS = ['created', 'pay', 'reinstate', 'lock', 'cancel', 'timeout'];

/**
 * 经营看板: orders placed, deposits paid, locks and cancellations per Shanghai day, the range's
 * conversion and each variant's stock cover. Only what the test server runs (find with a
 * projection, countDocuments, $match + $group with $sum): timeline events are bucketed into days
 * here, in code, because date expressions ($dateToString) are not available there.
 */
export class OrderDashboard {
  constructor(
    private readonly orders: OrderService,
    private readonly inventory: InventoryService,
  ) {}

  async report(from: string, to: string, now = Date.now()): Promise<Dashboard> {
    const bad = (message: string) => validationFailed(message, [{ in: 'query', path: 'from', message, code: 'custom' }]);
    if (!isCalendarDate(from) || !isCalendarDate(to)) throw bad('日期应为 YYYY-MM-DD');
    const span = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS + 1;
    if (span < 1) throw bad('开始日期不能晚于结束日期');
    if (span > DASHBOARD_MAX_DAYS) throw bad(`日期范围最长 ${DASHBOARD_MAX_DAYS} 天`);
    const { gte, lt } = shanghaiDateRange(from, to) as { gte: Date; lt: Date };
    const Orders = this.orders.Orders;

    // An order with an event in the range was created before its end and written to since its start
    // (every transition updates it). Its timeline is read whole and each event put on its Shanghai
    // day here: the test server has no date expressions, and fails $unwind over the timeline.
    const docs = await Orders.find({ createdAt: { $lt: lt }, updatedAt: { $gte: gte } }, { _id: 0, depositFen: 1, 'timeline.event': 1, 'timeline.at': 1 }).lean<Array<{ depositFen: number; timeline: Array<{ event: string; at: string }> }>>();
    const events = docs.flatMap((d) => d.timeline.filter((e) => COUNTED_EVENTS.includes(e.event)).map((timeline) => ({ depositFen: d.depositFen, timeline })));
    const days = new Map<string, DayRow>(shanghaiDaysInRange(from, to).map((date) => [date, { date, placed: 0, depositsPaid: 0, depositsFen: 0, locked: 0, cancelled: 0 }]));
    for (const e of events) {
      const row = days.get(shanghaiDay(e.timeline.at));
      if (!row) continue;
      switch (e.timeline.event) {
        case 'created':
          row.placed++;
          break;
        case 'pay':
        case 'reinstate':
          row.depositsPaid++;
          row.depositsFen += e.depositFen;
          break;
        case 'lock':
          row.locked++;
          break;
        default:
          row.cancelled++;
      }
    }
    const rows = [...days.values()];
    const sum = (k: Exclude<keyof DayRow, 'date'>) => rows.reduce((s, r) => s + r[k], 0);

    // The cohort placed in the range: how many got their deposit paid, how many locked (by now).
    const cohort = { createdAt: { $gte: gte, $lt: lt } };
    const [placed, depositPaid, locked] = await Promise.all([
      Orders.countDocuments(cohort),
      Orders.countDocuments({ ...cohort, 'timeline.event': { $in: ['pay', 'reinstate'] } }),
      Orders.countDocuments({ ...cohort, 'timeline.event': 'lock' }),
    ]);
    const rate = (n: number) => (placed ? n / placed : null);

    // Stock cover: cars available now ÷ the variant's average daily orders over the last 14 Shanghai days (today included).
    const today = shanghaiDay(now);
    const demandFrom = shanghaiDateRange(new Date(Date.parse(`${today}T00:00:00Z`) - (STOCK_DEMAND_DAYS - 1) * DAY_MS).toISOString().slice(0, 10)).gte!;
    const [stock, demand] = await Promise.all([
      this.inventory.listStock(),
      Orders.aggregate<{ _id: string; n: number }>([{ $match: { createdAt: { $gte: demandFrom } } }, { $group: { _id: '$stockKey', n: { $sum: 1 } } }]),
    ]);
    const demandOf = new Map(demand.map((d) => [d._id, d.n]));
    const stockCover = stock
      .map((s) => {
        const n = demandOf.get(s.key) ?? 0;
        const avg = n / STOCK_DEMAND_DAYS;
        const coverDays = n ? Math.round((s.available / avg) * 10) / 10 : null;
        return { key: s.key, modelCode: s.modelCode, trimCode: s.trimCode, paintCode: s.paintCode, region: s.region, available: s.available, ordersLast14Days: n, avgDailyOrders: Math.round(avg * 100) / 100, coverDays, low: coverDays !== null && coverDays < STOCK_COVER_LOW_DAYS };
      })
      // Shortest cover first: what needs attention.
      .sort((a, b) => (a.coverDays ?? Infinity) - (b.coverDays ?? Infinity) || a.key.localeCompare(b.key));

    return {
      from,
      to,
      days: rows,
      totals: { placed: sum('placed'), depositsPaid: sum('depositsPaid'), depositsFen: sum('depositsFen'), locked: sum('locked'), cancelled: sum('cancelled') },
      conversion: { placed, depositPaid, locked, paidRate: rate(depositPaid), lockedRate: rate(locked) },
      stockCover,
    };
  }
}
