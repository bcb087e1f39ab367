import { useEffect, useState, type ReactNode } from 'react'
import { Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { openConsolePage } from '../../../api/console'
import { getMe } from '../../../api/me'
import { ErrorState } from '../../../components/StatusViews'
import { menuFor, rolesText, type ConsoleMenuEntry } from '../lib/menu'

/**
 * The console's frame: a left menu (the entries the user's roles may use; on a narrow screen it
 * becomes a row on top) and the section on the right.
 */
export function ConsoleShell({ active, roles, children }: { active: ConsoleMenuEntry['key']; roles: string[] | undefined; children: ReactNode }) {
  const menu = menuFor(roles)
  return (
    <View className='console'>
      <View className='console-nav'>
        <Text className='console-nav__brand'>管理后台</Text>
        {roles && <Text className='console-nav__who'>{rolesText(roles) || '无后台角色'}</Text>}
        {menu.map((e) => (
          <View
            key={e.key}
            className={`console-nav__item ${e.key === active ? 'console-nav__item--on' : ''}`}
            data-key={e.key}
            onClick={() => {
              if (e.key !== active) void openConsolePage(e.path)
            }}
          >
            <Text>{e.label}</Text>
          </View>
        ))}
      </View>
      <View className='console-main'>{children}</View>
    </View>
  )
}

/** 无权限: the BFF answered 403 (or the roles lack the section). */
export function Forbidden({ text }: { text: string }) {
  return (
    <View className='console-forbidden'>
      <Text className='console-forbidden__title'>无权限</Text>
      <Text className='console-forbidden__text'>{text}</Text>
    </View>
  )
}

/** A console button (a View, so it looks the same on every platform); disabled ones ignore taps. */
export function CButton({ className = '', kind = 'plain', disabled, onClick, children }: { className?: string; kind?: 'primary' | 'plain' | 'danger'; disabled?: boolean; onClick: () => void; children: ReactNode }) {
  return (
    <View className={`c-btn c-btn--${kind} ${disabled ? 'c-btn--disabled' : ''} ${className}`.trim()} data-disabled={disabled ? 'true' : 'false'} onClick={() => !disabled && onClick()}>
      <Text>{children}</Text>
    </View>
  )
}

/** Single- or multi-choice chips. */
export function Chips<T extends string>({ options, isOn, onTap, className = '' }: { options: { value: T; label: string }[]; isOn: (v: T) => boolean; onTap: (v: T) => void; className?: string }) {
  return (
    <View className={`c-chips ${className}`.trim()}>
      {options.map((o) => (
        <Text key={o.value} className={`c-chip ${isOn(o.value) ? 'c-chip--on' : ''}`} data-value={o.value} onClick={() => onTap(o.value)}>
          {o.label}
        </Text>
      ))}
    </View>
  )
}

/** The signed-in user's roles for the menu (undefined while asked; [] when they cannot be read). */
export function useStaffRoles(signedIn: boolean): string[] | undefined {
  const [roles, setRoles] = useState<string[] | undefined>(undefined)
  useEffect(() => {
    if (!signedIn) return
    getMe().then(
      (me) => setRoles(me.roles),
      () => setRoles([]),
    )
  }, [signedIn])
  return roles
}

/** A console page opened without a sign-in. */
export function SignInFirst() {
  return (
    <View className='console-page'>
      <ErrorState message='请先在「我的」登录工作人员账号' back={{ label: '去登录', onClick: () => void Taro.switchTab({ url: '/pages/me/index' }) }} />
    </View>
  )
}
