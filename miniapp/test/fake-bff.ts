/**
 * A fake BFF behind the Taro.request spy for configurator tests: the real lineup data and the real
 * engine (the BFF prices with the same one), so expectations come from the engine, not from
 * hand-written numbers.
 */
import {
  diffTrimSpecs,
  modelSummaryFromCatalog,
  resolveConfiguration,
  type CatalogModel,
  type ModelSummary,
  type ResolvedConfig,
  RIVAL_DISCLAIMER,
  ignoreUnpublished,
  rivalAsTrim,
  type RivalCar,
} from '@carmall/shared-types'
import { LINEUP } from '../../bff/src/seed/lineup'
import type { ModelDetail } from '../src/api/catalog'
import type { SavedConfiguration } from '../src/api/configurations'
import { ok } from './fixtures'
import { taroMock } from './taro-mock'

/** The instant the fake BFF prices at (2026 price lists in force). */
export const PRICED_AT = '2026-11-20T04:00:00.000Z'
export const AT = new Date(PRICED_AT)

export const lineupModel = (code: string): CatalogModel => {
  const m = LINEUP.find((x) => x.code === code)
  if (!m) throw new Error(`no model ${code} in the lineup`)
  return m
}

export function detailOf(model: CatalogModel): ModelDetail {
  const s = modelSummaryFromCatalog(model, AT)
  const summary: ModelSummary = {
    id: `id-${model.code}`, code: model.code, name: model.name, series: model.series, bodyType: model.bodyType,
    energyType: model.energyType, startingPriceFen: s.startingPriceFen ?? 0, seats: s.seats, rangeKm: s.rangeKm,
    coverImage: `/media/models/${model.code}.svg`, tagline: model.tagline, featured: model.featured,
  }
  return { summary, model, version: 1, pricedAt: PRICED_AT }
}

/** Resolve like the BFF does; throws the engine's error as an HTTP-ish error body. */
export function resolveOrThrow(model: CatalogModel, trimCode: string, selections: string[]): ResolvedConfig {
  const r = resolveConfiguration(model, trimCode, selections, AT)
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`)
  return r.config
}

export interface FakeBff {
  /** Every request the page made, as method + path (no query). */
  calls: { method: string; path: string; url: URL; data: any }[]
  saved: Map<string, SavedConfiguration>
  /** Override one route: return a Taro.request result or undefined to fall through. */
  override?: (method: string, path: string, data: any) => ReturnType<typeof ok> | undefined
}

const err = (status: number, code: string, message: string) => ok({ error: { code, message, requestId: 'r-test' } }, status)

const none = { fuelLPer100km: null, torqueNm: null, batteryKwh: null, powerKw: null, accel0to100s: null, warranty: null, lengthMm: null, widthMm: null, heightMm: null, wheelbaseMm: null, drive: null }
/** The competitor cars the fake BFF compares (`rival:<code>`). */
export const FAKE_RIVALS: RivalCar[] = [
  {
    code: 'rival-onvo-l60', brand: '乐道', name: 'L60', trimName: '60kWh 后驱版', bodyType: 'suv', energyType: 'bev', priceFen: 20_690_000, seats: 5, rangeKm: 555,
    specs: { ...none, rangeKm: 555, seats: 5, lengthMm: 4828 }, source: '乐道汽车上市发布会公开价格与参数', asOf: '2024-09',
  },
]

export function installFakeBff(models: CatalogModel[] = LINEUP): FakeBff {
  const bff: FakeBff = { calls: [], saved: new Map() }
  const byCode = new Map(models.map((m) => [m.code, m]))
  let seq = 0

  taroMock.request.mockImplementation(async (opts: any) => {
    const url = new URL(opts.url)
    const method = opts.method ?? 'GET'
    const path = url.pathname
    bff.calls.push({ method, path, url, data: opts.data })
    const over = bff.override?.(method, path, opts.data)
    if (over) return over

    let m: RegExpMatchArray | null
    if (method === 'GET' && (m = path.match(/^\/api\/v1\/catalog\/models\/([^/]+)$/))) {
      const model = byCode.get(decodeURIComponent(m[1]))
      return model ? ok(detailOf(model)) : err(404, 'NOT_FOUND', '车型不存在')
    }
    if (method === 'POST' && (path === '/api/v1/configurations' || path === '/api/v1/configurations/saved')) {
      const { modelCode, trimCode, selections } = opts.data
      const model = byCode.get(modelCode)
      if (!model) return err(404, 'NOT_FOUND', '车型不存在')
      const r = resolveConfiguration(model, trimCode, selections, AT)
      if (!r.ok) return err(422, r.error.code === 'CONFLICT' ? 'OPTION_CONFLICT' : r.error.code, r.error.message)
      if (path === '/api/v1/configurations') return ok({ config: r.config, modelVersion: 1 })
      const trim = model.trims.find((t) => t.code === trimCode)!
      const shortId = `Cfg${String(++seq).padStart(5, '2')}`
      const saved: SavedConfiguration = {
        shortId, modelCode, modelName: model.name, trimCode, trimName: trim.name, config: r.config,
        current: { valid: true, totalFen: r.config.totalFen, reason: null }, createdAt: '2026-11-20T04:00:00.000Z',
      }
      bff.saved.set(shortId, saved)
      return ok(saved, 201)
    }
    if (method === 'GET' && (m = path.match(/^\/api\/v1\/configurations\/saved\/([^/]+)$/))) {
      const s = bff.saved.get(m[1])
      return s ? ok(s) : err(404, 'NOT_FOUND', '配置不存在')
    }
    if (method === 'GET' && path === '/api/v1/catalog/compare') {
      const pairs = (url.searchParams.get('trims') ?? '').split(',').map((p) => p.split(':'))
      // `rival:<code>`: a competitor car (FAKE_RIVALS), as the BFF's rivals module answers it.
      const picked = pairs.map(([mc, tc]) => {
        const r = mc === 'rival' ? FAKE_RIVALS.find((x) => x.code === tc)! : null
        if (r) return { column: { modelCode: r.code, modelName: `${r.brand} ${r.name}`, trimCode: r.code, trimName: r.trimName, rival: { brand: r.brand, source: r.source, asOf: r.asOf } }, trim: rivalAsTrim(r) }
        const m = byCode.get(mc)!
        const t = m.trims.find((x) => x.code === tc)!
        return { column: { modelCode: m.code, modelName: m.name, trimCode: t.code, trimName: t.name }, trim: t }
      })
      return ok({
        trims: picked.map((p) => p.column),
        rows: ignoreUnpublished(diffTrimSpecs(picked.map((p) => p.trim), { at: AT }), picked.map((p) => 'rival' in p.column)),
        disclaimer: picked.some((p) => 'rival' in p.column) ? RIVAL_DISCLAIMER : null,
      })
    }
    return err(404, 'NOT_FOUND', `fake BFF has no ${method} ${path}`)
  })
  return bff
}
