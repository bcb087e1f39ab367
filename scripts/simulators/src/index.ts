export { startSimulator, sendJson, readBody, type RunningSimulator, type Handler } from './server';
export { startWechatSimulator, type WechatSimulatorOptions } from './wechat';
export { startWechatPaySimulator, encryptResource, signMessage, type WechatPaySimulatorOptions } from './wechatpay';
export { generateWechatPayKeys, type WechatPayKeys } from './keys';
export { startDmsSimulator, type DmsSimulatorOptions } from './dms';
export { startTmsSimulator, tmsSignature, toTmsEvent, type TmsSimulatorOptions, type TmsEvent } from './tms';
export { startAlipayGateway, alipaySignContent, rsa2Sign, rsa2Verify, alipayTime, type AlipayGatewayOptions } from './alipay-gateway';
export { startSmsSimulator, aliyunSignature, aliyunPercentEncode, type SmsSimulatorOptions } from './sms';
export { createAlipayOauth, type AlipayOauthOptions } from './alipay';
