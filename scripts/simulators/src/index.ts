export { startSimulator, sendJson, readBody, type RunningSimulator, type Handler } from './server';
export { startWechatSimulator, type WechatSimulatorOptions } from './wechat';
