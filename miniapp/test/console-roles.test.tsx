import { describe, expect, it } from 'vitest'
import { fireEvent, render, waitFor } from '@testing-library/react'
import type { MaskedProfile } from '@carmall/shared-types/schemas'
import ConsoleRolesPage from '../src/packages/console/pages/roles'
import { $, $$, signIn, type } from './dom'
import { ok } from './fixtures'
import { taroMock } from './taro-mock'

const person = (over: Partial<MaskedProfile> = {}): MaskedProfile => ({
  id: '65a000000000000000000042',
  roles: ['buyer'],
  phone: '139****7777',
  realName: '张*',
  idCardNo: null,
  driverLicenceNo: null,
  channels: ['weapp'],
  createdAt: '2026-11-01T00:00:00.000Z',
  ...over,
})

/** The BFF's user search and role change behind the Taro.request spy; `me` is the signed-in user's roles. */
function fakeBff(me: string[], people: MaskedProfile[]) {
  const puts: unknown[] = []
  taroMock.request.mockImplementation(async (opts: any) => {
    const url = new URL(opts.url)
    const method = (opts.method ?? 'GET').toUpperCase()
    if (url.pathname === '/api/v1/me') return ok(person({ id: 'admin-1', roles: me }))
    if (!me.includes('admin') && !me.includes('service')) return ok({ error: { code: 'FORBIDDEN', message: '无权限', requestId: 'r' } }, 403)
    if (method === 'GET' && url.pathname === '/api/v1/admin/users') return ok({ items: url.searchParams.get('phone') === '13900007777' ? people : [] })
    const m = url.pathname.match(/^\/api\/v1\/admin\/users\/([^/]+)\/roles$/)
    if (method === 'PUT' && m) {
      puts.push(opts.data)
      if (m[1] === 'admin-1') return ok({ error: { code: 'CONFLICT', message: '不能移除自己的管理员角色', requestId: 'r' } }, 409)
      const p = people.find((x) => x.id === m[1])!
      p.roles = [...opts.data.roles].sort()
      return ok(p)
    }
    return ok({ error: { code: 'NOT_FOUND', message: 'no route', requestId: 'r' } }, 404)
  })
  return puts
}

describe('管理后台 · 角色', () => {
  it('finds a person by their whole phone, and changes their roles after a confirmation', async () => {
    signIn()
    const puts = fakeBff(['admin'], [person()])
    taroMock.showModal.mockResolvedValue({ confirm: true, cancel: false })
    const { container: c } = render(<ConsoleRolesPage />)
    await waitFor(() => expect($(c, '.console-nav__item[data-key="roles"]')).not.toBeNull())
    type(c, '.roles-phone', '1390000')
    fireEvent.click($(c, '.roles-search')!)
    await waitFor(() => expect($(c, '.roles-error')!.textContent).toBe('请输入完整的 11 位手机号'))
    type(c, '.roles-phone', '13900007777')
    fireEvent.click($(c, '.roles-search')!)
    await waitFor(() => expect($(c, '.roles-user')).not.toBeNull())
    expect($(c, '.roles-user__who')!.textContent).toContain('张* · 139****7777')
    expect($(c, '.roles-user__save')!.dataset.disabled).toBe('true') // nothing changed yet
    fireEvent.click($(c, '.roles-user__roles [data-value="service"]')!)
    fireEvent.click($(c, '.roles-user__save')!)
    await waitFor(() => expect($(c, '.roles-user__message')!.textContent).toBe('已保存'))
    expect(puts).toEqual([{ roles: ['buyer', 'service'] }])
    expect($(c, '.roles-user__now')!.textContent).toBe('当前角色：买家、服务')
  })

  it("shows the BFF's refusal (an admin removing their own admin role); a non-admin sees 无权限", async () => {
    signIn()
    fakeBff(['admin'], [person({ id: 'admin-1', roles: ['admin'] })])
    taroMock.showModal.mockResolvedValue({ confirm: true, cancel: false })
    const { container: c, unmount } = render(<ConsoleRolesPage />)
    await waitFor(() => expect($(c, '.console-nav__item[data-key="roles"]')).not.toBeNull())
    type(c, '.roles-phone', '13900007777')
    fireEvent.click($(c, '.roles-search')!)
    await waitFor(() => expect($(c, '.roles-user')).not.toBeNull())
    fireEvent.click($(c, '.roles-user__roles [data-value="operator"]')!)
    fireEvent.click($(c, '.roles-user__roles [data-value="admin"]')!)
    fireEvent.click($(c, '.roles-user__save')!)
    await waitFor(() => expect($(c, '.roles-user__message')!.textContent).toBe('不能移除自己的管理员角色'))
    unmount()
    fakeBff(['service'], [])
    const { container: c2 } = render(<ConsoleRolesPage />)
    await waitFor(() => expect($(c2, '.console-forbidden')).not.toBeNull())
    expect($$(c2, '.console-nav__item').map((e) => e.dataset.key)).not.toContain('roles')
  })
})
