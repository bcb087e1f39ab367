import { useCallback, useEffect, useRef, useState } from 'react'
import { Button, Input, Text, View } from '@tarojs/components'
import { useReachBottom } from '@tarojs/taro'
import {
  BODY_TYPES,
  BODY_TYPE_LABELS,
  ENERGY_TYPES,
  ENERGY_TYPE_LABELS,
  PRICE_BANDS,
  type PriceBandKey,
  type BodyType,
  type EnergyType,
  type ModelSummary,
} from '@carmall/shared-types'
import { listModels, type ListModelsParams, type ModelSort } from '../../api/catalog'
import { ApiError } from '../../api/client'
import { ModelCard } from '../../components/ModelCard'
import { EmptyState, ErrorState, LoadingState } from '../../components/StatusViews'
import { openModel, openViewer } from '../../utils/navigation'
import './index.scss'

export const PAGE_SIZE = 20

interface Filters {
  bodyType: BodyType | null // null = 全部
  energyType: EnergyType | null
  price: PriceBandKey | null
  seats: SeatsKey | null
  range: RangeKey | null
  sort: ModelSort
  q: string
}

// The seat and range filters the API offers (at least N seats, at least N km).
const SEATS_KEYS = ['5', '6', '7'] as const
type SeatsKey = (typeof SEATS_KEYS)[number]
const SEATS_LABELS: Record<SeatsKey, string> = { '5': '5座及以上', '6': '6座及以上', '7': '7座' }
const RANGE_KEYS = ['500', '600', '700'] as const
type RangeKey = (typeof RANGE_KEYS)[number]
const RANGE_LABELS: Record<RangeKey, string> = { '500': '500公里+', '600': '600公里+', '700': '700公里+' }
const NO_FILTERS: Filters = { bodyType: null, energyType: null, price: null, seats: null, range: null, sort: 'price_asc', q: '' }

const PRICE_KEYS = PRICE_BANDS.map((b) => b.key)
const PRICE_LABELS = Object.fromEntries(PRICE_BANDS.map((b) => [b.key, b.label])) as Record<PriceBandKey, string>
const SORT_LABELS: Record<ModelSort, string> = { price_asc: '价格从低到高', price_desc: '价格从高到低', name: '按名称' }

/** The API query for a set of filters. */
function queryOf(f: Filters, page: number): ListModelsParams {
  const band = PRICE_BANDS.find((b) => b.key === f.price) as { minFen?: number; maxFen?: number } | undefined
  return {
    bodyType: f.bodyType ? [f.bodyType] : undefined,
    energyType: f.energyType ? [f.energyType] : undefined,
    minPriceFen: band?.minFen,
    maxPriceFen: band?.maxFen,
    seats: f.seats ? Number(f.seats) : undefined,
    minRangeKm: f.range ? Number(f.range) : undefined,
    sort: f.sort,
    q: f.q,
    page,
    pageSize: PAGE_SIZE,
  }
}

type Status = 'loading' | 'error' | 'ready'

function errorMessage(err: unknown): string {
  return err instanceof ApiError ? err.message : '加载失败，请稍后重试'
}

/** A labelled row of single-select chips; `null` is the "全部" chip. */
function Chips<T extends string>(props: {
  name: string
  label: string
  options: readonly T[]
  labels: Record<T, string>
  value: T | null
  onChange: (value: T | null) => void
}) {
  const { name, label, options, labels, value, onChange } = props
  const all: (T | null)[] = [null, ...options]
  return (
    <View className='chips' data-filter={name}>
      <Text className='chips__label'>{label}</Text>
      {all.map((option) => (
        <View
          key={option ?? 'all'}
          className={`chip ${option === value ? 'chip--active' : ''}`}
          data-value={option ?? 'all'}
          onClick={() => onChange(option)}
        >
          {option === null ? '全部' : labels[option]}
        </View>
      ))}
    </View>
  )
}

export default function ModelsPage() {
  const [filters, setFilters] = useState<Filters>(NO_FILTERS)
  const [draftQ, setDraftQ] = useState('')
  const [items, setItems] = useState<ModelSummary[]>([])
  const [page, setPage] = useState(1)
  const [total, setTotal] = useState(0)
  const [status, setStatus] = useState<Status>('loading')
  const [error, setError] = useState('')
  const [loadingMore, setLoadingMore] = useState(false)
  const [moreError, setMoreError] = useState('')
  // Bumped on every new first-page load so late responses for old filters are ignored.
  const generation = useRef(0)

  const loadFirstPage = useCallback(async (f: Filters) => {
    const gen = ++generation.current
    setStatus('loading')
    setMoreError('')
    try {
      const res = await listModels(queryOf(f, 1))
      if (gen !== generation.current) return
      setItems(res.items)
      setPage(res.page)
      setTotal(res.total)
      setStatus('ready')
    } catch (err) {
      if (gen !== generation.current) return
      setError(errorMessage(err))
      setStatus('error')
    }
  }, [])

  useEffect(() => {
    loadFirstPage(filters)
  }, [filters, loadFirstPage])

  const hasMore = status === 'ready' && items.length < total

  const loadMore = useCallback(async () => {
    if (!hasMore || loadingMore) return
    const gen = generation.current
    setLoadingMore(true)
    setMoreError('')
    try {
      const res = await listModels(queryOf(filters, page + 1))
      if (gen !== generation.current) return
      // De-duplicate by id in case the catalog changed between pages.
      setItems((prev) => {
        const seen = new Set(prev.map((m) => m.id))
        return [...prev, ...res.items.filter((m) => !seen.has(m.id))]
      })
      setPage(res.page)
      setTotal(res.total)
    } catch (err) {
      if (gen === generation.current) setMoreError(errorMessage(err))
    } finally {
      if (gen === generation.current) setLoadingMore(false)
    }
  }, [filters, hasMore, loadingMore, page])

  useReachBottom(() => {
    loadMore()
  })

  const filtered = Boolean(filters.bodyType || filters.energyType || filters.price || filters.seats || filters.range || filters.q)
  const submitSearch = () => setFilters((f) => ({ ...f, q: draftQ.trim() }))

  return (
    <View className='page models-page'>
      <View className='models-page__search'>
        <Input
          className='models-page__search-input'
          type='text'
          placeholder='搜索车型名称'
          confirmType='search'
          value={draftQ}
          onInput={(e) => setDraftQ(e.detail.value)}
          onConfirm={submitSearch}
        />
        <Button className='btn-primary models-page__search-btn' size='mini' onClick={submitSearch}>
          搜索
        </Button>
      </View>

      <Chips
        name='bodyType'
        label='车身'
        options={BODY_TYPES}
        labels={BODY_TYPE_LABELS}
        value={filters.bodyType}
        onChange={(bodyType) => setFilters((f) => ({ ...f, bodyType }))}
      />
      <Chips
        name='energyType'
        label='能源'
        options={ENERGY_TYPES}
        labels={ENERGY_TYPE_LABELS}
        value={filters.energyType}
        onChange={(energyType) => setFilters((f) => ({ ...f, energyType }))}
      />
      <Chips name='price' label='价格' options={PRICE_KEYS} labels={PRICE_LABELS} value={filters.price} onChange={(price) => setFilters((f) => ({ ...f, price }))} />
      <Chips name='seats' label='座位' options={SEATS_KEYS} labels={SEATS_LABELS} value={filters.seats} onChange={(seats) => setFilters((f) => ({ ...f, seats }))} />
      <Chips name='range' label='续航' options={RANGE_KEYS} labels={RANGE_LABELS} value={filters.range} onChange={(range) => setFilters((f) => ({ ...f, range }))} />
      <View className='chips' data-filter='sort'>
        <Text className='chips__label'>排序</Text>
        {(Object.keys(SORT_LABELS) as ModelSort[]).map((sort) => (
          <View key={sort} className={`chip ${filters.sort === sort ? 'chip--active' : ''}`} data-value={sort} onClick={() => setFilters((f) => ({ ...f, sort }))}>
            {SORT_LABELS[sort]}
          </View>
        ))}
      </View>

      {status === 'loading' && <LoadingState />}
      {status === 'error' && <ErrorState message={error} onRetry={() => loadFirstPage(filters)} />}
      {status === 'ready' && items.length === 0 && (
        <View className='models-page__empty'>
          <EmptyState text='没有符合条件的车型' />
          {filtered && (
            <Button
              className='btn-plain models-page__clear'
              size='mini'
              onClick={() => {
                setDraftQ('')
                setFilters((f) => ({ ...NO_FILTERS, sort: f.sort }))
              }}
            >
              清除筛选
            </Button>
          )}
        </View>
      )}
      {status === 'ready' && items.length > 0 && (
        <View className='models-page__list'>
          <Text className='models-page__count'>共 {total} 款车型</Text>
          {items.map((model) => (
            <ModelCard key={model.id} model={model} onOpen={openModel} onView3D={openViewer} />
          ))}
          {hasMore && (
            <Button className='btn-plain models-page__more' loading={loadingMore} onClick={loadMore}>
              {moreError ? `${moreError}，点击重试` : '加载更多'}
            </Button>
          )}
          {!hasMore && <Text className='models-page__end'>没有更多了</Text>}
        </View>
      )}
    </View>
  )
}
