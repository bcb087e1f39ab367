/** The WeChat Pay Native QR code: only the H5 build draws one (PayQr.h5.tsx, the PC site). */
export function PayQr(_props: { value: string }) {
  return null
}
