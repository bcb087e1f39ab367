import { useState } from 'react'
import { Input, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { ROLE_NAMES } from '@carmall/shared-types/schemas'
import { ApiError, getToken } from '../../../api/client'
import { findUsersByPhone, setUserRoles, type MaskedProfile } from '../../../api/users-admin'
import { LoadingState } from '../../../components/StatusViews'
import { Chips, CButton, ConsoleShell, Forbidden, SignInFirst, useStaffRoles } from '../components/ConsoleShell'
import { ROLE_LABELS } from '../lib/menu'
import './console.scss'

type Found = { status: 'idle' } | { status: 'loading' } | { status: 'error'; message: string; forbidden: boolean } | { status: 'ready'; items: MaskedProfile[] }

/**
 * 管理后台 · 角色 (admins): find a person by their whole phone number, see their masked profile and
 * roles, and change the roles (confirmed; audited by the BFF, which also ends their sessions so
 * the change applies at once, and refuses an admin removing their own admin role).
 */
export default function ConsoleRolesPage() {
  const signedIn = !!getToken()
  const roles = useStaffRoles(signedIn)
  const [phone, setPhone] = useState('')
  const [found, setFound] = useState<Found>({ status: 'idle' })

  const search = async () => {
    if (!/^1[3-9]\d{9}$/.test(phone.trim())) return setFound({ status: 'error', message: '请输入完整的 11 位手机号', forbidden: false })
    setFound({ status: 'loading' })
    try {
      setFound({ status: 'ready', items: (await findUsersByPhone(phone.trim())).items })
    } catch (err) {
      setFound({ status: 'error', message: err instanceof ApiError ? err.message : '查询失败，请重试', forbidden: err instanceof ApiError && (err.status === 403 || err.status === 401) })
    }
  }
  const replaced = (p: MaskedProfile) => found.status === 'ready' && setFound({ status: 'ready', items: found.items.map((x) => (x.id === p.id ? p : x)) })

  if (!signedIn) return <SignInFirst />
  const isAdmin = roles?.includes('admin')
  return (
    <View className='console-page'>
      <ConsoleShell active='roles' roles={roles}>
        {(roles && !isAdmin) || (found.status === 'error' && found.forbidden) ? (
          <Forbidden text='角色管理仅管理员可用' />
        ) : (
          <View className='console-roles'>
            <View className='order-filters'>
              <View className='order-filters__row'>
                <Input className='order-filters__search roles-phone' type='number' value={phone} placeholder='用户的完整手机号' maxlength={11} onInput={(e) => setPhone(e.detail.value)} onConfirm={() => void search()} />
                <CButton className='roles-search' kind='primary' onClick={() => void search()}>
                  查找
                </CButton>
              </View>
            </View>
            {found.status === 'loading' && <LoadingState />}
            {found.status === 'error' && <Text className='recon-error roles-error'>{found.message}</Text>}
            {found.status === 'ready' && found.items.length === 0 && <Text className='recon-none'>没有使用该手机号的用户</Text>}
            {found.status === 'ready' && found.items.map((p) => <UserCard key={p.id} profile={p} onSaved={replaced} />)}
          </View>
        )}
      </ConsoleShell>
    </View>
  )
}

function UserCard({ profile, onSaved }: { profile: MaskedProfile; onSaved: (p: MaskedProfile) => void }) {
  const [draft, setDraft] = useState<string[]>(profile.roles)
  const [busy, setBusy] = useState(false)
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null)
  const changed = [...draft].sort().join() !== [...profile.roles].sort().join()
  const toggle = (r: string) => setDraft(draft.includes(r) ? draft.filter((x) => x !== r) : [...draft, r])
  const label = (rs: string[]) => rs.map((r) => ROLE_LABELS[r] ?? r).join('、') || '无'

  const save = async () => {
    const ok = await Taro.showModal({ title: '修改角色', content: `${label(profile.roles)} → ${label(draft)}。对方需重新登录后生效，操作会记入审计日志。`, confirmText: '确认修改' }).then((r) => r.confirm, () => false)
    if (!ok) return
    setBusy(true)
    setMessage(null)
    try {
      const saved = await setUserRoles(profile.id, draft)
      onSaved(saved)
      setDraft(saved.roles)
      setMessage({ ok: true, text: '已保存' })
    } catch (err) {
      setMessage({ ok: false, text: err instanceof ApiError ? err.message : '保存失败，请重试' })
    } finally {
      setBusy(false)
    }
  }

  return (
    <View className='roles-user' data-id={profile.id}>
      <Text className='roles-user__who'>
        {profile.realName ?? '未实名'} · {profile.phone ?? '未绑定手机'} · 用户 {profile.id.slice(-6)}
      </Text>
      <Text className='roles-user__now'>当前角色：{label(profile.roles)}</Text>
      <Chips className='roles-user__roles' options={ROLE_NAMES.map((r) => ({ value: r, label: ROLE_LABELS[r] ?? r }))} isOn={(v) => draft.includes(v)} onTap={toggle} />
      <CButton className='roles-user__save' kind='primary' disabled={busy || !changed || draft.length === 0 || undefined} onClick={() => void save()}>
        保存
      </CButton>
      {message && <Text className={`roles-user__message ${message.ok ? 'roles-user__message--ok' : 'roles-error'}`}>{message.text}</Text>}
    </View>
  )
}
