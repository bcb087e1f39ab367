import { useRef, useState } from 'react'
import { Button, Input, Text, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { normalizePlate, normalizeVin, ownerMismatchAdvice, validatePlate, validateVin, vinFromScan, type VehicleOwnerMismatchDetails } from '@carmall/shared-types'
import { ApiError, getToken } from '../../../api/client'
import { bookServicePath, claimVehicle, vehiclePath } from '../../../api/garage'
import { newIdempotencyKey } from '../../../api/orders'
import { EmptyState } from '../../../components/StatusViews'
import { errorText, plateInputHint, vinInputHint, type FieldHint } from '../lib'
import { CAN_SCAN_VIN } from '../scan'
import './add.scss'

/** A refusal the buyer has to act on (not a typo): shown as a panel with what to do. */
type Refusal = { title: string; steps: string[]; bindPhone?: boolean }

function Hint({ cls, hint }: { cls: string; hint: FieldHint }) {
  if (hint.tone === 'none') return null
  return (
    <Text className={`add-vehicle__hint add-vehicle__hint--${hint.tone} ${cls}`} data-tone={hint.tone}>
      {hint.text}
    </Text>
  )
}

/**
 * 添加我的车: a car bought at a dealer (or before the app) is added by its VIN; the brand's DMS
 * confirms the owner's phone. WeChat can scan the VIN barcode; elsewhere it is typed, and a wrong
 * character or check digit is said as it is typed. Opened from 预约保养 (`from=book`), it goes on to
 * book the added car; otherwise to the car's page.
 */
export default function AddVehiclePage() {
  const { params } = useRouter()
  const [vin, setVin] = useState('')
  const [plate, setPlate] = useState('')
  const [vinError, setVinError] = useState('') // the server's word on this VIN (not found, invalid)
  const [plateError, setPlateError] = useState('')
  const [refusal, setRefusal] = useState<Refusal | null>(null)
  const [busy, setBusy] = useState(false)
  // One key per attempt: a retry after a lost answer finds the car added by the first.
  const key = useRef(newIdempotencyKey())

  if (!getToken()) return <EmptyState text='请先在「我的」登录后添加车辆' />

  const vinHint: FieldHint = vinError ? { tone: 'error', text: vinError } : vinInputHint(vin)
  const plateHint: FieldHint = plateError ? { tone: 'error', text: plateError } : plateInputHint(plate)
  const plateOk = plate.trim() === '' || validatePlate(plate).ok
  const canSubmit = validateVin(vin).ok && plateOk && !busy

  const edited = () => {
    key.current = newIdempotencyKey() // another VIN or plate is another attempt
    setVinError('')
    setPlateError('')
    setRefusal(null)
  }

  const onScan = async () => {
    try {
      const res = await Taro.scanCode({ onlyFromCamera: false, scanType: ['barCode', 'qrCode', 'datamatrix'] })
      edited()
      setVin(vinFromScan(res.result ?? ''))
    } catch {
      // Cancelled, or no camera permission: typing still works.
    }
  }

  const onSubmit = async () => {
    if (!canSubmit) return
    setBusy(true)
    setRefusal(null)
    try {
      const car = await claimVehicle({ vin: normalizeVin(vin), plate: plate.trim() ? normalizePlate(plate) : null }, key.current)
      Taro.showToast({ title: '已添加到我的车库', icon: 'success' })
      void Taro.redirectTo({ url: params.from === 'book' ? bookServicePath(car.id) : vehiclePath(car.id) })
    } catch (err) {
      const code = err instanceof ApiError ? err.code : null
      if (code === 'VEHICLE_OWNER_MISMATCH' && err instanceof ApiError && err.details) {
        const details = err.details as VehicleOwnerMismatchDetails
        setRefusal({ ...ownerMismatchAdvice(details), bindPhone: details.signedInPhone === 'none' })
      }
      else if (code === 'VEHICLE_ALREADY_CLAIMED') setRefusal({ title: '该车已在其他账号的车库中', steps: [errorText(err)] })
      else if (code === 'VEHICLE_NOT_FOUND' || code === 'VIN_INVALID') setVinError(errorText(err))
      else if (code === 'PLATE_INVALID') setPlateError(errorText(err))
      else Taro.showToast({ title: errorText(err, '添加失败，请重试'), icon: 'none' })
    } finally {
      setBusy(false)
    }
  }

  return (
    <View className='page garage-page add-vehicle'>
      <Text className='add-vehicle__intro'>在经销商购买的车辆，输入车架号即可加入「我的车库」，用于预约保养和接收保养提醒。我们会向品牌销售系统核对购车时登记的车主手机号。</Text>
      <View className='garage-card'>
        <Text className='add-vehicle__label'>车架号（VIN）</Text>
        <View className='add-vehicle__row'>
          <Input
            className='add-vehicle__input add-vehicle__vin'
            placeholder='17 位，见行驶证或前挡风玻璃左下角'
            maxlength={24}
            value={vin}
            onInput={(e) => {
              edited()
              setVin(e.detail.value.toUpperCase())
            }}
          />
          {CAN_SCAN_VIN && (
            <Button className='btn-plain add-vehicle__scan' size='mini' onClick={onScan}>
              扫码
            </Button>
          )}
        </View>
        <Hint cls='add-vehicle__vin-hint' hint={vinHint} />
        <Text className='add-vehicle__label'>车牌号（选填）</Text>
        <Input
          className='add-vehicle__input add-vehicle__plate'
          placeholder='如 沪A12345，新能源 沪AD12345'
          maxlength={12}
          value={plate}
          onInput={(e) => {
            edited()
            setPlate(e.detail.value.toUpperCase())
          }}
        />
        <Hint cls='add-vehicle__plate-hint' hint={plateHint} />
      </View>
      {refusal && (
        <View className='garage-card add-vehicle__refusal'>
          <Text className='garage-card__title add-vehicle__refusal-title'>{refusal.title}</Text>
          <Text className='add-vehicle__refusal-lead'>您可以：</Text>
          {refusal.steps.map((s, i) => (
            <Text key={i} className='garage-card__line add-vehicle__step'>
              {i + 1}. {s}
            </Text>
          ))}
          {refusal.bindPhone && (
            <Button className='btn-plain add-vehicle__bind' size='mini' onClick={() => Taro.switchTab({ url: '/pages/me/index' })}>
              去「我的」绑定手机号
            </Button>
          )}
        </View>
      )}
      <Button className='btn-primary add-vehicle__submit' disabled={!canSubmit || undefined} loading={busy} onClick={onSubmit}>
        添加到我的车库
      </Button>
    </View>
  )
}
