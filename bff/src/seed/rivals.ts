import type { RivalCar } from '@carmall/shared-types';

/**
 * The demo competitor set: other brands' cars in our models' segments, with the entry version's
 * public list price (厂商指导价) and the specifications their makers publish. Only figures we
 * could state are filled in; the rest are null (shown as —). Prices change: every record says
 * where it is from and as of when, and the app says so beside them (RIVAL_DISCLAIMER).
 */
const yuan = (y: number) => y * 100;

const none = { fuelLPer100km: null, torqueNm: null, batteryKwh: null, powerKw: null, accel0to100s: null, warranty: null } as const;

export const RIVALS: RivalCar[] = [
  {
    code: 'rival-tesla-model-y',
    brand: '特斯拉',
    name: 'Model Y',
    trimName: '后轮驱动版',
    bodyType: 'suv',
    energyType: 'bev',
    priceFen: yuan(263_500),
    seats: 5,
    rangeKm: 593,
    specs: { ...none, rangeKm: 593, seats: 5, lengthMm: 4797, widthMm: 1920, heightMm: 1624, wheelbaseMm: 2890, drive: 'RWD', accel0to100s: 5.9 },
    source: '特斯拉中国官网公开指导价与参数',
    asOf: '2025-01',
  },
  {
    code: 'rival-onvo-l60',
    brand: '乐道',
    name: 'L60',
    trimName: '60kWh 后驱版（整车购买）',
    bodyType: 'suv',
    energyType: 'bev',
    priceFen: yuan(206_900),
    seats: 5,
    rangeKm: 555,
    specs: { ...none, rangeKm: 555, seats: 5, batteryKwh: 60, lengthMm: 4828, widthMm: 1930, heightMm: 1616, wheelbaseMm: 2950, drive: 'RWD' },
    source: '乐道汽车上市发布会公开价格与参数',
    asOf: '2024-09',
  },
  {
    code: 'rival-li-l6',
    brand: '理想',
    name: 'L6',
    trimName: 'Pro',
    bodyType: 'suv',
    energyType: 'phev',
    priceFen: yuan(249_800),
    seats: 5,
    rangeKm: 212,
    specs: { ...none, rangeKm: 212, seats: 5, lengthMm: 4925, widthMm: 1960, heightMm: 1735, wheelbaseMm: 2920, drive: 'AWD' },
    source: '理想汽车官网公开指导价与参数（增程，CLTC 纯电续航）',
    asOf: '2024-04',
  },
  {
    code: 'rival-xiaomi-su7',
    brand: '小米',
    name: 'SU7',
    trimName: '标准版',
    bodyType: 'sedan',
    energyType: 'bev',
    priceFen: yuan(215_900),
    seats: 5,
    rangeKm: 700,
    specs: { ...none, rangeKm: 700, seats: 5, batteryKwh: 73.6, powerKw: 220, accel0to100s: 5.28, lengthMm: 4997, widthMm: 1963, heightMm: 1455, wheelbaseMm: 3000, drive: 'RWD' },
    source: '小米汽车上市发布会公开价格与参数',
    asOf: '2024-03',
  },
  {
    code: 'rival-tesla-model-3',
    brand: '特斯拉',
    name: 'Model 3',
    trimName: '后轮驱动版',
    bodyType: 'sedan',
    energyType: 'bev',
    priceFen: yuan(231_900),
    seats: 5,
    rangeKm: 606,
    specs: { ...none, rangeKm: 606, seats: 5, lengthMm: 4720, widthMm: 1848, heightMm: 1442, wheelbaseMm: 2875, drive: 'RWD', accel0to100s: 6.1 },
    source: '特斯拉中国官网公开指导价与参数',
    asOf: '2024-04',
  },
  {
    code: 'rival-denza-d9',
    brand: '腾势',
    name: 'D9 DM-i',
    trimName: '入门版',
    bodyType: 'mpv',
    energyType: 'phev',
    priceFen: yuan(339_800),
    seats: 7,
    rangeKm: null,
    specs: { ...none, rangeKm: null, seats: 7, lengthMm: 5250, widthMm: 1960, heightMm: 1920, wheelbaseMm: 3110, drive: 'FWD' },
    source: '腾势汽车公开指导价与参数',
    asOf: '2024-08',
  },
];
