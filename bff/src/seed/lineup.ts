/**
 * Demo catalog of the fictional brand 澜岳 (LANYUE): 7 models, 23 trims, with configurator options
 * and rules. Pure data (plus tiny builders to keep it readable); validated by
 * `validateCatalogModel` from shared-types at seed time and in tests.
 *
 * Money is integer fen. Prices take effect at 00:00 Beijing time (16:00 UTC the day before).
 */
import type { CatalogModel, CatalogOption, OptionGroupKind, PriceEntry, Trim, TrimSpecs } from '@carmall/shared-types';

export const BRAND = { name: '澜岳', nameEn: 'LANYUE' } as const;

/** 2026-01-01 00:00 Beijing: launch price list of the 2026 model year. */
const MY2026 = '2025-12-31T16:00:00.000Z';
/** 2027-01-01 00:00 Beijing: scheduled price changes. */
const NEW_YEAR_2027 = '2026-12-31T16:00:00.000Z';

/** ¥ -> fen, for readable data. */
const yuan = (n: number): number => n * 100;

function since(amountYuan: number, effectiveFrom = MY2026): PriceEntry[] {
  return [{ amountFen: yuan(amountYuan), effectiveFrom }];
}

/** A price that changes at `switchAt` (a scheduled price change). */
function changesAt(nowYuan: number, laterYuan: number, switchAt = NEW_YEAR_2027): PriceEntry[] {
  return [
    { amountFen: yuan(nowYuan), effectiveFrom: MY2026, effectiveTo: switchAt },
    { amountFen: yuan(laterYuan), effectiveFrom: switchAt },
  ];
}

type Extra = Partial<Pick<CatalogOption, 'description' | 'swatch' | 'includes' | 'requires' | 'requiresAny' | 'excludes' | 'prices'>>;

function option(group: OptionGroupKind, code: string, name: string, priceYuan: number, availableOn: string[], extra: Extra = {}): CatalogOption {
  return { code, group, name, prices: since(priceYuan), availableOn, ...extra };
}
const paint = (code: string, name: string, swatch: string, priceYuan: number, on: string[], extra: Extra = {}) =>
  option('paint', code, name, priceYuan, on, { swatch, ...extra });
const wheels = (code: string, name: string, priceYuan: number, on: string[], extra: Extra = {}) => option('wheels', code, name, priceYuan, on, extra);
const interior = (code: string, name: string, swatch: string, priceYuan: number, on: string[], extra: Extra = {}) =>
  option('interior', code, name, priceYuan, on, { swatch, ...extra });
const pkg = (code: string, name: string, priceYuan: number, on: string[], extra: Extra = {}) => option('package', code, name, priceYuan, on, extra);
const accessory = (code: string, name: string, priceYuan: number, on: string[], extra: Extra = {}) => option('accessory', code, name, priceYuan, on, extra);

function trim(code: string, name: string, prices: PriceEntry[], specs: TrimSpecs, defaults: string[]): Trim {
  return { code, name, prices, specs, defaults };
}

const WARRANTY_NEV = '整车 5年/15万公里，三电 8年/16万公里';
const WARRANTY_NEV_FIRST_OWNER = '整车 5年/15万公里，三电首任车主终身质保';
const WARRANTY_ICE = '整车 3年/10万公里，发动机 5年/15万公里';

function maxRange(trims: Trim[]): number | null {
  const ranges = trims.map((t) => t.specs.rangeKm).filter((r): r is number => r !== null);
  return ranges.length ? Math.max(...ranges) : null;
}

function model(m: Omit<CatalogModel, 'rangeKm'>): CatalogModel {
  return { ...m, rangeKm: maxRange(m.trims) };
}

// ---------------------------------------------------------------------------------------------
// 远山 S5: mid-size BEV SUV (featured)

const S5 = { RWD520: 'S5_520_RWD', RWD620: 'S5_620_RWD', AWD600: 'S5_600_AWD', AWD700: 'S5_700_AWD' } as const;
const S5_ALL = Object.values(S5);
const S5_AWD = [S5.AWD600, S5.AWD700];
const S5_BODY = { seats: 5, lengthMm: 4780, widthMm: 1910, heightMm: 1665, wheelbaseMm: 2900, fuelLPer100km: null } as const;

const yuanshanS5 = model({
  code: 'yuanshan-s5',
  name: '远山 S5',
  series: '远山',
  bodyType: 'suv',
  energyType: 'bev',
  tagline: '最高 700km 长续航，五座家用纯电 SUV',
  featured: true,
  coverColor: '#2f5d8a',
  trims: [
    // Scheduled price cut on 2027-01-01.
    trim(S5.RWD520, '520 长续航后驱版', changesAt(189_800, 179_800),
      { ...S5_BODY, rangeKm: 520, batteryKwh: 68.3, powerKw: 200, torqueNm: 340, accel0to100s: 6.9, drive: 'RWD', warranty: WARRANTY_NEV },
      ['PAINT_GLACIER_WHITE', 'WHEEL_19_AERO', 'INT_OBSIDIAN_BLACK']),
    // Had a higher launch price that ended on 2026-06-01 (price history is kept).
    trim(S5.RWD620, '620 超长续航后驱版', [
      { amountFen: yuan(219_800), effectiveFrom: '2025-09-14T16:00:00.000Z', effectiveTo: '2026-05-31T16:00:00.000Z' },
      { amountFen: yuan(209_800), effectiveFrom: '2026-05-31T16:00:00.000Z' },
    ],
      { ...S5_BODY, rangeKm: 620, batteryKwh: 85.0, powerKw: 200, torqueNm: 340, accel0to100s: 7.1, drive: 'RWD', warranty: WARRANTY_NEV },
      ['PAINT_GLACIER_WHITE', 'WHEEL_19_AERO', 'INT_OBSIDIAN_BLACK']),
    trim(S5.AWD600, '600 四驱性能版', since(239_800),
      { ...S5_BODY, rangeKm: 600, batteryKwh: 85.0, powerKw: 390, torqueNm: 700, accel0to100s: 3.9, drive: 'AWD', warranty: WARRANTY_NEV },
      ['PAINT_GLACIER_WHITE', 'WHEEL_20_SPORT', 'INT_OBSIDIAN_BLACK']),
    trim(S5.AWD700, '700 四驱旗舰版', since(269_800),
      { ...S5_BODY, rangeKm: 700, batteryKwh: 100.0, powerKw: 390, torqueNm: 700, accel0to100s: 4.1, drive: 'AWD', warranty: WARRANTY_NEV_FIRST_OWNER },
      ['PAINT_LAKE_BLUE', 'WHEEL_20_SPORT', 'INT_CREAM_NAPPA']),
  ],
  options: [
    paint('PAINT_GLACIER_WHITE', '冰川白', '#f2f4f5', 0, S5_ALL),
    paint('PAINT_CARBON_BLACK', '碳晶黑', '#1c1c1e', 0, S5_ALL),
    paint('PAINT_MIST_GREY', '雾山灰', '#8a8f94', 3_000, S5_ALL, { description: '金属漆' }),
    paint('PAINT_LAKE_BLUE', '澜湖蓝', '#2f5d8a', 5_000, S5_ALL, { description: '金属漆' }),
    paint('PAINT_PEARL_WHITE', '珍珠白', '#f8f6f0', 8_000, S5_ALL, { description: '三涂层珠光漆' }),
    paint('PAINT_AURORA_PURPLE', '极光紫', '#5b3f7a', 12_000, [S5.RWD620, ...S5_AWD], {
      description: '专属漆色，仅搭配奶油白 Nappa 内饰',
      requires: ['INT_CREAM_NAPPA'],
    }),
    wheels('WHEEL_19_AERO', '19英寸低风阻轮毂', 0, S5_ALL, { description: '续航最优' }),
    wheels('WHEEL_20_SPORT', '20英寸运动轮毂', 6_000, S5_ALL),
    wheels('WHEEL_21_FORGED', '21英寸锻造轮毂', 12_000, S5_AWD, { description: '轻量化锻造，仅四驱版' }),
    interior('INT_OBSIDIAN_BLACK', '曜石黑 环保皮', '#202124', 0, S5_ALL),
    interior('INT_STONE_GREY', '岩灰 环保皮', '#9a9894', 0, S5_ALL),
    interior('INT_CREAM_NAPPA', '奶油白 Nappa 真皮', '#efe6d8', 8_000, [S5.RWD620, ...S5_AWD]),
    pkg('PKG_PILOT', '高阶智驾包', 20_000, S5_AWD, {
      description: '城市领航辅助、自动泊车；需激光雷达硬件，仅四驱版提供',
    }),
    pkg('PKG_COMFORT', '舒适包', 8_000, S5_ALL, {
      description: '前排座椅通风与按摩、后排座椅加热',
      includes: ['ACC_SEAT_VENT'],
    }),
    pkg('PKG_PERFORMANCE', '性能包', 15_000, S5_AWD, {
      description: '红色四活塞卡钳、运动悬架调校；需搭配21英寸锻造轮毂',
      requires: ['WHEEL_21_FORGED'],
      excludes: ['WHEEL_19_AERO'],
    }),
    accessory('ACC_SEAT_VENT', '前排座椅通风', 3_000, S5_ALL),
    accessory('ACC_TOW_HITCH', '隐藏式拖车钩', 4_000, S5_ALL),
    accessory('ACC_BIKE_RACK', '尾部自行车架', 2_500, S5_ALL, { description: '安装于拖车钩', requires: ['ACC_TOW_HITCH'] }),
    accessory('ACC_FRIDGE', '车载冰箱', 3_500, S5_ALL),
  ],
});

// ---------------------------------------------------------------------------------------------
// 远山 S7: large six-seat BEV SUV

const S7 = { RWD650: 'S7_650_RWD', AWD610: 'S7_610_AWD', AWD750: 'S7_750_AWD' } as const;
const S7_ALL = Object.values(S7);
const S7_AWD = [S7.AWD610, S7.AWD750];
const S7_BODY = { seats: 6, lengthMm: 5050, widthMm: 1990, heightMm: 1760, wheelbaseMm: 3050, fuelLPer100km: null } as const;

const yuanshanS7 = model({
  code: 'yuanshan-s7',
  name: '远山 S7',
  series: '远山',
  bodyType: 'suv',
  energyType: 'bev',
  tagline: '三排六座大空间，最高 750km 纯电旗舰 SUV',
  featured: false,
  coverColor: '#3d5a4c',
  trims: [
    trim(S7.RWD650, '650 后驱六座版', since(279_800),
      { ...S7_BODY, rangeKm: 650, batteryKwh: 96.0, powerKw: 240, torqueNm: 410, accel0to100s: 6.8, drive: 'RWD', warranty: WARRANTY_NEV },
      ['PAINT_SNOW_WHITE', 'WHEEL_20_STD', 'INT_BLACK_NAPPA']),
    trim(S7.AWD610, '610 四驱六座版', since(309_800),
      { ...S7_BODY, rangeKm: 610, batteryKwh: 96.0, powerKw: 400, torqueNm: 690, accel0to100s: 4.9, drive: 'AWD', warranty: WARRANTY_NEV },
      ['PAINT_SNOW_WHITE', 'WHEEL_21_SPORT', 'INT_BLACK_NAPPA']),
    trim(S7.AWD750, '750 四驱旗舰六座版', since(359_800),
      { ...S7_BODY, rangeKm: 750, batteryKwh: 116.0, powerKw: 400, torqueNm: 690, accel0to100s: 5.1, drive: 'AWD', warranty: WARRANTY_NEV_FIRST_OWNER },
      ['PAINT_SPRUCE_GREEN', 'WHEEL_21_SPORT', 'INT_TAN_NAPPA']),
  ],
  options: [
    paint('PAINT_SNOW_WHITE', '雪山白', '#f4f5f7', 0, S7_ALL),
    paint('PAINT_NIGHT_BLACK', '曜夜黑', '#17181a', 0, S7_ALL),
    paint('PAINT_SPRUCE_GREEN', '云杉绿', '#3d5a4c', 6_000, S7_ALL, { description: '金属漆' }),
    paint('PAINT_MOON_GREY', '月岩灰', '#7d8085', 6_000, S7_ALL, { description: '金属漆' }),
    paint('PAINT_CHAMPAGNE_GOLD', '香槟金', '#c9b38a', 10_000, S7_ALL, {
      description: '珠光漆，需搭配浅色 Nappa 内饰（驼色或奶白）',
      requiresAny: ['INT_TAN_NAPPA', 'INT_CREAM_NAPPA'],
    }),
    wheels('WHEEL_20_STD', '20英寸星环轮毂', 0, S7_ALL),
    wheels('WHEEL_21_SPORT', '21英寸运动轮毂', 8_000, S7_ALL),
    wheels('WHEEL_22_FORGED', '22英寸锻造轮毂', 15_000, S7_AWD, { description: '仅四驱版' }),
    interior('INT_BLACK_NAPPA', '经典黑 Nappa 真皮', '#1f1f1f', 0, S7_ALL),
    interior('INT_TAN_NAPPA', '驼色 Nappa 真皮', '#a8744f', 6_000, S7_ALL),
    interior('INT_CREAM_NAPPA', '奶白 Nappa 真皮', '#efe6d8', 6_000, [S7.AWD750]),
    pkg('PKG_PILOT', '高阶智驾包', 25_000, S7_AWD, { description: '城市领航辅助、记忆泊车；需激光雷达硬件，仅四驱版提供' }),
    pkg('PKG_LOUNGE', '二排行政包', 18_000, S7_ALL, {
      description: '二排零重力座椅、后排娱乐屏',
      includes: ['ACC_REAR_SCREEN'],
    }),
    accessory('ACC_REAR_SCREEN', '后排 15.6英寸娱乐屏', 6_000, S7_ALL),
    accessory('ACC_FRIDGE', '车载冰箱', 3_500, S7_ALL),
    accessory('ACC_ROOF_BOX', '车顶行李箱', 3_800, S7_ALL, { excludes: ['ACC_ROOF_TENT'] }),
    accessory('ACC_ROOF_TENT', '车顶帐篷', 12_000, S7_ALL, { description: '与车顶行李箱不能同时安装', excludes: ['ACC_ROOF_BOX'] }),
    accessory('ACC_TOW_HITCH', '隐藏式拖车钩', 4_000, S7_ALL),
  ],
});

// ---------------------------------------------------------------------------------------------
// 远山 S6 超级混动: PHEV SUV

const S6 = { P120: 'S6P_120', P200: 'S6P_200', AWD: 'S6P_180_AWD' } as const;
const S6_ALL = Object.values(S6);
const S6_BODY = { seats: 5, lengthMm: 4820, widthMm: 1930, heightMm: 1690, wheelbaseMm: 2850 } as const;

const yuanshanS6 = model({
  code: 'yuanshan-s6-phev',
  name: '远山 S6 超级混动',
  series: '远山',
  bodyType: 'suv',
  energyType: 'phev',
  tagline: '最高 200km 纯电通勤，亏电 5 升油的家用插混 SUV',
  featured: false,
  coverColor: '#8a3b36',
  trims: [
    trim(S6.P120, '120km 领先版', since(149_800),
      { ...S6_BODY, rangeKm: 120, fuelLPer100km: 1.3, batteryKwh: 26.6, powerKw: 160, torqueNm: 310, accel0to100s: 7.9, drive: 'FWD', warranty: WARRANTY_NEV },
      ['PAINT_GLACIER_WHITE', 'WHEEL_18_STD', 'INT_BLACK']),
    trim(S6.P200, '200km 尊享版', since(169_800),
      { ...S6_BODY, rangeKm: 200, fuelLPer100km: 0.9, batteryKwh: 38.0, powerKw: 160, torqueNm: 310, accel0to100s: 7.5, drive: 'FWD', warranty: WARRANTY_NEV },
      ['PAINT_GLACIER_WHITE', 'WHEEL_18_STD', 'INT_BLACK']),
    trim(S6.AWD, '180km 四驱旗舰版', since(199_800),
      { ...S6_BODY, rangeKm: 180, fuelLPer100km: 1.1, batteryKwh: 38.0, powerKw: 360, torqueNm: 660, accel0to100s: 4.8, drive: 'AWD', warranty: WARRANTY_NEV },
      ['PAINT_GLACIER_WHITE', 'WHEEL_19_SPORT', 'INT_BLACK']),
  ],
  options: [
    paint('PAINT_GLACIER_WHITE', '冰川白', '#f2f4f5', 0, S6_ALL),
    paint('PAINT_CARBON_BLACK', '碳晶黑', '#1c1c1e', 0, S6_ALL),
    paint('PAINT_SILVER', '星河银', '#b9bcc0', 3_000, S6_ALL, { description: '金属漆' }),
    // Launch promotion: free until 2026-12-31, then ¥5,000.
    paint('PAINT_TWILIGHT_RED', '暮光红', '#8a3b36', 0, S6_ALL, {
      description: '金属漆，2026年底前限时免费',
      prices: changesAt(0, 5_000),
    }),
    paint('PAINT_PEARL_WHITE', '珍珠白', '#f8f6f0', 6_000, S6_ALL, { description: '珠光漆' }),
    wheels('WHEEL_18_STD', '18英寸轮毂', 0, S6_ALL),
    wheels('WHEEL_19_SPORT', '19英寸运动轮毂', 5_000, [S6.P200, S6.AWD]),
    interior('INT_BLACK', '雅黑 环保皮', '#222222', 0, S6_ALL),
    interior('INT_BROWN', '摩卡棕 环保皮', '#6b4a3a', 3_000, [S6.P200, S6.AWD]),
    pkg('PKG_PILOT_LITE', '高速领航包', 8_000, [S6.P200, S6.AWD], { description: '高速领航辅助、自动变道' }),
    pkg('PKG_COMFORT', '舒适包', 6_000, S6_ALL, { description: '前排座椅通风加热、方向盘加热', includes: ['ACC_SEAT_VENT'] }),
    accessory('ACC_SEAT_VENT', '前排座椅通风', 2_500, S6_ALL),
    accessory('ACC_V2L', '外放电枪（6kW）', 1_500, S6_ALL),
    accessory('ACC_TOW_HITCH', '隐藏式拖车钩', 3_500, S6_ALL),
    accessory('ACC_BIKE_RACK', '尾部自行车架', 2_500, S6_ALL, { description: '安装于拖车钩', requires: ['ACC_TOW_HITCH'] }),
  ],
});

// ---------------------------------------------------------------------------------------------
// 远山 X4: compact ICE SUV

const X4 = { T15: 'X4_15T_COMFORT', T15LUX: 'X4_15T_LUX', T20AWD: 'X4_20T_AWD' } as const;
const X4_ALL = Object.values(X4);
const X4_UPPER = [X4.T15LUX, X4.T20AWD];
const X4_BODY = { seats: 5, lengthMm: 4550, widthMm: 1865, heightMm: 1680, wheelbaseMm: 2720, rangeKm: null, batteryKwh: null, warranty: WARRANTY_ICE } as const;

const yuanshanX4 = model({
  code: 'yuanshan-x4',
  name: '远山 X4',
  series: '远山',
  bodyType: 'suv',
  energyType: 'ice',
  tagline: '2.0T 四驱，十万级城市越野 SUV',
  featured: false,
  coverColor: '#c0622b',
  trims: [
    trim(X4.T15, '1.5T 两驱舒适版', since(109_800),
      { ...X4_BODY, fuelLPer100km: 6.8, powerKw: 135, torqueNm: 290, accel0to100s: 8.9, drive: 'FWD' },
      ['PAINT_GLACIER_WHITE', 'WHEEL_17_STD', 'INT_BLACK_FABRIC']),
    trim(X4.T15LUX, '1.5T 两驱豪华版', since(125_800),
      { ...X4_BODY, fuelLPer100km: 6.9, powerKw: 135, torqueNm: 290, accel0to100s: 9.1, drive: 'FWD' },
      ['PAINT_GLACIER_WHITE', 'WHEEL_18_STD', 'INT_BLACK_LEATHER']),
    trim(X4.T20AWD, '2.0T 四驱旗舰版', since(159_800),
      { ...X4_BODY, fuelLPer100km: 8.4, powerKw: 192, torqueNm: 400, accel0to100s: 6.9, drive: 'AWD' },
      ['PAINT_TITANIUM_GREY', 'WHEEL_18_STD', 'INT_BLACK_LEATHER']),
  ],
  options: [
    paint('PAINT_GLACIER_WHITE', '冰川白', '#f2f4f5', 0, X4_ALL),
    paint('PAINT_CARBON_BLACK', '碳晶黑', '#1c1c1e', 0, X4_ALL),
    paint('PAINT_LAVA_ORANGE', '熔岩橙', '#c0622b', 3_000, X4_ALL, { description: '金属漆' }),
    paint('PAINT_TITANIUM_GREY', '钛银灰', '#7a7d80', 3_000, X4_ALL, { description: '金属漆' }),
    wheels('WHEEL_17_STD', '17英寸轮毂', 0, [X4.T15]),
    wheels('WHEEL_18_STD', '18英寸双色轮毂', 4_000, X4_ALL),
    wheels('WHEEL_19_SPORT', '19英寸熏黑运动轮毂', 6_000, [X4.T20AWD]),
    interior('INT_BLACK_FABRIC', '黑色 织物', '#2a2a2a', 0, [X4.T15]),
    interior('INT_BLACK_LEATHER', '黑色 皮革', '#1f1f1f', 0, X4_UPPER),
    interior('INT_RED_LEATHER', '烈焰红 皮革', '#7a1f1f', 3_000, X4_UPPER),
    pkg('PKG_WINTER', '冬季包', 2_500, X4_ALL, { description: '前排座椅加热、方向盘加热、后视镜加热', includes: ['ACC_HEATED_WHEEL'] }),
    pkg('PKG_SPORT', '运动外观包', 5_000, [X4.T20AWD], {
      description: '运动前包围、红色卡钳；需搭配19英寸熏黑运动轮毂',
      requires: ['WHEEL_19_SPORT'],
      excludes: ['WHEEL_18_STD'],
    }),
    accessory('ACC_HEATED_WHEEL', '方向盘加热', 800, X4_ALL),
    accessory('ACC_DASHCAM', '前后双录行车记录仪', 1_200, X4_ALL),
    accessory('ACC_TOW_HITCH', '拖车钩', 3_000, X4_ALL),
    accessory('ACC_ROOF_BOX', '车顶行李箱', 3_800, X4_ALL),
  ],
});

// ---------------------------------------------------------------------------------------------
// 长风 E7: BEV sedan (featured)

const E7 = { RWD560: 'E7_560_RWD', RWD710: 'E7_710_RWD', AWD650: 'E7_650_AWD', MAX: 'E7_650_AWD_MAX' } as const;
const E7_ALL = Object.values(E7);
const E7_AWD = [E7.AWD650, E7.MAX];
const E7_BODY = { seats: 5, lengthMm: 4980, widthMm: 1960, heightMm: 1480, wheelbaseMm: 3000, fuelLPer100km: null } as const;

const changfengE7 = model({
  code: 'changfeng-e7',
  name: '长风 E7',
  series: '长风',
  bodyType: 'sedan',
  energyType: 'bev',
  tagline: '3.1秒破百，最高 710km 长续航智能轿跑',
  featured: true,
  coverColor: '#1f3f8a',
  trims: [
    trim(E7.RWD560, '560 后驱标准版', since(199_800),
      { ...E7_BODY, rangeKm: 560, batteryKwh: 73.0, powerKw: 235, torqueNm: 400, accel0to100s: 5.9, drive: 'RWD', warranty: WARRANTY_NEV },
      ['PAINT_MOON_WHITE', 'WHEEL_19_AERO', 'INT_BLACK']),
    trim(E7.RWD710, '710 后驱长续航版', since(229_800),
      { ...E7_BODY, rangeKm: 710, batteryKwh: 94.0, powerKw: 235, torqueNm: 400, accel0to100s: 6.1, drive: 'RWD', warranty: WARRANTY_NEV },
      ['PAINT_MOON_WHITE', 'WHEEL_19_AERO', 'INT_BLACK']),
    trim(E7.AWD650, '650 四驱性能版', since(269_800),
      { ...E7_BODY, rangeKm: 650, batteryKwh: 94.0, powerKw: 475, torqueNm: 700, accel0to100s: 3.3, drive: 'AWD', warranty: WARRANTY_NEV },
      ['PAINT_MOON_WHITE', 'WHEEL_20_SPORT', 'INT_BLACK']),
    trim(E7.MAX, '650 四驱 Max 版', since(299_800),
      { ...E7_BODY, rangeKm: 650, batteryKwh: 100.0, powerKw: 500, torqueNm: 760, accel0to100s: 3.1, drive: 'AWD', warranty: WARRANTY_NEV_FIRST_OWNER },
      ['PAINT_ELECTRIC_BLUE', 'WHEEL_20_SPORT', 'INT_GREY_WHITE']),
  ],
  options: [
    paint('PAINT_MOON_WHITE', '月光白', '#f3f3f1', 0, E7_ALL),
    paint('PAINT_SPACE_BLACK', '深空黑', '#111214', 0, E7_ALL),
    paint('PAINT_NEBULA_GREY', '星云灰', '#6e7378', 3_000, E7_ALL, { description: '金属漆' }),
    paint('PAINT_ELECTRIC_BLUE', '电光蓝', '#1f3f8a', 6_000, E7_ALL, { description: '金属漆' }),
    paint('PAINT_SUNSET_RED', '赤霞红', '#9b1c24', 8_000, E7_ALL, { description: '多涂层金属漆' }),
    paint('PAINT_PEARL_WHITE', '珍珠白', '#f8f6f0', 10_000, E7_ALL, { description: '三涂层珠光漆' }),
    paint('PAINT_OBSIDIAN_GREEN', '曜石绿', '#1e3b33', 12_000, [E7.MAX], {
      description: 'Max 版专属漆色，仅搭配暮色紫 Nappa 内饰',
      requires: ['INT_DUSK_PURPLE_NAPPA'],
    }),
    wheels('WHEEL_19_AERO', '19英寸低风阻轮毂', 0, E7_ALL, { description: '续航最优' }),
    wheels('WHEEL_20_SPORT', '20英寸运动轮毂', 6_000, E7_ALL),
    wheels('WHEEL_21_FORGED', '21英寸锻造轮毂', 12_000, E7_AWD, { description: '仅四驱版' }),
    interior('INT_BLACK', '曜黑 环保皮', '#1d1d1f', 0, E7_ALL),
    interior('INT_GREY_WHITE', '云灰白 环保皮', '#d9d6d0', 4_000, E7_ALL),
    interior('INT_DUSK_PURPLE_NAPPA', '暮色紫 Nappa 真皮', '#4a3450', 10_000, [E7.MAX]),
    pkg('PKG_PILOT', '高阶智驾包', 20_000, [E7.RWD710, ...E7_AWD], { description: '城市领航辅助、自动泊车；需激光雷达硬件' }),
    pkg('PKG_PERFORMANCE', '性能包', 18_000, E7_AWD, {
      description: 'Brembo 卡钳、赛道模式、运动悬架；需搭配21英寸锻造轮毂',
      requires: ['WHEEL_21_FORGED'],
      excludes: ['WHEEL_19_AERO'],
    }),
    pkg('PKG_COMFORT', '舒适包', 8_000, E7_ALL, { description: '前排座椅通风与按摩、电动尾门', includes: ['ACC_SEAT_VENT'] }),
    accessory('ACC_SEAT_VENT', '前排座椅通风', 3_000, E7_ALL),
    accessory('ACC_AR_HUD', 'AR-HUD 抬头显示', 5_000, E7_ALL),
    accessory('ACC_SPOILER', '碳纤维尾翼', 6_000, E7_AWD, { description: '需选装性能包', requires: ['PKG_PERFORMANCE'] }),
    accessory('ACC_DASHCAM', '前后双录行车记录仪', 1_200, E7_ALL),
  ],
});

// ---------------------------------------------------------------------------------------------
// 长风 P5: PHEV sedan

const P5 = { P125: 'P5_125', P205: 'P5_205', P205PILOT: 'P5_205_PILOT' } as const;
const P5_ALL = Object.values(P5);
const P5_BODY = { seats: 5, lengthMm: 4900, widthMm: 1890, heightMm: 1495, wheelbaseMm: 2850, powerKw: 160, torqueNm: 300, drive: 'FWD', warranty: WARRANTY_NEV } as const;

const changfengP5 = model({
  code: 'changfeng-p5',
  name: '长风 P5 超级混动',
  series: '长风',
  bodyType: 'sedan',
  energyType: 'phev',
  tagline: '最高 205km 纯电续航，十三万起的中级插混轿车',
  featured: false,
  coverColor: '#6e7378',
  trims: [
    trim(P5.P125, '125km 豪华版', since(129_800),
      { ...P5_BODY, rangeKm: 125, fuelLPer100km: 1.1, batteryKwh: 19.0, accel0to100s: 7.9 },
      ['PAINT_MOON_WHITE', 'WHEEL_17_STD', 'INT_BLACK']),
    trim(P5.P205, '205km 旗舰版', since(149_800),
      { ...P5_BODY, rangeKm: 205, fuelLPer100km: 0.8, batteryKwh: 30.1, accel0to100s: 7.5 },
      ['PAINT_MOON_WHITE', 'WHEEL_17_STD', 'INT_BLACK']),
    trim(P5.P205PILOT, '205km 旗舰智驾版', since(165_800),
      { ...P5_BODY, rangeKm: 205, fuelLPer100km: 0.8, batteryKwh: 30.1, accel0to100s: 7.5 },
      ['PAINT_MOON_WHITE', 'WHEEL_18_SPORT', 'INT_BLACK']),
  ],
  options: [
    paint('PAINT_MOON_WHITE', '月光白', '#f3f3f1', 0, P5_ALL),
    paint('PAINT_SPACE_BLACK', '深空黑', '#111214', 0, P5_ALL),
    paint('PAINT_NEBULA_GREY', '星云灰', '#6e7378', 3_000, P5_ALL, { description: '金属漆' }),
    paint('PAINT_ICE_BLUE', '冰晶蓝', '#8fb3c9', 4_000, P5_ALL, { description: '金属漆' }),
    paint('PAINT_PEARL_WHITE', '珍珠白', '#f8f6f0', 6_000, P5_ALL, { description: '珠光漆' }),
    wheels('WHEEL_17_STD', '17英寸低风阻轮毂', 0, P5_ALL),
    wheels('WHEEL_18_SPORT', '18英寸运动轮毂', 3_000, P5_ALL),
    interior('INT_BLACK', '曜黑 环保皮', '#1d1d1f', 0, P5_ALL),
    interior('INT_CARAMEL', '焦糖棕 环保皮', '#8a5a3b', 2_000, [P5.P205, P5.P205PILOT]),
    pkg('PKG_PILOT', '城市领航包', 12_000, [P5.P205PILOT], { description: '城市领航辅助；需智驾版的激光雷达硬件' }),
    pkg('PKG_COMFORT', '舒适包', 5_000, P5_ALL, { description: '前排座椅通风、后排座椅加热', includes: ['ACC_SEAT_VENT'] }),
    pkg('PKG_SPORT', '运动套件', 6_000, P5_ALL, {
      description: '运动前唇、侧裙、黑色车标；需搭配18英寸运动轮毂',
      requires: ['WHEEL_18_SPORT'],
      excludes: ['WHEEL_17_STD'],
    }),
    accessory('ACC_SEAT_VENT', '前排座椅通风', 2_500, P5_ALL),
    accessory('ACC_V2L', '外放电枪（3.3kW）', 1_200, P5_ALL),
    accessory('ACC_DASHCAM', '前后双录行车记录仪', 1_200, P5_ALL),
  ],
});

// ---------------------------------------------------------------------------------------------
// 云栖 M8: PHEV MPV (featured)

const M8 = { P180: 'M8_180', P230: 'M8_230', AWD: 'M8_220_AWD_EXEC' } as const;
const M8_ALL = Object.values(M8);
const M8_UPPER = [M8.P230, M8.AWD];
const M8_BODY = { lengthMm: 5230, widthMm: 1998, heightMm: 1850, wheelbaseMm: 3200, warranty: WARRANTY_NEV } as const;

const yunqiM8 = model({
  code: 'yunqi-m8',
  name: '云栖 M8',
  series: '云栖',
  bodyType: 'mpv',
  energyType: 'phev',
  tagline: '最高 230km 纯电，二排零重力的豪华插混 MPV',
  featured: true,
  coverColor: '#3a3530',
  trims: [
    trim(M8.P180, '180km 尊享七座版', since(329_800),
      { ...M8_BODY, seats: 7, rangeKm: 180, fuelLPer100km: 1.4, batteryKwh: 40.0, powerKw: 250, torqueNm: 480, accel0to100s: 8.5, drive: 'FWD' },
      ['PAINT_SNOW_WHITE', 'WHEEL_19_STD', 'INT_BLACK_NAPPA']),
    trim(M8.P230, '230km 旗舰七座版', since(369_800),
      { ...M8_BODY, seats: 7, rangeKm: 230, fuelLPer100km: 1.2, batteryKwh: 50.0, powerKw: 250, torqueNm: 480, accel0to100s: 8.3, drive: 'FWD' },
      ['PAINT_SNOW_WHITE', 'WHEEL_19_STD', 'INT_BLACK_NAPPA']),
    trim(M8.AWD, '220km 四驱行政六座版', since(439_800),
      { ...M8_BODY, seats: 6, rangeKm: 220, fuelLPer100km: 1.3, batteryKwh: 50.0, powerKw: 370, torqueNm: 680, accel0to100s: 6.5, drive: 'AWD' },
      ['PAINT_INK_BLACK', 'WHEEL_20_DARK', 'INT_SAND_NAPPA']),
  ],
  options: [
    paint('PAINT_SNOW_WHITE', '雪山白', '#f4f5f7', 0, M8_ALL),
    paint('PAINT_INK_BLACK', '墨玉黑', '#141414', 0, M8_ALL),
    paint('PAINT_SILVER', '星河银', '#b9bcc0', 5_000, M8_ALL, { description: '金属漆' }),
    paint('PAINT_DEEP_GREY', '深岩灰', '#4a4d52', 5_000, M8_ALL, { description: '金属漆' }),
    paint('PAINT_PEARL_WHITE', '珍珠白', '#f8f6f0', 8_000, M8_ALL, { description: '珠光漆' }),
    paint('PAINT_TWOTONE_GOLD', '鎏金双色', '#a8875a', 12_000, M8_UPPER, {
      description: '香槟金/墨玉黑双色车身，需搭配浅色 Nappa 内饰',
      requiresAny: ['INT_SAND_NAPPA', 'INT_IVORY_NAPPA'],
    }),
    wheels('WHEEL_19_STD', '19英寸轮毂', 0, M8_ALL),
    wheels('WHEEL_20_DARK', '20英寸暗夜轮毂', 6_000, M8_ALL),
    interior('INT_BLACK_NAPPA', '玄黑 Nappa 真皮', '#1b1b1b', 0, M8_ALL),
    interior('INT_SAND_NAPPA', '流沙金 Nappa 真皮', '#b89b72', 5_000, M8_ALL),
    interior('INT_IVORY_NAPPA', '象牙白 Nappa 真皮', '#efe8dc', 5_000, M8_UPPER),
    pkg('PKG_PILOT', '高阶智驾包', 20_000, M8_UPPER, { description: '城市领航辅助、记忆泊车；需激光雷达硬件，仅旗舰及行政版' }),
    pkg('PKG_LOUNGE', '二排头等舱包', 15_000, M8_ALL, {
      description: '二排零重力座椅、后排娱乐屏、冷暖冰箱',
      includes: ['ACC_REAR_SCREEN', 'ACC_FRIDGE'],
    }),
    pkg('PKG_NIGHT', '暗夜套件', 8_000, M8_ALL, {
      description: '熏黑外饰件、暗夜轮毂；不搭配白色车漆',
      requires: ['WHEEL_20_DARK'],
      excludes: ['PAINT_SNOW_WHITE', 'PAINT_PEARL_WHITE'],
    }),
    accessory('ACC_REAR_SCREEN', '后排 17.3英寸吸顶屏', 8_000, M8_ALL),
    accessory('ACC_FRIDGE', '冷暖冰箱', 4_000, M8_ALL),
    accessory('ACC_ELECTRIC_STEP', '电动迎宾踏板', 5_000, M8_ALL),
    accessory('ACC_CHILD_SEAT', 'ISOFIX 儿童安全座椅', 3_000, M8_ALL),
  ],
});

/** The demo lineup, in the brand's display order. */
export const LINEUP: CatalogModel[] = [yuanshanS5, changfengE7, yunqiM8, yuanshanS7, yuanshanS6, changfengP5, yuanshanX4];
