import { describe, expect, it, vi } from 'vitest'
import { fireEvent, render, waitFor } from '@testing-library/react'
import { TOKEN_KEY } from '../src/api/client'
import AddVehiclePage from '../src/packages/garage/pages/add'
import BookServicePage from '../src/packages/garage/pages/book'
import GaragePage from '../src/packages/garage/pages/index'
import VehiclePage from '../src/packages/garage/pages/vehicle'
import { plateInputHint, vinInputHint } from '../src/packages/garage/lib'
import { callsTo, installFakeGarage, vehicle } from './fake-garage'
import { routerParams, taroMock } from './taro-mock'

// The WeChat build can scan (Taro.scanCode); H5 and Alipay type. Flipped per test.
const platform = vi.hoisted(() => ({ weapp: false }))
vi.mock('../src/packages/garage/scan', () => ({
  get CAN_SCAN_VIN() {
    return platform.weapp
  },
}))

const $ = (c: HTMLElement, sel: string) => c.querySelector<HTMLElement>(sel)
const type = (c: HTMLElement, sel: string, value: string) => fireEvent.input(c.querySelector<HTMLInputElement>(`${sel} input, input${sel}`)!, { target: { value } })
const signIn = () => taroMock.setStorageSync(TOKEN_KEY, 'tok-owner')
// Check digits computed (shared-types tests): the demo DMS's cars.
const VIN = 'LLYX4A1A8RS400005'
const OTHERS = 'LLYS6P2A2RS300004'
const CID = 'c'.repeat(24)

describe('field hints', () => {
  it('the VIN: letters I/O/Q at once, what is left while typing, the check digit at 17, ok', () => {
    expect(vinInputHint('')).toEqual({ tone: 'none', text: '' })
    expect(vinInputHint('LLYX4')).toEqual({ tone: 'info', text: '还差 12 位' })
    expect(vinInputHint('LLYX4A1A8RS4OOOO5')).toMatchObject({ tone: 'error', text: expect.stringContaining('第 13 位是字母 O') })
    expect(vinInputHint('LLYX4A1A7RS400005')).toMatchObject({ tone: 'error', text: expect.stringMatching(/^车架号校验未通过/) })
    expect(vinInputHint('LLYX4A1A8RS4000055')).toMatchObject({ tone: 'error', text: '车架号应为 17 位，当前 18 位' })
    expect(vinInputHint(' llyx 4a1a 8rs4 00005')).toEqual({ tone: 'ok', text: '车架号校验通过' })
  })
  it('the plate: nothing while short, what is wrong from 7 characters, new-energy said', () => {
    expect(plateInputHint('沪A1')).toEqual({ tone: 'none', text: '' })
    expect(plateInputHint('沪AD12345')).toEqual({ tone: 'ok', text: '新能源车牌' })
    expect(plateInputHint('沪A12345').tone).toBe('ok')
    expect(plateInputHint('沪A1O345')).toMatchObject({ tone: 'error', text: expect.stringContaining('I、O') })
  })
})

describe('添加我的车', () => {
  it('typed on H5 (no scan button): the check-digit error shows as typed and blocks 添加; a good VIN adds the car and opens it', async () => {
    signIn()
    const fake = installFakeGarage({ vehicles: [], dms: { [VIN]: 'mine' } })
    const { container: c } = render(<AddVehiclePage />)
    expect($(c, '.add-vehicle__scan')).toBeNull()
    type(c, '.add-vehicle__vin', 'llyx4a1a7rs40000') // 16 characters
    expect($(c, '.add-vehicle__vin-hint')!.textContent).toBe('还差 1 位')
    type(c, '.add-vehicle__vin', 'llyx4a1a7rs400005') // 17, but position 9 does not match
    expect($(c, '.add-vehicle__vin-hint')!.dataset.tone).toBe('error')
    expect($(c, '.add-vehicle__vin-hint')!.textContent).toMatch(/^车架号校验未通过/)
    expect($(c, '.add-vehicle__submit')!.hasAttribute('disabled')).toBe(true)
    fireEvent.click($(c, '.add-vehicle__submit')!)
    expect(callsTo(fake, 'POST', '/api/v1/me/vehicles')).toHaveLength(0)
    type(c, '.add-vehicle__vin', 'llyx 4a1a 8rs4 00005')
    expect($(c, '.add-vehicle__vin-hint')!.textContent).toBe('车架号校验通过')
    type(c, '.add-vehicle__plate', '沪a·d12345')
    expect($(c, '.add-vehicle__plate-hint')!.textContent).toBe('新能源车牌')
    expect($(c, '.add-vehicle__submit')!.hasAttribute('disabled')).toBe(false)
    fireEvent.click($(c, '.add-vehicle__submit')!)
    await waitFor(() => expect(taroMock.redirectTo).toHaveBeenCalledWith({ url: `/packages/garage/pages/vehicle?id=${CID}` }))
    const [call] = callsTo(fake, 'POST', '/api/v1/me/vehicles')
    expect(call.data).toEqual({ vin: VIN, plate: '沪AD12345' })
    expect(call.header['Idempotency-Key']).toMatch(/^[A-Za-z0-9_-]{8,64}$/)
    expect(taroMock.showToast).toHaveBeenCalledWith({ title: '已添加到我的车库', icon: 'success' })
  })

  it('on WeChat the VIN barcode is scanned (a Code 39 import marker dropped); a bad plate blocks 添加 until cleared', async () => {
    platform.weapp = true
    try {
      signIn()
      installFakeGarage({ vehicles: [], dms: { [VIN]: 'mine' } })
      taroMock.scanCode.mockResolvedValueOnce({ result: `I${VIN}`, scanType: 'CODE_39', charSet: 'utf-8', errMsg: 'scanCode:ok' })
      const { container: c } = render(<AddVehiclePage />)
      fireEvent.click($(c, '.add-vehicle__scan')!)
      await waitFor(() => expect(($(c, '.add-vehicle__vin input, input.add-vehicle__vin') as HTMLInputElement).value).toBe(VIN))
      expect(taroMock.scanCode).toHaveBeenCalledWith(expect.objectContaining({ scanType: expect.arrayContaining(['barCode']) }))
      expect($(c, '.add-vehicle__vin-hint')!.textContent).toBe('车架号校验通过')
      type(c, '.add-vehicle__plate', '沪A123456')
      expect($(c, '.add-vehicle__plate-hint')!.dataset.tone).toBe('error')
      expect($(c, '.add-vehicle__submit')!.hasAttribute('disabled')).toBe(true)
      type(c, '.add-vehicle__plate', '')
      expect($(c, '.add-vehicle__submit')!.hasAttribute('disabled')).toBe(false)
      // A cancelled scan changes nothing.
      taroMock.scanCode.mockRejectedValueOnce(new Error('scanCode:fail cancel'))
      fireEvent.click($(c, '.add-vehicle__scan')!)
      await new Promise((r) => setTimeout(r, 0))
      expect(($(c, '.add-vehicle__vin input, input.add-vehicle__vin') as HTMLInputElement).value).toBe(VIN)
    } finally {
      platform.weapp = false
    }
  })

  it('someone else’s phone: the explanation with the masked registered phone and what to do; nothing added', async () => {
    signIn()
    const details = { registeredPhone: '137****7000', signedInPhone: 'different' }
    const fake = installFakeGarage({ vehicles: [], dms: { [OTHERS]: { status: 409, code: 'VEHICLE_OWNER_MISMATCH', message: '该车登记的车主手机号为 137****7000…', details } } })
    const { container: c } = render(<AddVehiclePage />)
    type(c, '.add-vehicle__vin', OTHERS)
    fireEvent.click($(c, '.add-vehicle__submit')!)
    await waitFor(() => expect($(c, '.add-vehicle__refusal')).not.toBeNull())
    expect($(c, '.add-vehicle__refusal-title')!.textContent).toBe('该车登记的车主手机号为 137****7000，与您当前登录的手机号不一致')
    const steps = Array.from(c.querySelectorAll('.add-vehicle__step')).map((e) => e.textContent)
    expect(steps[0]).toContain('用购车时登记的手机号 137****7000 登录')
    expect(steps[1]).toContain('行驶证')
    expect($(c, '.add-vehicle__bind')).toBeNull()
    expect(taroMock.redirectTo).not.toHaveBeenCalled()
    expect(fake.vehicles).toEqual([])
    // Without a verified phone: a way to bind one.
    fake.dms[OTHERS] = { status: 409, code: 'VEHICLE_OWNER_MISMATCH', message: '…', details: { ...details, signedInPhone: 'none' } }
    fireEvent.click($(c, '.add-vehicle__submit')!)
    await waitFor(() => expect($(c, '.add-vehicle__bind')).not.toBeNull())
    fireEvent.click($(c, '.add-vehicle__bind')!)
    expect(taroMock.switchTab).toHaveBeenCalledWith({ url: '/pages/me/index' })
  })

  it('not in the DMS: said under the VIN; another car’s owner, DMS down: said, and a new VIN is a new attempt (new key)', async () => {
    signIn()
    const fake = installFakeGarage({ vehicles: [], dms: { [OTHERS]: { status: 409, code: 'VEHICLE_ALREADY_CLAIMED', message: '该车已添加在其他账号的车库中。如您是现车主，请携带行驶证到服务中心办理' } } })
    const { container: c } = render(<AddVehiclePage />)
    type(c, '.add-vehicle__vin', VIN)
    fireEvent.click($(c, '.add-vehicle__submit')!)
    await waitFor(() => expect($(c, '.add-vehicle__vin-hint')!.textContent).toMatch(/^未查询到该车架号的销售记录/))
    type(c, '.add-vehicle__vin', OTHERS)
    fireEvent.click($(c, '.add-vehicle__submit')!)
    await waitFor(() => expect($(c, '.add-vehicle__refusal')!.textContent).toContain('服务中心'))
    const keys = callsTo(fake, 'POST', '/api/v1/me/vehicles').map((x) => x.header['Idempotency-Key'])
    expect(new Set(keys).size).toBe(2)
    fake.fail = () => ({ status: 503, code: 'UPSTREAM_UNAVAILABLE', message: '暂时无法查询车辆销售记录，请稍后再试' })
    fireEvent.click($(c, '.add-vehicle__submit')!)
    await waitFor(() => expect(taroMock.showToast).toHaveBeenCalledWith({ title: '暂时无法查询车辆销售记录，请稍后再试', icon: 'none' }))
    // The retry of the same attempt keeps its key (the car may have been added before the answer was lost).
    fake.fail = undefined
    fake.dms[OTHERS] = 'mine'
    fireEvent.click($(c, '.add-vehicle__submit')!)
    await waitFor(() => expect(taroMock.redirectTo).toHaveBeenCalled())
    const last = callsTo(fake, 'POST', '/api/v1/me/vehicles').slice(-2).map((x) => x.header['Idempotency-Key'])
    expect(last[0]).toBe(last[1])
  })

  it('asks to sign in first', () => {
    installFakeGarage()
    const { container: c } = render(<AddVehiclePage />)
    expect(c.textContent).toContain('请先在「我的」登录后添加车辆')
  })
})

describe('from 我的车库 and 预约保养', () => {
  it('我的车库 offers 添加我的车 (also when empty); the car’s page shows its plate and where it was bought', async () => {
    signIn()
    installFakeGarage({ vehicles: [] })
    const { container: c } = render(<GaragePage />)
    await waitFor(() => expect(c.textContent).toContain('在经销商购买的车可以手动添加'))
    fireEvent.click($(c, '.garage-page__add')!)
    expect(taroMock.navigateTo).toHaveBeenCalledWith({ url: '/packages/garage/pages/add' })

    routerParams.id = CID
    installFakeGarage({ vehicles: [vehicle({ id: CID, source: 'dms_claim', plate: '沪AD12345', colourName: '熔岩橙', dealerName: '远山汽车 上海浦东授权经销商' })] })
    const page = render(<VehiclePage />)
    await waitFor(() => expect($(page.container, '.vehicle-page__sold-by')?.textContent).toBe('熔岩橙 · 购于 远山汽车 上海浦东授权经销商'))
    expect(page.container.textContent).toContain('沪AD12345 · 车架号')
  })

  it('预约保养 without a car offers 添加车辆, which comes back to book the added car', async () => {
    signIn()
    delete routerParams.vehicleId
    installFakeGarage({ vehicles: [], dms: { [VIN]: 'mine' } })
    const book = render(<BookServicePage />)
    await waitFor(() => expect($(book.container, '.book-page--no-vehicle')).toBeTruthy())
    fireEvent.click($(book.container, '.book-page__add-vehicle')!)
    expect(taroMock.redirectTo).toHaveBeenCalledWith({ url: '/packages/garage/pages/add?from=book' })
    book.unmount()

    routerParams.from = 'book'
    const add = render(<AddVehiclePage />)
    type(add.container, '.add-vehicle__vin', VIN)
    fireEvent.click($(add.container, '.add-vehicle__submit')!)
    await waitFor(() => expect(taroMock.redirectTo).toHaveBeenLastCalledWith({ url: `/packages/garage/pages/book?vehicleId=${CID}` }))
  })
})
