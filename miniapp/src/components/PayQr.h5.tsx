import { useMemo } from 'react'
import { Image } from '@tarojs/components'
import qrcode from 'qrcode-generator'

/** The code_url (weixin://wxpay/bizpayurl?pr=…) as a QR code the buyer scans with WeChat. */
export function PayQr({ value }: { value: string }) {
  const src = useMemo(() => {
    const qr = qrcode(0, 'M')
    qr.addData(value)
    qr.make()
    return qr.createDataURL(6, 4)
  }, [value])
  return <Image className='pay-qr__code' src={src} mode='aspectFit' data-code-url={value} />
}
