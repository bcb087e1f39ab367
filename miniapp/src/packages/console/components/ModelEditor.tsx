import { useEffect, useMemo, useState } from 'react'
import { Input, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import {
  catalogEditProblems,
  formatDateTimeCN,
  OPTION_GROUP_LABELS,
  OPTION_GROUPS,
  problemsOf,
  type CatalogModel,
  type CatalogOption,
  type CatalogProblem,
  type PriceEntry,
} from '@carmall/shared-types'
import type { CatalogChange } from '@carmall/shared-types/schemas'
import { ApiError } from '../../../api/client'
import { catalogAudit, consoleStockPath, openConsolePage, saveOption, saveTrimPrices, setPublication, type AdminModelDetail, type CatalogAuditEntry } from '../../../api/console'
import { CATALOG_ACTION_LABELS, changeText, codesOf, codesText, priceFormOf, pricesFromForm, type PriceForm } from '../lib/catalog'
import { shortId } from '../lib/timeline'
import { CatalogPreview } from './CatalogPreview'
import { CButton, Chips } from './ConsoleShell'
import { PriceFields } from './PriceFields'

interface OptionForm {
  name: string
  price: PriceForm
  availableOn: string[]
  requires: string
  requiresAny: string
  excludes: string
  includes: string
}
const RULE_FIELDS = [
  ['requires', '需要（全部）'],
  ['requiresAny', '需要其一'],
  ['excludes', '互斥'],
  ['includes', '包含'],
] as const

const optionFormOf = (o: CatalogOption, at: Date): OptionForm => ({
  name: o.name,
  price: priceFormOf(o.prices, at),
  availableOn: [...o.availableOn],
  requires: codesText(o.requires),
  requiresAny: codesText(o.requiresAny),
  excludes: codesText(o.excludes),
  includes: codesText(o.includes),
})

/** The option as the form would save it (rules as code lists; empty lists dropped as the catalog stores them). */
function optionFromForm(o: CatalogOption, f: OptionForm, prices: PriceEntry[] | null): CatalogOption {
  const next: CatalogOption = { ...o, name: f.name.trim(), availableOn: f.availableOn, prices: prices ?? o.prices }
  for (const [k] of RULE_FIELDS) {
    const codes = codesOf(f[k])
    if (codes.length) next[k] = codes
    else delete next[k]
  }
  return next
}

type Banner = { kind: 'conflict'; yours: number; current: number; changes: CatalogChange[] } | { kind: 'error'; message: string; problems: CatalogProblem[] } | { kind: 'saved'; message: string }

/**
 * One model's editor: trims' prices (now and one scheduled change), options (name, price,
 * availability, rules), publish/unpublish, the price preview and the model's change log. Problems
 * are found as typed by the same function the BFF runs before saving (catalogEditProblems) and
 * shown next to the trim or option they belong to. Each save sends the version loaded; a 409
 * says who changed what since, and 重新加载 starts again from the latest.
 */
export function ModelEditor({ detail, onSaved, onReload, onForbidden }: { detail: AdminModelDetail; onSaved: (d: AdminModelDetail) => void; onReload: () => void; onForbidden: () => void }) {
  const at = useMemo(() => new Date(detail.pricedAt), [detail.pricedAt])
  const initialTrims = () => Object.fromEntries(detail.model.trims.map((t) => [t.code, priceFormOf(t.prices, at)]))
  const initialOptions = () => Object.fromEntries(detail.model.options.map((o) => [o.code, optionFormOf(o, at)]))
  const [trimForms, setTrimForms] = useState<Record<string, PriceForm>>(initialTrims)
  const [optionForms, setOptionForms] = useState<Record<string, OptionForm>>(initialOptions)
  const [banner, setBanner] = useState<Banner | null>(null)
  const [busy, setBusy] = useState<string | null>(null)
  const [log, setLog] = useState<CatalogAuditEntry[]>([])
  useEffect(() => {
    setTrimForms(initialTrims())
    setOptionForms(initialOptions())
    catalogAudit(detail.model.code).then(
      (r) => setLog(r.items),
      () => setLog([]),
    )
  }, [detail])

  const trimPrices = useMemo(() => Object.fromEntries(detail.model.trims.map((t) => [t.code, pricesFromForm(t.prices, trimForms[t.code] ?? priceFormOf(t.prices, at), at)])), [trimForms, detail])
  const optionPrices = useMemo(() => Object.fromEntries(detail.model.options.map((o) => [o.code, pricesFromForm(o.prices, optionForms[o.code]?.price ?? priceFormOf(o.prices, at), at)])), [optionForms, detail])
  /** The model with every unsaved change (what the preview prices and the inline checks run on). */
  const draft: CatalogModel = useMemo(
    () => ({
      ...detail.model,
      trims: detail.model.trims.map((t) => ({ ...t, prices: trimPrices[t.code]?.prices ?? t.prices })),
      options: detail.model.options.map((o) => (optionForms[o.code] ? optionFromForm(o, optionForms[o.code], optionPrices[o.code]?.prices ?? null) : o)),
    }),
    [detail, trimPrices, optionPrices, optionForms],
  )
  const problems = useMemo(() => catalogEditProblems(draft, at), [draft, at])
  const trimDirty = (code: string) => JSON.stringify(trimPrices[code]?.prices) !== JSON.stringify(detail.model.trims.find((t) => t.code === code)?.prices)
  const optionDirty = (code: string) => JSON.stringify(draft.options.find((o) => o.code === code)) !== JSON.stringify(detail.model.options.find((o) => o.code === code))
  const firstScheduled = Object.values(trimForms).map((f) => f.scheduledAt).filter(Boolean).sort()[0] ?? ''

  /** Problems the BFF would find in the saved model plus only this change (other unsaved edits are not sent). */
  const problemsWithOnly = (change: (m: CatalogModel) => void) => {
    const m = structuredClone(detail.model)
    change(m)
    return catalogEditProblems(m, at)
  }

  const send = async (what: string, call: () => Promise<AdminModelDetail>, done: string) => {
    if (busy) return
    setBusy(what)
    setBanner(null)
    try {
      const next = await call()
      setBanner({ kind: 'saved', message: `${done}（版本 ${next.version}）` })
      onSaved(next)
    } catch (err) {
      if (err instanceof ApiError && err.code === 'VERSION_CONFLICT') {
        const d = (err.details ?? {}) as { currentVersion?: number; changes?: CatalogChange[] }
        setBanner({ kind: 'conflict', yours: detail.version, current: d.currentVersion ?? detail.version, changes: d.changes ?? [] })
      } else if (err instanceof ApiError && err.status === 403) onForbidden()
      else if (err instanceof ApiError && err.code === 'CATALOG_INVALID') {
        setBanner({ kind: 'error', message: err.message, problems: ((err.details as { problems?: CatalogProblem[] })?.problems ?? []).filter((p) => typeof p === 'object') })
      } else setBanner({ kind: 'error', message: err instanceof ApiError ? err.message : '保存失败，请重试', problems: [] })
    } finally {
      setBusy(null)
    }
  }

  const saveTrim = (code: string) => {
    const prices = trimPrices[code]?.prices
    if (!prices) return
    const local = problemsWithOnly((m) => {
      m.trims.find((t) => t.code === code)!.prices = prices
    })
    if (local.length) return setBanner({ kind: 'error', message: '请先修正以下问题', problems: local })
    void send(`trim:${code}`, () => saveTrimPrices(detail.model.code, code, { expectedVersion: detail.version, prices }), '价格已保存')
  }
  const saveOpt = (code: string) => {
    const o = detail.model.options.find((x) => x.code === code)!
    const f = optionForms[code]
    const next = optionFromForm(o, f, optionPrices[code]?.prices ?? null)
    if (!optionPrices[code]?.prices) return
    const local = problemsWithOnly((m) => {
      m.options = m.options.map((x) => (x.code === code ? next : x))
    })
    if (local.length) return setBanner({ kind: 'error', message: '请先修正以下问题', problems: local })
    void send(
      `option:${code}`,
      () =>
        saveOption(detail.model.code, code, {
          expectedVersion: detail.version,
          name: next.name,
          availableOn: next.availableOn,
          prices: next.prices,
          ...Object.fromEntries(RULE_FIELDS.map(([k]) => [k, next[k] ?? []])),
        }),
      `选装「${next.name}」已保存`,
    )
  }
  const togglePublished = () => {
    const published = !detail.published
    void Taro.showModal({ title: published ? '上架车型' : '下架车型', content: published ? '上架后买家即可看到并下单。' : '下架后买家将看不到该车型，也无法下单；已有订单不受影响。' }).then((r) => {
      if (r.confirm) void send('publish', () => setPublication(detail.model.code, { expectedVersion: detail.version, published }), published ? '已上架' : '已下架')
    })
  }

  const ProblemList = ({ list }: { list: CatalogProblem[] }) =>
    list.length ? (
      <View className='catalog-problems'>
        {list.map((p, i) => (
          <Text key={i} className={`catalog-problem catalog-problem--${p.kind}`} data-kind={p.kind}>
            {p.message}
          </Text>
        ))}
      </View>
    ) : null

  return (
    <View className='model-editor' data-code={detail.model.code} data-version={String(detail.version)}>
      <View className='model-editor__head'>
        <Text className='model-editor__title'>{detail.model.name}</Text>
        <Text className='model-editor__meta'>
          {detail.model.code} · 版本 {detail.version}
          {detail.updatedAt ? ` · 更新于 ${formatDateTimeCN(detail.updatedAt)}` : ''}
        </Text>
        <Text className={`pub-badge pub-badge--${detail.published ? 'on' : 'off'}`}>{detail.published ? '已上架' : '未上架'}</Text>
        <CButton className='model-editor__stock' onClick={() => void openConsolePage(`${consoleStockPath}?code=${detail.model.code}`)}>
          库存
        </CButton>
        <CButton className='model-editor__publish' kind={detail.published ? 'plain' : 'primary'} disabled={busy !== null || undefined} onClick={togglePublished}>
          {busy === 'publish' ? '处理中…' : detail.published ? '下架' : '上架'}
        </CButton>
      </View>

      {banner?.kind === 'conflict' && (
        <View className='catalog-banner catalog-banner--conflict'>
          <Text className='catalog-banner__title'>
            保存失败：该车型已被他人修改（你编辑的是版本 {banner.yours}，当前为版本 {banner.current}）。你的修改尚未保存。
          </Text>
          {banner.changes.length ? banner.changes.map((c, i) => <Text key={i} className='catalog-banner__change'>{changeText(c)}</Text>) : <Text className='catalog-banner__change'>定时价格已生效或其他系统变更</Text>}
          <CButton className='catalog-banner__reload' kind='primary' onClick={onReload}>
            重新加载最新数据
          </CButton>
        </View>
      )}
      {banner?.kind === 'error' && (
        <View className='catalog-banner catalog-banner--error'>
          <Text className='catalog-banner__title'>{banner.message}</Text>
          <ProblemList list={banner.problems} />
        </View>
      )}
      {banner?.kind === 'saved' && (
        <View className='catalog-banner catalog-banner--saved'>
          <Text className='catalog-banner__title catalog-saved'>{banner.message}</Text>
        </View>
      )}
      <ProblemList list={problemsOf(problems, 'model', null)} />

      <View className='catalog-section'>
        <Text className='catalog-section__title'>版本与价格</Text>
        {detail.model.trims.map((t) => {
          const pf = trimPrices[t.code]
          const list = problemsOf(problems, 'trim', t.code)
          return (
            <View key={t.code} className={`trim-row ${list.length ? 'trim-row--invalid' : ''}`} data-code={t.code}>
              <View className='trim-row__name'>
                <Text className='trim-row__title'>{t.name}</Text>
                <Text className='trim-row__code'>{t.code}</Text>
              </View>
              <PriceFields form={trimForms[t.code] ?? priceFormOf(t.prices, at)} problems={pf?.problems ?? {}} onChange={(f) => setTrimForms({ ...trimForms, [t.code]: f })} />
              <CButton className='trim-save' kind='primary' disabled={(!trimDirty(t.code) || !pf?.prices || busy !== null) || undefined} onClick={() => saveTrim(t.code)}>
                {busy === `trim:${t.code}` ? '保存中…' : '保存价格'}
              </CButton>
              <ProblemList list={list} />
            </View>
          )
        })}
      </View>

      <View className='catalog-section'>
        <Text className='catalog-section__title'>选装与规则</Text>
        <Text className='catalog-section__hint'>规则填写选装编码，逗号分隔；保存前按配置器的规则校验（冲突、需要的选装、每组只能选一项）。</Text>
        {OPTION_GROUPS.map((g) => {
          const options = detail.model.options.filter((o) => o.group === g)
          if (!options.length) return null
          return (
            <View key={g} className='option-group'>
              <Text className='option-group__title'>{OPTION_GROUP_LABELS[g]}</Text>
              {options.map((o) => {
                const f = optionForms[o.code] ?? optionFormOf(o, at)
                const set = (patch: Partial<OptionForm>) => setOptionForms({ ...optionForms, [o.code]: { ...f, ...patch } })
                const list = problemsOf(problems, 'option', o.code)
                return (
                  <View key={o.code} className={`option-row ${list.length ? 'option-row--invalid' : ''}`} data-code={o.code}>
                    <View className='option-row__line'>
                      <Input className='option-row__name' value={f.name} maxlength={40} onInput={(e) => set({ name: e.detail.value })} />
                      <Text className='option-row__code'>{o.code}</Text>
                      <Chips
                        className='option-row__trims'
                        options={detail.model.trims.map((t) => ({ value: t.code, label: t.name }))}
                        isOn={(v) => f.availableOn.includes(v)}
                        onTap={(v) => set({ availableOn: f.availableOn.includes(v) ? f.availableOn.filter((x) => x !== v) : [...f.availableOn, v] })}
                      />
                    </View>
                    <PriceFields compact form={f.price} problems={optionPrices[o.code]?.problems ?? {}} onChange={(price) => set({ price })} />
                    <View className='option-row__rules'>
                      {RULE_FIELDS.map(([k, label]) => (
                        <View key={k} className={`option-rule option-rule--${k}`}>
                          <Text className='price-fields__label'>{label}</Text>
                          <Input className='option-rule__input' value={f[k]} placeholder='—' onInput={(e) => set({ [k]: e.detail.value } as Partial<OptionForm>)} />
                        </View>
                      ))}
                      <CButton className='option-save' kind='primary' disabled={(!optionDirty(o.code) || !optionPrices[o.code]?.prices || busy !== null) || undefined} onClick={() => saveOpt(o.code)}>
                        {busy === `option:${o.code}` ? '保存中…' : '保存'}
                      </CButton>
                    </View>
                    <ProblemList list={list} />
                  </View>
                )
              })}
            </View>
          )
        })}
      </View>

      <CatalogPreview key={detail.version} model={draft} now={at} defaultAt={firstScheduled} />

      <View className='catalog-section'>
        <Text className='catalog-section__title'>变更记录</Text>
        {log.length === 0 && <Text className='catalog-section__hint'>暂无变更</Text>}
        {log.map((a) => (
          <View key={a.id} className='catalog-audit'>
            <Text className='catalog-audit__at'>{formatDateTimeCN(a.at)}</Text>
            <Text className='catalog-audit__what'>
              {CATALOG_ACTION_LABELS[a.action] ?? a.action} · {a.target} · 自版本 {a.fromVersion}
              {a.status !== 'applied' ? `（${a.status === 'rejected' ? '未生效' : '处理中'}）` : ''}
            </Text>
            <Text className='catalog-audit__who'>
              {shortId(a.actorId)}
              {a.note ? ` · ${a.note}` : ''}
            </Text>
          </View>
        ))}
      </View>
    </View>
  )
}
