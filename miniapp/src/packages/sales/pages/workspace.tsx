import { useCallback, useEffect, useState } from 'react'
import { Button, Input, Text, View } from '@tarojs/components'
import { useDidShow } from '@tarojs/taro'
import { WECHAT_ID_RE, WECHAT_ID_RULE, formatDateCN, formatDateTimeCN, formatFen } from '@carmall/shared-types'
import {
  getAdvisorProfile,
  listAdvisorLeads,
  listAdvisorShares,
  requestPrivacyCall,
  saveAdvisorProfile,
  updateLeadStatus,
  type AdvisorProfile,
  type AdvisorShare,
  type Lead,
  type LeadStatus,
  type PrivacyCall,
} from '../../../api/advisors'
import { ApiError, getToken } from '../../../api/client'
import { EmptyState, ErrorState, LoadingState } from '../../../components/StatusViews'
import { copyWechatId, dialPrivacyNumber, spacedNumber } from '../../../utils/wechat-contact'
import { errorText } from '../lib'
import './sales.scss'

export const LEAD_STATUS_LABELS: Record<LeadStatus, string> = { new: '新线索', contacted: '已联系', scheduled: '已约到店', completed: '已完成', lost: '已流失' }
const STAT_CELLS: Array<[keyof AdvisorShare['stats'], string]> = [['visits', '访问'], ['visitors', '访客'], ['leads', '线索'], ['orders', '订单']]
const FOLLOW_UPS: Array<Exclude<LeadStatus, 'new'>> = ['contacted', 'scheduled', 'completed', 'lost']
const LEAD_KIND_LABELS: Record<Lead['kind'], string> = { test_drive: '试驾', finance_quote: '金融方案', wechat_contact: '微信联系' }


/** 我的名片: the name and work WeChat ID buyers see on my cards (so they can add me). */
function ProfileCard({ profile, onSaved }: { profile: AdvisorProfile; onSaved: (p: AdvisorProfile) => void }) {
  const [name, setName] = useState(profile.displayName)
  const [wechatId, setWechatId] = useState(profile.wechatId ?? '')
  const [busy, setBusy] = useState(false)
  const [message, setMessage] = useState('')
  const id = wechatId.trim()
  const bad = id !== '' && !WECHAT_ID_RE.test(id)
  const save = async () => {
    if (bad) return setMessage(WECHAT_ID_RULE)
    setBusy(true)
    setMessage('')
    try {
      const saved = await saveAdvisorProfile({ displayName: name.trim(), wechatId: id || null })
      onSaved(saved)
      setMessage('已保存，客户打开您的分享即可看到')
    } catch (err) {
      setMessage(errorText(err, '保存失败，请重试'))
    } finally {
      setBusy(false)
    }
  }
  return (
    <View className='sales-card profile-card'>
      <Text className='sales-card__title'>我的名片</Text>
      <Input className='sales-input profile-card__name' placeholder='显示名称（如 王顾问）' maxlength={20} value={name} onInput={(e) => setName(e.detail.value)} />
      <Input className='sales-input profile-card__wechat' placeholder='工作微信号（客户添加您）' maxlength={20} value={wechatId} onInput={(e) => setWechatId(e.detail.value)} />
      {bad && <Text className='sales-page__error profile-card__rule'>{WECHAT_ID_RULE}</Text>}
      <Button className='btn-plain profile-card__save' size='mini' loading={busy} disabled={busy || undefined} onClick={() => void save()}>
        保存名片
      </Button>
      {message && <Text className='sales-card__hint profile-card__message'>{message}</Text>}
    </View>
  )
}

type Data = { shares: AdvisorShare[]; leads: Lead[]; profile: AdvisorProfile }
type State = { status: 'loading' } | { status: 'login' } | { status: 'forbidden' } | { status: 'error'; message: string } | { status: 'ready'; data: Data }

/** One lead with its follow-up: a note and the next status (history kept by the BFF). */
function LeadCard({ lead, onChanged }: { lead: Lead; onChanged: (l: Lead) => void }) {
  const [note, setNote] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')
  const set = async (status: Exclude<LeadStatus, 'new'>) => {
    setBusy(true)
    setError('')
    try {
      onChanged(await updateLeadStatus(lead.id, status, note.trim()))
      setNote('')
    } catch (err) {
      setError(errorText(err, '更新失败，请重试'))
    } finally {
      setBusy(false)
    }
  }
  const [secret, setSecret] = useState<PrivacyCall | null>(null)
  // The buyer's number stays masked: the BFF binds a middle number that reaches only them, from my phone.
  const callByPrivacyNumber = async () => {
    setBusy(true)
    setError('')
    try {
      const c = await requestPrivacyCall(lead.id)
      setSecret(c)
      void dialPrivacyNumber(c.secretNo)
    } catch (err) {
      setError(errorText(err, '隐私号获取失败，请重试'))
    } finally {
      setBusy(false)
    }
  }
  const open = lead.status !== 'lost' && lead.status !== 'completed'
  const last = lead.history[lead.history.length - 1]
  return (
    <View className='sales-card lead-item' data-id={lead.id} data-status={lead.status}>
      <View className='sales-card__head'>
        <Text className='sales-card__title'>
          {LEAD_KIND_LABELS[lead.kind]} · {lead.modelName}
        </Text>
        <Text className={`tag tag--${lead.status} lead-item__status`}>{LEAD_STATUS_LABELS[lead.status]}</Text>
      </View>
      {/* Masked by the BFF (张*, 138****1234): shown as given. */}
      <Text className='sales-card__line lead-item__customer'>
        客户 {lead.customer.name ?? '未留名'} · {lead.customer.phone ?? '未留手机号'}
      </Text>
      {open && lead.customer.phone && (
        <View className='lead-item__call'>
          <Button className='btn-plain lead-item__dial' size='mini' disabled={busy || undefined} onClick={() => void callByPrivacyNumber()}>
            隐私号拨打
          </Button>
          {secret && (
            <Text className='sales-card__line lead-item__secret' data-secret-no={secret.secretNo}>
              请用您绑定的手机拨打 {spacedNumber(secret.secretNo)}（{formatDateTimeCN(secret.expiresAt)} 前有效，双方都看不到对方号码）
            </Text>
          )}
        </View>
      )}
      {lead.customer.wechatId && (
        <View className='lead-item__wechat' data-wechat-id={lead.customer.wechatId}>
          <Text className='sales-card__line'>客户微信 {lead.customer.wechatId}（客户已同意您添加）</Text>
          <Button className='btn-plain lead-item__copy' size='mini' onClick={() => void copyWechatId(lead.customer.wechatId!)}>
            复制微信号
          </Button>
        </View>
      )}
      {!lead.assignedToMe && <Text className='sales-card__hint lead-item__owner'>{lead.advisorName ? `负责顾问 ${lead.advisorName}` : '门店线索（跟进后归您）'}</Text>}
      {lead.testDrive && <Text className='sales-card__line lead-item__slot'>试驾时间 {lead.testDrive.slotLabel}</Text>}
      {lead.financeQuote && (
        <Text className='sales-card__line'>
          {formatFen(lead.financeQuote.priceFen)} · 月供 {formatFen(lead.financeQuote.monthlyPaymentFen)} × {lead.financeQuote.termMonths} 期
        </Text>
      )}
      <Text className='sales-card__hint'>
        {formatDateCN(lead.createdAt)} 创建{last?.note ? ` · 最近跟进：${last.note}` : ''}
      </Text>
      {open && (
        <>
          <Input className='sales-input lead-item__note' placeholder='跟进备注（选填）' maxlength={200} value={note} onInput={(e) => setNote(e.detail.value)} />
          <View className='chips'>
            {FOLLOW_UPS.filter((s) => s !== lead.status).map((s) => (
              <Button key={s} className={`btn-plain lead-item__to lead-item__to--${s}`} size='mini' disabled={busy || undefined} onClick={() => set(s)}>
                {LEAD_STATUS_LABELS[s]}
              </Button>
            ))}
          </View>
        </>
      )}
      {error && <Text className='sales-page__error'>{error}</Text>}
    </View>
  )
}

/** 顾问工作台: my shares with their visits/leads/orders, and my leads to follow up (role-checked by the BFF). */
export default function WorkspacePage() {
  const [state, setState] = useState<State>({ status: 'loading' })
  const [tab, setTab] = useState<'shares' | 'leads'>('shares')

  const load = useCallback(async () => {
    if (!getToken()) return setState({ status: 'login' })
    try {
      const [shares, leads, profile] = await Promise.all([listAdvisorShares(), listAdvisorLeads(), getAdvisorProfile()])
      setState({ status: 'ready', data: { shares: shares.items, leads: leads.items, profile } })
    } catch (err) {
      if (err instanceof ApiError && err.status === 403) setState({ status: 'forbidden' })
      else if (err instanceof ApiError && err.status === 401) setState({ status: 'login' })
      else setState({ status: 'error', message: errorText(err) })
    }
  }, [])

  useEffect(() => {
    void load()
  }, [load])
  useDidShow(() => {
    void load()
  })

  if (state.status === 'loading') return <View className='page sales-page'><LoadingState /></View>
  if (state.status === 'login') return <View className='page sales-page'><EmptyState text='请先在「我的」登录顾问账号' /></View>
  if (state.status === 'forbidden') {
    return (
      <View className='page sales-page workspace-forbidden'>
        <EmptyState text='无权限：顾问工作台仅对销售顾问开放。如您是顾问，请联系管理员开通。' />
      </View>
    )
  }
  if (state.status === 'error') return <View className='page sales-page'><ErrorState message={state.message} onRetry={load} /></View>

  const { shares, leads } = state.data
  const onChanged = (l: Lead) =>
    setState((s) => (s.status === 'ready' ? { ...s, data: { ...s.data, leads: s.data.leads.map((x) => (x.id === l.id ? l : x)) } } : s))

  return (
    <View className='page sales-page workspace'>
      <View className='tabs'>
        <Text className={`tabs__item workspace__tab-shares ${tab === 'shares' ? 'tabs__item--on' : ''}`} onClick={() => setTab('shares')}>
          我的分享（{shares.length}）
        </Text>
        <Text className={`tabs__item workspace__tab-leads ${tab === 'leads' ? 'tabs__item--on' : ''}`} onClick={() => setTab('leads')}>
          我的线索（{leads.length}）
        </Text>
      </View>
      {tab === 'shares' && (
        <ProfileCard
          profile={state.data.profile}
          onSaved={(profile) => setState((s) => (s.status === 'ready' ? { ...s, data: { ...s.data, profile } } : s))}
        />
      )}
      {tab === 'shares' && shares.length === 0 && <EmptyState text='还没有分享，去车型详情页点「分享给客户」' />}
      {tab === 'shares' &&
        shares.map((s) => (
          <View key={s.shareId} className='sales-card share-item' data-share-id={s.shareId}>
            <Text className='sales-card__title'>{s.title}</Text>
            <Text className='sales-card__hint'>
              {s.modelName} · {formatDateCN(s.createdAt)} 分享 · {formatDateCN(s.expiresAt)} 到期
            </Text>
            <View className='stats'>
              {STAT_CELLS.map(([key, label]) => (
                <View key={key} className='stats__cell'>
                  <Text className={`stats__num share-item__${key}`}>{s.stats[key]}</Text>
                  <Text className='stats__label'>{label}</Text>
                </View>
              ))}
            </View>
          </View>
        ))}
      {tab === 'leads' && leads.length === 0 && <EmptyState text='还没有线索' />}
      {tab === 'leads' && leads.map((l) => <LeadCard key={l.id} lead={l} onChanged={onChanged} />)}
    </View>
  )
}
