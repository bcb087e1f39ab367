import type { Connection } from 'mongoose';
import type { WeeklyHours } from '@carmall/shared-types';
import { siteModel } from '../modules/slots/model';
import type { SiteInput } from '../modules/slots/service';

const every = (open: string, close: string): WeeklyHours => Array.from({ length: 7 }, () => ({ open, close }));
/** Spring Festival 2027: service centres closed the first three days. */
const SPRING_FESTIVAL_2027 = ['2027-02-06', '2027-02-07', '2027-02-08'];

/**
 * Demo service centres (maintenance bays, 1-hour slots) and stores (test-drive cars, 10:00–17:00
 * hourly, 2 cars a slot — the codes the advisors' test drives use). Upserted by code on every seed run.
 */
export const DEMO_SITES: SiteInput[] = [
  { code: 'SC-SH-MINHANG', kind: 'service', name: '远山汽车 上海闵行服务中心', city: '上海', address: '上海市闵行区沪闵路 6088 号', phone: '021-64881234', weeklyHours: every('08:30', '17:30'), slotMinutes: 60, capacity: 3, closedDates: SPRING_FESTIVAL_2027 },
  { code: 'SC-SH-JIADING', kind: 'service', name: '远山汽车 上海嘉定服务中心', city: '上海', address: '上海市嘉定区墨玉南路 1018 号', phone: '021-69581234', weeklyHours: [null, ...every('09:00', '18:00').slice(1)], slotMinutes: 60, capacity: 2, closedDates: SPRING_FESTIVAL_2027 },
  { code: 'SC-BJ-YIZHUANG', kind: 'service', name: '远山汽车 北京亦庄服务中心', city: '北京', address: '北京市大兴区荣华南路 15 号', phone: '010-67881234', weeklyHours: every('08:30', '17:30'), slotMinutes: 60, capacity: 3, closedDates: SPRING_FESTIVAL_2027 },
  { code: 'SC-GZ-PANYU', kind: 'service', name: '远山汽车 广州番禺服务中心', city: '广州', address: '广州市番禺区迎宾路 730 号', phone: '020-34881234', weeklyHours: every('09:00', '18:00'), slotMinutes: 60, capacity: 2, closedDates: SPRING_FESTIVAL_2027 },
  { code: 'SC-CD-WUHOU', kind: 'service', name: '远山汽车 成都武侯服务中心', city: '成都', address: '成都市武侯区二环路南四段 51 号', phone: '028-85881234', weeklyHours: every('09:00', '18:00'), slotMinutes: 60, capacity: 2, closedDates: SPRING_FESTIVAL_2027 },
  { code: 'SH-JINGAN', kind: 'store', name: '远山汽车 上海静安体验中心', city: '上海', address: '上海市静安区南京西路 1266 号', phone: '021-62881234', weeklyHours: every('10:00', '17:00'), slotMinutes: 60, capacity: 2 },
  { code: 'SH-PUDONG', kind: 'store', name: '远山汽车 上海浦东交付中心', city: '上海', address: '上海市浦东新区世纪大道 8 号', phone: '021-58881234', weeklyHours: every('10:00', '17:00'), slotMinutes: 60, capacity: 2 },
  { code: 'BJ-CHAOYANG', kind: 'store', name: '远山汽车 北京朝阳体验中心', city: '北京', address: '北京市朝阳区建国路 87 号', phone: '010-65881234', weeklyHours: every('10:00', '17:00'), slotMinutes: 60, capacity: 2 },
  { code: 'GZ-TIANHE', kind: 'store', name: '远山汽车 广州天河体验中心', city: '广州', address: '广州市天河区天河路 383 号', phone: '020-38881234', weeklyHours: every('10:00', '17:00'), slotMinutes: 60, capacity: 2 },
];

export async function seedDemoSites(conn: Connection): Promise<number> {
  const Sites = siteModel(conn);
  await Sites.init();
  await Sites.bulkWrite(
    DEMO_SITES.map((s) => ({ updateOne: { filter: { code: s.code }, update: { $set: { ...s, closedDates: s.closedDates ?? [], bookingWindowDays: 30 } }, upsert: true } })),
  );
  return DEMO_SITES.length;
}
