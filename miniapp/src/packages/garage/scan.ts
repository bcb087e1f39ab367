/** The WeChat mini-program can read the VIN barcode with the camera (Taro.scanCode); elsewhere the VIN is typed. */
export const CAN_SCAN_VIN = process.env.TARO_ENV === 'weapp'
