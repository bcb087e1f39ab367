import type { CatalogModel, CatalogOption } from '@carmall/shared-types'

const since = (fen: number) => [{ amountFen: fen, effectiveFrom: '2025-01-01T00:00:00.000Z' }]
const opt = (group: CatalogOption['group'], code: string, name: string, extra: Partial<CatalogOption> = {}): CatalogOption => ({
  code, group, name, prices: since(0), availableOn: ['T1', 'T2'], ...extra,
})

/** A small model in the catalog's shape, with one requires/excludes rule. */
export function viewerModel(): CatalogModel {
  const specs = {
    rangeKm: 600, fuelLPer100km: null, powerKw: 200, torqueNm: 340, accel0to100s: 6.9, seats: 5,
    lengthMm: 4780, widthMm: 1910, heightMm: 1665, wheelbaseMm: 2900, batteryKwh: 80, drive: 'RWD' as const, warranty: '5年',
  }
  return {
    code: 'test-s5', name: '测试 S5', series: '测试', bodyType: 'suv', energyType: 'bev', tagline: '', featured: false,
    coverColor: '#2f5d8a',
    trims: [
      { code: 'T1', name: '标准版', prices: since(20_000_000), specs, defaults: ['PAINT_WHITE', 'WHEEL_19_AERO', 'INT_BLACK'] },
      { code: 'T2', name: '高配版', prices: since(25_000_000), specs, defaults: ['PAINT_BLUE', 'WHEEL_21_FORGED', 'INT_CREAM_NAPPA'] },
    ],
    options: [
      opt('paint', 'PAINT_WHITE', '冰川白', { swatch: '#f2f4f5' }),
      opt('paint', 'PAINT_BLACK', '碳晶黑', { swatch: '#1c1c1e' }),
      opt('paint', 'PAINT_BLUE', '澜湖蓝', { swatch: '#2f5d8a', description: '金属漆' }),
      opt('wheels', 'WHEEL_19_AERO', '19英寸低风阻轮毂'),
      opt('wheels', 'WHEEL_21_FORGED', '21英寸锻造轮毂', { availableOn: ['T2'] }),
      opt('interior', 'INT_BLACK', '曜石黑 环保皮', { swatch: '#202124' }),
      opt('interior', 'INT_CREAM_NAPPA', '奶油白 Nappa 真皮', { swatch: '#efe6d8', availableOn: ['T2'] }),
      opt('package', 'PKG_SPORT', '运动套件', { availableOn: ['T2'], requires: ['WHEEL_21_FORGED'], excludes: ['WHEEL_19_AERO'] }),
    ],
  }
}
